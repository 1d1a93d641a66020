package main

import (
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/blink-go/blink/core/interp"
	"github.com/blink-go/blink/core/mem"
)

// hostInfo is what blink knows about the machine it runs on: printed by
// -v, and behind the choice of memory mode for a run.
type hostInfo struct {
	goos, goarch string
	goVersion    string
	pageSize     int
	mode         mem.Mode // what a run without -m gets
	fallback     string   // why that is not Linear ("" when it is)
	build        map[string]string
}

// memProbe asks the host for a Linear address space and reports what it
// got, and why not Linear. Tests substitute one that fails.
type memProbe func() (mem.Mode, string)

// probeLinear reserves (and releases) one Linear address space; the
// reservation is PROT_NONE address space only, so this is cheap.
func probeLinear() (mem.Mode, string) {
	s, err := mem.New(mem.Options{Mode: mem.Linear})
	if err != nil {
		return mem.Virtual, err.Error()
	}
	defer s.Close()
	return s.Mode(), s.FallbackReason()
}

func currentHost(probe memProbe) hostInfo {
	h := hostInfo{
		goos: runtime.GOOS, goarch: runtime.GOARCH, goVersion: runtime.Version(),
		pageSize: os.Getpagesize(),
		build:    map[string]string{},
	}
	h.mode, h.fallback = probe()
	if h.mode == mem.Linear {
		h.fallback = ""
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			h.build[s.Key] = s.Value
		}
	}
	return h
}

// memMode picks the memory mode of a run: Virtual with -m, otherwise Linear
// if the host can give it, else Virtual with one log line saying why (the
// kernel then never retries a reservation for each new process).
func memMode(virtual bool, probe memProbe, logf func(format string, args ...any)) mem.Mode {
	if virtual {
		return mem.Virtual
	}
	mode, why := probe()
	if mode != mem.Linear {
		if why == "" {
			why = "unknown reason"
		}
		logf("linear memory unavailable (%s): using virtual memory, as with -m", why)
		return mem.Virtual
	}
	return mem.Linear
}

// features lists what this build of blink contains, for -v.
var features = []string{
	"x86-64 interpreter with decode cache (-j off)",
	"loader: ELF static/static-PIE/dynamic, APE, flat binaries, #! scripts",
	"memory: linear (host reservation) and virtual (-m)",
}

func writeVersion(w io.Writer, h hostInfo) {
	fmt.Fprintf(w, "blink %s\n", version)
	fmt.Fprintf(w, "go: %s\n", h.goVersion)
	fmt.Fprintf(w, "host: %s/%s (%s), page size %d\n", h.goos, h.goarch, hostOSNameOf(h.goos), h.pageSize)
	mode := "linear"
	if h.mode != mem.Linear {
		mode = "virtual (" + h.fallback + ")"
	}
	fmt.Fprintf(w, "memory: %s by default, virtual with -m\n", mode)
	var b []string
	for _, k := range []string{"vcs.revision", "vcs.modified", "CGO_ENABLED", "GOARM", "GOAMD64", "GOARM64", "GOMIPS64"} {
		if v := h.build[k]; v != "" {
			b = append(b, k+"="+v)
		}
	}
	if len(b) > 0 {
		fmt.Fprintf(w, "build: %s\n", strings.Join(b, " "))
	}
	fmt.Fprintf(w, "guest AT_HWCAP: %#x\n", interp.HWCap())
	for _, f := range features {
		fmt.Fprintf(w, "feature: %s\n", f)
	}
}

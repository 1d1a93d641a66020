package main

import (
	"bytes"
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/blink-go/blink/core/mem"
)

// TestMemModeFallback forces each answer the Linear probe can give and
// checks the mode a run gets and that a fallback is logged exactly once.
func TestMemModeFallback(t *testing.T) {
	for _, c := range []struct {
		name     string
		virtual  bool
		probe    memProbe
		want     mem.Mode
		wantLogs []string
	}{
		{"linear", false, func() (mem.Mode, string) { return mem.Linear, "" }, mem.Linear, nil},
		{"reservation fails", false,
			func() (mem.Mode, string) { return mem.Virtual, "host reservation failed: cannot allocate memory" },
			mem.Virtual, []string{"linear memory unavailable (host reservation failed: cannot allocate memory): using virtual memory, as with -m"}},
		{"32-bit", false, func() (mem.Mode, string) { return mem.Virtual, "32-bit host" },
			mem.Virtual, []string{"linear memory unavailable (32-bit host): using virtual memory, as with -m"}},
		{"no reason", false, func() (mem.Mode, string) { return mem.Virtual, "" },
			mem.Virtual, []string{"linear memory unavailable (unknown reason): using virtual memory, as with -m"}},
		{"-m does not probe", true, func() (mem.Mode, string) { panic("probed") }, mem.Virtual, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			var logs []string
			got := memMode(c.virtual, c.probe, func(f string, a ...any) { logs = append(logs, fmt.Sprintf(f, a...)) })
			if got != c.want || strings.Join(logs, "\n") != strings.Join(c.wantLogs, "\n") {
				t.Errorf("mode %v logs %q, want %v %q", got, logs, c.want, c.wantLogs)
			}
		})
	}
}

// TestProbeLinear runs the real probe: on a 64-bit host with 4 KiB pages it
// may still fall back (address-space limits, qemu-user), but it must say why.
func TestProbeLinear(t *testing.T) {
	mode, why := probeLinear()
	if mode != mem.Linear && why == "" {
		t.Errorf("fell back to %v without a reason", mode)
	}
	if mode == mem.Linear && why != "" {
		t.Errorf("linear with a fallback reason %q", why)
	}
	if runtime.GOARCH == "386" || runtime.GOARCH == "arm" || runtime.GOOS == "windows" {
		if mode != mem.Virtual {
			t.Errorf("%s/%s got %v, want virtual", runtime.GOOS, runtime.GOARCH, mode)
		}
	}
}

func TestVersionText(t *testing.T) {
	h := currentHost(func() (mem.Mode, string) { return mem.Virtual, "host page size 16384 is not 4096" })
	h.goos, h.goarch, h.pageSize = "darwin", "arm64", 16384
	var b bytes.Buffer
	writeVersion(&b, h)
	out := b.String()
	for _, want := range []string{
		"blink " + version + "\n",
		"go: " + runtime.Version() + "\n",
		"host: darwin/arm64 (XNU), page size 16384\n",
		"memory: virtual (host page size 16384 is not 4096) by default, virtual with -m\n",
		"guest AT_HWCAP: 0x",
		"feature: ",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("-v output lacks %q:\n%s", want, out)
		}
	}
	h = currentHost(func() (mem.Mode, string) { return mem.Linear, "" })
	h.goos = "windows"
	b.Reset()
	writeVersion(&b, h)
	if out := b.String(); !strings.Contains(out, "memory: linear by default") || !strings.Contains(out, "(Windows)") {
		t.Errorf("linear host:\n%s", out)
	}
}

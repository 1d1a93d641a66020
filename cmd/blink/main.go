// Command blink runs x86-64 Linux programs on any host.
//
// Usage: blink [-hvjemZs] [-L logfile] [-C root] [-0] program [args...]
// (blink -h prints the flags). The exit status is the program's; a program
// killed by a signal kills blink with the same signal; 127 means the program
// could not be started.
package main

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"strings"

	"github.com/blink-go/blink/core/interp"
	"github.com/blink-go/blink/core/kernel"
	"github.com/blink-go/blink/core/klog"
	"github.com/blink-go/blink/core/loader"
	blinkfs "github.com/blink-go/blink/fs"
)

// version is set at release time with -ldflags "-X main.version=...".
var version = "0.1.0-dev"

const exitCannotRun = 127

func main() {
	os.Exit(withProfile(func() int { return run(os.Args[1:]) }))
}

func run(args []string) int {
	if status, ok := imageCommand(args); ok {
		return status
	}
	o, err := parseArgs(args)
	if err != nil {
		if errors.Is(err, errUsage) {
			fmt.Fprint(os.Stderr, usage)
		} else {
			fmt.Fprintf(os.Stderr, "blink: %v (see blink -h)\n", err)
		}
		return exitCannotRun
	}
	if o.help {
		fmt.Print(usage)
		fmt.Print(imagesUsage)
		return 0
	}
	if o.version {
		printVersion(o)
		return 0
	}
	log := klog.New(o.logPath, o.logStderr)
	defer log.Close()
	restoreTerminal := saveTerminal() // term.go
	defer restoreTerminal()

	if o.root != "" {
		if o.root, err = resolveRoot(o.root); err != nil {
			fmt.Fprintf(os.Stderr, "blink: %s\n", oneLine(err.Error()))
			return exitCannotRun
		}
	}
	fsOpts := blinkfs.OptionsFromEnv()
	fsOpts.NoSystemRoot = o.noSysRoot
	for _, spec := range o.binds {
		b, err := parseBind(spec)
		if err != nil {
			fmt.Fprintf(os.Stderr, "blink: %v\n", err)
			return exitCannotRun
		}
		fsOpts.Binds = append(fsOpts.Binds, b)
	}
	mode := memMode(o.virtualMem, probeLinear, log.Printf)
	k := kernel.New(kernel.Config{
		Log:         log,
		Strace:      o.strace,
		HostOS:      hostOSName(),
		MemMode:     mode,
		DecodeCache: !o.noCache,
		Root:        o.root,
		KeepHostIDs: o.keepHostIDs,
		FSOptions:   fsOpts,
	})
	var prog string
	if o.root == "" {
		prog, err = findProgram(o.program, os.Getenv("PATH"))
		if err != nil {
			fmt.Fprintf(os.Stderr, "blink: %v\n", err)
			return exitCannotRun
		}
	} else {
		var ok bool
		if prog, ok = k.FindProgram(o.program, os.Getenv("PATH")); !ok {
			fmt.Fprintf(os.Stderr, "blink: %s: command not found in %s\n", o.program, o.root)
			return exitCannotRun
		}
	}
	stopForwarding := forwardHostSignals(k)
	status, sig, err := k.Exec(loadFunc, prog, o.programArgs, os.Environ())
	stopForwarding()
	if o.stats {
		printStats(k)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "blink: %s\n", oneLine(err.Error()))
		return exitCannotRun
	}
	if sig != 0 {
		log.Close()
		restoreTerminal()
		dieFromSignal(sig)
	}
	return status
}

// loadFunc adapts the loader to the kernel, which does not import it.
func loadFunc(p kernel.LoadParams) (kernel.Image, error) {
	img, err := loader.Load(loader.Params{
		Space: p.Space,
		Open: func(path string) (loader.File, error) {
			f, err := p.Open(path)
			if err != nil {
				return nil, err
			}
			lf, ok := f.(loader.File)
			if !ok {
				return nil, fmt.Errorf("%s: cannot determine file size", path)
			}
			return lf, nil
		},
		Path:  p.Path,
		Argv:  p.Argv,
		Envp:  p.Envp,
		HWCap: uint64(interp.HWCap()),
		UID:   p.UID, EUID: p.UID,
		MaxArgBytes: p.MaxArgBytes,
	})
	if err != nil {
		return kernel.Image{}, err
	}
	return kernel.Image{Entry: img.Entry, SP: img.SP, Brk: img.Brk, Exec: img.ExecPath}, nil
}

func oneLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// hostOSName is what CPUID leaf 0x40031337 reports, per blink's README.
func hostOSName() string { return hostOSNameOf(runtime.GOOS) }

func hostOSNameOf(goos string) string {
	switch goos {
	case "linux", "android":
		return "Linux"
	case "darwin", "ios":
		return "XNU"
	case "freebsd":
		return "FreeBSD"
	case "netbsd":
		return "NetBSD"
	case "openbsd":
		return "OpenBSD"
	case "windows":
		return "Windows"
	}
	return "Unknown"
}

func printVersion(o *options) { writeVersion(os.Stdout, currentHost(probeLinear)) }

func printStats(k *kernel.Kernel) {
	for _, line := range k.StatsLines() {
		fmt.Fprintln(os.Stderr, line)
	}
}

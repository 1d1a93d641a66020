package main

import (
	"fmt"
	"os"
	"runtime/pprof"
)

// withProfile runs f under the Go CPU profiler when the developer variable
// BLINK_CPUPROFILE names an output file (read it with `go tool pprof`).
// It is for profiling blink itself, is not part of the user interface, and
// is left out of -h. A guest killed by a signal kills blink before the
// profile is written; profile programs that exit normally.
func withProfile(f func() int) int {
	path := os.Getenv("BLINK_CPUPROFILE")
	if path == "" {
		return f()
	}
	out, err := os.Create(path)
	if err != nil {
		fmt.Fprintf(os.Stderr, "blink: BLINK_CPUPROFILE: %v\n", err)
		return f()
	}
	defer out.Close()
	if err := pprof.StartCPUProfile(out); err != nil {
		fmt.Fprintf(os.Stderr, "blink: BLINK_CPUPROFILE: %v\n", err)
		return f()
	}
	defer pprof.StopCPUProfile()
	return f()
}

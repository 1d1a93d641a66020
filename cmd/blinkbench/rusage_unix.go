//go:build unix

package main

import (
	"os"
	"syscall"
)

// peakRSS is the child's peak resident set size in bytes.
func peakRSS(ps *os.ProcessState) int64 {
	if ru, ok := ps.SysUsage().(*syscall.Rusage); ok {
		return int64(ru.Maxrss) * maxrssUnit
	}
	return 0
}

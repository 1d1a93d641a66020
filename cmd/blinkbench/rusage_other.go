//go:build !unix

package main

import "os"

// peakRSS reports 0 (unknown): this host's process accounting has no
// portable peak-memory figure.
func peakRSS(ps *os.ProcessState) int64 { return 0 }

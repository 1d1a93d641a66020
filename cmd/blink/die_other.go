//go:build !(linux || darwin || freebsd || netbsd || openbsd)

package main

import "os"

// dieFromSignal reports a guest killed by a signal with the status a POSIX
// shell would show, since this host has no such signal to die from.
func dieFromSignal(sig int) { os.Exit(128 + sig) }

//go:build darwin || freebsd || netbsd || openbsd

package main

import (
	"os/signal"

	"golang.org/x/sys/unix"
)

// On these hosts blink does not install handlers for the signals guests die
// from other than the runtime's own; signal.Reset restores what it can and
// dieFromSignal falls back to exit status 128+sig.
func resetToDefault(s unix.Signal) { signal.Reset(s) }

func raiseOnThisThread(s unix.Signal) { unix.Kill(unix.Getpid(), s) }

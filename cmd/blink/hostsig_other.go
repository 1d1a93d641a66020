//go:build !(linux || darwin || freebsd || netbsd || openbsd)

package main

import "github.com/blink-go/blink/core/kernel"

// forwardHostSignals is a no-op where the host has no POSIX signals.
func forwardHostSignals(k *kernel.Kernel) func() { return func() {} }

//go:build linux || darwin || freebsd || netbsd || openbsd

package main

import (
	"os"
	"os/signal"
	"syscall"

	"github.com/blink-go/blink/core/kernel"
)

// forwardHostSignals passes the signals blink itself receives to the
// guests, as if the host had sent them to the guest program: Ctrl-C and
// Ctrl-\ reach the guest's foreground job (not blink), and SIGTERM/SIGHUP
// reach the first guest process, whose death then ends blink with the same
// signal. The returned function stops forwarding.
func forwardHostSignals(k *kernel.Kernel) func() {
	ch := make(chan os.Signal, 16)
	signal.Notify(ch, syscall.SIGINT, syscall.SIGQUIT, syscall.SIGTERM, syscall.SIGHUP,
		syscall.SIGWINCH, syscall.SIGUSR1, syscall.SIGUSR2)
	done := make(chan struct{})
	go func() {
		for {
			select {
			case s := <-ch:
				k.HostSignal(int(s.(syscall.Signal)))
			case <-done:
				return
			}
		}
	}()
	return func() {
		signal.Stop(ch)
		close(done)
	}
}

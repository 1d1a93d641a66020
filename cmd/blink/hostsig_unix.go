//go:build linux || darwin || freebsd || netbsd || openbsd

package main

import (
	"os"
	"os/signal"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/blink-go/blink/core/kernel"
)

// forwardHostSignals passes the signals blink itself receives to the
// guests, as if the host had sent them to the guest programs
// (Kernel.HostSignal routes them): Ctrl-C, Ctrl-\ and Ctrl-Z reach the
// guest's foreground job, not blink, which therefore never stops on
// SIGTSTP itself; SIGTERM and SIGHUP reach the first guest process, whose
// death then ends blink with the same signal. The returned function stops
// forwarding.
//
// When the first guest process stops (a program without job control of
// its own got Ctrl-Z), blink stops itself with SIGSTOP so the host shell
// sees its job stop; the host's SIGCONT is forwarded and resumes the guest.
func forwardHostSignals(k *kernel.Kernel) func() {
	ch := make(chan os.Signal, 16)
	signal.Notify(ch, syscall.SIGINT, syscall.SIGQUIT, syscall.SIGTSTP, syscall.SIGCONT,
		syscall.SIGTERM, syscall.SIGHUP, syscall.SIGWINCH, syscall.SIGUSR1, syscall.SIGUSR2)
	k.SetHostStop(func() { unix.Kill(unix.Getpid(), unix.SIGSTOP) })
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
		k.SetHostStop(nil)
		signal.Stop(ch)
		close(done)
	}
}

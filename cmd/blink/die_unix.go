//go:build linux || darwin || freebsd || netbsd || openbsd

package main

import (
	"os"
	"runtime"
	"time"

	"golang.org/x/sys/unix"
)

// dieFromSignal ends blink the way the guest process ended, so that the
// parent (a shell, a test harness) sees WIFSIGNALED with the same signal.
// The Go runtime ignores a SIGSEGV it did not cause, so the disposition is
// reset to the default with raw calls first, and the signal is sent to this
// very thread: a process-directed signal may be delivered to another thread
// only after os.Exit below has won the race.
func dieFromSignal(sig int) {
	runtime.LockOSThread()
	s := unix.Signal(sig)
	resetToDefault(s)
	raiseOnThisThread(s)
	// The signal is normally fatal on return from the system call; give an
	// asynchronous delivery a moment before reporting it the shell's way.
	time.Sleep(50 * time.Millisecond)
	os.Exit(128 + sig)
}

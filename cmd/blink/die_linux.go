package main

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// kernelSigaction is the x86-64/arm64/... Linux struct sigaction layout
// used by the raw rt_sigaction system call.
type kernelSigaction struct {
	handler  uintptr
	flags    uint64
	restorer uintptr
	mask     uint64
}

func resetToDefault(s unix.Signal) {
	var sa kernelSigaction // SIG_DFL is 0
	unix.RawSyscall6(unix.SYS_RT_SIGACTION, uintptr(s), uintptr(unsafe.Pointer(&sa)), 0, 8, 0, 0)
	var set [2]uint32
	bit := uint(s) - 1
	set[bit/32] = 1 << (bit % 32)
	unix.RawSyscall6(unix.SYS_RT_SIGPROCMASK, unix.SIG_UNBLOCK, uintptr(unsafe.Pointer(&set)), 0, 8, 0, 0)
}

func raiseOnThisThread(s unix.Signal) {
	unix.Tgkill(unix.Getpid(), unix.Gettid(), s)
}

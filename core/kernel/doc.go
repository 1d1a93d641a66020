// Package kernel is blink's in-process Linux kernel: it owns processes,
// threads, file descriptors and the syscall table, and answers the SYSCALL
// instructions of guest machines.
//
// Why in-process: a guest syscall is a Go function call on the same OS
// thread, with no context switch and no second address space, and the same
// code runs on every host Go supports.
//
// Ownership (no package-level mutable state; many guest processes share one
// Go process):
//   - Kernel: configuration, the log, PID allocation, the once-only
//     "unsupported syscall" record.
//   - Process (a thread group): address space, engine, fd table, cwd,
//     umask, rlimits, signal actions, credentials, exit status. Fields are
//     guarded by Process.mu once more than one Task exists.
//   - Task (a thread): its Machine, signal mask and pending set,
//     clear_child_tid, robust list, alternate signal stack and scratch
//     buffers. Only the goroutine running the task touches these.
//
// Guest memory is accessed only through Task.copyIn/copyOut/readPath, which
// return EFAULT where Linux does instead of letting a *mem.Fault escape.
//
// Host files are reached through the FS and File interfaces in fs.go;
// hostfs_*.go is a pass-through to the host that the VFS will replace.
package kernel

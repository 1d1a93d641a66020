//go:build linux || darwin || freebsd

package kernel

import (
	"time"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/blink-go/blink/core/abi"
	"github.com/blink-go/blink/fs/vfs"
	"github.com/blink-go/blink/hostfs"
)

// ttyFile is a guest descriptor of the host terminal: the first process's
// 0/1/2 when blink's own are a terminal, and every open of /dev/tty by a
// process whose controlling terminal it is. The line discipline is the
// host's: termios, echo, canonical editing and the characters that raise
// signals are applied by the host, whose SIGINT, SIGQUIT and SIGTSTP
// blink forwards to the guest's foreground group (jobctl.go). What is
// virtual is the job-control state (tty.go's terminal, Kernel.tty.host):
// TIOCSPGRP moves the foreground group without touching the host
// terminal. A blocking read waits in the host's poll(2) beside the task's
// wake pipe (poll.go), so it never keeps a signal from being delivered or
// blink from exiting; only then does the host read run, and it finds
// input.
//
// ttyFile is a kernel File and, for /dev/tty, a VFS FileImpl; the host
// descriptor's own methods (termios, window size, flags) come from
// hostFile.
type ttyFile struct {
	*hostFile
	k *Kernel
}

var (
	_ vfs.FileImpl = (*ttyFile)(nil)
	_ ttyDevice    = (*ttyFile)(nil)
	_ taskFile     = (*ttyFile)(nil)
)

// isHostTerminal reports whether host descriptor fd is a terminal.
func isHostTerminal(fd int) bool {
	h := hostFile{fd: fd}
	var tio [abi.TermiosSize]byte
	return h.GetTermios(&tio) == 0
}

// hostStdio wraps blink's descriptor fd (0, 1 or 2) for process p: the
// host terminal becomes p's controlling terminal.
func (k *Kernel) hostStdio(p *Process, fd int) File {
	h := NewHostFile(fd, stdioName(fd)).(*hostFile)
	if !isHostTerminal(fd) {
		return h
	}
	return k.attachTerminal(p, h)
}

// attachTerminal makes host terminal h p's controlling terminal (unless
// its session already has one) and returns the guest's file for it.
func (k *Kernel) attachTerminal(p *Process, h *hostFile) *ttyFile {
	st, _ := h.Stat()
	k.mu.Lock()
	k.attachHostLocked(p, st.Rdev)
	k.mu.Unlock()
	return &ttyFile{hostFile: h, k: k}
}

// openTTY opens /dev/tty for caller (a *Process, or nil for the kernel):
// its controlling terminal, the host's or a pseudo-terminal's slave, and
// ENXIO without one, as on Linux. It is devfs's hook for /dev/tty.
func (k *Kernel) openTTY(caller any, flags int) (vfs.FileImpl, abi.Errno) {
	p, _ := caller.(*Process)
	k.mu.Lock()
	var term *terminal
	if p != nil {
		term = k.cttyLocked(p)
	} else {
		term = k.tty.host
	}
	host := term != nil && term == k.tty.host
	k.mu.Unlock()
	if term == nil {
		return nil, abi.ENXIO
	}
	if !host {
		return k.openCttyPty(term, flags) // pty.go
	}
	hf, e := hostfs.OpenFlags(flags &^ (abi.O_CREAT | abi.O_EXCL | abi.O_TRUNC | abi.O_DIRECTORY))
	if e != 0 {
		return nil, e
	}
	fd, err := retryInt(func() (int, error) { return unix.Open("/dev/tty", hf|unix.O_NOCTTY|unix.O_CLOEXEC, 0) })
	if err != nil {
		return nil, abi.ENXIO
	}
	return &ttyFile{hostFile: &hostFile{fd: fd, path: "/dev/tty"}, k: k}, 0
}

// HostFD makes the terminal pollable through the host (poll.go).
func (f *ttyFile) HostFD() int { return f.fd }

func (f *ttyFile) ctl() *terminal {
	f.k.mu.Lock()
	defer f.k.mu.Unlock()
	return f.k.tty.host
}

func (f *ttyFile) own() *terminal { return f.ctl() }
func (f *ttyFile) hungUp() bool   { return false }

// ReadTask is n_tty_read: a background reader gets SIGTTIN (or EIO), a
// blocking read waits interruptibly for input.
func (f *ttyFile) ReadTask(t *Task, p []byte, nonblock bool) (int, abi.Errno) {
	if e := t.jobControl(f.ctl(), abi.SIGTTIN); e != 0 {
		return 0, e
	}
	if len(p) == 0 {
		return 0, 0
	}
	if !nonblock {
		if e := f.waitReadable(t); e != 0 {
			return 0, e
		}
	}
	return f.Read(p)
}

// WriteTask is n_tty_write: with TOSTOP set a background writer gets
// SIGTTOU unless it ignores or blocks it.
func (f *ttyFile) WriteTask(t *Task, p []byte, nonblock bool) (int, abi.Errno) {
	if term := f.ctl(); t.inBackground(term) && f.lflag()&abi.TOSTOP != 0 {
		if e := t.jobControl(term, abi.SIGTTOU); e != 0 {
			return 0, e
		}
	}
	return f.Write(p)
}

// lflag is the terminal's c_lflag (0 when it cannot be read).
func (f *ttyFile) lflag() uint32 {
	var tio [abi.TermiosSize]byte
	if f.GetTermios(&tio) != 0 {
		return 0
	}
	return rd32(tio[abi.TermiosLflag:])
}

// waitReadable blocks until the terminal has input (or a hang-up or error
// that read will report), interruptibly: the task sleeps in the host's
// poll together with its wake pipe (poll.go's pollWait), so a signal whose
// handler must run gives ERESTARTSYS and stop signals stop the task. A
// non-canonical terminal with VMIN 0 does not wait: read returns after
// VTIME even without input.
func (f *ttyFile) waitReadable(t *Task) abi.Errno {
	var tio [abi.TermiosSize]byte
	if f.GetTermios(&tio) == 0 && rd32(tio[abi.TermiosLflag:])&abi.ICANON == 0 && tio[abi.TermiosCC+abi.TermiosVMIN] == 0 {
		return 0
	}
	ready := func() bool { return hostReadiness(f.fd, abi.POLLIN|pollAlways) != 0 }
	reg := func(r *pollRegs) { r.addHost(f.fd, abi.POLLIN) }
	if t.pollWait(time.Time{}, reg, ready) == waitInterrupted {
		return errRestartSys
	}
	return 0
}

// setWinsize changes the host terminal's size; the host raises SIGWINCH
// for a change, which blink forwards.
func (f *ttyFile) setWinsize(_ *Task, ws winsize) abi.Errno {
	hw := unix.Winsize{Row: ws.row, Col: ws.col, Xpixel: ws.xpixel, Ypixel: ws.ypixel}
	return hostErrno(unix.IoctlSetWinsize(f.fd, unix.TIOCSWINSZ, &hw))
}

// devIoctl passes the queue and flow requests to the host terminal, after
// Linux's tty_check_change: a background group may not flush, stop the
// output or send a break.
func (f *ttyFile) devIoctl(t *Task, d *Description, req uint32, arg uint64) (uint64, abi.Errno, bool) {
	switch req {
	case abi.FIONREAD, abi.TIOCOUTQ:
		n, e := f.hostInt(req, 0)
		if e != 0 {
			return 0, e, true
		}
		return 0, t.writeU32(arg, uint32(n)), true
	case abi.TCFLSH, abi.TCXONC, abi.TCSBRK:
		if e := t.jobControl(f.ctl(), abi.SIGTTOU); e != 0 {
			return 0, e, true
		}
		_, e := f.hostInt(req, int(int32(arg)))
		return 0, e, true
	case abi.TIOCSTI:
		// The guest's rule first (its controlling terminal, or root),
		// then the host's, which may refuse legacy TIOCSTI with EIO.
		k := f.k
		if t.proc.euid() != 0 {
			k.mu.Lock()
			mine := k.cttyLocked(t.proc) == k.tty.host
			k.mu.Unlock()
			if !mine {
				return 0, abi.EPERM, true
			}
		}
		var c [1]byte
		if e := t.copyIn(arg, c[:]); e != 0 {
			return 0, e, true
		}
		_, _, errno := unix.Syscall(unix.SYS_IOCTL, uintptr(f.fd), unix.TIOCSTI, uintptr(unsafe.Pointer(&c[0])))
		if errno != 0 {
			return 0, hostErrno(errno), true
		}
		return 0, 0, true
	}
	return 0, 0, false
}

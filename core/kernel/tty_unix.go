//go:build linux || darwin || freebsd

package kernel

import (
	"time"

	"golang.org/x/sys/unix"

	"github.com/blink-go/blink/core/abi"
	"github.com/blink-go/blink/fs/vfs"
)

// ttyFile is a guest description of the host terminal (see tty.go). It is
// a kernel File and, for /dev/tty, a VFS FileImpl; the host descriptor's
// own methods (termios, window size, flags) come from hostFile.
type ttyFile struct {
	*hostFile
	k *Kernel
}

var _ vfs.FileImpl = (*ttyFile)(nil)

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
	k.attachStdioLocked(p)
	k.tty.rdev = st.Rdev
	k.mu.Unlock()
	return &ttyFile{hostFile: h, k: k}
}

// openTTY opens /dev/tty for caller (a *Process, or nil for the kernel):
// the host terminal if it is the caller's controlling terminal, else ENXIO
// as on Linux. It is devfs's hook for /dev/tty.
func (k *Kernel) openTTY(caller any, flags int) (vfs.FileImpl, abi.Errno) {
	p, _ := caller.(*Process)
	k.mu.Lock()
	ok := k.tty.present && (p == nil || k.hasCttyLocked(p))
	k.mu.Unlock()
	if !ok {
		return nil, abi.ENXIO
	}
	hf, e := openFlagsToHost(flags &^ (abi.O_CREAT | abi.O_EXCL | abi.O_TRUNC | abi.O_DIRECTORY))
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

// waitReadable blocks until the terminal has input (or a hang-up or error
// that read will report), interruptibly: the task sleeps in the host's
// poll together with its wake pipe (poll.go's pollWait), so a signal whose
// handler must run gives ERESTARTSYS and stop signals stop the task.
func (f *ttyFile) waitReadable(t *Task) abi.Errno {
	if !f.pollsForInput() {
		return 0
	}
	ready := func() bool { return hostReadiness(f.fd, abi.POLLIN|pollAlways) != 0 }
	reg := func(r *pollRegs) { r.addHost(f.fd, abi.POLLIN) }
	if t.pollWait(time.Time{}, reg, ready) == waitInterrupted {
		return errRestartSys
	}
	return 0
}

func (f *ttyFile) setWinsize(rows, cols, xpix, ypix uint16) abi.Errno {
	ws := unix.Winsize{Row: rows, Col: cols, Xpixel: xpix, Ypixel: ypix}
	return hostErrno(unix.IoctlSetWinsize(f.fd, unix.TIOCSWINSZ, &ws))
}

//go:build !linux && !darwin && !freebsd

package kernel

import (
	"github.com/blink-go/blink/core/abi"
	"github.com/blink-go/blink/fs/vfs"
)

// Without POSIX terminals on the host, blink's descriptors 0/1/2 are
// plain host files and the guest has no host controlling terminal. Its
// pseudo-terminals are the kernel's own (pty.go) and work as anywhere:
// /dev/tty opens a slave that is the caller's controlling terminal, and
// otherwise what the host offers, without job control.

func (k *Kernel) hostStdio(p *Process, fd int) File { return NewHostFile(fd, stdioName(fd)) }

func (k *Kernel) openTTY(caller any, flags int) (vfs.FileImpl, abi.Errno) {
	if p, ok := caller.(*Process); ok {
		k.mu.Lock()
		term := k.cttyLocked(p)
		k.mu.Unlock()
		if term != nil {
			return k.openCttyPty(term, flags) // pty.go
		}
	}
	return hostTTY(caller, flags)
}

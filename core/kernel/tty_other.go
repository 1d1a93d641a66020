//go:build !linux && !darwin && !freebsd

package kernel

import (
	"github.com/blink-go/blink/core/abi"
	"github.com/blink-go/blink/fs/vfs"
)

// Without POSIX terminals the guest has no controlling terminal: its
// descriptors 0/1/2 are plain host files and /dev/tty opens what the host
// offers, without job control.

type ttyFile struct {
	File
	Terminal
}

func (f *ttyFile) waitReadable(*Task) abi.Errno                      { return 0 }
func (f *ttyFile) setWinsize(_, _, _, _ uint16) abi.Errno            { return abi.ENOTTY }
func (f *ttyFile) hostInt(req uint32, arg int) (int, abi.Errno)      { return 0, abi.ENOTTY }
func (k *Kernel) hostStdio(p *Process, fd int) File                  { return NewHostFile(fd, stdioName(fd)) }
func (k *Kernel) openTTY(c any, flags int) (vfs.FileImpl, abi.Errno) { return hostTTY(c, flags) }

package kernel

import (
	"golang.org/x/sys/unix"

	"github.com/blink-go/blink/core/abi"
)

// hostInt performs the integer-valued terminal ioctls on the host, whose
// requests and arguments are the guest's on a Linux host.
func (f *ttyFile) hostInt(req uint32, arg int) (int, abi.Errno) {
	switch req {
	case abi.FIONREAD, abi.TIOCOUTQ:
		n, err := unix.IoctlGetInt(f.fd, uint(req))
		return n, hostErrno(err)
	case abi.TCFLSH, abi.TCXONC, abi.TCSBRK:
		return 0, hostErrno(unix.IoctlSetInt(f.fd, uint(req), arg))
	}
	return 0, abi.ENOTTY
}

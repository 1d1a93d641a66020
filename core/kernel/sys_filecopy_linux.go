package kernel

import (
	"golang.org/x/sys/unix"

	"github.com/blink-go/blink/core/abi"
)

// A Linux host takes the guest's fallocate modes as they are and answers
// for its own file system, limits included.
func hostFallocate(fd int, mode uint32, off, n int64) abi.Errno {
	for {
		err := unix.Fallocate(fd, mode, off, n)
		if err != unix.EINTR {
			return hostErrno(err)
		}
	}
}

func hostSync() { unix.Sync() }

func hostSyncfs(fd int) abi.Errno { return hostErrno(unix.Syncfs(fd)) }

package hostfs

import (
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/blink-go/blink/core/abi"
	"github.com/blink-go/blink/fs/vfs"
)

func mknodat(dfd int, name string, mode uint32, dev uint64) abi.Errno {
	maj, min := uint32((dev>>8)&0xfff|(dev>>32)&^0xfff), uint32(dev&0xff|(dev>>12)&^0xff)
	return errnoOf(unix.Mknodat(dfd, name, mode, unix.Mkdev(maj, min)))
}

// futimens is the system call (FreeBSD 10.3 on), which x/sys does not
// wrap; it takes UTIME_NOW and UTIME_OMIT as Linux's does.
func futimens(fd int, atime, mtime vfs.Timespec) abi.Errno {
	ts := [2]unix.Timespec{hostTime(atime), hostTime(mtime)}
	_, _, en := unix.Syscall(unix.SYS_FUTIMENS, uintptr(fd), uintptr(unsafe.Pointer(&ts[0])), 0)
	if en != 0 {
		return errnoFromHost(en)
	}
	return 0
}

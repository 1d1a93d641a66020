package hostfs

import (
	"time"

	"golang.org/x/sys/unix"

	"github.com/blink-go/blink/core/abi"
	"github.com/blink-go/blink/fs/vfs"
)

// mknodat: macOS has no mknodat; devices and FIFOs cannot be made safely
// relative to a directory descriptor, so they are refused as on a Linux
// file system without ->mknod.
func mknodat(dfd int, name string, mode uint32, dev uint64) abi.Errno { return abi.EPERM }

// futimens: macOS's is a libc routine x/sys does not wrap, and Go makes
// no raw system calls there, so UTIME_NOW and UTIME_OMIT are resolved
// here for futimes(2), which keeps microseconds only.
func futimens(fd int, atime, mtime vfs.Timespec) abi.Errno {
	const now, omit = abi.UTIME_NOW, abi.UTIME_OMIT
	switch {
	case atime.Nsec == omit && mtime.Nsec == omit:
		return 0
	case atime.Nsec == now && mtime.Nsec == now:
		// NULL times need only write access, as UTIME_NOW does on Linux.
		return errnoOf(unix.Futimes(fd, nil))
	}
	var st unix.Stat_t
	if atime.Nsec == omit || mtime.Nsec == omit {
		if err := unix.Fstat(fd, &st); err != nil {
			return errnoOf(err)
		}
	}
	t := time.Now()
	tv := func(x vfs.Timespec, cur unix.Timespec) unix.Timeval {
		switch x.Nsec {
		case now:
			return unix.Timeval{Sec: t.Unix(), Usec: int32(t.Nanosecond() / 1000)}
		case omit:
			return unix.Timeval{Sec: cur.Sec, Usec: int32(cur.Nsec / 1000)}
		}
		return unix.Timeval{Sec: x.Sec, Usec: int32(x.Nsec / 1000)}
	}
	return errnoOf(unix.Futimes(fd, []unix.Timeval{tv(atime, st.Atim), tv(mtime, st.Mtim)}))
}

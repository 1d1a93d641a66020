//go:build linux || darwin || freebsd

package kernel

import (
	"golang.org/x/sys/unix"

	"github.com/blink-go/blink/hostfs"

	"github.com/blink-go/blink/core/abi"
)

// hostFile is an open host descriptor. The Go runtime never sees it (no
// os.File), so reads block an OS thread exactly as the guest expects and
// nothing is closed behind the kernel's back.
type hostFile struct {
	fd    int
	path  string // absolute path as opened, for /proc/self/fd and getcwd
	stdio bool   // wraps the host's own 0/1/2: never closed on the host
	dir   *dirList
}

// NewHostFile wraps host descriptor fd (for the standard descriptors).
// The kernel does not close descriptors 0..2 of the host: other guest
// processes and the log share them.
func NewHostFile(fd int, name string) File {
	return &hostFile{fd: fd, path: name, stdio: fd <= 2}
}

func retryInt(f func() (int, error)) (int, error) {
	for {
		n, err := f()
		if err != unix.EINTR {
			return n, err
		}
	}
}

func (f *hostFile) Read(p []byte) (int, abi.Errno) {
	n, err := retryInt(func() (int, error) { return unix.Read(f.fd, p) })
	if err != nil {
		return 0, hostErrno(err)
	}
	return n, 0
}

func (f *hostFile) Write(p []byte) (int, abi.Errno) {
	n, err := retryInt(func() (int, error) { return unix.Write(f.fd, p) })
	if err != nil {
		return 0, hostErrno(err)
	}
	return n, 0
}

func (f *hostFile) Pread(p []byte, off int64) (int, abi.Errno) {
	n, err := retryInt(func() (int, error) { return unix.Pread(f.fd, p, off) })
	if err != nil {
		return 0, hostErrno(err)
	}
	return n, 0
}

func (f *hostFile) Pwrite(p []byte, off int64) (int, abi.Errno) {
	n, err := retryInt(func() (int, error) { return unix.Pwrite(f.fd, p, off) })
	if err != nil {
		return 0, hostErrno(err)
	}
	return n, 0
}

func (f *hostFile) Lseek(off int64, whence int) (int64, abi.Errno) {
	if f.dir != nil {
		return f.dir.seek(off, whence)
	}
	if whence > abi.SEEK_END {
		return hostSeekData(f.fd, off, whence)
	}
	n, err := unix.Seek(f.fd, off, whence)
	if err != nil {
		return 0, hostErrno(err)
	}
	return n, 0
}

func (f *hostFile) Stat() (Stat, abi.Errno) {
	var st unix.Stat_t
	if err := unix.Fstat(f.fd, &st); err != nil {
		return Stat{}, hostErrno(err)
	}
	return statFromHost(&st), 0
}

func (f *hostFile) Close() abi.Errno {
	if f.stdio {
		return 0
	}
	// Linux closes the descriptor even when close reports an error, so a
	// retry on EINTR would close a reused number.
	return hostErrno(unix.Close(f.fd))
}

func (f *hostFile) Path() string { return hostFDPath(f) }

func (f *hostFile) Sync(dataOnly bool) abi.Errno { return hostfs.SyncFD(f.fd, dataOnly) }

func (f *hostFile) SetFlags(flags int) abi.Errno { return hostfs.SetFDFlags(f.fd, flags) }

func (f *hostFile) SetAttr(_ *FSCtx, a *Attr) abi.Errno {
	if a.Valid&AttrMode != 0 {
		if err := unix.Fchmod(f.fd, a.Mode); err != nil {
			return hostErrno(err)
		}
	}
	if a.Valid&AttrOwner != 0 {
		if err := unix.Fchown(f.fd, int(int32(a.UID)), int(int32(a.GID))); err != nil {
			return hostErrno(err)
		}
	}
	if a.Valid&AttrTimes != 0 {
		if e := hostFutimens(f.fd, a.Atime, a.Mtime); e != 0 {
			return e
		}
	}
	if a.Valid&AttrSize != 0 {
		if err := unix.Ftruncate(f.fd, a.Size); err != nil {
			return hostErrno(err)
		}
	}
	return 0
}

// hostErrno translates a host error once, at the boundary.
func hostErrno(err error) abi.Errno { return hostfs.Errno(err) }

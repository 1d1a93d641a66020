//go:build linux || darwin || freebsd

package kernel

import (
	"path"

	"golang.org/x/sys/unix"

	"github.com/blink-go/blink/core/abi"
)

// HostFS passes every path operation straight to the host's *at() system
// calls, relative to host directory descriptors, so guest paths mean what
// they mean on the host. It is the stand-in for the VFS.
type HostFS struct{}

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

func atFD(at File) int {
	if h, ok := at.(*hostFile); ok {
		return h.fd
	}
	return unix.AT_FDCWD
}

// absPath makes p absolute against at, for host calls without an *at form.
func absPath(at File, p string) string {
	if path.IsAbs(p) || at == nil {
		return p
	}
	return path.Join(at.Path(), p)
}

func (HostFS) Open(_ *FSCtx, at File, p string, flags int, mode uint32) (File, abi.Errno) {
	if p == "" {
		return nil, abi.ENOENT
	}
	hflags, e := openFlagsToHost(flags)
	if e != 0 {
		return nil, e
	}
	fd, err := retryInt(func() (int, error) { return unix.Openat(atFD(at), p, hflags|unix.O_CLOEXEC, mode) })
	if err != nil {
		return nil, hostErrno(err)
	}
	return &hostFile{fd: fd, path: path.Clean(absPath(at, p))}, 0
}

func (HostFS) Stat(_ *FSCtx, at File, p string, flags int) (Stat, abi.Errno) {
	var st unix.Stat_t
	hf := 0
	if flags&abi.AT_SYMLINK_NOFOLLOW != 0 {
		hf = unix.AT_SYMLINK_NOFOLLOW
	}
	if err := unix.Fstatat(atFD(at), p, &st, hf); err != nil {
		return Stat{}, hostErrno(err)
	}
	return statFromHost(&st), 0
}

func (HostFS) Readlink(_ *FSCtx, at File, p string) (string, abi.Errno) {
	var buf [abi.PATH_MAX]byte
	n, err := unix.Readlinkat(atFD(at), p, buf[:])
	if err != nil {
		return "", hostErrno(err)
	}
	return string(buf[:n]), 0
}

func (HostFS) Access(_ *FSCtx, at File, p string, mode uint32, flags int) abi.Errno {
	hf := 0
	if flags&abi.AT_SYMLINK_NOFOLLOW != 0 {
		hf |= unix.AT_SYMLINK_NOFOLLOW
	}
	if flags&abi.AT_EACCESS != 0 {
		hf |= unix.AT_EACCESS
	}
	return hostErrno(unix.Faccessat(atFD(at), p, mode, hf))
}

func (HostFS) Mkdir(_ *FSCtx, at File, p string, mode uint32) abi.Errno {
	return hostErrno(unix.Mkdirat(atFD(at), p, mode))
}

func (HostFS) Unlink(_ *FSCtx, at File, p string, flags int) abi.Errno {
	hf := 0
	if flags&abi.AT_REMOVEDIR != 0 {
		hf = unix.AT_REMOVEDIR
	}
	return hostErrno(unix.Unlinkat(atFD(at), p, hf))
}

func (HostFS) Rename(_ *FSCtx, oldAt File, oldPath string, newAt File, newPath string, flags uint32) abi.Errno {
	return hostRename(atFD(oldAt), oldPath, atFD(newAt), newPath, flags)
}

func (HostFS) SetAttr(_ *FSCtx, at File, p string, a *Attr, flags int) abi.Errno {
	dfd := atFD(at)
	if a.Valid&AttrMode != 0 {
		if err := unix.Fchmodat(dfd, p, a.Mode, 0); err != nil {
			return hostErrno(err)
		}
	}
	if a.Valid&AttrOwner != 0 {
		hf := 0
		if flags&abi.AT_SYMLINK_NOFOLLOW != 0 {
			hf = unix.AT_SYMLINK_NOFOLLOW
		}
		if err := unix.Fchownat(dfd, p, int(int32(a.UID)), int(int32(a.GID)), hf); err != nil {
			return hostErrno(err)
		}
	}
	if a.Valid&AttrTimes != 0 {
		hf := 0
		if flags&abi.AT_SYMLINK_NOFOLLOW != 0 {
			hf = unix.AT_SYMLINK_NOFOLLOW
		}
		ts := []unix.Timespec{hostTimespec(a.Atime), hostTimespec(a.Mtime)}
		if err := unix.UtimesNanoAt(dfd, p, ts, hf); err != nil {
			return hostErrno(err)
		}
	}
	if a.Valid&AttrSize != 0 {
		if err := unix.Truncate(absPath(at, p), a.Size); err != nil {
			return hostErrno(err)
		}
	}
	return 0
}

func (HostFS) Pipe() (File, File, abi.Errno) {
	var p [2]int
	if err := hostPipe(&p); err != nil {
		return nil, nil, hostErrno(err)
	}
	return &hostFile{fd: p[0], path: "pipe:"}, &hostFile{fd: p[1], path: "pipe:"}, 0
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

func (f *hostFile) Sync(dataOnly bool) abi.Errno {
	if dataOnly {
		return hostErrno(hostFdatasync(f.fd))
	}
	return hostErrno(unix.Fsync(f.fd))
}

func (f *hostFile) SetFlags(flags int) abi.Errno {
	cur, err := unix.FcntlInt(uintptr(f.fd), unix.F_GETFL, 0)
	if err != nil {
		return hostErrno(err)
	}
	cur &^= unix.O_APPEND | unix.O_NONBLOCK
	if flags&abi.O_APPEND != 0 {
		cur |= unix.O_APPEND
	}
	if flags&abi.O_NONBLOCK != 0 {
		cur |= unix.O_NONBLOCK
	}
	_, err = unix.FcntlInt(uintptr(f.fd), unix.F_SETFL, cur)
	return hostErrno(err)
}

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
func hostErrno(err error) abi.Errno {
	if err == nil {
		return 0
	}
	if en, ok := err.(unix.Errno); ok {
		return errnoFromHost(en)
	}
	return abi.EIO
}

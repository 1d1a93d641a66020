//go:build linux || darwin || freebsd

package hostfs

import (
	"errors"
	"sync/atomic"

	"golang.org/x/sys/unix"

	"github.com/blink-go/blink/core/abi"
	"github.com/blink-go/blink/fs/vfs"
)

// FS is one host directory. rootFD is kept open for the FS's life: it is
// the anchor every resolution starts from, so renaming the host directory
// later does not move the guest's root.
type FS struct {
	root    string
	rootFD  int
	noOpen2 atomic.Bool // openat2 unavailable: resolve per component
	umask   uint32      // the host process's, which creation must undo
}

// New opens the host directory dir as a file system.
func New(dir string) (*FS, abi.Errno) {
	fd, err := unix.Open(dir, dirOpenFlags|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, errnoOf(err)
	}
	// The guest's umask is applied by its kernel; the host's must not
	// apply again. Reading it means setting it, once, at start-up.
	um := unix.Umask(0)
	unix.Umask(um)
	return &FS{root: dir, rootFD: fd, umask: uint32(um)}, 0
}

// Root returns the root node.
func (fs *FS) Root() vfs.Node { return &node{fs: fs} }

// HostRoot is the mirrored host directory.
func (fs *FS) HostRoot() string { return fs.root }

// Close releases the root descriptor.
func (fs *FS) Close() { unix.Close(fs.rootFD) }

// openDir opens the directory rel beneath the root without following any
// symlink, with flags (dirOpenFlags for walking, O_RDONLY to list). The
// caller closes fd when owned is true.
func (fs *FS) openDir(rel string, flags int) (fd int, owned bool, e abi.Errno) {
	if rel == "" && flags == dirOpenFlags {
		return fs.rootFD, false, 0
	}
	flags |= unix.O_DIRECTORY | unix.O_NOFOLLOW | unix.O_CLOEXEC
	if rel == "" {
		fd, err := unix.Openat(fs.rootFD, ".", flags, 0)
		return fd, err == nil, errnoOf(err)
	}
	if !fs.noOpen2.Load() {
		fd, e, ok := openBeneath(fs.rootFD, rel, flags)
		if ok {
			return fd, e == 0, e
		}
		fs.noOpen2.Store(true)
	}
	// One component at a time, each opened with O_NOFOLLOW relative to
	// the previous: every descriptor is a real directory under the root.
	cur, owned := fs.rootFD, false
	for rel != "" {
		var name string
		if i := indexSlash(rel); i >= 0 {
			name, rel = rel[:i], rel[i+1:]
		} else {
			name, rel = rel, ""
		}
		f := dirOpenFlags | unix.O_DIRECTORY | unix.O_NOFOLLOW | unix.O_CLOEXEC
		if rel == "" {
			f = flags
		}
		nfd, err := retry(func() (int, error) { return unix.Openat(cur, name, f, 0) })
		if owned {
			unix.Close(cur)
		}
		if err != nil {
			return -1, false, errnoOf(err)
		}
		cur, owned = nfd, true
	}
	return cur, owned, 0
}

func indexSlash(s string) int {
	for i := 0; i < len(s); i++ {
		if s[i] == '/' {
			return i
		}
	}
	return -1
}

func retry(f func() (int, error)) (int, error) {
	for {
		n, err := f()
		if err != unix.EINTR {
			return n, err
		}
	}
}

// withParent runs op with a descriptor of rel's directory and rel's last
// component ("." for the root itself).
func (fs *FS) withParent(rel string, op func(dfd int, name string) abi.Errno) abi.Errno {
	dir, base := split(rel)
	if rel == "" {
		dir, base = "", "."
	}
	dfd, owned, e := fs.openDir(dir, dirOpenFlags)
	if e != 0 {
		return e
	}
	if owned {
		defer unix.Close(dfd)
	}
	return op(dfd, base)
}

// withDir runs op with a descriptor of the directory rel.
func (fs *FS) withDir(rel string, op func(dfd int) abi.Errno) abi.Errno {
	dfd, owned, e := fs.openDir(rel, dirOpenFlags)
	if e != 0 {
		return e
	}
	if owned {
		defer unix.Close(dfd)
	}
	return op(dfd)
}

func (fs *FS) lstat(dfd int, name string) (vfs.Stat, abi.Errno) {
	var st unix.Stat_t
	if err := unix.Fstatat(dfd, name, &st, unix.AT_SYMLINK_NOFOLLOW); err != nil {
		return vfs.Stat{}, errnoOf(err)
	}
	return statOf(&st), 0
}

// node is a file of the FS, named by its path relative to the root
// (never holding "", "." or ".." components).
type node struct {
	fs  *FS
	rel string
}

func (n *node) Stat() (st vfs.Stat, e abi.Errno) {
	e = n.fs.withParent(n.rel, func(dfd int, name string) (e abi.Errno) {
		st, e = n.fs.lstat(dfd, name)
		return e
	})
	return st, e
}

func (n *node) Lookup(name string) (c vfs.Node, st vfs.Stat, e abi.Errno) {
	if e := checkName(name); e != 0 {
		return nil, vfs.Stat{}, e
	}
	e = n.fs.withDir(n.rel, func(dfd int) (e abi.Errno) {
		st, e = n.fs.lstat(dfd, name)
		return e
	})
	if e != 0 {
		return nil, vfs.Stat{}, e
	}
	return &node{n.fs, join(n.rel, name)}, st, 0
}

func (n *node) Readlink() (s string, e abi.Errno) {
	e = n.fs.withParent(n.rel, func(dfd int, name string) abi.Errno {
		var buf [abi.PATH_MAX]byte
		m, err := unix.Readlinkat(dfd, name, buf[:])
		if err != nil {
			return errnoOf(err)
		}
		s = string(buf[:m])
		return 0
	})
	return s, e
}

func (n *node) Open(flags int) (vfs.FileImpl, abi.Errno) {
	hflags, e := openFlags(flags)
	if e != 0 {
		return nil, e
	}
	var fd int
	e = n.fs.withParent(n.rel, func(dfd int, name string) abi.Errno {
		var err error
		fd, err = retry(func() (int, error) {
			return unix.Openat(dfd, name, hflags|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
		})
		return errnoOf(err)
	})
	if e != 0 {
		return nil, e
	}
	return &file{fd: fd}, 0
}

func (n *node) ReadDir() (ents []vfs.DirEnt, e abi.Errno) {
	fd, owned, e := n.fs.openDir(n.rel, unix.O_RDONLY)
	if e != 0 {
		return nil, e
	}
	if owned {
		defer unix.Close(fd)
	}
	return readDir(fd)
}

func (n *node) Create(name string, flags int, mode uint32) (vfs.FileImpl, vfs.Node, vfs.Stat, abi.Errno) {
	if e := checkName(name); e != 0 {
		return nil, nil, vfs.Stat{}, e
	}
	hflags, e := openFlags(flags)
	if e != 0 {
		return nil, nil, vfs.Stat{}, e
	}
	var fd int
	e = n.fs.withDir(n.rel, func(dfd int) abi.Errno {
		var err error
		fd, err = retry(func() (int, error) {
			return unix.Openat(dfd, name, hflags|unix.O_CREAT|unix.O_EXCL|unix.O_NOFOLLOW|unix.O_CLOEXEC, mode)
		})
		return errnoOf(err)
	})
	if e != 0 {
		return nil, nil, vfs.Stat{}, e
	}
	f := &file{fd: fd}
	if mode&n.fs.umask != 0 {
		unix.Fchmod(fd, mode)
	}
	st, e := f.Stat()
	if e != 0 {
		f.Close()
		return nil, nil, vfs.Stat{}, e
	}
	return f, &node{n.fs, join(n.rel, name)}, st, 0
}

func (n *node) TmpFile(flags int, mode uint32) (vfs.FileImpl, abi.Errno) {
	hflags, e := openFlags(flags)
	if e != 0 {
		return nil, e
	}
	var fd int
	e = n.fs.withDir(n.rel, func(dfd int) abi.Errno {
		var e abi.Errno
		fd, e = tmpFile(dfd, hflags|unix.O_CLOEXEC, mode)
		if e == 0 && mode&n.fs.umask != 0 {
			unix.Fchmod(fd, mode)
		}
		return e
	})
	if e != 0 {
		return nil, e
	}
	return &file{fd: fd}, 0
}

func (n *node) Mkdir(name string, mode uint32) abi.Errno {
	if e := checkName(name); e != 0 {
		return e
	}
	return n.fs.withDir(n.rel, func(dfd int) abi.Errno {
		if err := unix.Mkdirat(dfd, name, mode); err != nil {
			return errnoOf(err)
		}
		if mode&n.fs.umask != 0 {
			chmodNoFollow(dfd, name, mode)
		}
		return 0
	})
}

func (n *node) Mknod(name string, mode uint32, dev uint64) abi.Errno {
	if e := checkName(name); e != 0 {
		return e
	}
	return n.fs.withDir(n.rel, func(dfd int) abi.Errno {
		if e := mknodat(dfd, name, mode, dev); e != 0 {
			return e
		}
		if mode&n.fs.umask&0o7777 != 0 {
			chmodNoFollow(dfd, name, mode&0o7777)
		}
		return 0
	})
}

func (n *node) Symlink(name, target string) abi.Errno {
	if e := checkName(name); e != 0 {
		return e
	}
	return n.fs.withDir(n.rel, func(dfd int) abi.Errno { return errnoOf(unix.Symlinkat(target, dfd, name)) })
}

func (n *node) Link(name string, target vfs.Node) abi.Errno {
	if e := checkName(name); e != 0 {
		return e
	}
	t, ok := target.(*node)
	if !ok || t.fs != n.fs {
		return abi.EXDEV
	}
	return n.fs.withDir(n.rel, func(dfd int) abi.Errno {
		return t.fs.withParent(t.rel, func(tfd int, tname string) abi.Errno {
			return errnoOf(unix.Linkat(tfd, tname, dfd, name, 0))
		})
	})
}

func (n *node) Unlink(name string, dir bool) abi.Errno {
	if e := checkName(name); e != 0 {
		return e
	}
	flags := 0
	if dir {
		flags = unix.AT_REMOVEDIR
	}
	return n.fs.withDir(n.rel, func(dfd int) abi.Errno { return errnoOf(unix.Unlinkat(dfd, name, flags)) })
}

func (n *node) Rename(oldName string, newDir vfs.Node, newName string, flags uint32) abi.Errno {
	if e := checkName(oldName); e != 0 {
		return e
	}
	if e := checkName(newName); e != 0 {
		return e
	}
	nd, ok := newDir.(*node)
	if !ok || nd.fs != n.fs {
		return abi.EXDEV
	}
	return n.fs.withDir(n.rel, func(ofd int) abi.Errno {
		return nd.fs.withDir(nd.rel, func(nfd int) abi.Errno {
			return renameat(ofd, oldName, nfd, newName, flags)
		})
	})
}

// SetAttr never follows a symlink on the host: the VFS has resolved
// them, so a symlink here is one the guest named with NOFOLLOW.
func (n *node) SetAttr(a *vfs.Attr) abi.Errno {
	return n.fs.withParent(n.rel, func(dfd int, name string) abi.Errno {
		if a.Valid&vfs.AttrMode != 0 {
			if e := chmodNoFollow(dfd, name, a.Mode&0o7777); e != 0 {
				return e
			}
		}
		if a.Valid&vfs.AttrOwner != 0 {
			if err := unix.Fchownat(dfd, name, int(int32(a.UID)), int(int32(a.GID)), unix.AT_SYMLINK_NOFOLLOW); err != nil {
				return errnoOf(err)
			}
		}
		if a.Valid&vfs.AttrTimes != 0 {
			ts := []unix.Timespec{hostTime(a.Atime), hostTime(a.Mtime)}
			if err := unix.UtimesNanoAt(dfd, name, ts, unix.AT_SYMLINK_NOFOLLOW); err != nil {
				return errnoOf(err)
			}
		}
		if a.Valid&vfs.AttrSize != 0 {
			fd, err := unix.Openat(dfd, name, unix.O_WRONLY|unix.O_NOFOLLOW|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
			if err != nil {
				return errnoOf(err)
			}
			defer unix.Close(fd)
			return errnoOf(unix.Ftruncate(fd, a.Size))
		}
		return 0
	})
}

// file is an open host descriptor. The Go runtime never sees it (no
// os.File), so blocking reads block an OS thread as the guest expects.
type file struct {
	fd int
}

// HostFD exposes the descriptor (for mmap).
func (f *file) HostFD() int { return f.fd }

func (f *file) Read(p []byte) (int, abi.Errno) {
	n, err := retry(func() (int, error) { return unix.Read(f.fd, p) })
	return max(n, 0), errnoOf(err)
}

func (f *file) Write(p []byte) (int, abi.Errno) {
	n, err := retry(func() (int, error) { return unix.Write(f.fd, p) })
	return max(n, 0), errnoOf(err)
}

func (f *file) Pread(p []byte, off int64) (int, abi.Errno) {
	n, err := retry(func() (int, error) { return unix.Pread(f.fd, p, off) })
	return max(n, 0), errnoOf(err)
}

func (f *file) Pwrite(p []byte, off int64) (int, abi.Errno) {
	n, err := retry(func() (int, error) { return unix.Pwrite(f.fd, p, off) })
	return max(n, 0), errnoOf(err)
}

func (f *file) Lseek(off int64, whence int) (int64, abi.Errno) {
	hw, e := seekWhence(whence)
	if e != 0 {
		return 0, e
	}
	n, err := unix.Seek(f.fd, off, hw)
	return n, errnoOf(err)
}

func (f *file) Stat() (vfs.Stat, abi.Errno) {
	var st unix.Stat_t
	if err := unix.Fstat(f.fd, &st); err != nil {
		return vfs.Stat{}, errnoOf(err)
	}
	return statOf(&st), 0
}

// Close closes the descriptor once; Linux closes it even when close
// reports an error, so there is no retry.
func (f *file) Close() abi.Errno { return errnoOf(unix.Close(f.fd)) }

func (f *file) Sync(dataOnly bool) abi.Errno { return SyncFD(f.fd, dataOnly) }

// SyncFD is fsync (fdatasync with dataOnly) of host descriptor fd.
func SyncFD(fd int, dataOnly bool) abi.Errno {
	if dataOnly {
		return errnoOf(fdatasync(fd))
	}
	return errnoOf(unix.Fsync(fd))
}

func (f *file) SetFlags(flags int) abi.Errno { return SetFDFlags(f.fd, flags) }

// SetFDFlags applies the guest's O_APPEND and O_NONBLOCK (what F_SETFL
// may change) to host descriptor fd.
func SetFDFlags(fd, flags int) abi.Errno {
	cur, err := unix.FcntlInt(uintptr(fd), unix.F_GETFL, 0)
	if err != nil {
		return errnoOf(err)
	}
	cur &^= unix.O_APPEND | unix.O_NONBLOCK
	if flags&abi.O_APPEND != 0 {
		cur |= unix.O_APPEND
	}
	if flags&abi.O_NONBLOCK != 0 {
		cur |= unix.O_NONBLOCK
	}
	_, err = unix.FcntlInt(uintptr(fd), unix.F_SETFL, cur)
	return errnoOf(err)
}

func (f *file) SetAttr(a *vfs.Attr) abi.Errno {
	if a.Valid&vfs.AttrMode != 0 {
		if err := unix.Fchmod(f.fd, a.Mode&0o7777); err != nil {
			return errnoOf(err)
		}
	}
	if a.Valid&vfs.AttrOwner != 0 {
		if err := unix.Fchown(f.fd, int(int32(a.UID)), int(int32(a.GID))); err != nil {
			return errnoOf(err)
		}
	}
	if a.Valid&vfs.AttrTimes != 0 {
		if e := futimens(f.fd, a.Atime, a.Mtime); e != 0 {
			return e
		}
	}
	if a.Valid&vfs.AttrSize != 0 {
		return errnoOf(unix.Ftruncate(f.fd, a.Size))
	}
	return 0
}

func errnoOf(err error) abi.Errno {
	if err == nil {
		return 0
	}
	// Wrapped too (*os.PathError from the os package), as on other hosts.
	var en unix.Errno
	if errors.As(err, &en) {
		return errnoFromHost(en)
	}
	return abi.EIO
}

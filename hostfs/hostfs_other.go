//go:build !linux && !darwin && !freebsd

package hostfs

import (
	"errors"
	"hash/fnv"
	"io"
	"io/fs"
	"os"
	"syscall"
	"time"

	"github.com/blink-go/blink/core/abi"
	"github.com/blink-go/blink/core/klog"
	"github.com/blink-go/blink/fs/vfs"
)

// On hosts without the *at() family (Windows, Plan 9...) the FS stands on
// os.Root, which guarantees that no name escapes the directory even
// through symlinks the host follows itself. What the host cannot express
// degrades: inode numbers hash the path (hard links do not share one),
// owners are 0, permissions are what os.FileMode can carry, devices and
// FIFOs cannot be made. Log, if set, hears about each once.
type FS struct {
	root string
	r    *os.Root
	Log  *klog.Logger
}

// New opens the host directory dir as a file system.
func New(dir string) (*FS, abi.Errno) {
	r, err := os.OpenRoot(dir)
	if err != nil {
		return nil, errnoOf(err)
	}
	return &FS{root: dir, r: r}, 0
}

func (fs *FS) Root() vfs.Node   { return &node{fs: fs} }
func (fs *FS) HostRoot() string { return fs.root }
func (fs *FS) Close()           { fs.r.Close() }

func (fs *FS) degraded(what string) {
	if fs.Log != nil {
		fs.Log.Once("hostfs-"+what, "hostfs: the host cannot %s; the guest sees an approximation", what)
	}
}

type node struct {
	fs  *FS
	rel string
}

func (n *node) name() string {
	if n.rel == "" {
		return "."
	}
	return n.rel
}

func (n *node) Stat() (vfs.Stat, abi.Errno) {
	fi, err := n.fs.r.Lstat(n.name())
	if err != nil {
		return vfs.Stat{}, errnoOf(err)
	}
	return n.fs.statOf(n.rel, fi), 0
}

func (fs *FS) statOf(rel string, fi fs.FileInfo) vfs.Stat {
	h := fnv.New64a()
	io.WriteString(h, rel)
	mode := uint32(fi.Mode().Perm())
	switch {
	case fi.Mode()&os.ModeSymlink != 0:
		mode |= abi.S_IFLNK
	case fi.IsDir():
		mode |= abi.S_IFDIR
	case fi.Mode()&os.ModeNamedPipe != 0:
		mode |= abi.S_IFIFO
	case fi.Mode()&os.ModeSocket != 0:
		mode |= abi.S_IFSOCK
	case fi.Mode()&os.ModeCharDevice != 0:
		mode |= abi.S_IFCHR
	case fi.Mode()&os.ModeDevice != 0:
		mode |= abi.S_IFBLK
	default:
		mode |= abi.S_IFREG
	}
	t := fi.ModTime()
	ts := vfs.Timespec{Sec: t.Unix(), Nsec: int64(t.Nanosecond())}
	return vfs.Stat{Ino: Ino(0, h.Sum64()), Nlink: 1, Mode: mode, Size: fi.Size(), Blksize: 4096,
		Blocks: (fi.Size() + 511) / 512, Atime: ts, Mtime: ts, Ctime: ts}
}

func (n *node) Lookup(name string) (vfs.Node, vfs.Stat, abi.Errno) {
	if e := checkName(name); e != 0 {
		return nil, vfs.Stat{}, e
	}
	c := &node{n.fs, join(n.rel, name)}
	st, e := c.Stat()
	if e != 0 {
		return nil, vfs.Stat{}, e
	}
	return c, st, 0
}

func (n *node) Readlink() (string, abi.Errno) {
	s, err := n.fs.r.Readlink(n.name())
	return s, errnoOf(err)
}

func (n *node) Open(flags int) (vfs.FileImpl, abi.Errno) {
	f, err := n.fs.r.OpenFile(n.name(), osFlags(flags), 0)
	if err != nil {
		return nil, errnoOf(err)
	}
	return &file{f: f, fs: n.fs, rel: n.rel}, 0
}

func osFlags(flags int) int {
	var o int
	switch flags & abi.O_ACCMODE {
	case abi.O_RDONLY:
		o = os.O_RDONLY
	case abi.O_WRONLY:
		o = os.O_WRONLY
	default:
		o = os.O_RDWR
	}
	if flags&abi.O_APPEND != 0 {
		o |= os.O_APPEND
	}
	if flags&abi.O_TRUNC != 0 {
		o |= os.O_TRUNC
	}
	if flags&abi.O_SYNC == abi.O_SYNC {
		o |= os.O_SYNC
	}
	return o
}

func (n *node) ReadDir() ([]vfs.DirEnt, abi.Errno) {
	f, err := n.fs.r.Open(n.name())
	if err != nil {
		return nil, errnoOf(err)
	}
	defer f.Close()
	des, err := f.ReadDir(-1)
	if err != nil {
		return nil, errnoOf(err)
	}
	ents := make([]vfs.DirEnt, 0, len(des))
	for _, de := range des {
		fi, err := de.Info()
		if err != nil {
			continue
		}
		rel := join(n.rel, de.Name())
		st := n.fs.statOf(rel, fi)
		ents = append(ents, vfs.DirEnt{Name: de.Name(), Ino: st.Ino, Type: vfs.DTFromMode(st.Mode)})
	}
	return ents, 0
}

func (n *node) Create(name string, flags int, mode uint32) (vfs.FileImpl, vfs.Node, vfs.Stat, abi.Errno) {
	if e := checkName(name); e != 0 {
		return nil, nil, vfs.Stat{}, e
	}
	rel := join(n.rel, name)
	f, err := n.fs.r.OpenFile(rel, osFlags(flags)|os.O_CREATE|os.O_EXCL, fs.FileMode(mode&0o777))
	if err != nil {
		return nil, nil, vfs.Stat{}, errnoOf(err)
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, nil, vfs.Stat{}, errnoOf(err)
	}
	return &file{f: f, fs: n.fs, rel: rel}, &node{n.fs, rel}, n.fs.statOf(rel, fi), 0
}

func (n *node) TmpFile(flags int, mode uint32) (vfs.FileImpl, abi.Errno) {
	n.fs.degraded("make unnamed files")
	for i := 0; i < 100; i++ {
		rel := join(n.rel, ".blink-tmpfile-"+time.Now().Format("150405.000000000"))
		f, err := n.fs.r.OpenFile(rel, osFlags(flags)|os.O_CREATE|os.O_EXCL, fs.FileMode(mode&0o777))
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return nil, errnoOf(err)
		}
		n.fs.r.Remove(rel) // may fail while open (Windows): then it stays visible
		return &file{f: f, fs: n.fs, rel: rel}, 0
	}
	return nil, abi.EEXIST
}

func (n *node) Mkdir(name string, mode uint32) abi.Errno {
	if e := checkName(name); e != 0 {
		return e
	}
	return errnoOf(n.fs.r.Mkdir(join(n.rel, name), fs.FileMode(mode&0o777)))
}

func (n *node) Mknod(name string, mode uint32, dev uint64) abi.Errno {
	if e := checkName(name); e != 0 {
		return e
	}
	if mode&abi.S_IFMT != abi.S_IFREG {
		n.fs.degraded("make devices, FIFOs or sockets")
		return abi.EPERM
	}
	f, err := n.fs.r.OpenFile(join(n.rel, name), os.O_CREATE|os.O_EXCL|os.O_WRONLY, fs.FileMode(mode&0o777))
	if err != nil {
		return errnoOf(err)
	}
	return errnoOf(f.Close())
}

func (n *node) Symlink(name, target string) abi.Errno {
	if e := checkName(name); e != 0 {
		return e
	}
	err := n.fs.r.Symlink(target, join(n.rel, name))
	if err != nil {
		n.fs.degraded("always make symlinks")
	}
	return errnoOf(err)
}

func (n *node) Link(name string, target vfs.Node) abi.Errno {
	if e := checkName(name); e != 0 {
		return e
	}
	t, ok := target.(*node)
	if !ok || t.fs != n.fs {
		return abi.EXDEV
	}
	return errnoOf(n.fs.r.Link(t.name(), join(n.rel, name)))
}

func (n *node) Unlink(name string, dir bool) abi.Errno {
	if e := checkName(name); e != 0 {
		return e
	}
	rel := join(n.rel, name)
	fi, err := n.fs.r.Lstat(rel)
	if err != nil {
		return errnoOf(err)
	}
	if fi.IsDir() != dir {
		if dir {
			return abi.ENOTDIR
		}
		return abi.EISDIR
	}
	return errnoOf(n.fs.r.Remove(rel))
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
	if flags&abi.RENAME_EXCHANGE != 0 {
		return abi.EINVAL
	}
	to := join(nd.rel, newName)
	if flags&abi.RENAME_NOREPLACE != 0 {
		if _, err := n.fs.r.Lstat(to); err == nil {
			return abi.EEXIST
		}
	}
	return errnoOf(n.fs.r.Rename(join(n.rel, oldName), to))
}

func (n *node) SetAttr(a *vfs.Attr) abi.Errno {
	if a.Valid&vfs.AttrMode != 0 {
		if err := n.fs.r.Chmod(n.name(), fs.FileMode(a.Mode&0o777)); err != nil {
			return errnoOf(err)
		}
	}
	if a.Valid&vfs.AttrOwner != 0 {
		n.fs.degraded("change owners")
		if err := n.fs.r.Lchown(n.name(), int(int32(a.UID)), int(int32(a.GID))); err != nil {
			return errnoOf(err)
		}
	}
	if a.Valid&vfs.AttrTimes != 0 {
		at, mt := toTime(a.Atime), toTime(a.Mtime)
		if err := n.fs.r.Chtimes(n.name(), at, mt); err != nil {
			return errnoOf(err)
		}
	}
	if a.Valid&vfs.AttrSize != 0 {
		f, err := n.fs.r.OpenFile(n.name(), os.O_WRONLY, 0)
		if err != nil {
			return errnoOf(err)
		}
		defer f.Close()
		return errnoOf(f.Truncate(a.Size))
	}
	return 0
}

func toTime(t vfs.Timespec) time.Time {
	switch t.Nsec {
	case abi.UTIME_NOW:
		return time.Now()
	case abi.UTIME_OMIT:
		return time.Time{} // os.Chtimes leaves a zero time unchanged
	}
	return time.Unix(t.Sec, t.Nsec)
}

type file struct {
	f   *os.File
	fs  *FS
	rel string
}

func (f *file) Read(p []byte) (int, abi.Errno) {
	n, err := f.f.Read(p)
	if err == io.EOF {
		err = nil
	}
	return n, errnoOf(err)
}

func (f *file) Write(p []byte) (int, abi.Errno) { n, err := f.f.Write(p); return n, errnoOf(err) }

func (f *file) Pread(p []byte, off int64) (int, abi.Errno) {
	n, err := f.f.ReadAt(p, off)
	if err == io.EOF {
		err = nil
	}
	return n, errnoOf(err)
}

func (f *file) Pwrite(p []byte, off int64) (int, abi.Errno) {
	n, err := f.f.WriteAt(p, off)
	return n, errnoOf(err)
}

func (f *file) Lseek(off int64, whence int) (int64, abi.Errno) {
	if whence > abi.SEEK_END {
		return 0, abi.EINVAL
	}
	n, err := f.f.Seek(off, whence)
	return n, errnoOf(err)
}

func (f *file) Stat() (vfs.Stat, abi.Errno) {
	fi, err := f.f.Stat()
	if err != nil {
		return vfs.Stat{}, errnoOf(err)
	}
	return f.fs.statOf(f.rel, fi), 0
}

func (f *file) Close() abi.Errno { return errnoOf(f.f.Close()) }

func (f *file) Sync(bool) abi.Errno { return errnoOf(f.f.Sync()) }

// errnoOf maps the portable errors; anything else is EIO.
func errnoOf(err error) abi.Errno {
	switch {
	case err == nil:
		return 0
	case errors.Is(err, fs.ErrNotExist):
		return abi.ENOENT
	case errors.Is(err, fs.ErrExist):
		return abi.EEXIST
	case errors.Is(err, fs.ErrPermission):
		return abi.EACCES
	case errors.Is(err, fs.ErrInvalid):
		return abi.EINVAL
	case errors.Is(err, syscall.ENOTDIR):
		return abi.ENOTDIR
	case errors.Is(err, syscall.EISDIR):
		return abi.EISDIR
	case errors.Is(err, errors.ErrUnsupported):
		return abi.EOPNOTSUPP
	case errors.Is(err, fs.ErrClosed):
		return abi.EBADF
	case errors.Is(err, os.ErrDeadlineExceeded):
		return abi.EAGAIN
	}
	var pe *os.PathError
	if errors.As(err, &pe) && pe.Err != nil && pe.Err.Error() == "path escapes from parent" {
		return abi.EXDEV
	}
	return abi.EIO
}

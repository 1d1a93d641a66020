package vfs

import (
	"encoding/binary"
	"sort"
	"sync"

	"github.com/blink-go/blink/core/abi"
)

// File is an open file description: where it was opened (for openat,
// fchdir, /proc/self/fd), its status flags, the file system's FileImpl,
// and for directories the listing state. Its methods have the shape of
// core/kernel's File and optional interfaces.
type File struct {
	v     *VFS
	loc   Location
	impl  FileImpl // nil for O_PATH
	flags int

	mu  sync.Mutex
	dir *dirState // directory listing, made at the first getdents
}

// dirState is a snapshot of a directory's entries taken at the first
// getdents (and again after lseek to 0, rewinddir). d_off cookies are
// positions in the snapshot, so telldir/seekdir cookies stay valid
// whatever happens to the directory meanwhile; POSIX leaves open whether
// entries added or removed after opendir/rewinddir are seen.
type dirState struct {
	ents []DirEnt
	pos  int
}

func (v *VFS) newFile(loc Location, impl FileImpl, flags int) *File {
	return &File{v: v, loc: loc, impl: impl, flags: flags}
}

// Location returns where the file was opened.
func (f *File) Location() Location { return f.loc }

// Flags returns the open flags the file keeps (status and access mode).
func (f *File) Flags() int { return f.flags }

// Impl returns the file system's half, for optional abilities.
func (f *File) Impl() FileImpl { return f.impl }

// IsDir reports whether the file is a directory.
func (f *File) IsDir() bool { return f.loc.Dentry.stat.IsDir() }

// Path names the file from the global root, as the kernel's File.Path.
func (f *File) Path() string { return f.v.pathOf(f.loc, Location{}) }

func (f *File) readable() abi.Errno {
	if f.impl == nil || f.flags&abi.O_ACCMODE == abi.O_WRONLY {
		return abi.EBADF
	}
	if f.IsDir() {
		return abi.EISDIR
	}
	return 0
}

func (f *File) writable() abi.Errno {
	if f.impl == nil || f.flags&abi.O_ACCMODE == abi.O_RDONLY {
		return abi.EBADF
	}
	return 0
}

func (f *File) Read(p []byte) (int, abi.Errno) {
	if e := f.readable(); e != 0 {
		return 0, e
	}
	return f.impl.Read(p)
}

func (f *File) Write(p []byte) (int, abi.Errno) {
	if e := f.writable(); e != 0 {
		return 0, e
	}
	return f.impl.Write(p)
}

func (f *File) Pread(p []byte, off int64) (int, abi.Errno) {
	if e := f.readable(); e != 0 {
		return 0, e
	}
	if off < 0 {
		return 0, abi.EINVAL
	}
	return f.impl.Pread(p, off)
}

func (f *File) Pwrite(p []byte, off int64) (int, abi.Errno) {
	if e := f.writable(); e != 0 {
		return 0, e
	}
	if off < 0 {
		return 0, abi.EINVAL
	}
	return f.impl.Pwrite(p, off)
}

// Lseek moves the file offset; on a directory it moves the getdents
// position (offsets are the d_off cookies ReadDir hands out).
func (f *File) Lseek(off int64, whence int) (int64, abi.Errno) {
	if f.impl == nil {
		return 0, abi.EBADF
	}
	if !f.IsDir() {
		return f.impl.Lseek(off, whence)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	cur := int64(0)
	if f.dir != nil {
		cur = int64(f.dir.pos)
	}
	switch whence {
	case abi.SEEK_SET:
	case abi.SEEK_CUR:
		off += cur
	default:
		return 0, abi.EINVAL
	}
	if off < 0 {
		return 0, abi.EINVAL
	}
	if off == 0 {
		f.dir = nil // rewinddir: see the directory afresh
		return 0, 0
	}
	if f.dir == nil {
		if e := f.snapshot(); e != 0 {
			return 0, e
		}
	}
	f.dir.pos = int(min(off, int64(len(f.dir.ents))))
	return off, 0
}

// Stat returns the file's attributes with the mount's st_dev.
func (f *File) Stat() (Stat, abi.Errno) {
	var st Stat
	var e abi.Errno
	if f.impl != nil {
		st, e = f.impl.Stat()
	} else {
		st, e = f.loc.Dentry.node.Stat()
	}
	if e != 0 {
		return Stat{}, e
	}
	st.Dev = f.loc.Mount.sb.dev
	return st, 0
}

func (f *File) Close() abi.Errno {
	if f.impl == nil {
		return 0
	}
	return f.impl.Close()
}

// Sync flushes the file; files without storage succeed, as on Linux for
// most special files.
func (f *File) Sync(dataOnly bool) abi.Errno {
	if f.impl == nil {
		return abi.EBADF
	}
	if s, ok := f.impl.(SyncImpl); ok {
		return s.Sync(dataOnly)
	}
	return 0
}

// SetFlags follows F_SETFL.
func (f *File) SetFlags(flags int) abi.Errno {
	const settable = abi.O_APPEND | abi.O_NONBLOCK | abi.O_ASYNC | abi.O_DIRECT | abi.O_NOATIME
	if fi, ok := f.impl.(FlagsImpl); ok {
		if e := fi.SetFlags(flags); e != 0 {
			return e
		}
	}
	f.flags = f.flags&^settable | flags&settable
	return 0
}

// SetAttr changes attributes through the descriptor (fchmod, fchown,
// futimens, ftruncate), with the same permission rules as by path.
func (f *File) SetAttr(ctx *Context, a *Attr) abi.Errno {
	if f.impl == nil {
		return abi.EBADF
	}
	st, e := f.Stat()
	if e != 0 {
		return e
	}
	if a.Valid&AttrSize != 0 && f.flags&abi.O_ACCMODE == abi.O_RDONLY {
		return abi.EINVAL // ftruncate on a descriptor not open for writing
	}
	if e := checkSetAttr(ctx, f.loc.Mount, &st, a, true); e != 0 {
		return e
	}
	if s, ok := f.impl.(SetAttrImpl); ok {
		return s.SetAttr(a)
	}
	return f.loc.Dentry.node.SetAttr(a)
}

// Terminal returns the terminal ability of the file, if any.
func (f *File) Terminal() (TerminalImpl, bool) {
	t, ok := f.impl.(TerminalImpl)
	return t, ok
}

// snapshot lists the directory: ".", "..", the file system's entries and
// the mount points inside it (a mount on an existing name keeps the
// underlying d_ino, as on Linux; a synthetic one shows its root's). It
// is sorted by name so listings are stable run to run.
func (f *File) snapshot() abi.Errno {
	ents, e := f.loc.Dentry.node.ReadDir()
	if e != 0 {
		return e
	}
	sort.Slice(ents, func(i, j int) bool { return ents[i].Name < ents[j].Name })
	if mnts := f.v.mountNames(f.loc.Mount, f.loc.Dentry); len(mnts) > 0 {
		for _, e := range ents {
			delete(mnts, e.Name)
		}
		for name, m := range mnts {
			ents = append(ents, DirEnt{Name: name, Ino: m.root.stat.Ino, Type: abi.DT_DIR})
		}
		sort.Slice(ents, func(i, j int) bool { return ents[i].Name < ents[j].Name })
	}
	self := f.loc.Dentry.stat.Ino
	parent := self
	// ".." reports the parent's inode number; a walk gives it cheaply.
	w := &walk{v: f.v, ctx: &Context{Root: f.v.RootLocation()}, loc: f.loc}
	w.dotdot()
	if w.loc.Mount == f.loc.Mount {
		parent = w.loc.Dentry.stat.Ino
	}
	all := make([]DirEnt, 0, len(ents)+2)
	all = append(all, DirEnt{".", self, abi.DT_DIR}, DirEnt{"..", parent, abi.DT_DIR})
	f.dir = &dirState{ents: append(all, ents...)}
	return 0
}

// ReadDir fills buf with linux_dirent64 records from the current
// position: EINVAL if the first does not fit, 0 at the end. d_off is
// the position after the record.
func (f *File) ReadDir(buf []byte) (int, abi.Errno) {
	if f.impl == nil {
		return 0, abi.EBADF
	}
	if !f.IsDir() {
		return 0, abi.ENOTDIR
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.dir == nil {
		if e := f.snapshot(); e != 0 {
			return 0, e
		}
	}
	n := 0
	for f.dir.pos < len(f.dir.ents) {
		ent := &f.dir.ents[f.dir.pos]
		// struct linux_dirent64: u64 d_ino, s64 d_off, u16 d_reclen,
		// u8 d_type, char d_name[] NUL-terminated, padded to 8.
		reclen := (19 + len(ent.Name) + 1 + 7) &^ 7
		if n+reclen > len(buf) {
			if n == 0 {
				return 0, abi.EINVAL
			}
			break
		}
		r := buf[n : n+reclen]
		binary.LittleEndian.PutUint64(r[0:], ent.Ino)
		binary.LittleEndian.PutUint64(r[8:], uint64(f.dir.pos+1))
		binary.LittleEndian.PutUint16(r[16:], uint16(reclen))
		r[18] = ent.Type
		copy(r[19:], ent.Name)
		clear(r[19+len(ent.Name):])
		n += reclen
		f.dir.pos++
	}
	return n, 0
}

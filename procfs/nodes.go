package procfs

import (
	"bytes"
	"hash/fnv"
	"sync"

	"github.com/blink-go/blink/core/abi"
	"github.com/blink-go/blink/fs/vfs"
)

// The node kinds every synthetic file system here is built from: a
// directory whose entries are computed on each lookup, a generated file
// rendered into a snapshot at open (STYLE item 5: a generator, never
// kept text), and symlinks, plain, per caller or magic. devfs and the
// minimal sysfs use them too (exported as Dir, File, LinkNode).

// Attr is what a synthetic node reports about itself.
type Attr struct {
	Ino      uint64
	Mode     uint32 // type and permission bits
	UID, GID uint32
	Rdev     uint64
	Time     vfs.Timespec
}

func (a *Attr) stat() vfs.Stat {
	n := uint64(1)
	if a.Mode&abi.S_IFMT == abi.S_IFDIR {
		n = 2
	}
	return vfs.Stat{Ino: a.Ino, Nlink: n, Mode: a.Mode, UID: a.UID, GID: a.GID, Rdev: a.Rdev,
		Blksize: 1024, Atime: a.Time, Mtime: a.Time, Ctime: a.Time}
}

// InoOf is a stable inode number for a synthetic path: the same path
// always gets the same number, which is all st_ino must promise here.
func InoOf(path string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(path))
	return h.Sum64()&(1<<32-1) | 1<<32
}

// Entry is one name in a Dir.
type Entry struct {
	Name string
	Node vfs.Node
}

// Dir is a directory whose entries List computes on each call; Find,
// when set, looks one name up without listing (/proc's pids).
type Dir struct {
	vfs.NodeDefaults
	Attr
	List func() []Entry
	Find func(name string) (vfs.Node, bool)
}

func (d *Dir) Stat() (vfs.Stat, abi.Errno) { return d.stat(), 0 }

func (d *Dir) Lookup(name string) (vfs.Node, vfs.Stat, abi.Errno) {
	var n vfs.Node
	if d.Find != nil {
		if x, ok := d.Find(name); ok {
			n = x
		}
	}
	if n == nil {
		for _, e := range d.List() {
			if e.Name == name {
				n = e.Node
				break
			}
		}
	}
	if n == nil {
		return nil, vfs.Stat{}, abi.ENOENT
	}
	st, e := n.Stat()
	if e != 0 {
		return nil, vfs.Stat{}, e
	}
	return n, st, 0
}

func (d *Dir) ReadDir() ([]vfs.DirEnt, abi.Errno) {
	var out []vfs.DirEnt
	for _, e := range d.List() {
		st, err := e.Node.Stat()
		if err != 0 {
			continue // vanished meanwhile
		}
		out = append(out, vfs.DirEnt{Name: e.Name, Ino: st.Ino, Type: vfs.DTFromMode(st.Mode)})
	}
	return out, 0
}

func (d *Dir) Open(int) (vfs.FileImpl, abi.Errno) { return &dirFile{d: d}, 0 }

type dirFile struct {
	vfs.FileDefaults
	d *Dir
}

func (f *dirFile) Stat() (vfs.Stat, abi.Errno)         { return f.d.Stat() }
func (f *dirFile) Lseek(int64, int) (int64, abi.Errno) { return 0, 0 }

// genFunc renders a generated file.
type genFunc = func(b *bytes.Buffer) abi.Errno

// File is a generated file: Gen renders its whole content into a
// snapshot at open, which reads then serve (so a reader sees one
// consistent rendering however it splits its reads). Write, when set,
// makes the file writable and receives each write(2).
type File struct {
	vfs.NodeDefaults
	Attr
	Gen   func(b *bytes.Buffer) abi.Errno
	Write func(p []byte) (int, abi.Errno)
	// GenAs, when set, renders instead of Gen for a caller (a process
	// reading its own stat sees itself running).
	GenAs func(b *bytes.Buffer, caller any) abi.Errno
}

func (f *File) Stat() (vfs.Stat, abi.Errno) { return f.stat(), 0 }

func (f *File) Open(flags int) (vfs.FileImpl, abi.Errno) { return f.OpenAs(nil, flags) }

func (f *File) OpenAs(caller any, flags int) (vfs.FileImpl, abi.Errno) {
	h := &genFile{f: f}
	if flags&abi.O_ACCMODE != abi.O_WRONLY {
		var b bytes.Buffer
		var e abi.Errno
		switch {
		case f.GenAs != nil:
			e = f.GenAs(&b, caller)
		case f.Gen != nil:
			e = f.Gen(&b)
		}
		if e != 0 {
			return nil, e
		}
		h.data = b.Bytes()
	}
	return h, 0
}

// SetAttr accepts truncation (shell "> file" on a writable file) and
// nothing else, as proc_setattr does for size.
func (f *File) SetAttr(a *vfs.Attr) abi.Errno {
	if a.Valid == vfs.AttrSize && f.Write != nil {
		return 0
	}
	return abi.EPERM
}

type genFile struct {
	vfs.FileDefaults
	f    *File
	mu   sync.Mutex
	data []byte
	pos  int64
}

func (g *genFile) Stat() (vfs.Stat, abi.Errno) { return g.f.Stat() }

func (g *genFile) Read(p []byte) (int, abi.Errno) {
	g.mu.Lock()
	defer g.mu.Unlock()
	n, _ := g.Pread(p, g.pos)
	g.pos += int64(n)
	return n, 0
}

func (g *genFile) Pread(p []byte, off int64) (int, abi.Errno) {
	if off < 0 {
		return 0, abi.EINVAL
	}
	if off >= int64(len(g.data)) {
		return 0, 0
	}
	return copy(p, g.data[off:]), 0
}

func (g *genFile) Write(p []byte) (int, abi.Errno) {
	if g.f.Write == nil {
		return 0, abi.EINVAL
	}
	return g.f.Write(p)
}

func (g *genFile) Pwrite(p []byte, off int64) (int, abi.Errno) { return g.Write(p) }

func (g *genFile) Lseek(off int64, whence int) (int64, abi.Errno) {
	g.mu.Lock()
	defer g.mu.Unlock()
	switch whence {
	case abi.SEEK_SET:
	case abi.SEEK_CUR:
		off += g.pos
	case abi.SEEK_END:
		off += int64(len(g.data))
	default:
		return 0, abi.EINVAL
	}
	if off < 0 {
		return 0, abi.EINVAL
	}
	g.pos = off
	return off, 0
}

// LinkNode is a symlink: Target answers for everyone, or TargetAs per
// caller; Jump, when set, makes it a magic link (vfs.MagicLink).
type LinkNode struct {
	vfs.NodeDefaults
	Attr
	Target   string
	TargetAs func(caller any) (string, abi.Errno)
}

func (l *LinkNode) Stat() (vfs.Stat, abi.Errno) {
	st := l.stat()
	if l.TargetAs == nil {
		st.Size = int64(len(l.Target))
	}
	return st, 0
}

func (l *LinkNode) Readlink() (string, abi.Errno) { return l.ReadlinkAs(nil) }

func (l *LinkNode) ReadlinkAs(caller any) (string, abi.Errno) {
	if l.TargetAs != nil {
		return l.TargetAs(caller)
	}
	return l.Target, 0
}

// MagicLink is a LinkNode that leads to an open file or a process's
// directory rather than to its target path.
type MagicLink struct {
	LinkNode
	JumpTo func(caller any) (vfs.Location, vfs.Node, abi.Errno)
}

func (m *MagicLink) Jump(caller any) (vfs.Location, vfs.Node, abi.Errno) { return m.JumpTo(caller) }

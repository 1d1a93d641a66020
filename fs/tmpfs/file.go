package tmpfs

import (
	"github.com/blink-go/blink/core/abi"
	"github.com/blink-go/blink/fs/vfs"
)

// file is an open tmpfs file or directory.
type file struct {
	vfs.FileDefaults
	n      *inode
	pos    int64
	append bool
	opened bool
}

func (f *file) hold() {
	if !f.opened {
		f.opened = true
		f.n.opens++
	}
}

func (f *file) Stat() (vfs.Stat, abi.Errno) { return f.n.Stat() }

func (f *file) Read(p []byte) (int, abi.Errno) {
	fs := f.n.fs
	fs.mu.Lock()
	defer fs.mu.Unlock()
	f.hold()
	k := f.n.readAt(p, f.pos)
	f.pos += int64(k)
	f.n.atime = now()
	return k, 0
}

func (f *file) Pread(p []byte, off int64) (int, abi.Errno) {
	if off < 0 {
		return 0, abi.EINVAL
	}
	fs := f.n.fs
	fs.mu.Lock()
	defer fs.mu.Unlock()
	f.hold()
	return f.n.readAt(p, off), 0
}

func (f *file) Write(p []byte) (int, abi.Errno) {
	fs := f.n.fs
	fs.mu.Lock()
	defer fs.mu.Unlock()
	f.hold()
	if f.append {
		f.pos = f.n.size
	}
	k, e := f.n.writeAt(p, f.pos)
	f.pos += int64(k)
	return k, e
}

func (f *file) Pwrite(p []byte, off int64) (int, abi.Errno) {
	if off < 0 {
		return 0, abi.EINVAL
	}
	fs := f.n.fs
	fs.mu.Lock()
	defer fs.mu.Unlock()
	f.hold()
	if f.append {
		off = f.n.size // Linux's pwrite ignores the offset with O_APPEND
	}
	return f.n.writeAt(p, off)
}

func (f *file) Lseek(off int64, whence int) (int64, abi.Errno) {
	fs := f.n.fs
	fs.mu.Lock()
	defer fs.mu.Unlock()
	switch whence {
	case abi.SEEK_SET:
	case abi.SEEK_CUR:
		off += f.pos
	case abi.SEEK_END:
		off += f.n.size
	case abi.SEEK_DATA, abi.SEEK_HOLE:
		if off < 0 || off >= f.n.size {
			return 0, abi.ENXIO
		}
		off = f.n.seekData(off, whence == abi.SEEK_DATA)
	default:
		return 0, abi.EINVAL
	}
	if off < 0 {
		return 0, abi.EINVAL
	}
	f.pos = off
	return off, 0
}

// seekData finds the next data (or hole) offset at or after off.
func (n *inode) seekData(off int64, data bool) int64 {
	if n.host != nil {
		if data {
			return off // a moved file's holes are not known: all data
		}
		return n.size
	}
	for o := off; o < n.size; o = (o/pageSize + 1) * pageSize {
		if (n.pages[o/pageSize] != nil) == data {
			return o
		}
	}
	if data {
		return n.size // no data after off: Linux says ENXIO; callers see EOF
	}
	return n.size
}

func (f *file) SetAttr(a *vfs.Attr) abi.Errno { return f.n.SetAttr(a) }

func (f *file) SetFlags(flags int) abi.Errno {
	f.n.fs.mu.Lock()
	f.append = flags&abi.O_APPEND != 0
	f.n.fs.mu.Unlock()
	return 0
}

func (f *file) Sync(bool) abi.Errno { return 0 }

func (f *file) Close() abi.Errno {
	fs := f.n.fs
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if f.opened {
		f.opened = false
		f.n.opens--
		f.n.release()
	}
	return 0
}

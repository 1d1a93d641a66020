package kernel

import (
	"sort"

	"github.com/blink-go/blink/core/abi"
	"github.com/blink-go/blink/devfs"
	"github.com/blink-go/blink/fs/vfs"
)

// The pseudo-terminals as files: what devpts (devfs.Pts) lists and how
// their inodes look, through /dev/pts and through descriptors.

// Stat describes the inode the descriptor was opened through (/dev/ptmx,
// /dev/pts/N or /dev/tty) on its file system, as fstat does on Linux.
func (f *ptyFile) Stat() (Stat, abi.Errno) {
	if f.at != nil {
		loc := f.at.Location()
		st, e := loc.Dentry.Node().Stat()
		if e != 0 {
			return Stat{}, e
		}
		st.Dev = loc.Mount.Superblock().Dev()
		return st, 0
	}
	if f.master {
		return Stat{Nlink: 1, Mode: abi.S_IFCHR | 0o666, GID: devfs.TTYGroup,
			Rdev: devfs.Mkdev(abi.TTYAUX_MAJOR, 2), Blksize: 4096}, 0
	}
	st := f.p.Attr()
	st.Ino = uint64(f.p.index) + 3
	st.Mode |= abi.S_IFCHR
	st.Nlink, st.Rdev, st.Blksize = 1, f.p.term.rdev, 1024
	return st, 0
}

// Path names the descriptor for /proc/PID/fd.
func (f *ptyFile) Path() string {
	if f.at != nil {
		return f.at.Path()
	}
	if f.master {
		return "/dev/ptmx"
	}
	return "/dev/pts/" + itoa(int64(f.p.index))
}

// SetAttr is fchmod, fchown and futimens, which change the inode behind
// the descriptor with the VFS's permission checks.
func (f *ptyFile) SetAttr(c *FSCtx, a *Attr) abi.Errno {
	fs, ok := f.p.k.fs.(*VFS)
	if f.at == nil || !ok {
		return abi.EPERM
	}
	return (&vfsFile{File: f.at, fs: fs}).SetAttr(c, a)
}

// ptsSource is the kernel's pseudo-terminals as devpts lists them.
type ptsSource struct{ k *Kernel }

func (s ptsSource) Slaves() []int {
	tb := &s.k.tty.ptys
	tb.mu.Lock()
	defer tb.mu.Unlock()
	out := make([]int, 0, len(tb.named))
	for n := range tb.named {
		out = append(out, n)
	}
	sort.Ints(out)
	return out
}

func (s ptsSource) Slave(n int) (devfs.PtsSlave, bool) {
	tb := &s.k.tty.ptys
	tb.mu.Lock()
	defer tb.mu.Unlock()
	p := tb.named[n]
	return p, p != nil
}

func (s ptsSource) OpenPtmx(caller any, flags int) (vfs.FileImpl, abi.Errno) {
	return s.k.openPtmx(caller, flags)
}

func (p *pty) Index() int { return p.index }

func (p *pty) Attr() vfs.Stat {
	p.mu.Lock()
	defer p.mu.Unlock()
	return vfs.Stat{UID: p.uid, GID: p.gid, Mode: p.mode, Atime: p.atime, Mtime: p.mtime, Ctime: p.ctime}
}

func (p *pty) SetAttr(a *vfs.Attr) abi.Errno {
	now := nowTimespec()
	p.mu.Lock()
	defer p.mu.Unlock()
	if a.Valid&vfs.AttrMode != 0 {
		p.mode = a.Mode & 0o7777
	}
	if a.Valid&vfs.AttrOwner != 0 {
		if a.UID != ^uint32(0) {
			p.uid = a.UID
		}
		if a.GID != ^uint32(0) {
			p.gid = a.GID
		}
	}
	if a.Valid&vfs.AttrTimes != 0 {
		p.atime = attrTime(a.Atime, p.atime, now)
		p.mtime = attrTime(a.Mtime, p.mtime, now)
	}
	p.ctime = now
	return 0
}

// attrTime applies one utimensat time: UTIME_NOW, UTIME_OMIT or a value.
func attrTime(v, old, now Timespec) Timespec {
	switch v.Nsec {
	case abi.UTIME_NOW:
		return now
	case abi.UTIME_OMIT:
		return old
	}
	return v
}

func (p *pty) Open(caller any, flags int) (vfs.FileImpl, abi.Errno) {
	f, e := p.openSlave(caller, flags)
	if e != 0 {
		return nil, e
	}
	return &kernelFileImpl{f: f}, 0
}

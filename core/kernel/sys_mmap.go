package kernel

import (
	"github.com/blink-go/blink/core/abi"
	"github.com/blink-go/blink/core/mem"
)

// Memory management: mmap, munmap, mprotect, mremap, madvise, brk. The
// address-space rules live in core/mem; the kernel adds the file side
// (descriptor and access-mode checks) and drops decoded code afterwards.

// memFile lets core/mem read a mapped file lazily. It holds a reference on
// the description, as a Linux VMA holds one on its struct file, so closing
// the descriptor does not pull the pages away.
type memFile struct{ d *Description }

// hostMemFile is a memFile over a host file: core/mem maps it MAP_SHARED
// straight from the host in Linear mode, so that the guest's stores reach
// the file, and writes to the file reach the mapping, as through Linux's
// page cache, without waiting for msync.
type hostMemFile struct {
	memFile
	fd int
}

func (m hostMemFile) HostFD() int { return m.fd }

// source is what core/mem maps for a mapping of type typ.
func (m memFile) source(typ int) mem.File {
	if typ == abi.MAP_PRIVATE {
		return m
	}
	if st, e := m.d.File.Stat(); e != 0 || st.Mode&abi.S_IFMT != abi.S_IFREG {
		return m
	}
	fd := hostFDOf(m.d.File)
	if fd < 0 {
		// A file in blink's own memory (tmpfs: /dev/shm, memfds) moves
		// to host memory that can be mapped shared (fs/tmpfs/shared.go).
		if vf, ok := m.d.File.(*vfsFile); ok {
			if sf, ok := vf.File.Impl().(interface{ SharedFD() (int, abi.Errno) }); ok {
				if sfd, e := sf.SharedFD(); e == 0 {
					fd = sfd
				}
			}
		}
	}
	if fd < 0 {
		return m
	}
	return hostMemFile{m, fd}
}

func (m memFile) ReadAt(p []byte, off int64) (int, error) {
	n, e := m.d.File.Pread(p, off)
	if e != 0 {
		return n, e
	}
	return n, nil
}

func sysMmap(t *Task, a *Args) (uint64, abi.Errno) {
	addr, length, prot, flags, fd, off := a[0], a[1], int(int32(a[2])), int(int32(a[3])), int32(a[4]), int64(a[5])
	var f memFile
	if flags&abi.MAP_ANONYMOUS == 0 {
		d, e := t.proc.fds.get(fd)
		if e != 0 {
			return 0, e
		}
		// do_mmap's file checks: readable for any mapping; writable
		// (and not append-only) for a shared writable one.
		acc := d.flags & abi.O_ACCMODE
		switch {
		case d.flags&abi.O_PATH != 0:
			d.decRef()
			return 0, abi.EBADF
		case acc == abi.O_WRONLY:
			d.decRef()
			return 0, abi.EACCES
		case flags&abi.MAP_TYPE != abi.MAP_PRIVATE && prot&abi.PROT_WRITE != 0 &&
			(acc != abi.O_RDWR || d.flags&abi.O_APPEND != 0):
			d.decRef()
			return 0, abi.EACCES
		}
		f = memFile{d}
	}
	var res uint64
	var e abi.Errno
	if f.d != nil {
		res, e = t.proc.Space.Map(addr, length, prot, flags, f.source(flags&abi.MAP_TYPE), off)
	} else {
		res, e = t.proc.Space.Map(addr, length, prot, flags, nil, off)
	}
	if f.d != nil {
		if e != 0 {
			f.d.decRef()
		} else {
			t.proc.mu.Lock()
			t.proc.mapped = append(t.proc.mapped, f.d)
			t.proc.mu.Unlock()
		}
	}
	if e == 0 && flags&abi.MAP_FIXED != 0 {
		// A fixed mapping may have replaced code, or a System V
		// attachment.
		t.proc.Engine.Invalidate(res, res+pageAlign(length))
		t.k.shmUnmapped(t.proc, res, res+pageAlign(length))
	}
	return res, e
}

func pageAlign(n uint64) uint64 { return (n + pageSize - 1) &^ (pageSize - 1) }

func sysMunmap(t *Task, a *Args) (uint64, abi.Errno) {
	if a[0]&(pageSize-1) == 0 {
		flushShared(t.proc.Space, a[0], a[0]+pageAlign(a[1]))
	}
	if e := t.proc.Space.Unmap(a[0], a[1]); e != 0 {
		return 0, e
	}
	t.proc.Engine.Invalidate(a[0], a[0]+pageAlign(a[1]))
	t.k.shmUnmapped(t.proc, a[0], a[0]+pageAlign(a[1])) // sys_shm.go
	return 0, 0
}

func sysMprotect(t *Task, a *Args) (uint64, abi.Errno) {
	if int32(a[2])&abi.PROT_WRITE != 0 && a[0]&(pageSize-1) == 0 {
		if e := mayWriteShared(t.proc.Space, a[0], a[0]+pageAlign(a[1])); e != 0 {
			return 0, e
		}
	}
	e := t.proc.Space.Protect(a[0], a[1], int(int32(a[2])))
	// Invalidate even on ENOMEM: Linux applies mprotect up to the hole.
	t.proc.Engine.Invalidate(a[0], a[0]+pageAlign(a[1]))
	return 0, e
}

func sysMremap(t *Task, a *Args) (uint64, abi.Errno) {
	res, e := t.proc.Space.Remap(a[0], a[1], a[2], int(int32(a[3])), a[4])
	if e != 0 {
		return 0, e
	}
	t.proc.Engine.Invalidate(a[0], a[0]+pageAlign(a[1]))
	if res != a[0] {
		t.proc.Engine.Invalidate(res, res+pageAlign(a[2]))
	}
	return res, 0
}

func sysMadvise(t *Task, a *Args) (uint64, abi.Errno) {
	return 0, t.proc.Space.Advise(a[0], a[1], int(int32(a[2])))
}

func sysBrk(t *Task, a *Args) (uint64, abi.Errno) {
	return t.proc.Space.Brk(a[0]), 0
}

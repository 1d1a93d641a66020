package kernel

import (
	"sync"
	"sync/atomic"

	"github.com/blink-go/blink/core/abi"
)

// Description is an open file description: what dup shares. It holds the
// status flags (F_GETFL) and a reference count; the descriptor's close-on-exec
// bit lives in the table entry instead, as on Linux.
type Description struct {
	File  File
	flags int           // access mode and status flags, as open(2) took them
	kind  atomic.Uint32 // kindRegular/kindOther once known, for transfer splitting
	refs  atomic.Int32
	flk   atomic.Pointer[flockRef] // set once the description has held a flock
}

func newDescription(f File, flags int) *Description {
	d := &Description{File: f, flags: flags &^ (abi.O_CLOEXEC | abi.O_CREAT | abi.O_EXCL | abi.O_NOCTTY | abi.O_TRUNC)}
	d.refs.Store(1)
	return d
}

func (d *Description) incRef() { d.refs.Add(1) }

func (d *Description) decRef() abi.Errno {
	if d.refs.Add(-1) == 0 {
		if r := d.flk.Load(); r != nil {
			r.t.release(r.key, d)
		}
		return d.File.Close()
	}
	return 0
}

type fdEntry struct {
	d       *Description
	cloexec bool
}

// FDTable maps descriptor numbers to descriptions. It is shared by the
// threads of a process (and, later, by CLONE_FILES children), so it locks.
type FDTable struct {
	mu    sync.Mutex
	fds   []fdEntry
	limit func() uint64 // RLIMIT_NOFILE soft limit
}

// Get returns the description for fd with a reference the caller must drop
// with put, so a concurrent close cannot free it mid-syscall.
func (t *FDTable) get(fd int32) (*Description, abi.Errno) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if fd < 0 || int(fd) >= len(t.fds) || t.fds[fd].d == nil {
		return nil, abi.EBADF
	}
	d := t.fds[fd].d
	d.incRef()
	return d, 0
}

// alloc installs d at the lowest free descriptor >= min and takes over the
// caller's reference.
func (t *FDTable) alloc(d *Description, min int, cloexec bool) (int, abi.Errno) {
	t.mu.Lock()
	defer t.mu.Unlock()
	lim := t.limit()
	if uint64(min) >= lim {
		return 0, abi.EMFILE
	}
	fd := min
	for ; fd < len(t.fds); fd++ {
		if t.fds[fd].d == nil {
			break
		}
	}
	if uint64(fd) >= lim {
		return 0, abi.EMFILE
	}
	for fd >= len(t.fds) {
		t.fds = append(t.fds, fdEntry{})
	}
	t.fds[fd] = fdEntry{d: d, cloexec: cloexec}
	return fd, 0
}

// install places d at exactly fd (dup2/dup3), closing what was there.
func (t *FDTable) install(fd int, d *Description, cloexec bool) abi.Errno {
	t.mu.Lock()
	if uint64(fd) >= t.limit() {
		t.mu.Unlock()
		return abi.EBADF
	}
	for fd >= len(t.fds) {
		t.fds = append(t.fds, fdEntry{})
	}
	old := t.fds[fd].d
	t.fds[fd] = fdEntry{d: d, cloexec: cloexec}
	t.mu.Unlock()
	if old != nil {
		// dup2 silently ignores errors from closing the old file.
		old.decRef()
	}
	return 0
}

func (t *FDTable) remove(fd int32) (*Description, abi.Errno) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if fd < 0 || int(fd) >= len(t.fds) || t.fds[fd].d == nil {
		return nil, abi.EBADF
	}
	d := t.fds[fd].d
	t.fds[fd] = fdEntry{}
	return d, 0
}

func (t *FDTable) cloexec(fd int32) (bool, abi.Errno) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if fd < 0 || int(fd) >= len(t.fds) || t.fds[fd].d == nil {
		return false, abi.EBADF
	}
	return t.fds[fd].cloexec, 0
}

func (t *FDTable) setCloexec(fd int32, on bool) abi.Errno {
	t.mu.Lock()
	defer t.mu.Unlock()
	if fd < 0 || int(fd) >= len(t.fds) || t.fds[fd].d == nil {
		return abi.EBADF
	}
	t.fds[fd].cloexec = on
	return 0
}

// closeAll drops every descriptor (process exit).
func (t *FDTable) closeAll() {
	t.mu.Lock()
	fds := t.fds
	t.fds = nil
	t.mu.Unlock()
	for _, e := range fds {
		if e.d != nil {
			e.d.decRef()
		}
	}
}

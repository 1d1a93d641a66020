package kernel

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/blink-go/blink/core/abi"
)

// Pipes are kernel objects, not host pipes: a blocked reader or writer is
// a waiting task that signals can interrupt, and no host descriptor is
// used. Semantics follow pipe(7): 64 KiB capacity, writes of at most
// PIPE_BUF bytes are atomic, a write with no reader left is EPIPE (the
// caller raises SIGPIPE), a read with no writer left is EOF.

const (
	pipeCapacity = 65536
	pipeBuf      = 4096 // PIPE_BUF
)

// taskFile is a File whose reads and writes may block: the kernel hands
// it the task so that waits are interruptible, and the description's
// O_NONBLOCK.
type taskFile interface {
	ReadTask(t *Task, p []byte, nonblock bool) (int, abi.Errno)
	WriteTask(t *Task, p []byte, nonblock bool) (int, abi.Errno)
}

type pipe struct {
	mu      sync.Mutex
	buf     []byte // ring buffer of pipeCapacity bytes, allocated on first write
	head, n int    // read position and byte count
	readers int
	writers int
	readq   waitQueue // readers waiting for data or EOF
	writeq  waitQueue // writers waiting for room or for readers to vanish
	ino     uint64
	// ingen counts data and writer-close events (the read end's edges),
	// outgen reads and reader-close events (the write end's).
	ingen, outgen atomic.Uint64
	uid           uint32
	gid           uint32
	ctime         Timespec
}

var pipeInodes atomic.Uint64 // pipefs inode numbers; unique is all that matters

// newPipe returns the two ends of a new pipe.
func newPipe(uid, gid uint32) (r, w *pipeEnd) {
	now := time.Now()
	p := &pipe{readers: 1, writers: 1, ino: pipeInodes.Add(1) + 1000, uid: uid, gid: gid,
		ctime: Timespec{Sec: now.Unix(), Nsec: int64(now.Nanosecond())}}
	return &pipeEnd{p: p}, &pipeEnd{p: p, write: true}
}

// pipeEnd is one end of a pipe.
type pipeEnd struct {
	p      *pipe
	write  bool
	closed atomic.Bool
}

var _ taskFile = (*pipeEnd)(nil)

func (e *pipeEnd) ReadTask(t *Task, b []byte, nonblock bool) (int, abi.Errno) {
	if e.write {
		return 0, abi.EBADF
	}
	p := e.p
	if len(b) == 0 {
		return 0, 0
	}
	var n int
	var err abi.Errno
	ready := func() bool {
		p.mu.Lock()
		defer p.mu.Unlock()
		if p.n > 0 {
			n = p.take(b)
			p.outgen.Add(1)
			p.writeq.notify()
			return true
		}
		if p.writers == 0 {
			return true // EOF
		}
		if nonblock {
			err = abi.EAGAIN
			return true
		}
		return false
	}
	if t == nil {
		ready()
		return n, err
	}
	if t.waitFor(&p.readq, time.Time{}, ready) == waitInterrupted {
		return 0, errRestartSys
	}
	return n, err
}

func (p *pipe) take(b []byte) int {
	n := min(len(b), p.n)
	first := min(n, pipeCapacity-p.head)
	copy(b, p.buf[p.head:p.head+first])
	copy(b[first:n], p.buf[:n-first])
	p.head = (p.head + n) % pipeCapacity
	p.n -= n
	if p.n == 0 {
		p.head = 0
	}
	return n
}

func (p *pipe) put(b []byte) int {
	if p.buf == nil {
		p.buf = make([]byte, pipeCapacity)
	}
	n := min(len(b), pipeCapacity-p.n)
	tail := (p.head + p.n) % pipeCapacity
	first := min(n, pipeCapacity-tail)
	copy(p.buf[tail:], b[:first])
	copy(p.buf, b[first:n])
	p.n += n
	return n
}

func (e *pipeEnd) WriteTask(t *Task, b []byte, nonblock bool) (int, abi.Errno) {
	if !e.write {
		return 0, abi.EBADF
	}
	p := e.p
	written := 0
	var err abi.Errno
	atomicWrite := len(b) <= pipeBuf
	ready := func() bool {
		p.mu.Lock()
		defer p.mu.Unlock()
		if p.readers == 0 {
			err = abi.EPIPE
			return true
		}
		room := pipeCapacity - p.n
		rest := b[written:]
		if atomicWrite && room < len(rest) || room == 0 {
			if nonblock {
				if written == 0 {
					err = abi.EAGAIN
				}
				return true
			}
			return false
		}
		written += p.put(rest)
		p.ingen.Add(1)
		p.readq.notify()
		return written == len(b) || nonblock
	}
	if t == nil {
		ready()
	} else if t.waitFor(&p.writeq, time.Time{}, ready) == waitInterrupted {
		if written > 0 {
			return written, 0
		}
		return 0, errRestartSys
	}
	if written > 0 {
		return written, 0
	}
	if len(b) == 0 && err == abi.EAGAIN {
		err = 0
	}
	return 0, err
}

// Read and Write serve callers without a task (none in the syscall path).
func (e *pipeEnd) Read(b []byte) (int, abi.Errno)  { return e.ReadTask(nil, b, true) }
func (e *pipeEnd) Write(b []byte) (int, abi.Errno) { return e.WriteTask(nil, b, true) }

func (e *pipeEnd) Pread([]byte, int64) (int, abi.Errno)  { return 0, abi.ESPIPE }
func (e *pipeEnd) Pwrite([]byte, int64) (int, abi.Errno) { return 0, abi.ESPIPE }
func (e *pipeEnd) Lseek(int64, int) (int64, abi.Errno)   { return 0, abi.ESPIPE }

func (e *pipeEnd) Stat() (Stat, abi.Errno) {
	p := e.p
	return Stat{
		Dev: 0xc, Ino: p.ino, Nlink: 1, Mode: abi.S_IFIFO | 0o600,
		UID: p.uid, GID: p.gid, Blksize: pipeBuf,
		Atime: p.ctime, Mtime: p.ctime, Ctime: p.ctime,
	}, 0
}

// Close drops this end; the other side sees EOF or EPIPE.
func (e *pipeEnd) Close() abi.Errno {
	if e.closed.Swap(true) {
		return 0
	}
	p := e.p
	p.mu.Lock()
	if e.write {
		p.writers--
	} else {
		p.readers--
	}
	p.ingen.Add(1)
	p.outgen.Add(1)
	p.mu.Unlock()
	p.readq.notify()
	p.writeq.notify()
	return 0
}

func (e *pipeEnd) Path() string { return "pipe:[" + itoa(int64(e.p.ino)) + "]" }

// available is FIONREAD.
func (e *pipeEnd) available() int {
	e.p.mu.Lock()
	defer e.p.mu.Unlock()
	return e.p.n
}

// Readiness follows pipe_poll: the read end is readable with data or
// without writers (POLLHUP), the write end writable with PIPE_BUF bytes
// of room, and in error (POLLERR) without readers.
func (e *pipeEnd) Readiness(t *Task, mask uint32) uint32 {
	p := e.p
	p.mu.Lock()
	defer p.mu.Unlock()
	var r uint32
	if !e.write {
		if p.n > 0 {
			r |= abi.POLLIN | abi.POLLRDNORM
		}
		if p.writers == 0 {
			r |= abi.POLLHUP
		}
		return r
	}
	if pipeCapacity-p.n >= pipeBuf {
		r |= abi.POLLOUT | abi.POLLWRNORM
	}
	if p.readers == 0 {
		r |= abi.POLLERR
	}
	return r
}

func (e *pipeEnd) PollRegister(r *pollRegs, mask uint32) {
	if e.write {
		r.addQueue(&e.p.writeq)
	} else {
		r.addQueue(&e.p.readq)
	}
}

func (e *pipeEnd) PollGen(uint32) uint64 {
	if e.write {
		return e.p.outgen.Load()
	}
	return e.p.ingen.Load()
}

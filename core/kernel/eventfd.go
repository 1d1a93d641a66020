package kernel

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/blink-go/blink/core/abi"
)

// eventfd(2): a 64-bit counter. A read takes the whole count (or one, in
// semaphore mode) and blocks at zero; a write adds and blocks while the
// sum would exceed 0xfffffffffffffffe.

const eventfdMax = ^uint64(0) - 1

type eventFD struct {
	anonFile
	mu        sync.Mutex
	count     uint64
	semaphore bool
	q         waitQueue
	ingen     atomic.Uint64 // writes (edges for POLLIN)
	outgen    atomic.Uint64 // reads (edges for POLLOUT)
}

func sysEventfd(t *Task, a *Args) (uint64, abi.Errno) {
	return t.eventfd(uint32(a[0]), 0)
}

func sysEventfd2(t *Task, a *Args) (uint64, abi.Errno) {
	return t.eventfd(uint32(a[0]), int(int32(a[1])))
}

func (t *Task) eventfd(initval uint32, flags int) (uint64, abi.Errno) {
	if flags&^(abi.EFD_SEMAPHORE|abi.EFD_CLOEXEC|abi.EFD_NONBLOCK) != 0 {
		return 0, abi.EINVAL
	}
	f := &eventFD{anonFile: newAnon("[eventfd]"), count: uint64(initval),
		semaphore: flags&abi.EFD_SEMAPHORE != 0}
	return t.installNew(f, flags)
}

func (f *eventFD) ReadTask(t *Task, b []byte, nonblock bool) (int, abi.Errno) {
	if len(b) < 8 {
		return 0, abi.EINVAL
	}
	var v uint64
	var err abi.Errno
	ready := func() bool {
		f.mu.Lock()
		defer f.mu.Unlock()
		if f.count == 0 {
			if nonblock {
				err = abi.EAGAIN
				return true
			}
			return false
		}
		if f.semaphore {
			v = 1
		} else {
			v = f.count
		}
		f.count -= v
		f.outgen.Add(1)
		f.q.notify()
		return true
	}
	if t == nil || nonblock {
		ready()
	} else if t.waitFor(&f.q, time.Time{}, ready) == waitInterrupted {
		return 0, errRestartSys
	}
	if err != 0 {
		return 0, err
	}
	le64(b, v)
	return 8, 0
}

func (f *eventFD) WriteTask(t *Task, b []byte, nonblock bool) (int, abi.Errno) {
	if len(b) < 8 {
		return 0, abi.EINVAL
	}
	v := rd64(b)
	if v == ^uint64(0) {
		return 0, abi.EINVAL
	}
	var err abi.Errno
	ready := func() bool {
		f.mu.Lock()
		defer f.mu.Unlock()
		if eventfdMax-f.count < v {
			if nonblock {
				err = abi.EAGAIN
				return true
			}
			return false
		}
		f.count += v
		f.ingen.Add(1)
		f.q.notify()
		return true
	}
	if t == nil || nonblock {
		ready()
	} else if t.waitFor(&f.q, time.Time{}, ready) == waitInterrupted {
		return 0, errRestartSys
	}
	if err != 0 {
		return 0, err
	}
	return 8, 0
}

func (f *eventFD) Read(b []byte) (int, abi.Errno)  { return f.ReadTask(nil, b, true) }
func (f *eventFD) Write(b []byte) (int, abi.Errno) { return f.WriteTask(nil, b, true) }
func (f *eventFD) Close() abi.Errno                { f.q.notify(); return 0 }

func (f *eventFD) Readiness(t *Task, mask uint32) uint32 {
	f.mu.Lock()
	defer f.mu.Unlock()
	var r uint32
	if f.count > 0 {
		r |= abi.POLLIN | abi.POLLRDNORM
	}
	if f.count < eventfdMax {
		r |= abi.POLLOUT | abi.POLLWRNORM
	}
	return r
}

func (f *eventFD) PollRegister(r *pollRegs, mask uint32) { r.addQueue(&f.q) }
func (f *eventFD) PollGen(mask uint32) uint64 {
	if mask&abi.POLLOUT != 0 {
		return f.ingen.Load() + f.outgen.Load()
	}
	return f.ingen.Load()
}

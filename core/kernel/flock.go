package kernel

import (
	"sync"
	"time"

	"github.com/blink-go/blink/core/abi"
)

// BSD-style whole-file locks (flock(2)). Unlike fcntl record locks they
// belong to the open file description: descriptors made by dup or fork
// share one lock, a second open of the same file is a separate owner, and
// the lock goes when the description's last reference closes. Converting
// a lock first drops the old one, as Linux does, so a conversion can be
// overtaken by another waiter.

type flockHold struct {
	d    *Description
	excl bool
}

type flockTable struct {
	mu    sync.Mutex
	files map[fileKey][]flockHold
	wq    waitQueue
}

// flockRef lets a Description drop its lock on last close without a
// pointer back to the kernel.
type flockRef struct {
	t   *flockTable
	key fileKey
}

// conflicts reports whether d may not take the lock (excl or shared).
func (ft *flockTable) conflicts(key fileKey, d *Description, excl bool) bool {
	for _, h := range ft.files[key] {
		if h.d != d && (excl || h.excl) {
			return true
		}
	}
	return false
}

// dropLocked removes d's lock on key; callers hold ft.mu.
func (ft *flockTable) dropLocked(key fileKey, d *Description) bool {
	hs := ft.files[key]
	for i, h := range hs {
		if h.d == d {
			hs = append(hs[:i], hs[i+1:]...)
			if len(hs) == 0 {
				delete(ft.files, key)
			} else {
				ft.files[key] = hs
			}
			return true
		}
	}
	return false
}

// release is called when d's last reference closes.
func (ft *flockTable) release(key fileKey, d *Description) {
	ft.mu.Lock()
	dropped := ft.dropLocked(key, d)
	ft.mu.Unlock()
	if dropped {
		ft.wq.notify()
	}
}

func sysFlock(t *Task, a *Args) (uint64, abi.Errno) {
	d, e := t.proc.fds.get(int32(a[0]))
	if e != 0 {
		return 0, e
	}
	defer d.decRef()
	op := int(int32(a[1]))
	nb := op&abi.LOCK_NB != 0
	op &^= abi.LOCK_NB
	if op != abi.LOCK_SH && op != abi.LOCK_EX && op != abi.LOCK_UN {
		return 0, abi.EINVAL
	}
	if d.flags&abi.O_PATH != 0 {
		return 0, abi.EBADF
	}
	key, e := lockKey(d)
	if e != 0 {
		return 0, e
	}
	ft := &t.k.flocks
	ft.mu.Lock()
	if ft.files == nil {
		ft.files = make(map[fileKey][]flockHold)
	}
	dropped := ft.dropLocked(key, d)
	ft.mu.Unlock()
	if dropped {
		ft.wq.notify()
	}
	if op == abi.LOCK_UN {
		return 0, 0
	}
	excl := op == abi.LOCK_EX
	var busy bool
	ready := func() bool {
		ft.mu.Lock()
		defer ft.mu.Unlock()
		if ft.conflicts(key, d, excl) {
			busy = true
			return nb
		}
		busy = false
		ft.files[key] = append(ft.files[key], flockHold{d: d, excl: excl})
		d.flk.Store(&flockRef{t: ft, key: key})
		return true
	}
	if t.waitFor(&ft.wq, time.Time{}, ready) == waitInterrupted {
		return 0, errRestartSys
	}
	if busy {
		return 0, abi.EWOULDBLOCK
	}
	return 0, 0
}

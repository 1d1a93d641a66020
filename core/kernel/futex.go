package kernel

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/blink-go/blink/core/abi"
	"github.com/blink-go/blink/core/mem"
)

// Futexes (futex(2)): a kernel-wide table of wait queues keyed by the
// memory a futex word lives in.
//
// Keys: a private futex (FUTEX_PRIVATE_FLAG, or any futex in private
// memory) is keyed by the address space and the address, as Linux keys it
// by mm and address; one in a MAP_SHARED mapping by the backing object and
// the offset in it (mem.Space.SharedKey), so processes mapping the same
// object at different addresses meet on one queue.
//
// No lost wake-ups: FUTEX_WAIT reads the word and enqueues under
// futexTable.mu, and every wake dequeues under it, so a waker that changed
// the word before calling FUTEX_WAKE either finds the waiter queued or
// makes its comparison fail. A woken waiter is marked (woken) before it is
// poked, so a wake that races with a timeout or signal is never both
// consumed and reported as a timeout: the waiter re-checks the mark under
// the lock when it leaves.

type futexKey struct {
	obj any // *mem.Space (private) or the shared backing object
	off uint64
}

type futexWaiter struct {
	t      *Task
	key    futexKey // changed by requeue, under futexTable.mu
	bitset uint32
	woken  atomic.Bool
	// granted is set (before woken) when FUTEX_UNLOCK_PI hands the lock
	// to this waiter; a PI waiter woken without it tries again.
	granted atomic.Bool
}

type futexTable struct {
	mu sync.Mutex
	q  map[futexKey][]*futexWaiter
}

func (ft *futexTable) enqueueLocked(w *futexWaiter) {
	if ft.q == nil {
		ft.q = make(map[futexKey][]*futexWaiter)
	}
	ft.q[w.key] = append(ft.q[w.key], w)
}

func (ft *futexTable) removeLocked(w *futexWaiter) {
	ws := ft.q[w.key]
	for i, x := range ws {
		if x == w {
			ws = append(ws[:i], ws[i+1:]...)
			break
		}
	}
	if len(ws) == 0 {
		delete(ft.q, w.key)
	} else {
		ft.q[w.key] = ws
	}
}

// wakeLocked wakes up to n waiters on key whose bitset intersects bitset.
func (ft *futexTable) wakeLocked(key futexKey, n int, bitset uint32) int {
	ws := ft.q[key]
	woken := 0
	keep := ws[:0]
	for _, w := range ws {
		if woken < n && w.bitset&bitset != 0 {
			w.woken.Store(true)
			w.t.poke()
			woken++
			continue
		}
		keep = append(keep, w)
	}
	if len(keep) == 0 {
		delete(ft.q, key)
	} else {
		clear(ws[len(keep):])
		ft.q[key] = keep
	}
	return woken
}

// futexKey returns the key for the futex word at addr.
func (t *Task) futexKey(addr uint64, private bool) futexKey {
	space := t.proc.Space
	if !private {
		if obj, off, ok := space.SharedKey(addr); ok {
			return futexKey{obj, off}
		}
	}
	return futexKey{space, addr}
}

// load32 reads an aligned futex word (a single host load, so atomic).
func (t *Task) load32(addr uint64) (uint32, abi.Errno) {
	var b [4]byte
	if e := t.copyIn(addr, b[:]); e != 0 {
		return 0, e
	}
	return rd32(b[:]), 0
}

// cas32 is an atomic compare-and-swap on guest memory, EFAULT on a bad
// address (the word must be writable, as for Linux's futex_atomic_cmpxchg).
func (t *Task) cas32(addr uint64, old, new uint32) (prev uint32, ok bool, e abi.Errno) {
	defer func() {
		if r := recover(); r != nil {
			if _, isFault := r.(*mem.Fault); !isFault {
				panic(r)
			}
			e = abi.EFAULT
		}
	}()
	prev, ok = t.proc.Space.CAS32(addr, old, new)
	return prev, ok, 0
}

func sysFutex(t *Task, a *Args) (uint64, abi.Errno) {
	addr, op, val, utime, addr2, val3 := a[0], int(int32(a[1])), uint32(a[2]), a[3], a[4], uint32(a[5])
	private := op&abi.FUTEX_PRIVATE_FLAG != 0
	cmd := op & abi.FUTEX_CMD_MASK
	realtime := op&abi.FUTEX_CLOCK_REALTIME != 0
	// Linux takes FUTEX_CLOCK_REALTIME only with these (plain FUTEX_WAIT
	// included gives ENOSYS, whatever futex(2) says of Linux 4.5).
	if realtime && cmd != abi.FUTEX_WAIT_BITSET &&
		cmd != abi.FUTEX_WAIT_REQUEUE_PI && cmd != abi.FUTEX_LOCK_PI2 {
		return 0, abi.ENOSYS
	}
	if addr&3 != 0 {
		return 0, abi.EINVAL
	}
	ft := &t.k.futex
	switch cmd {
	case abi.FUTEX_WAIT, abi.FUTEX_WAIT_BITSET:
		bitset := uint32(abi.FUTEX_BITSET_MATCH_ANY)
		if cmd == abi.FUTEX_WAIT_BITSET {
			bitset = val3
			if bitset == 0 {
				return 0, abi.EINVAL
			}
		}
		var deadline time.Time
		if utime != 0 {
			ts, e := t.getTimespec(utime)
			if e != 0 {
				return 0, e
			}
			if ts.Sec < 0 || ts.Nsec < 0 || ts.Nsec >= 1e9 {
				return 0, abi.EINVAL
			}
			d := time.Duration(ts.Sec)*time.Second + time.Duration(ts.Nsec)
			if cmd == abi.FUTEX_WAIT {
				// FUTEX_WAIT's timeout is relative (on CLOCK_MONOTONIC).
				deadline = time.Now().Add(d)
			} else {
				clk := int32(abi.CLOCK_MONOTONIC)
				if realtime {
					clk = abi.CLOCK_REALTIME
				}
				now, _ := t.k.clockNow(clk)
				deadline = time.Now().Add(d - (time.Duration(now.Sec)*time.Second + time.Duration(now.Nsec)))
			}
		}
		return 0, t.futexWait(t.futexKey(addr, private), addr, val, bitset, deadline, utime != 0)
	case abi.FUTEX_WAKE, abi.FUTEX_WAKE_BITSET:
		bitset := uint32(abi.FUTEX_BITSET_MATCH_ANY)
		if cmd == abi.FUTEX_WAKE_BITSET {
			bitset = val3
			if bitset == 0 {
				return 0, abi.EINVAL
			}
		}
		key := t.futexKey(addr, private)
		ft.mu.Lock()
		n := ft.wakeLocked(key, int(int32(val)), bitset)
		ft.mu.Unlock()
		return uint64(n), 0
	case abi.FUTEX_REQUEUE, abi.FUTEX_CMP_REQUEUE:
		if int32(val) < 0 || int32(utime) < 0 {
			return 0, abi.EINVAL
		}
		if addr2&3 != 0 {
			return 0, abi.EINVAL
		}
		k1, k2 := t.futexKey(addr, private), t.futexKey(addr2, private)
		ft.mu.Lock()
		defer ft.mu.Unlock()
		if cmd == abi.FUTEX_CMP_REQUEUE {
			cur, e := t.load32(addr)
			if e != 0 {
				return 0, e
			}
			if cur != val3 {
				return 0, abi.EAGAIN
			}
		}
		n := ft.wakeLocked(k1, int(val), abi.FUTEX_BITSET_MATCH_ANY)
		// The count of requeued waiters travels in the timeout argument.
		moved := 0
		if k1 != k2 {
			ws := ft.q[k1]
			for len(ws) > 0 && moved < int(int32(utime)) {
				w := ws[0]
				ws = ws[1:]
				w.key = k2
				ft.enqueueLocked(w)
				moved++
			}
			if len(ws) == 0 {
				delete(ft.q, k1)
			} else {
				ft.q[k1] = ws
			}
		}
		return uint64(n + moved), 0
	case abi.FUTEX_WAKE_OP:
		if addr2&3 != 0 {
			return 0, abi.EINVAL
		}
		k1, k2 := t.futexKey(addr, private), t.futexKey(addr2, private)
		ft.mu.Lock()
		defer ft.mu.Unlock()
		old, e := t.futexOp(addr2, val3)
		if e != 0 {
			return 0, e
		}
		n := ft.wakeLocked(k1, int(int32(val)), abi.FUTEX_BITSET_MATCH_ANY)
		if futexCmp(old, val3) {
			n += ft.wakeLocked(k2, int(int32(utime)), abi.FUTEX_BITSET_MATCH_ANY)
		}
		return uint64(n), 0
	case abi.FUTEX_LOCK_PI, abi.FUTEX_LOCK_PI2, abi.FUTEX_TRYLOCK_PI:
		var deadline time.Time
		if utime != 0 && cmd != abi.FUTEX_TRYLOCK_PI {
			d, e := t.piDeadline(utime, cmd == abi.FUTEX_LOCK_PI || realtime)
			if e != 0 {
				return 0, e
			}
			deadline = d
		}
		return 0, t.futexLockPI(t.futexKey(addr, private), addr, deadline, cmd == abi.FUTEX_TRYLOCK_PI)
	case abi.FUTEX_UNLOCK_PI:
		return 0, t.futexUnlockPI(t.futexKey(addr, private), addr)
	case abi.FUTEX_WAIT_REQUEUE_PI, abi.FUTEX_CMP_REQUEUE_PI:
		// Only condition variables on priority-inheritance mutexes
		// use these, and glibc stopped doing so in 2.25.
		t.k.log.Once("futex-requeue-pi", "futex: requeue-PI operations are not supported")
		return 0, abi.ENOSYS
	}
	return 0, abi.ENOSYS
}

// futexWait sleeps on key while the word at addr holds val.
func (t *Task) futexWait(key futexKey, addr uint64, val, bitset uint32, deadline time.Time, timed bool) abi.Errno {
	ft := &t.k.futex
	ft.mu.Lock()
	cur, e := t.load32(addr)
	if e != 0 {
		ft.mu.Unlock()
		return e
	}
	if cur != val {
		ft.mu.Unlock()
		return abi.EAGAIN
	}
	w := &futexWaiter{t: t, key: key, bitset: bitset}
	ft.enqueueLocked(w)
	ft.mu.Unlock()
	switch t.futexSleep(w, deadline) {
	case waitTimedOut:
		return abi.ETIMEDOUT
	case waitInterrupted:
		if timed {
			return abi.EINTR
		}
		return errRestartSys
	}
	return 0
}

// futexSleep waits for queued waiter w to be woken, until deadline or a
// signal. A waiter that gives up leaves the queue, unless a wake-up
// reached it first: that wake is not lost, and counts as waitReady.
func (t *Task) futexSleep(w *futexWaiter, deadline time.Time) waitResult {
	res := t.waitFor(nil, deadline, w.woken.Load)
	if res == waitReady {
		return res
	}
	ft := &t.k.futex
	ft.mu.Lock()
	if !w.woken.Load() {
		ft.removeLocked(w)
	}
	ft.mu.Unlock()
	if w.woken.Load() {
		return waitReady
	}
	return res
}

// futexOp performs FUTEX_WAKE_OP's atomic operation on the word at addr
// and returns the old value.
func (t *Task) futexOp(addr uint64, enc uint32) (uint32, abi.Errno) {
	op := enc >> 28 & 0xf
	oparg := enc >> 12 & 0xfff
	if oparg&0x800 != 0 {
		oparg |= 0xfffff000 // sign-extend the 12-bit argument
	}
	if op&abi.FUTEX_OP_OPARG_SHIFT != 0 {
		if oparg > 31 {
			oparg &= 31 // Linux warns and masks
		}
		oparg = 1 << oparg
		op &^= abi.FUTEX_OP_OPARG_SHIFT
	}
	for {
		old, e := t.load32(addr)
		if e != 0 {
			return 0, e
		}
		var new uint32
		switch op {
		case abi.FUTEX_OP_SET:
			new = oparg
		case abi.FUTEX_OP_ADD:
			new = old + oparg
		case abi.FUTEX_OP_OR:
			new = old | oparg
		case abi.FUTEX_OP_ANDN:
			new = old &^ oparg
		case abi.FUTEX_OP_XOR:
			new = old ^ oparg
		default:
			return 0, abi.ENOSYS
		}
		if _, ok, e := t.cas32(addr, old, new); e != 0 {
			return 0, e
		} else if ok {
			return old, 0
		}
	}
}

func futexCmp(old, enc uint32) bool {
	cmp := enc >> 24 & 0xf
	cmparg := int32(enc&0xfff) << 20 >> 20
	v := int32(old)
	switch cmp {
	case abi.FUTEX_OP_CMP_EQ:
		return v == cmparg
	case abi.FUTEX_OP_CMP_NE:
		return v != cmparg
	case abi.FUTEX_OP_CMP_LT:
		return v < cmparg
	case abi.FUTEX_OP_CMP_LE:
		return v <= cmparg
	case abi.FUTEX_OP_CMP_GT:
		return v > cmparg
	case abi.FUTEX_OP_CMP_GE:
		return v >= cmparg
	}
	return false
}

// futexWake wakes n waiters on the (shared-keyed) futex at addr, for the
// kernel's own wake-ups at thread exit.
func (t *Task) futexWake(addr uint64, n int) {
	key := t.futexKey(addr, false)
	ft := &t.k.futex
	ft.mu.Lock()
	ft.wakeLocked(key, n, abi.FUTEX_BITSET_MATCH_ANY)
	ft.mu.Unlock()
}

// exitRobustList releases the robust futexes the dying thread still
// holds (Linux's exit_robust_list): each word owned by the thread gets
// FUTEX_OWNER_DIED, and one waiter is woken, whose lock attempt then
// returns EOWNERDEAD in the C library.
func (t *Task) exitRobustList() {
	head := t.robustList
	if head == 0 {
		return
	}
	t.robustList = 0
	entry, e := t.readU64(head)
	if e != 0 {
		return
	}
	off, e := t.readU64(head + 8)
	if e != 0 {
		return
	}
	pending, e := t.readU64(head + 16)
	if e != 0 {
		return
	}
	for n := 0; entry != head && n < abi.ROBUST_LIST_LIMIT; n++ {
		next, e := t.readU64(entry &^ 1)
		if e != 0 {
			return
		}
		if entry != pending {
			t.futexDeath((entry &^ 1) + off)
		}
		entry = next
	}
	if pending != 0 {
		t.futexDeath((pending &^ 1) + off)
	}
}

func (t *Task) futexDeath(addr uint64) {
	if addr&3 != 0 {
		return
	}
	for {
		val, e := t.load32(addr)
		if e != 0 || val&abi.FUTEX_TID_MASK != uint32(t.tid) {
			return
		}
		nv := val&abi.FUTEX_WAITERS | abi.FUTEX_OWNER_DIED
		_, ok, e := t.cas32(addr, val, nv)
		if e != 0 {
			return
		}
		if ok {
			if val&abi.FUTEX_WAITERS != 0 {
				t.futexWake(addr, 1)
			}
			return
		}
	}
}

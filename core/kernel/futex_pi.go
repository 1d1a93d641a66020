package kernel

import (
	"time"

	"github.com/blink-go/blink/core/abi"
)

// Priority-inheritance futexes (FUTEX_LOCK_PI, LOCK_PI2, TRYLOCK_PI and
// UNLOCK_PI), which glibc uses for PTHREAD_PRIO_INHERIT mutexes. The word
// holds the owner's TID, FUTEX_WAITERS once someone sleeps on it, and
// FUTEX_OWNER_DIED after a robust owner's death; user space takes and
// releases an uncontended lock with a compare-and-swap and enters the
// kernel only when that fails.
//
// Ownership passes in the kernel: FUTEX_UNLOCK_PI writes the first
// waiter's TID into the word (with FUTEX_WAITERS, as Linux does, so that
// the new owner's unlock also comes here) and wakes only that waiter,
// which returns owning the lock; there is no thundering herd and no window
// for a third thread to barge in. Guest threads have no real priorities
// here (they are goroutines), so no priority is inherited; waiters are
// served in arrival order.

// piDeadline converts FUTEX_LOCK_PI's timeout, an absolute time on
// CLOCK_REALTIME (LOCK_PI, or LOCK_PI2 with FUTEX_CLOCK_REALTIME) or
// CLOCK_MONOTONIC, into a host deadline.
func (t *Task) piDeadline(addr uint64, realtime bool) (time.Time, abi.Errno) {
	ts, e := t.getTimespec(addr)
	if e != 0 {
		return time.Time{}, e
	}
	if ts.Sec < 0 || ts.Nsec < 0 || ts.Nsec >= 1e9 {
		return time.Time{}, abi.EINVAL
	}
	clk := int32(abi.CLOCK_MONOTONIC)
	if realtime {
		clk = abi.CLOCK_REALTIME
	}
	now, _ := t.k.clockNow(clk)
	left := time.Duration(ts.Sec-now.Sec)*time.Second + time.Duration(ts.Nsec-now.Nsec)
	return time.Now().Add(left), 0
}

// threadAlive reports whether tid names a live guest thread, which is what
// Linux checks before a waiter attaches to the owner in the word.
func (k *Kernel) threadAlive(tid int) bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	t := k.threadLocked(tid)
	return t != nil && !t.exited.Load() && !t.proc.zombie
}

// futexLockPI is FUTEX_LOCK_PI (try: FUTEX_TRYLOCK_PI) on the word at addr.
func (t *Task) futexLockPI(key futexKey, addr uint64, deadline time.Time, try bool) abi.Errno {
	ft := &t.k.futex
	tid := uint32(t.tid)
	for {
		ft.mu.Lock()
		v, e := t.load32(addr)
		if e != 0 {
			ft.mu.Unlock()
			return e
		}
		owner := v & abi.FUTEX_TID_MASK
		if owner == 0 {
			// Free (user space came here because of the waiters or
			// owner-died bits): take it, keeping FUTEX_OWNER_DIED for
			// the C library to report EOWNERDEAD, and FUTEX_WAITERS if
			// others still sleep here.
			nv := v&abi.FUTEX_OWNER_DIED | tid
			if len(ft.q[key]) > 0 {
				nv |= abi.FUTEX_WAITERS
			}
			_, ok, e := t.cas32(addr, v, nv)
			ft.mu.Unlock()
			if e != 0 {
				return e
			}
			if ok {
				return 0
			}
			continue
		}
		ft.mu.Unlock()
		if owner == tid {
			return abi.EDEADLK
		}
		if !t.k.threadAlive(int(owner)) {
			// The owner may have unlocked and exited since we read the
			// word (Linux's handle_exit_race): only a word that still
			// names it is an error. musl waits forever after ESRCH.
			if cur, e := t.load32(addr); e == 0 && cur != v {
				continue
			}
			return abi.ESRCH
		}
		if try {
			return abi.EAGAIN
		}
		// Announce a waiter and queue up in one step under the lock, so
		// an unlock either sees us queued or makes the CAS fail.
		ft.mu.Lock()
		if v&abi.FUTEX_WAITERS == 0 {
			_, ok, e := t.cas32(addr, v, v|abi.FUTEX_WAITERS)
			if e != 0 || !ok {
				ft.mu.Unlock()
				if e != 0 {
					return e
				}
				continue
			}
		} else if cur, e := t.load32(addr); e != 0 || cur != v {
			ft.mu.Unlock()
			if e != 0 {
				return e
			}
			continue
		}
		w := &futexWaiter{t: t, key: key, bitset: abi.FUTEX_BITSET_MATCH_ANY}
		ft.enqueueLocked(w)
		ft.mu.Unlock()
		switch t.futexSleep(w, deadline) {
		case waitReady:
			if w.granted.Load() {
				return 0
			}
			continue // woken by the owner's death: compete again
		case waitTimedOut:
			return abi.ETIMEDOUT
		case waitInterrupted:
			// Linux restarts FUTEX_LOCK_PI after any handler.
			return errRestartNoIntr
		}
	}
}

// futexUnlockPI is FUTEX_UNLOCK_PI: only the owner may unlock; the lock
// goes to the first waiter, or becomes free.
func (t *Task) futexUnlockPI(key futexKey, addr uint64) abi.Errno {
	ft := &t.k.futex
	ft.mu.Lock()
	defer ft.mu.Unlock()
	for {
		v, e := t.load32(addr)
		if e != 0 {
			return e
		}
		if v&abi.FUTEX_TID_MASK != uint32(t.tid) {
			return abi.EPERM
		}
		if ws := ft.q[key]; len(ws) > 0 {
			w := ws[0]
			_, ok, e := t.cas32(addr, v, uint32(w.t.tid)|abi.FUTEX_WAITERS)
			if e != 0 {
				return e
			}
			if !ok {
				continue // user space set FUTEX_WAITERS meanwhile
			}
			ft.removeLocked(w)
			w.granted.Store(true)
			w.woken.Store(true)
			w.t.poke()
			return 0
		}
		_, ok, e := t.cas32(addr, v, 0)
		if e != 0 {
			return e
		}
		if ok {
			return 0
		}
	}
}

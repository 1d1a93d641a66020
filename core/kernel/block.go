package kernel

import (
	"sync"
	"time"
)

// Blocking syscalls. A task that must wait registers on the waitQueue of
// what it waits for and sleeps on its own wake channel, which both the
// queue's notify and signal senders poke. Each wake-up re-checks the
// condition, so spurious wake-ups are harmless and none can be lost: the
// task registers before its last check, and the channel holds one token.

// waitQueue is a set of tasks waiting for one kind of event.
type waitQueue struct {
	mu      sync.Mutex
	waiters map[*Task]struct{}
}

func (q *waitQueue) add(t *Task) {
	q.mu.Lock()
	if q.waiters == nil {
		q.waiters = make(map[*Task]struct{})
	}
	q.waiters[t] = struct{}{}
	q.mu.Unlock()
}

func (q *waitQueue) remove(t *Task) {
	q.mu.Lock()
	delete(q.waiters, t)
	q.mu.Unlock()
}

// notify wakes every waiter.
func (q *waitQueue) notify() {
	q.mu.Lock()
	for t := range q.waiters {
		t.poke()
	}
	q.mu.Unlock()
}

// poke wakes the task's wait without asking it to look at signals.
func (t *Task) poke() {
	select {
	case t.wake <- struct{}{}:
	default:
	}
	if t.inHostPoll.Load() {
		t.wakeHostPoll()
	}
}

// waitResult says why waitFor returned.
type waitResult uint8

const (
	waitReady       waitResult = iota // ready reported true
	waitInterrupted                   // a signal handler must run, or the task is dying
	waitTimedOut                      // the deadline passed
)

// waitFor blocks until ready() is true, a signal interrupts the wait, or
// the deadline (if not zero) passes. ready runs on the task's goroutine
// and must not block.
func (t *Task) waitFor(q *waitQueue, deadline time.Time, ready func() bool) waitResult {
	var timer *time.Timer
	var timeout <-chan time.Time
	for {
		if ready() {
			return waitReady
		}
		if t.interrupted() {
			return waitInterrupted
		}
		if !deadline.IsZero() {
			d := time.Until(deadline)
			if d <= 0 {
				return waitTimedOut
			}
			if timer == nil {
				timer = time.NewTimer(d)
				defer timer.Stop()
				timeout = timer.C
			}
		}
		if q != nil {
			q.add(t)
		}
		if ready() {
			if q != nil {
				q.remove(t)
			}
			return waitReady
		}
		prev := t.goIdle()
		select {
		case <-t.wake:
		case <-timeout:
			timeout = nil
			timer = nil
		}
		t.goBusy(prev)
		if q != nil {
			q.remove(t)
		}
	}
}

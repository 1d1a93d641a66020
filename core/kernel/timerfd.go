package kernel

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/blink-go/blink/core/abi"
)

// timerfd_create(2): a timer whose expirations are read as a count.
// Expiry runs on a Go timer; the expiration count and the next expiry
// live under mu, and readers and pollers wait on q.

type timerFD struct {
	anonFile
	clock int32
	mu    sync.Mutex
	count uint64        // expirations not yet read
	next  time.Time     // next expiry (host monotonic); zero: disarmed
	ival  time.Duration // reload interval
	timer *time.Timer
	seq   uint64 // identifies the current arming, so stale timers do nothing
	q     waitQueue
	gen   atomic.Uint64
}

func sysTimerfdCreate(t *Task, a *Args) (uint64, abi.Errno) {
	clock, flags := int32(a[0]), int(int32(a[1]))
	switch clock {
	case abi.CLOCK_REALTIME, abi.CLOCK_MONOTONIC, abi.CLOCK_BOOTTIME,
		abi.CLOCK_REALTIME_ALARM, abi.CLOCK_BOOTTIME_ALARM:
	default:
		return 0, abi.EINVAL
	}
	if flags&^(abi.TFD_CLOEXEC|abi.TFD_NONBLOCK) != 0 {
		return 0, abi.EINVAL
	}
	return t.installNew(&timerFD{anonFile: newAnon("[timerfd]"), clock: clock}, flags)
}

// readItimerspec reads struct itimerspec {it_interval, it_value}.
func (t *Task) readItimerspec(addr uint64) (ival, val Timespec, e abi.Errno) {
	var b [abi.ItimerspecSize]byte
	if e = t.copyIn(addr, b[:]); e != 0 {
		return
	}
	ival = Timespec{Sec: int64(rd64(b[0:])), Nsec: int64(rd64(b[8:]))}
	val = Timespec{Sec: int64(rd64(b[16:])), Nsec: int64(rd64(b[24:]))}
	for _, ts := range []Timespec{ival, val} {
		if ts.Sec < 0 || ts.Nsec < 0 || ts.Nsec >= 1e9 {
			return ival, val, abi.EINVAL
		}
	}
	return
}

func (t *Task) putItimerspec(addr uint64, ival, val time.Duration) abi.Errno {
	var b [abi.ItimerspecSize]byte
	putTimespec(b[0:], durTimespec(ival))
	putTimespec(b[16:], durTimespec(val))
	return t.copyOut(addr, b[:])
}

func tsDur(ts Timespec) time.Duration {
	return time.Duration(ts.Sec)*time.Second + time.Duration(ts.Nsec)
}

func (t *Task) timerfd(fd int32) (*timerFD, *Description, abi.Errno) {
	d, e := t.proc.fds.get(fd)
	if e != 0 {
		return nil, nil, e
	}
	tf, ok := d.File.(*timerFD)
	if !ok {
		d.decRef()
		return nil, nil, abi.EINVAL
	}
	return tf, d, 0
}

func sysTimerfdSettime(t *Task, a *Args) (uint64, abi.Errno) {
	flags := int(int32(a[1]))
	if flags&^(abi.TFD_TIMER_ABSTIME|abi.TFD_TIMER_CANCEL_ON_SET) != 0 {
		return 0, abi.EINVAL
	}
	tf, d, e := t.timerfd(int32(a[0]))
	if e != 0 {
		return 0, e
	}
	defer d.decRef()
	ival, val, e := t.readItimerspec(a[2])
	if e != 0 {
		return 0, e
	}
	delay := tsDur(val)
	if flags&abi.TFD_TIMER_ABSTIME != 0 && delay != 0 {
		now, _ := t.k.clockNow(tf.clock)
		delay -= tsDur(now)
		if delay <= 0 {
			delay = 1 // already due: expires at once
		}
	}
	oldIval, oldVal := tf.set(delay, tsDur(ival), val.Sec != 0 || val.Nsec != 0)
	if a[3] != 0 {
		return 0, t.putItimerspec(a[3], oldIval, oldVal)
	}
	return 0, 0
}

func sysTimerfdGettime(t *Task, a *Args) (uint64, abi.Errno) {
	tf, d, e := t.timerfd(int32(a[0]))
	if e != 0 {
		return 0, e
	}
	defer d.decRef()
	tf.mu.Lock()
	ival, left := tf.ival, tf.left()
	tf.mu.Unlock()
	return 0, t.putItimerspec(a[1], ival, left)
}

// left is the time to the next expiry (0 when disarmed). Called with mu.
func (tf *timerFD) left() time.Duration {
	if tf.next.IsZero() {
		return 0
	}
	return max(time.Until(tf.next), 1)
}

// set arms (or with arm false disarms) the timer and returns the old
// setting.
func (tf *timerFD) set(delay, ival time.Duration, arm bool) (time.Duration, time.Duration) {
	tf.mu.Lock()
	defer tf.mu.Unlock()
	oldIval, oldLeft := tf.ival, tf.left()
	if tf.timer != nil {
		tf.timer.Stop()
		tf.timer = nil
	}
	tf.seq++
	tf.count = 0
	tf.next = time.Time{}
	tf.ival = 0
	if arm {
		tf.ival = ival
		tf.next = time.Now().Add(delay)
		tf.schedule()
	}
	return oldIval, oldLeft
}

// schedule starts the Go timer for tf.next. Called with mu.
func (tf *timerFD) schedule() {
	tf.seq++
	seq := tf.seq
	tf.timer = time.AfterFunc(time.Until(tf.next), func() { tf.fire(seq) })
}

func (tf *timerFD) fire(seq uint64) {
	tf.mu.Lock()
	if tf.seq != seq || tf.next.IsZero() {
		tf.mu.Unlock()
		return // re-armed or disarmed since
	}
	now := time.Now()
	if tf.ival > 0 {
		// Count every period that elapsed (overruns), then reload.
		n := uint64(now.Sub(tf.next)/tf.ival) + 1
		tf.count += n
		tf.next = tf.next.Add(time.Duration(n) * tf.ival)
		tf.schedule()
	} else {
		tf.count++
		tf.next = time.Time{}
		tf.timer = nil
	}
	tf.gen.Add(1)
	tf.mu.Unlock()
	tf.q.notify()
}

func (tf *timerFD) ReadTask(t *Task, b []byte, nonblock bool) (int, abi.Errno) {
	if len(b) < 8 {
		return 0, abi.EINVAL
	}
	var v uint64
	ready := func() bool {
		tf.mu.Lock()
		defer tf.mu.Unlock()
		v = tf.count
		tf.count = 0
		return v > 0 || nonblock
	}
	if t == nil {
		ready()
	} else if t.waitFor(&tf.q, time.Time{}, ready) == waitInterrupted {
		return 0, errRestartSys
	}
	if v == 0 {
		return 0, abi.EAGAIN
	}
	le64(b, v)
	return 8, 0
}

func (tf *timerFD) WriteTask(t *Task, b []byte, nonblock bool) (int, abi.Errno) {
	return 0, abi.EINVAL
}

func (tf *timerFD) Read(b []byte) (int, abi.Errno)  { return tf.ReadTask(nil, b, true) }
func (tf *timerFD) Write(b []byte) (int, abi.Errno) { return 0, abi.EINVAL }
func (tf *timerFD) Close() abi.Errno {
	tf.set(0, 0, false)
	return 0
}

func (tf *timerFD) Readiness(t *Task, mask uint32) uint32 {
	tf.mu.Lock()
	defer tf.mu.Unlock()
	if tf.count > 0 {
		return abi.POLLIN | abi.POLLRDNORM
	}
	return 0
}

func (tf *timerFD) PollRegister(r *pollRegs, mask uint32) { r.addQueue(&tf.q) }
func (tf *timerFD) PollGen(uint32) uint64                 { return tf.gen.Load() }

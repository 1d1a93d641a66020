package kernel

import (
	"testing"
	"time"

	"github.com/blink-go/blink/core/abi"
)

// sigevent writes struct sigevent at addr.
func (e *env) sigevent(addr uint64, notify, signo int32, value uint64, tid int) uint64 {
	b := make([]byte, abi.SigeventSize)
	le64(b, value)
	le32(b[8:], uint32(signo))
	le32(b[12:], uint32(notify))
	le32(b[16:], uint32(tid))
	e.m.Mem.CopyOut(addr, b)
	return addr
}

// itimerspec writes struct itimerspec {interval, value} at addr.
func (e *env) itimerspec(addr uint64, ival, val time.Duration) uint64 {
	b := make([]byte, abi.ItimerspecSize)
	putTimespec(b, durTimespec(ival))
	putTimespec(b[16:], durTimespec(val))
	e.m.Mem.CopyOut(addr, b)
	return addr
}

func (e *env) readItimerspec(addr uint64) (ival, val time.Duration) {
	b := e.mem(addr, abi.ItimerspecSize)
	d := func(b []byte) time.Duration {
		return time.Duration(int64(rd64(b)))*time.Second + time.Duration(int64(rd64(b[8:])))
	}
	return d(b), d(b[16:])
}

func (e *env) timerCreate(clock uint64, sev uint64) uint64 {
	e.t.Helper()
	e.ok(abi.SYS_TIMER_CREATE, clock, sev, scratch+0xf00)
	return uint64(rd32(e.mem(scratch+0xf00, 4)))
}

func (e *env) block(sigs ...int) {
	var set uint64
	for _, s := range sigs {
		set |= sigBit(s)
	}
	b := make([]byte, 8)
	le64(b, set)
	e.m.Mem.CopyOut(scratch+0xf80, b)
	e.ok(abi.SYS_RT_SIGPROCMASK, abi.SIG_BLOCK, scratch+0xf80, 0, 8)
}

// sigwait takes one of sigs (blocked) within d, with its siginfo at
// scratch+0xe00; it returns the signal or the errno.
func (e *env) sigwait(d time.Duration, sigs ...int) (int64, abi.Errno) {
	var set uint64
	for _, s := range sigs {
		set |= sigBit(s)
	}
	b := make([]byte, 8)
	le64(b, set)
	e.m.Mem.CopyOut(scratch+0xf80, b)
	ts := make([]byte, 16)
	putTimespec(ts, durTimespec(d))
	e.m.Mem.CopyOut(scratch+0xfa0, ts)
	r := e.sys(abi.SYS_RT_SIGTIMEDWAIT, scratch+0xf80, scratch+0xe00, scratch+0xfa0, 8)
	if r < 0 {
		return 0, abi.Errno(-r)
	}
	return r, 0
}

// processCPUClock is MAKE_PROCESS_CPUCLOCK(pid, CPUCLOCK_SCHED).
func processCPUClock(pid int32) int32 { return ^pid<<3 | 2 }

func TestTimerCreateErrors(t *testing.T) {
	e := newEnv(t, Config{})
	sev := uint64(scratch + 0x100)
	for _, c := range []struct {
		name   string
		clock  uint64
		sev    uint64
		idp    uint64
		want   abi.Errno
		usesID bool
	}{
		{"bad clock", 99, 0, scratch, abi.EINVAL, false},
		{"coarse clock", abi.CLOCK_MONOTONIC_COARSE, 0, scratch, abi.EOPNOTSUPP, false},
		{"raw clock", abi.CLOCK_MONOTONIC_RAW, 0, scratch, abi.EOPNOTSUPP, false},
		{"clock fd", ^uint64(0) - 4 /* -5 */, 0, scratch, abi.EOPNOTSUPP, false},
		{"bad sigevent", abi.CLOCK_MONOTONIC, badAddr, scratch, abi.EFAULT, false},
		{"bad sigevent first", 99, badAddr, scratch, abi.EFAULT, false},
		{"bad id pointer", abi.CLOCK_MONOTONIC, 0, roPage, abi.EFAULT, true},
		{"bad notify", abi.CLOCK_MONOTONIC, e.sigevent(sev, 3, abi.SIGUSR1, 0, 0), scratch, abi.EINVAL, true},
		{"signal 0", abi.CLOCK_MONOTONIC, e.sigevent(sev+64, abi.SIGEV_SIGNAL, 0, 0, 0), scratch, abi.EINVAL, true},
		{"signal 65", abi.CLOCK_MONOTONIC, e.sigevent(sev+128, abi.SIGEV_SIGNAL, 65, 0, 0), scratch, abi.EINVAL, true},
		{"foreign thread", abi.CLOCK_MONOTONIC, e.sigevent(sev+192, abi.SIGEV_THREAD_ID, abi.SIGUSR1, 0, 1), scratch, abi.EINVAL, true},
		{"other process's CPU clock", uint64(uint32(processCPUClock(99999999))), 0, scratch, abi.EINVAL, true},
	} {
		next := e.p.timers.nextID
		if got := e.errno(abi.SYS_TIMER_CREATE, c.clock, c.sev, c.idp); got != c.want {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
		if used := e.p.timers.nextID != next; used != c.usesID {
			t.Errorf("%s: used an id: %v", c.name, used)
		}
	}
	if len(e.p.timers.m) != 0 {
		t.Errorf("failed creations left %d timers", len(e.p.timers.m))
	}
	// A NULL sigevent is SIGEV_SIGNAL with SIGALRM and the id as value;
	// SIGEV_THREAD is a signal to the kernel; CPU clocks of the caller,
	// as glibc encodes them, are accepted.
	id := e.timerCreate(abi.CLOCK_REALTIME, 0)
	if id != uint64(e.p.timers.nextID-1) {
		t.Errorf("id %d, next %d", id, e.p.timers.nextID)
	}
	pt := e.p.timers.m[int32(id)]
	if pt.signo != abi.SIGALRM || pt.value != id || pt.notify != abi.SIGEV_SIGNAL {
		t.Errorf("default sigevent: %+v", pt)
	}
	e.timerCreate(abi.CLOCK_MONOTONIC, e.sigevent(sev, abi.SIGEV_THREAD, abi.SIGUSR2, 0, 0))
	for _, clock := range []uint64{abi.CLOCK_BOOTTIME, abi.CLOCK_TAI, abi.CLOCK_PROCESS_CPUTIME_ID, abi.CLOCK_THREAD_CPUTIME_ID,
		^uint64(5) /* -6: this process */, ^uint64(1) /* -2: this thread */} {
		e.timerCreate(clock, 0)
	}
	// Alarm clocks need CAP_WAKE_ALARM.
	e.p.creds.EUID = 1000
	if got := e.errno(abi.SYS_TIMER_CREATE, abi.CLOCK_REALTIME_ALARM, 0, scratch); got != abi.EPERM {
		t.Errorf("alarm clock unprivileged = %v", got)
	}
	e.p.creds.EUID = 0
	e.timerCreate(abi.CLOCK_BOOTTIME_ALARM, 0)
}

func TestTimerSettimeGettime(t *testing.T) {
	e := newEnv(t, Config{})
	id := e.timerCreate(abi.CLOCK_MONOTONIC, e.sigevent(scratch+0x100, abi.SIGEV_NONE, 0, 0, 0))
	spec := e.itimerspec(scratch+0x200, 0, time.Hour)
	for _, c := range []struct {
		name         string
		id, new, old uint64
		want         abi.Errno
	}{
		{"NULL new", 999, 0, 0, abi.EINVAL},
		{"bad new", 999, badAddr, 0, abi.EFAULT},
		{"bad nsec", 999, e.itimerspec(scratch+0x240, 0, 0) + 0 /* patched below */, 0, abi.EINVAL},
		{"bad id", 999, spec, 0, abi.EINVAL},
		{"negative id", ^uint64(0), spec, 0, abi.EINVAL},
	} {
		if c.name == "bad nsec" {
			b := make([]byte, 8)
			le64(b, 1e9)
			e.m.Mem.CopyOut(scratch+0x240+24, b)
		}
		if got := e.errno(abi.SYS_TIMER_SETTIME, c.id, 0, c.new, c.old); got != c.want {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
	// Flags other than TIMER_ABSTIME are ignored; a bad old-value pointer
	// fails after the timer is set.
	if got := e.errno(abi.SYS_TIMER_SETTIME, id, 0xfe, spec, roPage); got != abi.EFAULT {
		t.Errorf("bad old pointer = %v", got)
	}
	e.ok(abi.SYS_TIMER_GETTIME, id, scratch+0x300)
	if ival, val := e.readItimerspec(scratch + 0x300); ival != 0 || val <= 59*time.Minute || val > time.Hour {
		t.Errorf("gettime = %v %v", ival, val)
	}
	// Re-arming returns the old setting; an interval timer reports the
	// time to its next period.
	e.ok(abi.SYS_TIMER_SETTIME, id, 0, e.itimerspec(scratch+0x200, 10*time.Millisecond, 15*time.Millisecond), scratch+0x300)
	if ival, val := e.readItimerspec(scratch + 0x300); ival != 0 || val <= 59*time.Minute {
		t.Errorf("old value = %v %v", ival, val)
	}
	time.Sleep(30 * time.Millisecond)
	e.ok(abi.SYS_TIMER_GETTIME, id, scratch+0x300)
	if ival, val := e.readItimerspec(scratch + 0x300); ival != 10*time.Millisecond || val <= 0 || val > 10*time.Millisecond {
		t.Errorf("interval gettime = %v %v", ival, val)
	}
	// An expired one-shot SIGEV_NONE timer reads 0; a disarmed one 0.
	e.ok(abi.SYS_TIMER_SETTIME, id, 0, e.itimerspec(scratch+0x200, 0, time.Millisecond), 0)
	time.Sleep(5 * time.Millisecond)
	e.ok(abi.SYS_TIMER_GETTIME, id, scratch+0x300)
	if ival, val := e.readItimerspec(scratch + 0x300); ival != 0 || val != 0 {
		t.Errorf("expired one-shot = %v %v", ival, val)
	}
	if got := e.errno(abi.SYS_TIMER_GETTIME, 999, badAddr); got != abi.EINVAL {
		t.Errorf("gettime bad id = %v", got)
	}
	if got := e.errno(abi.SYS_TIMER_GETTIME, id, badAddr); got != abi.EFAULT {
		t.Errorf("gettime bad pointer = %v", got)
	}
	// SIGEV_NONE never signals.
	if len(e.p.shared.infos) != 0 {
		t.Errorf("SIGEV_NONE queued %v", e.p.shared.infos)
	}
	e.ok(abi.SYS_TIMER_DELETE, id)
	for _, nr := range []int{abi.SYS_TIMER_DELETE, abi.SYS_TIMER_GETOVERRUN} {
		if got := e.errno(nr, id); got != abi.EINVAL {
			t.Errorf("%s of a deleted timer = %v", syscallTable[nr].Name, got)
		}
	}
}

// While a timer's signal is pending, expirations count as overruns;
// siginfo carries SI_TIMER, the id, the overrun count and the value.
func TestTimerSignalOverrun(t *testing.T) {
	e := newEnv(t, Config{})
	e.block(abi.SIGUSR1)
	id := e.timerCreate(abi.CLOCK_MONOTONIC, e.sigevent(scratch+0x100, abi.SIGEV_SIGNAL, abi.SIGUSR1, 0x1234, 0))
	e.ok(abi.SYS_TIMER_SETTIME, id, 0, e.itimerspec(scratch+0x200, 5*time.Millisecond, 5*time.Millisecond), 0)
	time.Sleep(60 * time.Millisecond)
	if ov := e.ok(abi.SYS_TIMER_GETOVERRUN, id); ov != 0 {
		t.Errorf("overrun before the signal was taken = %d", ov)
	}
	sig, en := e.sigwait(0, abi.SIGUSR1)
	if en != 0 || sig != abi.SIGUSR1 {
		t.Fatalf("sigtimedwait = %d %v", sig, en)
	}
	si := e.mem(scratch+0xe00, 32)
	code, tid, overrun, value := int32(rd32(si[8:])), rd32(si[16:]), rd32(si[20:]), rd64(si[24:])
	if code != abi.SI_TIMER || uint64(tid) != id || value != 0x1234 || overrun < 3 || overrun > 12 {
		t.Errorf("siginfo code %d timerid %d overrun %d value %#x", code, tid, overrun, value)
	}
	if ov := e.ok(abi.SYS_TIMER_GETOVERRUN, id); ov != int64(overrun) {
		t.Errorf("timer_getoverrun %d, si_overrun %d", ov, overrun)
	}
	// The next signal comes one period later, without old overruns.
	if sig, en := e.sigwait(time.Second, abi.SIGUSR1); en != 0 || sig != abi.SIGUSR1 {
		t.Fatalf("second signal: %d %v", sig, en)
	}
	// Re-arming or deleting discards a queued signal.
	e.ok(abi.SYS_TIMER_SETTIME, id, 0, e.itimerspec(scratch+0x200, 0, time.Millisecond), 0)
	time.Sleep(10 * time.Millisecond)
	e.ok(abi.SYS_TIMER_SETTIME, id, 0, e.itimerspec(scratch+0x200, 0, time.Hour), 0)
	if _, en := e.sigwait(0, abi.SIGUSR1); en != abi.EAGAIN {
		t.Errorf("signal of the old arming still queued: %v", en)
	}
	e.ok(abi.SYS_TIMER_SETTIME, id, 0, e.itimerspec(scratch+0x200, 0, time.Millisecond), 0)
	time.Sleep(10 * time.Millisecond)
	e.ok(abi.SYS_TIMER_DELETE, id)
	if _, en := e.sigwait(0, abi.SIGUSR1); en != abi.EAGAIN {
		t.Errorf("signal of a deleted timer still queued: %v", en)
	}
}

func TestTimerAbstimeAndThreadTarget(t *testing.T) {
	e := newEnv(t, Config{})
	e.block(abi.SIGUSR2, abi.SIGRTMIN+1)
	other := e.newThread()
	id := e.timerCreate(abi.CLOCK_MONOTONIC, e.sigevent(scratch+0x100, abi.SIGEV_THREAD_ID, abi.SIGUSR2, 7, other.tid))
	now, _ := e.k.clockNow(abi.CLOCK_MONOTONIC)
	start := time.Now()
	e.ok(abi.SYS_TIMER_SETTIME, id, abi.TIMER_ABSTIME, e.itimerspec(scratch+0x200, 0, tsDur(now)+20*time.Millisecond), 0)
	deadline := time.Now().Add(time.Second)
	for {
		e.k.mu.Lock()
		got := other.pending.mask&sigBit(abi.SIGUSR2) != 0
		e.k.mu.Unlock()
		if got {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("SIGEV_THREAD_ID signal never reached its thread")
		}
		time.Sleep(time.Millisecond)
	}
	if el := time.Since(start); el < 15*time.Millisecond {
		t.Errorf("absolute expiry after %v, want about 20ms", el)
	}
	if e.p.shared.mask&sigBit(abi.SIGUSR2) != 0 || e.tk.pending.mask&sigBit(abi.SIGUSR2) != 0 {
		t.Error("thread-directed timer signal went elsewhere")
	}
	// An absolute time in the past expires at once (CLOCK_REALTIME).
	id2 := e.timerCreate(abi.CLOCK_REALTIME, e.sigevent(scratch+0x100, abi.SIGEV_SIGNAL, abi.SIGRTMIN+1, 0, 0))
	e.ok(abi.SYS_TIMER_SETTIME, id2, abi.TIMER_ABSTIME, e.itimerspec(scratch+0x200, 0, time.Second), 0)
	if sig, en := e.sigwait(time.Second, abi.SIGRTMIN+1); en != 0 || sig != abi.SIGRTMIN+1 {
		t.Errorf("past absolute time: %d %v", sig, en)
	}
	// execve deletes every timer; a new process has none.
	e.tk.prctlExec()
	if got := e.errno(abi.SYS_TIMER_GETTIME, id, scratch); got != abi.EINVAL || len(e.p.timers.m) != 0 {
		t.Errorf("timers after exec: %v, %d", got, len(e.p.timers.m))
	}
	c, _ := e.newChild(e.tk)
	if len(c.timers.m) != 0 || c.timers.nextID != 0 {
		t.Error("child inherited timers")
	}
}

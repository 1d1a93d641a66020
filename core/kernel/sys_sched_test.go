package kernel

import (
	"testing"
	"time"

	"github.com/blink-go/blink/core/abi"
)

func (e *env) schedParam(prio int32) uint64 {
	b := make([]byte, 4)
	le32(b, uint32(prio))
	e.m.Mem.CopyOut(scratch+0x400, b)
	return scratch + 0x400
}

func TestSchedPriorityRange(t *testing.T) {
	e := newEnv(t, Config{})
	for _, c := range []struct {
		policy   uint64
		max, min int64
		err      abi.Errno
	}{
		{abi.SCHED_NORMAL, 0, 0, 0}, {abi.SCHED_BATCH, 0, 0, 0}, {abi.SCHED_IDLE, 0, 0, 0},
		{abi.SCHED_FIFO, 99, 1, 0}, {abi.SCHED_RR, 99, 1, 0}, {abi.SCHED_DEADLINE, 0, 0, 0},
		{4, 0, 0, abi.EINVAL}, {^uint64(0), 0, 0, abi.EINVAL},
	} {
		mx, mn := e.sys(abi.SYS_SCHED_GET_PRIORITY_MAX, c.policy), e.sys(abi.SYS_SCHED_GET_PRIORITY_MIN, c.policy)
		if c.err != 0 {
			if mx != -int64(c.err) || mn != -int64(c.err) {
				t.Errorf("policy %d: %d %d, want %v", int32(c.policy), mx, mn, c.err)
			}
		} else if mx != c.max || mn != c.min {
			t.Errorf("policy %d: max %d min %d", c.policy, mx, mn)
		}
	}
}

func TestSchedSetscheduler(t *testing.T) {
	e := newEnv(t, Config{})
	e.p.creds = Credentials{} // root: CAP_SYS_NICE
	for _, c := range []struct {
		name        string
		pid, policy uint64
		param       uint64
		want        abi.Errno
	}{
		{"negative policy", 0, ^uint64(0), e.schedParam(0), abi.EINVAL},
		{"NULL param", 0, abi.SCHED_NORMAL, 0, abi.EINVAL},
		{"negative pid", ^uint64(0), abi.SCHED_NORMAL, e.schedParam(0), abi.EINVAL},
		{"bad param", 0, abi.SCHED_NORMAL, badAddr, abi.EFAULT},
		{"no such pid", 99999999, abi.SCHED_FIFO, e.schedParam(1), abi.ESRCH},
		{"unknown policy", 0, 9, e.schedParam(0), abi.EINVAL},
		{"deadline", 0, abi.SCHED_DEADLINE, e.schedParam(0), abi.EINVAL},
		{"normal with priority", 0, abi.SCHED_NORMAL, e.schedParam(5), abi.EINVAL},
		{"fifo priority 0", 0, abi.SCHED_FIFO, e.schedParam(0), abi.EINVAL},
		{"fifo priority 100", 0, abi.SCHED_FIFO, e.schedParam(100), abi.EINVAL},
		{"fifo priority -1", 0, abi.SCHED_FIFO, e.schedParam(-1), abi.EINVAL},
	} {
		if got := e.errno(abi.SYS_SCHED_SETSCHEDULER, c.pid, c.policy, c.param); got != c.want {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
	e.ok(abi.SYS_SCHED_SETSCHEDULER, 0, abi.SCHED_FIFO, e.schedParam(42))
	if p := e.ok(abi.SYS_SCHED_GETSCHEDULER, 0); p != abi.SCHED_FIFO {
		t.Errorf("policy %d", p)
	}
	e.ok(abi.SYS_SCHED_GETPARAM, uint64(e.tk.tid), scratch)
	if prio := rd32(e.mem(scratch, 4)); prio != 42 {
		t.Errorf("priority %d", prio)
	}
	// Real-time threads keep their timer slack.
	e.ok(abi.SYS_PRCTL, abi.PR_SET_TIMERSLACK, 1)
	if s := e.ok(abi.SYS_PRCTL, abi.PR_GET_TIMERSLACK); s != defaultTimerslack {
		t.Errorf("timer slack of a FIFO thread changed to %d", s)
	}
	e.ok(abi.SYS_SCHED_SETPARAM, 0, e.schedParam(7))
	e.ok(abi.SYS_SCHED_GETPARAM, 0, scratch)
	if prio := rd32(e.mem(scratch, 4)); prio != 7 || e.ok(abi.SYS_SCHED_GETSCHEDULER, 0) != abi.SCHED_FIFO {
		t.Errorf("sched_setparam: priority %d", prio)
	}
	e.ok(abi.SYS_SCHED_RR_GET_INTERVAL, 0, scratch)
	if b := e.mem(scratch, 16); rd64(b) != 0 || rd64(b[8:]) != 0 {
		t.Errorf("FIFO quantum %x", b)
	}
	e.ok(abi.SYS_SCHED_SETSCHEDULER, 0, abi.SCHED_RR|abi.SCHED_RESET_ON_FORK, e.schedParam(1))
	if p := e.ok(abi.SYS_SCHED_GETSCHEDULER, 0); p != abi.SCHED_RR|abi.SCHED_RESET_ON_FORK {
		t.Errorf("policy %#x", p)
	}
	e.ok(abi.SYS_SCHED_RR_GET_INTERVAL, 0, scratch)
	if b := e.mem(scratch, 16); rd64(b) != 0 || rd64(b[8:]) != 100_000_000 {
		t.Errorf("RR quantum %x", b)
	}
	// SCHED_RESET_ON_FORK: the child starts SCHED_NORMAL without the flag;
	// a thread likewise.
	_, ct := e.newChild(e.tk)
	if ct.sched.policy != abi.SCHED_NORMAL || ct.sched.priority != 0 || ct.sched.resetOnFork {
		t.Errorf("forked sched %+v", ct.sched)
	}
	if th := e.newThread(); th.sched.policy != abi.SCHED_NORMAL {
		t.Errorf("thread sched %+v", th.sched)
	}
	for _, c := range []struct {
		nr   int
		args []uint64
		want abi.Errno
	}{
		{abi.SYS_SCHED_GETSCHEDULER, []uint64{^uint64(0)}, abi.EINVAL},
		{abi.SYS_SCHED_GETSCHEDULER, []uint64{99999999}, abi.ESRCH},
		{abi.SYS_SCHED_GETPARAM, []uint64{0, 0}, abi.EINVAL},
		{abi.SYS_SCHED_GETPARAM, []uint64{0, roPage}, abi.EFAULT},
		{abi.SYS_SCHED_GETPARAM, []uint64{99999999, scratch}, abi.ESRCH},
		{abi.SYS_SCHED_RR_GET_INTERVAL, []uint64{^uint64(0), scratch}, abi.EINVAL},
		{abi.SYS_SCHED_RR_GET_INTERVAL, []uint64{0, roPage}, abi.EFAULT},
		{abi.SYS_SCHED_RR_GET_INTERVAL, []uint64{1, scratch}, abi.ESRCH}, // the virtual init has no thread
	} {
		if got := e.errno(c.nr, c.args...); got != c.want {
			t.Errorf("%s%v = %v, want %v", syscallTable[c.nr].Name, c.args, got, c.want)
		}
	}
}

// Unprivileged callers need RLIMIT_RTPRIO for real-time policies, may
// not leave SCHED_IDLE or drop SCHED_RESET_ON_FORK, and may only change
// threads of their own user.
func TestSchedUnprivileged(t *testing.T) {
	e := newEnv(t, Config{})
	e.p.creds = Credentials{RUID: 1000, EUID: 1000, SUID: 1000, RGID: 1000, EGID: 1000, SGID: 1000}
	if got := e.errno(abi.SYS_SCHED_SETSCHEDULER, 0, abi.SCHED_FIFO, e.schedParam(1)); got != abi.EPERM {
		t.Errorf("FIFO without RLIMIT_RTPRIO = %v", got)
	}
	e.p.rlimits[abi.RLIMIT_RTPRIO] = [2]uint64{10, 10}
	e.ok(abi.SYS_SCHED_SETSCHEDULER, 0, abi.SCHED_FIFO, e.schedParam(10))
	if got := e.errno(abi.SYS_SCHED_SETPARAM, 0, e.schedParam(11)); got != abi.EPERM {
		t.Errorf("priority above RLIMIT_RTPRIO = %v", got)
	}
	e.ok(abi.SYS_SCHED_SETSCHEDULER, 0, abi.SCHED_IDLE|abi.SCHED_RESET_ON_FORK, e.schedParam(0))
	if got := e.errno(abi.SYS_SCHED_SETSCHEDULER, 0, abi.SCHED_IDLE, e.schedParam(0)); got != abi.EPERM {
		t.Errorf("dropping SCHED_RESET_ON_FORK = %v", got)
	}
	if got := e.errno(abi.SYS_SCHED_SETSCHEDULER, 0, abi.SCHED_NORMAL|abi.SCHED_RESET_ON_FORK, e.schedParam(0)); got != abi.EPERM {
		t.Errorf("leaving SCHED_IDLE without RLIMIT_NICE = %v", got)
	}
	other, ot := e.newChild(e.tk)
	other.creds = Credentials{RUID: 2000, EUID: 2000, SUID: 2000}
	if got := e.errno(abi.SYS_SCHED_SETSCHEDULER, uint64(ot.tid), abi.SCHED_BATCH, e.schedParam(0)); got != abi.EPERM {
		t.Errorf("another user's thread = %v", got)
	}
	m := make([]byte, 8)
	le64(m, 1)
	e.m.Mem.CopyOut(scratch, m)
	if got := e.errno(abi.SYS_SCHED_SETAFFINITY, uint64(other.pid), 8, scratch); got != abi.EPERM {
		t.Errorf("another user's affinity = %v", got)
	}
	// Reading is allowed.
	e.ok(abi.SYS_SCHED_GETSCHEDULER, uint64(other.pid))
	e.ok(abi.SYS_SCHED_GETAFFINITY, uint64(other.pid), 8, scratch)
}

func TestSchedAffinityAndGetcpu(t *testing.T) {
	e := newEnv(t, Config{})
	n := numCPU()
	size := uint64(cpumaskBytes())
	at := uint64(scratch + 0x500)
	setMask := func(words ...uint64) uint64 { // each mask at its own address
		m := make([]byte, 16)
		for i, w := range words {
			le64(m[8*i:], w)
		}
		at += 16
		e.m.Mem.CopyOut(at, m)
		return at
	}
	// The default mask has every CPU.
	if r := e.ok(abi.SYS_SCHED_GETAFFINITY, 0, 16, scratch); uint64(r) != size {
		t.Errorf("sched_getaffinity = %d, want %d", r, size)
	}
	if w := rd64(e.mem(scratch, 8)); n < 64 && w != 1<<n-1 {
		t.Errorf("default mask %#x for %d CPUs", w, n)
	}
	for _, c := range []struct {
		name string
		args []uint64
		want abi.Errno
	}{
		{"empty", []uint64{0, 8, setMask(0)}, abi.EINVAL},
		{"offline CPUs only", []uint64{0, 16, setMask(0, 1<<63)}, abi.EINVAL},
		{"length 0", []uint64{0, 0, setMask(1)}, abi.EINVAL},
		{"bad pointer", []uint64{0, 8, badAddr}, abi.EFAULT},
		{"bad pointer length 0", []uint64{0, 0, badAddr}, abi.EINVAL},
		{"no such thread", []uint64{99999999, 8, setMask(1)}, abi.ESRCH},
	} {
		if got := e.errno(abi.SYS_SCHED_SETAFFINITY, c.args...); got != c.want {
			t.Errorf("sched_setaffinity %s = %v, want %v", c.name, got, c.want)
		}
	}
	for _, c := range []struct {
		name string
		args []uint64
		want abi.Errno
	}{
		{"not longs", []uint64{0, 12, scratch}, abi.EINVAL},
		{"bad pointer", []uint64{0, 8, roPage}, abi.EFAULT},
		{"no such thread", []uint64{99999999, 8, scratch}, abi.ESRCH},
	} {
		if got := e.errno(abi.SYS_SCHED_GETAFFINITY, c.args...); got != c.want {
			t.Errorf("sched_getaffinity %s = %v, want %v", c.name, got, c.want)
		}
	}
	// Set CPU 0 only (bits of offline CPUs are dropped): get returns it,
	// getcpu says 0 on node 0, and /proc shows it.
	e.ok(abi.SYS_SCHED_SETAFFINITY, 0, 16, setMask(1|1<<63, ^uint64(0)))
	e.ok(abi.SYS_SCHED_GETAFFINITY, uint64(e.p.pid), 8, scratch)
	if w := rd64(e.mem(scratch, 8)); w != 1 {
		t.Errorf("mask after set %#x", w)
	}
	e.m.Mem.CopyOut(scratch, []byte{9, 9, 9, 9, 9, 9, 9, 9})
	e.ok(abi.SYS_GETCPU, scratch, scratch+4, 0)
	if b := e.mem(scratch, 8); rd32(b) != 0 || rd32(b[4:]) != 0 {
		t.Errorf("getcpu %x", b)
	}
	e.ok(abi.SYS_GETCPU, 0, 0, 0)
	if got := e.errno(abi.SYS_GETCPU, roPage, 0, 0); got != abi.EFAULT {
		t.Errorf("getcpu bad cpu pointer = %v", got)
	}
	if got := e.errno(abi.SYS_GETCPU, 0, roPage, 0); got != abi.EFAULT {
		t.Errorf("getcpu bad node pointer = %v", got)
	}
	p, _ := e.k.ProcSource().Proc(e.p.pid)
	if len(p.CPUs) == 0 || p.CPUs[0] != 1 {
		t.Errorf("/proc affinity %v", p.CPUs)
	}
	// Affinity is per thread; a new thread inherits its creator's.
	th := e.newThread()
	if th.sched.cpu(th.tid) != 0 || len(th.sched.cpus) == 0 || th.sched.cpus[0] != 1 {
		t.Errorf("thread affinity %v", th.sched.cpus)
	}
	if n > 1 {
		e.ok(abi.SYS_SCHED_SETAFFINITY, uint64(th.tid), 8, setMask(2))
		if cpu := th.sched.cpu(th.tid); cpu != 1 {
			t.Errorf("thread on CPU %d, want 1", cpu)
		}
		if e.tk.sched.cpus[0] != 1 {
			t.Error("setting a thread's mask changed another's")
		}
	}
}

// clock_nanosleep sleeps until an absolute time of REALTIME or
// MONOTONIC, and reports the time left only for an interrupted relative
// sleep.
func TestClockNanosleep(t *testing.T) {
	e := newEnv(t, Config{})
	ts := func(addr uint64, d time.Duration) uint64 {
		b := make([]byte, 16)
		putTimespec(b, durTimespec(d))
		e.m.Mem.CopyOut(addr, b)
		return addr
	}
	for _, clock := range []uint64{abi.CLOCK_REALTIME, abi.CLOCK_MONOTONIC} {
		now, _ := e.k.clockNow(int32(clock))
		start := time.Now()
		e.ok(abi.SYS_CLOCK_NANOSLEEP, clock, abi.TIMER_ABSTIME, ts(scratch, tsDur(now)+20*time.Millisecond), 0)
		if el := time.Since(start); el < 15*time.Millisecond || el > time.Second {
			t.Errorf("clock %d: absolute sleep of 20ms took %v", clock, el)
		}
		start = time.Now()
		e.ok(abi.SYS_CLOCK_NANOSLEEP, clock, abi.TIMER_ABSTIME, ts(scratch, tsDur(now)-time.Second), 0)
		if el := time.Since(start); el > 10*time.Millisecond {
			t.Errorf("clock %d: absolute time in the past slept %v", clock, el)
		}
	}
	// A signal with a handler interrupts: EINTR, and the remaining time
	// only for a relative sleep. The handler is called directly, so no
	// frame is built and the signal stays queued until dropped.
	act := make([]byte, 32)
	le64(act, 0x401000)
	le64(act[8:], abi.SA_RESTORER)
	le64(act[16:], 0x402000)
	e.m.Mem.CopyOut(scratch+0x600, act)
	e.ok(abi.SYS_RT_SIGACTION, abi.SIGUSR1, scratch+0x600, 0, 8)
	for _, abs := range []bool{false, true} {
		go func() {
			time.Sleep(20 * time.Millisecond)
			e.k.mu.Lock()
			e.k.sendLocked(e.p, e.tk, &Siginfo{Signo: abi.SIGUSR1, Code: abi.SI_USER})
			e.k.mu.Unlock()
		}()
		flags, d := uint64(0), time.Second
		if abs {
			now, _ := e.k.clockNow(abi.CLOCK_MONOTONIC)
			flags, d = abi.TIMER_ABSTIME, tsDur(now)+time.Second
		}
		e.m.Mem.CopyOut(scratch+0x700, []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff})
		a := Args{abi.CLOCK_MONOTONIC, flags, ts(scratch, d), scratch + 0x700}
		if _, got := sysClockNanosleep(e.tk, &a); got != abi.EINTR {
			t.Fatalf("abstime %v: interrupted sleep = %v", abs, got)
		}
		rem := e.mem(scratch+0x700, 16)
		left := time.Duration(int64(rd64(rem)))*time.Second + time.Duration(int64(rd64(rem[8:])))
		if abs && rd64(rem) != ^uint64(0) {
			t.Errorf("absolute sleep wrote the remaining time %v", left)
		}
		if !abs && (left <= 500*time.Millisecond || left >= time.Second) {
			t.Errorf("remaining time %v", left)
		}
		e.k.mu.Lock()
		e.tk.pending.drop(sigBit(abi.SIGUSR1))
		e.tk.recalc()
		e.k.mu.Unlock()
	}
}

package kernel

import (
	"testing"
	"time"

	"github.com/blink-go/blink/core/abi"
)

func (e *env) putItimerval(addr uint64, interval, value time.Duration) {
	var b [32]byte
	putItimerval(b[:], interval, value)
	if err := e.m.Mem.CopyOut(addr, b[:]); err != 0 {
		e.t.Fatal(err)
	}
}

// pendingShared reports whether sig is queued for the process.
func (e *env) pendingShared(sig int) bool {
	e.k.mu.Lock()
	defer e.k.mu.Unlock()
	return e.p.shared.mask&sigBit(sig) != 0
}

func TestCPUItimers(t *testing.T) {
	e := newEnv(t, Config{})
	e.setCPU(time.Second, 0)
	// Armed: value plus Linux's extra tick; disarmed: the interval stays.
	e.putItimerval(scratch, 0, 50*time.Millisecond)
	e.ok(abi.SYS_SETITIMER, abi.ITIMER_VIRTUAL, scratch, 0)
	e.ok(abi.SYS_GETITIMER, abi.ITIMER_VIRTUAL, scratch+64)
	if v := e.timeval(scratch + 64 + 16); v <= 50*time.Millisecond || v > 54*time.Millisecond {
		t.Errorf("getitimer value %v, want just under 54ms", v)
	}
	e.putItimerval(scratch, 7*time.Millisecond, 0)
	e.ok(abi.SYS_SETITIMER, abi.ITIMER_PROF, scratch, 0)
	e.ok(abi.SYS_GETITIMER, abi.ITIMER_PROF, scratch+64)
	if iv, v := e.timeval(scratch+64), e.timeval(scratch+64+16); iv != 7*time.Millisecond || v != 0 {
		t.Errorf("disarmed ITIMER_PROF reads %v/%v, want 7ms/0", iv, v)
	}
	if got := e.errno(abi.SYS_SETITIMER, 3, scratch, 0); got != abi.EINVAL {
		t.Errorf("setitimer(3) = %v", got)
	}

	// The tick fires the virtual timer once its user time has passed.
	e.k.mu.Lock()
	e.k.checkCPUTimersLocked(e.p)
	e.k.mu.Unlock()
	if e.pendingShared(abi.SIGVTALRM) {
		t.Fatal("SIGVTALRM before its time")
	}
	e.setCPU(2*time.Second, 0)
	e.k.mu.Lock()
	e.k.checkCPUTimersLocked(e.p)
	e.k.mu.Unlock()
	if !e.pendingShared(abi.SIGVTALRM) {
		t.Fatal("no SIGVTALRM after the timer's CPU time")
	}
	e.ok(abi.SYS_GETITIMER, abi.ITIMER_VIRTUAL, scratch+64)
	if v := e.timeval(scratch + 64 + 16); v != 0 {
		t.Errorf("one-shot timer still armed: %v", v)
	}
}

func TestRlimitCPU(t *testing.T) {
	e := newEnv(t, Config{})
	e.k.mu.Lock()
	e.p.rlimits[abi.RLIMIT_CPU] = [2]uint64{1, 3}
	e.k.mu.Unlock()
	check := func() {
		e.k.mu.Lock()
		e.k.checkCPUTimersLocked(e.p)
		e.k.mu.Unlock()
	}
	e.setCPU(500*time.Millisecond, 0)
	check()
	if e.pendingShared(abi.SIGXCPU) {
		t.Fatal("SIGXCPU under the soft limit")
	}
	e.setCPU(1100*time.Millisecond, 0)
	check()
	if !e.pendingShared(abi.SIGXCPU) {
		t.Fatal("no SIGXCPU at the soft limit")
	}
	if soft := e.p.rlimits[abi.RLIMIT_CPU][0]; soft != 2 {
		t.Errorf("soft limit after SIGXCPU = %d, want 2", soft)
	}
	e.setCPU(3*time.Second, 0)
	check()
	if !e.pendingShared(abi.SIGKILL) && !e.p.dying {
		t.Fatal("no SIGKILL at the hard limit")
	}
}

// A POSIX timer on a CPU-time clock fires at the tick once the CPU time
// has passed, however little wall time did.
func TestPosixCPUTimer(t *testing.T) {
	e := newEnv(t, Config{})
	e.setCPU(time.Second, 0)
	e.ok(abi.SYS_TIMER_CREATE, abi.CLOCK_PROCESS_CPUTIME_ID, 0, scratch)
	id := uint64(rd32(e.mem(scratch, 4)))
	var its [32]byte
	le64(its[16:], 0)
	le64(its[24:], uint64(50*time.Millisecond)) // it_value
	e.m.Mem.CopyOut(scratch+64, its[:])
	e.ok(abi.SYS_TIMER_SETTIME, id, 0, scratch+64, 0)
	tick := func() {
		e.k.mu.Lock()
		e.k.cpuTimersTickLocked(e.p)
		e.k.mu.Unlock()
	}
	tick()
	if e.pendingShared(abi.SIGALRM) {
		t.Fatal("fired before its CPU time")
	}
	e.ok(abi.SYS_TIMER_GETTIME, id, scratch+128)
	if v := e.timespec(scratch + 128 + 16); v <= 0 || v > 50*time.Millisecond {
		t.Errorf("timer_gettime value %v", v)
	}
	e.setCPU(2*time.Second, 0)
	tick()
	if !e.pendingShared(abi.SIGALRM) {
		t.Fatal("no SIGALRM once the CPU time passed")
	}
	e.ok(abi.SYS_TIMER_GETTIME, id, scratch+128)
	if v := e.timespec(scratch + 128 + 16); v != 0 {
		t.Errorf("one-shot still armed: %v", v)
	}
}

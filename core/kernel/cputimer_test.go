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

package kernel

import (
	"github.com/blink-go/blink/core/abi"
)

// CPU accounting for getrusage, times, wait4 and waitid.
//
// A guest's CPU time is the instructions it retired, converted at a
// nominal rate of one instruction per nanosecond (a 1 GHz machine
// retiring one instruction per cycle). The engine counts instructions per
// thread anyway (Machine.Icount, kept across execve), so the accounting
// costs nothing on the hot path, is deterministic, and does not depend on
// how fast the host emulates: a guest's `time` reports roughly what the
// work would take natively rather than blink's slowdown. All of it is user
// time; system time reads 0, since a syscall here is a Go call whose cost
// says nothing about Linux's. Not counted yet: threads that exit before
// their process, and (for RUSAGE_SELF) other threads still running, whose
// counters only their own goroutine may read.
//
// As on Linux, a child's time (its own plus that of the descendants it
// reaped) is added to the parent's children total when the parent reaps
// it with wait4 or waitid, not when it is reaped automatically.

// nsPerInsn converts retired instructions to nanoseconds of CPU time.
const nsPerInsn = 1

// clockTicks is sysconf(_SC_CLK_TCK), the unit of times(2).
const clockTicks = 100

// usage is a process's CPU accounting beyond its live threads' counters.
// Guarded by Kernel.mu.
type usage struct {
	children uint64 // instructions of reaped children and their reaped descendants
}

// ownInsnsLocked sums the instructions of p's threads that self may read:
// itself and threads that have ended (all of them for a zombie or a
// stopped process). Called with k.mu held.
func (p *Process) ownInsnsLocked(self *Task) uint64 {
	var n uint64
	for _, t := range p.tasks {
		if t.m != nil && (t == self || t.exited.Load() || p.zombie || p.stopped) {
			n += t.m.Icount
		}
	}
	return n
}

// totalInsnsLocked is what wait4 reports for child c: its own time and
// its reaped descendants'. Called with k.mu held.
func (c *Process) totalInsnsLocked() uint64 {
	return c.ownInsnsLocked(nil) + c.usage.children
}

// putRusage writes a struct rusage holding insns of user time.
func (t *Task) putRusage(addr uint64, insns uint64) abi.Errno {
	var ru [abi.RusageSize]byte
	ns := insns * nsPerInsn
	le64(ru[0:], ns/1e9)          // ru_utime.tv_sec
	le64(ru[8:], ns%1e9/1e3)      // ru_utime.tv_usec
	return t.copyOut(addr, ru[:]) // ru_stime and the counters stay 0
}

func sysGetrusage(t *Task, a *Args) (uint64, abi.Errno) {
	k, p := t.k, t.proc
	var insns uint64
	k.mu.Lock()
	switch int32(a[0]) {
	case abi.RUSAGE_SELF:
		insns = p.ownInsnsLocked(t)
	case abi.RUSAGE_CHILDREN:
		insns = p.usage.children
	case abi.RUSAGE_THREAD:
		insns = t.m.Icount
	default:
		k.mu.Unlock()
		return 0, abi.EINVAL
	}
	k.mu.Unlock()
	return 0, t.putRusage(a[1], insns)
}

// sysTimes fills struct tms (utime, stime, cutime, cstime in clock ticks)
// and returns the ticks since boot.
func sysTimes(t *Task, a *Args) (uint64, abi.Errno) {
	k, p := t.k, t.proc
	k.mu.Lock()
	self, children := p.ownInsnsLocked(t), p.usage.children
	k.mu.Unlock()
	toTicks := func(insns uint64) uint64 { return insns * nsPerInsn / (1e9 / clockTicks) }
	if a[0] != 0 {
		var b [32]byte
		le64(b[0:], toTicks(self))
		le64(b[16:], toTicks(children))
		if e := t.copyOut(a[0], b[:]); e != 0 {
			return 0, e
		}
	}
	up := k.monoBase + k.uptime()
	return uint64(up.Nanoseconds() / (1e9 / clockTicks)), 0
}

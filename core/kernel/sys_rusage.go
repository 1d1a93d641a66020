package kernel

import (
	"github.com/blink-go/blink/core/abi"
)

// getrusage, times and the rusage of wait4 and waitid, from the measured
// CPU time of cputime.go.
//
// As on Linux, a child's time (its own plus that of the descendants it
// reaped) is added to the parent's children total when the parent reaps
// it with wait4 or waitid, not when it is reaped automatically.

// usage is a process's CPU accounting beyond its live threads' clocks.
// Guarded by Kernel.mu.
type usage struct {
	exited   cpuTimes // threads that ended before the process
	children cpuTimes // reaped children and their reaped descendants
}

// putRusage writes a struct rusage holding c's user and system time.
func (t *Task) putRusage(addr uint64, c cpuTimes) abi.Errno {
	var ru [abi.RusageSize]byte
	le64(ru[0:], uint64(c.user/1e9))     // ru_utime.tv_sec
	le64(ru[8:], uint64(c.user%1e9/1e3)) // ru_utime.tv_usec
	le64(ru[16:], uint64(c.sys/1e9))     // ru_stime.tv_sec
	le64(ru[24:], uint64(c.sys%1e9/1e3)) // ru_stime.tv_usec
	return t.copyOut(addr, ru[:])        // the counters stay 0
}

func sysGetrusage(t *Task, a *Args) (uint64, abi.Errno) {
	k, p := t.k, t.proc
	var c cpuTimes
	k.mu.Lock()
	switch int32(a[0]) {
	case abi.RUSAGE_SELF:
		c = p.ownCPULocked()
	case abi.RUSAGE_CHILDREN:
		c = p.usage.children
	case abi.RUSAGE_THREAD:
		c = t.cpu.read()
	default:
		k.mu.Unlock()
		return 0, abi.EINVAL
	}
	k.mu.Unlock()
	return 0, t.putRusage(a[1], c)
}

// sysTimes fills struct tms (utime, stime, cutime, cstime in clock ticks)
// and returns the ticks since boot.
func sysTimes(t *Task, a *Args) (uint64, abi.Errno) {
	k, p := t.k, t.proc
	k.mu.Lock()
	self, children := p.ownCPULocked(), p.usage.children
	k.mu.Unlock()
	if a[0] != 0 {
		var b [32]byte
		le64(b[0:], uint64(nsToTicks(self.user)))
		le64(b[8:], uint64(nsToTicks(self.sys)))
		le64(b[16:], uint64(nsToTicks(children.user)))
		le64(b[24:], uint64(nsToTicks(children.sys)))
		if e := t.copyOut(a[0], b[:]); e != 0 {
			return 0, e
		}
	}
	up := k.monoBase + k.uptime()
	return uint64(up.Nanoseconds() / (1e9 / clockTicks)), 0
}

package kernel

import (
	"time"

	"github.com/blink-go/blink/core/abi"
)

// CPU-time limits: ITIMER_VIRTUAL and ITIMER_PROF (setitimer) and
// RLIMIT_CPU. Like Linux, which checks them at its tick, the kernel checks
// them at the CPU sampler's tick (cputime.go), which runs exactly while
// some task is on the CPU; so they fire within a tick of the CPU time
// they name.

// cpuItimer is one CPU-time interval timer of a process.
type cpuItimer struct {
	expires  int64 // process CPU time (ns) it fires at; 0 while disarmed
	interval int64 // reload, ns; kept while disarmed, as getitimer shows it
}

// cpuTimers are a process's CPU-time timers, guarded by Kernel.mu; fork
// clears them, execve keeps them.
type cpuTimers struct {
	virt cpuItimer // user time, SIGVTALRM
	prof cpuItimer // user and system time, SIGPROF
}

// itimerTick is the granularity getitimer reports for a CPU timer that is
// due but not yet delivered (Linux: one tick at HZ 250).
const itimerTick = 4 * time.Millisecond

// cpuItimerLocked is the timer for ITIMER_VIRTUAL or ITIMER_PROF and the
// CPU time it counts now. Called with k.mu held.
func (p *Process) cpuItimerLocked(which int32) (*cpuItimer, int64) {
	now := p.ownCPULocked()
	if which == abi.ITIMER_VIRTUAL {
		return &p.cpuTimers.virt, now.user
	}
	return &p.cpuTimers.prof, now.total()
}

// left is what getitimer and setitimer's old value report.
func (it *cpuItimer) left(now int64) time.Duration {
	if it.expires == 0 {
		return 0
	}
	if it.expires <= now {
		return itimerTick
	}
	return time.Duration(it.expires - now)
}

// setCPUItimerLocked arms (value > 0) or disarms a CPU-time itimer and
// returns the old value and interval. Called with k.mu held.
func (p *Process) setCPUItimerLocked(which int32, value, interval time.Duration) (time.Duration, time.Duration) {
	it, now := p.cpuItimerLocked(which)
	oldLeft, oldIv := it.left(now), time.Duration(it.interval)
	it.expires, it.interval = 0, int64(interval)
	if value > 0 {
		// Linux adds a tick, so the timer cannot fire before the
		// full value has been used (set_cpu_itimer); getitimer shows it.
		it.expires = now + int64(value+itimerTick)
	}
	return oldLeft, oldIv
}

// cpuWatchedLocked reports whether the tick has anything to check in p.
func (p *Process) cpuWatchedLocked() bool {
	return p.cpuTimers.virt.expires != 0 || p.cpuTimers.prof.expires != 0 ||
		p.rlimits[abi.RLIMIT_CPU][0] != abi.RLIM_INFINITY
}

// checkCPUTimersLocked fires p's CPU-time timers and enforces RLIMIT_CPU
// (check_process_timers). Called at the tick with k.mu held.
func (k *Kernel) checkCPUTimersLocked(p *Process) {
	if p.zombie || p.dying || p == k.init || !p.cpuWatchedLocked() {
		return
	}
	now := p.ownCPULocked()
	fire := func(it *cpuItimer, at int64, sig int32) {
		if it.expires == 0 || at < it.expires {
			return
		}
		if it.interval > 0 {
			it.expires += it.interval
		} else {
			it.expires = 0
		}
		k.sendLocked(p, nil, &Siginfo{Signo: sig, Code: abi.SI_KERNEL})
	}
	fire(&p.cpuTimers.virt, now.user, abi.SIGVTALRM)
	fire(&p.cpuTimers.prof, now.total(), abi.SIGPROF)

	// RLIMIT_CPU counts user and system time in seconds: SIGKILL at the
	// hard limit; at the soft limit SIGXCPU, and the soft limit moves
	// one second on, so the signal repeats every second (the new limit
	// shows in getrlimit, as on Linux).
	lim := &p.rlimits[abi.RLIMIT_CPU]
	soft, hard := lim[0], lim[1]
	if soft == abi.RLIM_INFINITY {
		return
	}
	secs := uint64(now.total() / int64(time.Second))
	if hard != abi.RLIM_INFINITY && secs >= hard {
		k.sendLocked(p, nil, &Siginfo{Signo: abi.SIGKILL, Code: abi.SI_KERNEL})
		return
	}
	if secs >= soft {
		k.sendLocked(p, nil, &Siginfo{Signo: abi.SIGXCPU, Code: abi.SI_KERNEL})
		lim[0] = soft + 1
	}
}

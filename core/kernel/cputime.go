package kernel

import (
	"runtime"
	"sync"

	"github.com/blink-go/blink/core/abi"
	"sync/atomic"
	"time"
)

// CPU time accounting: getrusage, times, wait4's rusage, the CPU-time
// clocks, SIGCHLD's si_utime/si_stime and /proc's utime/stime and run
// state all read it.
//
// A task's time on the CPU is measured, not estimated: its goroutine
// notes the monotonic clock whenever it starts or stops running (a wait
// for an event, a stop, a vfork child, the end). So `time`, ps's TIME and
// top's %CPU show what blink really spends, which for guest code is the
// emulator's slowdown over native, as with qemu-user. A goroutine the Go
// scheduler has descheduled still counts as running; with no more busy
// guest threads than host cores that does not happen.
//
// The split between user time (guest code) and system time (a syscall's
// Go code) is sampled, as Linux samples it at the tick: every syscall
// entry and exit only stores the task's state, since reading the clock
// there would cost more than many syscalls do, and a sampler goroutine,
// alive only while some task runs, counts each running task's state every
// tick. Readers split the measured total in the sampled proportion,
// never letting either half go backwards (Linux's cputime_adjust).
//
// Only the owning goroutine writes the total; other tasks and /proc read
// it under a sequence count, so no reader sees a stretch twice or loses
// one.

// cpuState says where a task's current stretch of time goes.
type cpuState uint32

const (
	offCPU cpuState = iota // not started, asleep or ended
	inUser                 // running guest code
	inSys                  // running a syscall or other kernel work
)

// cpuTick is the sampling period of the user/system split.
const cpuTick = time.Second / clockTicks

// cpuClockBase anchors monoNow; time.Since on it reads only the monotonic
// clock.
var cpuClockBase = time.Now()

func monoNow() int64 { return int64(time.Since(cpuClockBase)) }

// cpuTimes is an amount of user and system time, in nanoseconds.
type cpuTimes struct{ user, sys int64 }

func (c *cpuTimes) add(d cpuTimes) { c.user += d.user; c.sys += d.sys }

func (c cpuTimes) total() int64 { return c.user + c.sys }

// cpuClock is one task's accounting.
type cpuClock struct {
	seq   atomic.Uint64 // odd while the owner updates run and since
	run   atomic.Int64  // ns on the CPU up to since
	since atomic.Int64  // monoNow when the current stretch on the CPU began
	state atomic.Uint32 // cpuState; user and system switch without seq

	userTicks, sysTicks atomic.Uint64 // the sampler's counts

	mu   sync.Mutex // readers' split memory
	prev cpuTimes
}

// stop ends a stretch on the CPU and returns the state it was in.
func (c *cpuClock) stop() cpuState {
	// The clock is read inside the odd window, and by readers inside
	// their even one: a reader whose window did not overlap ours read
	// the clock before now, so it can never count past where we end
	// the stretch.
	c.seq.Add(1)
	now := monoNow()
	prev := cpuState(c.state.Load())
	if prev != offCPU {
		c.run.Store(c.run.Load() + now - c.since.Load())
	}
	c.state.Store(uint32(offCPU))
	c.seq.Add(1)
	return prev
}

// start begins a stretch on the CPU in state s (inUser or inSys).
func (c *cpuClock) start(s cpuState) {
	c.seq.Add(1)
	c.since.Store(monoNow())
	c.state.Store(uint32(s))
	c.seq.Add(1)
}

// onCPU is the time spent on the CPU so far, the current stretch included.
func (c *cpuClock) onCPU() int64 {
	for {
		seq := c.seq.Load()
		if seq&1 != 0 {
			runtime.Gosched() // the owner is mid-update
			continue
		}
		run, since, state := c.run.Load(), c.since.Load(), cpuState(c.state.Load())
		now := monoNow()
		if c.seq.Load() != seq {
			continue
		}
		if state != offCPU {
			run += now - since
		}
		return run
	}
}

// read returns the time so far split into user and system time.
func (c *cpuClock) read() cpuTimes {
	total := c.onCPU()
	u, s := c.userTicks.Load(), c.sysTicks.Load()
	c.mu.Lock()
	defer c.mu.Unlock()
	t := cpuTimes{user: total}
	if u+s != 0 {
		t.sys = int64(float64(total) * float64(s) / float64(u+s))
		t.user = total - t.sys
	}
	// Neither half may go back: time a new sample moves from one to the
	// other stays where an earlier reader saw it.
	if t.user < c.prev.user {
		t.user, t.sys = c.prev.user, total-c.prev.user
	}
	if t.sys < c.prev.sys {
		t.sys, t.user = c.prev.sys, total-c.prev.sys
	}
	if t.user < c.prev.user || total < c.prev.total() {
		t = c.prev // total went back? cannot happen; keep the clock monotonic anyway
	}
	c.prev = t
	return t
}

// goIdle takes the task off the CPU for a wait; goBusy puts it back into
// the state goIdle returned.
func (t *Task) goIdle() cpuState {
	prev := t.cpu.stop()
	if prev != offCPU {
		t.k.cpuRunning.Add(-1)
	}
	return prev
}

func (t *Task) goBusy(s cpuState) {
	if s == offCPU {
		return
	}
	t.cpu.start(s)
	if t.k.cpuRunning.Add(1) == 1 && t.k.cpuSampling.CompareAndSwap(false, true) {
		go t.k.sampleCPU()
	}
}

// sampleCPU is the tick of the user/system split: it runs while some task
// is on the CPU and ends when none is.
func (k *Kernel) sampleCPU() {
	tick := time.NewTicker(cpuTick)
	defer tick.Stop()
	for range tick.C {
		if k.cpuRunning.Load() <= 0 {
			k.cpuSampling.Store(false)
			// A task that started meanwhile may have seen the flag
			// still set and left the sampling to us.
			if k.cpuRunning.Load() <= 0 || !k.cpuSampling.CompareAndSwap(false, true) {
				return
			}
		}
		k.mu.Lock()
		for _, p := range k.procs {
			for _, t := range p.tasks {
				switch cpuState(t.cpu.state.Load()) {
				case inUser:
					t.cpu.userTicks.Add(1)
				case inSys:
					t.cpu.sysTicks.Add(1)
				}
			}
			k.checkCPUTimersLocked(p) // cputimer.go
			k.cpuTimersTickLocked(p)  // posixtimer.go
		}
		k.mu.Unlock()
	}
}

// ownCPULocked is p's own time: its live threads' and the ended ones'.
// Called with k.mu held.
func (p *Process) ownCPULocked() cpuTimes {
	c := p.usage.exited
	for _, t := range p.tasks {
		c.add(t.cpu.read())
	}
	return c
}

// totalCPULocked is what wait4 reports for child c: its own time and its
// reaped descendants'. Called with k.mu held.
func (c *Process) totalCPULocked() cpuTimes {
	t := c.ownCPULocked()
	t.add(c.usage.children)
	return t
}

// clockTicks is sysconf(_SC_CLK_TCK), the unit of times(2), /proc and
// SIGCHLD's si_utime.
const clockTicks = 100

func nsToTicks(ns int64) int64 { return ns / (1e9 / clockTicks) }

// clockNowLocked reads clock id for t (posix_cpu_clock_get for the
// CPU-time ones): CLOCK_PROCESS_CPUTIME_ID, CLOCK_THREAD_CPUTIME_ID and
// the negative ids of clock_getcpuclockid and pthread_getcpuclockid come
// from the accounting, the others from Kernel.clockNow. Called with k.mu
// held.
func (t *Task) clockNowLocked(id int32) (Timespec, abi.Errno) {
	var c cpuTimes
	which := int32(abi.CPUCLOCK_SCHED)
	switch {
	case id == abi.CLOCK_PROCESS_CPUTIME_ID:
		c = t.proc.ownCPULocked()
	case id == abi.CLOCK_THREAD_CPUTIME_ID:
		c = t.cpu.read()
	case id < 0:
		which = id & abi.CPUCLOCK_CLOCK_MASK
		if which == abi.CLOCKFD || !t.cpuClockTargetLocked(id) {
			return Timespec{}, abi.EINVAL // no clock descriptors (PTP devices) here
		}
		pid := int(^(id >> 3))
		if id&abi.CPUCLOCK_PERTHREAD_MASK != 0 {
			c = t.clockThreadLocked(pid).cpu.read()
		} else {
			c = t.clockProcessLocked(pid).ownCPULocked()
		}
	default:
		return t.k.clockNow(id)
	}
	ns := c.total()
	if which == abi.CPUCLOCK_VIRT {
		ns = c.user
	}
	return durTimespec(time.Duration(ns)), 0
}

// clockNow is clockNowLocked taking the lock.
func (t *Task) clockNow(id int32) (Timespec, abi.Errno) {
	t.k.mu.Lock()
	defer t.k.mu.Unlock()
	return t.clockNowLocked(id)
}

// cpuClockRes is clock_getres for a negative (CPU-time) clock id: the
// scheduler clock counts nanoseconds, the tick-sampled user and
// user+system clocks have a resolution of one tick (HZ 250).
func (t *Task) cpuClockRes(id int32) (Timespec, abi.Errno) {
	t.k.mu.Lock()
	ok := t.cpuClockTargetLocked(id)
	t.k.mu.Unlock()
	switch which := id & abi.CPUCLOCK_CLOCK_MASK; {
	case which == abi.CLOCKFD || !ok:
		return Timespec{}, abi.EINVAL
	case which == abi.CPUCLOCK_SCHED:
		return Timespec{Nsec: 1}, 0
	default:
		return Timespec{Nsec: 4000000}, 0
	}
}

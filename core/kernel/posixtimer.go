package kernel

import (
	"math"
	"time"

	"github.com/blink-go/blink/core/abi"
)

// POSIX per-process timers: timer_create(2), timer_settime(2),
// timer_gettime(2), timer_getoverrun(2), timer_delete(2).
//
// A timer belongs to its process (ids count from 0 per process and are
// not reused until they wrap), is not inherited by fork, is deleted by
// execve and stops when the process ends. Expiry runs on a Go timer, as
// ITIMER_REAL and timerfd do; its callback takes Kernel.mu, which guards
// every field here, and a sequence number makes callbacks of an earlier
// arming do nothing.
//
// Signals follow Linux's preallocated-sigqueue rule: while a timer's
// signal is still queued, further expirations are not queued again but
// counted in that siginfo's si_overrun. There is no hook when a signal is
// taken, so the timer notices lazily (syncLocked) that its signal has left
// the queue; the count it carried then becomes timer_getoverrun's answer.
// As on Linux since 6.13, re-arming or deleting a timer discards its
// queued signal (Linux drops it when it would be delivered; here it goes
// at once, so sigpending(2) stops showing it a little earlier).
//
// Timers on CPU-time clocks (CLOCK_PROCESS_CPUTIME_ID,
// CLOCK_THREAD_CPUTIME_ID and the per-process and per-thread ids
// clock_getcpuclockid makes, of this process or another) count the
// measured CPU time of what they name (cputime.go) and are checked at the
// CPU sampler's tick, as Linux checks them at its tick: profilers (Go's
// runtime uses per-thread CPU timers) see CPU time, not wall time.

// posixTimer is one timer; every field is guarded by Kernel.mu.
type posixTimer struct {
	p      *Process
	id     int32
	clock  int32 // the clock timer_settime's TIMER_ABSTIME reads
	notify int32 // SIGEV_SIGNAL (also SIGEV_THREAD, which libc builds on it), SIGEV_NONE or SIGEV_THREAD_ID
	signo  int32
	value  uint64 // sigev_value
	target *Task  // SIGEV_THREAD_ID's thread

	next time.Time // next expiry (host monotonic); zero when disarmed
	ival time.Duration
	// A CPU-time timer has cpu set and counts in cpuNext (CPU ns of its
	// target, 0 while disarmed) instead of next, without a Go timer.
	cpu     *cpuTarget
	cpuNext int64
	timer   *time.Timer
	seq     uint64

	queued  bool  // a signal of this timer is (as far as known) queued
	overrun int64 // expirations folded into the queued signal
	last    int64 // overrun count of the last signal taken (timer_getoverrun)
}

// posixTimers are a process's timers, guarded by Kernel.mu.
type posixTimers struct {
	nextID int32
	m      map[int32]*posixTimer
}

const (
	// maxPosixTimers bounds one process's timers (Linux's bound is
	// RLIMIT_SIGPENDING); more is EAGAIN, as when Linux cannot allocate.
	maxPosixTimers = 1 << 16
	// timerMinGap is the shortest wait the Go timer is armed for, so a
	// tiny interval cannot make blink spin; expirations it skips are
	// counted as overruns.
	timerMinGap = 100 * time.Microsecond
	// timerPendingGap spaces the Go timer while the previous signal is
	// still queued and expirations only add overruns.
	timerPendingGap = 4 * time.Millisecond
)

// timerClock checks a clock id for timer_create and returns the clock
// TIMER_ABSTIME values are read on. CPU clocks of another process or
// thread are checked later (cpuClockTargetLocked), as Linux does after
// the timer id is handed out.
func timerClock(clock int32) (int32, abi.Errno) {
	switch clock {
	case abi.CLOCK_REALTIME, abi.CLOCK_MONOTONIC, abi.CLOCK_BOOTTIME, abi.CLOCK_TAI,
		abi.CLOCK_PROCESS_CPUTIME_ID, abi.CLOCK_THREAD_CPUTIME_ID,
		abi.CLOCK_REALTIME_ALARM, abi.CLOCK_BOOTTIME_ALARM:
		return clock, 0
	case abi.CLOCK_MONOTONIC_RAW, abi.CLOCK_REALTIME_COARSE, abi.CLOCK_MONOTONIC_COARSE:
		return 0, abi.EOPNOTSUPP // clocks without timers
	}
	if clock >= 0 {
		return 0, abi.EINVAL
	}
	// Negative ids encode a CPU clock: ~pid << 3 | per-thread << 2 |
	// which (0 prof, 1 virt, 2 sched), or 3 for a clock descriptor,
	// whose clocks have no timers.
	if clock&abi.CPUCLOCK_CLOCK_MASK == abi.CLOCKFD {
		return 0, abi.EOPNOTSUPP
	}
	if clock&abi.CPUCLOCK_PERTHREAD_MASK != 0 {
		return abi.CLOCK_THREAD_CPUTIME_ID, 0
	}
	return abi.CLOCK_PROCESS_CPUTIME_ID, 0
}

// cpuClockTargetLocked is pid_for_clock for a negative clock id: pid 0
// is the caller; a per-thread clock must name a thread of the caller's
// process, a process clock a process. Called with k.mu held.
func (t *Task) cpuClockTargetLocked(clock int32) bool {
	if clock >= 0 {
		return true
	}
	pid := int(^(clock >> 3))
	if pid == 0 {
		return true
	}
	if clock&abi.CPUCLOCK_PERTHREAD_MASK != 0 {
		return t.clockThreadLocked(pid) != nil
	}
	return t.clockProcessLocked(pid) != nil
}

// clockThreadLocked is the thread a per-thread CPU clock names: 0 is the
// caller; others must be threads of the caller's process. Called with
// k.mu held.
func (t *Task) clockThreadLocked(tid int) *Task {
	if tid == 0 {
		return t
	}
	for _, tk := range t.proc.tasks {
		if tk.tid == tid {
			return tk
		}
	}
	return nil
}

// clockProcessLocked is the process a process CPU clock names: 0 is the
// caller's; others any process (not a thread that leads none). Called
// with k.mu held.
func (t *Task) clockProcessLocked(pid int) *Process {
	if pid == 0 {
		return t.proc
	}
	k := t.k
	if p := k.procs[pid]; p != nil && p != k.init {
		return p
	}
	return nil
}

func sysTimerCreate(t *Task, a *Args) (uint64, abi.Errno) {
	clock := int32(a[0])
	var ev [abi.SigeventSize]byte
	if a[1] != 0 {
		if e := t.copyIn(a[1], ev[:]); e != 0 {
			return 0, e
		}
	}
	base, e := timerClock(clock)
	if e != 0 {
		return 0, e
	}
	k, p := t.k, t.proc
	pt := &posixTimer{p: p, clock: base, notify: abi.SIGEV_SIGNAL, signo: abi.SIGALRM}

	// Like Linux, the id is taken before the event is checked and the id
	// written out, so a failure afterwards uses one up.
	k.mu.Lock()
	ts := &p.timers
	if len(ts.m) >= maxPosixTimers {
		k.mu.Unlock()
		return 0, abi.EAGAIN
	}
	for {
		pt.id = ts.nextID
		ts.nextID = (ts.nextID + 1) & math.MaxInt32
		if ts.m[pt.id] == nil {
			break
		}
	}
	if a[1] == 0 {
		pt.value = uint64(pt.id) // sival_int is the timer id
	} else {
		e = t.sigeventLocked(pt, ev[:])
	}
	k.mu.Unlock()
	if e != 0 {
		return 0, e
	}
	if e := t.writeU32(a[2], uint32(pt.id)); e != 0 {
		return 0, e
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	switch {
	case clock == abi.CLOCK_REALTIME_ALARM || clock == abi.CLOCK_BOOTTIME_ALARM:
		if p.creds.EUID != 0 {
			return 0, abi.EPERM // CAP_WAKE_ALARM
		}
	case !t.cpuClockTargetLocked(clock):
		return 0, abi.EINVAL
	}
	if base == abi.CLOCK_PROCESS_CPUTIME_ID || base == abi.CLOCK_THREAD_CPUTIME_ID {
		pt.cpu = t.cpuTargetLocked(clock)
	}
	if ts.m == nil {
		ts.m = make(map[int32]*posixTimer)
	}
	ts.m[pt.id] = pt
	return 0, 0
}

// cpuTarget is what a CPU-time timer counts: a process's time or one
// thread's, all of it or (CPUCLOCK_VIRT) the user part.
type cpuTarget struct {
	proc *Process
	task *Task
	virt bool
}

// cpuTargetLocked resolves a CPU clock id already checked by
// cpuClockTargetLocked. Called with k.mu held.
func (t *Task) cpuTargetLocked(clock int32) *cpuTarget {
	switch {
	case clock == abi.CLOCK_PROCESS_CPUTIME_ID:
		return &cpuTarget{proc: t.proc}
	case clock == abi.CLOCK_THREAD_CPUTIME_ID:
		return &cpuTarget{task: t}
	}
	id := int(^(clock >> 3))
	c := &cpuTarget{virt: clock&abi.CPUCLOCK_CLOCK_MASK == abi.CPUCLOCK_VIRT}
	if clock&abi.CPUCLOCK_PERTHREAD_MASK != 0 {
		c.task = t.clockThreadLocked(id)
	} else {
		c.proc = t.clockProcessLocked(id)
	}
	return c
}

// nowLocked reads the target's CPU time; ok is false once it has gone.
// Called with k.mu held.
func (c *cpuTarget) nowLocked() (ns int64, ok bool) {
	var ct cpuTimes
	switch {
	case c.task != nil:
		ct, ok = c.task.cpu.read(), !c.task.exited.Load()
	default:
		ct, ok = c.proc.ownCPULocked(), !c.proc.zombie
	}
	if c.virt {
		return ct.user, ok
	}
	return ct.total(), ok
}

// sigeventLocked is good_sigevent: struct sigevent is sigev_value (8
// bytes), sigev_signo, sigev_notify, then the target thread id. Called
// with k.mu held.
func (t *Task) sigeventLocked(pt *posixTimer, ev []byte) abi.Errno {
	pt.value = rd64(ev[0:])
	pt.signo = int32(rd32(ev[8:]))
	pt.notify = int32(rd32(ev[12:]))
	switch pt.notify {
	case abi.SIGEV_THREAD_ID:
		tid := int(int32(rd32(ev[16:])))
		for _, tk := range t.proc.tasks {
			if tk.tid == tid && !tk.exited.Load() {
				pt.target = tk
			}
		}
		if pt.target == nil {
			return abi.EINVAL
		}
		fallthrough
	case abi.SIGEV_SIGNAL, abi.SIGEV_THREAD:
		if pt.signo <= 0 || pt.signo > abi.NSIG {
			return abi.EINVAL
		}
		if pt.notify == abi.SIGEV_THREAD {
			pt.notify = abi.SIGEV_SIGNAL // libc runs the thread; the kernel just signals
		}
	case abi.SIGEV_NONE:
	default:
		return abi.EINVAL
	}
	return 0
}

// timerLocked finds the caller's timer id. Called with k.mu held.
func (t *Task) timerLocked(id uint64) *posixTimer {
	return t.proc.timers.m[int32(id)]
}

func sysTimerSettime(t *Task, a *Args) (uint64, abi.Errno) {
	flags := int32(a[1])
	if a[2] == 0 {
		return 0, abi.EINVAL
	}
	ival, val, e := t.readItimerspec(a[2])
	if e != 0 {
		return 0, e
	}
	k := t.k
	k.mu.Lock()
	pt := t.timerLocked(a[0])
	if pt == nil {
		k.mu.Unlock()
		return 0, abi.EINVAL
	}
	oldIval, oldVal := pt.getLocked()
	arm := val.Sec != 0 || val.Nsec != 0
	delay := tsDur(val)
	if arm && flags&abi.TIMER_ABSTIME != 0 {
		// Other flags are ignored, as by Linux.
		if pt.cpu != nil {
			now, _ := pt.cpu.nowLocked()
			delay = max(delay-time.Duration(now), 0)
		} else {
			now, _ := t.clockNowLocked(pt.clock)
			delay = max(delay-tsDur(now), 0)
		}
	}
	k.armPosixTimerLocked(pt, delay, tsDur(ival), arm)
	k.mu.Unlock()
	if a[3] != 0 {
		return 0, t.putItimerspec(a[3], oldIval, oldVal)
	}
	return 0, 0
}

func sysTimerGettime(t *Task, a *Args) (uint64, abi.Errno) {
	k := t.k
	k.mu.Lock()
	pt := t.timerLocked(a[0])
	if pt == nil {
		k.mu.Unlock()
		return 0, abi.EINVAL
	}
	ival, val := pt.getLocked()
	k.mu.Unlock()
	return 0, t.putItimerspec(a[1], ival, val)
}

func sysTimerGetoverrun(t *Task, a *Args) (uint64, abi.Errno) {
	k := t.k
	k.mu.Lock()
	defer k.mu.Unlock()
	pt := t.timerLocked(a[0])
	if pt == nil {
		return 0, abi.EINVAL
	}
	pt.syncLocked()
	return uint64(pt.last), 0
}

func sysTimerDelete(t *Task, a *Args) (uint64, abi.Errno) {
	k := t.k
	k.mu.Lock()
	defer k.mu.Unlock()
	pt := t.timerLocked(a[0])
	if pt == nil {
		return 0, abi.EINVAL
	}
	k.armPosixTimerLocked(pt, 0, 0, false)
	delete(t.proc.timers.m, pt.id)
	return 0, 0
}

// getLocked is common_timer_get: the interval, and the time to the next
// expiry. An interval timer whose expiry has passed (its signal not yet
// re-armed, or SIGEV_NONE, which never fires) reports the next period; a
// signalling timer due but not yet fired reports 1 ns; an expired one-shot
// reports 0.
func (pt *posixTimer) getLocked() (ival, val time.Duration) {
	if pt.cpu != nil {
		if pt.cpuNext == 0 {
			return pt.ival, 0
		}
		now, _ := pt.cpu.nowLocked()
		if left := time.Duration(pt.cpuNext - now); left > 0 {
			return pt.ival, left
		}
		if pt.notify == abi.SIGEV_NONE {
			return pt.ival, 0
		}
		return pt.ival, 1
	}
	if pt.next.IsZero() {
		return pt.ival, 0
	}
	left := time.Until(pt.next)
	if left <= 0 && pt.ival > 0 {
		left += (-left/pt.ival + 1) * pt.ival
	}
	if left <= 0 {
		if pt.notify == abi.SIGEV_NONE {
			return pt.ival, 0
		}
		return pt.ival, 1
	}
	return pt.ival, left
}

// armPosixTimerLocked (re)arms pt to expire after delay and then every
// ival, or disarms it. Either way the old arming's queued signal is
// discarded and the overrun counts restart. Called with k.mu held.
func (k *Kernel) armPosixTimerLocked(pt *posixTimer, delay, ival time.Duration, arm bool) {
	if pt.timer != nil {
		pt.timer.Stop()
		pt.timer = nil
	}
	pt.seq++
	pt.dropSignalLocked()
	pt.last, pt.overrun = 0, 0
	pt.next, pt.ival, pt.cpuNext = time.Time{}, 0, 0
	if !arm {
		return
	}
	pt.ival = ival
	if pt.cpu != nil {
		// The tick fires it (cpuTimersTickLocked); 1 ns stands for
		// "armed at CPU time 0".
		now, _ := pt.cpu.nowLocked()
		pt.cpuNext = max(now+int64(delay), 1)
		return
	}
	pt.next = time.Now().Add(delay)
	if pt.notify != abi.SIGEV_NONE {
		k.schedulePosixTimerLocked(pt, 0)
	}
}

// schedulePosixTimerLocked starts the Go timer for pt.next, at least gap
// from now. Called with k.mu held.
func (k *Kernel) schedulePosixTimerLocked(pt *posixTimer, gap time.Duration) {
	pt.seq++
	seq := pt.seq
	d := max(time.Until(pt.next), gap, timerMinGap)
	pt.timer = time.AfterFunc(d, func() { k.posixTimerFire(pt, seq) })
}

func (k *Kernel) posixTimerFire(pt *posixTimer, seq uint64) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if pt.seq != seq || pt.next.IsZero() {
		return // re-armed, disarmed or deleted since
	}
	pt.timer = nil
	p := pt.p
	if p.dying || p.zombie {
		return
	}
	now := time.Now()
	if now.Before(pt.next) {
		// The Go timer ran early for the clock (it never does by more
		// than its granularity): wait for the rest.
		k.schedulePosixTimerLocked(pt, 0)
		return
	}
	n := int64(1)
	if pt.ival > 0 {
		// Every period that has passed is an expiration.
		n = int64(now.Sub(pt.next)/pt.ival) + 1
		pt.next = pt.next.Add(time.Duration(n) * pt.ival)
	} else {
		pt.next = time.Time{}
	}
	wasQueued := pt.signalLocked(n)
	if pt.notify == abi.SIGEV_THREAD_ID && pt.target.exited.Load() {
		return // no thread to signal any more: stop the Go timer
	}
	if pt.ival > 0 {
		gap := time.Duration(0)
		if wasQueued {
			gap = timerPendingGap
		}
		k.schedulePosixTimerLocked(pt, gap)
	}
}

// signalLocked reports n expirations: they add to the overrun count of
// the signal still queued (and it reports true), or queue a new signal
// carrying n-1 overruns. Called with k.mu held.
func (pt *posixTimer) signalLocked(n int64) bool {
	pt.syncLocked()
	if pt.queued {
		pt.overrun += n
		if q, i := pt.findLocked(); i >= 0 {
			q.infos[i].UID = overrunInt(pt.overrun)
		}
		return true
	}
	pt.overrun = n - 1
	si := Siginfo{Signo: pt.signo, Code: abi.SI_TIMER, Pid: pt.id, UID: overrunInt(pt.overrun), Value: pt.value}
	k := pt.p.k
	if pt.notify == abi.SIGEV_THREAD_ID {
		if pt.target.exited.Load() {
			return false // the thread is gone: Linux finds no task to signal
		}
		k.sendLocked(pt.p, pt.target, &si)
	} else {
		k.sendLocked(pt.p, nil, &si)
	}
	pt.queued = true
	return false
}

// overrunInt is si_overrun, capped at DELAYTIMER_MAX (INT_MAX).
func overrunInt(n int64) uint32 { return uint32(min(n, math.MaxInt32)) }

// queue is where pt's signals go.
func (pt *posixTimer) queue() *sigQueue {
	if pt.notify == abi.SIGEV_THREAD_ID {
		return &pt.target.pending
	}
	return &pt.p.shared
}

// findLocked returns the queue and index of pt's queued signal, -1 if
// none. Called with k.mu held.
func (pt *posixTimer) findLocked() (*sigQueue, int) {
	q := pt.queue()
	for i := range q.infos {
		si := &q.infos[i]
		if si.Code == abi.SI_TIMER && si.Pid == pt.id && si.Signo == pt.signo {
			return q, i
		}
	}
	return q, -1
}

// syncLocked notices that the queued signal has been taken (delivered,
// waited for or discarded): its overrun count is the one
// timer_getoverrun reports from then on. Called with k.mu held.
func (pt *posixTimer) syncLocked() {
	if !pt.queued {
		return
	}
	if _, i := pt.findLocked(); i < 0 {
		pt.queued = false
		pt.last = int64(overrunInt(pt.overrun))
		pt.overrun = 0
	}
}

// dropSignalLocked removes pt's queued signal, if any. Called with k.mu
// held.
func (pt *posixTimer) dropSignalLocked() {
	if !pt.queued {
		return
	}
	pt.queued = false
	q, i := pt.findLocked()
	if i < 0 {
		return
	}
	sig := q.infos[i].Signo
	q.infos = append(q.infos[:i], q.infos[i+1:]...)
	for _, si := range q.infos {
		if si.Signo == sig {
			return // another instance keeps the signal pending
		}
	}
	q.mask &^= sigBit(int(sig))
	for _, tk := range pt.p.tasks {
		tk.recalc()
	}
}

// deleteProcessTimers deletes every timer of p (execve).
func (k *Kernel) deleteProcessTimers(p *Process) {
	k.mu.Lock()
	defer k.mu.Unlock()
	for id, pt := range p.timers.m {
		k.armPosixTimerLocked(pt, 0, 0, false)
		delete(p.timers.m, id)
	}
}

// stopProcessTimers stops p's timers when it exits.
func (k *Kernel) stopProcessTimers(p *Process) { k.deleteProcessTimers(p) }

// cpuTimersTickLocked fires p's CPU-time timers whose target has used
// their CPU time: every period passed is an expiration, reported as
// overruns. Called at the CPU sampler's tick with k.mu held.
func (k *Kernel) cpuTimersTickLocked(p *Process) {
	if p.dying || p.zombie {
		return
	}
	for _, pt := range p.timers.m {
		if pt.cpu == nil || pt.cpuNext == 0 || pt.notify == abi.SIGEV_NONE {
			continue
		}
		now, ok := pt.cpu.nowLocked()
		if !ok || now < pt.cpuNext {
			continue
		}
		n := int64(1)
		if pt.ival > 0 {
			n += (now - pt.cpuNext) / int64(pt.ival)
			pt.cpuNext += n * int64(pt.ival)
		} else {
			pt.cpuNext = 0
		}
		pt.signalLocked(n)
	}
}

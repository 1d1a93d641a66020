package kernel

import (
	"runtime"

	"github.com/blink-go/blink/core/abi"
)

// Scheduling: policies and real-time priorities (sched_setscheduler and
// relatives), CPU affinity, sched_rr_get_interval, getcpu and
// sched_yield. Every guest thread is a goroutine that the Go scheduler
// runs on any host core, so nothing here changes how threads run: the
// settings are recorded per thread with Linux's validation and
// permission rules, and read back as Linux would report them. The guest
// sees one CPU per host CPU Go may use, numbered from 0, on node 0.

// taskSched is a thread's scheduling state, guarded by Kernel.mu.
type taskSched struct {
	policy      int32 // SCHED_NORMAL, SCHED_FIFO...
	priority    int32 // real-time priority, 1..99 under SCHED_FIFO/SCHED_RR, else 0
	resetOnFork bool
	// SCHED_DEADLINE's parameters, in ns (sys_sched_attr.go).
	dlRuntime, dlDeadline, dlPeriod uint64
	// cpus is the affinity mask, bit n for CPU n; nil means every CPU.
	// A mask is never changed in place, so copies may share it.
	cpus []uint64
}

func (s *taskSched) realtime() bool {
	return s.policy == abi.SCHED_FIFO || s.policy == abi.SCHED_RR
}

// forked is the state a new thread or process starts with: its
// creator's, except that SCHED_RESET_ON_FORK sends real-time policies back
// to SCHED_NORMAL and is itself cleared (sched_fork).
func (s taskSched) forked() taskSched {
	if s.resetOnFork {
		if s.realtime() {
			s.policy, s.priority = abi.SCHED_NORMAL, 0
		}
		s.resetOnFork = false
	}
	return s
}

// numCPU is how many CPUs the guest sees (Linux's nr_cpu_ids).
func numCPU() int { return runtime.NumCPU() }

// cpumaskBytes is the size of a kernel cpumask: whole longs.
func cpumaskBytes() int { return (numCPU() + 63) / 64 * 8 }

// allowed returns the affinity mask as bits, every online CPU for nil.
func (s *taskSched) allowed() []uint64 {
	if s.cpus != nil {
		return s.cpus
	}
	n := numCPU()
	m := make([]uint64, (n+63)/64)
	for i := range n {
		m[i/64] |= 1 << (i % 64)
	}
	return m
}

// schedTargetLocked is find_process_by_pid: 0 is the caller, any other
// number a thread anywhere in the system (a process id names its group
// leader). The virtual init has no thread and is not found. Called with
// k.mu held.
func (t *Task) schedTargetLocked(pid int32) *Task {
	if pid == 0 {
		return t
	}
	k := t.k
	if tk := k.threadLocked(int(pid)); tk != nil {
		return tk
	}
	p := k.procs[int(pid)]
	if p == nil || p == k.init || len(p.tasks) == 0 {
		return nil
	}
	// The leader has ended while other threads run; Linux still finds
	// its task, which shares the group's settings.
	return p.tasks[0]
}

// mayScheduleLocked is check_same_owner: the caller's effective uid is the
// target's effective or real uid. Root (CAP_SYS_NICE) may act on anyone.
func (t *Task) mayScheduleLocked(target *Task) bool {
	me, tp := t.proc, target.proc
	me.mu.Lock()
	euid := me.creds.EUID
	me.mu.Unlock()
	if euid == 0 {
		return true
	}
	tp.mu.Lock()
	defer tp.mu.Unlock()
	return euid == tp.creds.EUID || euid == tp.creds.RUID
}

func validPolicy(policy int32) bool {
	switch policy {
	case abi.SCHED_NORMAL, abi.SCHED_FIFO, abi.SCHED_RR, abi.SCHED_BATCH, abi.SCHED_IDLE, abi.SCHED_DEADLINE:
		return true
	}
	return false
}

func sysSchedGetPriorityMax(t *Task, a *Args) (uint64, abi.Errno) {
	switch int32(a[0]) {
	case abi.SCHED_FIFO, abi.SCHED_RR:
		return abi.MAX_RT_PRIO - 1, 0
	case abi.SCHED_NORMAL, abi.SCHED_BATCH, abi.SCHED_IDLE, abi.SCHED_DEADLINE:
		return 0, 0
	}
	return 0, abi.EINVAL
}

func sysSchedGetPriorityMin(t *Task, a *Args) (uint64, abi.Errno) {
	switch int32(a[0]) {
	case abi.SCHED_FIFO, abi.SCHED_RR:
		return 1, 0
	case abi.SCHED_NORMAL, abi.SCHED_BATCH, abi.SCHED_IDLE, abi.SCHED_DEADLINE:
		return 0, 0
	}
	return 0, abi.EINVAL
}

// setparamPolicy is SETPARAM_POLICY: keep the current policy.
const setparamPolicy = -1

func sysSchedSetscheduler(t *Task, a *Args) (uint64, abi.Errno) {
	policy := int32(a[1])
	if policy < 0 {
		return 0, abi.EINVAL
	}
	return 0, t.setScheduler(int32(a[0]), policy, a[2])
}

func sysSchedSetparam(t *Task, a *Args) (uint64, abi.Errno) {
	return 0, t.setScheduler(int32(a[0]), setparamPolicy, a[1])
}

// setScheduler is do_sched_setscheduler and __sched_setscheduler: the
// argument, lookup, policy and priority checks in Linux's order, then the
// permission rules for unprivileged callers.
func (t *Task) setScheduler(pid, policy int32, param uint64) abi.Errno {
	if param == 0 || pid < 0 {
		return abi.EINVAL
	}
	var b [4]byte // struct sched_param
	if e := t.copyIn(param, b[:]); e != 0 {
		return e
	}
	prio := rd32(b[:]) // compared unsigned, as sched_attr's __u32
	k := t.k
	k.mu.Lock()
	defer k.mu.Unlock()
	target := t.schedTargetLocked(pid)
	if target == nil {
		return abi.ESRCH
	}
	cur := &target.sched
	reset := cur.resetOnFork
	if policy == setparamPolicy {
		policy = cur.policy
	} else {
		reset = policy&abi.SCHED_RESET_ON_FORK != 0
		policy &^= abi.SCHED_RESET_ON_FORK
		if !validPolicy(policy) {
			return abi.EINVAL
		}
	}
	rt := policy == abi.SCHED_FIFO || policy == abi.SCHED_RR
	if prio > abi.MAX_RT_PRIO-1 || rt != (prio != 0) || policy == abi.SCHED_DEADLINE {
		// SCHED_DEADLINE needs sched_setattr's runtime and deadline;
		// through this call they are zero, which is invalid.
		return abi.EINVAL
	}
	if e := t.schedPermLocked(target, policy, int32(prio), reset); e != 0 {
		return e
	}
	cur.policy, cur.priority, cur.resetOnFork = policy, int32(prio), reset
	return 0
}

// schedPermLocked is user_check_sched_setscheduler. Called with k.mu held.
func (t *Task) schedPermLocked(target *Task, policy, prio int32, reset bool) abi.Errno {
	me := t.proc
	me.mu.Lock()
	priv := me.creds.EUID == 0
	me.mu.Unlock()
	if priv {
		return 0 // CAP_SYS_NICE
	}
	tp, cur := target.proc, &target.sched
	tp.mu.Lock()
	rtprio := tp.rlimits[abi.RLIMIT_RTPRIO][0]
	nicelim := tp.rlimits[abi.RLIMIT_NICE][0]
	tp.mu.Unlock()
	if policy == abi.SCHED_FIFO || policy == abi.SCHED_RR {
		if policy != cur.policy && rtprio == 0 {
			return abi.EPERM
		}
		if prio > cur.priority && uint64(prio) > rtprio {
			return abi.EPERM
		}
	}
	// SCHED_IDLE counts as nice 20: leaving it takes the RLIMIT_NICE that
	// the current nice value would need.
	if cur.policy == abi.SCHED_IDLE && policy != abi.SCHED_IDLE && uint64(20-tp.nice) > nicelim {
		return abi.EPERM
	}
	if !t.mayScheduleLocked(target) {
		return abi.EPERM
	}
	if cur.resetOnFork && !reset {
		return abi.EPERM
	}
	return 0
}

func sysSchedGetscheduler(t *Task, a *Args) (uint64, abi.Errno) {
	pid := int32(a[0])
	if pid < 0 {
		return 0, abi.EINVAL
	}
	k := t.k
	k.mu.Lock()
	defer k.mu.Unlock()
	target := t.schedTargetLocked(pid)
	if target == nil {
		return 0, abi.ESRCH
	}
	r := uint64(target.sched.policy)
	if target.sched.resetOnFork {
		r |= abi.SCHED_RESET_ON_FORK
	}
	return r, 0
}

func sysSchedGetparam(t *Task, a *Args) (uint64, abi.Errno) {
	pid := int32(a[0])
	if a[1] == 0 || pid < 0 {
		return 0, abi.EINVAL
	}
	k := t.k
	k.mu.Lock()
	target := t.schedTargetLocked(pid)
	var prio int32
	if target != nil {
		prio = target.sched.priority
	}
	k.mu.Unlock()
	if target == nil {
		return 0, abi.ESRCH
	}
	return 0, t.writeU32(a[1], uint32(prio))
}

// rrTimeslice is RR_TIMESLICE, SCHED_RR's quantum (100 ms). SCHED_FIFO
// has none; for the fair classes Linux reports the task's slice in whole
// jiffies, which with EEVDF's 0.75 ms base slice is 0.
const rrTimeslice = 100_000_000

func sysSchedRrGetInterval(t *Task, a *Args) (uint64, abi.Errno) {
	pid := int32(a[0])
	if pid < 0 {
		return 0, abi.EINVAL
	}
	k := t.k
	k.mu.Lock()
	target := t.schedTargetLocked(pid)
	var ns int64
	if target != nil && target.sched.policy == abi.SCHED_RR {
		ns = rrTimeslice
	}
	k.mu.Unlock()
	if target == nil {
		return 0, abi.ESRCH
	}
	return 0, t.putTimespec(a[1], Timespec{Sec: ns / 1e9, Nsec: ns % 1e9})
}

// sysSchedSetaffinity records a thread's CPU mask. Linux reads
// min(len, cpumask size) bytes (a shorter mask leaves the rest clear),
// then keeps only online CPUs and refuses a mask with none.
func sysSchedSetaffinity(t *Task, a *Args) (uint64, abi.Errno) {
	pid, size := int32(a[0]), int(uint32(a[1]))
	b := make([]byte, cpumaskBytes())
	if e := t.copyIn(a[2], b[:min(size, len(b))]); e != 0 {
		return 0, e
	}
	n := numCPU()
	mask := make([]uint64, len(b)/8)
	any := false
	for i := range mask {
		mask[i] = rd64(b[8*i:])
		if hi := n - 64*i; hi < 64 {
			mask[i] &= 1<<max(hi, 0) - 1
		}
		any = any || mask[i] != 0
	}
	k := t.k
	k.mu.Lock()
	defer k.mu.Unlock()
	target := t.schedTargetLocked(pid)
	if target == nil {
		return 0, abi.ESRCH
	}
	if !t.mayScheduleLocked(target) {
		return 0, abi.EPERM
	}
	if !any {
		return 0, abi.EINVAL
	}
	target.sched.cpus = mask
	return 0, 0
}

// sysSchedGetaffinity returns the size of the kernel's cpumask (whole
// longs), after EINVAL for a buffer too small for every CPU or not made
// of longs.
func sysSchedGetaffinity(t *Task, a *Args) (uint64, abi.Errno) {
	pid, size := int32(a[0]), uint64(uint32(a[1]))
	if size*8 < uint64(numCPU()) || size&7 != 0 {
		return 0, abi.EINVAL
	}
	k := t.k
	k.mu.Lock()
	target := t.schedTargetLocked(pid)
	var mask []uint64
	if target != nil {
		mask = target.sched.allowed()
	}
	k.mu.Unlock()
	if target == nil {
		return 0, abi.ESRCH
	}
	b := make([]byte, min(size, uint64(cpumaskBytes())))
	for i, w := range mask {
		le64(b[8*i:], w)
	}
	if e := t.copyOut(a[2], b); e != 0 {
		return 0, e
	}
	return uint64(len(b)), 0
}

// sysGetcpu reports a CPU the thread may run on: of its allowed CPUs, the
// one its thread id picks, so threads spread over CPUs yet each always
// answers the same. Every CPU is on node 0. Either pointer may be NULL.
func sysGetcpu(t *Task, a *Args) (uint64, abi.Errno) {
	k := t.k
	k.mu.Lock()
	cpu := t.sched.cpu(t.tid)
	k.mu.Unlock()
	var e abi.Errno
	if a[0] != 0 {
		e = t.writeU32(a[0], uint32(cpu))
	}
	if a[1] != 0 {
		if e2 := t.writeU32(a[1], 0); e2 != 0 {
			e = e2
		}
	}
	return 0, e
}

// cpu picks the thread's CPU. Called with k.mu held.
func (s *taskSched) cpu(tid int) int {
	mask := s.allowed()
	count := 0
	for _, w := range mask {
		for ; w != 0; w &= w - 1 {
			count++
		}
	}
	if count == 0 {
		return 0
	}
	pick := tid % count
	for i, w := range mask {
		for bit := 0; bit < 64; bit++ {
			if w&(1<<bit) != 0 {
				if pick == 0 {
					return 64*i + bit
				}
				pick--
			}
		}
	}
	return 0
}

func sysSchedYield(t *Task, a *Args) (uint64, abi.Errno) {
	runtime.Gosched()
	return 0, 0
}

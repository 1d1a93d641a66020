package kernel

import (
	"github.com/blink-go/blink/core/abi"
	"github.com/blink-go/blink/core/x86"
)

// Threads: clone(CLONE_THREAD), clone3, thread exit.
//
// Every guest thread is a Task running on its own goroutine, so threads
// run in parallel on as many host cores as Go gives them. Threads share
// the Process: its Space and Engine (whose block map is locked and whose
// lookup caches are per Run call), descriptor table, dispositions and
// shared signal queue. A thread owns its Machine, signal mask, pending
// set, alternate stack, clear_child_tid and robust list.
//
// Guest memory ordering: x86 is TSO. Aligned loads and stores of up to 8
// bytes are single host accesses (Linear mode: one MOV; Virtual mode: one
// access to the page array), LOCK-prefixed instructions, XCHG and
// CMPXCHG8B/16B use mem.Space's CAS, and a Go atomic is at least as strong
// as MFENCE, so the host (amd64: TSO too; arm64: see below) never shows a
// guest thread a torn aligned value. On weaker hosts (arm64, s390x is TSO)
// plain stores may become visible out of order between guest threads;
// guest code that synchronises does so with LOCK operations, which are
// sequentially consistent here, and that is what Go and glibc rely on.
//
// The race detector and guest memory: Linear memory lives outside the Go
// heap, so -race does not track it and guest data races (which are the
// guest's business, and often intended: spin locks, seqlocks) are not
// reported; the kernel's own state stays fully checked. In Virtual mode
// guest pages are Go arrays and -race would report intended guest races,
// so threaded tests run in Linear mode.
//
// Thread exit (exit(2), or the whole group through exit_group or a fatal
// signal) releases the thread's robust futexes, clears and wakes
// clear_child_tid, and drops the thread from its process; the last one
// ends the process (procexit.go). The group leader's goroutine, which
// Kernel.Exec waits on, stays until the whole process is done.

// cloneThread creates a thread in t's process.
func (t *Task) cloneThread(flags, stack, ptid, ctid, tls uint64) (uint64, abi.Errno) {
	k, p := t.k, t.proc
	tid := k.allocPID()
	ct := newTask(k, p, tid)
	cm := new(x86.Machine)
	*cm = *t.m
	cm.Env, cm.Cur, cm.Icount = ct, nil, 0
	cm.ClearStop()
	cm.R[x86.RAX] = 0
	if stack != 0 {
		cm.R[x86.RSP] = stack
	}
	if flags&abi.CLONE_SETTLS != 0 {
		cm.FSBase = tls
	}
	ct.m = cm
	ct.sigmask = t.sigmask
	ct.altstack = [3]uint64{0, abi.SS_DISABLE, 0}
	t.threadCreated(ct) // name, prctl and scheduling state (sys_prctl.go)
	if flags&abi.CLONE_CHILD_CLEARTID != 0 {
		ct.clearChildTID = ctid
	}
	if flags&abi.CLONE_CHILD_SETTID != 0 {
		ct.writeU32(ctid, uint32(tid))
	}
	if flags&abi.CLONE_PARENT_SETTID != 0 {
		t.writeU32(ptid, uint32(tid))
	}
	k.mu.Lock()
	if p.dying || t.exited.Load() {
		k.mu.Unlock()
		return 0, errRestartSys
	}
	p.mu.Lock()
	p.tasks = append(p.tasks, ct)
	p.live++
	p.mu.Unlock()
	if k.threads == nil {
		k.threads = make(map[int]*Task)
	}
	k.threads[tid] = ct
	ct.recalc()
	k.mu.Unlock()
	go ct.runThread()
	return uint64(tid), 0
}

// runThread is the goroutine of a thread other than the group leader.
func (t *Task) runThread() {
	t.goBusy(inUser)
	t.loop()
	t.exit()
}

// exitThread is the thread side of exit(): robust futexes and the
// clear_child_tid wake-up, while the address space is certainly alive
// (this task still counts in Process.live).
func (t *Task) exitThread() {
	t.exitRobustList()
	if a := t.clearChildTID; a != 0 {
		t.clearChildTID = 0
		if t.writeU32(a, 0) == 0 {
			t.futexWake(a, 1)
		}
	}
}

// sysClone3 reads struct clone_args. glibc 2.34+ tries clone3 first for
// threads and posix_spawn; implementing it (rather than ENOSYS) keeps
// their first choice working.
func sysClone3(t *Task, a *Args) (uint64, abi.Errno) {
	size := a[1]
	if size < abi.CloneArgsSizeVer0 || size > 4096 {
		return 0, abi.EINVAL
	}
	b := make([]byte, size)
	if e := t.copyIn(a[0], b); e != 0 {
		return 0, e
	}
	// Fields past what we know must be zero (copy_struct_from_user).
	for _, c := range b[min(size, abi.CloneArgsSizeVer2):] {
		if c != 0 {
			return 0, abi.E2BIG
		}
	}
	var f [11]uint64
	for i := range f {
		if 8*i+8 <= len(b) {
			f[i] = rd64(b[8*i:])
		}
	}
	flags, pidfd, childTID, parentTID, exitSig, stack, stackSize, tls := f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7]
	_ = pidfd
	if f[9] != 0 { // set_tid_size
		return 0, abi.EPERM
	}
	if flags&(abi.CLONE_INTO_CGROUP) != 0 {
		return 0, abi.EINVAL
	}
	if exitSig&^abi.CSIGNAL != 0 || flags&abi.CSIGNAL != 0 {
		return 0, abi.EINVAL
	}
	if flags&(abi.CLONE_THREAD|abi.CLONE_PARENT) != 0 && exitSig != 0 {
		return 0, abi.EINVAL
	}
	if (stack == 0) != (stackSize == 0) {
		return 0, abi.EINVAL
	}
	sp := uint64(0)
	if stack != 0 {
		sp = stack + stackSize // x86 stacks grow down
	}
	return t.clone(flags&0xffffffff|exitSig, sp, parentTID, childTID, tls)
}

// membarrier: every guest memory access is already ordered as a host
// atomic would order it by the time a syscall returns (goroutines
// synchronise through the kernel's locks), so the commands only need to
// be accepted.
func sysMembarrier(t *Task, a *Args) (uint64, abi.Errno) {
	const supported = abi.MEMBARRIER_CMD_GLOBAL | abi.MEMBARRIER_CMD_GLOBAL_EXPEDITED |
		abi.MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED | abi.MEMBARRIER_CMD_PRIVATE_EXPEDITED |
		abi.MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED
	cmd := int(int32(a[0]))
	switch {
	case cmd == abi.MEMBARRIER_CMD_QUERY:
		return supported, 0
	case cmd&supported == cmd && cmd != 0 && cmd&(cmd-1) == 0:
		return 0, 0
	}
	return 0, abi.EINVAL
}

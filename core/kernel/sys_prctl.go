package kernel

import (
	"path"
	"sync/atomic"

	"github.com/blink-go/blink/core/abi"
)

// prctl(2): thread names, the parent-death signal, child subreapers,
// dumpable, no_new_privs, keepcaps and securebits, the capability
// bounding set, timer slack, and the x86-64 answers to the options that
// concern other architectures. The order of the checks follows
// kernel/sys.c, after security/commoncap.c's cap_task_prctl, which Linux
// consults first.
//
// The parent-death signal belongs to a thread and fires when the thread
// that created the child ends (Linux's real_parent is a thread), not when
// the parent process does; procexit.go hands the children of an ending
// thread to a live thread of the same process and sends it then.

// taskPrctl is a thread's prctl state. comm is guarded by Process.mu
// (/proc reads it there); pdeathsig is accessed atomically, because the
// ending parent reads it and an identity change clears it with
// Process.mu held; the other fields only the thread itself touches.
type taskPrctl struct {
	comm       string // the name of a thread other than the group leader (the leader's is Process.info.comm)
	pdeathsig  int32
	noNewPrivs bool
	timerslack uint64 // ns; 0 stands for defaultTimerslack
	mceKill    int    // PR_MCE_KILL policy: 0 default, else PR_MCE_KILL_EARLY+1 or PR_MCE_KILL_LATE+1
}

// defaultTimerslack is Linux's timer slack for normal threads, 50 µs.
const defaultTimerslack = 50000

// procPrctl is a process's prctl state.
type procPrctl struct {
	// Under Kernel.mu, with the family tree.
	subreaper bool // PR_SET_CHILD_SUBREAPER
	// parentTID is the thread of the parent that created this process:
	// its end is the parent death PR_SET_PDEATHSIG waits for.
	parentTID int

	// Under Process.mu, with the credentials.
	undumpable bool   // PR_SET_DUMPABLE 0, or an identity change
	securebits uint32 // SECBIT_* (PR_SET_SECUREBITS, PR_SET_KEEPCAPS)
	capDropped uint64 // capabilities dropped from the bounding set
	thpDisable bool   // PR_SET_THP_DISABLE
	// caps are the sets capset gave, until execve; nil: those of the
	// process's effective user (sys_caps.go).
	caps *capSets
	// persona is personality(2)'s value: fork and execve keep it.
	persona uint32
}

func sysPrctl(t *Task, a *Args) (uint64, abi.Errno) {
	option := int32(a[0])
	if r, e, done := t.capPrctl(option, a[1], a[2], a[3], a[4]); done {
		return r, e
	}
	arg2, arg3, arg4, arg5 := a[1], a[2], a[3], a[4]
	k, p := t.k, t.proc
	switch option {
	case abi.PR_SET_PDEATHSIG:
		if arg2 > abi.NSIG {
			return 0, abi.EINVAL
		}
		atomic.StoreInt32(&t.prctl.pdeathsig, int32(arg2))
	case abi.PR_GET_PDEATHSIG:
		return 0, t.writeU32(arg2, uint32(atomic.LoadInt32(&t.prctl.pdeathsig)))
	case abi.PR_GET_DUMPABLE:
		p.mu.Lock()
		defer p.mu.Unlock()
		if p.prctl.undumpable {
			return 0, 0
		}
		return 1, 0
	case abi.PR_SET_DUMPABLE:
		if arg2 != 0 && arg2 != 1 {
			return 0, abi.EINVAL
		}
		p.mu.Lock()
		p.prctl.undumpable = arg2 == 0
		p.mu.Unlock()
	case abi.PR_GET_UNALIGN, abi.PR_SET_UNALIGN, abi.PR_GET_FPEMU, abi.PR_SET_FPEMU,
		abi.PR_GET_FPEXC, abi.PR_SET_FPEXC, abi.PR_GET_ENDIAN, abi.PR_SET_ENDIAN:
		// Other architectures' options: x86-64 Linux answers EINVAL.
		return 0, abi.EINVAL
	case abi.PR_GET_TIMING:
		return abi.PR_TIMING_STATISTICAL, 0
	case abi.PR_SET_TIMING:
		if arg2 != abi.PR_TIMING_STATISTICAL {
			return 0, abi.EINVAL
		}
	case abi.PR_SET_NAME:
		return 0, t.prctlSetName(arg2)
	case abi.PR_GET_NAME:
		var b [abi.TASK_COMM_LEN]byte
		p.mu.Lock()
		copy(b[:abi.TASK_COMM_LEN-1], t.commLocked())
		p.mu.Unlock()
		return 0, t.copyOut(arg2, b[:])
	case abi.PR_GET_SECCOMP:
		return 0, 0 // SECCOMP_MODE_DISABLED: no filter is ever installed
	case abi.PR_SET_SECCOMP:
		// Filters are not run; EINVAL is what a kernel built without
		// CONFIG_SECCOMP answers, which sandboxes treat as "no seccomp".
		k.log.Once("prctl-seccomp", "prctl(PR_SET_SECCOMP): seccomp is not supported")
		return 0, abi.EINVAL
	case abi.PR_GET_TSC:
		return 0, t.writeU32(arg2, abi.PR_TSC_ENABLE)
	case abi.PR_SET_TSC:
		switch arg2 {
		case abi.PR_TSC_ENABLE:
		case abi.PR_TSC_SIGSEGV:
			// The engine executes RDTSC; it cannot make it fault.
			k.log.Once("prctl-tsc", "prctl(PR_SET_TSC, PR_TSC_SIGSEGV) is not supported")
			return 0, abi.EINVAL
		default:
			return 0, abi.EINVAL
		}
	case abi.PR_TASK_PERF_EVENTS_DISABLE, abi.PR_TASK_PERF_EVENTS_ENABLE:
		// No perf events exist to switch.
	case abi.PR_GET_TIMERSLACK:
		if t.prctl.timerslack == 0 {
			return defaultTimerslack, 0
		}
		return t.prctl.timerslack, 0
	case abi.PR_SET_TIMERSLACK:
		k.mu.Lock()
		rt := t.sched.realtime()
		k.mu.Unlock()
		if !rt { // real-time threads have no slack; Linux ignores the request
			t.prctl.timerslack = arg2
		}
	case abi.PR_MCE_KILL:
		return 0, t.prctlMCEKill(arg2, arg3, arg4, arg5)
	case abi.PR_MCE_KILL_GET:
		if arg2|arg3|arg4|arg5 != 0 {
			return 0, abi.EINVAL
		}
		if t.prctl.mceKill == 0 {
			return abi.PR_MCE_KILL_DEFAULT, 0
		}
		return uint64(t.prctl.mceKill - 1), 0
	case abi.PR_SET_MM:
		return 0, t.prctlSetMM(arg2, arg3, arg4, arg5)
	case abi.PR_GET_TID_ADDRESS:
		return 0, t.writeU64(arg2, t.clearChildTID)
	case abi.PR_SET_CHILD_SUBREAPER:
		k.mu.Lock()
		p.prctl.subreaper = arg2 != 0
		k.mu.Unlock()
	case abi.PR_GET_CHILD_SUBREAPER:
		k.mu.Lock()
		on := p.prctl.subreaper
		k.mu.Unlock()
		v := uint32(0)
		if on {
			v = 1
		}
		return 0, t.writeU32(arg2, v)
	case abi.PR_SET_NO_NEW_PRIVS:
		if arg2 != 1 || arg3|arg4|arg5 != 0 {
			return 0, abi.EINVAL
		}
		t.prctl.noNewPrivs = true
	case abi.PR_GET_NO_NEW_PRIVS:
		if arg2|arg3|arg4|arg5 != 0 {
			return 0, abi.EINVAL
		}
		if t.prctl.noNewPrivs {
			return 1, 0
		}
		return 0, 0
	case abi.PR_GET_THP_DISABLE:
		if arg2|arg3|arg4|arg5 != 0 {
			return 0, abi.EINVAL
		}
		p.mu.Lock()
		defer p.mu.Unlock()
		if p.prctl.thpDisable {
			return 1, 0
		}
		return 0, 0
	case abi.PR_SET_THP_DISABLE:
		if arg3|arg4|arg5 != 0 {
			return 0, abi.EINVAL
		}
		p.mu.Lock()
		p.prctl.thpDisable = arg2 != 0
		p.mu.Unlock()
	case abi.PR_SET_VMA:
		// Anonymous mapping names: EINVAL as from a kernel without
		// CONFIG_ANON_VMA_NAME. glibc names every thread stack and
		// ignores the answer, so this is not logged.
		return 0, abi.EINVAL
	default:
		k.log.Once("prctl:"+itoa(int64(option)), "prctl: unsupported option %d", option)
		return 0, abi.EINVAL
	}
	return 0, 0
}

// capPrctl is cap_task_prctl: the capability options, answered before
// the rest. done is false for the options it leaves to sysPrctl. The
// guest has every capability exactly when its effective uid is 0.
func (t *Task) capPrctl(option int32, arg2, arg3, arg4, arg5 uint64) (r uint64, e abi.Errno, done bool) {
	p := t.proc
	p.mu.Lock()
	defer p.mu.Unlock()
	priv := p.creds.EUID == 0
	pp := &p.prctl
	switch option {
	case abi.PR_CAPBSET_READ:
		if arg2 > abi.CAP_LAST_CAP {
			return 0, abi.EINVAL, true
		}
		if pp.capDropped&(1<<arg2) != 0 {
			return 0, 0, true
		}
		return 1, 0, true
	case abi.PR_CAPBSET_DROP:
		if !priv {
			return 0, abi.EPERM, true // CAP_SETPCAP
		}
		if arg2 > abi.CAP_LAST_CAP {
			return 0, abi.EINVAL, true
		}
		pp.capDropped |= 1 << arg2
		return 0, 0, true
	case abi.PR_GET_SECUREBITS:
		return uint64(pp.securebits), 0, true
	case abi.PR_SET_SECUREBITS:
		old := uint64(pp.securebits)
		if (old&abi.SECURE_ALL_LOCKS)>>1&(old^arg2) != 0 || // a locked bit would change
			old&abi.SECURE_ALL_LOCKS&^arg2 != 0 || // a lock would be released
			arg2&^(abi.SECURE_ALL_LOCKS|abi.SECURE_ALL_BITS) != 0 ||
			!priv {
			return 0, abi.EPERM, true
		}
		pp.securebits = uint32(arg2)
		return 0, 0, true
	case abi.PR_GET_KEEPCAPS:
		return uint64(pp.securebits >> abi.SECURE_KEEP_CAPS & 1), 0, true
	case abi.PR_SET_KEEPCAPS:
		if arg2 > 1 {
			return 0, abi.EINVAL, true
		}
		if pp.securebits&(1<<abi.SECURE_KEEP_CAPS_LOCKED) != 0 {
			return 0, abi.EPERM, true
		}
		pp.securebits &^= 1 << abi.SECURE_KEEP_CAPS
		pp.securebits |= uint32(arg2) << abi.SECURE_KEEP_CAPS
		return 0, 0, true
	case abi.PR_CAP_AMBIENT:
		// The ambient set stays empty: raising needs the capability in
		// the inheritable set, which is always empty here.
		if arg2 == abi.PR_CAP_AMBIENT_CLEAR_ALL {
			if arg3|arg4|arg5 != 0 {
				return 0, abi.EINVAL, true
			}
			return 0, 0, true
		}
		if arg3 > abi.CAP_LAST_CAP || arg4|arg5 != 0 {
			return 0, abi.EINVAL, true
		}
		switch arg2 {
		case abi.PR_CAP_AMBIENT_IS_SET, abi.PR_CAP_AMBIENT_LOWER:
			return 0, 0, true
		case abi.PR_CAP_AMBIENT_RAISE:
			return 0, abi.EPERM, true
		}
		return 0, abi.EINVAL, true
	}
	return 0, 0, false
}

// prctlSetName is strncpy_from_user of at most TASK_COMM_LEN-1 bytes: a
// longer name is cut, and only the bytes it reads must be readable.
func (t *Task) prctlSetName(addr uint64) abi.Errno {
	var b [abi.TASK_COMM_LEN - 1]byte
	n := t.copyInPrefix(addr, b[:])
	name := ""
	for i := 0; ; i++ {
		if i == n {
			if n < len(b) {
				return abi.EFAULT
			}
			name = string(b[:n])
			break
		}
		if b[i] == 0 {
			name = string(b[:i])
			break
		}
	}
	p := t.proc
	p.mu.Lock()
	if t.tid == p.pid {
		p.info.comm = name
	} else {
		t.prctl.comm = name
	}
	p.mu.Unlock()
	return 0
}

// commLocked is the thread's name, as PR_GET_NAME and /proc show it.
// Called with Process.mu held.
func (t *Task) commLocked() string {
	p := t.proc
	if t.tid != p.pid {
		return t.prctl.comm
	}
	if p.info.comm == "" {
		// A process made from nothing (not exec'd) is named after its
		// program, as procinfo.go shows it.
		c := path.Base(p.exe)
		return c[:min(len(c), abi.TASK_COMM_LEN-1)]
	}
	return p.info.comm
}

func (t *Task) prctlMCEKill(arg2, arg3, arg4, arg5 uint64) abi.Errno {
	if arg4|arg5 != 0 {
		return abi.EINVAL
	}
	switch arg2 {
	case abi.PR_MCE_KILL_CLEAR:
		if arg3 != 0 {
			return abi.EINVAL
		}
		t.prctl.mceKill = 0
	case abi.PR_MCE_KILL_SET:
		switch arg3 {
		case abi.PR_MCE_KILL_EARLY, abi.PR_MCE_KILL_LATE:
			t.prctl.mceKill = int(arg3) + 1
		case abi.PR_MCE_KILL_DEFAULT:
			t.prctl.mceKill = 0
		default:
			return abi.EINVAL
		}
	default:
		return abi.EINVAL
	}
	return 0
}

// prctlSetMM follows prctl_set_mm's checks. Rewriting the memory map's
// fields is CAP_SYS_RESOURCE over the initial user namespace, which even
// blink's root does not hold: it answers EPERM as root in a container
// does (PR_SET_MM_MAP, CRIU's restore, likewise).
func (t *Task) prctlSetMM(opt, addr, arg4, arg5 uint64) abi.Errno {
	if arg5 != 0 || arg4 != 0 && opt != abi.PR_SET_MM_AUXV && opt != abi.PR_SET_MM_MAP && opt != abi.PR_SET_MM_MAP_SIZE {
		return abi.EINVAL
	}
	switch opt {
	case abi.PR_SET_MM_MAP_SIZE:
		return t.writeU32(addr, abi.PrctlMMMapSize)
	case abi.PR_SET_MM_MAP:
		if arg4 != abi.PrctlMMMapSize {
			return abi.EINVAL
		}
		var b [abi.PrctlMMMapSize]byte
		if e := t.copyIn(addr, b[:]); e != 0 {
			return e
		}
		t.k.log.Once("prctl-mm-map", "prctl(PR_SET_MM, PR_SET_MM_MAP) is not supported")
	}
	return abi.EPERM
}

// Life-cycle hooks: what fork, thread creation, execve and identity
// changes do to the prctl state.

// inherit is the state a new thread or process gets from its creator:
// everything but the parent-death signal, which fork clears.
func (t *Task) inheritPrctl() taskPrctl {
	s := t.prctl
	s.pdeathsig = 0
	return s
}

// threadCreated gives a new thread of t's process its creator's prctl
// and scheduling state.
func (t *Task) threadCreated(ct *Task) {
	p := t.proc
	p.mu.Lock()
	ct.prctl = t.inheritPrctl()
	ct.prctl.comm = t.commLocked()
	p.mu.Unlock()
	t.k.mu.Lock()
	ct.sched = t.sched.forked()
	t.k.mu.Unlock()
}

// forkedLocked fills in a new process c (with its first task ct) made by
// t: the process's prctl state, the creating thread's name and
// scheduling, and which thread is its parent. Called with k.mu held,
// after c.parent is set.
func (t *Task) forkedLocked(c *Process, ct *Task) {
	p := t.proc
	if c.parent == p {
		c.prctl.parentTID = t.tid
	} else if c.parent != nil { // CLONE_PARENT: the caller's own parent thread
		c.prctl.parentTID = p.prctl.parentTID
	}
	if t.sched.resetOnFork && c.nice < 0 {
		c.nice = 0 // SCHED_RESET_ON_FORK also resets a negative nice value
	}
	ct.sched = t.sched.forked()
	p.mu.Lock()
	c.prctl.undumpable = p.prctl.undumpable
	c.prctl.securebits = p.prctl.securebits
	c.prctl.capDropped = p.prctl.capDropped
	c.prctl.thpDisable = p.prctl.thpDisable
	c.prctl.caps = p.prctl.caps // never changed in place
	c.prctl.persona = p.prctl.persona
	ct.prctl = t.inheritPrctl()
	comm := t.commLocked()
	p.mu.Unlock()
	c.mu.Lock()
	c.info.comm = comm
	c.mu.Unlock()
}

// prctlExec is what execve resets: POSIX timers are deleted, the process
// becomes dumpable again unless it runs with ids it does not own (Linux
// then uses suid_dumpable, 0), and SECBIT_KEEP_CAPS is cleared. The
// parent-death signal, no_new_privs, the subreaper flag and timer slack
// survive.
func (t *Task) prctlExec() {
	p := t.proc
	t.k.deleteProcessTimers(p)
	p.mu.Lock()
	c := &p.creds
	p.prctl.undumpable = c.EUID != c.RUID || c.EGID != c.RGID
	p.prctl.securebits &^= 1 << abi.SECURE_KEEP_CAPS
	p.prctl.caps = nil // recomputed from the ids, as for a root execve
	if t.tid != p.pid {
		t.prctl.comm = p.info.comm
	}
	p.mu.Unlock()
}

// credsChangedLocked applies commit_creds's side effects when the
// effective (hence file-system) ids change: the process stops being
// dumpable and the calling thread forgets its parent-death signal.
// Called with Process.mu held.
func (t *Task) credsChangedLocked(old, cur *Credentials) {
	if old.EUID == cur.EUID && old.EGID == cur.EGID {
		return
	}
	t.proc.prctl.undumpable = true
	atomic.StoreInt32(&t.prctl.pdeathsig, 0)
}

// parentDiedLocked sends the parent-death signal of each thread of c that
// asked for one; par is the parent process whose thread ended. Called with
// k.mu held.
func (k *Kernel) parentDiedLocked(c, par *Process) {
	if c.zombie || c.dying {
		return
	}
	for _, ct := range c.tasks {
		if sig := atomic.LoadInt32(&ct.prctl.pdeathsig); sig != 0 && !ct.exited.Load() {
			// SEND_SIG_NOINFO from the ending thread: SI_USER with its
			// process's id.
			k.sendLocked(c, nil, &Siginfo{Signo: int32(sig), Code: abi.SI_USER,
				Pid: int32(par.pid), UID: par.creds.RUID})
		}
	}
}

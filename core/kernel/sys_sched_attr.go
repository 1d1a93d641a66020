package kernel

import (
	"github.com/blink-go/blink/core/abi"
)

// sched_setattr and sched_getattr: the extensible-struct versions of
// sched_setscheduler and sched_getparam, which also carry the nice value
// and SCHED_DEADLINE's runtime, deadline and period. The checks follow
// sched_copy_attr and __sched_setscheduler in Linux's order; as for the
// older calls, nothing changes how the goroutines run (sys_sched.go).
// SCHED_DEADLINE parameters are validated and kept, with no admission
// control (Linux may answer EBUSY when CPU bandwidth is short).

// schedAttr is struct sched_attr.
type schedAttr struct {
	policy                    uint32
	flags                     uint64
	nice                      int32
	priority                  uint32
	runtime, deadline, period uint64
	utilMin, utilMax          uint32
}

func (a *schedAttr) encode(b *[abi.SCHED_ATTR_SIZE_VER1]byte, size uint32) {
	le32(b[0:], size)
	le32(b[4:], a.policy)
	le64(b[8:], a.flags)
	le32(b[16:], uint32(a.nice))
	le32(b[20:], a.priority)
	le64(b[24:], a.runtime)
	le64(b[32:], a.deadline)
	le64(b[40:], a.period)
	le32(b[48:], a.utilMin)
	le32(b[52:], a.utilMax)
}

func (a *schedAttr) decode(b *[abi.SCHED_ATTR_SIZE_VER1]byte) {
	a.policy = rd32(b[4:])
	a.flags = rd64(b[8:])
	a.nice = int32(rd32(b[16:]))
	a.priority = rd32(b[20:])
	a.runtime, a.deadline, a.period = rd64(b[24:]), rd64(b[32:]), rd64(b[40:])
	a.utilMin, a.utilMax = rd32(b[48:]), rd32(b[52:])
}

// getParamsLocked is get_params: the parameters of target's policy.
// Called with k.mu held.
func getParamsLocked(target *Task, a *schedAttr) {
	s := &target.sched
	switch {
	case s.policy == abi.SCHED_DEADLINE:
		a.runtime, a.deadline, a.period = s.dlRuntime, s.dlDeadline, s.dlPeriod
	case s.realtime():
		a.priority = uint32(s.priority)
	default:
		a.nice = target.proc.nice
	}
}

func sysSchedGetattr(t *Task, a *Args) (uint64, abi.Errno) {
	pid, uattr, usize, flags := int32(a[0]), a[1], uint32(a[2]), uint32(a[3])
	if uattr == 0 || pid < 0 || usize > pageSize || usize < abi.SCHED_ATTR_SIZE_VER0 || flags != 0 {
		return 0, abi.EINVAL
	}
	k := t.k
	k.mu.Lock()
	target := t.schedTargetLocked(pid)
	if target == nil {
		k.mu.Unlock()
		return 0, abi.ESRCH
	}
	attr := schedAttr{policy: uint32(target.sched.policy)}
	if target.sched.resetOnFork {
		attr.flags |= abi.SCHED_FLAG_RESET_ON_FORK
	}
	getParamsLocked(target, &attr)
	k.mu.Unlock()
	// sched_attr_copy_to_user: the caller's size or ours, whichever is
	// smaller, and zeros past ours.
	size := min(usize, abi.SCHED_ATTR_SIZE_VER1)
	var b [abi.SCHED_ATTR_SIZE_VER1]byte
	attr.encode(&b, size)
	out := make([]byte, usize)
	copy(out, b[:size])
	return 0, t.copyOut(uattr, out)
}

func sysSchedSetattr(t *Task, a *Args) (uint64, abi.Errno) {
	pid, uattr, flags := int32(a[0]), a[1], uint32(a[2])
	if uattr == 0 || pid < 0 || flags != 0 {
		return 0, abi.EINVAL
	}
	attr, e := t.copySchedAttr(uattr)
	if e != 0 {
		return 0, e
	}
	if int32(attr.policy) < 0 {
		return 0, abi.EINVAL
	}
	policy := int32(attr.policy)
	if attr.flags&abi.SCHED_FLAG_KEEP_POLICY != 0 {
		policy = setparamPolicy
	}
	k := t.k
	k.mu.Lock()
	defer k.mu.Unlock()
	target := t.schedTargetLocked(pid)
	if target == nil {
		return 0, abi.ESRCH
	}
	if attr.flags&abi.SCHED_FLAG_KEEP_PARAMS != 0 {
		getParamsLocked(target, &attr)
	}
	return 0, t.setAttrLocked(target, policy, &attr)
}

// copySchedAttr is sched_copy_attr: a size of 0 means VER0; a size the
// kernel cannot take, or bytes it does not know that are not zero, give
// E2BIG with the kernel's size written back.
func (t *Task) copySchedAttr(uattr uint64) (schedAttr, abi.Errno) {
	var attr schedAttr
	size, e := t.readU32(uattr)
	if e != 0 {
		return attr, e
	}
	if size == 0 {
		size = abi.SCHED_ATTR_SIZE_VER0
	}
	tooBig := func() (schedAttr, abi.Errno) {
		if e := t.writeU32(uattr, abi.SCHED_ATTR_SIZE_VER1); e != 0 {
			return attr, e
		}
		return attr, abi.E2BIG
	}
	if size < abi.SCHED_ATTR_SIZE_VER0 || size > pageSize {
		return tooBig()
	}
	var b [abi.SCHED_ATTR_SIZE_VER1]byte
	if e := t.copyIn(uattr, b[:min(size, abi.SCHED_ATTR_SIZE_VER1)]); e != 0 {
		return attr, e
	}
	if size > abi.SCHED_ATTR_SIZE_VER1 {
		rest := make([]byte, size-abi.SCHED_ATTR_SIZE_VER1)
		if e := t.copyIn(uattr+abi.SCHED_ATTR_SIZE_VER1, rest); e != 0 {
			return attr, e
		}
		for _, c := range rest {
			if c != 0 {
				return tooBig()
			}
		}
	}
	attr.decode(&b)
	if attr.flags&abi.SCHED_FLAG_UTIL_CLAMP != 0 && size < abi.SCHED_ATTR_SIZE_VER1 {
		return attr, abi.EINVAL
	}
	attr.nice = min(max(attr.nice, -20), 19)
	return attr, 0
}

// setAttrLocked is __sched_setscheduler for sched_setattr. Called with
// k.mu held.
func (t *Task) setAttrLocked(target *Task, policy int32, attr *schedAttr) abi.Errno {
	cur := &target.sched
	if policy == setparamPolicy {
		policy = cur.policy
	} else if !validPolicy(policy) {
		return abi.EINVAL
	}
	if attr.flags&^abi.SCHED_FLAG_ALL != 0 {
		return abi.EINVAL
	}
	prio := attr.priority
	rt := policy == abi.SCHED_FIFO || policy == abi.SCHED_RR
	if prio > abi.MAX_RT_PRIO-1 || rt != (prio != 0) ||
		policy == abi.SCHED_DEADLINE && !validDeadline(attr) {
		return abi.EINVAL
	}
	reset := attr.flags&abi.SCHED_FLAG_RESET_ON_FORK != 0
	fair := policy == abi.SCHED_NORMAL || policy == abi.SCHED_BATCH || policy == abi.SCHED_IDLE
	t.proc.mu.Lock()
	priv := t.proc.creds.EUID == 0
	t.proc.mu.Unlock()
	if !priv {
		if fair && attr.nice < target.proc.nice {
			return abi.EPERM // can_nice: lowering needs CAP_SYS_NICE or RLIMIT_NICE
		}
		if policy == abi.SCHED_DEADLINE {
			return abi.EPERM
		}
	}
	if e := t.schedPermLocked(target, policy, int32(prio), reset); e != 0 {
		return e
	}
	cur.policy, cur.priority, cur.resetOnFork = policy, int32(prio), reset
	cur.dlRuntime, cur.dlDeadline, cur.dlPeriod = 0, 0, 0
	if policy == abi.SCHED_DEADLINE {
		cur.dlRuntime, cur.dlDeadline, cur.dlPeriod = attr.runtime, attr.deadline, attr.period
	}
	if fair {
		target.proc.nice = attr.nice
	}
	return 0
}

// validDeadline is __checkparam_dl: 0 < runtime (at least 1024 ns) <=
// deadline <= period (0: the deadline), none with the top bit set, and the
// period between sched_rt's limits of 100 us and 4.194304 s.
func validDeadline(a *schedAttr) bool {
	if a.deadline == 0 || a.runtime < 1<<10 || a.deadline&(1<<63) != 0 || a.period&(1<<63) != 0 {
		return false
	}
	period := a.period
	if period == 0 {
		period = a.deadline
	}
	if period < a.deadline || a.deadline < a.runtime {
		return false
	}
	return period >= 100_000 && period <= 4_194_304_000
}

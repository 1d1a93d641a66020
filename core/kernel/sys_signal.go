package kernel

import (
	"github.com/blink-go/blink/core/abi"
)

// Signal state: actions and masks are recorded with Linux's validation;
// kill and tgkill to the process itself carry out default actions. Running
// guest handlers is the next step (see Task.deliverPending).

func sysRtSigaction(t *Task, a *Args) (uint64, abi.Errno) {
	sig := int(int32(a[0]))
	if a[3] != abi.SigsetSize {
		return 0, abi.EINVAL
	}
	if sig < 1 || sig > abi.NSIG {
		return 0, abi.EINVAL
	}
	var act SigAction
	if a[1] != 0 {
		if sig == abi.SIGKILL || sig == abi.SIGSTOP {
			return 0, abi.EINVAL
		}
		var b [abi.SigactionSize]byte
		if e := t.copyIn(a[1], b[:]); e != 0 {
			return 0, e
		}
		act = SigAction{Handler: rd64(b[0:]), Flags: rd64(b[8:]), Restorer: rd64(b[16:]), Mask: rd64(b[24:])}
		act.Mask &^= unblockable
	}
	t.proc.mu.Lock()
	old := t.proc.actions[sig]
	if a[1] != 0 {
		t.proc.actions[sig] = act
		// Setting SIG_IGN (or SIG_DFL for an ignore-by-default signal)
		// discards pending instances, as POSIX requires.
		if act.Handler == abi.SIG_IGN || act.Handler == abi.SIG_DFL && defaultAction(sig) == sigIgnore {
			for _, tk := range t.proc.tasks {
				tk.pending &^= sigBit(sig)
			}
		}
	}
	t.proc.mu.Unlock()
	if a[2] != 0 {
		var b [abi.SigactionSize]byte
		le64(b[0:], old.Handler)
		le64(b[8:], old.Flags)
		le64(b[16:], old.Restorer)
		le64(b[24:], old.Mask)
		if e := t.copyOut(a[2], b[:]); e != 0 {
			return 0, e
		}
	}
	return 0, 0
}

func sysRtSigprocmask(t *Task, a *Args) (uint64, abi.Errno) {
	how := int(int32(a[0]))
	if a[3] != abi.SigsetSize {
		return 0, abi.EINVAL
	}
	old := t.sigmask
	if a[1] != 0 {
		set, e := t.readU64(a[1])
		if e != 0 {
			return 0, e
		}
		switch how {
		case abi.SIG_BLOCK:
			t.sigmask |= set
		case abi.SIG_UNBLOCK:
			t.sigmask &^= set
		case abi.SIG_SETMASK:
			t.sigmask = set
		default:
			return 0, abi.EINVAL
		}
		t.sigmask &^= unblockable
	}
	if a[2] != 0 {
		if e := t.writeU64(a[2], old); e != 0 {
			t.sigmask = old
			return 0, e
		}
	}
	return 0, 0
}

func sysRtSigpending(t *Task, a *Args) (uint64, abi.Errno) {
	if a[1] > abi.SigsetSize {
		return 0, abi.EINVAL
	}
	var b [8]byte
	le64(b[:], t.pending&t.sigmask)
	return 0, t.copyOut(a[0], b[:a[1]])
}

// sysSigaltstack follows do_sigaltstack: changing the stack while running
// on it is EPERM, a size below MINSIGSTKSZ ENOMEM, unknown flags EINVAL.
func sysSigaltstack(t *Task, a *Args) (uint64, abi.Errno) {
	old := t.altstack
	if a[0] != 0 {
		var b [abi.StackTSize]byte
		if e := t.copyIn(a[0], b[:]); e != 0 {
			return 0, e
		}
		sp, flags, size := rd64(b[0:]), rd32(b[8:]), rd64(b[16:])
		mode := flags &^ abi.SS_AUTODISARM
		if mode != abi.SS_DISABLE && mode != abi.SS_ONSTACK && mode != 0 {
			return 0, abi.EINVAL
		}
		if t.onAltstack() {
			return 0, abi.EPERM
		}
		if mode == abi.SS_DISABLE {
			sp, size = 0, 0
		} else if size < abi.MINSIGSTKSZ {
			return 0, abi.ENOMEM
		}
		t.altstack = [3]uint64{sp, uint64(flags &^ abi.SS_ONSTACK), size}
	}
	if a[1] != 0 {
		var b [abi.StackTSize]byte
		flags := uint32(old[1])
		if old[2] == 0 {
			flags = abi.SS_DISABLE
		} else if t.onAltstack() {
			flags |= abi.SS_ONSTACK
		}
		le64(b[0:], old[0])
		le32(b[8:], flags)
		le64(b[16:], old[2])
		if e := t.copyOut(a[1], b[:]); e != 0 {
			return 0, e
		}
	}
	return 0, 0
}

func (t *Task) onAltstack() bool {
	sp := t.m.R[4]
	return t.altstack[2] != 0 && sp-t.altstack[0] < t.altstack[2]
}

// kill and tgkill reach only this process for now; other PIDs are ESRCH
// (no other guest processes exist until fork does).
func sysKill(t *Task, a *Args) (uint64, abi.Errno) {
	pid, sig := int32(a[0]), int(int32(a[1]))
	if sig < 0 || sig > abi.NSIG {
		return 0, abi.EINVAL
	}
	switch {
	case pid == 0, pid == -1, int(pid) == t.proc.pid, int(-pid) == t.proc.pgid:
	default:
		return 0, abi.ESRCH
	}
	if sig != 0 {
		t.sendSignal(sig)
	}
	return 0, 0
}

func sysTgkill(t *Task, a *Args) (uint64, abi.Errno) {
	tgid, tid, sig := int32(a[0]), int32(a[1]), int(int32(a[2]))
	if tgid <= 0 || tid <= 0 {
		return 0, abi.EINVAL
	}
	if sig < 0 || sig > abi.NSIG {
		return 0, abi.EINVAL
	}
	if int(tgid) != t.proc.pid {
		return 0, abi.ESRCH
	}
	return t.signalThread(int(tid), sig)
}

func sysTkill(t *Task, a *Args) (uint64, abi.Errno) {
	tid, sig := int32(a[0]), int(int32(a[1]))
	if tid <= 0 {
		return 0, abi.EINVAL
	}
	if sig < 0 || sig > abi.NSIG {
		return 0, abi.EINVAL
	}
	return t.signalThread(int(tid), sig)
}

func (t *Task) signalThread(tid, sig int) (uint64, abi.Errno) {
	t.proc.mu.Lock()
	var target *Task
	for _, tk := range t.proc.tasks {
		if tk.tid == tid && !tk.exited {
			target = tk
		}
	}
	t.proc.mu.Unlock()
	if target == nil {
		return 0, abi.ESRCH
	}
	if sig != 0 {
		target.sendSignal(sig)
	}
	return 0, 0
}

package kernel

import (
	"time"

	"github.com/blink-go/blink/core/abi"
	"github.com/blink-go/blink/core/x86"
)

// Signal syscalls: dispositions, masks, waiting for signals, sending them,
// the alternate stack and the ITIMER_REAL/alarm timer. Delivery is in
// signal.go and sigframe.go.

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
	k, p := t.k, t.proc
	k.mu.Lock()
	old := p.actions[sig]
	if a[1] != 0 {
		p.actions[sig] = act
		// Setting SIG_IGN (or SIG_DFL for an ignore-by-default signal)
		// discards pending instances, as POSIX requires.
		if p.ignored(sig) {
			p.shared.drop(sigBit(sig))
			for _, tk := range p.tasks {
				tk.pending.drop(sigBit(sig))
				tk.recalc()
			}
		}
	}
	k.mu.Unlock()
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
		nm := old
		switch how {
		case abi.SIG_BLOCK:
			nm |= set
		case abi.SIG_UNBLOCK:
			nm &^= set
		case abi.SIG_SETMASK:
			nm = set
		default:
			return 0, abi.EINVAL
		}
		if a[2] != 0 {
			// Linux copies the old mask out before changing it.
			if e := t.writeU64(a[2], old); e != 0 {
				return 0, e
			}
		}
		t.setMask(nm)
		return 0, 0
	}
	if a[2] != 0 {
		if e := t.writeU64(a[2], old); e != 0 {
			return 0, e
		}
	}
	return 0, 0
}

func sysRtSigpending(t *Task, a *Args) (uint64, abi.Errno) {
	if a[1] > abi.SigsetSize {
		return 0, abi.EINVAL
	}
	t.k.mu.Lock()
	set := (t.pending.mask | t.proc.shared.mask) & t.sigmask
	t.k.mu.Unlock()
	var b [8]byte
	le64(b[:], set)
	return 0, t.copyOut(a[0], b[:a[1]])
}

// sysRtSigsuspend waits with a temporary mask until a handler runs; the
// frame saves the old mask so the handler's return restores it. It never
// restarts (ERESTARTNOHAND: EINTR once the handler has run).
func sysRtSigsuspend(t *Task, a *Args) (uint64, abi.Errno) {
	if a[1] != abi.SigsetSize {
		return 0, abi.EINVAL
	}
	set, e := t.readU64(a[0])
	if e != 0 {
		return 0, e
	}
	t.savedMask, t.haveSaved = t.sigmask, true
	t.setMask(set)
	t.waitFor(nil, time.Time{}, func() bool { return false })
	return 0, abi.EINTR
}

func sysPause(t *Task, a *Args) (uint64, abi.Errno) {
	t.waitFor(nil, time.Time{}, func() bool { return false })
	return 0, abi.EINTR
}

// sysRtSigtimedwait dequeues a signal of the set, waiting up to the
// timeout. Signals of the set are taken even when blocked (the usual
// case); others interrupt the wait as usual.
func sysRtSigtimedwait(t *Task, a *Args) (uint64, abi.Errno) {
	if a[3] != abi.SigsetSize {
		return 0, abi.EINVAL
	}
	set, e := t.readU64(a[0])
	if e != 0 {
		return 0, e
	}
	set &^= unblockable
	var deadline time.Time
	if a[2] != 0 {
		ts, e := t.getTimespec(a[2])
		if e != 0 {
			return 0, e
		}
		if ts.Sec < 0 || ts.Nsec < 0 || ts.Nsec >= 1e9 {
			return 0, abi.EINVAL
		}
		deadline = time.Now().Add(time.Duration(ts.Sec)*time.Second + time.Duration(ts.Nsec))
	}
	k, p := t.k, t.proc
	var si Siginfo
	got := 0
	take := func() bool {
		k.mu.Lock()
		defer k.mu.Unlock()
		if s := lowest(t.pending.mask & set); s != 0 {
			si, got = t.pending.take(s), s
		} else if s := lowest(p.shared.mask & set); s != 0 {
			si, got = p.shared.take(s), s
		}
		if got != 0 {
			t.recalc()
		}
		return got != 0
	}
	// Linux unblocks the set while waiting (real_blocked) so that its
	// signals wake the task; here take() looks at them directly, and the
	// mask is left alone so they cannot run a handler meanwhile.
	k.mu.Lock()
	t.waitingSet = set
	k.mu.Unlock()
	r := t.waitFor(nil, deadline, take)
	k.mu.Lock()
	t.waitingSet = 0
	t.recalc()
	k.mu.Unlock()
	switch r {
	case waitTimedOut:
		return 0, abi.EAGAIN
	case waitInterrupted:
		return 0, abi.EINTR
	}
	if a[1] != 0 {
		var b [abi.SiginfoSize]byte
		si.marshal(b[:])
		if e := t.copyOut(a[1], b[:]); e != 0 {
			return 0, e
		}
	}
	return uint64(got), 0
}

// sysSigaltstack follows do_sigaltstack: changing the stack while running
// on it is EPERM, a size below MINSIGSTKSZ ENOMEM, unknown flags EINVAL.
func sysSigaltstack(t *Task, a *Args) (uint64, abi.Errno) {
	old := t.altstack
	sp := t.m.R[x86.RSP]
	var oss [abi.StackTSize]byte
	if a[1] != 0 {
		flags := t.sasFlags(sp) | uint32(old[1])&ssFlagBits
		le64(oss[0:], old[0])
		le32(oss[8:], flags)
		le64(oss[16:], old[2])
	}
	if a[0] != 0 {
		var b [abi.StackTSize]byte
		if e := t.copyIn(a[0], b[:]); e != 0 {
			return 0, e
		}
		if e := t.setAltstack(rd64(b[0:]), rd32(b[8:]), rd64(b[16:])); e != 0 {
			return 0, e
		}
	}
	if a[1] != 0 {
		if e := t.copyOut(a[1], oss[:]); e != 0 {
			return 0, e
		}
	}
	return 0, 0
}

func (t *Task) onAltstack() bool { return t.onSigStack(t.m.R[x86.RSP]) }

func validSignal(sig int) bool { return sig >= 0 && sig <= abi.NSIG }

// sysKill sends to a process (pid > 0), the caller's group (0), every
// process but init and the caller (-1), or the group -pid.
func sysKill(t *Task, a *Args) (uint64, abi.Errno) {
	pid, sig := int32(a[0]), int(int32(a[1]))
	if !validSignal(sig) {
		return 0, abi.EINVAL
	}
	si := Siginfo{Signo: int32(sig), Code: abi.SI_USER, Pid: int32(t.proc.pid), UID: t.proc.creds.RUID}
	return 0, t.k.kill(t.proc, int(pid), &si)
}

// kill implements kill(2)'s target selection for sender from.
func (k *Kernel) kill(from *Process, pid int, si *Siginfo) abi.Errno {
	sig := int(si.Signo)
	k.mu.Lock()
	defer k.mu.Unlock()
	var targets []*Process
	switch {
	case pid == 1:
		// The virtual init runs as root and has no handlers: like Linux's
		// init it ignores every signal, and only root may send to it.
		if from.creds.EUID != 0 {
			return abi.EPERM
		}
		return 0
	case pid > 0:
		if p := k.procs[pid]; p != nil && !p.zombie {
			targets = append(targets, p)
		} else if p != nil {
			// A zombie exists: signals to it succeed and do nothing.
			return 0
		}
	case pid == -1:
		for _, p := range k.procs {
			if p != from && p.pid != 1 && !p.zombie {
				targets = append(targets, p)
			}
		}
		if len(targets) == 0 {
			return abi.ESRCH
		}
	default:
		pg := -pid
		if pid == 0 {
			pg = from.pgid
		}
		found := false
		for _, p := range k.procs {
			if p.pgid == pg {
				found = true
				if !p.zombie {
					targets = append(targets, p)
				}
			}
		}
		if !found {
			return abi.ESRCH
		}
	}
	if len(targets) == 0 {
		return abi.ESRCH
	}
	if sig != 0 {
		for _, p := range targets {
			k.sendLocked(p, nil, si)
		}
	}
	return 0
}

func sysTgkill(t *Task, a *Args) (uint64, abi.Errno) {
	tgid, tid, sig := int32(a[0]), int32(a[1]), int(int32(a[2]))
	if tgid <= 0 || tid <= 0 || !validSignal(sig) {
		return 0, abi.EINVAL
	}
	return 0, t.signalThread(int(tgid), int(tid), sig)
}

func sysTkill(t *Task, a *Args) (uint64, abi.Errno) {
	tid, sig := int32(a[0]), int(int32(a[1]))
	if tid <= 0 || !validSignal(sig) {
		return 0, abi.EINVAL
	}
	return 0, t.signalThread(0, int(tid), sig)
}

// signalThread sends to one thread; tgid 0 means any thread group.
func (t *Task) signalThread(tgid, tid, sig int) abi.Errno {
	k := t.k
	k.mu.Lock()
	defer k.mu.Unlock()
	var target *Task
	for _, p := range k.procs {
		if tgid != 0 && p.pid != tgid || p.zombie {
			continue
		}
		for _, tk := range p.tasks {
			if tk.tid == tid && !tk.exited.Load() {
				target = tk
			}
		}
	}
	if target == nil {
		return abi.ESRCH
	}
	if sig != 0 {
		si := Siginfo{Signo: int32(sig), Code: abi.SI_TKILL, Pid: int32(t.proc.pid), UID: t.proc.creds.RUID}
		k.sendLocked(target.proc, target, &si)
	}
	return 0
}

// sysRtSigqueueinfo queues a signal with caller-supplied siginfo; like
// Linux, a process may not forge kernel codes (si_code >= 0) for others.
func sysRtSigqueueinfo(t *Task, a *Args) (uint64, abi.Errno) {
	pid, sig := int(int32(a[0])), int(int32(a[1]))
	if !validSignal(sig) {
		return 0, abi.EINVAL
	}
	var b [abi.SiginfoSize]byte
	if e := t.copyIn(a[2], b[:]); e != 0 {
		return 0, e
	}
	code := int32(rd32(b[8:]))
	if (code >= 0 || code == abi.SI_TKILL) && pid != t.proc.pid {
		return 0, abi.EPERM
	}
	si := Siginfo{Signo: int32(sig), Code: code, Pid: int32(rd32(b[16:])), UID: rd32(b[20:]), Value: rd64(b[24:])}
	if pid <= 0 {
		return 0, abi.ESRCH
	}
	return 0, t.k.kill(t.proc, pid, &si)
}

// The ITIMER_REAL timer belongs to the process and sends SIGALRM.

type realTimer struct {
	timer    *time.Timer
	deadline time.Time
	interval time.Duration
}

// armLocked (re)arms p's ITIMER_REAL; zero value disarms. Called with
// k.mu held. It returns the previous remaining time and interval.
func (k *Kernel) armLocked(p *Process, value, interval time.Duration) (time.Duration, time.Duration) {
	it := &p.itimer
	var left time.Duration
	if it.timer != nil {
		it.timer.Stop()
		it.timer = nil
		left = time.Until(it.deadline)
		if left <= 0 {
			left = time.Microsecond // Linux never reports 0 for an armed timer
		}
	}
	oldInterval := it.interval
	it.interval = interval
	if value > 0 {
		it.deadline = time.Now().Add(value)
		it.timer = time.AfterFunc(value, func() { k.itimerFire(p) })
	} else {
		it.interval = 0
	}
	return left, oldInterval
}

func (k *Kernel) itimerFire(p *Process) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if p.zombie || p.dying {
		return
	}
	it := &p.itimer
	it.timer = nil
	if it.interval > 0 {
		it.deadline = time.Now().Add(it.interval)
		it.timer = time.AfterFunc(it.interval, func() { k.itimerFire(p) })
	}
	k.sendLocked(p, nil, &Siginfo{Signo: abi.SIGALRM, Code: abi.SI_KERNEL})
}

func sysAlarm(t *Task, a *Args) (uint64, abi.Errno) {
	secs := uint32(a[0])
	t.k.mu.Lock()
	left, _ := t.k.armLocked(t.proc, time.Duration(secs)*time.Second, 0)
	t.k.mu.Unlock()
	// alarm rounds the remaining time to the nearest second, never 0.
	r := uint64((left + time.Second/2) / time.Second)
	if r == 0 && left > 0 {
		r = 1
	}
	return r, 0
}

func (t *Task) readTimeval(addr uint64) (time.Duration, abi.Errno) {
	var b [16]byte
	if e := t.copyIn(addr, b[:]); e != 0 {
		return 0, e
	}
	sec, usec := int64(rd64(b[:])), int64(rd64(b[8:]))
	if sec < 0 || usec < 0 || usec >= 1e6 {
		return 0, abi.EINVAL
	}
	return time.Duration(sec)*time.Second + time.Duration(usec)*time.Microsecond, 0
}

func putItimerval(b []byte, interval, value time.Duration) {
	// Timers report whole microseconds, rounded up so an armed timer is
	// never shown as 0.
	us := func(d time.Duration) time.Duration { return (d + time.Microsecond - 1) / time.Microsecond }
	iv, vv := us(interval), us(value)
	le64(b[0:], uint64(iv/1e6))
	le64(b[8:], uint64(iv%1e6))
	le64(b[16:], uint64(vv/1e6))
	le64(b[24:], uint64(vv%1e6))
}

func sysSetitimer(t *Task, a *Args) (uint64, abi.Errno) {
	which := int32(a[0])
	switch which {
	case abi.ITIMER_REAL, abi.ITIMER_VIRTUAL, abi.ITIMER_PROF:
	default:
		return 0, abi.EINVAL
	}
	var interval, value time.Duration
	if a[1] != 0 {
		var e abi.Errno
		if interval, e = t.readTimeval(a[1]); e != 0 {
			return 0, e
		}
		if value, e = t.readTimeval(a[1] + 16); e != 0 {
			return 0, e
		}
	}
	t.k.mu.Lock()
	var left, oldIv time.Duration
	if which == abi.ITIMER_REAL {
		left, oldIv = t.k.armLocked(t.proc, value, interval)
	} else {
		left, oldIv = t.proc.setCPUItimerLocked(which, value, interval) // cputimer.go
	}
	t.k.mu.Unlock()
	if a[2] != 0 {
		var b [32]byte
		putItimerval(b[:], oldIv, left)
		return 0, t.copyOut(a[2], b[:])
	}
	return 0, 0
}

func sysGetitimer(t *Task, a *Args) (uint64, abi.Errno) {
	which := int32(a[0])
	var b [32]byte
	switch which {
	case abi.ITIMER_REAL:
		t.k.mu.Lock()
		it := &t.proc.itimer
		var left time.Duration
		if it.timer != nil {
			left = max(time.Until(it.deadline), time.Microsecond)
		}
		putItimerval(b[:], it.interval, left)
		t.k.mu.Unlock()
	case abi.ITIMER_VIRTUAL, abi.ITIMER_PROF:
		t.k.mu.Lock()
		it, now := t.proc.cpuItimerLocked(which)
		putItimerval(b[:], time.Duration(it.interval), it.left(now))
		t.k.mu.Unlock()
	default:
		return 0, abi.EINVAL
	}
	return 0, t.copyOut(a[1], b[:])
}

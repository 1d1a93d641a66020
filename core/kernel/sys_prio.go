package kernel

import "github.com/blink-go/blink/core/abi"

// Scheduling priority: getpriority(2), setpriority(2). The nice value is
// kept per process and shown in /proc/PID/stat; the host scheduler is not
// asked, since every guest process shares blink's own host process.

func (k *Kernel) prioTargetsLocked(t *Task, which, who int32) ([]*Process, abi.Errno) {
	var match func(p *Process) bool
	switch which {
	case abi.PRIO_PROCESS:
		pid := int(who)
		if who == 0 {
			pid = t.proc.pid
		}
		match = func(p *Process) bool { return p.pid == pid }
	case abi.PRIO_PGRP:
		pg := int(who)
		if who == 0 {
			pg = t.proc.pgid
		}
		match = func(p *Process) bool { return p.pgid == pg }
	case abi.PRIO_USER:
		uid := uint32(who)
		if who == 0 {
			uid = t.proc.creds.EUID
		}
		match = func(p *Process) bool { return p.creds.RUID == uid }
	default:
		return nil, abi.EINVAL
	}
	var out []*Process
	for _, p := range k.procs {
		if p != k.init && !p.zombie && match(p) {
			out = append(out, p)
		}
	}
	if len(out) == 0 {
		return nil, abi.ESRCH
	}
	return out, 0
}

// sysGetpriority returns 20 - nice of the highest-priority match: the raw
// system call avoids negative results, and libc converts back.
func sysGetpriority(t *Task, a *Args) (uint64, abi.Errno) {
	k := t.k
	k.mu.Lock()
	defer k.mu.Unlock()
	ps, e := k.prioTargetsLocked(t, int32(a[0]), int32(a[1]))
	if e != 0 {
		return 0, e
	}
	best := int32(20)
	for _, p := range ps {
		best = min(best, p.nice)
	}
	return uint64(20 - best), 0
}

// sysSetpriority follows Linux's checks: the caller must own the target
// (or be root), and only root may lower a nice value.
func sysSetpriority(t *Task, a *Args) (uint64, abi.Errno) {
	nice := min(max(int32(a[2]), -20), 19)
	k := t.k
	k.mu.Lock()
	defer k.mu.Unlock()
	ps, e := k.prioTargetsLocked(t, int32(a[0]), int32(a[1]))
	if e != 0 {
		return 0, e
	}
	me := t.proc.creds
	for _, p := range ps {
		if me.EUID != 0 && me.EUID != p.creds.RUID && me.EUID != p.creds.EUID {
			e = abi.EPERM
			continue
		}
		if nice < p.nice && me.EUID != 0 {
			e = abi.EACCES
			continue
		}
		p.nice = nice
	}
	return 0, e
}

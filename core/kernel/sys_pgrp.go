package kernel

import (
	"github.com/blink-go/blink/core/abi"
)

// Exit, process groups and sessions, with Linux's permission rules
// (setpgid: only self or a child not yet exec'd... in the same session;
// session leaders cannot move; setsid fails for a group leader).

// sysExit ends the calling thread; the last thread ends the process.
func sysExit(t *Task, a *Args) (uint64, abi.Errno) {
	t.exitCode = int(a[0])
	t.exited.Store(true)
	t.m.RequestStop()
	return 0, 0
}

func sysExitGroup(t *Task, a *Args) (uint64, abi.Errno) {
	t.proc.exitGroup(int(a[0]), 0)
	return 0, 0
}

func sysGetppid(t *Task, a *Args) (uint64, abi.Errno) {
	t.k.mu.Lock()
	defer t.k.mu.Unlock()
	return uint64(t.proc.ppid), 0
}

func sysGetpgrp(t *Task, a *Args) (uint64, abi.Errno) {
	t.k.mu.Lock()
	defer t.k.mu.Unlock()
	return uint64(t.proc.pgid), 0
}

// lookupLocked finds a live or zombie process by guest PID (0: the
// caller). Called with k.mu held.
func (t *Task) lookupLocked(pid int32) *Process {
	if pid == 0 {
		return t.proc
	}
	if pid < 0 {
		return nil
	}
	p := t.k.procs[int(pid)]
	if p == t.k.init {
		return p
	}
	return p
}

func sysGetpgid(t *Task, a *Args) (uint64, abi.Errno) {
	t.k.mu.Lock()
	defer t.k.mu.Unlock()
	p := t.lookupLocked(int32(a[0]))
	if p == nil {
		return 0, abi.ESRCH
	}
	return uint64(p.pgid), 0
}

func sysGetsid(t *Task, a *Args) (uint64, abi.Errno) {
	t.k.mu.Lock()
	defer t.k.mu.Unlock()
	p := t.lookupLocked(int32(a[0]))
	if p == nil {
		return 0, abi.ESRCH
	}
	return uint64(p.sid), 0
}

// sysSetpgid follows Linux's ksys_setpgid.
func sysSetpgid(t *Task, a *Args) (uint64, abi.Errno) {
	pid, pgid := int32(a[0]), int32(a[1])
	if pgid < 0 {
		return 0, abi.EINVAL
	}
	k, me := t.k, t.proc
	k.mu.Lock()
	defer k.mu.Unlock()
	if pid == 0 {
		pid = int32(me.pid)
	}
	if pgid == 0 {
		pgid = pid
	}
	p := k.procs[int(pid)]
	if p == nil || p.zombie && p != me {
		return 0, abi.ESRCH
	}
	if p != me {
		if p.parent != me {
			return 0, abi.ESRCH
		}
		if p.sid != me.sid {
			return 0, abi.EPERM
		}
		if p.execed {
			return 0, abi.EACCES
		}
	}
	if p.sid == p.pid {
		return 0, abi.EPERM // a session leader
	}
	if int(pgid) != p.pid {
		// Joining an existing group: it must be in the same session.
		ok := false
		for _, q := range k.procs {
			if q.pgid == int(pgid) && q.sid == me.sid && !q.zombie {
				ok = true
				break
			}
		}
		if !ok {
			return 0, abi.EPERM
		}
	}
	p.pgid = int(pgid)
	return 0, 0
}

func sysSetsid(t *Task, a *Args) (uint64, abi.Errno) {
	k, p := t.k, t.proc
	k.mu.Lock()
	defer k.mu.Unlock()
	// Fails if any process already uses our PID as its group id.
	for _, q := range k.procs {
		if q.pgid == p.pid {
			return 0, abi.EPERM
		}
	}
	p.sid, p.pgid = p.pid, p.pid
	p.hostSession = false // its host parent stays its parent
	k.NewSessionLocked(p) // tty.go: no controlling terminal yet
	return uint64(p.pid), 0
}

// guestGroupIDs picks the first guest process's group and session from the
// host's (hostPgid, hostSid; 0 where the host hides them because their
// leader is outside its PID namespace, as in containers and CI runners).
// The pair must stay one Linux could have: a session leader leads its
// group, and a process outside its group's leadership is no session
// leader. Getting this wrong shows as job control gone astray: a guest
// that is its session's leader but not its group's may setsid, and its
// stopped children's group then counts as orphaned (their SIGTSTP is
// discarded).
func guestGroupIDs(pid, hostPgid, hostSid int) (pgid, sid int) {
	switch {
	case hostPgid > 0 && hostSid > 0:
		return hostPgid, hostSid
	case hostPgid > 0:
		// A group led inside the namespace, a session led outside it
		// (`timeout` puts itself in a group of its own): the session
		// is foreign, and naming it after the group keeps the guest a
		// session leader only if it already leads the group.
		return hostPgid, hostPgid
	default:
		// Nothing known, or only the session: the guest leads its own
		// group; it leads the session too unless that is known.
		if hostSid > 0 {
			return pid, hostSid
		}
		return pid, pid
	}
}

package kernel

import (
	"github.com/blink-go/blink/core/abi"
)

// Controlling terminals (credentials(7), tty_ioctl(4)). Two kinds of
// terminal can be one: the host terminal blink runs on (ttyFile,
// tty_unix.go, whose line discipline is the host's) and the slave of a
// kernel pseudo-terminal (pty.go, with the kernel's own line discipline).
// What Linux keeps in tty_struct for job control, the session the
// terminal controls and its foreground process group, is a terminal;
// what it keeps per process (signal->tty) is, here, per session:
// sessions maps a session to its controlling terminal, and a process has
// it unless it gave it up alone with TIOCNOTTY (detached).
//
// The rules are Linux's: a session has at most one controlling terminal
// and a terminal controls at most one session; a session leader without
// one acquires a terminal it opens without O_NOCTTY (a slave; /dev/tty,
// the console and masters never), or with TIOCSCTTY; setsid starts a
// session without one; children inherit their session's. A leader's
// TIOCNOTTY or exit, and the hang-up when a pty master closes, end the
// association with the signals Linux sends (disassociate_ctty,
// tty_signal_session_leader). Reads, writes and mode changes from a
// background group get SIGTTIN/SIGTTOU or EIO (Task.jobControl).
//
// Invariants: everything here is guarded by Kernel.mu. For every
// sessions[s] = t, t.sid == s. A terminal may still name a session that
// lost it because every descriptor of it was closed (Linux's stale
// tty->session), so t.sid != 0 does not imply sessions[t.sid] == t.
//
// Where this differs from Linux: signal->tty is per process, so a
// process forked before its leader took a terminal has none, and the
// children of a process that gave it up with TIOCNOTTY have none; here
// both follow their session.

// terminal is a terminal's job-control state.
type terminal struct {
	rdev uint64 // device number, for /proc/PID/stat and TIOCGDEV
	sid  int    // the session it controls; 0: none
	pgrp int    // the foreground process group; 0: none
	pty  *pty   // the pair whose slave this is; nil for the host terminal
	// ispeed and ospeed are the last exact speeds TCSETS2 gave, which
	// stand when c_cflag's codes say BOTHER (tty_ioctl.go).
	ispeed, ospeed uint32
	// detached are non-leaders of sid that gave it up with TIOCNOTTY.
	detached map[*Process]bool
}

// ctty is the kernel's terminal registry (Kernel.tty).
type ctty struct {
	host     *terminal         // blink's own terminal; nil without one
	sessions map[int]*terminal // each session's controlling terminal
	// oldPgrp remembers, per session leader, the foreground group of a
	// terminal that hung up under it (tty_old_pgrp): the leader's exit
	// still sends that group SIGHUP and SIGCONT.
	oldPgrp  map[int]int
	ptys     ptyTable // pty.go
	hostStop func()   // jobctl.go
}

// cttyLocked returns p's controlling terminal, or nil. Called with k.mu
// held.
func (k *Kernel) cttyLocked(p *Process) *terminal {
	t := k.tty.sessions[p.sid]
	if t == nil || t.detached[p] {
		return nil
	}
	return t
}

// setCttyLocked makes t the controlling terminal of p's session with p's
// group in the foreground (__proc_set_tty). A terminal taken from
// another session leaves that session without one. Called with k.mu
// held.
func (k *Kernel) setCttyLocked(p *Process, t *terminal) {
	if t.sid != 0 && k.tty.sessions[t.sid] == t {
		delete(k.tty.sessions, t.sid)
	}
	t.sid, t.pgrp, t.detached = p.sid, p.pgid, nil
	if k.tty.sessions == nil {
		k.tty.sessions = make(map[int]*terminal)
	}
	k.tty.sessions[p.sid] = t
	delete(k.tty.oldPgrp, p.sid)
}

// clearSessionLocked leaves session sid without a controlling terminal
// (session_clear_tty); the terminal keeps naming it. Called with k.mu
// held.
func (k *Kernel) clearSessionLocked(sid int) {
	if sid != 0 {
		delete(k.tty.sessions, sid)
	}
}

// attachHostLocked makes the host terminal p's controlling terminal with
// p's group in the foreground, the state blink inherits from the host
// when it runs as a foreground job; rdev is the host terminal's device.
// Called with k.mu held.
func (k *Kernel) attachHostLocked(p *Process, rdev uint64) {
	h := k.tty.host
	if h == nil {
		h = &terminal{}
		k.tty.host = h
	}
	h.rdev = rdev
	if h.sid == 0 && k.tty.sessions[p.sid] == nil {
		k.setCttyLocked(p, h)
	}
}

// CttyOfLocked describes p's controlling terminal the way /proc/PID/stat
// does (tty_nr and tpgid): its device and foreground group, or 0 and -1
// without one. A terminal without a foreground group gives -1 too
// (do_task_stat's tty_get_pgrp). Called with k.mu held; for procfs.
func (k *Kernel) CttyOfLocked(p *Process) (dev uint64, tpgid int) {
	t := k.cttyLocked(p)
	if t == nil {
		return 0, -1
	}
	if t.pgrp == 0 {
		return t.rdev, -1
	}
	return t.rdev, t.pgrp
}

// NewSessionLocked is setsid's part here: the new session has no
// controlling terminal, whatever one its number may have named before.
// Called with k.mu held.
func (k *Kernel) NewSessionLocked(p *Process) {
	k.clearSessionLocked(p.sid)
	delete(k.tty.oldPgrp, p.sid)
}

// acquireOnOpenLocked is tty_open_proc_set_tty: a session leader without
// a controlling terminal that opens one for reading, without O_NOCTTY,
// and that no session has, gets it. Called with k.mu held.
func (k *Kernel) acquireOnOpenLocked(p *Process, t *terminal, flags int) {
	if p == nil || flags&abi.O_NOCTTY != 0 || flags&abi.O_ACCMODE == abi.O_WRONLY {
		return
	}
	if p.sid == p.pid && k.tty.sessions[p.sid] == nil && t.sid == 0 {
		k.setCttyLocked(p, t)
	}
}

// tiocsctty makes t the caller's controlling terminal: only a session
// leader without one may, only if no other session has it (root may
// steal it with arg 1), and only through a descriptor open for reading
// (or as root). A leader whose session t still names succeeds without
// change.
func (t *Task) tiocsctty(term *terminal, d *Description, arg uint64) abi.Errno {
	k, p := t.k, t.proc
	root := p.euid() == 0
	k.mu.Lock()
	defer k.mu.Unlock()
	leader := p.sid == p.pid
	if leader && term.sid == p.sid {
		return 0
	}
	if !leader || k.cttyLocked(p) != nil {
		return abi.EPERM
	}
	if term.sid != 0 {
		if int32(arg) != 1 || !root {
			return abi.EPERM
		}
		k.clearSessionLocked(term.sid)
	}
	if d.flags&abi.O_ACCMODE == abi.O_WRONLY && !root {
		return abi.EPERM
	}
	k.setCttyLocked(p, term)
	return 0
}

// tiocnotty gives the caller's controlling terminal up. A non-leader
// only detaches itself; a leader detaches the whole session, sending
// SIGHUP and SIGCONT to the foreground group.
func (t *Task) tiocnotty(term *terminal) abi.Errno {
	k, p := t.k, t.proc
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.cttyLocked(p) != term {
		return abi.ENOTTY
	}
	if p.sid != p.pid {
		if term.detached == nil {
			term.detached = make(map[*Process]bool)
		}
		term.detached[p] = true
		return 0
	}
	k.disassociateLocked(p, false)
	return 0
}

// disassociateLocked is disassociate_ctty for session leader p, by
// TIOCNOTTY or at its exit: the foreground group gets SIGHUP (and
// SIGCONT unless p is exiting), or if the terminal hung up earlier, the
// group that was in front then gets both; then the session loses its
// terminal, which forgets the session. Called with k.mu held.
func (k *Kernel) disassociateLocked(p *Process, exiting bool) {
	term := k.tty.sessions[p.sid]
	if term != nil {
		if pg := term.pgrp; pg != 0 {
			k.signalGroupLocked(pg, &Siginfo{Signo: abi.SIGHUP, Code: abi.SI_KERNEL})
			if !exiting {
				k.signalGroupLocked(pg, &Siginfo{Signo: abi.SIGCONT, Code: abi.SI_KERNEL})
			}
		}
		term.sid, term.pgrp, term.detached = 0, 0, nil
	} else if pg := k.tty.oldPgrp[p.sid]; pg != 0 {
		k.signalGroupLocked(pg, &Siginfo{Signo: abi.SIGHUP, Code: abi.SI_KERNEL})
		k.signalGroupLocked(pg, &Siginfo{Signo: abi.SIGCONT, Code: abi.SI_KERNEL})
	}
	delete(k.tty.oldPgrp, p.sid)
	k.clearSessionLocked(p.sid)
}

// SessionLeaderExitLocked runs disassociate_ctty when p, a session
// leader, exits: its session loses its controlling terminal and the
// foreground group is hung up. Called with k.mu held, after p's
// descriptors are closed (as do_exit orders it).
func (k *Kernel) SessionLeaderExitLocked(p *Process) {
	if p.sid == p.pid {
		k.disassociateLocked(p, true)
	}
}

// hangupLocked is tty_signal_session_leader for a terminal that hangs up
// (a pty slave whose master closed): the processes of its session lose
// it, the leader gets SIGHUP and SIGCONT, and the terminal forgets its
// session and group. Called with k.mu held.
func (k *Kernel) hangupLocked(term *terminal) {
	sid := term.sid
	if sid == 0 {
		return
	}
	if k.tty.sessions[sid] == term {
		delete(k.tty.sessions, sid)
	}
	if leader := k.procs[sid]; leader != nil && leader.sid == sid && !leader.zombie {
		k.sendLocked(leader, nil, &Siginfo{Signo: abi.SIGHUP, Code: abi.SI_KERNEL})
		k.sendLocked(leader, nil, &Siginfo{Signo: abi.SIGCONT, Code: abi.SI_KERNEL})
		if term.pgrp != 0 {
			if k.tty.oldPgrp == nil {
				k.tty.oldPgrp = make(map[int]int)
			}
			k.tty.oldPgrp[sid] = term.pgrp
		}
	}
	term.sid, term.pgrp, term.detached = 0, 0, nil
}

// tiocspgrp is tcsetpgrp: the caller's controlling terminal must be
// term, and pgid a process group (or process) of the caller's session.
func (t *Task) tiocspgrp(term *terminal, arg uint64) abi.Errno {
	switch e := t.jobControl(term, abi.SIGTTOU); e {
	case 0:
	case abi.EIO:
		return abi.ENOTTY
	default:
		return e
	}
	var b [4]byte
	if e := t.copyIn(arg, b[:]); e != 0 {
		return e
	}
	pg := int(int32(rd32(b[:])))
	if pg < 0 {
		return abi.EINVAL
	}
	k, p := t.k, t.proc
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.cttyLocked(p) != term || term.sid != p.sid {
		return abi.ENOTTY
	}
	// find_vpid then session_of_pgrp: the group's members, else the
	// process with that ID, decide the session.
	var leader, member *Process
	for _, q := range k.procs {
		if q == k.init {
			continue
		}
		if q.pgid == pg {
			member = q
		}
		if q.pid == pg {
			leader = q
		}
	}
	if member == nil {
		member = leader
	}
	if member == nil {
		return abi.ESRCH
	}
	if member.sid != p.sid {
		return abi.EPERM
	}
	term.pgrp = pg
	return 0
}

// tiocgpgrp is tcgetpgrp and TIOCGSID: a terminal's foreground group (0
// if none) or session. Only the caller's controlling terminal answers,
// except through a pty master, which answers for its slave.
func (t *Task) tiocgpgrp(term *terminal, master bool, sid bool) (int, abi.Errno) {
	k := t.k
	k.mu.Lock()
	defer k.mu.Unlock()
	if !master && k.cttyLocked(t.proc) != term {
		return 0, abi.ENOTTY
	}
	if sid {
		if term.sid == 0 {
			return 0, abi.ENOTTY
		}
		return term.sid, 0
	}
	return term.pgrp, 0
}

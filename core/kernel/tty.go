package kernel

import (
	"github.com/blink-go/blink/core/abi"
)

// The host terminal behind blink's fds 0/1/2 is the guest session's
// controlling terminal (the ctty below). Guest descriptors for it are
// ttyFiles: the first process's 0/1/2 when blink's own are a terminal, and
// every open of /dev/tty (Kernel.openTTY, the devfs hook). The line
// discipline itself is the host's: termios, echo, canonical editing and
// the characters that raise signals are applied by the host, whose SIGINT,
// SIGQUIT and SIGTSTP blink forwards to the guest's foreground group
// (jobctl.go).
//
// What is virtual is the job-control state Linux keeps in struct
// tty_struct: the session the terminal controls and its foreground process
// group. TIOCSPGRP moves the group without touching the host terminal, and
// reads, writes and mode changes from other groups of the session get
// SIGTTIN/SIGTTOU or EIO exactly as n_tty does (Task.jobControl).
//
// Invariants: ctty is guarded by Kernel.mu. There is at most one ctty (the
// host's); a process has it when its session is ctty.sid and it did not
// give it up with TIOCNOTTY. Blocking terminal reads wait in
// ttyFile.waitReadable, in the host's poll(2) beside the task's wake pipe
// (poll.go), so a read never keeps a signal from being delivered or blink
// from exiting; only then does the host read run, and it finds input.

// ctty is the host terminal as a controlling terminal.
type ctty struct {
	present bool   // blink runs with a host terminal on 0, 1 or 2
	rdev    uint64 // the host terminal's device number, for /proc/PID/stat
	sid     int    // the session it controls; 0: none
	pgrp    int    // the foreground process group; 0: none
	// detached are non-leaders that gave the terminal up (TIOCNOTTY); a
	// leader's TIOCNOTTY detaches the whole session instead.
	detached map[*Process]bool
	// hostStop stops blink itself when the first process stops: its
	// parent is the host shell, which expects to see blink stop.
	hostStop func()
}

// hasCttyLocked reports whether p's controlling terminal is the host's.
// Called with k.mu held.
func (k *Kernel) hasCttyLocked(p *Process) bool {
	c := &k.tty
	return c.present && c.sid != 0 && p.sid == c.sid && !c.detached[p]
}

// attachStdioLocked makes the host terminal p's controlling terminal
// with p's group in the foreground, the state blink inherits from the
// host when it runs as a foreground job. Called with k.mu held.
func (k *Kernel) attachStdioLocked(p *Process) {
	c := &k.tty
	c.present = true
	if c.sid == 0 {
		c.sid, c.pgrp = p.sid, p.pgid
	}
}

// CttyOfLocked describes p's controlling terminal the way /proc/PID/stat
// does (tty_nr and tpgid): the device and foreground group, or 0 and -1
// without one. Called with k.mu held; for procfs.
func (k *Kernel) CttyOfLocked(p *Process) (dev uint64, tpgid int) {
	if !k.hasCttyLocked(p) {
		return 0, -1
	}
	return k.tty.rdev, k.tty.pgrp
}

// asTaskFile finds a File's blocking-I/O implementation, looking through
// the VFS for the host terminal opened as /dev/tty.
func asTaskFile(f File) (taskFile, bool) {
	if tf, ok := f.(taskFile); ok {
		return tf, true
	}
	if tf := ttyOf(f); tf != nil {
		return tf, true
	}
	return nil, false
}

// ttyOf returns the host terminal behind f, or nil.
func ttyOf(f File) *ttyFile {
	switch f := f.(type) {
	case *ttyFile:
		return f
	case *vfsFile:
		if ti, ok := f.File.Terminal(); ok {
			if tf, ok := ti.(*ttyFile); ok {
				return tf
			}
		}
	}
	return nil
}

var _ taskFile = (*ttyFile)(nil)

// ReadTask is n_tty_read: a background reader gets SIGTTIN (or EIO), a
// blocking read waits interruptibly for input.
func (f *ttyFile) ReadTask(t *Task, p []byte, nonblock bool) (int, abi.Errno) {
	if e := t.jobControl(abi.SIGTTIN); e != 0 {
		return 0, e
	}
	if len(p) == 0 {
		return 0, 0
	}
	if !nonblock {
		if e := f.waitReadable(t); e != 0 {
			return 0, e
		}
	}
	return f.Read(p)
}

// WriteTask is n_tty_write: with TOSTOP set a background writer gets
// SIGTTOU unless it ignores or blocks it.
func (f *ttyFile) WriteTask(t *Task, p []byte, nonblock bool) (int, abi.Errno) {
	if t.inBackground() && f.lflag()&abi.TOSTOP != 0 {
		if e := t.jobControl(abi.SIGTTOU); e != 0 {
			return 0, e
		}
	}
	return f.Write(p)
}

// lflag is the terminal's c_lflag (0 when it cannot be read).
func (f *ttyFile) lflag() uint32 {
	var tio [abi.TermiosSize]byte
	if f.GetTermios(&tio) != 0 {
		return 0
	}
	return rd32(tio[abi.TermiosLflag:])
}

// pollsForInput tells whether a blocking read waits for input: it does
// unless the terminal is non-canonical with VMIN 0, where read returns
// after VTIME even without any.
func (f *ttyFile) pollsForInput() bool {
	var tio [abi.TermiosSize]byte
	if f.GetTermios(&tio) != 0 {
		return true
	}
	return rd32(tio[abi.TermiosLflag:])&abi.ICANON != 0 || tio[abi.TermiosCC+abi.TermiosVMIN] != 0
}

// ttyRequest reports whether req is a terminal ioctl, which a file that is
// not a terminal answers with ENOTTY.
func ttyRequest(req uint32) bool {
	switch req {
	case abi.TCGETS, abi.TCSETS, abi.TCSETSW, abi.TCSETSF, abi.TIOCGWINSZ, abi.TIOCSWINSZ,
		abi.TIOCGPGRP, abi.TIOCSPGRP, abi.TIOCGSID, abi.TCSBRK, abi.TCXONC, abi.TCFLSH,
		abi.TIOCSCTTY, abi.TIOCNOTTY, abi.TIOCOUTQ, abi.TIOCGPTN, abi.TIOCSPTLCK:
		return true
	}
	return false
}

// ttyIoctl answers terminal ioctls and FIONREAD; ok is false for requests
// it does not know.
func (t *Task) ttyIoctl(d *Description, req uint32, arg uint64) (rv uint64, e abi.Errno, ok bool) {
	if req == abi.FIONREAD {
		n, e := t.bytesReadable(d)
		if e != 0 {
			return 0, e, true
		}
		return 0, t.writeU32(arg, uint32(n)), true
	}
	if !ttyRequest(req) {
		return 0, 0, false
	}
	tf := ttyOf(d.File)
	term, isTerm := d.File.(Terminal)
	if !isTerm {
		return 0, abi.ENOTTY, true
	}
	switch req {
	case abi.TCGETS:
		var tio [abi.TermiosSize]byte
		if e := term.GetTermios(&tio); e != 0 {
			return 0, e, true
		}
		return 0, t.copyOut(arg, tio[:]), true
	case abi.TCSETS, abi.TCSETSW, abi.TCSETSF:
		var tio [abi.TermiosSize]byte
		if e := t.copyIn(arg, tio[:]); e != 0 {
			return 0, e, true
		}
		if tf != nil {
			if e := t.jobControl(abi.SIGTTOU); e != 0 {
				return 0, e, true
			}
		}
		return 0, term.SetTermios(req, &tio), true
	case abi.TIOCGWINSZ:
		r, c, x, y, e := term.GetWinsize()
		if e != 0 {
			return 0, e, true
		}
		var b [abi.WinsizeSize]byte
		le16(b[0:], r)
		le16(b[2:], c)
		le16(b[4:], x)
		le16(b[6:], y)
		return 0, t.copyOut(arg, b[:]), true
	}
	if tf == nil {
		// A terminal without job control (none exists yet besides the
		// host's; pseudo-terminals would come here).
		return 0, abi.ENOTTY, true
	}
	switch req {
	case abi.TIOCSWINSZ:
		// The host raises SIGWINCH for a change; blink forwards it.
		var b [abi.WinsizeSize]byte
		if e := t.copyIn(arg, b[:]); e != 0 {
			return 0, e, true
		}
		return 0, tf.setWinsize(le16get(b[0:]), le16get(b[2:]), le16get(b[4:]), le16get(b[6:])), true
	case abi.TIOCGPGRP, abi.TIOCGSID:
		k := t.k
		k.mu.Lock()
		has, pg, sid := k.hasCttyLocked(t.proc), k.tty.pgrp, k.tty.sid
		k.mu.Unlock()
		if !has {
			return 0, abi.ENOTTY, true
		}
		if req == abi.TIOCGSID {
			pg = sid
		}
		return 0, t.writeU32(arg, uint32(pg)), true
	case abi.TIOCSPGRP:
		return t.tiocspgrp(arg)
	case abi.TIOCSCTTY:
		return 0, t.tiocsctty(arg), true
	case abi.TIOCNOTTY:
		return 0, t.tiocnotty(), true
	case abi.TIOCOUTQ:
		n, e := tf.hostInt(req, 0)
		if e != 0 {
			return 0, e, true
		}
		return 0, t.writeU32(arg, uint32(n)), true
	case abi.TCFLSH, abi.TCXONC, abi.TCSBRK:
		// Linux's tty_check_change: a background group may not flush,
		// stop the output or send a break.
		if e := t.jobControl(abi.SIGTTOU); e != 0 {
			return 0, e, true
		}
		_, e := tf.hostInt(req, int(int32(arg)))
		return 0, e, true
	}
	// TIOCGPTN, TIOCSPTLCK: not a pseudo-terminal master.
	return 0, abi.ENOTTY, true
}

// tiocspgrp is tcsetpgrp: the group must exist in the caller's session,
// which must be the terminal's.
func (t *Task) tiocspgrp(arg uint64) (uint64, abi.Errno, bool) {
	switch e := t.jobControl(abi.SIGTTOU); e {
	case 0:
	case abi.EIO:
		return 0, abi.ENOTTY, true
	default:
		return 0, e, true
	}
	var b [4]byte
	if e := t.copyIn(arg, b[:]); e != 0 {
		return 0, e, true
	}
	pg := int(int32(rd32(b[:])))
	k, p := t.k, t.proc
	k.mu.Lock()
	defer k.mu.Unlock()
	if !k.hasCttyLocked(p) {
		return 0, abi.ENOTTY, true
	}
	if pg < 0 {
		return 0, abi.EINVAL, true
	}
	found := false
	for _, q := range k.procs {
		if q.pgid == pg && q != k.init && !q.zombie {
			if q.sid != p.sid {
				return 0, abi.EPERM, true
			}
			found = true
		}
	}
	if !found {
		return 0, abi.ESRCH, true
	}
	k.tty.pgrp = pg
	return 0, 0, true
}

// tiocsctty makes the terminal the caller's controlling terminal: only a
// session leader without one may, and only if no other session has it
// (root may steal it with arg 1).
func (t *Task) tiocsctty(arg uint64) abi.Errno {
	k, p := t.k, t.proc
	k.mu.Lock()
	defer k.mu.Unlock()
	c := &k.tty
	if p.sid == p.pid && c.sid == p.sid {
		delete(c.detached, p)
		return 0
	}
	if p.sid != p.pid || k.hasCttyLocked(p) {
		return abi.EPERM
	}
	if c.sid != 0 && k.sessionAliveLocked(c.sid) {
		if int32(arg) != 1 || p.creds.EUID != 0 {
			return abi.EPERM
		}
	}
	c.sid, c.pgrp = p.sid, p.pgid
	c.detached = nil
	return 0
}

// tiocnotty gives the controlling terminal up. A session leader detaches
// the whole session, sending SIGHUP and SIGCONT to the foreground group.
func (t *Task) tiocnotty() abi.Errno {
	k, p := t.k, t.proc
	k.mu.Lock()
	defer k.mu.Unlock()
	if !k.hasCttyLocked(p) {
		return abi.ENOTTY
	}
	c := &k.tty
	if p.sid != p.pid {
		if c.detached == nil {
			c.detached = make(map[*Process]bool)
		}
		c.detached[p] = true
		return 0
	}
	if c.pgrp != 0 {
		k.signalGroupLocked(c.pgrp, &Siginfo{Signo: abi.SIGHUP, Code: abi.SI_KERNEL})
		k.signalGroupLocked(c.pgrp, &Siginfo{Signo: abi.SIGCONT, Code: abi.SI_KERNEL})
	}
	c.sid, c.pgrp, c.detached = 0, 0, nil
	return 0
}

// sessionAliveLocked reports whether any live process is in session sid.
func (k *Kernel) sessionAliveLocked(sid int) bool {
	for _, q := range k.procs {
		if q.sid == sid && q != k.init && !q.zombie {
			return true
		}
	}
	return false
}

// bytesReadable is FIONREAD: input waiting on a terminal or pipe, or the
// bytes after the position of a regular file.
func (t *Task) bytesReadable(d *Description) (int, abi.Errno) {
	if tf := ttyOf(d.File); tf != nil {
		return tf.hostInt(abi.FIONREAD, 0)
	}
	if pe, ok := d.File.(*pipeEnd); ok {
		pe.p.mu.Lock()
		defer pe.p.mu.Unlock()
		return pe.p.n, 0
	}
	st, e := d.File.Stat()
	if e != 0 || st.Mode&abi.S_IFMT != abi.S_IFREG {
		return 0, abi.ENOTTY
	}
	pos, e := d.File.Lseek(0, abi.SEEK_CUR)
	if e != 0 {
		return 0, e
	}
	return int(max(st.Size-pos, 0)), 0
}

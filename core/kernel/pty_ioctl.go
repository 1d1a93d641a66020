package kernel

import (
	"github.com/blink-go/blink/core/abi"
	"github.com/blink-go/blink/fs/vfs"
)

// A pseudo-terminal's answers to terminal ioctls (tty_ioctl.go does the
// common part): termios and window size belong to the slave whichever
// side asks, as Linux's real_tty; queues, flow and exclusivity are each
// side's own; locking, numbering and signalling are the master's
// (pty_unix98_ioctl), as is packet mode.

func (f *ptyFile) ctl() *terminal { return &f.p.term }

func (f *ptyFile) own() *terminal {
	if f.master {
		return nil
	}
	return &f.p.term
}

// GetTermios returns the slave's termios.
func (f *ptyFile) GetTermios(b *[abi.TermiosSize]byte) abi.Errno {
	p := f.p
	p.mu.Lock()
	defer p.mu.Unlock()
	p.side[slaveSide].ld.tio.encode(b)
	return 0
}

// SetTermios sets the slave's termios. The pty driver keeps 8-bit
// characters without parity whatever is asked (pty_set_termios). TCSETSF
// discards unread input first; there is never output to wait for.
func (f *ptyFile) SetTermios(req uint32, b *[abi.TermiosSize]byte) abi.Errno {
	var t termios
	t.decode(b)
	t.cflag = t.cflag&^(abi.CSIZE|abi.PARENB) | abi.CS8 | abi.CREAD
	p := f.p
	p.mu.Lock()
	ld := &p.side[slaveSide].ld
	if req == abi.TCSETSF {
		ld.flushInput()
	}
	old := ld.tio
	ld.setTermios(t)
	if ld.packet {
		// A packet-mode master learns whether ^S and ^Q now stop and
		// start output, and of any change under EXTPROC.
		flow := func(t *termios) bool {
			return t.i(abi.IXON) && t.cc[abi.TermiosVSTOP] == 0x13 && t.cc[abi.TermiosVSTART] == 0x11
		}
		if was, is := flow(&old), flow(&ld.tio); was != is {
			ld.pkt &^= abi.TIOCPKT_DOSTOP | abi.TIOCPKT_NOSTOP
			if is {
				ld.pkt |= abi.TIOCPKT_DOSTOP
			} else {
				ld.pkt |= abi.TIOCPKT_NOSTOP
			}
		}
		if old.l(abi.EXTPROC) || ld.tio.l(abi.EXTPROC) {
			ld.pkt |= abi.TIOCPKT_IOCTL
		}
	}
	sigs := p.settle()
	p.mu.Unlock()
	p.changed()
	p.raise(sigs)
	return 0
}

func (f *ptyFile) GetWinsize() (rows, cols, xpix, ypix uint16, e abi.Errno) {
	p := f.p
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.ws.row, p.ws.col, p.ws.xpixel, p.ws.ypixel, 0
}

// setWinsize is tty_do_resize on the slave: a change raises SIGWINCH in
// its foreground group.
func (f *ptyFile) setWinsize(_ *Task, ws winsize) abi.Errno {
	p := f.p
	p.mu.Lock()
	changed := p.ws != ws
	p.ws = ws
	p.mu.Unlock()
	if changed {
		p.raise([]int{abi.SIGWINCH})
	}
	return 0
}

func (f *ptyFile) devIoctl(t *Task, d *Description, req uint32, arg uint64) (uint64, abi.Errno, bool) {
	p, si := f.p, f.sideIndex()
	switch req {
	case abi.FIONREAD:
		p.mu.Lock()
		n := p.side[si].ld.inq()
		p.mu.Unlock()
		return 0, t.writeU32(arg, uint32(n)), true
	case abi.TIOCOUTQ:
		return 0, t.writeU32(arg, 0), true // output goes straight to the other side
	case abi.TCFLSH:
		if e := t.jobControl(f.own(), abi.SIGTTOU); e != 0 {
			return 0, e, true
		}
		return 0, f.flush(int(int32(arg))), true
	case abi.TCXONC:
		if e := t.jobControl(f.own(), abi.SIGTTOU); e != 0 {
			return 0, e, true
		}
		return 0, f.flow(int(int32(arg))), true
	case abi.TCSBRK, abi.TCSBRKP:
		// tcdrain has nothing to wait for, and a pty has no line to
		// send a break on.
		return 0, t.jobControl(f.own(), abi.SIGTTOU), true
	case abi.TIOCEXCL, abi.TIOCNXCL:
		p.mu.Lock()
		p.side[si].exclusive = req == abi.TIOCEXCL
		p.mu.Unlock()
		return 0, 0, true
	case abi.TIOCGEXCL:
		p.mu.Lock()
		ex := p.side[si].exclusive
		p.mu.Unlock()
		return 0, t.writeU32(arg, boolU32(ex)), true
	case abi.TIOCVHANGUP:
		if t.proc.euid() != 0 {
			return 0, abi.EPERM, true
		}
		f.vhangup()
		return 0, 0, true
	case abi.TIOCGPTPEER:
		if !f.master {
			return 0, abi.EIO, true
		}
		return f.openPeer(t, int(int32(arg)))
	case abi.TIOCSTI:
		return 0, f.pushInput(t, arg), true
	}
	if !f.master {
		return 0, 0, false
	}
	switch req {
	case abi.TIOCGPTN:
		return 0, t.writeU32(arg, uint32(p.index)), true
	case abi.TIOCSPTLCK:
		v, e := t.readU32(arg)
		if e != 0 {
			return 0, e, true
		}
		p.mu.Lock()
		p.locked = v != 0
		p.mu.Unlock()
		return 0, 0, true
	case abi.TIOCGPTLCK:
		p.mu.Lock()
		locked := p.locked
		p.mu.Unlock()
		return 0, t.writeU32(arg, boolU32(locked)), true
	case abi.TIOCPKT:
		v, e := t.readU32(arg)
		if e != 0 {
			return 0, e, true
		}
		p.mu.Lock()
		s := &p.side[slaveSide].ld
		if v != 0 && !s.packet {
			s.pkt = 0 // only events from now on
		}
		s.packet = v != 0
		p.mu.Unlock()
		return 0, 0, true
	case abi.TIOCGPKT:
		p.mu.Lock()
		packet := p.side[slaveSide].ld.packet
		p.mu.Unlock()
		return 0, t.writeU32(arg, boolU32(packet)), true
	case abi.TIOCSIG:
		// Only the signals the slave's keys could raise (pty_signal).
		switch sig := int(int32(arg)); sig {
		case abi.SIGINT, abi.SIGQUIT, abi.SIGTSTP:
			p.raise([]int{sig})
			return 0, 0, true
		}
		return 0, abi.EINVAL, true
	}
	return 0, 0, false
}

func boolU32(b bool) uint32 {
	if b {
		return 1
	}
	return 0
}

// flush is TCFLSH on this side: TCIFLUSH discards its input, TCOFLUSH
// what it sent that the other side has not taken in yet.
func (f *ptyFile) flush(which int) abi.Errno {
	p := f.p
	ld := &f.side().ld
	p.mu.Lock()
	switch which {
	case abi.TCIFLUSH:
		ld.flushInput()
	case abi.TCOFLUSH:
		ld.flushOutput()
	case abi.TCIOFLUSH:
		ld.flushInput()
		ld.flushOutput()
	default:
		p.mu.Unlock()
		return abi.EINVAL
	}
	sigs := p.settle()
	p.mu.Unlock()
	p.changed()
	p.raise(sigs)
	return 0
}

// flow is TCXONC on this side: TCOOFF and TCOON stop and restart its
// output (a stop only TCOON undoes), TCIOFF and TCION send the other side
// its STOP or START character even while output is stopped.
func (f *ptyFile) flow(action int) abi.Errno {
	p := f.p
	ld := &f.side().ld
	p.mu.Lock()
	switch action {
	case abi.TCOOFF:
		if !ld.tcoStopped {
			ld.tcoStopped = true
			ld.stop()
		}
	case abi.TCOON:
		if ld.tcoStopped {
			ld.tcoStopped = false
			ld.start()
		}
	case abi.TCIOFF, abi.TCION:
		c := ld.tio.cc[abi.TermiosVSTOP]
		if action == abi.TCION {
			c = ld.tio.cc[abi.TermiosVSTART]
		}
		if c != 0 && len(ld.peer.in) < ttyFlipLimit {
			ld.put(c)
		}
	default:
		p.mu.Unlock()
		return abi.EINVAL
	}
	ld.flushEchoes()
	sigs := p.settle()
	p.mu.Unlock()
	p.changed()
	p.raise(sigs)
	return 0
}

// pushInput is TIOCSTI: a byte is taken as if typed, before anything
// already queued. Only into the caller's controlling terminal, unless
// root; dropped when the read buffer is full.
func (f *ptyFile) pushInput(t *Task, arg uint64) abi.Errno {
	k, p := t.k, f.p
	if t.proc.euid() != 0 {
		k.mu.Lock()
		mine := f.own() != nil && k.cttyLocked(t.proc) == f.own()
		k.mu.Unlock()
		if !mine {
			return abi.EPERM
		}
	}
	var c [1]byte
	if e := t.copyIn(arg, c[:]); e != 0 {
		return e
	}
	ld := &f.side().ld
	p.mu.Lock()
	if ld.makeRoom() {
		ld.receiveChar(c[0])
	}
	ld.flushEchoes()
	sigs := p.settle()
	p.mu.Unlock()
	p.changed()
	p.raise(sigs)
	return 0
}

// vhangup is TIOCVHANGUP: the side's descriptors are hung up as if the
// line dropped; for the slave, its session loses it, its leader getting
// SIGHUP.
func (f *ptyFile) vhangup() {
	p := f.p
	p.mu.Lock()
	f.side().hup++
	p.mu.Unlock()
	if !f.master {
		k := p.k
		k.mu.Lock()
		k.hangupLocked(&p.term)
		k.mu.Unlock()
	}
	p.changed()
}

// openPeer is TIOCGPTPEER: a new descriptor of the slave, opened as
// /dev/pts/N would be but without looking the name up in the caller's
// view or checking its permissions, with open(2) flags.
func (f *ptyFile) openPeer(t *Task, flags int) (uint64, abi.Errno, bool) {
	p := f.p
	flags &= abi.O_ACCMODE | abi.O_NONBLOCK | abi.O_NOCTTY | abi.O_CLOEXEC
	var file File
	if fs, ok := t.k.fs.(*VFS); ok {
		// Through the VFS the descriptor gets its name and st_dev.
		c := t.proc.fsCtx()
		c.Cred, c.Real = vfs.Cred{}, vfs.Cred{}
		if g, e := fs.Open(c, nil, "/dev/pts/"+itoa(int64(p.index)), flags&^abi.O_CLOEXEC, 0); e == 0 {
			if pf, ok := g.(*ptyFile); ok && pf.p == p {
				file = g
			} else {
				g.Close()
			}
		} else if e == abi.EIO || e == abi.EBUSY {
			return 0, e, true
		}
	}
	if file == nil {
		pf, e := p.openSlave(t.proc, flags)
		if e != 0 {
			return 0, e, true
		}
		file = pf
	}
	fd, e := t.proc.fds.alloc(newDescription(file, flags), 0, flags&abi.O_CLOEXEC != 0)
	if e != 0 {
		file.Close()
		return 0, e, true
	}
	return uint64(fd), 0, true
}

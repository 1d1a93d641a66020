package kernel

import (
	"github.com/blink-go/blink/core/abi"
)

// Terminal ioctls (tty_ioctl(4)), answered the same way for every kind of
// terminal descriptor: the host terminal (tty_unix.go) and both sides of
// a pseudo-terminal (pty_ioctl.go). What differs between kinds is behind
// ttyDevice; the session and job-control rules are tty.go's.

// ttyDevice is a descriptor of a terminal.
type ttyDevice interface {
	Terminal
	// ctl is the terminal that job-control, termios and window-size
	// requests address: the descriptor's own, or for a pty master its
	// slave (Linux's real_tty).
	ctl() *terminal
	// own is the terminal the descriptor itself is, as compared with the
	// caller's controlling terminal; nil for a pty master, which never is
	// one.
	own() *terminal
	// hungUp reports a descriptor whose terminal hung up: every request
	// fails with EIO but TIOCSPGRP, which fails with ENOTTY.
	hungUp() bool
	// setWinsize is TIOCSWINSZ.
	setWinsize(t *Task, ws winsize) abi.Errno
	// devIoctl answers the requests particular to the kind of terminal;
	// ok is false for requests it does not know.
	devIoctl(t *Task, d *Description, req uint32, arg uint64) (rv uint64, e abi.Errno, ok bool)
}

// winsize is struct winsize: rows, columns, and the pixel sizes.
type winsize struct{ row, col, xpixel, ypixel uint16 }

// ttyOf returns the terminal behind f, looking through the VFS for the
// host terminal opened as /dev/tty; nil if f is not a terminal.
func ttyOf(f File) ttyDevice {
	switch f := f.(type) {
	case ttyDevice:
		return f
	case *vfsFile:
		if ti, ok := f.File.Terminal(); ok {
			if d, ok := ti.(ttyDevice); ok {
				return d
			}
		}
	}
	return nil
}

// asTaskFile finds a File's blocking-I/O implementation, looking through
// the VFS for the host terminal opened as /dev/tty.
func asTaskFile(f File) (taskFile, bool) {
	if tf, ok := f.(taskFile); ok {
		return tf, true
	}
	if d := ttyOf(f); d != nil {
		if tf, ok := d.(taskFile); ok {
			return tf, true
		}
	}
	return nil, false
}

// ttyRequest reports whether req is a terminal ioctl, which a file that is
// not a terminal answers with ENOTTY.
func ttyRequest(req uint32) bool {
	switch req {
	case abi.TCGETS, abi.TCSETS, abi.TCSETSW, abi.TCSETSF, abi.TIOCGWINSZ, abi.TIOCSWINSZ,
		abi.TCGETS2, abi.TCSETS2, abi.TCSETSW2, abi.TCSETSF2,
		abi.TIOCGPGRP, abi.TIOCSPGRP, abi.TIOCGSID, abi.TCSBRK, abi.TCSBRKP, abi.TCXONC, abi.TCFLSH,
		abi.TIOCSCTTY, abi.TIOCNOTTY, abi.TIOCOUTQ, abi.TIOCGPTN, abi.TIOCSPTLCK, abi.TIOCGPTLCK,
		abi.TIOCGPTPEER, abi.TIOCSIG, abi.TIOCGDEV, abi.TIOCGETD, abi.TIOCSETD, abi.TIOCEXCL,
		abi.TIOCNXCL, abi.TIOCGEXCL, abi.TIOCVHANGUP, abi.TIOCSTI, abi.TIOCPKT, abi.TIOCGPKT:
		return true
	}
	return false
}

// ttyIoctl answers terminal ioctls and FIONREAD; ok is false for requests
// it does not know.
func (t *Task) ttyIoctl(d *Description, req uint32, arg uint64) (rv uint64, e abi.Errno, ok bool) {
	dev := ttyOf(d.File)
	if dev == nil {
		if req == abi.FIONREAD {
			n, e := t.bytesReadable(d)
			if e != 0 {
				return 0, e, true
			}
			return 0, t.writeU32(arg, uint32(n)), true
		}
		if ttyRequest(req) {
			return 0, abi.ENOTTY, true
		}
		return 0, 0, false
	}
	if dev.hungUp() {
		if req == abi.TIOCSPGRP {
			return 0, abi.ENOTTY, true
		}
		return 0, abi.EIO, true
	}
	switch req {
	case abi.TCGETS:
		var tio [abi.TermiosSize]byte
		if e := dev.GetTermios(&tio); e != 0 {
			return 0, e, true
		}
		return 0, t.copyOut(arg, tio[:]), true
	case abi.TCSETS, abi.TCSETSW, abi.TCSETSF:
		var tio [abi.TermiosSize]byte
		if e := t.copyIn(arg, tio[:]); e != 0 {
			return 0, e, true
		}
		if e := t.jobControl(dev.ctl(), abi.SIGTTOU); e != 0 {
			return 0, e, true
		}
		return 0, dev.SetTermios(req, &tio), true
	case abi.TCGETS2:
		var tio [abi.Termios2Size]byte
		if e := dev.GetTermios((*[abi.TermiosSize]byte)(tio[:abi.TermiosSize])); e != 0 {
			return 0, e, true
		}
		is, os := t.k.ttySpeeds(dev.ctl(), rd32(tio[abi.TermiosCflag:]))
		le32(tio[abi.Termios2Ispeed:], is)
		le32(tio[abi.Termios2Ospeed:], os)
		return 0, t.copyOut(arg, tio[:]), true
	case abi.TCSETS2, abi.TCSETSW2, abi.TCSETSF2:
		var tio [abi.Termios2Size]byte
		if e := t.copyIn(arg, tio[:]); e != 0 {
			return 0, e, true
		}
		if e := t.jobControl(dev.ctl(), abi.SIGTTOU); e != 0 {
			return 0, e, true
		}
		old := uint32(abi.TCSETS) // the same request without speeds
		switch req {
		case abi.TCSETSW2:
			old = abi.TCSETSW
		case abi.TCSETSF2:
			old = abi.TCSETSF
		}
		if e := dev.SetTermios(old, (*[abi.TermiosSize]byte)(tio[:abi.TermiosSize])); e != 0 {
			return 0, e, true
		}
		t.k.setTTYSpeeds(dev.ctl(), rd32(tio[abi.Termios2Ispeed:]), rd32(tio[abi.Termios2Ospeed:]))
		return 0, 0, true
	case abi.TIOCGWINSZ:
		r, c, x, y, e := dev.GetWinsize()
		if e != 0 {
			return 0, e, true
		}
		var b [abi.WinsizeSize]byte
		le16(b[0:], r)
		le16(b[2:], c)
		le16(b[4:], x)
		le16(b[6:], y)
		return 0, t.copyOut(arg, b[:]), true
	case abi.TIOCSWINSZ:
		var b [abi.WinsizeSize]byte
		if e := t.copyIn(arg, b[:]); e != 0 {
			return 0, e, true
		}
		ws := winsize{le16get(b[0:]), le16get(b[2:]), le16get(b[4:]), le16get(b[6:])}
		return 0, dev.setWinsize(t, ws), true
	case abi.TIOCGPGRP, abi.TIOCGSID:
		if dev.ctl() == nil {
			return 0, abi.ENOTTY, true
		}
		n, e := t.tiocgpgrp(dev.ctl(), dev.own() == nil, req == abi.TIOCGSID)
		if e != 0 {
			return 0, e, true
		}
		return 0, t.writeU32(arg, uint32(n)), true
	case abi.TIOCSPGRP:
		if dev.ctl() == nil {
			return 0, abi.ENOTTY, true
		}
		return 0, t.tiocspgrp(dev.ctl(), arg), true
	case abi.TIOCSCTTY:
		if dev.ctl() == nil {
			return 0, abi.EPERM, true
		}
		return 0, t.tiocsctty(dev.ctl(), d, arg), true
	case abi.TIOCNOTTY:
		if dev.own() == nil {
			return 0, abi.ENOTTY, true
		}
		return 0, t.tiocnotty(dev.own()), true
	case abi.TIOCGDEV:
		if dev.ctl() == nil {
			return 0, abi.ENOTTY, true
		}
		return 0, t.writeU32(arg, uint32(dev.ctl().rdev)), true
	case abi.TIOCGETD:
		return 0, t.writeU32(arg, abi.N_TTY), true
	case abi.TIOCSETD:
		// N_TTY is the only line discipline; others would be modules.
		v, e := t.readU32(arg)
		if e != 0 {
			return 0, e, true
		}
		if v != abi.N_TTY {
			return 0, abi.EINVAL, true
		}
		return 0, 0, true
	}
	if rv, e, ok := dev.devIoctl(t, d, req, arg); ok {
		return rv, e, true
	}
	if ttyRequest(req) {
		return 0, abi.ENOTTY, true
	}
	return 0, 0, false
}

// readU32 reads an int argument.
func (t *Task) readU32(addr uint64) (uint32, abi.Errno) {
	var b [4]byte
	if e := t.copyIn(addr, b[:]); e != 0 {
		return 0, e
	}
	return rd32(b[:]), 0
}

// bytesReadable is FIONREAD for what is not a terminal: input waiting on
// a pipe, or the bytes after the position of a regular file.
func (t *Task) bytesReadable(d *Description) (int, abi.Errno) {
	if pe, ok := d.File.(*pipeEnd); ok {
		return pe.available(), 0
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

// baudTable is Linux's baud_table: the speeds the CBAUD codes name, those
// with CBAUDEX from index 16.
var baudTable = [...]uint32{0, 50, 75, 110, 134, 150, 200, 300, 600, 1200, 1800, 2400, 4800, 9600, 19200,
	38400, 57600, 115200, 230400, 460800, 500000, 576000, 921600, 1000000, 1152000, 1500000, 2000000,
	2500000, 3000000, 3500000, 4000000}

// codeSpeed is the speed a CBAUD code names (tty_termios_baud_rate);
// BOTHER names exact.
func codeSpeed(code, exact uint32) uint32 {
	if code == abi.BOTHER {
		return exact
	}
	if code&abi.CBAUDEX != 0 {
		code = code&^abi.CBAUDEX + 15
	}
	if int(code) >= len(baudTable) {
		return 0
	}
	return baudTable[code]
}

// ttySpeeds are the input and output speeds TCGETS2 reports for a
// terminal with c_cflag cflag: what its codes name, or for BOTHER the
// exact speeds TCSETS2 last set (tty_termios_input_baud_rate: an input
// code of 0 means the output speed).
func (k *Kernel) ttySpeeds(tm *terminal, cflag uint32) (ispeed, ospeed uint32) {
	var is, os uint32
	if tm != nil {
		k.mu.Lock()
		is, os = tm.ispeed, tm.ospeed
		k.mu.Unlock()
	}
	ospeed = codeSpeed(cflag&abi.CBAUD, os)
	if in := cflag >> abi.IBSHIFT & abi.CBAUD; in != 0 {
		return codeSpeed(in, is), ospeed
	}
	return ospeed, ospeed
}

// setTTYSpeeds keeps TCSETS2's exact speeds for BOTHER.
func (k *Kernel) setTTYSpeeds(tm *terminal, ispeed, ospeed uint32) {
	if tm == nil {
		return
	}
	k.mu.Lock()
	tm.ispeed, tm.ospeed = ispeed, ospeed
	k.mu.Unlock()
}

package kernel

import (
	"time"

	"github.com/blink-go/blink/core/abi"
)

// Reading, writing and polling a pseudo-terminal's descriptors, with
// n_tty's waiting rules (pty.go has the pair, pty_ldisc.go the
// processing).

// ReadTask is n_tty_read. A slave read from a background group gets
// SIGTTIN or EIO first. In canonical mode a read returns one line;
// otherwise VMIN and VTIME decide how long it waits: for VMIN bytes
// (with VTIME as the time allowed between bytes once one came), or with
// VMIN 0 at most VTIME for any. The master reads EIO when it has drained
// all input and no slave is open.
func (f *ptyFile) ReadTask(t *Task, b []byte, nonblock bool) (int, abi.Errno) {
	p, side := f.p, f.side()
	if f.hungUp() {
		return 0, 0
	}
	if !f.master && t != nil {
		if e := t.jobControl(&p.term, abi.SIGTTIN); e != 0 {
			return 0, e
		}
	}
	if len(b) == 0 {
		return 0, 0
	}
	ld := &side.ld
	p.mu.Lock()
	canon := ld.icanon()
	vmin, vtime := int(ld.tio.cc[abi.TermiosVMIN]), time.Duration(ld.tio.cc[abi.TermiosVTIME])*100*time.Millisecond
	p.mu.Unlock()
	minimum, interval := 0, time.Duration(0)
	var deadline time.Time
	immediate := false
	if !canon {
		if vmin > 0 {
			minimum, interval = vmin, vtime
		} else {
			minimum = 1
			if vtime > 0 {
				deadline = time.Now().Add(vtime)
			} else {
				immediate = true
			}
		}
	}
	copied := 0
	var err abi.Errno
	for {
		finished, got := false, false
		attempt := func() bool {
			p.mu.Lock()
			if f.hungUpLocked() {
				// A reader already waiting sees the slave's
				// TTY_OTHER_CLOSED, set before the hang-up, when
				// the master closed; otherwise end-of-file.
				if !f.master && !p.masterOpen {
					err = abi.EIO
				}
				p.mu.Unlock()
				finished = true
				return true
			}
			// A packet-mode master reads a status change alone, and
			// data after a TIOCPKT_DATA byte.
			packet := f.master && p.side[slaveSide].ld.packet
			if s := &p.side[slaveSide].ld; packet && s.pkt != 0 {
				if copied == 0 {
					b[0], s.pkt = s.pkt, 0
					copied = 1
				}
				p.mu.Unlock()
				p.changed()
				finished = true
				return true
			}
			if ld.readable(false) {
				if packet && copied == 0 {
					b[0] = abi.TIOCPKT_DATA
					copied = 1
				}
				copied += ld.read(b[copied:])
				sigs := p.settle()
				if !f.master {
					p.touch(false)
				}
				p.mu.Unlock()
				p.changed()
				p.raise(sigs)
				finished = canon || copied >= minimum || copied == len(b)
				got = true
				return true
			}
			switch {
			case f.master && p.otherClosed:
				err = abi.EIO
			case immediate:
			case nonblock:
				err = abi.EAGAIN
			default:
				p.mu.Unlock()
				return false
			}
			p.mu.Unlock()
			finished = true
			return true
		}
		if t == nil {
			attempt()
			break
		}
		res := t.waitFor(&side.q, deadline, attempt)
		if finished || res == waitTimedOut {
			break
		}
		if res == waitInterrupted {
			if copied > 0 {
				return copied, 0
			}
			return 0, errRestartSys
		}
		if got && interval > 0 {
			deadline = time.Now().Add(interval) // VTIME runs between bytes
		}
	}
	if copied > 0 {
		return copied, 0
	}
	return 0, err
}

// WriteTask is n_tty_write: the bytes go through output processing to the
// other side, waiting for room there (and for output stopped by VSTOP to
// restart). A slave write from a background group gets SIGTTOU under
// TOSTOP; a hung-up descriptor fails with EIO.
func (f *ptyFile) WriteTask(t *Task, b []byte, nonblock bool) (int, abi.Errno) {
	p, side := f.p, f.side()
	p.mu.Lock()
	hung, tostop := f.hungUpLocked(), side.ld.tio.l(abi.TOSTOP)
	p.mu.Unlock()
	if hung {
		return 0, abi.EIO
	}
	if !f.master && t != nil && tostop {
		if e := t.jobControl(&p.term, abi.SIGTTOU); e != 0 {
			return 0, e
		}
	}
	written := 0
	var err abi.Errno
	attempt := func() bool {
		p.mu.Lock()
		if f.hungUpLocked() {
			p.mu.Unlock()
			err = abi.EIO
			return true
		}
		n := side.ld.write(b[written:])
		written += n
		var sigs []int
		if n > 0 {
			sigs = p.settle()
			if !f.master {
				p.touch(true)
			}
		}
		p.mu.Unlock()
		if n > 0 {
			p.changed()
			p.raise(sigs)
		}
		switch {
		case written == len(b):
			return true
		case nonblock:
			if written == 0 {
				err = abi.EAGAIN
			}
			return true
		}
		return false
	}
	if t == nil {
		attempt()
	} else if t.waitFor(&side.q, time.Time{}, attempt) == waitInterrupted {
		if written > 0 {
			return written, 0
		}
		return 0, errRestartSys
	}
	if written > 0 {
		return written, 0
	}
	return 0, err
}

// touch updates the slave's access or modification time as tty_read and
// tty_write do: only when it moves by 8 seconds or more, so that the
// times do not tell when each key was typed. Called with p.mu held.
func (p *pty) touch(modified bool) {
	now := time.Now().Unix()
	ts := &p.atime
	if modified {
		ts = &p.mtime
	}
	if (now^ts.Sec)&^7 != 0 {
		*ts = Timespec{Sec: now}
	}
}

// Read and Write serve callers without a task: they never wait.
func (f *ptyFile) Read(b []byte) (int, abi.Errno)  { return f.ReadTask(nil, b, true) }
func (f *ptyFile) Write(b []byte) (int, abi.Errno) { return f.WriteTask(nil, b, true) }

func (f *ptyFile) Pread([]byte, int64) (int, abi.Errno)  { return 0, abi.ESPIPE }
func (f *ptyFile) Pwrite([]byte, int64) (int, abi.Errno) { return 0, abi.ESPIPE }
func (f *ptyFile) Lseek(int64, int) (int64, abi.Errno)   { return 0, abi.ESPIPE }

// Readiness follows n_tty_poll: readable with input (VMIN bytes of it for
// a non-canonical read that waits for them), or with POLLPRI with a
// packet-mode status, writable while the other side has room and output
// is not stopped, POLLHUP on a master whose slaves all closed; a hung-up
// descriptor is ready for everything.
func (f *ptyFile) Readiness(_ *Task, mask uint32) uint32 {
	p, side := f.p, f.side()
	p.mu.Lock()
	defer p.mu.Unlock()
	if f.hungUpLocked() {
		return abi.POLLIN | abi.POLLOUT | abi.POLLERR | abi.POLLHUP | abi.POLLRDNORM | abi.POLLWRNORM
	}
	var r uint32
	if side.ld.readable(true) {
		r |= abi.POLLIN | abi.POLLRDNORM
	}
	if s := &p.side[slaveSide].ld; f.master && s.packet && s.pkt != 0 {
		r |= abi.POLLPRI | abi.POLLIN | abi.POLLRDNORM
	}
	if f.master && p.otherClosed {
		r |= abi.POLLHUP
	}
	if side.ld.outRoom() > 0 {
		r |= abi.POLLOUT | abi.POLLWRNORM
	}
	return r
}

func (f *ptyFile) PollRegister(r *pollRegs, mask uint32) { r.addQueue(&f.side().q) }

func (f *ptyFile) PollGen(uint32) uint64 { return f.side().gen.Load() }

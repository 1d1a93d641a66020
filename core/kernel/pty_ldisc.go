package kernel

import "github.com/blink-go/blink/core/abi"

// The line discipline of the kernel's pseudo-terminals, after Linux's
// n_tty (termios(3) and tty_ioctl(4) describe what the flags do; the
// order of the checks below is n_tty's, which programs can observe).
//
// Each side of a pseudo-terminal has an ldisc. Bytes written to one side
// go through its output processing (OPOST) into the other side's input
// queue, in; the receiving side's receive turns that input into its read
// buffer, handling special characters, signals and echo on the way. Echo
// is output of the receiving side, so it comes back to the writer. The
// master's termios is raw and never changes, so the master side only
// buffers.
//
// This file is the input side: special characters, signals, the read
// buffer and reads. Output processing and echo are pty_output.go's, line
// editing pty_erase.go's.
//
// Memory is bounded as on Linux: in holds at most ttyFlipLimit bytes (a
// writer waits for room), the read buffer ttyBufSize, pending echoes
// echoMax operations. Callers hold pty.mu.

const (
	ttyBufSize    = 4096  // N_TTY_BUF_SIZE: processed input awaiting read
	ttyFlipLimit  = 65536 // TTYB_DEFAULT_MEM_LIMIT: input before the discipline takes it
	echoWatermark = 256   // ECHO_COMMIT_WATERMARK: echoes leave in batches this large
	echoMax       = 4096  // echo operations kept while output cannot take them
)

// echoKind is what one queued echo operation does when it is output.
type echoKind uint8

const (
	echoByte     echoKind = iota // a byte, through output processing
	echoCtl                      // a control character shown as ^X
	echoCanonCol                 // note the column where the line starts
	echoBackCol                  // one column back
	echoEraseTab                 // back over a tab (see eraseTab)
)

type echoOp struct {
	kind echoKind
	c    byte // the byte; for echoEraseTab the columns used mod 8
	// afterTab: for echoEraseTab, the columns were counted from a previous
	// tab rather than from the start of the line.
	afterTab bool
}

type ldisc struct {
	tio     termios
	special [256]bool // characters that need more than queueing (char_map)
	peer    *ldisc    // where output and echoes go

	in    []byte // input not yet processed (the flip buffer)
	rbuf  []byte // processed input awaiting read
	delim []bool // per rbuf byte: it ends a line (an EOF character is a 0 that does)
	canon int    // canonical mode: bytes of rbuf in complete lines

	echo                []echoOp
	column, canonColumn int
	erasing             bool // an ECHOPRT erase is open ("\" printed, "/" due)
	lnext               bool // the next character is taken literally
	stopped, tcoStopped bool // output stopped by VSTOP, or by TCOOFF
	sigs                []int
	// Packet mode (TIOCPKT), kept on the slave's side where its events
	// happen: packet says the master reads in packet mode, pkt holds the
	// TIOCPKT_* status its next read reports.
	packet bool
	pkt    uint8
}

func (l *ldisc) init(t termios, peer *ldisc) {
	l.peer = peer
	l.setTermios(t)
}

func (l *ldisc) icanon() bool { return l.tio.l(abi.ICANON) }

// setTermios installs t (n_tty_set_termios): switching canonical mode on
// or off makes what was typed so far one readable line, or plain bytes.
func (l *ldisc) setTermios(t termios) {
	old := l.tio
	l.tio = t
	if (old.lflag^t.lflag)&(abi.ICANON|abi.EXTPROC) != 0 {
		clear(l.delim)
		l.canon = 0
		if t.l(abi.ICANON) && len(l.rbuf) > 0 {
			l.delim[len(l.delim)-1] = true
			l.canon = len(l.rbuf)
		}
		l.erasing, l.lnext = false, false
	}
	l.special = [256]bool{}
	set := func(i int) { l.special[t.cc[i]] = true }
	if t.i(abi.IGNCR) || t.i(abi.ICRNL) {
		l.special['\r'] = true
	}
	if t.i(abi.INLCR) {
		l.special['\n'] = true
	}
	if t.l(abi.ICANON) {
		set(abi.TermiosVERASE)
		set(abi.TermiosVKILL)
		set(abi.TermiosVEOF)
		l.special['\n'] = true
		set(abi.TermiosVEOL)
		if t.l(abi.IEXTEN) {
			set(abi.TermiosVWERASE)
			set(abi.TermiosVLNEXT)
			set(abi.TermiosVEOL2)
			if t.l(abi.ECHO) {
				set(abi.TermiosVREPRINT)
			}
		}
	}
	if t.i(abi.IXON) {
		set(abi.TermiosVSTART)
		set(abi.TermiosVSTOP)
	}
	if t.l(abi.ISIG) {
		set(abi.TermiosVINTR)
		set(abi.TermiosVQUIT)
		set(abi.TermiosVSUSP)
	}
	l.special[0] = false // _POSIX_VDISABLE: a 0 in c_cc disables the character
	if !t.i(abi.IXON) && old.i(abi.IXON) && !l.tcoStopped {
		l.start()
	}
}

// receive processes queued input while the read buffer has room
// (n_tty_receive_buf) and reports whether anything changed.
func (l *ldisc) receive() bool {
	echoes := len(l.echo)
	took := 0
	for took < len(l.in) && l.makeRoom() {
		l.receiveChar(l.in[took])
		took++
		if len(l.echo) >= echoWatermark {
			l.flushEchoes()
		}
	}
	if took == len(l.in) {
		l.in = l.in[:0]
	} else if took > 0 {
		l.in = append(l.in[:0], l.in[took:]...)
	}
	l.flushEchoes()
	return took > 0 || len(l.echo) != echoes
}

// makeRoom says whether one more character may be processed. The buffer
// keeps a byte spare; canonical mode without a complete line goes on
// regardless, each new character replacing the last, so that erase and
// newline still work on an overlong line.
func (l *ldisc) makeRoom() bool {
	room := ttyBufSize - len(l.rbuf)
	if l.tio.i(abi.PARMRK) {
		room = (room + 2) / 3 // a byte may become three
	}
	room--
	if room > 0 {
		return true
	}
	if !l.icanon() || l.canon != 0 {
		return false
	}
	if room < 0 {
		l.rbuf, l.delim = l.rbuf[:len(l.rbuf)-1], l.delim[:len(l.delim)-1]
	}
	return true
}

func (l *ldisc) queue(c byte) {
	l.rbuf = append(l.rbuf, c)
	l.delim = append(l.delim, false)
}

// endLine queues c as the end of a line, completing it for readers.
func (l *ldisc) endLine(c byte) {
	l.rbuf = append(l.rbuf, c)
	l.delim = append(l.delim, true)
	l.canon = len(l.rbuf)
}

// strip applies ISTRIP and IUCLC.
func (l *ldisc) strip(c byte) byte {
	if l.tio.i(abi.ISTRIP) {
		c &= 0x7f
	}
	if l.tio.i(abi.IUCLC) && l.tio.l(abi.IEXTEN) {
		c = toLower(c)
	}
	return c
}

func (l *ldisc) receiveChar(c byte) {
	if l.lnext {
		l.lnext = false
		l.receivePlain(l.strip(c))
		return
	}
	c = l.strip(c)
	switch {
	case l.tio.l(abi.EXTPROC):
		l.queue(c)
	case l.special[c]:
		l.receiveSpecial(c)
	default:
		l.receivePlain(c)
	}
}

// receivePlain queues an ordinary character, echoing it.
func (l *ldisc) receivePlain(c byte) {
	l.restartOnAny()
	if l.tio.l(abi.ECHO) {
		l.finishErasing()
		if l.canon == len(l.rbuf) {
			l.addEcho(echoOp{kind: echoCanonCol})
		}
		l.echoChar(c)
	}
	l.queueParmrk(c)
}

// queueParmrk queues c, doubled when it is 0377 under PARMRK so that it
// cannot be mistaken for a mark.
func (l *ldisc) queueParmrk(c byte) {
	if c == 0xff && l.tio.i(abi.PARMRK) {
		l.queue(c)
	}
	l.queue(c)
}

// restartOnAny restarts stopped output on any input under IXANY.
func (l *ldisc) restartOnAny() {
	if l.stopped && !l.tcoStopped && l.tio.i(abi.IXON) && l.tio.i(abi.IXANY) {
		l.start()
	}
}

func (l *ldisc) is(c byte, idx int) bool { return c == l.tio.cc[idx] && c != 0 }

func (l *ldisc) receiveSpecial(c byte) {
	t := &l.tio
	if t.i(abi.IXON) {
		if l.is(c, abi.TermiosVSTART) {
			l.start()
			return
		}
		if l.is(c, abi.TermiosVSTOP) {
			l.stop()
			return
		}
	}
	if t.l(abi.ISIG) {
		switch {
		case l.is(c, abi.TermiosVINTR):
			l.signalChar(abi.SIGINT, c)
			return
		case l.is(c, abi.TermiosVQUIT):
			l.signalChar(abi.SIGQUIT, c)
			return
		case l.is(c, abi.TermiosVSUSP):
			l.signalChar(abi.SIGTSTP, c)
			return
		}
	}
	l.restartOnAny()
	if c == '\r' {
		if t.i(abi.IGNCR) {
			return
		}
		if t.i(abi.ICRNL) {
			c = '\n'
		}
	} else if c == '\n' && t.i(abi.INLCR) {
		c = '\r'
	}
	if l.icanon() && l.receiveCanon(c) {
		return
	}
	if t.l(abi.ECHO) {
		l.finishErasing()
		if c == '\n' {
			l.echoRaw('\n')
		} else {
			if l.canon == len(l.rbuf) {
				l.addEcho(echoOp{kind: echoCanonCol})
			}
			l.echoChar(c)
		}
	}
	l.queueParmrk(c)
}

// receiveCanon handles the characters that edit or end a canonical line,
// reporting whether c was one.
func (l *ldisc) receiveCanon(c byte) bool {
	t := &l.tio
	iexten := t.l(abi.IEXTEN)
	switch {
	case l.is(c, abi.TermiosVERASE), l.is(c, abi.TermiosVKILL), iexten && l.is(c, abi.TermiosVWERASE):
		l.erase(c)
	case iexten && l.is(c, abi.TermiosVLNEXT):
		l.lnext = true
		if t.l(abi.ECHO) {
			l.finishErasing()
			if t.l(abi.ECHOCTL) {
				l.echoRaw('^')
				l.echoRaw('\b')
			}
		}
	case iexten && t.l(abi.ECHO) && l.is(c, abi.TermiosVREPRINT):
		l.finishErasing()
		l.echoChar(c)
		l.echoRaw('\n')
		for _, b := range l.rbuf[l.canon:] {
			l.echoChar(b)
		}
	case c == '\n':
		if t.l(abi.ECHO) || t.l(abi.ECHONL) {
			l.echoRaw('\n')
		}
		l.endLine(c)
	case l.is(c, abi.TermiosVEOF):
		l.endLine(0) // ends the line without being read
	case l.is(c, abi.TermiosVEOL), iexten && l.is(c, abi.TermiosVEOL2):
		if t.l(abi.ECHO) {
			if l.canon == len(l.rbuf) {
				l.addEcho(echoOp{kind: echoCanonCol})
			}
			l.echoChar(c)
		}
		if c == 0xff && t.i(abi.PARMRK) {
			l.queue(c)
		}
		l.endLine(c)
	default:
		return false
	}
	return true
}

// signalChar raises sig for the terminal's foreground group (isig) and,
// unless NOFLSH, discards pending input, echoes and the other side's
// unprocessed input; then echoes c.
func (l *ldisc) signalChar(sig int, c byte) {
	l.sigs = append(l.sigs, sig)
	if !l.tio.l(abi.NOFLSH) {
		l.echo = l.echo[:0]
		l.flushOutput()
		l.resetRead()
		l.status(abi.TIOCPKT_FLUSHREAD, 0)
	}
	if l.tio.i(abi.IXON) {
		l.start()
	}
	if l.tio.l(abi.ECHO) {
		l.echoChar(c)
	}
}

// resetRead empties the read buffer (reset_buffer_flags).
func (l *ldisc) resetRead() {
	l.rbuf, l.delim, l.canon = l.rbuf[:0], l.delim[:0], 0
	l.erasing, l.lnext = false, false
}

// flushInput is TCIFLUSH: unprocessed and processed input both go.
func (l *ldisc) flushInput() {
	l.in = l.in[:0]
	l.resetRead()
	l.status(abi.TIOCPKT_FLUSHREAD, 0)
}

// start restarts output stopped by VSTOP (start_tty); TCOOFF's stop
// holds until TCOON. A packet-mode master hears of it.
func (l *ldisc) start() {
	if l.stopped && !l.tcoStopped {
		l.stopped = false
		l.status(abi.TIOCPKT_START, abi.TIOCPKT_STOP)
	}
}

// stop stops output (stop_tty).
func (l *ldisc) stop() {
	if !l.stopped {
		l.stopped = true
		l.status(abi.TIOCPKT_STOP, abi.TIOCPKT_START)
	}
}

// status records a packet-mode event for the master: set replaces clear.
func (l *ldisc) status(set, clear uint8) {
	if l.packet {
		l.pkt = l.pkt&^clear | set
	}
}

// flushOutput is the driver's flush of what this side sent the other and
// it has not taken in yet (pty_flush_buffer).
func (l *ldisc) flushOutput() {
	l.peer.in = l.peer.in[:0]
	l.status(abi.TIOCPKT_FLUSHWRITE, 0)
}

// readable reports whether a read finds input (input_available_p). For
// poll, a non-canonical terminal with VMIN and no VTIME needs VMIN bytes.
func (l *ldisc) readable(poll bool) bool {
	if l.icanon() {
		return l.canon > 0
	}
	want := 1
	if vmin := int(l.tio.cc[abi.TermiosVMIN]); poll && vmin > 0 && l.tio.cc[abi.TermiosVTIME] == 0 {
		want = vmin
	}
	return len(l.rbuf) >= want
}

// read copies input to dst: at most one line in canonical mode (whose
// EOF character is consumed but not copied), else what there is.
func (l *ldisc) read(dst []byte) int {
	if len(dst) == 0 {
		return 0
	}
	if !l.icanon() {
		n := copy(dst, l.rbuf)
		l.consume(n)
		return n
	}
	n := min(len(dst), l.canon)
	used := n
	for i, end := range l.delim[:n] {
		if end {
			used, n = i+1, i+1
			if l.rbuf[i] == 0 {
				n = i
			}
			break
		}
	}
	copy(dst, l.rbuf[:n])
	l.consume(used)
	return n
}

func (l *ldisc) consume(n int) {
	l.rbuf = append(l.rbuf[:0], l.rbuf[n:]...)
	l.delim = append(l.delim[:0], l.delim[n:]...)
	l.canon = max(l.canon-n, 0)
}

// inq is FIONREAD: in canonical mode the complete lines without their
// EOF characters.
func (l *ldisc) inq() int {
	if !l.icanon() {
		return len(l.rbuf)
	}
	n := l.canon
	for i, end := range l.delim[:l.canon] {
		if end && l.rbuf[i] == 0 {
			n--
		}
	}
	return n
}

package kernel

import "github.com/blink-go/blink/core/abi"

// Output processing (OPOST) and echo for the pseudo-terminals' line
// discipline (pty_ldisc.go): what one side sends the other, keeping the
// column that tab expansion and erasing depend on.

// outRoom is how many bytes the other side takes now: none while output
// is stopped (a pty's write_room).
func (l *ldisc) outRoom() int {
	if l.stopped {
		return 0
	}
	return ttyFlipLimit - len(l.peer.in)
}

func (l *ldisc) put(b ...byte) { l.peer.in = append(l.peer.in, b...) }

// write runs b through output processing (n_tty_write) as far as the
// other side has room and returns the bytes consumed.
func (l *ldisc) write(b []byte) int {
	l.flushEchoes()
	room := l.outRoom()
	if !l.tio.o(abi.OPOST) {
		n := min(room, len(b))
		l.put(b[:n]...)
		return n
	}
	for i, c := range b {
		n := l.outputChar(c, room)
		if n < 0 {
			return i
		}
		room -= n
	}
	return len(b)
}

// outputChar is do_output_char: c with OPOST applied, keeping track of
// the column for tab expansion and erasing; it returns the bytes
// produced, or -1 when room is too small.
func (l *ldisc) outputChar(c byte, room int) int {
	if room <= 0 {
		return -1
	}
	t := &l.tio
	switch c {
	case '\n':
		if t.o(abi.ONLRET) {
			l.column = 0
		}
		if t.o(abi.ONLCR) {
			if room < 2 {
				return -1
			}
			l.column, l.canonColumn = 0, 0
			l.put('\r', '\n')
			return 2
		}
		l.canonColumn = l.column
	case '\r':
		if t.o(abi.ONOCR) && l.column == 0 {
			return 0
		}
		if t.o(abi.OCRNL) {
			c = '\n'
			if t.o(abi.ONLRET) {
				l.column, l.canonColumn = 0, 0
			}
			break
		}
		l.column, l.canonColumn = 0, 0
	case '\t':
		spaces := 8 - l.column&7
		if t.oflag&abi.TABDLY == abi.XTABS {
			if room < spaces {
				return -1
			}
			l.column += spaces
			l.put(eightSpaces[:spaces]...)
			return spaces
		}
		l.column += spaces
	case '\b':
		if l.column > 0 {
			l.column--
		}
	default:
		if !isCntrl(c) {
			if t.o(abi.OLCUC) {
				c = toUpper(c)
			}
			if !l.continuation(c) {
				l.column++
			}
		}
	}
	l.put(c)
	return 1
}

var eightSpaces = []byte("        ")

// continuation reports a UTF-8 continuation byte under IUTF8: it takes no
// column and is erased with the byte that starts its character.
func (l *ldisc) continuation(c byte) bool { return l.tio.i(abi.IUTF8) && c&0xc0 == 0x80 }

func (l *ldisc) addEcho(op echoOp) {
	if len(l.echo) >= echoMax {
		l.echo = l.echo[1:] // the oldest echo is lost, as n_tty discards
	}
	l.echo = append(l.echo, op)
}

func (l *ldisc) echoRaw(c byte) { l.addEcho(echoOp{kind: echoByte, c: c}) }

// echoChar echoes c, a control character as ^X under ECHOCTL.
func (l *ldisc) echoChar(c byte) {
	if l.tio.l(abi.ECHOCTL) && isCntrl(c) && c != '\t' {
		l.addEcho(echoOp{kind: echoCtl, c: c})
		return
	}
	l.echoRaw(c)
}

// finishErasing closes an ECHOPRT erase with "/".
func (l *ldisc) finishErasing() {
	if l.erasing {
		l.echoRaw('/')
		l.erasing = false
	}
}

// flushEchoes outputs queued echoes as far as there is room
// (process_echoes); the rest waits for room or for output to restart.
func (l *ldisc) flushEchoes() {
	room := l.outRoom()
	i := 0
out:
	for ; i < len(l.echo); i++ {
		op := l.echo[i]
		switch op.kind {
		case echoCanonCol:
			l.canonColumn = l.column
		case echoBackCol:
			if l.column > 0 {
				l.column--
			}
		case echoEraseTab:
			// The tab covered what is left of its 8 columns after the
			// characters since the line start (offset by where the line
			// started) or since the previous tab.
			cols := int(op.c)
			if !op.afterTab {
				cols += l.canonColumn
			}
			bs := 8 - cols&7
			if bs > room {
				break out
			}
			room -= bs
			for ; bs > 0; bs-- {
				l.put('\b')
				if l.column > 0 {
					l.column--
				}
			}
		case echoCtl:
			if room < 2 {
				break out
			}
			l.put('^', op.c^0o100)
			l.column += 2
			room -= 2
		case echoByte:
			if !l.tio.o(abi.OPOST) {
				if room < 1 {
					break out
				}
				l.put(op.c)
				room--
				continue
			}
			n := l.outputChar(op.c, room)
			if n < 0 {
				break out
			}
			room -= n
		}
	}
	if i == len(l.echo) {
		l.echo = l.echo[:0]
	} else {
		l.echo = append(l.echo[:0], l.echo[i:]...)
	}
}

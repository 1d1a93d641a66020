package kernel

import "github.com/blink-go/blink/core/abi"

// Line editing in canonical mode (VERASE, VWERASE, VKILL) for the
// pseudo-terminals' line discipline, and the kernel's Latin-1 character
// classes it and output processing use.

// erase is n_tty's eraser for VERASE, VWERASE and VKILL.
func (l *ldisc) erase(c byte) {
	if l.canon == len(l.rbuf) {
		return // nothing typed on this line
	}
	t := &l.tio
	// Which erase: VERASE wins over VWERASE, which wins over VKILL, when
	// a character is more than one of them.
	char, word := c == t.cc[abi.TermiosVERASE], false
	if !char {
		word = c == t.cc[abi.TermiosVWERASE]
	}
	kill := !char && !word
	if kill {
		if !t.l(abi.ECHO) {
			l.truncate(l.canon)
			return
		}
		if !t.l(abi.ECHOK) || !t.l(abi.ECHOKE) || !t.l(abi.ECHOE) {
			l.truncate(l.canon)
			l.finishErasing()
			l.echoChar(t.cc[abi.TermiosVKILL])
			if t.l(abi.ECHOK) {
				l.echoRaw('\n')
			}
			return
		}
	}
	alnums := 0
	for len(l.rbuf) > l.canon {
		// One character, with its UTF-8 continuation bytes.
		head := len(l.rbuf)
		var ch byte
		for {
			head--
			ch = l.rbuf[head]
			if !l.continuation(ch) || head == l.canon {
				break
			}
		}
		if l.continuation(ch) {
			break // do not erase part of a character
		}
		if word {
			if isAlnum(ch) || ch == '_' {
				alnums++
			} else if alnums > 0 {
				break
			}
		}
		erased := l.rbuf[head:]
		l.truncate(head)
		if t.l(abi.ECHO) {
			l.echoErase(ch, erased, char)
		}
		if char {
			break
		}
	}
	if len(l.rbuf) == l.canon && t.l(abi.ECHO) {
		l.finishErasing()
	}
}

// echoErase shows the erasure of character ch (bytes erased) on the
// screen: "\" and the character under ECHOPRT, the erase character itself
// without ECHOE, else backspaces over the columns it used.
func (l *ldisc) echoErase(ch byte, erased []byte, single bool) {
	t := &l.tio
	switch {
	case t.l(abi.ECHOPRT):
		if !l.erasing {
			l.echoRaw('\\')
			l.erasing = true
		}
		l.echoChar(ch)
		for _, b := range erased[1:] {
			l.echoRaw(b)
			l.addEcho(echoOp{kind: echoBackCol})
		}
	case single && !t.l(abi.ECHOE):
		l.echoChar(t.cc[abi.TermiosVERASE])
	case ch == '\t':
		l.eraseTab()
	default:
		if isCntrl(ch) && t.l(abi.ECHOCTL) {
			l.echoRaw('\b')
			l.echoRaw(' ')
			l.echoRaw('\b')
		}
		if !isCntrl(ch) || t.l(abi.ECHOCTL) {
			l.echoRaw('\b')
			l.echoRaw(' ')
			l.echoRaw('\b')
		}
	}
}

// eraseTab queues the backing up over a tab just erased: how far depends
// on the columns the characters before it used, counted back to the
// previous tab or the start of the line (where the line's own start
// column is added when the echo is output).
func (l *ldisc) eraseTab() {
	cols, afterTab := 0, false
	for i := len(l.rbuf) - 1; i >= l.canon; i-- {
		c := l.rbuf[i]
		if c == '\t' {
			afterTab = true
			break
		}
		if isCntrl(c) {
			if l.tio.l(abi.ECHOCTL) {
				cols += 2
			}
		} else if !l.continuation(c) {
			cols++
		}
	}
	l.addEcho(echoOp{kind: echoEraseTab, c: byte(cols & 7), afterTab: afterTab})
}

func (l *ldisc) truncate(n int) { l.rbuf, l.delim = l.rbuf[:n], l.delim[:n] }

// The kernel's ctype is Latin-1: 0x80-0x9f are control characters, and
// 0xc0-0xfe letters (except the multiplication and division signs).

func isCntrl(c byte) bool { return c < 0x20 || c == 0x7f || c >= 0x80 && c < 0xa0 }

func isUpper(c byte) bool { return c >= 'A' && c <= 'Z' || c >= 0xc0 && c <= 0xde && c != 0xd7 }

func isLower(c byte) bool { return c >= 'a' && c <= 'z' || c >= 0xdf && c != 0xf7 }

func isAlnum(c byte) bool { return c >= '0' && c <= '9' || isUpper(c) || isLower(c) }

func toLower(c byte) byte {
	if isUpper(c) {
		return c + 0x20
	}
	return c
}

// toUpper is the kernel's, which maps the two lower-case letters without
// an upper case (0xdf, 0xff) 32 down all the same.
func toUpper(c byte) byte {
	if isLower(c) {
		return c - 0x20
	}
	return c
}

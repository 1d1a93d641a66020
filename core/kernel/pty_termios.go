package kernel

import "github.com/blink-go/blink/core/abi"

// The termios of a kernel terminal, decoded from and encoded to the
// layout TCGETS exchanges, and the defaults a new pseudo-terminal gets.

// termios is struct termios as the line discipline reads it.
type termios struct {
	iflag, oflag, cflag, lflag uint32
	line                       uint8
	cc                         [abi.NCCS]uint8
}

func (t *termios) decode(b *[abi.TermiosSize]byte) {
	t.iflag = rd32(b[abi.TermiosIflag:])
	t.oflag = rd32(b[abi.TermiosOflag:])
	t.cflag = rd32(b[abi.TermiosCflag:])
	t.lflag = rd32(b[abi.TermiosLflag:])
	t.line = b[abi.TermiosLine]
	copy(t.cc[:], b[abi.TermiosCC:])
}

func (t *termios) encode(b *[abi.TermiosSize]byte) {
	le32(b[abi.TermiosIflag:], t.iflag)
	le32(b[abi.TermiosOflag:], t.oflag)
	le32(b[abi.TermiosCflag:], t.cflag)
	le32(b[abi.TermiosLflag:], t.lflag)
	b[abi.TermiosLine] = t.line
	copy(b[abi.TermiosCC:], t.cc[:])
}

func (t *termios) i(bit uint32) bool { return t.iflag&bit != 0 }
func (t *termios) o(bit uint32) bool { return t.oflag&bit != 0 }
func (t *termios) l(bit uint32) bool { return t.lflag&bit != 0 }

// initCC are Linux's INIT_C_CC: ^C ^\ DEL ^U ^D, VTIME 0, VMIN 1, ^Q ^S
// ^Z, ^R ^O ^W ^V; 0 disables a character.
var initCC = [abi.NCCS]uint8{
	abi.TermiosVINTR: 3, abi.TermiosVQUIT: 0x1c, abi.TermiosVERASE: 0x7f, abi.TermiosVKILL: 0x15,
	abi.TermiosVEOF: 4, abi.TermiosVMIN: 1, abi.TermiosVSTART: 0x11, abi.TermiosVSTOP: 0x13,
	abi.TermiosVSUSP: 0x1a, abi.TermiosVREPRINT: 0x12, abi.TermiosVDISCARD: 0x0f,
	abi.TermiosVWERASE: 0x17, abi.TermiosVLNEXT: 0x16,
}

// slaveTermios is what the pts driver gives a new slave (tty_std_termios
// without HUPCL): cooked input with echo and signals, newlines sent as
// CR LF.
func slaveTermios() termios {
	return termios{
		iflag: abi.ICRNL | abi.IXON,
		oflag: abi.OPOST | abi.ONLCR,
		cflag: abi.B38400 | abi.CS8 | abi.CREAD,
		lflag: abi.ISIG | abi.ICANON | abi.ECHO | abi.ECHOE | abi.ECHOK | abi.ECHOCTL | abi.ECHOKE | abi.IEXTEN,
		cc:    initCC,
	}
}

// masterTermios is the pty master driver's init_termios: raw, so what the
// slave sends reaches the master's reader untouched. The master's termios
// never changes: TCSETS on a master sets the slave's.
func masterTermios() termios {
	return termios{cflag: abi.B38400 | abi.CS8 | abi.CREAD, cc: initCC}
}

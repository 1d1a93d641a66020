//go:build darwin || freebsd

package kernel

import (
	"golang.org/x/sys/unix"

	"github.com/blink-go/blink/core/abi"
)

// hostInt performs the integer-valued terminal ioctls with the BSD
// requests that do the same.
func (f *ttyFile) hostInt(req uint32, arg int) (int, abi.Errno) {
	switch req {
	case abi.FIONREAD:
		n, err := unix.IoctlGetInt(f.fd, bsdFIONREAD)
		return n, hostErrno(err)
	case abi.TIOCOUTQ:
		n, err := unix.IoctlGetInt(f.fd, unix.TIOCOUTQ)
		return n, hostErrno(err)
	case abi.TCFLSH:
		var which int
		switch arg {
		case abi.TCIFLUSH:
			which = bsdFREAD
		case abi.TCOFLUSH:
			which = bsdFWRITE
		case abi.TCIOFLUSH:
			which = bsdFREAD | bsdFWRITE
		default:
			return 0, abi.EINVAL
		}
		return 0, hostErrno(unix.IoctlSetPointerInt(f.fd, unix.TIOCFLUSH, which))
	case abi.TCXONC:
		switch arg {
		case abi.TCOOFF:
			return 0, hostErrno(unix.IoctlSetInt(f.fd, unix.TIOCSTOP, 0))
		case abi.TCOON:
			return 0, hostErrno(unix.IoctlSetInt(f.fd, unix.TIOCSTART, 0))
		case abi.TCIOFF, abi.TCION:
			return 0, 0 // sending STOP/START characters: not worth a host write
		}
		return 0, abi.EINVAL
	case abi.TCSBRK:
		if arg != 0 {
			return 0, hostErrno(unix.IoctlSetInt(f.fd, unix.TIOCDRAIN, 0))
		}
		return 0, 0
	}
	return 0, abi.ENOTTY
}

// The BSD termios has other flag values, wider fields and its own cc
// indices: each bit and control character is translated by name.
var (
	bsdIflag = [][2]uint64{{0o1, unix.IGNBRK}, {0o2, unix.BRKINT}, {0o4, unix.IGNPAR}, {0o10, unix.PARMRK},
		{0o20, unix.INPCK}, {0o40, unix.ISTRIP}, {0o100, unix.INLCR}, {0o200, unix.IGNCR},
		{0o400, unix.ICRNL}, {0o2000, unix.IXON}, {0o4000, unix.IXANY}, {0o10000, unix.IXOFF},
		{0o20000, unix.IMAXBEL}}
	bsdOflag = [][2]uint64{{0o1, unix.OPOST}, {0o4, unix.ONLCR}, {0o10, unix.OCRNL}, {0o20, unix.ONOCR},
		{0o40, unix.ONLRET}}
	bsdCflag = [][2]uint64{{0o20, unix.CS6}, {0o40, unix.CS7}, {0o100, unix.CSTOPB}, {0o200, unix.CREAD},
		{0o400, unix.PARENB}, {0o1000, unix.PARODD}, {0o2000, unix.HUPCL}, {0o4000, unix.CLOCAL}}
	bsdLflag = [][2]uint64{{0o1, unix.ISIG}, {0o2, unix.ICANON}, {0o10, unix.ECHO}, {0o20, unix.ECHOE},
		{0o40, unix.ECHOK}, {0o100, unix.ECHONL}, {0o200, unix.NOFLSH}, {0o400, unix.TOSTOP},
		{0o1000, unix.ECHOCTL}, {0o2000, unix.ECHOPRT}, {0o4000, unix.ECHOKE}, {0o10000, unix.FLUSHO},
		{0o40000, unix.PENDIN}, {0o100000, unix.IEXTEN}}
	// bsdCC maps Linux's c_cc indices to the host's.
	bsdCC = [][2]int{{0, unix.VINTR}, {1, unix.VQUIT}, {2, unix.VERASE}, {3, unix.VKILL}, {4, unix.VEOF},
		{5, unix.VTIME}, {6, unix.VMIN}, {8, unix.VSTART}, {9, unix.VSTOP}, {10, unix.VSUSP},
		{11, unix.VEOL}, {12, unix.VREPRINT}, {13, unix.VDISCARD}, {14, unix.VWERASE},
		{15, unix.VLNEXT}, {16, unix.VEOL2}}
)

const (
	linuxB38400 = 0o17
	bsdFIONREAD = 0x4004667f // _IOR('f', 127, int)
	bsdFREAD    = 1          // sys/fcntl.h, for TIOCFLUSH
	bsdFWRITE   = 2
)

// setField stores v in a termios field, 32 bits on FreeBSD, 64 on macOS.
func setField[T ~uint32 | ~uint64](dst *T, v uint64) { *dst = T(v) }

func toLinuxBits(v uint64, table [][2]uint64) (out uint32) {
	for _, b := range table {
		if b[1] != 0 && v&b[1] == b[1] {
			out |= uint32(b[0])
		}
	}
	return out
}

func fromLinuxBits(v uint32, old uint64, table [][2]uint64) uint64 {
	for _, b := range table {
		old &^= b[1]
		if v&uint32(b[0]) != 0 {
			old |= b[1]
		}
	}
	return old
}

func (f *hostFile) GetTermios(t *[abi.TermiosSize]byte) abi.Errno {
	tio, err := unix.IoctlGetTermios(f.fd, unix.TIOCGETA)
	if err != nil {
		return hostErrno(err)
	}
	clear(t[:])
	le32(t[abi.TermiosIflag:], toLinuxBits(uint64(tio.Iflag), bsdIflag))
	le32(t[abi.TermiosOflag:], toLinuxBits(uint64(tio.Oflag), bsdOflag))
	cflag := toLinuxBits(uint64(tio.Cflag), bsdCflag) | linuxB38400
	if uint64(tio.Cflag)&unix.CSIZE == unix.CS8 {
		cflag |= 0o60
	}
	le32(t[abi.TermiosCflag:], cflag)
	le32(t[abi.TermiosLflag:], toLinuxBits(uint64(tio.Lflag), bsdLflag))
	for _, c := range bsdCC {
		t[abi.TermiosCC+c[0]] = tio.Cc[c[1]]
	}
	return 0
}

func (f *hostFile) SetTermios(req uint32, t *[abi.TermiosSize]byte) abi.Errno {
	tio, err := unix.IoctlGetTermios(f.fd, unix.TIOCGETA)
	if err != nil {
		return hostErrno(err)
	}
	setField(&tio.Iflag, fromLinuxBits(rd32(t[abi.TermiosIflag:]), uint64(tio.Iflag), bsdIflag))
	setField(&tio.Oflag, fromLinuxBits(rd32(t[abi.TermiosOflag:]), uint64(tio.Oflag), bsdOflag))
	cflag := rd32(t[abi.TermiosCflag:])
	c := fromLinuxBits(cflag, uint64(tio.Cflag), bsdCflag) &^ unix.CSIZE
	switch cflag & 0o60 {
	case 0o20:
		c |= unix.CS6
	case 0o40:
		c |= unix.CS7
	case 0o60:
		c |= unix.CS8
	}
	setField(&tio.Cflag, c)
	setField(&tio.Lflag, fromLinuxBits(rd32(t[abi.TermiosLflag:]), uint64(tio.Lflag), bsdLflag))
	for _, cc := range bsdCC {
		tio.Cc[cc[1]] = t[abi.TermiosCC+cc[0]]
	}
	hreq := uint(unix.TIOCSETA)
	switch req {
	case abi.TCSETSW:
		hreq = unix.TIOCSETAW
	case abi.TCSETSF:
		hreq = unix.TIOCSETAF
	}
	return hostErrno(unix.IoctlSetTermios(f.fd, hreq, tio))
}

func (f *hostFile) GetWinsize() (rows, cols, xpix, ypix uint16, e abi.Errno) {
	ws, err := unix.IoctlGetWinsize(f.fd, unix.TIOCGWINSZ)
	if err != nil {
		return 0, 0, 0, 0, hostErrno(err)
	}
	return ws.Row, ws.Col, ws.Xpixel, ws.Ypixel, 0
}

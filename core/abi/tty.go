package abi

// Terminal constants beyond ioctl.go and termbits.go, for the kernel's own
// line discipline and pseudo-terminals: the termios bits, the remaining
// c_cc indices, the pseudo-terminal ioctls, and the device numbers, from
// include/uapi/asm-generic/termbits.h, termbits-common.h, ioctls.h,
// include/uapi/linux/major.h and tty_flags.h.

// c_iflag bits.
const (
	IGNBRK  = 0x1
	BRKINT  = 0x2
	IGNPAR  = 0x4
	PARMRK  = 0x8
	INPCK   = 0x10
	ISTRIP  = 0x20
	INLCR   = 0x40
	IGNCR   = 0x80
	ICRNL   = 0x100
	IUCLC   = 0x200
	IXON    = 0x400
	IXANY   = 0x800
	IXOFF   = 0x1000
	IMAXBEL = 0x2000
	IUTF8   = 0x4000
)

// c_oflag bits.
const (
	OPOST  = 0x1
	OLCUC  = 0x2
	ONLCR  = 0x4
	OCRNL  = 0x8
	ONOCR  = 0x10
	ONLRET = 0x20
	TABDLY = 0x1800
	XTABS  = 0x1800 // TAB3: expand tabs to spaces
)

// c_cflag bits.
const (
	B38400 = 0xf
	CSIZE  = 0x30
	CS8    = 0x30
	CREAD  = 0x80
	PARENB = 0x100
)

// c_lflag bits besides ISIG, ICANON, ECHO and TOSTOP (termbits.go).
const (
	ECHOE   = 0x10
	ECHOK   = 0x20
	ECHONL  = 0x40
	NOFLSH  = 0x80
	ECHOCTL = 0x200
	ECHOPRT = 0x400
	ECHOKE  = 0x800
	IEXTEN  = 0x8000
	EXTPROC = 0x10000
)

// c_cc indices besides those in ioctl.go.
const (
	TermiosVEOL     = 11
	TermiosVREPRINT = 12
	TermiosVDISCARD = 13
	TermiosVWERASE  = 14
	TermiosVLNEXT   = 15
	TermiosVEOL2    = 16
)

// Terminal ioctls besides ioctl.go's and termbits.go's.
const (
	TIOCEXCL    = 0x540C
	TIOCNXCL    = 0x540D
	TIOCSTI     = 0x5412
	TIOCPKT     = 0x5420
	TIOCSETD    = 0x5423
	TIOCGETD    = 0x5424
	TCSBRKP     = 0x5425
	TIOCGDEV    = 0x80045432 // _IOR('T', 0x32, unsigned int)
	TIOCSIG     = 0x40045436 // _IOW('T', 0x36, int)
	TIOCVHANGUP = 0x5437
	TIOCGPKT    = 0x80045438 // _IOR('T', 0x38, int)
	TIOCGPTLCK  = 0x80045439 // _IOR('T', 0x39, int)
	TIOCGEXCL   = 0x80045440 // _IOR('T', 0x40, int)
	TIOCGPTPEER = 0x5441     // _IO('T', 0x41)
)

// TIOCPKT status bytes a packet-mode master reads before the data.
const (
	TIOCPKT_DATA       = 0
	TIOCPKT_FLUSHREAD  = 1
	TIOCPKT_FLUSHWRITE = 2
	TIOCPKT_STOP       = 4
	TIOCPKT_START      = 8
	TIOCPKT_NOSTOP     = 16
	TIOCPKT_DOSTOP     = 32
	TIOCPKT_IOCTL      = 64
)

// N_TTY is the only line discipline (TIOCGETD/TIOCSETD).
const N_TTY = 0

// Device majors of terminals (include/uapi/linux/major.h).
const (
	TTYAUX_MAJOR           = 5   // /dev/tty (minor 0), console (1), ptmx (2)
	UNIX98_PTY_SLAVE_MAJOR = 136 // /dev/pts/N is 136:N
)

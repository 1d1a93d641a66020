package abi

// Terminal and generic ioctl requests, from include/uapi/asm-generic/ioctls.h.
const (
	TCGETS     = 0x5401
	TCSETS     = 0x5402
	TCSETSW    = 0x5403
	TCSETSF    = 0x5404
	TCSBRK     = 0x5409
	TCXONC     = 0x540A
	TCFLSH     = 0x540B
	TIOCSCTTY  = 0x540E
	TIOCGPGRP  = 0x540F
	TIOCSPGRP  = 0x5410
	TIOCOUTQ   = 0x5411
	TIOCGWINSZ = 0x5413
	TIOCSWINSZ = 0x5414
	FIONREAD   = 0x541B
	FIONBIO    = 0x5421
	TIOCGPTN   = 0x80045430
	TIOCSPTLCK = 0x40045431
	FIONCLEX   = 0x5450
	FIOCLEX    = 0x5451
	FIOASYNC   = 0x5452
)

// struct termios as the kernel exchanges it through TCGETS (not glibc's
// larger userspace struct): four tcflag_t (u32), c_line, then NCCS=19 cc bytes.
const (
	TermiosSize   = 36
	TermiosIflag  = 0
	TermiosOflag  = 4
	TermiosCflag  = 8
	TermiosLflag  = 12
	TermiosLine   = 16
	TermiosCC     = 17
	NCCS          = 19
	WinsizeSize   = 8 // u16 ws_row, ws_col, ws_xpixel, ws_ypixel
	TermiosVMIN   = 6
	TermiosVTIME  = 5
	TermiosVINTR  = 0
	TermiosVQUIT  = 1
	TermiosVERASE = 2
	TermiosVKILL  = 3
	TermiosVEOF   = 4
	TermiosVSTART = 8
	TermiosVSTOP  = 9
	TermiosVSUSP  = 10
)

// struct termios2 (TCGETS2 and friends, which glibc 2.42's tcgetattr and
// tcsetattr use): struct termios followed by the input and output speeds
// as numbers. In c_cflag, CBAUD holds the output speed's code (BOTHER:
// take c_ospeed) and the same bits IBSHIFT higher the input's (0: as
// output).
const (
	TCGETS2  = 0x802c542a
	TCSETS2  = 0x402c542b
	TCSETSW2 = 0x402c542c
	TCSETSF2 = 0x402c542d

	Termios2Size   = 44
	Termios2Ispeed = 36
	Termios2Ospeed = 40

	CBAUD   = 0o10017
	CBAUDEX = 0o10000
	BOTHER  = 0o10000
	IBSHIFT = 16
)

package abi

// Terminal ioctls and termios bits beyond ioctl.go, from
// include/uapi/asm-generic/ioctls.h and termbits.h.
const (
	TIOCNOTTY = 0x5422
	TIOCGSID  = 0x5429
	TIOCINQ   = FIONREAD

	// c_lflag bits.
	ISIG   = 0x1
	ICANON = 0x2
	ECHO   = 0x8
	TOSTOP = 0x100

	// tcflush queue selectors (TCFLSH).
	TCIFLUSH  = 0
	TCOFLUSH  = 1
	TCIOFLUSH = 2

	// tcflow actions (TCXONC).
	TCOOFF = 0
	TCOON  = 1
	TCIOFF = 2
	TCION  = 3
)

package abi

// wait4/waitid options, from include/uapi/linux/wait.h.
const (
	WNOHANG    = 0x00000001
	WUNTRACED  = 0x00000002
	WSTOPPED   = WUNTRACED
	WEXITED    = 0x00000004
	WCONTINUED = 0x00000008
	WNOWAIT    = 0x01000000

	WNOTHREAD = 0x20000000 // __WNOTHREAD
	WALL      = 0x40000000 // __WALL
	WCLONE    = 0x80000000 // __WCLONE

	P_ALL   = 0
	P_PID   = 1
	P_PGID  = 2
	P_PIDFD = 3
)

// SIGCHLD si_code values, from include/uapi/asm-generic/siginfo.h.
const (
	CLD_EXITED    = 1
	CLD_KILLED    = 2
	CLD_DUMPED    = 3
	CLD_TRAPPED   = 4
	CLD_STOPPED   = 5
	CLD_CONTINUED = 6
)

// si_code values of user-sent signals.
const (
	SI_QUEUE   = -1
	SI_TIMER   = -2
	SI_MESGQ   = -3
	SI_ASYNCIO = -4
	SI_SIGIO   = -5
)

// RusageSize is sizeof(struct rusage) on x86-64.
const RusageSize = 144

// SiginfoSize is sizeof(siginfo_t).
const SiginfoSize = 128

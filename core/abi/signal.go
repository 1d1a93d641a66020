package abi

// Signal numbers, from arch/x86/include/uapi/asm/signal.h.
const (
	SIGHUP    = 1
	SIGINT    = 2
	SIGQUIT   = 3
	SIGILL    = 4
	SIGTRAP   = 5
	SIGABRT   = 6
	SIGBUS    = 7
	SIGFPE    = 8
	SIGKILL   = 9
	SIGUSR1   = 10
	SIGSEGV   = 11
	SIGUSR2   = 12
	SIGPIPE   = 13
	SIGALRM   = 14
	SIGTERM   = 15
	SIGSTKFLT = 16
	SIGCHLD   = 17
	SIGCONT   = 18
	SIGSTOP   = 19
	SIGTSTP   = 20
	SIGTTIN   = 21
	SIGTTOU   = 22
	SIGURG    = 23
	SIGXCPU   = 24
	SIGXFSZ   = 25
	SIGVTALRM = 26
	SIGPROF   = 27
	SIGWINCH  = 28
	SIGIO     = 29
	SIGPWR    = 30
	SIGSYS    = 31
	SIGRTMIN  = 32
	NSIG      = 64
)

// si_code values for synchronous faults, from include/uapi/asm-generic/siginfo.h.
const (
	SI_USER     = 0
	SI_KERNEL   = 0x80
	SI_TKILL    = -6
	ILL_ILLOPC  = 1
	ILL_ILLOPN  = 2
	ILL_PRVOPC  = 5
	FPE_INTDIV  = 1
	FPE_INTOVF  = 2
	FPE_FLTDIV  = 3
	FPE_FLTOVF  = 4
	FPE_FLTUND  = 5
	FPE_FLTRES  = 6
	FPE_FLTINV  = 7
	FPE_FLTSUB  = 8
	SEGV_MAPERR = 1
	SEGV_ACCERR = 2
	BUS_ADRALN  = 1
	BUS_ADRERR  = 2
	TRAP_BRKPT  = 1
	TRAP_TRACE  = 2
)

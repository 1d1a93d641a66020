package abi

// clone flags, from include/uapi/linux/sched.h.
const (
	CSIGNAL              = 0x000000ff
	CLONE_VM             = 0x00000100
	CLONE_FS             = 0x00000200
	CLONE_FILES          = 0x00000400
	CLONE_SIGHAND        = 0x00000800
	CLONE_PIDFD          = 0x00001000
	CLONE_PTRACE         = 0x00002000
	CLONE_VFORK          = 0x00004000
	CLONE_PARENT         = 0x00008000
	CLONE_THREAD         = 0x00010000
	CLONE_NEWNS          = 0x00020000
	CLONE_SYSVSEM        = 0x00040000
	CLONE_SETTLS         = 0x00080000
	CLONE_PARENT_SETTID  = 0x00100000
	CLONE_CHILD_CLEARTID = 0x00200000
	CLONE_DETACHED       = 0x00400000
	CLONE_UNTRACED       = 0x00800000
	CLONE_CHILD_SETTID   = 0x01000000
	CLONE_NEWCGROUP      = 0x02000000
	CLONE_NEWUTS         = 0x04000000
	CLONE_NEWIPC         = 0x08000000
	CLONE_NEWUSER        = 0x10000000
	CLONE_NEWPID         = 0x20000000
	CLONE_NEWNET         = 0x40000000
	CLONE_IO             = 0x80000000
)

// Interval timers, from include/uapi/linux/time.h.
const (
	ITIMER_REAL    = 0
	ITIMER_VIRTUAL = 1
	ITIMER_PROF    = 2
)

// Limits execve checks, from include/uapi/linux/binfmts.h.
const (
	MAX_ARG_STRLEN  = 4096 * 32
	MAX_ARG_STRINGS = 0x7FFFFFFF
	// BINPRM_MAX_RECURSION bounds #! interpreter nesting.
	BINPRM_MAX_RECURSION = 4
)

// Scheduling policies, from include/uapi/linux/sched.h.
const (
	SCHED_NORMAL   = 0
	SCHED_FIFO     = 1
	SCHED_RR       = 2
	SCHED_BATCH    = 3
	SCHED_IDLE     = 5
	SCHED_DEADLINE = 6

	// SCHED_RESET_ON_FORK may be ORed into a policy.
	SCHED_RESET_ON_FORK = 0x40000000

	// MAX_RT_PRIO bounds real-time priorities (1..MAX_RT_PRIO-1).
	MAX_RT_PRIO = 100
)

// struct sched_attr (sched_setattr/sched_getattr): size, policy (u32),
// flags (u64), nice (s32), priority (u32), deadline runtime, deadline and
// period (u64 ns), then since VER1 the utilization clamps (u32 each).
const (
	SCHED_ATTR_SIZE_VER0 = 48
	SCHED_ATTR_SIZE_VER1 = 56

	SCHED_FLAG_RESET_ON_FORK = 0x01
	SCHED_FLAG_KEEP_POLICY   = 0x08
	SCHED_FLAG_KEEP_PARAMS   = 0x10
	SCHED_FLAG_UTIL_CLAMP    = 0x60 // UTIL_CLAMP_MIN | UTIL_CLAMP_MAX
	SCHED_FLAG_ALL           = 0x7f
)

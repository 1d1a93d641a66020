package abi

// futex operations and flags, from include/uapi/linux/futex.h.
const (
	FUTEX_WAIT            = 0
	FUTEX_WAKE            = 1
	FUTEX_FD              = 2
	FUTEX_REQUEUE         = 3
	FUTEX_CMP_REQUEUE     = 4
	FUTEX_WAKE_OP         = 5
	FUTEX_LOCK_PI         = 6
	FUTEX_UNLOCK_PI       = 7
	FUTEX_TRYLOCK_PI      = 8
	FUTEX_WAIT_BITSET     = 9
	FUTEX_WAKE_BITSET     = 10
	FUTEX_WAIT_REQUEUE_PI = 11
	FUTEX_CMP_REQUEUE_PI  = 12
	FUTEX_LOCK_PI2        = 13

	FUTEX_PRIVATE_FLAG   = 128
	FUTEX_CLOCK_REALTIME = 256
	FUTEX_CMD_MASK       = ^(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME)

	FUTEX_BITSET_MATCH_ANY = 0xffffffff

	// Robust-futex word bits.
	FUTEX_WAITERS     = 0x80000000
	FUTEX_OWNER_DIED  = 0x40000000
	FUTEX_TID_MASK    = 0x3fffffff
	ROBUST_LIST_LIMIT = 2048

	// FUTEX_WAKE_OP encoding: op<<28 | cmp<<24 | oparg<<12 | cmparg.
	FUTEX_OP_SET         = 0
	FUTEX_OP_ADD         = 1
	FUTEX_OP_OR          = 2
	FUTEX_OP_ANDN        = 3
	FUTEX_OP_XOR         = 4
	FUTEX_OP_OPARG_SHIFT = 8
	FUTEX_OP_CMP_EQ      = 0
	FUTEX_OP_CMP_NE      = 1
	FUTEX_OP_CMP_LT      = 2
	FUTEX_OP_CMP_LE      = 3
	FUTEX_OP_CMP_GT      = 4
	FUTEX_OP_CMP_GE      = 5
)

// struct clone_args (clone3), from include/uapi/linux/sched.h.
const (
	CloneArgsSizeVer0   = 64 // up to tls
	CloneArgsSizeVer1   = 80 // set_tid, set_tid_size
	CloneArgsSizeVer2   = 88 // cgroup
	CLONE_CLEAR_SIGHAND = 0x100000000
	CLONE_INTO_CGROUP   = 0x200000000
)

// membarrier commands, from include/uapi/linux/membarrier.h.
const (
	MEMBARRIER_CMD_QUERY                      = 0
	MEMBARRIER_CMD_GLOBAL                     = 1 << 0
	MEMBARRIER_CMD_GLOBAL_EXPEDITED           = 1 << 1
	MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED  = 1 << 2
	MEMBARRIER_CMD_PRIVATE_EXPEDITED          = 1 << 3
	MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED = 1 << 4
)

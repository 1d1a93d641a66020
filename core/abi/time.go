package abi

// Clock ids, from include/uapi/linux/time.h.
const (
	CLOCK_REALTIME           = 0
	CLOCK_MONOTONIC          = 1
	CLOCK_PROCESS_CPUTIME_ID = 2
	CLOCK_THREAD_CPUTIME_ID  = 3
	CLOCK_MONOTONIC_RAW      = 4
	CLOCK_REALTIME_COARSE    = 5
	CLOCK_MONOTONIC_COARSE   = 6
	CLOCK_BOOTTIME           = 7
	CLOCK_REALTIME_ALARM     = 8
	CLOCK_BOOTTIME_ALARM     = 9
	CLOCK_TAI                = 11

	TIMER_ABSTIME = 1
)

// Dynamic CPU-time clock ids (include/linux/posix-timers_types.h): a
// negative id is ~pid << 3 | CPUCLOCK_PERTHREAD_MASK for a thread |
// which; which 3 marks a clock file descriptor instead.
const (
	CPUCLOCK_PROF           = 0 // user + system
	CPUCLOCK_VIRT           = 1 // user
	CPUCLOCK_SCHED          = 2 // time on the CPU, what CLOCK_*_CPUTIME_ID read
	CPUCLOCK_PERTHREAD_MASK = 4
	CPUCLOCK_CLOCK_MASK     = 3
	CLOCKFD                 = 3
)

// Sizes of the time structures: struct timespec and struct timeval are two
// 64-bit words; struct timezone two 32-bit ints.
const (
	TimespecSize = 16
	TimevalSize  = 16
	TimezoneSize = 8
)

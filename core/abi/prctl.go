package abi

// arch_prctl codes, from arch/x86/include/uapi/asm/prctl.h.
const (
	ARCH_SET_GS         = 0x1001
	ARCH_SET_FS         = 0x1002
	ARCH_GET_FS         = 0x1003
	ARCH_GET_GS         = 0x1004
	ARCH_GET_CPUID      = 0x1011
	ARCH_SET_CPUID      = 0x1012
	ARCH_GET_XCOMP_SUPP = 0x1021
	ARCH_GET_XCOMP_PERM = 0x1022
	ARCH_REQ_XCOMP_PERM = 0x1023
	ARCH_MAP_VDSO_X32   = 0x2001
	ARCH_MAP_VDSO_32    = 0x2002
	ARCH_MAP_VDSO_64    = 0x2003
	ARCH_SHSTK_ENABLE   = 0x5001
	ARCH_SHSTK_DISABLE  = 0x5002
	ARCH_SHSTK_LOCK     = 0x5003
	ARCH_SHSTK_UNLOCK   = 0x5004
	ARCH_SHSTK_STATUS   = 0x5005
)

// TASK_SIZE_MAX for 4-level paging: user addresses are below it.
const TaskSizeMax = 1<<47 - 4096

// prctl(2) options, from include/uapi/linux/prctl.h.
const (
	PR_SET_PDEATHSIG            = 1
	PR_GET_PDEATHSIG            = 2
	PR_GET_DUMPABLE             = 3
	PR_SET_DUMPABLE             = 4
	PR_GET_UNALIGN              = 5
	PR_SET_UNALIGN              = 6
	PR_GET_KEEPCAPS             = 7
	PR_SET_KEEPCAPS             = 8
	PR_GET_FPEMU                = 9
	PR_SET_FPEMU                = 10
	PR_GET_FPEXC                = 11
	PR_SET_FPEXC                = 12
	PR_GET_TIMING               = 13
	PR_SET_TIMING               = 14
	PR_SET_NAME                 = 15
	PR_GET_NAME                 = 16
	PR_GET_ENDIAN               = 19
	PR_SET_ENDIAN               = 20
	PR_GET_SECCOMP              = 21
	PR_SET_SECCOMP              = 22
	PR_CAPBSET_READ             = 23
	PR_CAPBSET_DROP             = 24
	PR_GET_TSC                  = 25
	PR_SET_TSC                  = 26
	PR_GET_SECUREBITS           = 27
	PR_SET_SECUREBITS           = 28
	PR_SET_TIMERSLACK           = 29
	PR_GET_TIMERSLACK           = 30
	PR_TASK_PERF_EVENTS_DISABLE = 31
	PR_TASK_PERF_EVENTS_ENABLE  = 32
	PR_MCE_KILL                 = 33
	PR_MCE_KILL_GET             = 34
	PR_SET_MM                   = 35
	PR_SET_CHILD_SUBREAPER      = 36
	PR_GET_CHILD_SUBREAPER      = 37
	PR_SET_NO_NEW_PRIVS         = 38
	PR_GET_NO_NEW_PRIVS         = 39
	PR_GET_TID_ADDRESS          = 40
	PR_SET_THP_DISABLE          = 41
	PR_GET_THP_DISABLE          = 42
	PR_CAP_AMBIENT              = 47
	PR_SET_VMA                  = 0x53564d41

	PR_TIMING_STATISTICAL = 0
	PR_TSC_ENABLE         = 1
	PR_TSC_SIGSEGV        = 2

	// PR_SET_MM sub-options.
	PR_SET_MM_START_CODE  = 1
	PR_SET_MM_END_CODE    = 2
	PR_SET_MM_START_DATA  = 3
	PR_SET_MM_END_DATA    = 4
	PR_SET_MM_START_STACK = 5
	PR_SET_MM_START_BRK   = 6
	PR_SET_MM_BRK         = 7
	PR_SET_MM_ARG_START   = 8
	PR_SET_MM_ARG_END     = 9
	PR_SET_MM_ENV_START   = 10
	PR_SET_MM_ENV_END     = 11
	PR_SET_MM_AUXV        = 12
	PR_SET_MM_EXE_FILE    = 13
	PR_SET_MM_MAP         = 14
	PR_SET_MM_MAP_SIZE    = 15
	// PrctlMMMapSize is sizeof(struct prctl_mm_map).
	PrctlMMMapSize = 104

	PR_CAP_AMBIENT_IS_SET    = 1
	PR_CAP_AMBIENT_RAISE     = 2
	PR_CAP_AMBIENT_LOWER     = 3
	PR_CAP_AMBIENT_CLEAR_ALL = 4

	// TASK_COMM_LEN bounds a thread's name, NUL included.
	TASK_COMM_LEN = 16
)

// Capabilities and securebits, from include/uapi/linux/capability.h and
// securebits.h.
const (
	CAP_SETPCAP  = 8
	CAP_LAST_CAP = 40 // CAP_CHECKPOINT_RESTORE

	SECURE_NOROOT                      = 0
	SECURE_NOROOT_LOCKED               = 1
	SECURE_NO_SETUID_FIXUP             = 2
	SECURE_NO_SETUID_FIXUP_LOCKED      = 3
	SECURE_KEEP_CAPS                   = 4
	SECURE_KEEP_CAPS_LOCKED            = 5
	SECURE_NO_CAP_AMBIENT_RAISE        = 6
	SECURE_NO_CAP_AMBIENT_RAISE_LOCKED = 7

	// SECURE_ALL_BITS and SECURE_ALL_LOCKS as the kernel defines them.
	SECURE_ALL_BITS  = 1<<SECURE_NOROOT | 1<<SECURE_NO_SETUID_FIXUP | 1<<SECURE_KEEP_CAPS | 1<<SECURE_NO_CAP_AMBIENT_RAISE
	SECURE_ALL_LOCKS = SECURE_ALL_BITS << 1
)

// PR_MCE_KILL arguments.
const (
	PR_MCE_KILL_CLEAR   = 0
	PR_MCE_KILL_SET     = 1
	PR_MCE_KILL_LATE    = 0
	PR_MCE_KILL_EARLY   = 1
	PR_MCE_KILL_DEFAULT = 2
)

// capget/capset (include/uapi/linux/capability.h): the header is a u32
// version and a pid; version 1 exchanges one {effective, permitted,
// inheritable} triple of u32, versions 2 and 3 two (capabilities 0-31,
// then 32-63).
const (
	LINUX_CAPABILITY_VERSION_1 = 0x19980330
	LINUX_CAPABILITY_VERSION_2 = 0x20071026
	LINUX_CAPABILITY_VERSION_3 = 0x20080522
	CapUserHeaderSize          = 8
	CapUserDataSize            = 12

	// PER_LINUX is the personality every Linux process starts with;
	// personality(0xffffffff) only reads it.
	PER_LINUX         = 0
	PERSONALITY_QUERY = 0xffffffff
)

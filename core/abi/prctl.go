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

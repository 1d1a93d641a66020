package abi

// ELF64 constants the loader needs, from include/uapi/linux/elf.h and
// elf-em.h.

// e_ident indexes and values.
const (
	EI_MAG0    = 0
	EI_CLASS   = 4
	EI_DATA    = 5
	EI_VERSION = 6
	EI_OSABI   = 7
	EI_NIDENT  = 16

	ELFMAG = "\x7fELF"

	ELFCLASSNONE = 0
	ELFCLASS32   = 1
	ELFCLASS64   = 2

	ELFDATA2LSB = 1
	ELFDATA2MSB = 2

	EV_CURRENT = 1
)

// e_type values.
const (
	ET_NONE = 0
	ET_REL  = 1
	ET_EXEC = 2
	ET_DYN  = 3
	ET_CORE = 4
)

// e_machine values a loader is likely to meet.
const (
	EM_386       = 3
	EM_MIPS      = 8
	EM_PPC       = 20
	EM_PPC64     = 21
	EM_S390      = 22
	EM_ARM       = 40
	EM_SPARCV9   = 43
	EM_IA_64     = 50
	EM_X86_64    = 62
	EM_AARCH64   = 183
	EM_RISCV     = 243
	EM_BPF       = 247
	EM_LOONGARCH = 258
)

// Program header types.
const (
	PT_NULL         = 0
	PT_LOAD         = 1
	PT_DYNAMIC      = 2
	PT_INTERP       = 3
	PT_NOTE         = 4
	PT_SHLIB        = 5
	PT_PHDR         = 6
	PT_TLS          = 7
	PT_GNU_EH_FRAME = 0x6474e550
	PT_GNU_STACK    = 0x6474e551
	PT_GNU_RELRO    = 0x6474e552
	PT_GNU_PROPERTY = 0x6474e553
)

// Program header flags.
const (
	PF_X = 1
	PF_W = 2
	PF_R = 4
)

// Structure sizes of the 64-bit format.
const (
	SizeofElf64Ehdr = 64
	SizeofElf64Phdr = 56
)

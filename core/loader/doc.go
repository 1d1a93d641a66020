// Package loader builds a process image the way Linux's execve does: it
// maps an x86-64 program (and its ELF interpreter) into a fresh guest
// address space and writes the initial stack (argc, argv, envp, auxv).
// The kernel calls Load for the first program and for every execve.
//
// # API
//
//	img, err := loader.Load(loader.Params{
//		Space: space,            // a fresh *mem.Space (any Space)
//		Open:  vfsOpenForExec,   // path -> File, errors as abi.Errno
//		Path:  "/bin/sh",        // as given: AT_EXECFN, #! script argument
//		Argv:  argv, Envp: envp,
//		HWCap: hwcap, UID: uid, ...
//	})
//
// On success the engine starts at img.Entry with RSP = img.SP and all other
// registers zero (the x86-64 ELF ABI leaves RDX = 0, "no atexit
// function"). img.Brk has already been given to Space.SetBrk; Auxv,
// ArgStart..EnvEnd are what /proc/pid/auxv, cmdline and environ show.
// Every error is a *Error carrying the errno execve returns (ENOENT,
// EACCES from Open; ENOEXEC, E2BIG, ELOOP, EIO, EINVAL, ENOMEM, ELIBBAD)
// and a one-line message starting with the file concerned; errors.Is(err,
// abi.ENOEXEC) works. A failed Load may leave the Space partially filled:
// like Linux after the point of no return, the caller discards it.
//
// # Formats
//
// Checked in this order: names ending in .bin, .img or .raw are flat
// binaries (blink's convention: the file at 0x400000, 16 MiB of zeroed
// read-write-execute memory after it, entry 0x400000); "#!" scripts are
// parsed as fs/binfmt_script.c does and restarted with the interpreter (5
// rewrites at most, then ELOOP); "\x7fELF" files are ELF; files starting
// with "MZqFpD='" or "jartsr='" are Actually Portable Executables, whose
// ELF header is decoded from the printf statement in their shell prologue
// (see ape.go). Anything else is ENOEXEC naming what was found.
//
// # Linux fidelity
//
// Addresses are those of Linux with randomization off (setarch -R), and
// the tests check them against the host kernel: ET_EXEC at its addresses;
// ET_DYN at ELF_ET_DYN_BASE (two thirds of Space.Limit(), so 0x555555554000
// in a 47-bit space) aligned to the largest p_align; the interpreter
// top-down from mmap_base, 128 MiB under the stack top; the stack is an
// 8 MiB MAP_GROWSDOWN mapping ending at Limit(); brk starts at the
// page-aligned end of the highest segment. Segments follow elf_load:
// file pages, the rest of the last file page zeroed if there is .bss
// (kept if the segment is read-only), then anonymous read-write pages.
// The stack's bytes are identical to the kernel's for the same strings,
// random bytes and auxv values (TestNativeStackExact, TestNativeScripts),
// and E2BIG falls on the same byte (TestNativeArgMax).
//
// Deliberate differences, all for files Linux would accept and then crash:
// a static PIE (ET_DYN without PT_INTERP) goes to ELF_ET_DYN_BASE as the
// project asked, where Linux 4.13+ puts it in the mmap area; segments must
// lie within the file; an ELF without PT_LOAD is ENOEXEC; layout errors are
// detected before anything is mapped, so they return an errno instead of
// killing the process; program headers outside every PT_LOAD are copied to
// a read-only page so AT_PHDR is valid. i386 ELF files are ENOEXEC (Linux
// runs them with its compat loader). AT_SYSINFO_EHDR and AT_RSEQ_* are
// emitted only when Params asks for them.
package loader

package loader

import (
	"encoding/binary"
	"io"

	"github.com/blink-go/blink/core/abi"
)

// argList is the bprm string area: the strings execve will copy to the
// new stack, with Linux's accounting of how much room they may take.
type argList struct {
	argv, envp []string
	execfn     string
	room       uint64 // bytes left for strings (bprm->p - bprm->argmin)
}

func (a *argList) init(p *Params) *Error {
	a.argv = append([]string(nil), p.Argv...)
	a.envp = p.Envp
	a.execfn = p.Path
	limit := p.MaxArgBytes
	if limit == 0 {
		limit = defaultArgMax
	}
	// bprm_stack_limits: the pointer arrays are charged up front, argc
	// counted as at least 1 because of the empty argv[0] added below.
	ptrs := uint64(max(len(a.argv), 1)+len(a.envp)) * 8
	if limit <= ptrs {
		return errorf(abi.E2BIG, p.Path, "argument list too long")
	}
	a.room = limit - ptrs
	// Same order as do_execveat_common: filename, environment, arguments.
	if err := a.charge(p.Path, a.execfn); err != nil {
		return err
	}
	for _, s := range a.envp {
		if err := a.charge(p.Path, s); err != nil {
			return err
		}
	}
	for _, s := range a.argv {
		if err := a.charge(p.Path, s); err != nil {
			return err
		}
	}
	// Since Linux 5.18 an empty argv gets "" as argv[0], so programs can
	// rely on argc >= 1.
	if len(a.argv) == 0 {
		a.argv = []string{""}
		if err := a.charge(p.Path, ""); err != nil {
			return err
		}
	}
	return nil
}

func (a *argList) charge(path, s string) *Error {
	n := uint64(len(s)) + 1
	if n > maxArgStrlen || n > a.room {
		return errorf(abi.E2BIG, path, "argument list too long")
	}
	a.room -= n
	return nil
}

// script rewrites argv the way binfmt_script does: drop argv[0], then
// push the script path, the optional argument and the interpreter.
func (a *argList) script(interp, arg, path string) *Error {
	a.room += uint64(len(a.argv[0])) + 1
	if err := a.charge(path, path); err != nil {
		return err
	}
	n := 2
	if arg != "" {
		n = 3
		if err := a.charge(path, arg); err != nil {
			return err
		}
	}
	if err := a.charge(path, interp); err != nil {
		return err
	}
	argv := make([]string, 0, len(a.argv)-1+n)
	argv = append(argv, interp)
	if arg != "" {
		argv = append(argv, arg)
	}
	argv = append(argv, path)
	a.argv = append(argv, a.argv[1:]...)
	return nil
}

// buildStack maps the stack and writes what create_elf_tables writes,
// top down:
//
//	8 zero bytes (bprm->p starts one pointer below the top)
//	AT_EXECFN string, envp strings, argv strings (argv[0] lowest)
//	align 16, "x86_64", 16 AT_RANDOM bytes
//	padding so that RSP is 16-byte aligned
//	auxv pairs ending in AT_NULL, envp[] NULL, argv[] NULL, argc  <- RSP
func (l *loader) buildStack() *Error {
	p := &l.p
	a := &l.args
	top := l.limit
	platform := p.Platform
	if platform == "" {
		platform = "x86_64"
	}
	var random [16]byte
	rnd := p.Random
	if rnd == nil {
		rnd = randReader
	}
	if _, err := io.ReadFull(rnd, random[:]); err != nil {
		return errorf(abi.EIO, p.Path, "reading AT_RANDOM bytes: ", err.Error())
	}

	// String area, laid out exactly as the copy_strings calls leave it.
	pos := top - 8
	pos -= uint64(len(a.execfn)) + 1
	execfn := pos
	for _, s := range a.envp {
		pos -= uint64(len(s)) + 1
	}
	envStart := pos
	for _, s := range a.argv {
		pos -= uint64(len(s)) + 1
	}
	argStart := pos
	pos &^= 15
	pos -= uint64(len(platform)) + 1
	uPlatform := pos
	pos -= 16
	uRandom := pos

	im := &l.img
	auxv := make([]uint64, 0, 48)
	if p.SysinfoEhdr != 0 {
		auxv = append(auxv, abi.AT_SYSINFO_EHDR, p.SysinfoEhdr)
	}
	minsig := p.MinSigStkSz
	if minsig == 0 {
		minsig = 2048
	}
	phnum := l.phnum
	auxv = append(auxv,
		abi.AT_MINSIGSTKSZ, minsig,
		abi.AT_HWCAP, p.HWCap,
		abi.AT_PAGESZ, pageSize,
		abi.AT_CLKTCK, 100,
		abi.AT_PHDR, im.Phdr,
		abi.AT_PHENT, abi.SizeofElf64Phdr,
		abi.AT_PHNUM, uint64(phnum),
		abi.AT_BASE, im.Base,
		abi.AT_FLAGS, 0,
		abi.AT_ENTRY, l.progEntry,
		abi.AT_UID, uint64(p.UID),
		abi.AT_EUID, uint64(p.EUID),
		abi.AT_GID, uint64(p.GID),
		abi.AT_EGID, uint64(p.EGID),
		abi.AT_SECURE, b2u(p.Secure),
		abi.AT_RANDOM, uRandom,
		abi.AT_HWCAP2, p.HWCap2,
		abi.AT_EXECFN, execfn,
		abi.AT_PLATFORM, uPlatform,
	)
	if p.RSeqFeatureSize != 0 || p.RSeqAlign != 0 {
		auxv = append(auxv, abi.AT_RSEQ_FEATURE_SIZE, p.RSeqFeatureSize, abi.AT_RSEQ_ALIGN, p.RSeqAlign)
	}
	auxv = append(auxv, abi.AT_NULL, 0)

	items := uint64(len(a.argv)+1) + uint64(len(a.envp)+1) + 1
	sp := (pos - uint64(len(auxv))*8 - items*8) &^ 15
	if sp < top-stackSize {
		// Linux checks this against the stack rlimit in setup_arg_pages.
		return errorf(abi.E2BIG, p.Path, "argument list too long for the stack")
	}

	// Build the whole image from sp to top in one buffer and copy it out
	// once: gaps stay zero, like fresh stack pages.
	buf := make([]byte, top-sp)
	at := func(addr uint64) []byte { return buf[addr-sp:] }
	le := binary.LittleEndian
	w := sp
	put := func(v uint64) { le.PutUint64(at(w), v); w += 8 }
	put(uint64(len(a.argv)))
	s := argStart
	for _, str := range a.argv {
		put(s)
		copy(at(s), str)
		s += uint64(len(str)) + 1
	}
	put(0)
	for _, str := range a.envp {
		put(s)
		copy(at(s), str)
		s += uint64(len(str)) + 1
	}
	put(0)
	for _, v := range auxv {
		put(v)
	}
	copy(at(execfn), a.execfn)
	copy(at(uPlatform), platform)
	copy(at(uRandom), random[:])

	if _, errno := p.Space.Map(top-stackSize, stackSize, l.stackProt(), mapPrivate|mapAnonymous|mapFixed|mapGrowsdown, nil, 0); errno != 0 {
		return errorf(errno, p.Path, "mapping the stack: ", errno.Error())
	}
	if errno := p.Space.CopyOut(sp, buf); errno != 0 {
		return errorf(errno, p.Path, "writing the initial stack: ", errno.Error())
	}
	im.SP = sp
	im.StackTop = top
	im.ArgStart, im.ArgEnd = argStart, envStart
	im.EnvStart, im.EnvEnd = envStart, execfn
	im.Auxv = auxv
	return nil
}

func (l *loader) stackProt() int {
	if l.img.ExecStack {
		return protRWX
	}
	return protRW
}

func b2u(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}

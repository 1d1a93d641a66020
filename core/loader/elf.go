package loader

import (
	"encoding/binary"
	"io"
	"strconv"

	"github.com/blink-go/blink/core/abi"
	"github.com/blink-go/blink/core/mem"
)

// The ELF reader is a small hand parser rather than debug/elf. The loader
// needs the 64-byte header and the program headers, nothing else, and it
// must survive hostile files: debug/elf.NewFile eagerly parses section
// headers, allocates from sizes read out of the file and has panicked on
// crafted inputs before. Here every size is bounded before anything is
// allocated (at most 64 KiB of program headers, as Linux), and every
// offset sum is overflow-checked.

const (
	maxPhdrBytes = 65536 // load_elf_phdrs' bound on e_phnum * e_phentsize
	pathMax      = 4096  // PATH_MAX, the PT_INTERP size bound
)

type ehdr struct {
	class, data uint8
	typ         uint16
	machine     uint16
	entry       uint64
	phoff       uint64
	phentsize   uint16
	phnum       uint16
}

type phdr struct {
	typ, flags                       uint32
	off, vaddr, filesz, memsz, align uint64
}

func parseEhdr(b []byte) ehdr {
	le := binary.LittleEndian
	return ehdr{
		class:     b[abi.EI_CLASS],
		data:      b[abi.EI_DATA],
		typ:       le.Uint16(b[16:]),
		machine:   le.Uint16(b[18:]),
		entry:     le.Uint64(b[24:]),
		phoff:     le.Uint64(b[32:]),
		phentsize: le.Uint16(b[54:]),
		phnum:     le.Uint16(b[56:]),
	}
}

// checkEhdr applies binfmt_elf's header checks and returns why the file
// is not a loadable x86-64 executable, or "". Like Linux (the kernel tests
// show it runs such files), only e_machine decides: EI_CLASS, EI_DATA,
// EI_VERSION, e_version and EI_OSABI are not checked. They only make the
// message for foreign files clearer.
func checkEhdr(eh *ehdr) string {
	switch {
	case eh.machine != abi.EM_X86_64:
		what := "ELF for " + machineName(eh.machine)
		if eh.data == abi.ELFDATA2MSB {
			what = "big-endian ELF for " + machineName(eh.machine>>8|eh.machine<<8)
		} else if eh.class == abi.ELFCLASS32 {
			what = "32-bit ELF for " + machineName(eh.machine)
		}
		return "not an x86-64 ELF executable: " + what
	case eh.typ == abi.ET_REL:
		return "ELF relocatable object (ET_REL), not an executable"
	case eh.typ == abi.ET_CORE:
		return "ELF core dump, not an executable"
	case eh.typ != abi.ET_EXEC && eh.typ != abi.ET_DYN:
		return "bad ELF type " + strconv.Itoa(int(eh.typ))
	case eh.phentsize != abi.SizeofElf64Phdr:
		return "bad e_phentsize " + strconv.Itoa(int(eh.phentsize))
	case eh.phnum == 0 || int(eh.phnum)*abi.SizeofElf64Phdr > maxPhdrBytes:
		return "bad e_phnum " + strconv.Itoa(int(eh.phnum))
	}
	return ""
}

func machineName(m uint16) string {
	switch m {
	case abi.EM_386:
		return "i386"
	case abi.EM_X86_64:
		return "x86-64"
	case abi.EM_AARCH64:
		return "aarch64"
	case abi.EM_ARM:
		return "arm"
	case abi.EM_RISCV:
		return "riscv"
	case abi.EM_PPC:
		return "powerpc"
	case abi.EM_PPC64:
		return "powerpc64"
	case abi.EM_S390:
		return "s390"
	case abi.EM_MIPS:
		return "mips"
	case abi.EM_SPARCV9:
		return "sparcv9"
	case abi.EM_IA_64:
		return "ia64"
	case abi.EM_LOONGARCH:
		return "loongarch"
	case abi.EM_BPF:
		return "bpf"
	}
	return "machine " + strconv.Itoa(int(m))
}

// readFull reads exactly len(b) bytes at off or reports EIO, as the
// kernel's elf_read does for a short read.
func readFull(f File, b []byte, off uint64) bool {
	if off > uint64(f.Size()) || uint64(len(b)) > uint64(f.Size())-off {
		return false
	}
	n, err := f.ReadAt(b, int64(off))
	return n == len(b) && (err == nil || err == io.EOF)
}

// elfFile is one parsed ELF: the main program or its interpreter.
type elfFile struct {
	f     File
	path  string
	eh    ehdr
	ph    []phdr
	raw   []byte // the program headers as in the file, for copying
	first int    // index of the first PT_LOAD, -1 if none
}

// readELF parses the header (hdr overrides the file's first 64 bytes, for
// APE) and the program headers. It returns a failure reason for the
// header (ENOEXEC or ELIBBAD, the caller decides) or an EIO error.
func readELF(f File, path string, hdr []byte, interp bool) (*elfFile, string, *Error) {
	var b [abi.SizeofElf64Ehdr]byte
	if hdr != nil {
		copy(b[:], hdr)
	} else if n, _ := f.ReadAt(b[:], 0); n < len(b) && interp {
		// The interpreter's header is read with elf_read, so a short
		// file is EIO; the program's comes from the zero-padded bprm->buf.
		return nil, "", errorf(abi.EIO, path, "ELF interpreter is shorter than an ELF header")
	} else if n < 4 || string(b[:4]) != abi.ELFMAG {
		return nil, "not an ELF file", nil
	}
	// A short file leaves the rest zero, as the kernel's zero-padded
	// bprm->buf does; the field checks then reject it.
	e := &elfFile{f: f, path: path, eh: parseEhdr(b[:]), first: -1}
	if why := checkEhdr(&e.eh); why != "" {
		return nil, why, nil
	}
	e.raw = make([]byte, int(e.eh.phnum)*abi.SizeofElf64Phdr)
	if !readFull(f, e.raw, e.eh.phoff) {
		// load_elf_phdrs fails and load_elf_binary reports ENOEXEC (the
		// interpreter's caller turns it into ELIBBAD).
		return nil, "program headers at offset " + hex(e.eh.phoff) + " are beyond the end of the file", nil
	}
	e.ph = make([]phdr, e.eh.phnum)
	le := binary.LittleEndian
	for i := range e.ph {
		r := e.raw[i*abi.SizeofElf64Phdr:]
		e.ph[i] = phdr{
			typ:    le.Uint32(r[0:]),
			flags:  le.Uint32(r[4:]),
			off:    le.Uint64(r[8:]),
			vaddr:  le.Uint64(r[16:]),
			filesz: le.Uint64(r[32:]),
			memsz:  le.Uint64(r[40:]),
			align:  le.Uint64(r[48:]),
		}
		if e.ph[i].typ == abi.PT_LOAD && e.first < 0 {
			e.first = i
		}
	}
	return e, "", nil
}

// checkLoads validates every PT_LOAD against a bias before anything is
// mapped, so a bad file fails cleanly instead of half-mapped (Linux
// checks the same things segment by segment, after the point of no
// return). errno is what Linux reports for a bad layout.
func (l *loader) checkLoads(e *elfFile, bias uint64, errno abi.Errno) *Error {
	size := uint64(e.f.Size())
	stackLo := l.limit - stackSize
	for i := range e.ph {
		ph := &e.ph[i]
		if ph.typ != abi.PT_LOAD {
			continue
		}
		seg := "segment " + strconv.Itoa(i) + ": "
		k := ph.vaddr + bias
		if ph.filesz > ph.memsz {
			return errorf(errno, e.path, seg, "p_filesz ", hex(ph.filesz), " exceeds p_memsz ", hex(ph.memsz))
		}
		if k < bias || k >= l.limit || ph.memsz > l.limit || l.limit-ph.memsz < k {
			return errorf(errno, e.path, seg, "address range ", hex(k), "+", hex(ph.memsz), " is outside the address space")
		}
		if ph.filesz > 0 {
			if ph.off > size || ph.filesz > size-ph.off {
				return errorf(abi.ENOEXEC, e.path, seg, "file range ", hex(ph.off), "+", hex(ph.filesz), " is beyond the end of the file")
			}
			// vm_mmap needs a page-aligned file offset.
			if (ph.off-ph.vaddr)&(pageSize-1) != 0 {
				return errorf(abi.EINVAL, e.path, seg, "p_offset ", hex(ph.off), " and p_vaddr ", hex(ph.vaddr), " differ modulo the page size")
			}
		}
		if ph.memsz > 0 && pageAlign(k+ph.memsz) > stackLo {
			return errorf(abi.ENOMEM, e.path, seg, "address range ", hex(k), "+", hex(ph.memsz), " overlaps the stack")
		}
	}
	return nil
}

// totalSize is total_mapping_size: the span from the first PT_LOAD's page
// to the end of the highest one.
func (e *elfFile) totalSize() uint64 {
	lo, hi := ^uint64(0), uint64(0)
	for i := range e.ph {
		if ph := &e.ph[i]; ph.typ == abi.PT_LOAD {
			lo = min(lo, ph.vaddr&^(pageSize-1))
			hi = max(hi, ph.vaddr+ph.memsz)
		}
	}
	if hi < lo {
		return 0
	}
	return hi - lo
}

// maxAlign is maximum_alignment: the largest power-of-two p_align of the
// PT_LOADs, at least a page.
func (e *elfFile) maxAlign() uint64 {
	var a uint64
	for i := range e.ph {
		if ph := &e.ph[i]; ph.typ == abi.PT_LOAD && ph.align != 0 && ph.align&(ph.align-1) == 0 {
			a = max(a, ph.align)
		}
	}
	return pageAlign(a)
}

// mapLoads maps every PT_LOAD at bias the way elf_load does: the file
// pages, the rest of the last file page zeroed, then anonymous pages for
// the remaining .bss. It returns the end of the highest segment.
func (l *loader) mapLoads(e *elfFile, bias uint64) (brk uint64, err *Error) {
	sp := l.p.Space
	for i := range e.ph {
		ph := &e.ph[i]
		if ph.typ != abi.PT_LOAD {
			continue
		}
		prot := 0
		if ph.flags&abi.PF_R != 0 {
			prot |= mem.ProtRead
		}
		if ph.flags&abi.PF_W != 0 {
			prot |= mem.ProtWrite
		}
		if ph.flags&abi.PF_X != 0 {
			prot |= mem.ProtExec
		}
		addr := ph.vaddr + bias
		pageOff := addr & (pageSize - 1)
		zeroStart := addr &^ (pageSize - 1)
		if ph.filesz > 0 {
			start := addr - pageOff
			if _, errno := sp.Map(start, pageAlign(ph.filesz+pageOff), prot, mapPrivate|mapFixed, e.f, int64(ph.off-pageOff)); errno != 0 {
				return 0, errorf(errno, e.path, "mapping segment ", strconv.Itoa(i), " at ", hex(start), ": ", errno.Error())
			}
			zeroStart = addr + ph.filesz
			if ph.memsz > ph.filesz {
				// padzero: clear the file bytes after p_filesz in the last
				// page; a read-only segment keeps them, as on Linux.
				if n := pageAlign(zeroStart) - zeroStart; n > 0 {
					if errno := sp.CopyOut(zeroStart, zeroPage[:n]); errno != 0 && prot&mem.ProtWrite != 0 {
						return 0, errorf(errno, e.path, "clearing .bss of segment ", strconv.Itoa(i), ": ", errno.Error())
					}
				}
			}
		}
		end := addr + ph.memsz
		if ph.memsz > ph.filesz {
			// vm_brk_flags: the .bss pages are read-write whatever
			// p_flags says, executable only if the segment is.
			zs, ze := pageAlign(zeroStart), pageAlign(end)
			if ze > zs {
				if _, errno := sp.Map(zs, ze-zs, protRW|prot&mem.ProtExec, mapPrivate|mapAnonymous|mapFixed, nil, 0); errno != 0 {
					return 0, errorf(errno, e.path, "mapping .bss of segment ", strconv.Itoa(i), " at ", hex(zs), ": ", errno.Error())
				}
			}
		}
		brk = max(brk, end)
	}
	return brk, nil
}

var zeroPage [pageSize]byte

func pageAlign(v uint64) uint64 { return (v + pageSize - 1) &^ (pageSize - 1) }

func hex(v uint64) string { return "0x" + strconv.FormatUint(v, 16) }

// loadMain loads the program (load_elf_binary) and its interpreter.
func (l *loader) loadMain(f File, path string, apeHdr []byte) *Error {
	e, why, err := readELF(f, path, apeHdr, false)
	if err != nil {
		return err
	}
	if why != "" {
		return errorf(abi.ENOEXEC, path, why)
	}
	im := &l.img

	// PT_INTERP (the first one counts) and PT_GNU_STACK.
	var interp string
	haveInterp := false
	for i := range e.ph {
		ph := &e.ph[i]
		switch ph.typ {
		case abi.PT_INTERP:
			if haveInterp {
				continue
			}
			haveInterp = true
			if ph.filesz > pathMax || ph.filesz < 2 {
				return errorf(abi.ENOEXEC, path, "bad PT_INTERP size ", hex(ph.filesz))
			}
			b := make([]byte, ph.filesz)
			if !readFull(f, b, ph.off) {
				return errorf(abi.EIO, path, "PT_INTERP is beyond the end of the file")
			}
			if b[len(b)-1] != 0 {
				return errorf(abi.ENOEXEC, path, "PT_INTERP is not NUL-terminated")
			}
			interp = cstring(b)
		case abi.PT_GNU_STACK:
			im.ExecStack = ph.flags&abi.PF_X != 0
		}
	}

	var ie *elfFile
	if haveInterp {
		im.Interp = interp
		fi, oerr := l.open(interp)
		if oerr != nil {
			return oerr
		}
		var why string
		if ie, why, err = readELF(fi, interp, nil, true); err != nil {
			return err
		}
		if why != "" {
			return errorf(eLIBBAD, interp, "bad ELF interpreter: ", why)
		}
	}

	if e.first < 0 {
		// Linux maps nothing and the process dies at its entry point
		// (ET_EXEC) or fails with EINVAL (ET_DYN); say why instead.
		return errorf(abi.ENOEXEC, path, "no PT_LOAD segment")
	}

	// Choose the load bias: ET_EXEC loads where it says; ET_DYN goes to
	// ELF_ET_DYN_BASE (two thirds of the way up), aligned to the largest
	// p_align, minus the first segment's address. Randomization is off.
	var bias uint64
	if e.eh.typ == abi.ET_DYN {
		if e.totalSize() == 0 {
			return errorf(abi.EINVAL, path, "PT_LOAD segments span no memory")
		}
		base := l.limit / 3 * 2
		base &^= e.maxAlign() - 1
		bias = (base - e.ph[e.first].vaddr) &^ (pageSize - 1)
		im.Kind = KindStaticPIE
	}
	if haveInterp {
		im.Kind = KindDynamic
	}
	if err := l.checkLoads(e, bias, abi.EINVAL); err != nil {
		return err
	}
	entry := e.eh.entry + bias
	if entry >= l.limit {
		return errorf(abi.EINVAL, path, "entry point ", hex(entry), " is outside the address space")
	}
	if ie != nil {
		// Validate the interpreter's layout before mapping anything.
		if ie.first < 0 || ie.totalSize() == 0 {
			return errorf(abi.EINVAL, interp, "ELF interpreter has no PT_LOAD segment")
		}
		// An ET_DYN interpreter is checked again once it is placed.
		if err := l.checkLoads(ie, 0, abi.ENOMEM); err != nil {
			return err
		}
	}

	brk, err := l.mapLoads(e, bias)
	if err != nil {
		return err
	}
	im.Brk = pageAlign(brk)
	l.p.Space.SetBrk(im.Brk)

	// AT_PHDR: the PT_LOAD whose file bytes contain the program headers
	// (as fs/binfmt_elf.c computes it), else a read-only copy, so that
	// dl_iterate_phdr works even for unusual files.
	phdrAt, found := uint64(0), false
	for i := range e.ph {
		ph := &e.ph[i]
		if ph.typ == abi.PT_LOAD && ph.off <= e.eh.phoff && e.eh.phoff-ph.off < ph.filesz &&
			uint64(len(e.raw)) <= ph.filesz-(e.eh.phoff-ph.off) {
			phdrAt, found = e.eh.phoff-ph.off+ph.vaddr+bias, true
		}
	}
	if !found {
		a, errno := l.p.Space.Map(0, pageAlign(uint64(len(e.raw))), mem.ProtRead, mapPrivate, bytesFile(e.raw), 0)
		if errno != 0 {
			return errorf(errno, path, "copying the program headers: ", errno.Error())
		}
		phdrAt = a
	}
	im.Phdr = phdrAt
	l.phnum = int(e.eh.phnum)
	l.progEntry = entry
	im.Entry = entry

	if ie != nil {
		base, err := l.mapInterp(ie)
		if err != nil {
			return err
		}
		im.Base = base
		im.Entry = ie.eh.entry + base
		if im.Entry >= l.limit {
			return errorf(abi.EINVAL, interp, "entry point ", hex(im.Entry), " is outside the address space")
		}
	}
	return nil
}

// mapInterp is load_elf_interp: an ET_DYN interpreter is placed by a
// top-down search for its whole span; an ET_EXEC one where it says.
// It returns the load address (AT_BASE).
func (l *loader) mapInterp(ie *elfFile) (uint64, *Error) {
	if ie.eh.typ == abi.ET_EXEC {
		_, err := l.mapLoads(ie, 0)
		return 0, err
	}
	total := pageAlign(ie.totalSize())
	first := ie.ph[ie.first].vaddr &^ (pageSize - 1)
	at, errno := l.p.Space.Map(0, total, 0, mapPrivate|mapAnonymous, nil, 0)
	if errno != 0 {
		return 0, errorf(errno, ie.path, "reserving ", hex(total), " bytes for the ELF interpreter: ", errno.Error())
	}
	// Linux maps the first segment with the whole span and unmaps the
	// excess; only the segments stay mapped, the holes between them are
	// free again.
	if errno := l.p.Space.Unmap(at, total); errno != 0 {
		return 0, errorf(errno, ie.path, "releasing the interpreter reservation: ", errno.Error())
	}
	base := at - first
	if err := l.checkLoads(ie, base, abi.ENOMEM); err != nil {
		return 0, err
	}
	if _, err := l.mapLoads(ie, base); err != nil {
		return 0, err
	}
	return base, nil
}

func cstring(b []byte) string {
	for i, c := range b {
		if c == 0 {
			return string(b[:i])
		}
	}
	return string(b)
}

// bytesFile serves an in-memory copy as a mapping source.
type bytesFile []byte

func (b bytesFile) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 || off >= int64(len(b)) {
		return 0, io.EOF
	}
	n := copy(p, b[off:])
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

func (b bytesFile) Size() int64 { return int64(len(b)) }

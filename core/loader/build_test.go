package loader

import (
	"encoding/binary"

	"github.com/blink-go/blink/core/abi"
)

// testELF is a handcrafted ELF64 image, serialized by bytes.
type testELF struct {
	ident     [16]byte
	typ       uint16
	machine   uint16
	entry     uint64
	phoff     uint64
	phentsize uint16
	phnum     int // -1: len(ph)
	ph        []phdr
	body      []byte // the whole file; header and phdrs are written over it
}

// exitCode is "mov eax, 60; xor edi, edi; syscall": exit(0).
var exitCode = []byte{0xb8, 0x3c, 0, 0, 0, 0x31, 0xff, 0x0f, 0x05}

// okELF is a valid static executable: a read-execute segment holding the
// headers and code (at 0x4001f0) at 0x400000, a read-write segment at 0x601000 with 16
// bytes of data and 0x2000 bytes of memory, and a non-executable stack.
// The bytes after the data in the file are 0xAA, so .bss clearing shows.
func okELF() *testELF {
	e := &testELF{
		typ: abi.ET_EXEC, machine: abi.EM_X86_64, entry: 0x4001f0, phoff: 64,
		phentsize: abi.SizeofElf64Phdr, phnum: -1,
		body: make([]byte, 0x1100),
	}
	copy(e.ident[:], "\x7fELF\x02\x01\x01")
	copy(e.body[0x1f0:], exitCode)
	copy(e.body[0x1000:], "0123456789abcdef")
	for i := 0x1010; i < 0x1100; i++ {
		e.body[i] = 0xaa
	}
	e.ph = []phdr{
		{typ: abi.PT_LOAD, flags: abi.PF_R | abi.PF_X, off: 0, vaddr: 0x400000, filesz: 0x200, memsz: 0x200, align: 0x1000},
		{typ: abi.PT_LOAD, flags: abi.PF_R | abi.PF_W, off: 0x1000, vaddr: 0x601000, filesz: 0x10, memsz: 0x2000, align: 0x1000},
		{typ: abi.PT_GNU_STACK, flags: abi.PF_R | abi.PF_W},
	}
	return e
}

func (e *testELF) bytes() []byte {
	b := append([]byte(nil), e.body...)
	need := e.phoff + uint64(len(e.ph))*abi.SizeofElf64Phdr
	if e.phoff < 1<<20 && uint64(len(b)) < need {
		b = append(b, make([]byte, need-uint64(len(b)))...)
	}
	le := binary.LittleEndian
	copy(b, e.ident[:])
	le.PutUint16(b[16:], e.typ)
	le.PutUint16(b[18:], e.machine)
	le.PutUint32(b[20:], 1)
	le.PutUint64(b[24:], e.entry)
	le.PutUint64(b[32:], e.phoff)
	le.PutUint16(b[52:], abi.SizeofElf64Ehdr)
	le.PutUint16(b[54:], e.phentsize)
	n := e.phnum
	if n < 0 {
		n = len(e.ph)
	}
	le.PutUint16(b[56:], uint16(n))
	for i, p := range e.ph {
		at := e.phoff + uint64(i)*abi.SizeofElf64Phdr
		if at > uint64(len(b)) || uint64(len(b))-at < abi.SizeofElf64Phdr {
			break
		}
		r := b[at:]
		le.PutUint32(r[0:], p.typ)
		le.PutUint32(r[4:], p.flags)
		le.PutUint64(r[8:], p.off)
		le.PutUint64(r[16:], p.vaddr)
		le.PutUint64(r[24:], p.vaddr)
		le.PutUint64(r[32:], p.filesz)
		le.PutUint64(r[40:], p.memsz)
		le.PutUint64(r[48:], p.align)
	}
	return b
}

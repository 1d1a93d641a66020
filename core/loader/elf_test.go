package loader

import (
	"encoding/binary"
	"strings"
	"testing"

	"github.com/blink-go/blink/core/abi"
)

// elfCase is one handcrafted file. Files maps names (joined to a
// directory) to contents; "prog" is executed. errno is what Load must
// return; native is what the real kernel does with the same files
// (checked by TestNativeErrors on linux/amd64): "ok" (exit status 0),
// "signal" (killed after the point of no return), an errno name, or ""
// when the kernel's outcome does not matter.
type elfCase struct {
	name   string
	files  func(dir string) map[string][]byte
	errno  abi.Errno
	native string
	// deviation explains an intended difference from the kernel.
	deviation string
}

func progOnly(mut func(e *testELF)) func(string) map[string][]byte {
	return func(string) map[string][]byte {
		e := okELF()
		mut(e)
		return map[string][]byte{"prog": e.bytes()}
	}
}

// withInterp adds a PT_INTERP naming dir/interp to okELF and stores
// interp as that file.
func withInterp(interpPath string, interp []byte, mut func(e *testELF, dir string)) func(string) map[string][]byte {
	return func(dir string) map[string][]byte {
		e := okELF()
		name := dir + "/" + interpPath + "\x00"
		copy(e.body[0x160:], name)
		e.ph = append(e.ph, phdr{typ: abi.PT_INTERP, flags: abi.PF_R, off: 0x160, vaddr: 0x400160,
			filesz: uint64(len(name)), memsz: uint64(len(name)), align: 1})
		if mut != nil {
			mut(e, dir)
		}
		m := map[string][]byte{"prog": e.bytes()}
		if interp != nil {
			m["interp"] = interp
		}
		return m
	}
}

// dynInterp is a minimal ET_DYN interpreter whose entry calls exit(0).
func dynInterp() []byte {
	e := okELF()
	e.typ = abi.ET_DYN
	e.entry = 0x1f0
	e.ph[0].vaddr = 0
	e.ph[1].vaddr = 0x201000
	return e.bytes()
}

var elfCases = []elfCase{
	{name: "valid", files: progOnly(func(e *testELF) {}), native: "ok"},
	{name: "bad phentsize", files: progOnly(func(e *testELF) { e.phentsize = 32 }), errno: abi.ENOEXEC, native: "ENOEXEC"},
	{name: "no phdrs", files: progOnly(func(e *testELF) { e.phnum = 0 }), errno: abi.ENOEXEC, native: "ENOEXEC"},
	{name: "phdrs over 64KiB", files: progOnly(func(e *testELF) { e.phnum = 65536/56 + 1 }), errno: abi.ENOEXEC, native: "ENOEXEC"},
	{name: "phdrs over a page", files: progOnly(func(e *testELF) {
		e.phoff = 0x1100
		for len(e.ph) < 100 {
			e.ph = append(e.ph, phdr{typ: abi.PT_NOTE})
		}
	}), native: "ok"},
	{name: "phoff past EOF", files: progOnly(func(e *testELF) { e.phoff = 1 << 40 }), errno: abi.ENOEXEC, native: "ENOEXEC"},
	{name: "phoff overflows", files: progOnly(func(e *testELF) { e.phoff = ^uint64(0) - 8 }), errno: abi.ENOEXEC, native: "ENOEXEC"},
	{name: "phdrs truncated", files: func(string) map[string][]byte {
		e := okELF()
		e.phoff = 0x1100 - 60
		return map[string][]byte{"prog": e.bytes()[:0x1100]}
	}, errno: abi.ENOEXEC, native: "ENOEXEC"},
	{name: "truncated header", files: func(string) map[string][]byte { return map[string][]byte{"prog": okELF().bytes()[:40]} },
		errno: abi.ENOEXEC, native: "ENOEXEC"},
	{name: "ET_REL", files: progOnly(func(e *testELF) { e.typ = abi.ET_REL }), errno: abi.ENOEXEC, native: "ENOEXEC"},
	{name: "ET_CORE", files: progOnly(func(e *testELF) { e.typ = abi.ET_CORE }), errno: abi.ENOEXEC, native: "ENOEXEC"},
	{name: "aarch64", files: progOnly(func(e *testELF) { e.machine = abi.EM_AARCH64 }), errno: abi.ENOEXEC, native: "ENOEXEC"},
	{name: "i386", files: progOnly(func(e *testELF) { e.ident[abi.EI_CLASS] = 1; e.machine = abi.EM_386 }),
		errno: abi.ENOEXEC, native: "", deviation: "Linux runs i386 binaries through its compat loader"},
	// binfmt_elf looks only at e_machine: these run on Linux as 64-bit.
	{name: "class 32 ignored", files: progOnly(func(e *testELF) { e.ident[abi.EI_CLASS] = 1 }), native: "ok"},
	{name: "big-endian ident ignored", files: progOnly(func(e *testELF) { e.ident[abi.EI_DATA] = 2 }), native: "ok"},
	{name: "version ignored", files: progOnly(func(e *testELF) { e.ident[abi.EI_VERSION] = 0 }), native: "ok"},
	{name: "filesz > memsz", files: progOnly(func(e *testELF) { e.ph[1].filesz = 0x20; e.ph[1].memsz = 0x10 }),
		errno: abi.EINVAL, native: "signal"},
	{name: "offset not congruent", files: progOnly(func(e *testELF) { e.ph[1].vaddr = 0x601008 }),
		errno: abi.EINVAL, native: "signal"},
	{name: "segment past EOF", files: progOnly(func(e *testELF) { e.ph[1].off = 0x3000 }), errno: abi.ENOEXEC, native: "signal"},
	{name: "segment size overflows", files: progOnly(func(e *testELF) { e.ph[1].memsz = ^uint64(0) - 0x100 }),
		errno: abi.EINVAL, native: "signal"},
	{name: "segment in kernel half", files: progOnly(func(e *testELF) { e.ph[1].vaddr = 0xffff800000001000 }),
		errno: abi.EINVAL, native: "signal"},
	{name: "segment over the stack", files: progOnly(func(e *testELF) { e.ph[1].vaddr = 0x7ffffffe0000 }),
		errno: abi.ENOMEM, native: "", deviation: "Linux's stack is only 132 KiB at exec; we reserve RLIMIT_STACK"},
	// Below vm.mmap_min_addr: mem allows MAP_FIXED there (the guest is
	// treated as privileged), as Linux does for CAP_SYS_RAWIO.
	{name: "segment below mmap_min_addr", files: progOnly(func(e *testELF) { e.ph[1].vaddr = 0x1000 }), native: ""},
	{name: "huge bss", files: progOnly(func(e *testELF) { e.ph[1].memsz = 1 << 44 }), native: ""},
	{name: "bss-only segment", files: progOnly(func(e *testELF) {
		e.ph = append(e.ph, phdr{typ: abi.PT_LOAD, flags: abi.PF_R, vaddr: 0x700000, memsz: 0x1800, align: 0x1000})
	}), native: "ok"},
	{name: "overlapping segments", files: progOnly(func(e *testELF) {
		e.ph = append(e.ph, phdr{typ: abi.PT_LOAD, flags: abi.PF_R, off: 0x1000, vaddr: 0x601000, filesz: 0x10, memsz: 0x10, align: 0x1000})
	}), native: "ok"},
	{name: "entry in kernel half", files: progOnly(func(e *testELF) { e.entry = 0xffffffff81000000 }), errno: abi.EINVAL, native: "signal"},
	{name: "no PT_LOAD", files: progOnly(func(e *testELF) { e.ph = e.ph[2:] }), errno: abi.ENOEXEC, native: "signal",
		deviation: "Linux maps nothing and the process faults at its entry"},
	{name: "ET_DYN no PT_LOAD", files: progOnly(func(e *testELF) { e.typ = abi.ET_DYN; e.ph = e.ph[2:] }),
		errno: abi.ENOEXEC, native: "signal", deviation: "as above"},
	{name: "static PIE", files: func(string) map[string][]byte { return map[string][]byte{"prog": dynInterp()} }, native: "ok"},
	{name: "interp ok", files: withInterp("interp", dynInterp(), nil), native: "ok"},
	{name: "interp missing", files: withInterp("nope", nil, nil), errno: abi.ENOENT, native: "ENOENT"},
	{name: "interp short", files: withInterp("interp", []byte("#!/bin/sh\necho hi\n"), nil), errno: abi.EIO, native: "EIO"},
	{name: "interp not ELF", files: withInterp("interp", []byte("#!/bin/sh\n"+strings.Repeat("echo hi\n", 10)), nil),
		errno: eLIBBAD, native: "ELIBBAD"},
	{name: "interp aarch64", files: withInterp("interp", func() []byte { e := okELF(); e.machine = abi.EM_AARCH64; return e.bytes() }(), nil),
		errno: eLIBBAD, native: "ELIBBAD"},
	{name: "interp bad phdrs", files: withInterp("interp", func() []byte { e := okELF(); e.phentsize = 1; return e.bytes() }(), nil),
		errno: eLIBBAD, native: "ELIBBAD"},
	{name: "interp not NUL-terminated", files: withInterp("interp", dynInterp(), func(e *testELF, _ string) { e.ph[3].filesz-- }),
		errno: abi.ENOEXEC, native: "ENOEXEC"},
	{name: "interp too short", files: withInterp("interp", dynInterp(), func(e *testELF, _ string) { e.ph[3].filesz = 1 }),
		errno: abi.ENOEXEC, native: "ENOEXEC"},
	{name: "interp too long", files: withInterp("interp", dynInterp(), func(e *testELF, _ string) { e.ph[3].filesz = 4097 }),
		errno: abi.ENOEXEC, native: "ENOEXEC"},
	{name: "interp past EOF", files: withInterp("interp", dynInterp(), func(e *testELF, _ string) { e.ph[3].off = 0x10000 }),
		errno: abi.EIO, native: "EIO"},
	{name: "second interp ignored", files: withInterp("interp", dynInterp(), func(e *testELF, _ string) {
		e.ph = append(e.ph, phdr{typ: abi.PT_INTERP, off: 0x1000, filesz: 4})
	}), native: "ok"},
	{name: "exec stack", files: progOnly(func(e *testELF) { e.ph[2].flags |= abi.PF_X }), native: "ok"},
}

func TestELFCases(t *testing.T) {
	const dir = "/d"
	for _, tc := range elfCases {
		t.Run(tc.name, func(t *testing.T) {
			fs := memFS{}
			for n, b := range tc.files(dir) {
				fs[dir+"/"+n] = b
			}
			s := newSpace(t)
			img, err := Load(params(s, fs.open, dir+"/prog", []string{"prog"}, nil))
			if got := errnoOf(t, err); got != tc.errno {
				t.Fatalf("errno %v, want %v (%v)", got, tc.errno, err)
			}
			if err != nil {
				if strings.Contains(err.Error(), "\n") || !strings.HasPrefix(err.Error(), "/d/") {
					t.Errorf("message should be one line naming the file: %q", err)
				}
				return
			}
			if img.SP%16 != 0 || img.Entry == 0 {
				t.Errorf("sp %#x entry %#x", img.SP, img.Entry)
			}
		})
	}
}

func TestInterpLayout(t *testing.T) {
	const dir = "/d"
	fs := memFS{}
	for n, b := range withInterp("interp", dynInterp(), nil)(dir) {
		fs[dir+"/"+n] = b
	}
	s := newSpace(t)
	img := mustLoad(t, params(s, fs.open, dir+"/prog", []string{"prog"}, nil))
	g := readStack(t, s, img.SP)
	// The interpreter spans 0x203000 bytes; it is placed top-down from
	// mmap_base, 128 MiB under the stack top.
	wantBase := uint64(top - mmapGap - 0x203000)
	if img.Base != wantBase || img.Entry != wantBase+0x1f0 || img.Kind != KindDynamic || img.Interp != dir+"/interp" {
		t.Errorf("base %#x entry %#x kind %v interp %q, want base %#x", img.Base, img.Entry, img.Kind, img.Interp, wantBase)
	}
	if v, _ := g.aux(abi.AT_BASE); v != img.Base {
		t.Errorf("AT_BASE %#x", v)
	}
	if v, _ := g.aux(abi.AT_ENTRY); v != 0x4001f0 {
		t.Errorf("AT_ENTRY %#x should be the program's", v)
	}
	// The hole between the interpreter's two segments is unmapped, as
	// Linux leaves it.
	var b [1]byte
	if s.CopyIn(wantBase+0x1000, b[:]) == 0 {
		t.Errorf("hole inside the interpreter's span is mapped")
	}
	if s.CopyIn(wantBase+0x201000, b[:]) != 0 || s.CopyIn(wantBase+0x202fff, b[:]) != 0 {
		t.Errorf("interpreter data segment not mapped")
	}
}

func TestStaticPIEBase(t *testing.T) {
	s := newSpace(t)
	img := mustLoad(t, params(s, memFS{"/p": dynInterp()}.open, "/p", nil, nil))
	// ELF_ET_DYN_BASE for a 47-bit address space: the well-known
	// 0x555555554000 once page-aligned.
	if img.Kind != KindStaticPIE || img.Entry != 0x5555555541f0 || img.Phdr != 0x555555554040 || img.Brk != 0x555555757000 {
		t.Errorf("kind %v entry %#x phdr %#x brk %#x", img.Kind, img.Entry, img.Phdr, img.Brk)
	}
	// A 2 MiB p_align rounds the base down to 2 MiB.
	e := okELF()
	e.typ, e.entry, e.ph[0].vaddr, e.ph[1].vaddr = abi.ET_DYN, 0x1f0, 0, 0x201000
	e.ph[0].align = 0x200000
	img = mustLoad(t, params(newSpace(t), memFS{"/p": e.bytes()}.open, "/p", nil, nil))
	if img.Entry != 0x5555554001f0 {
		t.Errorf("2 MiB aligned entry %#x", img.Entry)
	}
}

func TestPhdrCopied(t *testing.T) {
	// Program headers outside every PT_LOAD are copied so AT_PHDR is
	// still valid.
	e := okELF()
	e.phoff = 0x1100
	s := newSpace(t)
	img := mustLoad(t, params(s, memFS{"/p": e.bytes()}.open, "/p", nil, nil))
	var b [56]byte
	if e := s.CopyIn(img.Phdr, b[:]); e != 0 {
		t.Fatalf("AT_PHDR %#x unreadable: %v", img.Phdr, e)
	}
	if binary.LittleEndian.Uint32(b[:]) != abi.PT_LOAD || binary.LittleEndian.Uint64(b[16:]) != 0x400000 {
		t.Errorf("AT_PHDR contents % x", b)
	}
}

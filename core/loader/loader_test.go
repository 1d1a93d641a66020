package loader

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/blink-go/blink/core/abi"
	"github.com/blink-go/blink/core/mem"
)

const top = 0x7ffffffff000 // Virtual mode Limit(): TASK_SIZE

func TestStaticELF(t *testing.T) {
	s := newSpace(t)
	fs := memFS{"/prog": okELF().bytes()}
	p := params(s, fs.open, "/prog", []string{"prog", "a1"}, []string{"K=V"})
	p.HWCap, p.UID, p.EUID, p.GID, p.EGID = 0x178bfbff, 1, 2, 3, 4
	img := mustLoad(t, p)
	if img.Entry != 0x4001f0 || img.Base != 0 || img.Phdr != 0x400040 || img.Kind != KindELF {
		t.Errorf("entry %#x base %#x phdr %#x kind %v", img.Entry, img.Base, img.Phdr, img.Kind)
	}
	if img.Brk != 0x603000 {
		t.Errorf("brk %#x, want 0x603000", img.Brk)
	}
	if img.SP%16 != 0 {
		t.Errorf("sp %#x not 16-byte aligned", img.SP)
	}
	var b [0x20]byte
	if e := s.CopyIn(0x601000, b[:]); e != 0 {
		t.Fatal(e)
	}
	if want := append([]byte("0123456789abcdef"), make([]byte, 16)...); !bytes.Equal(b[:], want) {
		t.Errorf("data+bss = %q, want the 16 data bytes then zeros (padzero)", b)
	}
	// The read-only text segment maps whole file pages: the bytes after
	// p_filesz are the file's, as on Linux.
	if e := s.CopyIn(0x4001f0, b[:9]); e != 0 || !bytes.Equal(b[:9], exitCode) {
		t.Errorf("code = %x (%v)", b[:9], e)
	}
	var m [1]byte
	if s.CopyIn(0x602fff, m[:]) != 0 || s.CopyIn(0x603000, m[:]) == 0 {
		t.Errorf(".bss should end exactly at 0x603000")
	}
	maps := s.Mappings()
	wantProt := map[uint64]int{0x400000: mem.ProtRead | mem.ProtExec, 0x601000: mem.ProtRead | mem.ProtWrite,
		0x602000: mem.ProtRead | mem.ProtWrite, top - stackSize: mem.ProtRead | mem.ProtWrite}
	for _, mp := range maps {
		for a, prot := range wantProt {
			if mp.Start <= a && a < mp.End && mp.Prot != prot {
				t.Errorf("mapping %#x-%#x prot %d, want %d", mp.Start, mp.End, mp.Prot, prot)
			}
		}
	}
	g := readStack(t, s, img.SP)
	if !reflect.DeepEqual(g.argv, []string{"prog", "a1"}) || !reflect.DeepEqual(g.envp, []string{"K=V"}) {
		t.Errorf("argv %q envp %q", g.argv, g.envp)
	}
	wantKeys := []uint64{abi.AT_MINSIGSTKSZ, abi.AT_HWCAP, abi.AT_PAGESZ, abi.AT_CLKTCK, abi.AT_PHDR,
		abi.AT_PHENT, abi.AT_PHNUM, abi.AT_BASE, abi.AT_FLAGS, abi.AT_ENTRY, abi.AT_UID, abi.AT_EUID,
		abi.AT_GID, abi.AT_EGID, abi.AT_SECURE, abi.AT_RANDOM, abi.AT_HWCAP2, abi.AT_EXECFN,
		abi.AT_PLATFORM, abi.AT_NULL}
	var keys []uint64
	for _, kv := range g.auxv {
		keys = append(keys, kv[0])
	}
	if !reflect.DeepEqual(keys, wantKeys) {
		t.Errorf("auxv keys %v, want %v", keys, wantKeys)
	}
	want := map[uint64]uint64{abi.AT_HWCAP: 0x178bfbff, abi.AT_PAGESZ: 4096, abi.AT_CLKTCK: 100,
		abi.AT_PHDR: 0x400040, abi.AT_PHENT: 56, abi.AT_PHNUM: 3, abi.AT_BASE: 0, abi.AT_ENTRY: 0x4001f0,
		abi.AT_UID: 1, abi.AT_EUID: 2, abi.AT_GID: 3, abi.AT_EGID: 4, abi.AT_SECURE: 0, abi.AT_MINSIGSTKSZ: 2048}
	for k, v := range want {
		if got, _ := g.aux(k); got != v {
			t.Errorf("auxv[%d] = %#x, want %#x", k, got, v)
		}
	}
	// Byte-exact layout of the string area and everything above RSP, as
	// create_elf_tables leaves it (checked against the real kernel in
	// TestNativeStackExact).
	execfn := uint64(top-8) - uint64(len("/prog\x00"))
	if v, _ := g.aux(abi.AT_EXECFN); v != execfn {
		t.Errorf("AT_EXECFN %#x, want %#x", v, execfn)
	}
	strs := uint64(execfn - uint64(len("prog\x00a1\x00K=V\x00")))
	if img.ArgStart != strs || img.EnvStart != strs+8 || img.EnvEnd != execfn {
		t.Errorf("arg/env areas %#x %#x %#x", img.ArgStart, img.EnvStart, img.EnvEnd)
	}
	plat := strs&^15 - 7
	if v, _ := g.aux(abi.AT_PLATFORM); v != plat {
		t.Errorf("AT_PLATFORM %#x, want %#x", v, plat)
	}
	if v, _ := g.aux(abi.AT_RANDOM); v != plat-16 {
		t.Errorf("AT_RANDOM %#x, want %#x", v, plat-16)
	}
	raw := make([]byte, top-img.SP)
	if e := s.CopyIn(img.SP, raw); e != 0 {
		t.Fatal(e)
	}
	tail := raw[plat-16-img.SP:]
	wantTail := "\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f\x10x86_64\x00"
	wantTail += strings.Repeat("\x00", int(strs-(plat+7))) + "prog\x00a1\x00K=V\x00/prog\x00" + strings.Repeat("\x00", 8)
	if string(tail) != wantTail {
		t.Errorf("stack strings:\n got %q\nwant %q", tail, wantTail)
	}
	items := 1 + 3 + 2 + 2*len(g.auxv)
	if img.SP != (plat-16-uint64(items)*8)&^15 {
		t.Errorf("sp %#x, want %#x", img.SP, (plat-16-uint64(items)*8)&^15)
	}
}

func TestEmptyArgvGetsEmptyString(t *testing.T) {
	s := newSpace(t)
	fs := memFS{"/prog": okELF().bytes()}
	img := mustLoad(t, params(s, fs.open, "/prog", nil, nil))
	g := readStack(t, s, img.SP)
	if !reflect.DeepEqual(g.argv, []string{""}) {
		t.Errorf("argv %q, want [\"\"] (Linux 5.18+)", g.argv)
	}
}

func TestScripts(t *testing.T) {
	elf := okELF().bytes()
	for _, tc := range []struct {
		name, script string
		argv         []string
		want         []string
		errno        abi.Errno
	}{
		{"plain", "#!/bin/i\n", []string{"s", "x"}, []string{"/bin/i", "/s", "x"}, 0},
		{"arg", "#! /bin/i  -a -b \t\nrest", []string{"s"}, []string{"/bin/i", "-a -b", "/s"}, 0},
		{"tab", "#!\t/bin/i\t-x\n", []string{"s"}, []string{"/bin/i", "-x", "/s"}, 0},
		{"trailing space", "#!/bin/i \n", []string{"s"}, []string{"/bin/i", "/s"}, 0},
		{"no newline", "#!/bin/i -q", []string{"s"}, []string{"/bin/i", "-q", "/s"}, 0},
		{"nul ends name", "#!/bin/i\x00junk -z\n", []string{"s"}, []string{"/bin/i", "/s"}, 0},
		{"nul in arg", "#!/bin/i a\x00b\n", []string{"s"}, []string{"/bin/i", "a", "/s"}, 0},
		{"empty", "#!\n", nil, nil, abi.ENOEXEC},
		{"spaces", "#!    \n", nil, nil, abi.ENOEXEC},
		{"missing interp", "#!/nope\n", nil, nil, abi.ENOENT},
		{"truncated name", "#!/" + strings.Repeat("x", 300), nil, nil, abi.ENOEXEC},
		{"truncated arg ok", "#!/bin/i " + strings.Repeat("y", 300), []string{"s"},
			[]string{"/bin/i", strings.Repeat("y", 256-2-len("/bin/i ")-1), "/s"}, 0},
		{"argv0 dropped", "#!/bin/i\n", []string{"zero", "one"}, []string{"/bin/i", "/s", "one"}, 0},
		{"empty argv", "#!/bin/i\n", nil, []string{"/bin/i", "/s"}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newSpace(t)
			fs := memFS{"/s": []byte(tc.script), "/bin/i": elf}
			img, err := Load(params(s, fs.open, "/s", tc.argv, nil))
			if got := errnoOf(t, err); got != tc.errno {
				t.Fatalf("errno %v, want %v (%v)", got, tc.errno, err)
			}
			if err != nil {
				return
			}
			g := readStack(t, s, img.SP)
			if !reflect.DeepEqual(g.argv, tc.want) {
				t.Errorf("argv %q, want %q", g.argv, tc.want)
			}
			if v, _ := g.aux(abi.AT_EXECFN); v != top-8-3 {
				t.Errorf("AT_EXECFN should name the script")
			}
			if img.ExecPath != "/bin/i" || img.Scripts != 1 {
				t.Errorf("ExecPath %q Scripts %d", img.ExecPath, img.Scripts)
			}
		})
	}
}

func TestScriptRecursion(t *testing.T) {
	elf := okELF().bytes()
	// s0 -> s1 -> ... -> sN -> /bin/elf. Linux allows 5 rewrites.
	for n := 1; n <= 7; n++ {
		fs := memFS{"/bin/elf": elf}
		for i := 0; i < n; i++ {
			next := "/bin/elf"
			if i+1 < n {
				next = "/s" + string(rune('0'+i+1))
			}
			fs["/s"+string(rune('0'+i))] = []byte("#!" + next + "\n")
		}
		_, err := Load(params(newSpace(t), fs.open, "/s0", []string{"s0"}, nil))
		want := abi.Errno(0)
		if n > maxRewrites {
			want = abi.ELOOP
		}
		if got := errnoOf(t, err); got != want {
			t.Errorf("%d scripts: errno %v, want %v (%v)", n, got, want, err)
		}
	}
}

func TestFlat(t *testing.T) {
	s := newSpace(t)
	code := append(append([]byte(nil), exitCode...), 0xcc)
	fs := memFS{"/x.bin": code}
	img := mustLoad(t, params(s, fs.open, "/x.bin", []string{"x"}, nil))
	if img.Entry != 0x400000 || img.Kind != KindFlat || !img.ExecStack {
		t.Errorf("entry %#x kind %v execstack %v", img.Entry, img.Kind, img.ExecStack)
	}
	var b [16]byte
	if e := s.CopyIn(0x400000, b[:]); e != 0 || !bytes.Equal(b[:10], code) || b[10] != 0 {
		t.Errorf("flat image %x (%v)", b, e)
	}
	end := uint64(0x400000 + 0x1000 + 16<<20)
	var one [1]byte
	if s.CopyOut(end-1, one[:]) != 0 || s.CopyIn(end, one[:]) == 0 || img.Brk != end {
		t.Errorf("flat bss should be 16 MiB after the code, writable, brk %#x", img.Brk)
	}
	if _, err := Load(params(newSpace(t), memFS{"/e.bin": nil}.open, "/e.bin", nil, nil)); errnoOf(t, err) != abi.ENOEXEC {
		t.Errorf("empty flat: %v", err)
	}
}

// octal renders b the way APE's prologue writes its ELF header.
func octal(b []byte) string {
	var sb strings.Builder
	for _, c := range b {
		sb.WriteString("\\")
		sb.WriteString(strings.TrimLeft(string([]byte{'0' + c>>6, '0' + c>>3&7, '0' + c&7}), "0"))
		if c == 0 {
			sb.WriteString("0")
		}
	}
	return sb.String()
}

func TestAPE(t *testing.T) {
	// The file starts with the shell prologue; the ELF header lives only
	// in a printf statement; program headers and code are at the offsets
	// that header gives, past the prologue.
	e := okELF()
	copy(e.body[0x1f0:], make([]byte, len(exitCode)))
	copy(e.body[0xf00:], exitCode)
	e.entry, e.phoff, e.ph[0].filesz, e.ph[0].memsz = 0x400f00, 0xe00, 0x1000, 0x1000
	real := e.bytes()
	for _, magic := range []string{"MZqFpD='", "jartsr='"} {
		file := append([]byte(nil), real...)
		prologue := magic + "\n\n'\nprintf 'not the header' >&2\nprintf '" + octal(real[:64]) + "' >&7\nexit 1\n"
		copy(file, prologue)
		s := newSpace(t)
		img := mustLoad(t, params(s, memFS{"/a.com": file}.open, "/a.com", []string{"a"}, nil))
		if img.Kind != KindAPE || img.Entry != 0x400f00 || img.Phdr != 0x400e00 {
			t.Errorf("%s: kind %v entry %#x phdr %#x", magic, img.Kind, img.Entry, img.Phdr)
		}
		var b [8]byte
		if s.CopyIn(0x400000, b[:]) != 0 || string(b[:]) != magic {
			t.Errorf("%s: the guest should see the file as is at 0x400000: %q", magic, b)
		}
		bad := append([]byte(nil), file...)
		clear(bad[:0x400])
		copy(bad, magic+"\n\n'\nprintf '\\177ELF\\2' >&7\n")
		if _, err := Load(params(newSpace(t), memFS{"/a.com": bad}.open, "/a.com", nil, nil)); errnoOf(t, err) != abi.ENOEXEC {
			t.Errorf("short APE header: %v", err)
		}
	}
}

func TestNotExecutable(t *testing.T) {
	for _, tc := range []struct {
		name string
		data []byte
		msg  string
	}{
		{"empty", nil, "empty file"},
		{"text", []byte("hello world"), "unknown format"},
		{"mz", []byte("MZ\x90\x00"), "MZ"},
		{"aarch64", func() []byte { e := okELF(); e.machine = abi.EM_AARCH64; return e.bytes() }(), "ELF for aarch64"},
		{"i386", func() []byte { e := okELF(); e.ident[4] = 1; e.machine = abi.EM_386; return e.bytes() }(), "32-bit ELF for i386"},
		{"object", func() []byte { e := okELF(); e.typ = abi.ET_REL; return e.bytes() }(), "relocatable"},
	} {
		_, err := Load(params(newSpace(t), memFS{"/f": tc.data}.open, "/f", nil, nil))
		if errnoOf(t, err) != abi.ENOEXEC || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("%s: %v, want ENOEXEC mentioning %q", tc.name, err, tc.msg)
		}
		if !errors.Is(err, abi.ENOEXEC) {
			t.Errorf("%s: errors.Is(err, ENOEXEC) false", tc.name)
		}
	}
	if _, err := Load(params(newSpace(t), memFS{}.open, "/missing", nil, nil)); errnoOf(t, err) != abi.ENOENT {
		t.Errorf("missing file: %v", err)
	}
}

func TestE2BIG(t *testing.T) {
	fs := memFS{"/prog": okELF().bytes()}
	long := strings.Repeat("x", maxArgStrlen-1)
	if _, err := Load(params(newSpace(t), fs.open, "/prog", []string{long}, nil)); err != nil {
		t.Errorf("a %d-byte string is allowed: %v", maxArgStrlen, err)
	}
	if _, err := Load(params(newSpace(t), fs.open, "/prog", []string{long + "x"}, nil)); errnoOf(t, err) != abi.E2BIG {
		t.Errorf("MAX_ARG_STRLEN exceeded: %v", err)
	}
	// The total: strings plus one pointer per string may use MaxArgBytes.
	p := params(newSpace(t), fs.open, "/prog", []string{"p"}, []string{"A=" + strings.Repeat("y", 100)})
	p.MaxArgBytes = 16 + uint64(len("/prog\x00p\x00")+len(p.Envp[0])+1)
	if _, err := Load(p); err != nil {
		t.Errorf("exactly at the limit: %v", err)
	}
	p.Space = newSpace(t)
	p.MaxArgBytes--
	if _, err := Load(p); errnoOf(t, err) != abi.E2BIG {
		t.Errorf("one byte over the limit: %v", err)
	}
}

func TestLinearMode(t *testing.T) {
	s, err := mem.New(mem.Options{Mode: mem.Linear, Reserve: 1 << 36})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.Mode() != mem.Linear {
		t.Skipf("no linear mode here: %s", s.FallbackReason())
	}
	const dir = "/d"
	fs := memFS{}
	for n, b := range withInterp("interp", dynInterp(), func(e *testELF, _ string) {
		e.typ = abi.ET_DYN
		e.entry = 0x1f0
		e.ph[0].vaddr = 0
		e.ph[1].vaddr = 0x201000
	})(dir) {
		fs[dir+"/"+n] = b
	}
	img := mustLoad(t, params(s, fs.open, dir+"/prog", []string{"prog"}, []string{"A=B"}))
	lim := s.Limit()
	if img.StackTop != lim || img.Entry != img.Base+0x1f0 || img.Base >= lim-mmapGap || img.Phdr != (lim/3*2)&^0xfff+0x40 {
		t.Errorf("limit %#x: top %#x entry %#x base %#x phdr %#x", lim, img.StackTop, img.Entry, img.Base, img.Phdr)
	}
	g := readStack(t, s, img.SP)
	if !reflect.DeepEqual(g.envp, []string{"A=B"}) {
		t.Errorf("envp %q", g.envp)
	}
}

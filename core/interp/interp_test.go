package interp

import (
	"bytes"
	"testing"

	"github.com/blink-go/blink/core/abi"
	"github.com/blink-go/blink/core/mem"
	"github.com/blink-go/blink/core/x86"
)

const (
	dataBase  = 0x10000
	dataSize  = 0x10000
	stackTop  = dataBase + dataSize
	roPage    = 0x30000
	unmapped  = 0x50000
	bigBase   = 0x100000
	bigLength = 0x40000
)

func newMachine(t testing.TB) *x86.Machine {
	t.Helper()
	s, err := mem.New(mem.Options{Mode: mem.Virtual})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	fl := abi.MAP_PRIVATE | abi.MAP_ANONYMOUS | abi.MAP_FIXED
	for _, r := range []struct {
		a, n uint64
		prot int
	}{
		{dataBase, dataSize, mem.ProtRead | mem.ProtWrite},
		{roPage, 0x1000, mem.ProtRead},
		{bigBase, bigLength, mem.ProtRead | mem.ProtWrite},
	} {
		if _, e := s.Map(r.a, r.n, r.prot, fl, nil, 0); e != 0 {
			t.Fatal("map:", e)
		}
	}
	m := x86.NewMachine(s, nil, &x86.Config{HostOS: "Linux"})
	m.R[x86.RSP] = stackTop
	return m
}

// memInst returns an instruction whose memory operand is [Base + Disp].
func memInst(op uint16, sz uint8, base uint8, disp int64) x86.Inst {
	return x86.Inst{Op: op, Mod: 0, OpSize: sz, AddrSize: 8, Base: base, Index: x86.RegNone, Disp: disp, Pfx: x86.PfxModRM}
}

func regInst(op uint16, sz uint8, reg, rm uint8) x86.Inst {
	return x86.Inst{Op: op, Mod: 3, OpSize: sz, AddrSize: 8, Reg: reg, RM: rm, Base: x86.RegNone, Index: x86.RegNone, Pfx: x86.PfxModRM}
}

func exec(m *x86.Machine, in x86.Inst) {
	Bind(&in)
	in.Exec(m, &in)
}

// raises runs fn and returns the exception vector (or -1, or -2 for a
// memory fault).
func raises(fn func()) (v int) {
	defer func() {
		switch e := recover().(type) {
		case nil:
		case *x86.Exception:
			v = int(e.Vector)
		case *mem.Fault:
			v = -2
		default:
			panic(e)
		}
	}()
	fn()
	return -1
}

// TestMemFormsMatchRegForms: every ALU/shift/mul memory form must compute
// what the host-verified register form computes.
func TestMemFormsMatchRegForms(t *testing.T) {
	m := newMachine(t)
	vals := []uint64{0, 1, 0x7f, 0x80, 0xffff, 0x80000000, 0xffffffffffffffff, 0x123456789abcdef0}
	ops := []uint16{0x01, 0x09, 0x11, 0x19, 0x21, 0x29, 0x31, 0x39, 0x85, 0x87, 0x1A3, 0x1AB, 0x1B3, 0x1BB, 0x1C1, 0x1B1}
	for _, op := range ops {
		for _, sz := range []uint8{2, 4, 8} {
			for _, a := range vals {
				for _, b := range vals {
					for _, lock := range []bool{false, true} {
						if lock && (op == 0x39 || op == 0x85 || op == 0x1A3) {
							continue
						}
						ri := regInst(op, sz, 0, 1)
						r := x86.NewMachine(nil, nil, nil)
						r.R[0], r.R[1] = b, a
						r.SetFlags(0x203)
						exec(r, ri)
						mi := memInst(op, sz, x86.RBX, 8)
						if lock {
							mi.Pfx |= x86.PfxLock
						}
						m.R[0], m.R[x86.RBX] = b, dataBase
						m.Mem.Write64(dataBase+8, a)
						m.SetFlags(0x203)
						if op >= 0x1A3 && op <= 0x1BB {
							r.R[0] &= uint64(sz)*8 - 1 // in-word offset for bit-test comparison
							m.R[0] = r.R[0]
							r.R[1] = a
							r.SetFlags(0x203)
							exec(r, regInst(op, sz, 0, 1))
						}
						exec(m, mi)
						got := m.Mem.Read64(dataBase + 8)
						want := r.R[1]
						if sz < 8 {
							mask := uint64(1)<<(8*sz) - 1
							want = a&^mask | want&mask
						}
						if got != want || m.R[0] != r.R[0] || m.GetFlags() != r.GetFlags() {
							t.Fatalf("op %x size %d lock %v a %x b %x: mem %x rax %x fl %x; reg %x rax %x fl %x",
								op, sz, lock, a, b, got, m.R[0], m.GetFlags(), want, r.R[0], r.GetFlags())
						}
					}
				}
			}
		}
	}
}

func TestBitStringAddressing(t *testing.T) {
	m := newMachine(t)
	m.Mem.Write64(dataBase+0x100, 0)
	m.R[x86.RBX] = dataBase + 0x108
	m.R[0] = ^uint64(63) + 5 // -59: 8 bytes back (one qword), bit 5
	exec(m, memInst(0x1AB, 8, x86.RBX, 0))
	if v := m.Mem.Read64(dataBase + 0x100); v != 1<<5 {
		t.Fatalf("bts negative offset: %x", v)
	}
	m.R[0] = 64*2 + 3
	exec(m, memInst(0x1AB, 4, x86.RBX, 0)) // 32-bit: word index 4, bit 3
	if v := m.Mem.Read32(dataBase + 0x108 + 16); v != 8 {
		t.Fatalf("bts 32-bit offset: %x", v)
	}
}

func TestStack(t *testing.T) {
	m := newMachine(t)
	m.R[x86.RSP] = stackTop
	exec(m, x86.Inst{Op: 0x54, RM: x86.RSP, OpSize: 8, AddrSize: 8}) // push rsp
	if v := m.Mem.Read64(stackTop - 8); v != stackTop || m.R[x86.RSP] != stackTop-8 {
		t.Fatalf("push rsp stored %x rsp %x", v, m.R[x86.RSP])
	}
	exec(m, x86.Inst{Op: 0x5C, RM: x86.RSP, OpSize: 8, AddrSize: 8}) // pop rsp
	if m.R[x86.RSP] != stackTop {
		t.Fatalf("pop rsp: %x", m.R[x86.RSP])
	}
	exec(m, x86.Inst{Op: 0x6A, Imm: -2, OpSize: 8, AddrSize: 8})
	exec(m, x86.Inst{Op: 0x68, Imm: 0x1234, OpSize: 2, AddrSize: 8})
	if m.R[x86.RSP] != stackTop-10 || m.Mem.Read16(stackTop-10) != 0x1234 || m.Mem.Read64(stackTop-8) != ^uint64(1) {
		t.Fatalf("push imm: rsp %x", m.R[x86.RSP])
	}
	// pop [rsp]: the address uses the incremented RSP.
	m.R[x86.RSP] = stackTop - 16
	m.Mem.Write64(stackTop-16, 0xabc)
	exec(m, memInst(0x18F, 8, x86.RSP, 0))
	in := memInst(0x8F, 8, x86.RSP, 0)
	exec(m, in)
	if m.Mem.Read64(stackTop-8) != 0xabc || m.R[x86.RSP] != stackTop-8 {
		t.Fatalf("pop [rsp]: %x rsp %x", m.Mem.Read64(stackTop-8), m.R[x86.RSP])
	}
	// A faulting pop leaves RSP alone.
	m.R[x86.RSP] = stackTop - 16
	if raises(func() { exec(m, memInst(0x8F, 8, x86.RegNone, roPage)) }) != -2 || m.R[x86.RSP] != stackTop-16 {
		t.Fatalf("pop to read-only memory: rsp %x", m.R[x86.RSP])
	}
	// call/ret, enter/leave
	m.R[x86.RSP], m.RIP = stackTop, 0x1000
	exec(m, x86.Inst{Op: 0xE8, Imm: 0x20, OpSize: 8, AddrSize: 8})
	if m.RIP != 0x1020 || m.Mem.Read64(stackTop-8) != 0x1000 {
		t.Fatalf("call: rip %x", m.RIP)
	}
	exec(m, x86.Inst{Op: 0xC2, Imm: 16, OpSize: 8, AddrSize: 8})
	if m.RIP != 0x1000 || m.R[x86.RSP] != stackTop+16 {
		t.Fatalf("ret 16: rip %x rsp %x", m.RIP, m.R[x86.RSP])
	}
	m.R[x86.RSP], m.R[x86.RBP] = stackTop, 0x5555
	exec(m, x86.Inst{Op: 0xC8, Imm: 32, Imm2: 0, OpSize: 8, AddrSize: 8})
	if m.R[x86.RBP] != stackTop-8 || m.R[x86.RSP] != stackTop-8-32 {
		t.Fatalf("enter: rbp %x rsp %x", m.R[x86.RBP], m.R[x86.RSP])
	}
	exec(m, x86.Inst{Op: 0xC9, OpSize: 8, AddrSize: 8})
	if m.R[x86.RBP] != 0x5555 || m.R[x86.RSP] != stackTop {
		t.Fatalf("leave: rbp %x rsp %x", m.R[x86.RBP], m.R[x86.RSP])
	}
	// pushf/popf: user mode cannot change IF or IOPL.
	m.SetFlags(x86.FlagIF | x86.FlagCF)
	m.R[x86.RSP] = stackTop - 8
	m.Mem.Write64(stackTop-8, 0x3000|x86.FlagZF|x86.FlagDF)
	exec(m, x86.Inst{Op: 0x9D, OpSize: 8, AddrSize: 8})
	if f := m.GetFlags(); f != x86.FlagIF|x86.FlagZF|x86.FlagDF|2 {
		t.Fatalf("popf: %x", f)
	}
}

func TestDivideErrors(t *testing.T) {
	m := x86.NewMachine(nil, nil, nil)
	m.R[0], m.R[2], m.R[1] = 5, 0, 0
	if v := raises(func() { exec(m, regInst(0xF7, 8, 6, 1)) }); v != x86.ExDE {
		t.Fatalf("div by zero: %d", v)
	}
	m.R[0], m.R[2], m.R[1] = 0, 1, 1
	if v := raises(func() { exec(m, regInst(0xF7, 8, 6, 1)) }); v != x86.ExDE {
		t.Fatalf("div overflow: %d", v)
	}
	m.R[0], m.R[2], m.R[1] = 1<<63, ^uint64(0), ^uint64(0) // INT64_MIN / -1
	if v := raises(func() { exec(m, regInst(0xF7, 8, 7, 1)) }); v != x86.ExDE {
		t.Fatalf("idiv overflow: %d", v)
	}
	m.R[0], m.R[2], m.R[1] = 0x80000000, 0xffffffff, 0xffffffff
	if v := raises(func() { exec(m, regInst(0xF7, 4, 7, 1)) }); v != x86.ExDE {
		t.Fatalf("idiv32 overflow: %d", v)
	}
	m.R[0], m.R[2], m.R[1] = 1<<63, ^uint64(0), 2 // INT64_MIN / 2 fits
	exec(m, regInst(0xF7, 8, 7, 1))
	if m.R[0] != 0xc000000000000000 || m.R[2] != 0 {
		t.Fatalf("idiv: q %x r %x", m.R[0], m.R[2])
	}
}

func TestStrings(t *testing.T) {
	m := newMachine(t)
	src := make([]byte, 10000)
	for i := range src {
		src[i] = byte(i * 7)
	}
	m.Mem.Store(bigBase, src)
	str := func(op uint16, sz uint8, pfx uint16) x86.Inst {
		return x86.Inst{Op: op, OpSize: sz, AddrSize: 8, Pfx: pfx, Base: x86.RegNone, Index: x86.RegNone}
	}
	// rep movsb, non-overlapping bulk path
	m.R[x86.RSI], m.R[x86.RDI], m.R[x86.RCX] = bigBase, bigBase+0x10000, uint64(len(src))
	exec(m, str(0xA4, 1, x86.PfxRep))
	got := make([]byte, len(src))
	m.Mem.Load(bigBase+0x10000, got)
	if !bytes.Equal(got, src) || m.R[x86.RCX] != 0 || m.R[x86.RSI] != bigBase+uint64(len(src)) {
		t.Fatalf("rep movsb: rcx %x rsi %x", m.R[x86.RCX], m.R[x86.RSI])
	}
	// overlapping forward copy replicates the pattern, as byte-by-byte does
	m.Mem.Store(bigBase+0x20000, []byte{1, 2, 3})
	m.R[x86.RSI], m.R[x86.RDI], m.R[x86.RCX] = bigBase+0x20000, bigBase+0x20003, 30
	exec(m, str(0xA4, 1, x86.PfxRep))
	got = make([]byte, 33)
	m.Mem.Load(bigBase+0x20000, got)
	for i := range got {
		if got[i] != byte(i%3+1) {
			t.Fatalf("overlapping rep movsb: % x", got)
		}
	}
	// rep movsq with DF=1
	m.SetFlags(x86.FlagDF)
	m.R[x86.RSI], m.R[x86.RDI], m.R[x86.RCX] = bigBase+8, bigBase+0x30008, 2
	exec(m, str(0xA5, 8, x86.PfxRep))
	if m.Mem.Read64(bigBase+0x30000) != m.Mem.Read64(bigBase) || m.R[x86.RDI] != bigBase+0x30000-8 {
		t.Fatalf("std; rep movsq: rdi %x", m.R[x86.RDI])
	}
	m.SetFlags(0)
	// rep stosd
	m.R[0], m.R[x86.RDI], m.R[x86.RCX] = 0xdeadbeef, bigBase+0x30000, 3000
	exec(m, str(0xAB, 4, x86.PfxRep))
	if m.Mem.Read32(bigBase+0x30000+4*2999) != 0xdeadbeef || m.Mem.Read32(bigBase+0x30000+4*3000) == 0xdeadbeef || m.R[x86.RCX] != 0 {
		t.Fatal("rep stosd")
	}
	// repne scasb finds a byte
	m.Mem.Store(bigBase, []byte("hello\x00world"))
	m.R[0], m.R[x86.RDI], m.R[x86.RCX] = 0, bigBase, ^uint64(0)
	exec(m, str(0xAE, 1, x86.PfxRepne))
	if m.R[x86.RDI] != bigBase+6 || ^m.R[x86.RCX]-1 != 5 {
		t.Fatalf("repne scasb: rdi %x rcx %x", m.R[x86.RDI], m.R[x86.RCX])
	}
	// repe cmpsb stops at the first difference
	m.Mem.Store(bigBase+0x100, []byte("hellO"))
	m.R[x86.RSI], m.R[x86.RDI], m.R[x86.RCX] = bigBase, bigBase+0x100, 5
	exec(m, str(0xA6, 1, x86.PfxRep))
	if m.R[x86.RCX] != 0 || m.Fl.ZF() || !m.Fl.Cond(7) /* 'o' > 'O': above */ {
		t.Fatalf("repe cmpsb: rcx %d zf %v", m.R[x86.RCX], m.Fl.ZF())
	}
	// rep movsb into an unmapped page faults with RCX/RSI/RDI at the
	// first uncopied chunk, so the restarted instruction finishes the job.
	m.R[x86.RSI], m.R[x86.RDI], m.R[x86.RCX] = bigBase, bigBase+bigLength-100, 300
	if v := raises(func() { exec(m, str(0xA4, 1, x86.PfxRep)) }); v != -2 {
		t.Fatalf("rep movsb past the end: %d", v)
	}
	if done := 300 - m.R[x86.RCX]; m.R[x86.RDI] != bigBase+bigLength-100+done || done > 100 {
		t.Fatalf("restart state: rcx %d rdi %x", m.R[x86.RCX], m.R[x86.RDI])
	}
}

func TestCmovZeroExtends(t *testing.T) {
	m := x86.NewMachine(nil, nil, nil)
	m.R[0], m.R[1] = 0xffffffff00000001, 2
	m.SetFlags(0) // ZF = 0: cmove not taken
	exec(m, regInst(0x144, 4, 0, 1))
	if m.R[0] != 1 {
		t.Fatalf("cmove r32 not taken: %x", m.R[0])
	}
	m.R[0] = 0xffffffff00000001
	exec(m, regInst(0x144, 2, 0, 1))
	if m.R[0] != 0xffffffff00000001 {
		t.Fatalf("cmove r16 not taken: %x", m.R[0])
	}
}

func TestCmpxchg16b(t *testing.T) {
	m := newMachine(t)
	m.Mem.Write128(dataBase+0x40, 1, 2)
	m.R[x86.RAX], m.R[x86.RDX], m.R[x86.RBX], m.R[x86.RCX] = 1, 2, 3, 4
	in := memInst(0x1C7, 8, x86.RegNone, dataBase+0x40)
	in.Reg = 1
	in.Pfx |= x86.PfxLock
	exec(m, in)
	if lo, hi := m.Mem.Read128(dataBase + 0x40); lo != 3 || hi != 4 || !m.Fl.ZF() {
		t.Fatalf("cmpxchg16b: %x %x", lo, hi)
	}
	exec(m, in)
	if m.Fl.ZF() || m.R[x86.RAX] != 3 || m.R[x86.RDX] != 4 {
		t.Fatalf("cmpxchg16b fail path: rax %x rdx %x", m.R[x86.RAX], m.R[x86.RDX])
	}
	in.Disp += 8
	if v := raises(func() { exec(m, in) }); v != x86.ExGP {
		t.Fatalf("misaligned cmpxchg16b: %d", v)
	}
}

func TestUndefinedAndPrivileged(t *testing.T) {
	m := x86.NewMachine(nil, nil, nil)
	for _, c := range []struct {
		in   x86.Inst
		want int
	}{
		{x86.Inst{Op: 0x10B}, x86.ExUD},                                  // UD2
		{x86.Inst{Op: 0xCC}, x86.ExBP},                                   // INT3
		{x86.Inst{Op: 0xCD, Imm: 0x80}, x86.ExGP},                        // INT 80
		{x86.Inst{Op: 0xF4}, x86.ExGP},                                   // HLT
		{x86.Inst{Op: 0x1AE, Mod: 3, Reg: 0, Pfx: x86.PfxRep}, x86.ExUD}, // RDFSBASE
		{regInst(0x01, 8, 0, 1), -1},
		{x86.Inst{Op: 0x01, Mod: 3, Pfx: x86.PfxLock}, x86.ExUD}, // LOCK on a register destination
	} {
		if v := raises(func() { exec(m, c.in) }); v != c.want {
			t.Errorf("op %x: got %d want %d", c.in.Op, v, c.want)
		}
	}
}

func TestCPUID(t *testing.T) {
	m := x86.NewMachine(nil, nil, &x86.Config{HostOS: "Linux", DecodeCache: true})
	q := func(leaf uint32) (a, b, c, d uint32) {
		m.R[0], m.R[1] = uint64(leaf), 0
		exec(m, x86.Inst{Op: 0x1A2})
		return uint32(m.R[0]), uint32(m.R[3]), uint32(m.R[1]), uint32(m.R[2])
	}
	str := func(v ...uint32) string {
		var b []byte
		for _, x := range v {
			b = append(b, byte(x), byte(x>>8), byte(x>>16), byte(x>>24))
		}
		return string(bytes.TrimRight(b, "\x00"))
	}
	if _, b, c, d := q(0); str(b, d, c) != "GenuineIntel" {
		t.Errorf("vendor %q", str(b, d, c))
	}
	if _, b, c, d := q(0x40000000); str(b, c, d) != "GenuineBlink" {
		t.Errorf("hypervisor %q", str(b, c, d))
	}
	if _, b, c, d := q(0x40031337); str(b, c, d) != "Linux" {
		t.Errorf("host os %q", str(b, c, d))
	}
	if _, _, c, d := q(1); c>>31 != 1 || d&(1<<26) == 0 || c&(1<<27) != 0 || HWCap() != d {
		t.Errorf("leaf 1: ecx %x edx %x", c, d)
	}
	if _, _, c, _ := q(0x80000001); c>>31 != 1 || c&1 == 0 {
		t.Errorf("leaf 80000001: ecx %x", c)
	}
}

func BenchmarkAddJcc(b *testing.B) {
	m := x86.NewMachine(nil, nil, nil)
	add := regInst(0x01, 8, 1, 0)
	cmp := regInst(0x39, 8, 2, 0)
	jl := x86.Inst{Op: 0x7C, Imm: 0, OpSize: 8}
	for _, in := range []*x86.Inst{&add, &cmp, &jl} {
		Bind(in)
	}
	m.R[1], m.R[2] = 3, 1<<40
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		add.Exec(m, &add)
		cmp.Exec(m, &cmp)
		jl.Exec(m, &jl)
	}
}

func BenchmarkIncJz(b *testing.B) {
	m := x86.NewMachine(nil, nil, nil)
	inc := regInst(0xFF, 4, 0, 0)
	jz := x86.Inst{Op: 0x74, OpSize: 8}
	adc := regInst(0x11, 4, 1, 2)
	for _, in := range []*x86.Inst{&inc, &jz, &adc} {
		Bind(in)
	}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		inc.Exec(m, &inc)
		jz.Exec(m, &jz)
		adc.Exec(m, &adc)
	}
}

func BenchmarkLoadAddStore(b *testing.B) {
	m := newMachine(b)
	add := memInst(0x01, 8, x86.RBX, 0)
	Bind(&add)
	m.R[x86.RBX] = dataBase
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		add.Exec(m, &add)
	}
}

//go:build linux

package vec

import (
	"bytes"
	"fmt"
	"math/rand"
	"syscall"
	"testing"
	"unsafe"

	"github.com/blink-go/blink/core/abi"
	"github.com/blink-go/blink/core/mem"
	"github.com/blink-go/blink/core/vec/internal/hostfpu"
	"github.com/blink-go/blink/core/x86"
)

// Memory-operand forms against the host. A host page is mapped, and a
// Virtual-mode mem.Space maps a guest page at the same numeric address, so
// the same instruction bytes with the same RCX address the operand on
// both sides. Each case compares the FXSAVE images and the whole page.

type memEnv struct {
	host  []byte
	addr  uint64
	space *mem.Space
}

func newMemEnv(t *testing.T) *memEnv {
	t.Helper()
	p, err := syscall.Mmap(-1, 0, 4096, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_PRIVATE|syscall.MAP_ANON)
	if err != nil {
		t.Skip("mmap:", err)
	}
	t.Cleanup(func() { syscall.Munmap(p) })
	s, err := mem.New(mem.Options{Mode: mem.Virtual})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	a := uint64(uintptr(unsafe.Pointer(&p[0])))
	if _, e := s.Map(a, 4096, mem.ProtRead|mem.ProtWrite, abi.MAP_PRIVATE|abi.MAP_ANONYMOUS|abi.MAP_FIXED, nil, 0); e != 0 {
		t.Fatal("map:", e)
	}
	return &memEnv{host: p, addr: a, space: s}
}

// enc describes one instruction encoding for the generic encoder: an
// optional mandatory prefix, a map, an opcode, ModRM.reg and either a
// register r/m or a memory operand [RCX+disp8].
type enc struct {
	pfx  byte // 0, 0x66, 0xf3, 0xf2
	pfx2 byte // a second legacy prefix (66 with F2 for CRC32 r,r/m16), or 0
	mp   int  // x86.Map0F, Map0F38, Map0F3A, or Map1
	op   byte
	reg  uint8
	rm   uint8 // register form: r/m register
	mem  bool  // memory form [RCX+disp8]
	disp int8
	imm  int // -1: none
	w    bool
}

func (e enc) build() tcase {
	var c []byte
	var in x86.Inst
	for _, p := range []byte{e.pfx2, e.pfx} {
		switch p {
		case 0x66:
			in.Pfx |= x86.PfxOpsize
		case 0xf3:
			in.Pfx |= x86.PfxRep
		case 0xf2:
			in.Pfx |= x86.PfxRepne
		}
		if p != 0 {
			c = append(c, p)
		}
	}
	rex := byte(0)
	if e.w {
		rex |= 8
	}
	if e.reg >= 8 {
		rex |= 4
	}
	if !e.mem && e.rm >= 8 {
		rex |= 1
	}
	if rex != 0 {
		rex |= 0x40
		c = append(c, rex)
		in.Rex = rex
		in.Pfx |= x86.PfxRex
	}
	switch e.mp {
	case x86.Map0F:
		c = append(c, 0x0f)
	case x86.Map0F38:
		c = append(c, 0x0f, 0x38)
	case x86.Map0F3A:
		c = append(c, 0x0f, 0x3a)
	}
	c = append(c, e.op)
	in.Pfx |= x86.PfxModRM
	in.Base, in.Index = x86.RegNone, x86.RegNone
	in.Reg = e.reg
	if e.mem {
		c = append(c, 0x40|(e.reg&7)<<3|1, byte(e.disp))
		in.Mod, in.RM, in.Base, in.Disp = 1, 1, x86.RCX, int64(e.disp)
	} else {
		c = append(c, 0xc0|(e.reg&7)<<3|e.rm&7)
		in.Mod, in.RM = 3, e.rm
	}
	if e.imm >= 0 {
		c = append(c, byte(e.imm))
		in.Imm = int64(int8(e.imm))
	}
	in.Op = uint16(e.mp)<<8 | uint16(e.op)
	in.OpSize = 4
	if e.w {
		in.OpSize = 8
	} else if in.Pfx&x86.PfxOpsize != 0 && e.mp == x86.Map1 {
		in.OpSize = 2
	}
	in.AddrSize = 8
	in.Len = uint8(len(c))
	return tcase{c, in}
}

// runBoth runs tc on the host and on a copy of m (whose Mem is set to the
// environment's space) from page contents init; it returns a mismatch
// description or "". maskMem zeroes page bytes that are not modelled
// (FIP/FDP in FNSTENV images) before comparing.
func (env *memEnv) runBoth(tc tcase, m *x86.Machine, init []byte, maskMem func(b []byte)) string {
	copy(env.host, init)
	env.space.Store(env.addr, init)
	var hs hostfpu.State
	fxImage(m, hs.Img[:], true)
	hs.RAX, hs.RCX, hs.Flags, hs.RDX = m.R[x86.RAX], m.R[x86.RCX], m.GetFlags(), m.R[x86.RDX]
	want := hs
	hostfpu.Run(tc.code, &want)
	hostPage := append([]byte(nil), env.host...)

	em := *m
	em.Mem = env.space
	in := tc.in
	h := Bind(&in)
	if h == nil {
		return "Bind returned nil"
	}
	var exc any
	func() {
		defer func() { exc = recover() }()
		h(&em, &in)
	}()
	if exc != nil {
		return fmt.Sprintf("handler raised %v", exc)
	}
	var got hostfpu.State
	fxImage(&em, got.Img[:], true)
	got.RAX, got.RCX, got.Flags, got.RDX = em.R[x86.RAX], em.R[x86.RCX], em.GetFlags(), em.R[x86.RDX]
	emuPage := make([]byte, 4096)
	env.space.Load(env.addr, emuPage)
	for _, s := range []*hostfpu.State{&want, &got} {
		clear(s.Img[6:24])
	}
	if maskMem != nil {
		maskMem(hostPage)
		maskMem(emuPage)
	}
	const flMask = x86.FlagsArith
	if bytes.Equal(want.Img[:416], got.Img[:416]) && want.RAX == got.RAX && want.RCX == got.RCX && want.RDX == got.RDX &&
		want.Flags&flMask == got.Flags&flMask && bytes.Equal(hostPage, emuPage) {
		return ""
	}
	d := diffState(&hs, &want, &got)
	for i := range hostPage {
		if hostPage[i] != emuPage[i] {
			d += fmt.Sprintf("memory differs from page offset %#x: host % x, vec % x\n", i,
				hostPage[i:min(i+16, 4096)], emuPage[i:min(i+16, 4096)])
			break
		}
	}
	return d
}

// faults reports the exception vector the handler raises for tc, or -1.
func (env *memEnv) faults(tc tcase, m *x86.Machine) int {
	em := *m
	em.Mem = env.space
	in := tc.in
	h := Bind(&in)
	if h == nil {
		return -2
	}
	v := -1
	func() {
		defer func() {
			if e, ok := recover().(*x86.Exception); ok {
				v = int(e.Vector)
			}
		}()
		h(&em, &in)
	}()
	return v
}

// memForm is one memory-operand instruction form.
type memForm struct {
	name    string
	e       enc  // reg and imm are randomised where useful
	align16 bool // legacy SSE m128 operand: #GP unless 16-byte aligned
	imm     bool
	gprReg  bool // ModRM.reg is a general register (RAX)
	lane    int  // 32 or 64: float operands in memory and registers
}

func sseMemForms() []memForm {
	f := func(name string, pfx, op byte, align bool, lane int) memForm {
		return memForm{name: name, e: enc{pfx: pfx, mp: x86.Map0F, op: op, mem: true, imm: -1}, align16: align, lane: lane}
	}
	var fs []memForm
	for _, o := range []struct {
		n  string
		op byte
	}{{"ADD", 0x58}, {"MUL", 0x59}, {"SUB", 0x5c}, {"MIN", 0x5d}, {"DIV", 0x5e}, {"MAX", 0x5f}, {"SQRT", 0x51}} {
		fs = append(fs, f(o.n+"PS", 0, o.op, true, 32), f(o.n+"PD", 0x66, o.op, true, 64),
			f(o.n+"SS", 0xf3, o.op, false, 32), f(o.n+"SD", 0xf2, o.op, false, 64))
	}
	for _, c := range []memForm{f("CMPPS", 0, 0xc2, true, 32), f("CMPPD", 0x66, 0xc2, true, 64),
		f("CMPSS", 0xf3, 0xc2, false, 32), f("CMPSD", 0xf2, 0xc2, false, 64), f("SHUFPS", 0, 0xc6, true, 0),
		f("SHUFPD", 0x66, 0xc6, true, 0), f("PSHUFD", 0x66, 0x70, true, 0), f("PSHUFHW", 0xf3, 0x70, true, 0),
		f("PSHUFLW", 0xf2, 0x70, true, 0)} {
		c.imm = true
		fs = append(fs, c)
	}
	fs = append(fs,
		f("UCOMISS", 0, 0x2e, false, 32), f("UCOMISD", 0x66, 0x2e, false, 64), f("COMISS", 0, 0x2f, false, 32),
		f("COMISD", 0x66, 0x2f, false, 64), f("CVTPS2PD", 0, 0x5a, false, 32), f("CVTPD2PS", 0x66, 0x5a, true, 64),
		f("CVTSS2SD", 0xf3, 0x5a, false, 32), f("CVTSD2SS", 0xf2, 0x5a, false, 64), f("CVTDQ2PS", 0, 0x5b, true, 0),
		f("CVTPS2DQ", 0x66, 0x5b, true, 32), f("CVTTPS2DQ", 0xf3, 0x5b, true, 32), f("CVTTPD2DQ", 0x66, 0xe6, true, 64),
		f("CVTPD2DQ", 0xf2, 0xe6, true, 64), f("CVTDQ2PD", 0xf3, 0xe6, false, 0),
		f("MOVUPS", 0, 0x10, false, 0), f("MOVUPD", 0x66, 0x10, false, 0), f("MOVSS", 0xf3, 0x10, false, 0),
		f("MOVSD", 0xf2, 0x10, false, 0), f("MOVUPS st", 0, 0x11, false, 0), f("MOVUPD st", 0x66, 0x11, false, 0),
		f("MOVSS st", 0xf3, 0x11, false, 0), f("MOVSD st", 0xf2, 0x11, false, 0), f("MOVLPS", 0, 0x12, false, 0),
		f("MOVLPD", 0x66, 0x12, false, 0), f("MOVLPS st", 0, 0x13, false, 0), f("MOVLPD st", 0x66, 0x13, false, 0),
		f("MOVHPS", 0, 0x16, false, 0), f("MOVHPD", 0x66, 0x16, false, 0), f("MOVHPS st", 0, 0x17, false, 0),
		f("MOVHPD st", 0x66, 0x17, false, 0), f("MOVAPS", 0, 0x28, true, 0), f("MOVAPD", 0x66, 0x28, true, 0),
		f("MOVAPS st", 0, 0x29, true, 0), f("MOVAPD st", 0x66, 0x29, true, 0), f("MOVNTPS", 0, 0x2b, true, 0),
		f("MOVNTPD", 0x66, 0x2b, true, 0), f("MOVDQA", 0x66, 0x6f, true, 0), f("MOVDQU", 0xf3, 0x6f, false, 0),
		f("MOVDQA st", 0x66, 0x7f, true, 0), f("MOVDQU st", 0xf3, 0x7f, false, 0), f("MOVNTDQ", 0x66, 0xe7, true, 0),
		f("MOVQ ld", 0xf3, 0x7e, false, 0), f("MOVQ st", 0x66, 0xd6, false, 0), f("MOVD x,m", 0x66, 0x6e, false, 0),
		f("MOVD m,x", 0x66, 0x7e, false, 0), f("LDDQU", 0xf2, 0xf0, false, 0),
		f("UNPCKLPS", 0, 0x14, true, 0), f("UNPCKHPS", 0, 0x15, true, 0), f("ANDPS", 0, 0x54, true, 0),
		f("ANDNPS", 0, 0x55, true, 0), f("ORPS", 0, 0x56, true, 0), f("XORPS", 0, 0x57, true, 0),
		f("ADDSUBPS", 0xf2, 0xd0, true, 32), f("ADDSUBPD", 0x66, 0xd0, true, 64), f("HADDPS", 0xf2, 0x7c, true, 32),
		f("HADDPD", 0x66, 0x7c, true, 64), f("HSUBPS", 0xf2, 0x7d, true, 32), f("HSUBPD", 0x66, 0x7d, true, 64),
		f("MOVSLDUP", 0xf3, 0x12, true, 32), f("MOVSHDUP", 0xf3, 0x16, true, 32), f("MOVDDUP", 0xf2, 0x12, false, 64),
	)
	q := f("MOVQ x,m64", 0x66, 0x6e, false, 0)
	q.e.w = true
	fs = append(fs, q)
	q = f("MOVQ m64,x", 0x66, 0x7e, false, 0)
	q.e.w = true
	fs = append(fs, q)
	for op := byte(0x60); op <= 0xfe; op++ {
		switch {
		case op >= 0x60 && op <= 0x6d, op >= 0x74 && op <= 0x76, op >= 0xd1 && op <= 0xd5, op >= 0xd8 && op <= 0xe5,
			op >= 0xe8 && op <= 0xef, op >= 0xf1 && op <= 0xf6, op >= 0xf8 && op <= 0xfe:
			fs = append(fs, f(fmt.Sprintf("66 0F %02X", op), 0x66, op, true, 0))
		}
	}
	pinsrw := f("PINSRW m16", 0x66, 0xc4, false, 0)
	pinsrw.imm = true
	fs = append(fs, pinsrw)
	for _, c := range []struct {
		n  string
		op byte
		p  byte
		w  bool
	}{{"CVTSI2SS m32", 0x2a, 0xf3, false}, {"CVTSI2SS m64", 0x2a, 0xf3, true}, {"CVTSI2SD m32", 0x2a, 0xf2, false},
		{"CVTSI2SD m64", 0x2a, 0xf2, true}} {
		x := f(c.n, c.p, c.op, false, 0)
		x.e.w = c.w
		fs = append(fs, x)
	}
	for _, c := range []struct {
		n    string
		op   byte
		p    byte
		w    bool
		lane int
	}{{"CVTSS2SI", 0x2d, 0xf3, false, 32}, {"CVTSS2SI64", 0x2d, 0xf3, true, 32}, {"CVTTSS2SI", 0x2c, 0xf3, false, 32},
		{"CVTSD2SI", 0x2d, 0xf2, false, 64}, {"CVTSD2SI64", 0x2d, 0xf2, true, 64}, {"CVTTSD2SI64", 0x2c, 0xf2, true, 64}} {
		x := f(c.n, c.p, c.op, false, c.lane)
		x.e.w = c.w
		x.gprReg = true
		fs = append(fs, x)
	}
	return fs
}

// fillPage fills b with operands suited to the lane kind.
func fillPage(r *rand.Rand, b []byte, lane int) {
	for i := 0; i+8 <= len(b); i += 8 {
		var v uint64
		switch lane {
		case 64:
			v = rnd64(r)
		case 32:
			v = uint64(rnd32(r)) | uint64(rnd32(r))<<32
		default:
			v = r.Uint64()
			if r.Intn(4) == 0 {
				v = uint64(r.Intn(70))
			}
		}
		for k := 0; k < 8; k++ {
			b[i+k] = byte(v >> (8 * k))
		}
	}
}

func TestHostSSEMem(t *testing.T) {
	env := newMemEnv(t)
	n := 300
	if testing.Short() {
		n = 40
	}
	r := rand.New(rand.NewSource(5))
	init := make([]byte, 4096)
	forms := sseMemForms()
	for _, f := range forms {
		fails := 0
		for i := 0; i < n && fails < 3; i++ {
			m := newTestMachine()
			m.MXCSR = rndMXCSR(r)
			for x := range m.XMM {
				m.XMM[x] = x86.XMM{r.Uint64(), r.Uint64()}
				if f.lane == 64 {
					m.XMM[x] = x86.XMM{rnd64(r), rnd64(r)}
				} else if f.lane == 32 {
					m.XMM[x] = x86.XMM{uint64(rnd32(r)) | uint64(rnd32(r))<<32, uint64(rnd32(r)) | uint64(rnd32(r))<<32}
				}
			}
			fillPage(r, init, f.lane)
			e := f.e
			e.reg = uint8(r.Intn(16))
			if f.gprReg {
				e.reg = x86.RAX
			}
			if f.imm {
				e.imm = r.Intn(256)
			}
			off := 64 + r.Intn(3900)
			if f.align16 {
				off &^= 15
			}
			e.disp = int8(r.Intn(64) - 32)
			m.R[x86.RCX] = env.addr + uint64(off) - uint64(int64(e.disp))
			m.R[x86.RAX] = r.Uint64()
			m.SetFlags(uint64(r.Intn(0x1000)) & x86.FlagsArith)
			tc := e.build()
			if d := env.runBoth(tc, m, init, nil); d != "" {
				t.Errorf("%s case %d (% x) at page offset %#x: %s", f.name, i, tc.code, off, d)
				fails++
			}
			// The same form misaligned: #GP exactly for the aligned forms.
			m.R[x86.RCX] += uint64(1 + r.Intn(15))
			v := env.faults(tc, m)
			if f.align16 && v != x86.ExGP || !f.align16 && v != -1 {
				t.Errorf("%s misaligned: exception %d, want #GP=%v", f.name, v, f.align16)
				fails++
			}
		}
	}
	t.Logf("%d memory forms x %d cases (plus a misaligned run each)", len(forms), n)
}

// x87 memory forms: kind selects the operand generator.
const (
	mkF32 = iota
	mkF64
	mkF80
	mkI16
	mkI32
	mkI64
	mkEnv  // FLDENV/FRSTOR images, FLDCW words: random bytes
	mkNone // stores: contents irrelevant
)

func fillX87(r *rand.Rand, b []byte, kind int) {
	fillPage(r, b, 0)
	put := func(o int, v uint64, n int) {
		for k := 0; k < n; k++ {
			b[o+k] = byte(v >> (8 * k))
		}
	}
	for o := 0; o+16 <= len(b); o += 2 {
		switch kind {
		case mkF32:
			put(o, uint64(rnd32(r)), 4)
		case mkF64:
			put(o, rnd64(r), 8)
		case mkF80:
			if o%10 == 0 {
				f := rnd80(r)
				put(o, f.Mant, 8)
				put(o+8, uint64(f.SE), 2)
			}
		case mkI16, mkI32, mkI64:
			if r.Intn(3) == 0 {
				v := uint64(int64(r.Intn(2001) - 1000))
				put(o, v, 8)
			}
		}
	}
}

func TestHostX87Mem(t *testing.T) {
	env := newMemEnv(t)
	type xf struct {
		name string
		op   byte
		d    uint8
		kind int
		mask [2]int // page bytes [off+mask0, off+mask1) not compared (FIP/FDP)
	}
	var fs []xf
	arith := []string{"FADD", "FMUL", "FCOM", "FCOMP", "FSUB", "FSUBR", "FDIV", "FDIVR"}
	for _, k := range []struct {
		op   byte
		sfx  string
		kind int
	}{{0xd8, " m32", mkF32}, {0xdc, " m64", mkF64}, {0xda, " m32int", mkI32}, {0xde, " m16int", mkI16}} {
		for d, n := range arith {
			fs = append(fs, xf{name: n + k.sfx, op: k.op, d: uint8(d), kind: k.kind})
		}
	}
	envMask := [2]int{12, 28}
	fs = append(fs,
		xf{name: "FLD m32", op: 0xd9, d: 0, kind: mkF32}, xf{name: "FST m32", op: 0xd9, d: 2, kind: mkNone},
		xf{name: "FSTP m32", op: 0xd9, d: 3, kind: mkNone}, xf{name: "FLDENV", op: 0xd9, d: 4, kind: mkEnv},
		xf{name: "FLDCW", op: 0xd9, d: 5, kind: mkEnv}, xf{name: "FNSTENV", op: 0xd9, d: 6, kind: mkNone, mask: envMask},
		xf{name: "FNSTCW", op: 0xd9, d: 7, kind: mkNone},
		xf{name: "FILD m32", op: 0xdb, d: 0, kind: mkI32}, xf{name: "FISTTP m32", op: 0xdb, d: 1, kind: mkNone},
		xf{name: "FIST m32", op: 0xdb, d: 2, kind: mkNone}, xf{name: "FISTP m32", op: 0xdb, d: 3, kind: mkNone},
		xf{name: "FLD m80", op: 0xdb, d: 5, kind: mkF80}, xf{name: "FSTP m80", op: 0xdb, d: 7, kind: mkNone},
		xf{name: "FLD m64", op: 0xdd, d: 0, kind: mkF64}, xf{name: "FISTTP m64", op: 0xdd, d: 1, kind: mkNone},
		xf{name: "FST m64", op: 0xdd, d: 2, kind: mkNone}, xf{name: "FSTP m64", op: 0xdd, d: 3, kind: mkNone},
		xf{name: "FRSTOR", op: 0xdd, d: 4, kind: mkF80}, xf{name: "FNSAVE", op: 0xdd, d: 6, kind: mkNone, mask: envMask},
		xf{name: "FNSTSW m16", op: 0xdd, d: 7, kind: mkNone},
		xf{name: "FILD m16", op: 0xdf, d: 0, kind: mkI16}, xf{name: "FISTTP m16", op: 0xdf, d: 1, kind: mkNone},
		xf{name: "FIST m16", op: 0xdf, d: 2, kind: mkNone}, xf{name: "FISTP m16", op: 0xdf, d: 3, kind: mkNone},
		xf{name: "FILD m64", op: 0xdf, d: 5, kind: mkI64}, xf{name: "FISTP m64", op: 0xdf, d: 7, kind: mkNone},
	)
	n := 400
	if testing.Short() {
		n = 50
	}
	r := rand.New(rand.NewSource(6))
	init := make([]byte, 4096)
	for _, f := range fs {
		fails := 0
		for i := 0; i < n && fails < 3; i++ {
			m := newTestMachine()
			rndX87(r, m, true)
			fillX87(r, init, f.kind)
			off := 64 + r.Intn(3800)
			e := enc{mp: x86.Map1, op: f.op, reg: f.d, mem: true, imm: -1, disp: int8(r.Intn(64) - 32)}
			m.R[x86.RCX] = env.addr + uint64(off) - uint64(int64(e.disp))
			m.R[x86.RAX] = r.Uint64()
			tc := e.build()
			var mask func([]byte)
			if f.mask[1] != 0 {
				mask = func(b []byte) { clear(b[off+f.mask[0] : off+f.mask[1]]) }
			}
			if f.kind == mkEnv && f.d == 4 || f.name == "FRSTOR" {
				// A plausible environment: a valid TOP/tag mix is not
				// required, but keep the control word's reserved bits
				// as hardware stores them so the comparison is about
				// the load, not about reserved-bit policy.
				b := init[off:]
				b[1] = b[1]&0x1f | 0x00
				b[0] |= 0x40
			}
			if d := env.runBoth(tc, m, init, mask); d != "" {
				t.Errorf("%s case %d (% x) at page offset %#x: %s", f.name, i, tc.code, off, d)
				fails++
			}
		}
	}
	t.Logf("%d x87 memory forms x %d cases", len(fs), n)
}

// State instructions on memory: FXSAVE/FXSAVE64/FXRSTOR/FXRSTOR64,
// LDMXCSR/STMXCSR, with their alignment and reserved-bit faults.
func TestHostStateMem(t *testing.T) {
	env := newMemEnv(t)
	n := 200
	if testing.Short() {
		n = 30
	}
	r := rand.New(rand.NewSource(7))
	init := make([]byte, 4096)
	type sf struct {
		name  string
		d     uint8
		w     bool
		align bool
	}
	for _, f := range []sf{{"FXSAVE", 0, false, true}, {"FXSAVE64", 0, true, true}, {"FXRSTOR", 1, false, true},
		{"FXRSTOR64", 1, true, true}, {"LDMXCSR", 2, false, false}, {"STMXCSR", 3, false, false}} {
		fails := 0
		for i := 0; i < n && fails < 3; i++ {
			m := newTestMachine()
			rndX87(r, m, true)
			m.MXCSR = rndMXCSR(r) | uint32(r.Intn(64))
			for x := range m.XMM {
				m.XMM[x] = x86.XMM{r.Uint64(), r.Uint64()}
			}
			fillX87(r, init, mkF80)
			off := (64 + r.Intn(3400)) &^ 15
			if !f.align {
				off = 64 + r.Intn(3400)
			}
			b := init[off:]
			switch f.d {
			case 1: // a valid image: MXCSR without reserved bits, sane FCW
				var img [512]byte
				m2 := newTestMachine()
				rndX87(r, m2, true)
				m2.MXCSR = rndMXCSR(r) | uint32(r.Intn(64))
				for x := range m2.XMM {
					m2.XMM[x] = x86.XMM{r.Uint64(), r.Uint64()}
				}
				fxImage(m2, img[:], f.w)
				copy(b[:464], img[:464])
			case 2:
				v := rndMXCSR(r) | uint32(r.Intn(64))
				b[0], b[1], b[2], b[3] = byte(v), byte(v>>8), 0, 0
			}
			e := enc{mp: x86.Map0F, op: 0xae, reg: f.d, mem: true, imm: -1, w: f.w, disp: int8(r.Intn(64) - 32)}
			m.R[x86.RCX] = env.addr + uint64(off) - uint64(int64(e.disp))
			tc := e.build()
			var mask func([]byte)
			if f.d == 0 {
				mask = func(b []byte) { clear(b[off+6 : off+24]) }
			}
			if d := env.runBoth(tc, m, init, mask); d != "" {
				t.Errorf("%s case %d (% x) at page offset %#x: %s", f.name, i, tc.code, off, d)
				fails++
			}
			if f.align {
				m.R[x86.RCX] += uint64(1 + r.Intn(15))
				if v := env.faults(tc, m); v != x86.ExGP {
					t.Errorf("%s misaligned: exception %d, want #GP", f.name, v)
				}
			}
		}
	}
	// Reserved MXCSR bits fault in LDMXCSR and FXRSTOR.
	m := newTestMachine()
	env.space.Store(env.addr+512, []byte{0x80, 0x1f, 0x01, 0x00})
	m.R[x86.RCX] = env.addr + 512
	if v := env.faults(enc{mp: x86.Map0F, op: 0xae, reg: 2, mem: true, imm: -1}.build(), m); v != x86.ExGP {
		t.Errorf("LDMXCSR reserved bit: exception %d, want #GP", v)
	}
	img := make([]byte, 512)
	fxImage(m, img, true)
	img[26] = 1
	env.space.Store(env.addr, img)
	m.R[x86.RCX] = env.addr
	if v := env.faults(enc{mp: x86.Map0F, op: 0xae, reg: 1, mem: true, imm: -1, w: true}.build(), m); v != x86.ExGP {
		t.Errorf("FXRSTOR reserved MXCSR bit: exception %d, want #GP", v)
	}
}

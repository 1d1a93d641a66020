package vec

import "github.com/blink-go/blink/core/x86"

// MMX: the unprefixed 0F 60-7F and D0-FF forms on the eight 64-bit MM
// registers, which alias the significands of the x87 physical registers
// R0..R7 (MMi is FPU.St[i].Mant, independent of TOP).
//
// Every MMX instruction but EMMS first delivers a pending x87 exception
// (#MF), then sets TOP to 0 and tags all registers valid; writing MMi also
// sets R_i's sign and exponent to all ones. EMMS tags them all empty and,
// as the host shows, also sets TOP to 0.
//
// The packed-integer operations reuse the verified SSE2 handlers rather
// than a second copy of every lane rule: the operands are placed in the
// low (or, for the high unpacks, the high) quadword of two scratch XMM
// registers, the SSE2 handler runs, and the low quadword of its result is
// the MMX result. Those handlers cannot fault on register operands, so the
// scratch registers are always restored. The hand-off instructions use
// read-only Inst values prepared at init, so nothing is allocated.

// mmxEnter performs the x87-to-MMX transition.
func mmxEnter(m *x86.Machine) {
	mmxPending(m)
	m.FPU.Top = 0
	m.FPU.Tag = 0
}

// mmxPending delivers a pending x87 exception; stores call it before
// writing memory, so that #MF leaves memory unchanged.
func mmxPending(m *x86.Machine) {
	if f := &m.FPU; f.SW&swES != 0 {
		x86.RaiseCode(x86.ExMF, fpeCode(uint32(f.SW&^f.CW&0x3f)))
	}
}

func mmGet(m *x86.Machine, i uint8) uint64 { return m.FPU.St[i&7].Mant }

func mmSet(m *x86.Machine, i uint8, v uint64) {
	m.FPU.St[i&7] = x86.F80{Mant: v, SE: 0xffff}
}

// mmSrc reads the r/m operand: an MM register or 64 bits of memory
// (32 bits for the low unpacks, whose memory operand is m32).
func mmSrc(m *x86.Machine, in *x86.Inst) uint64 {
	if in.Mod == 3 {
		return mmGet(m, in.RM)
	}
	if op := in.Opcode(); op >= 0x60 && op <= 0x62 {
		return uint64(m.Mem.Read32(m.EA(in)))
	}
	return m.Mem.Read64(m.EA(in))
}

// Operand placement for the SSE2 hand-off (mmxForm).
const (
	mmLow  = iota // d, s in the low quadwords
	mmHigh        // the high halves of d, s at the start of the high quadwords (PUNPCKH*)
	mmPack        // d:s as one register (PACK*: the low half of the result)
)

var (
	mmxForm [256]uint8
	mmxSub  [256]x86.Inst // the SSE2 instruction: XMM0 op= XMM1
)

func mmxALU(m *x86.Machine, in *x86.Inst) {
	op := in.Opcode()
	s := mmSrc(m, in)
	mmxEnter(m)
	d := mmGet(m, in.Reg)
	var xd, xs x86.XMM
	switch mmxForm[op] {
	case mmLow:
		xd, xs = x86.XMM{d, 0}, x86.XMM{s, 0}
	case mmHigh:
		xd, xs = x86.XMM{0, d >> 32}, x86.XMM{0, s >> 32}
	case mmPack:
		xd = x86.XMM{d, s}
	}
	x0, x1 := m.XMM[0], m.XMM[1]
	m.XMM[0], m.XMM[1] = xd, xs
	sub := &mmxSub[op]
	sub.Exec(m, sub)
	r := m.XMM[0][0]
	m.XMM[0], m.XMM[1] = x0, x1
	mmSet(m, in.Reg, r)
}

// mmxShiftImm is the unprefixed 0F 71-73 group (in.Aux as for pshiftI).
func mmxShiftImm(m *x86.Machine, in *x86.Inst) {
	mmxEnter(m)
	x := x86.XMM{mmGet(m, in.RM), 0}
	shiftLanes(&x, uint(in.Aux&15), in.Aux>>4, uint64(uint8(in.Imm)))
	mmSet(m, in.RM, x[0])
}

// PSHUFW mm, mm/m64, imm8.
func pshufwMM(m *x86.Machine, in *x86.Inst) {
	s := mmSrc(m, in)
	mmxEnter(m)
	imm := uint8(in.Imm)
	var r uint64
	for i := uint(0); i < 4; i++ {
		r |= (s >> (16 * uint64(imm>>(2*i)&3)) & 0xffff) << (16 * i)
	}
	mmSet(m, in.Reg, r)
}

func pinsrwMM(m *x86.Machine, in *x86.Inst) {
	var v uint64
	if in.Mod == 3 {
		v = m.R[in.RM] & 0xffff
	} else {
		v = uint64(m.Mem.Read16(m.EA(in)))
	}
	mmxEnter(m)
	sh := 16 * uint(in.Imm&3)
	mmSet(m, in.Reg, mmGet(m, in.Reg)&^(0xffff<<sh)|v<<sh)
}

func pextrwMM(m *x86.Machine, in *x86.Inst) {
	mmxEnter(m)
	m.R[in.Reg] = mmGet(m, in.RM) >> (16 * uint(in.Imm&3)) & 0xffff
}

func pmovmskbMM(m *x86.Machine, in *x86.Inst) {
	mmxEnter(m)
	v := mmGet(m, in.RM)
	var r uint64
	for i := uint(0); i < 8; i++ {
		r |= (v >> (8*i + 7) & 1) << i
	}
	m.R[in.Reg] = r
}

// MOVD/MOVQ mm, r/m32/64 (0F 6E) and r/m32/64, mm (0F 7E).
func movdToMM(m *x86.Machine, in *x86.Inst) {
	v := gprSrc(m, in)
	mmxEnter(m)
	mmSet(m, in.Reg, v)
}

func movdFromMM(m *x86.Machine, in *x86.Inst) {
	v := mmGet(m, in.Reg)
	if in.Mod != 3 {
		mmxPending(m)
		if in.OpSize == 8 {
			m.Mem.Write64(m.EA(in), v)
		} else {
			m.Mem.Write32(m.EA(in), uint32(v))
		}
		mmxEnter(m)
		return
	}
	mmxEnter(m)
	if in.OpSize == 8 {
		m.R[in.RM] = v
	} else {
		m.R[in.RM] = uint64(uint32(v))
	}
}

// MOVQ mm, mm/m64 (0F 6F) and MOVQ/MOVNTQ mm/m64, mm (0F 7F, 0F E7).
func movqToMM(m *x86.Machine, in *x86.Inst) {
	v := mmSrc(m, in)
	mmxEnter(m)
	mmSet(m, in.Reg, v)
}

func movqFromMM(m *x86.Machine, in *x86.Inst) {
	v := mmGet(m, in.Reg)
	if in.Mod != 3 {
		mmxPending(m)
		m.Mem.Write64(m.EA(in), v)
		mmxEnter(m)
		return
	}
	mmxEnter(m)
	mmSet(m, in.RM, v)
}

// MASKMOVQ mm1, mm2: bytes of mm1 selected by mm2's sign bits to [RDI].
func maskmovq(m *x86.Machine, in *x86.Inst) {
	a := m.R[x86.RDI]
	if in.AddrSize == 4 {
		a = uint64(uint32(a))
	}
	switch in.Seg {
	case x86.SegFS:
		a += m.FSBase
	case x86.SegGS:
		a += m.GSBase
	}
	v, mask := mmGet(m, in.Reg), mmGet(m, in.RM)
	mmxPending(m)
	for i := uint(0); i < 8; i++ {
		if mask>>(8*i+7)&1 != 0 {
			m.Mem.Write8(a+uint64(i), uint8(v>>(8*i)))
		}
	}
	mmxEnter(m)
}

// MOVQ2DQ xmm, mm (F3 0F D6) and MOVDQ2Q mm, xmm (F2 0F D6).
func movq2dq(m *x86.Machine, in *x86.Inst) {
	mmxEnter(m)
	m.XMM[in.Reg] = x86.XMM{mmGet(m, in.RM), 0}
}

func movdq2q(m *x86.Machine, in *x86.Inst) {
	mmxEnter(m)
	mmSet(m, in.Reg, m.XMM[in.RM][0])
}

// Conversions between MM integer pairs and packed floats. A register MM
// source makes the MMX transition; a memory source does not (host-checked).

func cvtpi2ps(m *x86.Machine, in *x86.Inst) {
	s := mmSrc(m, in)
	r0, f0 := int2f32(int64(int32(s)), m.MXCSR)
	r1, f1 := int2f32(int64(int32(s>>32)), m.MXCSR)
	sseCommit(m, f0|f1)
	if in.Mod == 3 {
		mmxEnter(m)
	}
	m.XMM[in.Reg][0] = uint64(r0) | uint64(r1)<<32
}

func cvtpi2pd(m *x86.Machine, in *x86.Inst) {
	s := mmSrc(m, in)
	if in.Mod == 3 {
		mmxEnter(m)
	}
	r0, _ := int2f64(int64(int32(s)), 0)
	r1, _ := int2f64(int64(int32(s>>32)), 0)
	m.XMM[in.Reg] = x86.XMM{r0, r1}
}

// CVT(T)PS2PI mm, xmm/m64: in.Aux != 0 truncates.
func cvtps2pi(m *x86.Machine, in *x86.Inst) {
	s := src64(m, in)
	rc := cvtRC(in, m.MXCSR)
	daz := m.MXCSR&mxDAZ != 0
	u0, u1 := unpack32(uint32(s), daz), unpack32(uint32(s>>32), daz)
	v0, f0 := f2int(&u0, rc, 32)
	v1, f1 := f2int(&u1, rc, 32)
	sseCommit(m, f0|f1)
	mmxEnter(m)
	mmSet(m, in.Reg, uint64(uint32(v0))|uint64(uint32(v1))<<32)
}

// CVT(T)PD2PI mm, xmm/m128 (the memory operand must be aligned).
func cvtpd2pi(m *x86.Machine, in *x86.Inst) {
	s := srcA(m, in)
	rc := cvtRC(in, m.MXCSR)
	daz := m.MXCSR&mxDAZ != 0
	u0, u1 := unpack64(s[0], daz), unpack64(s[1], daz)
	v0, f0 := f2int(&u0, rc, 32)
	v1, f1 := f2int(&u1, rc, 32)
	sseCommit(m, f0|f1)
	mmxEnter(m)
	mmSet(m, in.Reg, uint64(uint32(v0))|uint64(uint32(v1))<<32)
}

// initMMX adds the MMX forms to tab0F; bind.go's init calls it once the
// SSE2 entries it hands off to are in place.
func initMMX() {
	alu := func(op uint8, form uint8) {
		e := tab0F[op][p66]
		mmxForm[op] = form
		mmxSub[op] = x86.Inst{Exec: e.reg, Op: uint16(x86.Map0F)<<8 | uint16(op), Pfx: x86.PfxOpsize | x86.PfxModRM,
			Mod: 3, Reg: 0, RM: 1, Base: x86.RegNone, Index: x86.RegNone, OpSize: 4, AddrSize: 8, Aux: e.aux}
		def(op, pNone, mmxALU, 0)
	}
	for op := uint8(0x60); op <= 0x62; op++ {
		alu(op, mmLow)
	}
	for op := uint8(0x68); op <= 0x6a; op++ {
		alu(op, mmHigh)
	}
	for _, op := range []uint8{0x63, 0x67, 0x6b} {
		alu(op, mmPack)
	}
	for _, op := range []uint8{0x64, 0x65, 0x66, 0x74, 0x75, 0x76, 0xd1, 0xd2, 0xd3, 0xd4, 0xd5, 0xd8, 0xd9, 0xda,
		0xdb, 0xdc, 0xdd, 0xde, 0xdf, 0xe0, 0xe1, 0xe2, 0xe3, 0xe4, 0xe5, 0xe8, 0xe9, 0xea, 0xeb, 0xec, 0xed, 0xee,
		0xef, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf8, 0xf9, 0xfa, 0xfb, 0xfc, 0xfd, 0xfe} {
		alu(op, mmLow)
	}
	def(0x6e, pNone, movdToMM, 0)
	def(0x7e, pNone, movdFromMM, 0)
	def(0x6f, pNone, movqToMM, 0)
	def(0x7f, pNone, movqFromMM, 0)
	defRM(0xe7, pNone, nil, movqFromMM, 0)
	def(0x70, pNone, pshufwMM, 0)
	def(0xc4, pNone, pinsrwMM, 0)
	defRM(0xc5, pNone, pextrwMM, nil, 0)
	defRM(0xd7, pNone, pmovmskbMM, nil, 0)
	defRM(0xf7, pNone, maskmovq, nil, 0)
	defRM(0xd6, pF3, movq2dq, nil, 0)
	defRM(0xd6, pF2, movdq2q, nil, 0)
	def(0x2a, pNone, cvtpi2ps, 0)
	def(0x2a, p66, cvtpi2pd, 0)
	def(0x2c, pNone, cvtps2pi, 1)
	def(0x2d, pNone, cvtps2pi, 0)
	def(0x2c, p66, cvtpd2pi, 1)
	def(0x2d, p66, cvtpd2pi, 0)
}

package vec

import "github.com/blink-go/blink/core/x86"

// SSE4.1 integer instructions, blends, inserts and extracts, PTEST.
// (ROUND*, DPPS and DPPD are in sse41fp.go; the element-wise operations
// are laneFns in lanes.go.)

// BLENDVPS/BLENDVPD/PBLENDVB: the sign bit of each XMM0 element (in.Aux
// bytes) selects the source element. XMM0 is read before the write, so
// XMM0 as the destination blends by its old value.
func blendv(m *x86.Machine, in *x86.Inst) {
	s := srcA(m, in)
	mask := m.XMM[0]
	d := &m.XMM[in.Reg]
	size := int(in.Aux)
	r := *d
	for i := 0; i < 16/size; i++ {
		if lane(&mask, i, size)>>(8*uint(size)-1) != 0 {
			setLane(&r, i, size, lane(&s, i, size))
		}
	}
	*d = r
}

// PTEST sets ZF when dst AND src is zero and CF when src AND NOT dst is
// zero; it clears AF, OF, PF and SF.
func ptest(m *x86.Machine, in *x86.Inst) {
	s := srcA(m, in)
	d := &m.XMM[in.Reg]
	var f uint64
	if d[0]&s[0]|d[1]&s[1] == 0 {
		f |= x86.FlagZF
	}
	if s[0]&^d[0]|s[1]&^d[1] == 0 {
		f |= x86.FlagCF
	}
	m.SetFlags(m.GetFlags()&^x86.FlagsArith | f)
}

// pmovSizes are the source and destination element sizes of PMOVSX/PMOVZX
// BW, BD, BQ, WD, WQ, DQ (opcode 20-25 and 30-35).
var pmovSizes = [6][2]int{{1, 2}, {1, 4}, {1, 8}, {2, 4}, {2, 8}, {4, 8}}

// PMOVSX/PMOVZX: in.Aux is the pmovSizes index | 0x80 for sign extension.
// A memory source reads only the bytes it widens (8, 4 or 2) and need not
// be aligned.
func pmovx(m *x86.Machine, in *x86.Inst) {
	sz := &pmovSizes[in.Aux&7]
	ss, ds := sz[0], sz[1]
	n := 16 / ds
	var s x86.XMM
	if in.Mod == 3 {
		s = m.XMM[in.RM]
	} else {
		switch a := m.EA(in); n * ss {
		case 8:
			s[0] = m.Mem.Read64(a)
		case 4:
			s[0] = uint64(m.Mem.Read32(a))
		default:
			s[0] = uint64(m.Mem.Read16(a))
		}
	}
	var r x86.XMM
	for i := 0; i < n; i++ {
		v := lane(&s, i, ss)
		if in.Aux&0x80 != 0 {
			v = uint64(sext(v, ss))
		}
		setLane(&r, i, ds, v)
	}
	m.XMM[in.Reg] = r
}

// PEXTRB/PEXTRW/PEXTRD/PEXTRQ/EXTRACTPS r/m, xmm, imm8: in.Aux is the
// element size (PEXTRD with REX.W is PEXTRQ). A register destination is
// written zero-extended to 64 bits.
func pextr(m *x86.Machine, in *x86.Inst) {
	size := int(in.Aux)
	if size == 4 && in.OpSize == 8 && in.Opcode() == 0x16 {
		size = 8
	}
	x := &m.XMM[in.Reg]
	v := lane(x, int(in.Imm)&(16/size-1), size)
	if in.Mod == 3 {
		m.R[in.RM] = v
		return
	}
	switch a := m.EA(in); size {
	case 1:
		m.Mem.Write8(a, uint8(v))
	case 2:
		m.Mem.Write16(a, uint16(v))
	case 4:
		m.Mem.Write32(a, uint32(v))
	default:
		m.Mem.Write64(a, v)
	}
}

// PINSRB/PINSRD/PINSRQ xmm, r/m, imm8 (in.Aux the element size).
func pinsr(m *x86.Machine, in *x86.Inst) {
	size := int(in.Aux)
	if size == 4 && in.OpSize == 8 {
		size = 8
	}
	var v uint64
	if in.Mod == 3 {
		v = m.R[in.RM]
	} else {
		switch a := m.EA(in); size {
		case 1:
			v = uint64(m.Mem.Read8(a))
		case 4:
			v = uint64(m.Mem.Read32(a))
		default:
			v = m.Mem.Read64(a)
		}
	}
	setLane(&m.XMM[in.Reg], int(in.Imm)&(16/size-1), size, v)
}

// INSERTPS xmm1, xmm2/m32, imm8: element imm[7:6] of xmm2 (or the m32)
// goes to element imm[5:4] of xmm1, then the elements in imm[3:0] clear.
func insertps(m *x86.Machine, in *x86.Inst) {
	imm := uint8(in.Imm)
	var v uint64
	if in.Mod == 3 {
		v = lane(&m.XMM[in.RM], int(imm>>6), 4)
	} else {
		v = uint64(m.Mem.Read32(m.EA(in)))
	}
	d := &m.XMM[in.Reg]
	setLane(d, int(imm>>4&3), 4, v)
	for i := 0; i < 4; i++ {
		if imm>>uint(i)&1 != 0 {
			setLane(d, i, 4, 0)
		}
	}
}

func initSSE41() {
	x38 := func(op uint8, f laneFn) { tab38[op][p66] = entry{lanesX, lanesX, laneOp(f)} }
	x3A := func(op uint8, f laneFn) { tab3A[op][p66] = entry{lanesX, lanesX, laneOp(f)} }
	tab38[0x10][p66] = entry{blendv, blendv, 1}
	tab38[0x14][p66] = entry{blendv, blendv, 4}
	tab38[0x15][p66] = entry{blendv, blendv, 8}
	tab38[0x17][p66] = entry{ptest, ptest, 0}
	for i := range pmovSizes {
		tab38[0x20+i][p66] = entry{pmovx, pmovx, uint8(i) | 0x80}
		tab38[0x30+i][p66] = entry{pmovx, pmovx, uint8(i)}
	}
	x38(0x28, pmuldqFn)
	x38(0x29, mapLanes(8, func(a, b uint64) uint64 {
		if a == b {
			return ^uint64(0)
		}
		return 0
	}))
	tab38[0x2a][p66] = entry{nil, movLoadA, 0} // MOVNTDQA: the hint is moot
	x38(0x2b, packusdwFn)
	x38(0x38, minMax(1, true, false))
	x38(0x39, minMax(4, true, false))
	x38(0x3a, minMax(2, false, false))
	x38(0x3b, minMax(4, false, false))
	x38(0x3c, minMax(1, true, true))
	x38(0x3d, minMax(4, true, true))
	x38(0x3e, minMax(2, false, true))
	x38(0x3f, minMax(4, false, true))
	x38(0x40, mapLanes(4, func(a, b uint64) uint64 { return a * b }))
	x38(0x41, phminposuwFn)

	x3A(0x0c, blendImm(4))
	x3A(0x0d, blendImm(8))
	x3A(0x0e, blendImm(2))
	x3A(0x42, mpsadbwFn)
	tab3A[0x14][p66] = entry{pextr, pextr, 1}
	tab3A[0x15][p66] = entry{pextr, pextr, 2}
	tab3A[0x16][p66] = entry{pextr, pextr, 4}
	tab3A[0x17][p66] = entry{pextr, pextr, 4}
	tab3A[0x20][p66] = entry{pinsr, pinsr, 1}
	tab3A[0x21][p66] = entry{insertps, insertps, 0}
	tab3A[0x22][p66] = entry{pinsr, pinsr, 4}
	initSSE41FP()
}

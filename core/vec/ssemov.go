package vec

import "github.com/blink-go/blink/core/x86"

// SSE data movement. Register and memory forms are bound separately
// because their semantics differ (MOVSS/MOVSD zero the upper lanes only on
// loads; MOVHLPS/MOVLHPS share opcodes with MOVLPS/MOVHPS).

// Full 128-bit moves.

func movRR(m *x86.Machine, in *x86.Inst) { m.XMM[in.Reg] = m.XMM[in.RM] }

// movStRR is the store-direction register form (0F 11, 29, 7F): r/m <- reg.
func movStRR(m *x86.Machine, in *x86.Inst) { m.XMM[in.RM] = m.XMM[in.Reg] }

func movLoadA(m *x86.Machine, in *x86.Inst) {
	lo, hi := m.Mem.Read128(alignedEA(m, in))
	m.XMM[in.Reg] = x86.XMM{lo, hi}
}

func movLoadU(m *x86.Machine, in *x86.Inst) {
	lo, hi := m.Mem.Read128(m.EA(in))
	m.XMM[in.Reg] = x86.XMM{lo, hi}
}

func movStoreA(m *x86.Machine, in *x86.Inst) {
	x := &m.XMM[in.Reg]
	m.Mem.Write128(alignedEA(m, in), x[0], x[1])
}

func movStoreU(m *x86.Machine, in *x86.Inst) {
	x := &m.XMM[in.Reg]
	m.Mem.Write128(m.EA(in), x[0], x[1])
}

// Scalar moves.

func movssRR(m *x86.Machine, in *x86.Inst) {
	d := &m.XMM[in.Reg]
	d[0] = d[0]&^0xffffffff | m.XMM[in.RM][0]&0xffffffff
}

func movssStRR(m *x86.Machine, in *x86.Inst) {
	d := &m.XMM[in.RM]
	d[0] = d[0]&^0xffffffff | m.XMM[in.Reg][0]&0xffffffff
}

func movssLoad(m *x86.Machine, in *x86.Inst) {
	m.XMM[in.Reg] = x86.XMM{uint64(m.Mem.Read32(m.EA(in))), 0}
}

func movssStore(m *x86.Machine, in *x86.Inst) {
	m.Mem.Write32(m.EA(in), uint32(m.XMM[in.Reg][0]))
}

func movsdRR(m *x86.Machine, in *x86.Inst)   { m.XMM[in.Reg][0] = m.XMM[in.RM][0] }
func movsdStRR(m *x86.Machine, in *x86.Inst) { m.XMM[in.RM][0] = m.XMM[in.Reg][0] }

func movsdLoad(m *x86.Machine, in *x86.Inst) {
	m.XMM[in.Reg] = x86.XMM{m.Mem.Read64(m.EA(in)), 0}
}

// movlStore stores the low quadword (MOVSD, MOVLPS, MOVLPD, MOVQ 66 0F D6 store).
func movlStore(m *x86.Machine, in *x86.Inst) { m.Mem.Write64(m.EA(in), m.XMM[in.Reg][0]) }

// movhStore stores the high quadword (MOVHPS, MOVHPD).
func movhStore(m *x86.Machine, in *x86.Inst) { m.Mem.Write64(m.EA(in), m.XMM[in.Reg][1]) }

// Half moves.

func movlLoad(m *x86.Machine, in *x86.Inst) { m.XMM[in.Reg][0] = m.Mem.Read64(m.EA(in)) }
func movhLoad(m *x86.Machine, in *x86.Inst) { m.XMM[in.Reg][1] = m.Mem.Read64(m.EA(in)) }
func movhlps(m *x86.Machine, in *x86.Inst)  { m.XMM[in.Reg][0] = m.XMM[in.RM][1] }
func movlhps(m *x86.Machine, in *x86.Inst)  { m.XMM[in.Reg][1] = m.XMM[in.RM][0] }

// MOVQ xmm, xmm/m64 (F3 0F 7E) and MOVQ xmm/m64, xmm (66 0F D6) zero the
// upper lane of a register destination.
func movqLoad(m *x86.Machine, in *x86.Inst) { m.XMM[in.Reg] = x86.XMM{src64(m, in), 0} }
func movqStRR(m *x86.Machine, in *x86.Inst) { m.XMM[in.RM] = x86.XMM{m.XMM[in.Reg][0], 0} }

// MOVD/MOVQ between general registers or memory and XMM (66 0F 6E / 7E).
func movdToX(m *x86.Machine, in *x86.Inst) { m.XMM[in.Reg] = x86.XMM{gprSrc(m, in), 0} }

func movdFromX(m *x86.Machine, in *x86.Inst) {
	v := m.XMM[in.Reg][0]
	if in.Mod == 3 {
		if in.OpSize == 8 {
			m.R[in.RM] = v
		} else {
			m.R[in.RM] = uint64(uint32(v))
		}
		return
	}
	if in.OpSize == 8 {
		m.Mem.Write64(m.EA(in), v)
	} else {
		m.Mem.Write32(m.EA(in), uint32(v))
	}
}

// Sign masks.

func movmskps(m *x86.Machine, in *x86.Inst) {
	x := &m.XMM[in.RM]
	m.R[in.Reg] = x[0]>>31&1 | x[0]>>62&2 | x[1]>>29&4 | x[1]>>60&8
}

func movmskpd(m *x86.Machine, in *x86.Inst) {
	x := &m.XMM[in.RM]
	m.R[in.Reg] = x[0]>>63 | x[1]>>63<<1
}

// Float-domain logic and shuffles (same bits as the integer forms).

func shufps(m *x86.Machine, in *x86.Inst) {
	s := srcA(m, in)
	d := &m.XMM[in.Reg]
	imm := uint8(in.Imm)
	var r x86.XMM
	setD(&r, 0, getD(d, int(imm&3)))
	setD(&r, 1, getD(d, int(imm>>2&3)))
	setD(&r, 2, getD(&s, int(imm>>4&3)))
	setD(&r, 3, getD(&s, int(imm>>6&3)))
	*d = r
}

func shufpd(m *x86.Machine, in *x86.Inst) {
	s := srcA(m, in)
	d := &m.XMM[in.Reg]
	imm := uint8(in.Imm)
	d[0], d[1] = d[imm&1], s[imm>>1&1]
}

func andnps(m *x86.Machine, in *x86.Inst) { pandn(m, in) }

// emms empties the x87 tag word after MMX code.
func emms(m *x86.Machine, in *x86.Inst) {
	mmxPending(m)
	m.FPU.Top = 0
	m.FPU.Tag = 0xffff
}

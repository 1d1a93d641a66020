package vec

import "github.com/blink-go/blink/core/x86"

// SSE3: ADDSUB, horizontal add/subtract and the duplicating moves.
// (LDDQU is bound with the moves, FISTTP with the x87 stores.) Lanes go
// through arith32/arith64, so the exception rules are those of ADDPS & co.:
// every lane is computed and MXCSR checked before the destination changes.

// addsubPS: odd lanes add, even lanes subtract (F2 0F D0).
func addsubPS(m *x86.Machine, in *x86.Inst) {
	s := srcA(m, in)
	d := &m.XMM[in.Reg]
	var r x86.XMM
	var fl uint32
	for i := 0; i < 4; i++ {
		v, f := arith32(opSub-uint8(i&1), getD(d, i), getD(&s, i), m.MXCSR)
		setD(&r, i, v)
		fl |= f
	}
	sseCommit(m, fl)
	*d = r
}

func addsubPD(m *x86.Machine, in *x86.Inst) {
	s := srcA(m, in)
	d := &m.XMM[in.Reg]
	r0, f0 := arith64(opSub, d[0], s[0], m.MXCSR)
	r1, f1 := arith64(opAdd, d[1], s[1], m.MXCSR)
	sseCommit(m, f0|f1)
	d[0], d[1] = r0, r1
}

// hPS adds (in.Aux = opAdd) or subtracts adjacent pairs: the destination's
// pairs give the low half of the result, the source's the high half.
func hPS(m *x86.Machine, in *x86.Inst) {
	s := srcA(m, in)
	d := &m.XMM[in.Reg]
	var r x86.XMM
	var fl uint32
	for i := 0; i < 4; i++ {
		x := d
		if i >= 2 {
			x = &s
		}
		j := 2 * (i & 1)
		v, f := arith32(in.Aux, getD(x, j), getD(x, j+1), m.MXCSR)
		setD(&r, i, v)
		fl |= f
	}
	sseCommit(m, fl)
	*d = r
}

func hPD(m *x86.Machine, in *x86.Inst) {
	s := srcA(m, in)
	d := &m.XMM[in.Reg]
	r0, f0 := arith64(in.Aux, d[0], d[1], m.MXCSR)
	r1, f1 := arith64(in.Aux, s[0], s[1], m.MXCSR)
	sseCommit(m, f0|f1)
	d[0], d[1] = r0, r1
}

// MOVSLDUP (in.Aux 0) and MOVSHDUP (in.Aux 1) duplicate the even or odd
// single-precision lanes.
func movsdup(m *x86.Machine, in *x86.Inst) {
	s := srcA(m, in)
	var r x86.XMM
	for i := 0; i < 4; i += 2 {
		v := getD(&s, i+int(in.Aux))
		setD(&r, i, v)
		setD(&r, i+1, v)
	}
	m.XMM[in.Reg] = r
}

// MOVDDUP reads 64 bits (no alignment) and duplicates them.
func movddup(m *x86.Machine, in *x86.Inst) {
	v := src64(m, in)
	m.XMM[in.Reg] = x86.XMM{v, v}
}

func initSSE3() {
	def(0xd0, p66, addsubPD, 0)
	def(0xd0, pF2, addsubPS, 0)
	def(0x7c, p66, hPD, opAdd)
	def(0x7c, pF2, hPS, opAdd)
	def(0x7d, p66, hPD, opSub)
	def(0x7d, pF2, hPS, opSub)
	def(0x12, pF3, movsdup, 0)
	def(0x16, pF3, movsdup, 1)
	def(0x12, pF2, movddup, 0)
}

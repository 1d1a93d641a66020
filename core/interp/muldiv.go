package interp

import (
	"math/bits"

	"github.com/blink-go/blink/core/x86"
)

// MUL, IMUL (one, two and three operands), DIV, IDIV. Intel leaves SF, ZF,
// AF and PF undefined after multiplication and every flag undefined after
// division. Divides leave the flags alone, which is what the host core does
// (native_amd64_test.go, INTERP_STRICT_UNDEF=1). Multiplies derive SF/ZF/PF
// from the low half with AF = 0; Intel cores differ in those undefined bits
// (a known, documented departure; no sane program reads them).

// mulFlags sets CF = OF = of and SF/ZF/PF from lo.
func mulFlags[T word](f *x86.Flags, lo T, of bool) {
	var v uint64
	if of {
		v = x86.FlagCF | x86.FlagOF
	}
	f.SetResult(size[T](), uint64(lo), v)
}

// mulAcc is MUL: rDX:rAX = rAX * src (AX = AL * src for bytes).
func mulAcc[T word](m *x86.Machine, src T) {
	a := getReg[T](m, x86.RAX, 0)
	var lo, hi T
	if size[T]() == 8 {
		h, l := bits.Mul64(uint64(a), uint64(src))
		lo, hi = T(l), T(h)
	} else {
		p := uint64(a) * uint64(src)
		lo, hi = T(p), T(p>>bitsOf[T]())
	}
	storeAccPair(m, lo, hi)
	mulFlags(&m.Fl, lo, hi != 0)
}

// imulAcc is the one-operand IMUL.
func imulAcc[T word](m *x86.Machine, src T) {
	a := getReg[T](m, x86.RAX, 0)
	var lo, hi T
	var of bool
	if size[T]() == 8 {
		h, l := bits.Mul64(uint64(a), uint64(src))
		// Signed high half from the unsigned product: subtract the other
		// operand for each negative factor.
		if int64(a) < 0 {
			h -= uint64(src)
		}
		if int64(src) < 0 {
			h -= uint64(a)
		}
		lo, hi = T(l), T(h)
		of = int64(h) != int64(l)>>63
	} else {
		p := int64(sext(a)) * int64(sext(src))
		lo, hi = T(p), T(p>>bitsOf[T]())
		of = uint64(p) != sext(lo)
	}
	storeAccPair(m, lo, hi)
	mulFlags(&m.Fl, lo, of)
}

// storeAccPair writes a double-width result: AX for bytes, rDX:rAX else.
func storeAccPair[T word](m *x86.Machine, lo, hi T) {
	if size[T]() == 1 {
		m.Set16(x86.RAX, uint16(hi)<<8|uint16(lo))
		return
	}
	setReg(m, x86.RAX, 0, lo)
	setReg(m, x86.RDX, 0, hi)
}

// imul2 is the truncating IMUL of the two- and three-operand forms.
func imul2[T word](f *x86.Flags, a, b T) T {
	var r T
	var of bool
	if size[T]() == 8 {
		h, l := bits.Mul64(uint64(a), uint64(b))
		if int64(a) < 0 {
			h -= uint64(b)
		}
		if int64(b) < 0 {
			h -= uint64(a)
		}
		r = T(l)
		of = int64(h) != int64(l)>>63
	} else {
		p := int64(sext(a)) * int64(sext(b))
		r = T(p)
		of = uint64(p) != sext(r)
	}
	mulFlags(f, r, of)
	return r
}

// divAcc is DIV: rAX = rDX:rAX / src, rDX = remainder (AL, AH for bytes).
// #DE on a zero divisor or a quotient that does not fit.
func divAcc[T word](m *x86.Machine, src T) {
	if src == 0 {
		x86.Raise(x86.ExDE)
	}
	var hi, lo T
	if size[T]() == 1 {
		ax := uint16(m.R[x86.RAX])
		hi, lo = T(ax>>8), T(ax)
	} else {
		hi, lo = getReg[T](m, x86.RDX, 0), getReg[T](m, x86.RAX, 0)
	}
	if hi >= src { // quotient would need more than one word
		x86.Raise(x86.ExDE)
	}
	var q, r T
	if size[T]() == 8 {
		qq, rr := bits.Div64(uint64(hi), uint64(lo), uint64(src))
		q, r = T(qq), T(rr)
	} else {
		n := uint64(hi)<<bitsOf[T]() | uint64(lo)
		q, r = T(n/uint64(src)), T(n%uint64(src))
	}
	storeDiv(m, q, r)
}

func storeDiv[T word](m *x86.Machine, q, r T) {
	if size[T]() == 1 {
		m.Set16(x86.RAX, uint16(r)<<8|uint16(q))
		return
	}
	setReg(m, x86.RAX, 0, q)
	setReg(m, x86.RDX, 0, r)
}

// idivAcc is IDIV: quotient truncated toward zero, remainder with the
// sign of the dividend; #DE when the quotient is outside T's signed range.
func idivAcc[T word](m *x86.Machine, src T) {
	if src == 0 {
		x86.Raise(x86.ExDE)
	}
	var hi, lo T
	if size[T]() == 1 {
		ax := uint16(m.R[x86.RAX])
		hi, lo = T(ax>>8), T(ax)
	} else {
		hi, lo = getReg[T](m, x86.RDX, 0), getReg[T](m, x86.RAX, 0)
	}
	w := bitsOf[T]()
	if size[T]() == 8 {
		// 128/64 signed: divide magnitudes, then apply signs.
		nneg, dneg := int64(hi) < 0, int64(src) < 0
		nh, nl := uint64(hi), uint64(lo)
		if nneg {
			nl = -nl
			nh = ^nh
			if nl == 0 {
				nh++
			}
		}
		d := uint64(src)
		if dneg {
			d = -d
		}
		if nh >= d {
			x86.Raise(x86.ExDE)
		}
		q, r := bits.Div64(nh, nl, d)
		if nneg != dneg {
			if q > 1<<63 {
				x86.Raise(x86.ExDE)
			}
			q = -q
		} else if q >= 1<<63 {
			x86.Raise(x86.ExDE)
		}
		if nneg {
			r = -r
		}
		storeDiv(m, T(q), T(r))
		return
	}
	n := int64(uint64(hi)<<w|uint64(lo)) << (64 - 2*w) >> (64 - 2*w)
	d := int64(sext(src))
	q, r := n/d, n%d // Go wraps MinInt64/-1 instead of trapping; the range check catches it
	if q != int64(sext(T(q))) {
		x86.Raise(x86.ExDE)
	}
	storeDiv(m, T(q), T(r))
}

func mulR[T word](m *x86.Machine, in *x86.Inst)  { mulAcc(m, rmReg[T](m, in)) }
func mulM[T word](m *x86.Machine, in *x86.Inst)  { mulAcc(m, load[T](m, m.EA(in))) }
func imulR[T word](m *x86.Machine, in *x86.Inst) { imulAcc(m, rmReg[T](m, in)) }
func imulM[T word](m *x86.Machine, in *x86.Inst) { imulAcc(m, load[T](m, m.EA(in))) }
func divR[T word](m *x86.Machine, in *x86.Inst)  { divAcc(m, rmReg[T](m, in)) }
func divM[T word](m *x86.Machine, in *x86.Inst)  { divAcc(m, load[T](m, m.EA(in))) }
func idivR[T word](m *x86.Machine, in *x86.Inst) { idivAcc(m, rmReg[T](m, in)) }
func idivM[T word](m *x86.Machine, in *x86.Inst) { idivAcc(m, load[T](m, m.EA(in))) }

// IMUL Gv, Ev (0F AF) and IMUL Gv, Ev, Iz/Ib (69, 6B).
func imulGEr[T word](m *x86.Machine, in *x86.Inst) {
	setReg(m, in.Reg, in.Rex, imul2(&m.Fl, regOp[T](m, in), rmReg[T](m, in)))
}
func imulGEm[T word](m *x86.Machine, in *x86.Inst) {
	setReg(m, in.Reg, in.Rex, imul2(&m.Fl, regOp[T](m, in), load[T](m, m.EA(in))))
}
func imulGEIr[T word](m *x86.Machine, in *x86.Inst) {
	setReg(m, in.Reg, in.Rex, imul2(&m.Fl, rmReg[T](m, in), imm[T](in)))
}
func imulGEIm[T word](m *x86.Machine, in *x86.Inst) {
	setReg(m, in.Reg, in.Rex, imul2(&m.Fl, load[T](m, m.EA(in)), imm[T](in)))
}

// mdTab[/digit-4][mem][size]: group 3 MUL, IMUL, DIV, IDIV.
var mdTab = [4][2][4]x86.Handler{
	{{mulR[uint8], mulR[uint16], mulR[uint32], mulR[uint64]}, {mulM[uint8], mulM[uint16], mulM[uint32], mulM[uint64]}},
	{{imulR[uint8], imulR[uint16], imulR[uint32], imulR[uint64]}, {imulM[uint8], imulM[uint16], imulM[uint32], imulM[uint64]}},
	{{divR[uint8], divR[uint16], divR[uint32], divR[uint64]}, {divM[uint8], divM[uint16], divM[uint32], divM[uint64]}},
	{{idivR[uint8], idivR[uint16], idivR[uint32], idivR[uint64]}, {idivM[uint8], idivM[uint16], idivM[uint32], idivM[uint64]}},
}

var imulTab = [2][2][4]x86.Handler{
	{{nil, imulGEr[uint16], imulGEr[uint32], imulGEr[uint64]}, {nil, imulGEm[uint16], imulGEm[uint32], imulGEm[uint64]}},
	{{nil, imulGEIr[uint16], imulGEIr[uint32], imulGEIr[uint64]}, {nil, imulGEIm[uint16], imulGEIm[uint32], imulGEIm[uint64]}},
}

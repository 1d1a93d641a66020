package interp

import (
	"math/bits"

	"github.com/blink-go/blink/core/x86"
)

// BMI1, BMI2, ADX. The VEX forms name a third register in VexV; their
// operand size is 32 or 64 bits (VEX.W, reported by the decoder in OpSize).

func vexReg[T word](m *x86.Machine, in *x86.Inst) T { return T(m.R[in.VexV&15]) }

// bmiFlags: SF and ZF from r, CF as given, OF = 0. AF and PF are
// undefined; Intel cores clear AF and set PF from the result, which
// SetResult reproduces.
func bmiFlags[T word](f *x86.Flags, r T, cf bool) {
	var v uint64
	if cf {
		v = x86.FlagCF
	}
	f.SetResult(size[T](), uint64(r), v)
}

func andn[T word](m *x86.Machine, in *x86.Inst) {
	r := ^vexReg[T](m, in) & srcOp[T](m, in)
	setReg(m, in.Reg, 0, r)
	bmiFlags(&m.Fl, r, false)
}

// Group 17 (VEX 0F38 F3): /1 BLSR, /2 BLSMSK, /3 BLSI write VexV.
func blsr[T word](m *x86.Machine, in *x86.Inst) {
	s := srcOp[T](m, in)
	r := s & (s - 1)
	setReg(m, in.VexV, 0, r)
	bmiFlags(&m.Fl, r, s == 0)
}

func blsmsk[T word](m *x86.Machine, in *x86.Inst) {
	s := srcOp[T](m, in)
	r := s ^ (s - 1)
	setReg(m, in.VexV, 0, r)
	bmiFlags(&m.Fl, r, s == 0)
}

func blsi[T word](m *x86.Machine, in *x86.Inst) {
	s := srcOp[T](m, in)
	r := s & -s
	setReg(m, in.VexV, 0, r)
	bmiFlags(&m.Fl, r, s != 0)
}

func bzhi[T word](m *x86.Machine, in *x86.Inst) {
	s := srcOp[T](m, in)
	n := uint(uint8(vexReg[T](m, in)))
	r := s
	if n < bitsOf[T]() {
		r = s & (T(1)<<n - 1)
	}
	setReg(m, in.Reg, 0, r)
	bmiFlags(&m.Fl, r, n > bitsOf[T]()-1)
}

func bextr[T word](m *x86.Machine, in *x86.Inst) {
	s, c := srcOp[T](m, in), vexReg[T](m, in)
	start, n := uint(uint8(c)), uint(uint8(uint64(c)>>8))
	var r T
	if start < bitsOf[T]() {
		r = s >> start
		if n < bitsOf[T]() {
			r &= T(1)<<n - 1
		}
	}
	setReg(m, in.Reg, 0, r)
	bmiFlags(&m.Fl, r, false)
}

func pdep[T word](m *x86.Machine, in *x86.Inst) {
	src, mask := vexReg[T](m, in), srcOp[T](m, in)
	var r T
	for k := T(1); mask != 0; k <<= 1 {
		low := mask & -mask
		if src&k != 0 {
			r |= low
		}
		mask &^= low
	}
	setReg(m, in.Reg, 0, r)
}

func pext[T word](m *x86.Machine, in *x86.Inst) {
	src, mask := vexReg[T](m, in), srcOp[T](m, in)
	var r T
	for k := T(1); mask != 0; k <<= 1 {
		low := mask & -mask
		if src&low != 0 {
			r |= k
		}
		mask &^= low
	}
	setReg(m, in.Reg, 0, r)
}

// MULX: unsigned rDX * src; high half to Reg, low to VexV (if both name
// the same register the high half wins). No flags.
func mulx[T word](m *x86.Machine, in *x86.Inst) {
	s, d := srcOp[T](m, in), getReg[T](m, x86.RDX, 0)
	var lo, hi T
	if size[T]() == 8 {
		h, l := bits.Mul64(uint64(s), uint64(d))
		lo, hi = T(l), T(h)
	} else {
		p := uint64(s) * uint64(d)
		lo, hi = T(p), T(p>>32)
	}
	setReg(m, in.VexV, 0, lo)
	setReg(m, in.Reg, 0, hi)
}

func rorx[T word](m *x86.Machine, in *x86.Inst) {
	k := uint(in.Imm) & (bitsOf[T]() - 1)
	s := srcOp[T](m, in)
	setReg(m, in.Reg, 0, s>>k|s<<(bitsOf[T]()-k))
}

func shlx[T word](m *x86.Machine, in *x86.Inst) {
	setReg(m, in.Reg, 0, srcOp[T](m, in)<<(uint(vexReg[T](m, in))&(bitsOf[T]()-1)))
}

func shrx[T word](m *x86.Machine, in *x86.Inst) {
	setReg(m, in.Reg, 0, srcOp[T](m, in)>>(uint(vexReg[T](m, in))&(bitsOf[T]()-1)))
}

func sarx[T word](m *x86.Machine, in *x86.Inst) {
	n := uint(vexReg[T](m, in)) & (bitsOf[T]() - 1)
	setReg(m, in.Reg, 0, T(int64(sext(srcOp[T](m, in)))>>n))
}

// ADCX adds with carry through CF only, ADOX through OF only; the other
// flags are untouched, which is the point of the pair.
func adcx[T word](m *x86.Machine, in *x86.Inst) { adx[T](m, in, x86.FlagCF) }
func adox[T word](m *x86.Machine, in *x86.Inst) { adx[T](m, in, x86.FlagOF) }

func adx[T word](m *x86.Machine, in *x86.Inst, flag uint64) {
	a, b := regOp[T](m, in), srcOp[T](m, in)
	m.Fl.Flush()
	c := T(0)
	if m.Fl.Bits&flag != 0 {
		c = 1
	}
	r := a + b + c
	setReg(m, in.Reg, in.Rex, r)
	m.Fl.Bits &^= flag
	if r < a || c != 0 && r == a {
		m.Fl.Bits |= flag
	}
}

// bmiTab[op][32/64-bit]
const (
	bmiAndn = iota
	bmiBlsr
	bmiBlsmsk
	bmiBlsi
	bmiBzhi
	bmiBextr
	bmiPdep
	bmiPext
	bmiMulx
	bmiRorx
	bmiShlx
	bmiShrx
	bmiSarx
	bmiAdcx
	bmiAdox
)

var bmiTab = [...][2]x86.Handler{
	bmiAndn:   {andn[uint32], andn[uint64]},
	bmiBlsr:   {blsr[uint32], blsr[uint64]},
	bmiBlsmsk: {blsmsk[uint32], blsmsk[uint64]},
	bmiBlsi:   {blsi[uint32], blsi[uint64]},
	bmiBzhi:   {bzhi[uint32], bzhi[uint64]},
	bmiBextr:  {bextr[uint32], bextr[uint64]},
	bmiPdep:   {pdep[uint32], pdep[uint64]},
	bmiPext:   {pext[uint32], pext[uint64]},
	bmiMulx:   {mulx[uint32], mulx[uint64]},
	bmiRorx:   {rorx[uint32], rorx[uint64]},
	bmiShlx:   {shlx[uint32], shlx[uint64]},
	bmiShrx:   {shrx[uint32], shrx[uint64]},
	bmiSarx:   {sarx[uint32], sarx[uint64]},
	bmiAdcx:   {adcx[uint32], adcx[uint64]},
	bmiAdox:   {adox[uint32], adox[uint64]},
}

package vec

import (
	"math/bits"

	"github.com/blink-go/blink/core/x86"
)

// SSE4.1 floating point: ROUNDPS/PD/SS/SD and the dot products.

// roundCtl decodes ROUND*'s imm8: bits 1:0 the rounding mode unless bit 2
// selects MXCSR.RC; bit 3 suppresses the precision exception.
func roundCtl(imm uint8, mx uint32) (rc uint32, quiet bool) {
	rc = uint32(imm & 3)
	if imm&4 != 0 {
		rc = mxRC(mx)
	}
	return rc, imm&8 != 0
}

// roundUnp rounds finite nonzero u to an integer in format d; it returns
// the biased exponent and significand for pack32/pack64, and whether the
// value changed. Values of 2^(prec-1) and above are already integers.
func roundUnp(u *unp, d *fmtDesc, rc uint32) (E int32, mm uint64, inexact bool) {
	if u.exp >= int32(d.prec)-1 {
		E, mm, _ = roundPack(u.neg, u.exp, u.sig, 0, d, rc, false)
		return E, mm, false
	}
	var m uint64
	var g, st bool
	if u.exp < -1 {
		st = true
	} else {
		m, g, st = shr128(u.sig, 0, uint(63-u.exp))
	}
	if roundInc(rc, u.neg, g, st, m&1 != 0) {
		m++
	}
	if m == 0 {
		return 0, 0, true
	}
	lz := bits.LeadingZeros64(m)
	E, mm, _ = roundPack(u.neg, 63-int32(lz), m<<lz, 0, d, rc, false)
	return E, mm, g || st
}

func round32(x uint32, imm uint8, mx uint32) (uint32, uint32) {
	u := unpack32(x, mx&mxDAZ != 0)
	rc, quiet := roundCtl(imm, mx)
	switch u.cls {
	case clsSNaN:
		return nan32(&u), fIE
	case clsQNaN, clsInf:
		return x, 0
	case clsZero:
		return pack32(u.neg, 0, 0), 0
	}
	E, m, inexact := roundUnp(&u, &desc32, rc)
	if inexact && !quiet {
		return pack32(u.neg, E, m), fPE
	}
	return pack32(u.neg, E, m), 0
}

func round64(x uint64, imm uint8, mx uint32) (uint64, uint32) {
	u := unpack64(x, mx&mxDAZ != 0)
	rc, quiet := roundCtl(imm, mx)
	switch u.cls {
	case clsSNaN:
		return nan64(&u), fIE
	case clsQNaN, clsInf:
		return x, 0
	case clsZero:
		return pack64(u.neg, 0, 0), 0
	}
	E, m, inexact := roundUnp(&u, &desc64, rc)
	if inexact && !quiet {
		return pack64(u.neg, E, m), fPE
	}
	return pack64(u.neg, E, m), 0
}

func roundPS(m *x86.Machine, in *x86.Inst) {
	s := srcA(m, in)
	var r x86.XMM
	var fl uint32
	for i := 0; i < 4; i++ {
		v, f := round32(getD(&s, i), uint8(in.Imm), m.MXCSR)
		setD(&r, i, v)
		fl |= f
	}
	sseCommit(m, fl)
	m.XMM[in.Reg] = r
}

func roundPD(m *x86.Machine, in *x86.Inst) {
	s := srcA(m, in)
	r0, f0 := round64(s[0], uint8(in.Imm), m.MXCSR)
	r1, f1 := round64(s[1], uint8(in.Imm), m.MXCSR)
	sseCommit(m, f0|f1)
	m.XMM[in.Reg] = x86.XMM{r0, r1}
}

func roundSS(m *x86.Machine, in *x86.Inst) {
	v, f := round32(src32(m, in), uint8(in.Imm), m.MXCSR)
	sseCommit(m, f)
	setD(&m.XMM[in.Reg], 0, v)
}

func roundSD(m *x86.Machine, in *x86.Inst) {
	v, f := round64(src64(m, in), uint8(in.Imm), m.MXCSR)
	sseCommit(m, f)
	m.XMM[in.Reg][0] = v
}

// DPPS multiplies the elements selected by imm[7:4] (the others count as
// +0.0) and writes the sum of the products to the elements selected by
// imm[3:0] (+0.0 elsewhere). Each addition is a separate rounded SSE
// operation. The order of the operands matters only for which NaN
// propagates, and the host shows it differs per destination element, as
// from two shuffle-and-add steps: x[i] = p[i^1] + p[i], then
// sum[i] = x[i] + x[i^2].
func dpps(m *x86.Machine, in *x86.Inst) {
	s := srcA(m, in)
	d := &m.XMM[in.Reg]
	imm, mx := uint8(in.Imm), m.MXCSR
	var p, x [4]uint32
	var fl uint32
	for i := 0; i < 4; i++ {
		if imm>>(4+uint(i))&1 != 0 {
			v, f := arith32(opMul, getD(d, i), getD(&s, i), mx)
			p[i] = v
			fl |= f
		}
	}
	for i := 0; i < 4; i++ {
		v, f := arith32(opAdd, p[i^1], p[i], mx)
		x[i] = v
		fl |= f
	}
	var r x86.XMM
	for i := 0; i < 4; i++ {
		v, f := arith32(opAdd, x[i], x[i^2], mx)
		fl |= f
		if imm>>uint(i)&1 != 0 {
			setD(&r, i, v)
		}
	}
	sseCommit(m, fl)
	*d = r
}

// DPPD is DPPS on two binary64 elements (imm[5:4] and imm[1:0]); here the
// host shows sum[i] = p[i] + p[i^1].
func dppd(m *x86.Machine, in *x86.Inst) {
	s := srcA(m, in)
	d := &m.XMM[in.Reg]
	imm, mx := uint8(in.Imm), m.MXCSR
	var p [2]uint64
	var fl uint32
	for i := 0; i < 2; i++ {
		if imm>>(4+uint(i))&1 != 0 {
			v, f := arith64(opMul, d[i], s[i], mx)
			p[i] = v
			fl |= f
		}
	}
	var r x86.XMM
	for i := 0; i < 2; i++ {
		v, f := arith64(opAdd, p[i], p[i^1], mx)
		fl |= f
		if imm>>uint(i)&1 != 0 {
			r[i] = v
		}
	}
	sseCommit(m, fl)
	*d = r
}

func initSSE41FP() {
	tab3A[0x08][p66] = entry{roundPS, roundPS, 0}
	tab3A[0x09][p66] = entry{roundPD, roundPD, 0}
	tab3A[0x0a][p66] = entry{roundSS, roundSS, 0}
	tab3A[0x0b][p66] = entry{roundSD, roundSD, 0}
	tab3A[0x40][p66] = entry{dpps, dpps, 0}
	tab3A[0x41][p66] = entry{dppd, dppd, 0}
}

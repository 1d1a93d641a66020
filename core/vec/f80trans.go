package vec

import (
	"math/bits"

	"github.com/blink-go/blink/core/x86"
)

// The x87 transcendentals (F2XM1, FYL2X, FYL2XP1, FPATAN, FSIN, FCOS,
// FSINCOS, FPTAN) in software extended precision.
//
// Each function reduces its argument exactly, evaluates a short series in
// the 128-bit format of f80x.go, and rounds once to the 64-bit register
// significand under the rounding control. Precision control does not
// apply to these instructions (Intel SDM vol. 1, 8.1.5.2: it affects only
// the basic arithmetic and FSQRT), which the host confirms.
//
// The hardware (Intel's, whose results other vendors do not share in the
// last bits) is not correctly rounded (it is off by up to about 1.3 ulp
// against math/big), so the aim is its own results, not the ideal ones.
// FPATAN and the trigonometric functions are correctly rounded, which is
// what agrees with the host most often (about 97%, the rest one ulp
// apart). For the logarithms and F2XM1 a model of the hardware's 67-bit
// working values agrees better (see x87WorkBits). Measured on the host,
// and kept in the code because programs can see them:
//   - every computed finite result reports PE, even an exact one;
//   - below 2^-68 FSIN, FCOS and FPTAN return x, 1 and x exactly, and
//     FPATAN below a ratio of 2^-40 returns the quotient;
//   - FYL2X of a power of two below one comes out a hair short;
//   - out-of-domain operands: F2XM1 with |x| > 1 and FYL2XP1 with x <= -1
//     leave x as the result (with PE).
//
// The trigonometric functions reduce their argument modulo the x87's own
// π, a 66-bit approximation (SDM vol. 1, 8.3.8: 0.C90FDAA2 2168C234 C·2^2),
// exactly, as FPREM would: near multiples of π/2 the hardware's result is
// the sine of x minus a multiple of that constant, not of π, and programs
// that compare FSIN with a correctly reduced sine see the difference.

// 128-bit constants, rounded to nearest (checked against math/big in the
// tests).
var (
	xfLn2   = xf{hi: 0xb17217f7d1cf79ab, lo: 0xc9e3b39803f2f6af, exp: -1}
	xfLog2e = xf{hi: 0xb8aa3b295c17f0bb, lo: 0xbe87fed0691d3e89, exp: 0}
	xfPi    = xf{hi: 0xc90fdaa22168c234, lo: 0xc4c6628b80dc1cd1, exp: 1}
	xfPiHlf = xf{hi: 0xc90fdaa22168c234, lo: 0xc4c6628b80dc1cd1, exp: 0}
	// ln2 cut to the hardware's 67 bits (bits 67 and 68 of ln2 are 0).
	xfLn2x87 = xf{hi: 0xb17217f7d1cf79ab, lo: 0xc << 60, exp: -1}
)

// The x87's π is P66·2^-64 with P66 the 66-bit integer below; the
// reduction works in units of 2^-65, in which π/2 is P66.
const (
	p66hi = 0x3
	p66lo = 0x243f6a8885a308d3
)

var (
	xfPi4x87  = xf{hi: 0xc90fdaa22168c234, lo: 0xc << 60, exp: -1} // the x87's π/4
	xf2OverPi xf                                                   // 2/(x87 π)
	invOdd    [32]xf                                               // 1/(2k+1)
	invFact   [40]xf                                               // 1/k!
	lnTab     [25]xf                                               // ln(j/16), j = 11..24
	atanTab   [17]xf                                               // atan(k/16)
	exp2m1Tab [65]xf                                               // 2^(j/32) - 1, j = -32..32
	tanCoef   [4]xf                                                // tan r = r + Σ tanCoef[i]·r^(2i+3)
	cotCoef   [4]xf                                                // cot r = 1/r - Σ cotCoef[i]·r^(2i+1)
)

func init() {
	for k := range invOdd {
		invOdd[k] = xfRecip(xfU64(uint64(2*k + 1)))
	}
	invOdd[0] = xfOne
	f := xfOne
	for k := range invFact {
		if k > 1 {
			f = xfDiv(f, xfU64(uint64(k)))
		}
		invFact[k] = f
	}
	xf2OverPi = xfDiv(xfU64(2), xfLdexp(xf128(p66hi, p66lo, 0, false), -64))
	for j := 11; j <= 24; j++ {
		// ln(j/16) = 2·atanh((j-16)/(j+16)); |s| <= 1/5 converges in
		// about 28 terms, which is fine once at start-up.
		s := xfDiv(xfInt(int64(j-16)), xfU64(uint64(j+16)))
		lnTab[j] = xfAtanhSeries(s, 31)
	}
	for k := 1; k <= 16; k++ {
		atanTab[k] = atanEuler(xfLdexp(xfU64(uint64(k)), -4))
	}
	for j := -32; j <= 32; j++ {
		w := xfMul(xfLdexp(xfInt(int64(j)), -5), xfLn2)
		exp2m1Tab[j+32] = expm1Halving(w)
	}
	// The exact entries: 2^0 - 1, 2^1 - 1 and 2^-1 - 1.
	exp2m1Tab[32] = xf{}
	exp2m1Tab[64] = xfOne
	exp2m1Tab[0] = xfNeg(xfLdexp(xfOne, -1))
	q := func(n, d uint64) xf { return xfDiv(xfU64(n), xfU64(d)) }
	tanCoef = [4]xf{q(1, 3), q(2, 15), q(17, 315), q(62, 2835)}
	cotCoef = [4]xf{q(1, 3), q(1, 45), q(2, 945), q(1, 4725)}
}

// atanEuler is arctan(x) for 0 < x <= 1 by Euler's series
// atan x = x/(1+x²) · Σ a_n, a_0 = 1, a_n = a_{n-1}·y·2n/(2n+1),
// y = x²/(1+x²) <= 1/2, for the start-up table only.
func atanEuler(x xf) xf {
	x2 := xfMul(x, x)
	d := xfAdd(xfOne, x2)
	y := xfDiv(x2, d)
	sum, a := xfOne, xfOne
	for n := uint64(1); n < 200; n++ {
		a = xfDiv(xfMulU(xfMul(a, y), 2*n), xfU64(2*n+1))
		sum = xfAdd(sum, a)
	}
	return xfMul(xfDiv(x, d), sum)
}

// expm1Halving is e^w - 1 for |w| < 1, for the start-up table: the series
// at w/2^8, then E(2v) = E(v)·(E(v)+2) eight times.
func expm1Halving(w xf) xf {
	if w.zero() {
		return w
	}
	v := xfLdexp(w, -8)
	e := expm1Series(v, 20)
	for i := 0; i < 8; i++ {
		e = xfMul(e, xfAdd(e, xfU64(2)))
	}
	return e
}

// terms returns how many terms of a series in w^perTerm reach about
// 2^-130 relative to the first term, at most max. The estimate ignores the
// coefficients' decrease, so callers pass a cap that is enough for their
// largest argument.
func terms(w xf, perTerm int32, max int) int {
	e := -w.exp // |w| < 2^(1-e)
	if e < 1 {
		e = 1
	}
	n := int(130/(perTerm*(e-1)+perTerm)) + 2
	if n > max {
		n = max
	}
	return n
}

// xfAtanhSeries is 2·atanh(s) = 2(s + s³/3 + s⁵/5 + ...) with n terms.
func xfAtanhSeries(s xf, n int) xf {
	if s.zero() {
		return s
	}
	s2 := xfMul(s, s)
	p := invOdd[n-1]
	for k := n - 2; k >= 0; k-- {
		p = xfAdd(invOdd[k], xfMul(s2, p))
	}
	return xfLdexp(xfMul(s, p), 1)
}

// atanSeries is s - s³/3 + s⁵/5 - ... with n terms.
func atanSeries(s xf, n int) xf {
	if s.zero() {
		return s
	}
	s2 := xfNeg(xfMul(s, s))
	p := invOdd[n-1]
	for k := n - 2; k >= 0; k-- {
		p = xfAdd(invOdd[k], xfMul(s2, p))
	}
	return xfMul(s, p)
}

// expm1Series is w + w²/2! + ... + w^n/n!.
func expm1Series(w xf, n int) xf {
	p := invFact[n]
	for k := n - 1; k >= 1; k-- {
		p = xfAdd(invFact[k], xfMul(w, p))
	}
	return xfMul(w, p)
}

// sinSeries and cosSeries are the Taylor series for |r| <= π/4.
func sinSeries(r xf) xf {
	n := terms(r, 2, 17)
	r2 := xfNeg(xfMul(r, r))
	p := invFact[2*n+1]
	for k := n - 1; k >= 0; k-- {
		p = xfAdd(invFact[2*k+1], xfMul(r2, p))
	}
	return xfMul(r, p)
}

func cosSeries(r xf) xf {
	n := terms(r, 2, 18)
	r2 := xfNeg(xfMul(r, r))
	p := invFact[2*n]
	for k := n - 1; k >= 0; k-- {
		p = xfAdd(invFact[2*k], xfMul(r2, p))
	}
	return p
}

// xfLnParts splits ln(a), a finite and positive, into e·ln2 + ln m with
// a = 2^e·m, m in [0.75, 1.5); ln m comes from lnNear. For a power of two
// m = 1 and ln m is exactly 0.
func xfLnParts(a xf) (e int32, lnm xf) {
	e = a.exp
	m := xf{hi: a.hi, lo: a.lo}
	if a.hi >= 0xc000000000000000 {
		m.exp, e = -1, e+1
	}
	return e, lnNear(m)
}

// lnNear is ln(m) for m in [0.6875, 1.5]: m = c·(1+s)/(1-s) for the
// nearest c = j/16, so ln m = ln c + 2·atanh s with |s| <= 1/44.
func lnNear(m xf) xf {
	// j = round(16·m): m·16 = hi·2^(exp-59).
	sh := uint(59 - m.exp)
	j := (m.hi>>(sh-1) + 1) >> 1
	c := xfLdexp(xfU64(j), -4)
	d := xfSub(m, c)
	if d.zero() {
		return lnTab[j]
	}
	s := xfDiv(d, xfAdd(m, c))
	return xfAdd(lnTab[j], xfAtanhSeries(s, terms(s, 2, 14)))
}

// log2 of finite a > 0.
func xfLog2(a xf) xf {
	e, lnm := xfLnParts(a)
	return xfAdd(xfInt(int64(e)), xfMul(lnm, xfLog2e))
}

// log2(1 + x) for finite x > -1. Near zero the series argument is formed
// from x itself, s = x/(2+x), so tiny x keep their relative precision.
func xfLog2p1(x xf) xf {
	if x.exp < -5 {
		s := xfDiv(x, xfAdd(xfU64(2), x))
		return xfMul(xfAtanhSeries(s, terms(s, 2, 14)), xfLog2e)
	}
	return xfLog2(xfAdd(xfOne, x))
}

// xfExp2m1 is 2^x - 1 for |x| <= 1: x = j/32 + f with |f| <= 1/64, and
// 2^x - 1 = T + (1+T)·(2^f - 1) with T = 2^(j/32) - 1 from the table.
// The two terms never nearly cancel: |T| >= 0.021 when j != 0, while
// |2^f - 1| <= 0.011.
func xfExp2m1(x xf) xf {
	var j int64
	if x.exp >= -6 {
		// x·32 = hi·2^(exp-58), rounded to nearest.
		j = int64((x.hi>>(57-x.exp) + 1) >> 1)
		if x.neg {
			j = -j
		}
	}
	f := xfSub(x, xfLdexp(xfInt(j), -5))
	e := xf{}
	if !f.zero() {
		w := xfMul(f, xfLn2)
		e = expm1Series(w, terms(w, 1, 18))
	}
	t := exp2m1Tab[j+32]
	return xfAdd(t, xfAdd(e, xfMul(t, e)))
}

// atan01 is arctan t for 0 <= t <= 1: with c = k/16 nearest t,
// atan t = atan c + atan((t-c)/(1+tc)), the last argument below 1/32.
func atan01(t xf) xf {
	var k uint64
	if t.exp >= -5 {
		k = (t.hi>>(58-t.exp) + 1) >> 1
	}
	u := t
	if k != 0 {
		c := xfLdexp(xfU64(k), -4)
		u = xfDiv(xfSub(t, c), xfAdd(xfOne, xfMul(t, c)))
	}
	return xfAdd(atanTab[k], atanSeries(u, terms(u, 2, 14)))
}

// xfAtan2 is the FPATAN angle of (x, y), both finite and nonzero.
func xfAtan2(y, x *unp) xf {
	ay, ax := xf{hi: y.sig, exp: y.exp}, xf{hi: x.sig, exp: x.exp}
	var a xf
	if xfCmpAbs(ay, ax) <= 0 {
		a = atan01(quot(y, x))
		if x.neg {
			a = xfSub(xfPi, a)
		}
	} else {
		a = atan01(quot(x, y))
		if x.neg {
			a = xfAdd(xfPiHlf, a)
		} else {
			a = xfSub(xfPiHlf, a)
		}
	}
	a.neg = y.neg
	return a
}

// quot is |a|/|b| exactly to 128 bits with the remainder jammed.
func quot(a, b *unp) xf {
	n := divSig(&unp{sig: a.sig, exp: a.exp}, &unp{sig: b.sig, exp: b.exp})
	return xf{hi: n.sig, lo: n.ext, exp: n.exp}
}

// trigReduce reduces finite nonzero x with |x| < 2^63 to r in
// [-π/4, π/4] and q = k mod 4 with x = k·π/2 + r, π being the x87's
// 66-bit constant. The reduction is exact: the integer X = |x|·2^65
// (|x| >= π/4 makes it one) minus k·P66 fits in three words.
func trigReduce(u *unp) (r xf, q uint64) {
	a := xf{hi: u.sig, exp: u.exp}
	if xfCmpAbs(a, xfPi4x87) <= 0 {
		r = a
	} else {
		t := xfMul(a, xf2OverPi)
		k := (t.hi>>(62-t.exp) + 1) >> 1
		// X = sig·2^(exp+2), exp+2 in [1, 64].
		s := uint(u.exp + 2)
		var x0, x1 uint64
		if s == 64 {
			x1 = u.sig
		} else {
			x1, x0 = u.sig>>(64-s), u.sig<<s
		}
		// k·P66 = k·p66lo + k·p66hi·2^64 in three words.
		h, l := bits.Mul64(k, p66lo)
		h2, l2 := bits.Mul64(k, p66hi)
		w1, c := bits.Add64(h, l2, 0)
		w2 := h2 + c
		d0, b := bits.Sub64(x0, l, 0)
		d1, b := bits.Sub64(x1, w1, b)
		d2, _ := bits.Sub64(0, w2, b)
		neg := d2>>63 != 0
		if neg {
			d0, b = bits.Sub64(0, d0, 0)
			d1, b = bits.Sub64(0, d1, b)
			d2, _ = bits.Sub64(0, d2, b)
		}
		// |R| is at most P66/2 unless the 128-bit estimate of k missed a
		// near tie by one; then the other multiple is nearer, at
		// distance P66 - |R| on the other side.
		if d2 != 0 || d1 > p66hi>>1 || d1 == p66hi>>1 && d0 > (p66hi&1)<<63|p66lo>>1 {
			var bb uint64
			d0, bb = bits.Sub64(p66lo, d0, 0)
			d1, _ = bits.Sub64(p66hi, d1, bb)
			if neg {
				k--
			} else {
				k++
			}
			neg = !neg
		}
		r = xf128(d1, d0, -65, neg)
		q = k & 3
	}
	if u.neg {
		r.neg = !r.neg
		q = -q & 3
	}
	return r, q
}

// tanCot returns tan r (cot false) or cot r for |r| <= π/4, r != 0. Tiny
// arguments use the series so that results next to r or 1/r round on the
// right side.
func tanCot(r xf, cot bool) xf {
	if r.exp < -20 {
		r2 := xfMul(r, r)
		p := tanCoef[3]
		c := &tanCoef
		if cot {
			p, c = cotCoef[3], &cotCoef
		}
		for i := 2; i >= 0; i-- {
			p = xfAdd(c[i], xfMul(r2, p))
		}
		if cot {
			return xfSub(xfDiv(xfOne, r), xfMul(r, p))
		}
		return xfAdd(r, xfMul(xfMul(r, r2), p))
	}
	s, c := sinSeries(r), cosSeries(r)
	if cot {
		return xfDiv(c, s)
	}
	return xfDiv(s, c)
}

// tNaN1 and tNaN2 screen transcendental operands the way every x87
// arithmetic operation does first: an unsupported encoding is invalid, a
// NaN propagates (quieted, IE for a signalling one).
func tNaN1(u *unp) (x86.F80, uint32, bool) {
	switch u.cls {
	case clsBad:
		return indef80, fIE, true
	case clsQNaN, clsSNaN:
		r, fl := nanPick80(u, u)
		return r, fl, true
	}
	return x86.F80{}, 0, false
}

func tNaN2(a, b *unp) (x86.F80, uint32, bool) {
	if a.cls == clsBad || b.cls == clsBad {
		return indef80, fIE, true
	}
	if isNaN(a) || isNaN(b) {
		r, fl := nanPick80(a, b)
		return r, fl, true
	}
	return x86.F80{}, 0, false
}

func denFlag(a, b *unp) uint32 {
	if a.den || b.den {
		return fDE
	}
	return 0
}

// inexact80 rounds v and reports it inexact whatever the rounding found:
// the hardware sets PE for every finite transcendental result it
// computes, exact or not (F2XM1(1) = 1, FYL2X(8, y) = 3y), and then a
// tiny result also reports underflow.
func inexact80(v xf, rc uint32) (x86.F80, uint32) {
	r, f := xfRound(v, rc)
	f |= fPE
	if f&fTiny != 0 {
		f |= fUE
	}
	return r, f
}

// The hardware holds the logarithm of FYL2X and FYL2XP1 as a 67-bit
// value truncated toward zero and multiplies ST(1) by it exactly before the
// one final rounding; F2XM1 likewise truncates its x·ln2 to 67 bits, with
// ln2 itself cut to 67 bits. These models were fitted to the host: with
// them FYL2X agrees bit for bit on about 99.9% of random operands against
// 93% for the correctly rounded result, F2XM1 on 97.6% against 91%,
// FYL2XP1 on 94% against 90%. (FPATAN and the trigonometric functions
// agree best when correctly rounded.)
const x87WorkBits = 67

// log2Trunc is a logarithm as the hardware holds it.
func log2Trunc(l xf) xf { return xfTrunc(l, x87WorkBits) }

// log2Pow2 is the hardware's log2 of a power of two 2^k: exact for k >= 0,
// and for k < 0 one 67-bit unit short of k in magnitude (so FYL2X(0.25, 1)
// rounds to -2 in the nearest mode with C1 set, and to -(2 - 2^-62)
// towards zero).
func log2Pow2(k int32) xf {
	l := xfInt(int64(k))
	if k < 0 {
		unit := xf{hi: 1 << 63, exp: l.exp - (x87WorkBits - 1)}
		l = xfSub(l, xfNeg(unit))
	}
	return l
}

// towardZero nudges v by far less than any rounding can see, so that it
// rounds as a value just short of v in magnitude, as the hardware's
// tangent of small arguments does.
func towardZero(v xf) xf {
	return xfSub(v, xfLdexp(v, -140))
}

// f2xm180 is F2XM1: 2^x - 1.
func f2xm180(x *unp, cw uint16) (x86.F80, uint32) {
	if r, fl, ok := tNaN1(x); ok {
		return r, fl
	}
	switch x.cls {
	case clsZero:
		return zero80(x.neg), 0
	case clsInf:
		if x.neg {
			return pack80(true, 16383, 1<<63, &desc80[3]), 0
		}
		return inf80(false), 0
	}
	fl := denFlag(x, x)
	if x.exp >= 0 {
		if x.exp > 0 || x.sig != 1<<63 {
			// Outside the domain -1..1 the result is "undefined" (SDM);
			// the hardware leaves the operand and reports it inexact.
			return unpTo80Raw(x), fl | fPE
		}
		// ±1 give exactly 1 and -0.5 (reported inexact).
		v := exp2m1Tab[64]
		if x.neg {
			v = exp2m1Tab[0]
		}
		r, f := inexact80(v, cwRC(cw))
		return r, fl | f
	}
	// e^p - 1 for the hardware's p = x·ln2, as 2^(p·log2 e) - 1.
	p := xfTrunc(xfMul(xfUnp(x), xfLn2x87), x87WorkBits)
	r, f := inexact80(xfExp2m1(xfMul(p, xfLog2e)), cwRC(cw))
	return r, fl | f
}

// pow2 reports whether finite nonzero a is a power of two.
func pow2(a xf) bool { return a.hi == 1<<63 && a.lo == 0 }

// fyl2x80 is FYL2X: y·log2(x).
func fyl2x80(y, x *unp, cw uint16) (x86.F80, uint32) {
	if r, fl, ok := tNaN2(x, y); ok {
		return r, fl
	}
	fl := denFlag(x, y)
	switch {
	case x.neg && x.cls != clsZero:
		return indef80, fIE
	case x.cls == clsZero:
		switch y.cls {
		case clsZero:
			return indef80, fIE
		case clsInf:
			return inf80(!y.neg), fl
		}
		// Divide-by-zero takes precedence over the denormal flag.
		return inf80(!y.neg), fZE
	case x.cls == clsInf:
		if y.cls == clsZero {
			return indef80, fIE
		}
		return inf80(y.neg), fl
	}
	// x finite positive.
	xv := xfUnp(x)
	var l xf
	if pow2(xv) {
		l = log2Pow2(x.exp)
	} else {
		l = log2Trunc(xfLog2(xv))
	}
	r, f := ylog(y, l, cwRC(cw))
	return r, fl | f
}

// ylog is y·l for FYL2X and FYL2XP1, l being the hardware's logarithm.
func ylog(y *unp, l xf, rc uint32) (x86.F80, uint32) {
	switch {
	case y.cls == clsInf:
		if l.zero() {
			return indef80, fIE
		}
		return inf80(y.neg != l.neg), 0
	case y.cls == clsZero:
		// The sign follows the exact product's: ±0·log2 x.
		return zero80(y.neg != l.neg), 0
	case l.zero():
		return zero80(y.neg), 0 // log2 1, exact
	}
	return inexact80(xfMul(xfUnp(y), l), rc)
}

// fyl2xp180 is FYL2XP1: y·log2(x+1).
func fyl2xp180(y, x *unp, cw uint16) (x86.F80, uint32) {
	if r, fl, ok := tNaN2(x, y); ok {
		return r, fl
	}
	fl := denFlag(x, y)
	switch {
	case x.cls == clsZero:
		if y.cls == clsInf {
			return indef80, fIE
		}
		return zero80(x.neg != y.neg), fl
	case x.cls == clsInf:
		if x.neg || y.cls == clsZero {
			return indef80, fIE
		}
		return inf80(y.neg), fl
	}
	xv := xfUnp(x)
	if x.neg && xfCmpAbs(xv, xfOne) >= 0 {
		// x <= -1 is far outside the domain (|x| < 1-√2/2). The hardware
		// acts as if log2(x+1) were a huge negative number that leaves
		// a finite y's product at x itself.
		switch y.cls {
		case clsZero:
			return zero80(!y.neg), 0
		case clsInf:
			return inf80(!y.neg), 0
		}
		return unpTo80Raw(x), fl | fPE
	}
	var l xf
	if m := xfAdd(xfOne, xv); x.exp >= -64 && pow2(m) {
		l = log2Pow2(m.exp)
	} else {
		l = log2Trunc(xfLog2p1(xv))
	}
	r, f := ylog(y, l, cwRC(cw))
	return r, fl | f
}

// fpatan80 is FPATAN: the angle of the point (x, y).
func fpatan80(y, x *unp, cw uint16) (x86.F80, uint32) {
	if r, fl, ok := tNaN2(x, y); ok {
		return r, fl
	}
	fl := denFlag(x, y)
	rc := cwRC(cw)
	// Angles that are multiples of π/4, rounded like the constants.
	piQ := func(n uint64) (x86.F80, uint32) {
		a := xfMulU(xfLdexp(xfPi, -2), n)
		a.neg = y.neg
		r, f := xfRound(a, rc)
		return r, fl | f
	}
	switch {
	case y.cls == clsZero:
		if x.neg {
			return piQ(4)
		}
		return zero80(y.neg), fl
	case x.cls == clsZero:
		return piQ(2)
	case y.cls == clsInf && x.cls == clsInf:
		if x.neg {
			return piQ(3)
		}
		return piQ(1)
	case y.cls == clsInf:
		return piQ(2)
	case x.cls == clsInf:
		if x.neg {
			return piQ(4)
		}
		return zero80(y.neg), fl
	}
	if !x.neg && y.exp-x.exp < -40 {
		// atan t = t - t³/3: below 2^-40 the hardware drops the cubic
		// term and returns its quotient, which it forms to about 68 bits.
		t := quot(y, x)
		t = xfAdd(t, xf{hi: 1 << 63, exp: t.exp - 68})
		t.lo &^= 1<<60 - 1
		t.neg = y.neg
		if t.exp < -40 {
			r, f := inexact80(t, rc)
			return r, fl | f
		}
	}
	r, f := inexact80(xfAtan2(y, x), rc)
	return r, fl | f
}

// trigValues returns the unrounded results of trig80 for a finite nonzero
// x with 2^-69 <= |x| < 2^63.
func trigValues(op int, x *unp) (va, vb xf) {
	if op == trigTan && (x.exp <= -34 || x.exp == -33 && pow2(xfUnp(x))) {
		// Below about 2^-33 the hardware's tangent loses the cubic term
		// (x³/3, under its working precision): it is x itself for a
		// power of two and a hair below x in magnitude otherwise, where
		// a rounding error of its own remains.
		v := xfUnp(x)
		if !pow2(v) {
			v = towardZero(v)
		}
		return v, xf{}
	}
	r, q := trigReduce(x)
	switch op {
	case trigSin, trigCos, trigSinCos:
		// Only the series the quadrant needs are summed.
		var s, c xf
		if op == trigSinCos || (op == trigSin) == (q&1 == 0) {
			s = sinSeries(r)
		}
		if op == trigSinCos || (op == trigCos) == (q&1 == 0) {
			c = cosSeries(r)
		}
		// sin(r + qπ/2), cos(r + qπ/2)
		switch q {
		case 0:
			va, vb = s, c
		case 1:
			va, vb = c, xfNeg(s)
		case 2:
			va, vb = xfNeg(s), xfNeg(c)
		case 3:
			va, vb = xfNeg(c), s
		}
		if op == trigCos {
			va = vb
		}
	case trigTan:
		va = tanCot(r, q&1 != 0)
		if q&1 != 0 {
			va = xfNeg(va)
		}
	}
	return va, vb
}

// Trig operations for trig80.
const (
	trigSin = iota
	trigCos
	trigSinCos
	trigTan
)

// trig80 computes FSIN, FCOS, FSINCOS (a = sin, b = cos) and FPTAN
// (a = tan). big reports an operand out of range (|x| >= 2^63), which the
// caller leaves in place with C2 set. fl1 holds the flags of a, fl2 of b;
// the exception flags of both are in fl1.
func trig80(op int, x *unp, cw uint16) (a, b x86.F80, fl, flb uint32, big bool) {
	if r, f, ok := tNaN1(x); ok {
		// FPTAN and FSINCOS push the NaN too.
		return r, r, f, 0, false
	}
	switch x.cls {
	case clsZero:
		if op == trigCos {
			return pack80(false, 16383, 1<<63, &desc80[3]), x86.F80{}, 0, 0, false
		}
		return zero80(x.neg), pack80(false, 16383, 1<<63, &desc80[3]), 0, 0, false
	case clsInf:
		return indef80, indef80, fIE, 0, false
	}
	if x.exp >= 63 {
		return x86.F80{}, x86.F80{}, 0, 0, true
	}
	fl = denFlag(x, x)
	rc := cwRC(cw)
	var va, vb xf
	if x.exp <= -69 {
		// Below 2^-68 the hardware's series stop at the first term:
		// sin x = tan x = x and cos x = 1, exactly (though reported
		// inexact), where the true values lie a hair to one side.
		va, vb = xfUnp(x), xfOne
		if op == trigCos {
			va = xfOne
		}
	} else {
		va, vb = trigValues(op, x)
	}
	a, f := inexact80(va, rc)
	fl |= f
	if op == trigSinCos {
		var f2 uint32
		b, f2 = inexact80(vb, rc)
		flb = f2
		fl |= f2 &^ fUp
	}
	return a, b, fl, flb, false
}

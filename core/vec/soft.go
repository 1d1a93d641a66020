package vec

import "math/bits"

// This file is the one soft-float engine behind SSE (binary32/binary64) and
// the x87 (80-bit extended with 24/53/64-bit precision control). Every
// operation unpacks its operands into unp, computes an exact or sticky-jammed
// 128-bit result, and rounds it once in roundPack, so results and exception
// flags do not depend on the host FPU, its rounding mode or its byte order.

// Exception flag bits, shared by MXCSR (bits 0-5) and the x87 status word.
const (
	fIE = 1 << 0
	fDE = 1 << 1
	fZE = 1 << 2
	fOE = 1 << 3
	fUE = 1 << 4
	fPE = 1 << 5
	// fUp (x87 C1) reports that rounding increased the magnitude.
	fUp = 1 << 9
	// fTiny reports a tiny result even when exact, for the unmasked-UE rule.
	fTiny = 1 << 12
	// fTinyPE, with fTiny, reports that the result is inexact when rounded
	// to the destination's precision with an unbounded exponent: what SSE
	// reports as PE when it traps on an unmasked underflow.
	fTinyPE = 1 << 13
)

// Rounding control values, identical in MXCSR.RC and x87 CW.RC.
const (
	rcNear = 0
	rcDown = 1
	rcUp   = 2
	rcZero = 3
)

// Operand classes.
const (
	clsZero = iota
	clsNorm // normal or denormal finite nonzero
	clsInf
	clsQNaN
	clsSNaN
	clsBad // x87 unsupported encoding (unnormal, pseudo-NaN, pseudo-infinity)
)

// unp is an unpacked operand: for clsNorm, value = sig·2^(exp-63) with bit 63
// of sig set. For NaNs sig holds the significand aligned as in an 80-bit
// register (integer bit at 63, quiet bit at 62) so payloads convert between
// formats by truncation, as hardware does.
type unp struct {
	sig uint64
	exp int32
	neg bool
	cls uint8
	den bool // the encoding was denormal (DE is reported for it)
}

// fmtDesc describes a destination format: prec significand bits (with the
// integer bit), bias, and emax, the all-ones biased exponent.
type fmtDesc struct {
	prec uint
	bias int32
	emax int32
}

var (
	desc32 = fmtDesc{24, 127, 255}
	desc64 = fmtDesc{53, 1023, 2047}
	// x87 precision control narrows the significand but keeps the 15-bit exponent.
	desc80 = [4]fmtDesc{{24, 16383, 32767}, {64, 16383, 32767}, {53, 16383, 32767}, {64, 16383, 32767}}
)

// tininessAfterRounding selects the IEEE 754 tininess rule; x86 (both SSE
// and x87) detects tininess after rounding, which the host tests confirm.
const tininessAfterRounding = true

// shr128 shifts sig:ext right by n and returns the kept bits, the first
// dropped bit (guard) and whether any later dropped bit is set (sticky).
func shr128(sig, ext uint64, n uint) (m uint64, g, st bool) {
	switch {
	case n == 0:
		return sig, ext>>63 != 0, ext<<1 != 0
	case n < 64:
		return sig >> n, (sig>>(n-1))&1 != 0, sig<<(65-n) != 0 || ext != 0
	case n == 64:
		return 0, sig>>63 != 0, sig<<1 != 0 || ext != 0
	}
	// Everything is below half an ulp of the result.
	return 0, false, sig != 0 || ext != 0
}

// roundPack rounds (-1)^neg·(sig:ext)·2^(exp-63), sig normalised, to format d
// under rounding mode rc. It returns the biased exponent field E and the
// right-aligned significand m (prec bits, integer bit at prec-1 when E>0).
// ftz flushes tiny results to zero (MXCSR.FTZ with UE masked).
func roundPack(neg bool, exp int32, sig, ext uint64, d *fmtDesc, rc uint32, ftz bool) (E int32, m uint64, fl uint32) {
	p := d.prec
	E = exp + d.bias
	shift := 64 - p
	sub := E <= 0
	if sub {
		if 1-int64(E) > 130 {
			shift = 130
		} else {
			shift += uint(1 - E)
		}
	}
	m, g, st := shr128(sig, ext, shift)
	inexact := g || st
	inc := roundInc(rc, neg, g, st, m&1 != 0)
	tiny := sub
	if sub && tininessAfterRounding && E == 0 {
		// Round as if the exponent were unbounded: if that reaches the
		// smallest normal, the result is not tiny.
		m2, g2, st2 := shr128(sig, ext, 64-p)
		if roundInc(rc, neg, g2, st2, m2&1 != 0) && m2+1 == 1<<p {
			tiny = false
		}
	}
	if inc {
		m++
		fl |= fUp
	}
	if sub {
		E = 0
		if m>>(p-1) != 0 {
			E = 1
		}
	} else if inc && m == 1<<p {
		// The increment carried out of the significand (for p = 64 the
		// shift and the carry both wrap to zero).
		m = 1 << (p - 1)
		E++
	}
	if inexact {
		fl |= fPE
	}
	if tiny {
		fl |= fTiny
		if _, g2, st2 := shr128(sig, ext, 64-p); g2 || st2 {
			fl |= fTinyPE
		}
		if inexact {
			fl |= fUE
		}
		if ftz {
			return 0, 0, fUE | fPE | fTiny
		}
	}
	if E >= d.emax {
		fl |= fOE | fPE
		if rc == rcNear || (rc == rcUp && !neg) || (rc == rcDown && neg) {
			return d.emax, 1 << (p - 1), fl | fUp
		}
		return d.emax - 1, 1<<p - 1, fl &^ fUp
	}
	return E, m, fl
}

func roundInc(rc uint32, neg, g, st, odd bool) bool {
	switch rc {
	case rcNear:
		return g && (st || odd)
	case rcDown:
		return neg && (g || st)
	case rcUp:
		return !neg && (g || st)
	}
	return false
}

// norm is the exact (or sticky-jammed) result of an operation before rounding.
type norm struct {
	sig, ext uint64
	exp      int32
	neg      bool
	zero     bool
}

// addSig adds finite nonzero a and b (b's sign already adjusted for
// subtraction). An exact zero result is reported with zero set; its sign is
// chosen by the caller from the rounding mode.
func addSig(a, b *unp) norm {
	if a.exp < b.exp || (a.exp == b.exp && a.sig < b.sig) {
		a, b = b, a
	}
	d := uint(a.exp - b.exp)
	var bs, be uint64
	switch {
	case d == 0:
		bs = b.sig
	case d < 64:
		bs, be = b.sig>>d, b.sig<<(64-d)
	case d < 128:
		be = b.sig >> (d - 64)
		if b.sig<<(128-d) != 0 {
			be |= 1
		}
	default:
		be = 1
	}
	r := norm{neg: a.neg, exp: a.exp}
	if a.neg == b.neg {
		s, c := bits.Add64(a.sig, bs, 0)
		if c != 0 {
			be = be>>1 | s<<63 | be&1
			s = s>>1 | 1<<63
			r.exp++
		}
		r.sig, r.ext = s, be
		return r
	}
	lo, bw := bits.Sub64(0, be, 0)
	hi, _ := bits.Sub64(a.sig, bs, bw)
	if hi == 0 && lo == 0 {
		r.zero = true
		return r
	}
	var n uint
	if hi == 0 {
		n = 64 + uint(bits.LeadingZeros64(lo))
	} else {
		n = uint(bits.LeadingZeros64(hi))
	}
	hi, lo = shl128(hi, lo, n)
	r.sig, r.ext, r.exp = hi, lo, a.exp-int32(n)
	return r
}

func shl128(hi, lo uint64, n uint) (uint64, uint64) {
	switch {
	case n == 0:
		return hi, lo
	case n < 64:
		return hi<<n | lo>>(64-n), lo << n
	case n < 128:
		return lo << (n - 64), 0
	}
	return 0, 0
}

func mulSig(a, b *unp) norm {
	hi, lo := bits.Mul64(a.sig, b.sig)
	r := norm{neg: a.neg != b.neg, exp: a.exp + b.exp + 1}
	if hi>>63 == 0 {
		hi, lo = hi<<1|lo>>63, lo<<1
		r.exp--
	}
	r.sig, r.ext = hi, lo
	return r
}

func divSig(a, b *unp) norm {
	r := norm{neg: a.neg != b.neg}
	if a.sig >= b.sig {
		q1, r1 := bits.Div64(a.sig-b.sig, 0, b.sig)
		q2, r2 := bits.Div64(r1, 0, b.sig)
		r.sig = 1<<63 | q1>>1
		r.ext = q1<<63 | q2>>1
		if q2&1 != 0 || r2 != 0 {
			r.ext |= 1
		}
		r.exp = a.exp - b.exp
		return r
	}
	q1, r1 := bits.Div64(a.sig, 0, b.sig)
	q2, r2 := bits.Div64(r1, 0, b.sig)
	r.sig, r.ext = q1, q2
	if r2 != 0 {
		r.ext |= 1
	}
	r.exp = a.exp - b.exp - 1
	return r
}

// sqrtSig takes the square root of a positive finite nonzero a.
func sqrtSig(a *unp) norm {
	nh, nl := a.sig, uint64(0)
	if a.exp&1 == 0 {
		nh, nl = a.sig>>1, a.sig<<63
	}
	root, rh, rl := isqrt128(nh, nl)
	r := norm{sig: root, exp: a.exp >> 1}
	// sqrt(N) is never r+1/2 exactly, so the remainder decides guard and sticky:
	// sqrt(N) >= r+1/2 exactly when N-r² > r.
	if rh != 0 || rl > root {
		r.ext = 1<<63 | 1
	} else if rl != 0 {
		r.ext = 1
	}
	return r
}

// isqrt128 returns floor(sqrt(hi:lo)) (hi >= 2^62) and the remainder.
func isqrt128(hi, lo uint64) (root, rh, rl uint64) {
	for i := 0; i < 64; i++ {
		rh = rh<<2 | rl>>62
		rl = rl<<2 | hi>>62
		hi = hi<<2 | lo>>62
		lo <<= 2
		// Appending bit 1 to root adds 4·root+1 to its square.
		th, tl := root>>62, root<<2|1
		root <<= 1
		if rh > th || (rh == th && rl >= tl) {
			var b uint64
			rl, b = bits.Sub64(rl, tl, 0)
			rh, _ = bits.Sub64(rh, th, b)
			root |= 1
		}
	}
	return
}

// Unpacking. den reports a denormal encoding; with daz it reads as zero.

func unpack32(x uint32, daz bool) unp {
	u := unp{neg: x>>31 != 0}
	e, f := int32(x>>23&0xff), uint64(x&0x7fffff)
	switch {
	case e == 0xff:
		u.sig = 1<<63 | f<<40
		switch {
		case f == 0:
			u.cls = clsInf
		case f&0x400000 != 0:
			u.cls = clsQNaN
		default:
			u.cls = clsSNaN
		}
	case e == 0:
		if f == 0 || daz {
			u.cls = clsZero
			return u
		}
		lz := bits.LeadingZeros64(f)
		u.cls, u.den, u.sig, u.exp = clsNorm, true, f<<lz, -86-int32(lz)
	default:
		u.cls, u.sig, u.exp = clsNorm, 1<<63|f<<40, e-127
	}
	return u
}

func unpack64(x uint64, daz bool) unp {
	u := unp{neg: x>>63 != 0}
	e, f := int32(x>>52&0x7ff), x&(1<<52-1)
	switch {
	case e == 0x7ff:
		u.sig = 1<<63 | f<<11
		switch {
		case f == 0:
			u.cls = clsInf
		case f>>51 != 0:
			u.cls = clsQNaN
		default:
			u.cls = clsSNaN
		}
	case e == 0:
		if f == 0 || daz {
			u.cls = clsZero
			return u
		}
		lz := bits.LeadingZeros64(f)
		u.cls, u.den, u.sig, u.exp = clsNorm, true, f<<lz, -1011-int32(lz)
	default:
		u.cls, u.sig, u.exp = clsNorm, 1<<63|f<<11, e-1023
	}
	return u
}

func unpack80(mant uint64, se uint16) unp {
	u := unp{neg: se>>15 != 0, sig: mant}
	e := int32(se & 0x7fff)
	switch {
	case e == 0x7fff:
		switch {
		case mant>>63 == 0:
			u.cls = clsBad
		case mant<<1 == 0:
			u.cls = clsInf
		case mant>>62&1 != 0:
			u.cls = clsQNaN
		default:
			u.cls = clsSNaN
		}
	case e == 0:
		if mant == 0 {
			u.cls = clsZero
			return u
		}
		// Denormals and pseudo-denormals (integer bit set) share the
		// exponent of the smallest normal.
		lz := bits.LeadingZeros64(mant)
		u.cls, u.den, u.sig, u.exp = clsNorm, true, mant<<lz, -16382-int32(lz)
	case mant>>63 == 0:
		u.cls = clsBad
	default:
		u.cls, u.exp = clsNorm, e-16383
	}
	return u
}

// Packing of finite results and specials.

func pack32(neg bool, E int32, m uint64) uint32 {
	r := uint32(E)<<23 | uint32(m)&0x7fffff
	if neg {
		r |= 1 << 31
	}
	return r
}

func pack64(neg bool, E int32, m uint64) uint64 {
	r := uint64(E)<<52 | m&(1<<52-1)
	if neg {
		r |= 1 << 63
	}
	return r
}

// nan32/nan64 convert an unpacked NaN to the format, quieting it.
func nan32(u *unp) uint32 {
	r := 0x7fc00000 | uint32(u.sig>>40)&0x3fffff
	if u.neg {
		r |= 1 << 31
	}
	return r
}

func nan64(u *unp) uint64 {
	r := 0x7ff8000000000000 | u.sig>>11&(1<<51-1)
	if u.neg {
		r |= 1 << 63
	}
	return r
}

const (
	indef32 = 0xffc00000
	indef64 = 0xfff8000000000000
)

func isNaN(u *unp) bool { return u.cls == clsQNaN || u.cls == clsSNaN }

// fromInt unpacks a signed integer exactly.
func fromInt(v int64) unp {
	if v == 0 {
		return unp{cls: clsZero}
	}
	u := unp{cls: clsNorm, neg: v < 0}
	a := uint64(v)
	if u.neg {
		a = -a
	}
	lz := bits.LeadingZeros64(a)
	u.sig, u.exp = a<<lz, 63-int32(lz)
	return u
}

// toInt rounds finite or special u to a signed integer of nbits (16, 32 or
// 64). ok is false for NaN, infinity and out-of-range values, for which the
// caller stores the integer indefinite; pe reports an inexact conversion.
func toInt(u *unp, rc uint32, nbits uint) (v int64, ok, pe bool) {
	switch u.cls {
	case clsZero:
		return 0, true, false
	case clsNorm:
	default:
		return 0, false, false
	}
	var m uint64
	var g, st bool
	if u.exp > 62 {
		if u.exp > 63 {
			return 0, false, false
		}
		m = u.sig // exactly 2^63 or more: only -2^63 fits
	} else if u.exp < -1 {
		m, g, st = 0, false, true
	} else {
		m, g, st = shr128(u.sig, 0, uint(63-u.exp))
	}
	if roundInc(rc, u.neg, g, st, m&1 != 0) {
		m++
	}
	limit := uint64(1) << (nbits - 1)
	if m > limit || (m == limit && !u.neg) {
		return 0, false, false
	}
	v = int64(m)
	if u.neg {
		v = -v
	}
	return v, true, g || st
}

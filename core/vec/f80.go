package vec

import (
	"math/bits"

	"github.com/blink-go/blink/core/x86"
)

// 80-bit extended arithmetic with x87 semantics: precision and rounding
// from the control word, x87 NaN selection, unsupported encodings invalid.
// Results carry fUp for the status word's C1 bit.

var indef80 = x86.F80{Mant: 0xc000000000000000, SE: 0xffff}

// cwRound returns the rounding mode and format of the control word.
func cwPrec(cw uint16) *fmtDesc { return &desc80[cw>>8&3] }
func cwRC(cw uint16) uint32     { return uint32(cw >> 10 & 3) }

func pack80(neg bool, E int32, m uint64, d *fmtDesc) x86.F80 {
	se := uint16(E)
	if neg {
		se |= 0x8000
	}
	return x86.F80{Mant: m << (64 - d.prec), SE: se}
}

func zero80(neg bool) x86.F80 {
	if neg {
		return x86.F80{SE: 0x8000}
	}
	return x86.F80{}
}

func inf80(neg bool) x86.F80 {
	r := x86.F80{Mant: 1 << 63, SE: 0x7fff}
	if neg {
		r.SE |= 0x8000
	}
	return r
}

// quiet80 converts an unpacked NaN to a quiet 80-bit NaN.
func quiet80(u *unp) x86.F80 {
	r := x86.F80{Mant: u.sig | 3<<62, SE: 0x7fff}
	if u.neg {
		r.SE |= 0x8000
	}
	return r
}

// nanPick80 chooses the x87 NaN result of a two-operand operation: a
// quiet NaN beats a signalling one, otherwise the larger significand wins
// and, on a tie, the positive one (after quieting both).
func nanPick80(a, b *unp) (x86.F80, uint32) {
	var fl uint32
	if a.cls == clsSNaN || b.cls == clsSNaN {
		fl = fIE
	}
	if !isNaN(b) {
		return quiet80(a), fl
	}
	if !isNaN(a) {
		return quiet80(b), fl
	}
	if a.cls != b.cls {
		if a.cls == clsQNaN {
			return quiet80(a), fl
		}
		return quiet80(b), fl
	}
	qa, qb := quiet80(a), quiet80(b)
	switch {
	case qa.Mant < qb.Mant:
		return qb, fl
	case qb.Mant < qa.Mant:
		return qa, fl
	case qa.SE <= qb.SE:
		return qa, fl
	}
	return qb, fl
}

// round80 rounds an operation's result to the x87 precision d.
func round80(kind uint8, neg bool, n *norm, d *fmtDesc, rc uint32) (x86.F80, uint32) {
	switch kind {
	case outZero:
		return zero80(neg), 0
	case outInf:
		return inf80(neg), 0
	case outIndef:
		return indef80, 0
	}
	E, m, fl := roundPack(neg, n.exp, n.sig, n.ext, d, rc, false)
	return pack80(neg, E, m, d), fl
}

// arith80 computes a op b (b unused for opSqrt, which takes a).
func arith80(op uint8, a, b *unp, cw uint16) (x86.F80, uint32) {
	if op == opSqrt {
		b, a = a, &unp{cls: clsZero}
	}
	if a.cls == clsBad || b.cls == clsBad {
		return indef80, fIE
	}
	if isNaN(a) || isNaN(b) {
		return nanPick80(a, b)
	}
	var fl uint32
	if a.den || b.den {
		fl = fDE
	}
	rc := cwRC(cw)
	kind, neg, n, f2 := arithCore(op, a, b, rc)
	if f2&(fIE|fZE) != 0 {
		// Invalid and divide-by-zero take precedence over the denormal flag.
		fl &^= fDE
	}
	r, f3 := round80(kind, neg, &n, cwPrec(cw), rc)
	return r, fl | f2 | f3
}

// from80 converts to binary32/binary64 for FST m32/m64 with rounding
// control (precision control does not apply to stores).
func to32from80(x x86.F80, cw uint16) (uint32, uint32) {
	u := unpack80(x.Mant, x.SE)
	switch u.cls {
	case clsZero:
		return pack32(u.neg, 0, 0), 0
	case clsInf:
		return pack32(u.neg, 0xff, 0), 0
	case clsQNaN:
		return nan32(&u), 0
	case clsSNaN:
		return nan32(&u), fIE
	case clsBad:
		return indef32, fIE
	}
	// A denormal source raises no DE here (the host confirms): every
	// 80-bit denormal underflows in binary32 and reports UE/PE instead.
	E, m, fl := roundPack(u.neg, u.exp, u.sig, 0, &desc32, cwRC(cw), false)
	return pack32(u.neg, E, m), fl
}

func to64from80(x x86.F80, cw uint16) (uint64, uint32) {
	u := unpack80(x.Mant, x.SE)
	switch u.cls {
	case clsZero:
		return pack64(u.neg, 0, 0), 0
	case clsInf:
		return pack64(u.neg, 0x7ff, 0), 0
	case clsQNaN:
		return nan64(&u), 0
	case clsSNaN:
		return nan64(&u), fIE
	case clsBad:
		return indef64, fIE
	}
	E, m, fl := roundPack(u.neg, u.exp, u.sig, 0, &desc64, cwRC(cw), false)
	return pack64(u.neg, E, m), fl
}

// from unpacked (a binary32/64 or integer operand) to an 80-bit register:
// always exact.
func unpTo80(u *unp) (x86.F80, uint32) {
	switch u.cls {
	case clsZero:
		return zero80(u.neg), 0
	case clsInf:
		return inf80(u.neg), 0
	case clsQNaN:
		return quiet80(u), 0
	case clsSNaN:
		return quiet80(u), fIE
	}
	var fl uint32
	if u.den {
		fl = fDE
	}
	return pack80(u.neg, u.exp+16383, u.sig, &desc80[3]), fl
}

// roundInt80 implements FRNDINT: round to an integer in the current mode.
func roundInt80(x x86.F80, cw uint16) (x86.F80, uint32) {
	u := unpack80(x.Mant, x.SE)
	switch u.cls {
	case clsZero, clsInf:
		return x, 0
	case clsQNaN, clsSNaN:
		return nanPick80(&u, &u)
	case clsBad:
		return indef80, fIE
	}
	var fl uint32
	if u.den {
		fl = fDE
	}
	if u.exp >= 63 {
		return x, fl
	}
	var m uint64
	var g, st bool
	if u.exp < -1 {
		st = true
	} else {
		m, g, st = shr128(u.sig, 0, uint(63-u.exp))
	}
	if g || st {
		fl |= fPE
	}
	if roundInc(cwRC(cw), u.neg, g, st, m&1 != 0) {
		m++
		fl |= fUp
	}
	if m == 0 {
		return zero80(u.neg), fl
	}
	lz := bits.LeadingZeros64(m)
	return pack80(u.neg, int32(63-lz)+16383, m<<lz, &desc80[3]), fl
}

// scale80 implements FSCALE: a·2^trunc(b).
func scale80(a, b *unp, cw uint16) (x86.F80, uint32) {
	if a.cls == clsBad || b.cls == clsBad {
		return indef80, fIE
	}
	if isNaN(a) || isNaN(b) {
		return nanPick80(a, b)
	}
	var fl uint32
	if a.den || b.den {
		fl = fDE
	}
	switch {
	case b.cls == clsInf:
		switch {
		case a.cls == clsZero && !b.neg, a.cls == clsInf && b.neg:
			return indef80, fIE
		case a.cls == clsZero || a.cls == clsInf:
			return unpTo80Raw(a), fl
		case b.neg:
			return zero80(a.neg), fl
		}
		return inf80(a.neg), fl
	case a.cls != clsNorm:
		return unpTo80Raw(a), fl
	}
	var n int64
	if b.cls == clsNorm && b.exp >= 0 {
		if b.exp > 30 {
			n = 1 << 20 // far past any finite result; avoids int32 overflow
		} else {
			n = int64(b.sig >> (63 - b.exp))
		}
		if b.neg {
			n = -n
		}
	}
	E, m, f := roundPack(a.neg, a.exp+int32(n), a.sig, 0, &desc80[3], cwRC(cw), false)
	return pack80(a.neg, E, m, &desc80[3]), fl | f
}

// unpTo80Raw re-encodes a zero, infinity or finite unpacked 80-bit value.
func unpTo80Raw(u *unp) x86.F80 {
	switch u.cls {
	case clsZero:
		return zero80(u.neg)
	case clsInf:
		return inf80(u.neg)
	}
	E, m, _ := roundPack(u.neg, u.exp, u.sig, 0, &desc80[3], rcNear, false)
	return pack80(u.neg, E, m, &desc80[3])
}

// prem80 implements FPREM (quotient truncated) and FPREM1 (quotient
// rounded to nearest even). It returns the exact remainder, the quotient's
// low three bits, whether the reduction is only partial (C2), and flags.
func prem80(a, b *unp, nearest bool) (r x86.F80, q uint64, partial bool, fl uint32) {
	if a.cls == clsBad || b.cls == clsBad {
		return indef80, 0, false, fIE
	}
	if isNaN(a) || isNaN(b) {
		r, fl = nanPick80(a, b)
		return r, 0, false, fl
	}
	if a.den || b.den {
		fl = fDE
	}
	switch {
	case a.cls == clsInf || b.cls == clsZero:
		return indef80, 0, false, fIE
	case a.cls == clsZero || b.cls == clsInf:
		return unpTo80Raw(a), 0, false, fl
	}
	d := a.exp - b.exp
	neg := a.neg
	var rs uint64
	var re int32 // rs·2^(re-63) is the remainder's magnitude
	switch {
	case d >= 64:
		// Partial: the exponent drops by N in 32..63, as on Intel hardware.
		n := 32 + d%32
		rs, _ = remDiv(a.sig, b.sig, int(n))
		re = a.exp - n
		partial = true
	case d >= 0:
		rs, q = remDiv(a.sig, b.sig, int(d))
		re = b.exp
		if nearest && (rs>>63 != 0 || rs<<1 > b.sig || (rs<<1 == b.sig && q&1 != 0)) {
			rs, q, neg = b.sig-rs, q+1, !neg
		}
	default:
		rs, re = a.sig, a.exp
		if nearest && d == -1 && a.sig > b.sig {
			// |a| > |b|/2: the quotient rounds to 1 and |rem| = |b|-|a|.
			rs, re, q, neg = b.sig-(a.sig-b.sig), b.exp-1, 1, !neg
		}
	}
	if rs == 0 {
		return zero80(a.neg), q, partial, fl
	}
	lz := bits.LeadingZeros64(rs)
	E, m, f := roundPack(neg, re-int32(lz), rs<<lz, 0, &desc80[3], rcNear, false)
	return pack80(neg, E, m, &desc80[3]), q, partial, fl | f&(fUE|fTiny)
}

// remDiv returns a·2^d mod b and the quotient for a, b with bit 63 set, by
// restoring long division. Before each subtraction the running remainder
// may need 65 bits; the carry is tracked and the wrapped subtraction is
// exact because the true difference is below b.
func remDiv(a, b uint64, d int) (r, q uint64) {
	r = a
	carry := false
	for i := 0; ; i++ {
		q <<= 1
		if carry || r >= b {
			r -= b
			q |= 1
		}
		if i == d {
			return r, q
		}
		carry = r>>63 != 0
		r <<= 1
	}
}

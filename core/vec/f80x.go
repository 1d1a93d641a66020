package vec

import (
	"math"
	"math/bits"

	"github.com/blink-go/blink/core/x86"
)

// xf is the working format of the x87 transcendentals (f80trans.go): a
// 128-bit significand, twice the x87's, so that after the few dozen
// operations of a series the error stays near 2^-120, far below the
// half-ulp (2^-65) the final rounding to 64 bits has to resolve.
//
// Every operation truncates to 128 bits and ORs any discarded bits into
// the lowest bit (round to odd, "jamming"). A value that is exactly
// representable in 64 bits therefore stays distinguishable from one just
// above or below it, which keeps the inexact flag, C1 and the directed
// rounding modes right for results such as sin(x) = x - x³/6 at tiny x.
type xf struct {
	hi, lo uint64 // significand; bit 63 of hi is set unless the value is zero
	exp    int32  // value = hi:lo · 2^(exp-127), so hi:lo in [2^127, 2^128) means [1, 2)·2^exp
	neg    bool
}

func (a xf) zero() bool { return a.hi == 0 }

func xfNeg(a xf) xf { a.neg = !a.neg; return a }

func xfAbs(a xf) xf { a.neg = false; return a }

// xfU64 converts an unsigned integer exactly.
func xfU64(v uint64) xf {
	if v == 0 {
		return xf{}
	}
	lz := bits.LeadingZeros64(v)
	return xf{hi: v << lz, exp: 63 - int32(lz)}
}

func xfInt(v int64) xf {
	if v < 0 {
		return xfNeg(xfU64(uint64(-v)))
	}
	return xfU64(uint64(v))
}

// xfUnp converts a finite nonzero unpacked operand exactly.
func xfUnp(u *unp) xf { return xf{hi: u.sig, exp: u.exp, neg: u.neg} }

// xf128 normalises the unsigned 128-bit integer hi:lo times 2^e.
func xf128(hi, lo uint64, e int32, neg bool) xf {
	if hi == 0 && lo == 0 {
		return xf{}
	}
	n := uint(bits.LeadingZeros64(hi))
	if hi == 0 {
		n = 64 + uint(bits.LeadingZeros64(lo))
	}
	hi, lo = shl128(hi, lo, n)
	return xf{hi: hi, lo: lo, exp: e + 127 - int32(n), neg: neg}
}

// xfF64 converts a nonzero finite float64 (used only for Newton seeds).
func xfF64(f float64) xf {
	fr, e := math.Frexp(f)
	m := uint64(math.Abs(fr) * (1 << 53))
	r := xfU64(m)
	r.exp += int32(e) - 53
	r.neg = f < 0
	return r
}

// f64 approximates a (nonzero, modest exponent) as a float64 for seeds
// and quick range decisions.
func (a xf) f64() float64 {
	if a.hi == 0 {
		return 0
	}
	f := math.Ldexp(float64(a.hi>>11), int(a.exp)-52)
	if a.neg {
		f = -f
	}
	return f
}

func xfMul(a, b xf) xf {
	if a.hi == 0 || b.hi == 0 {
		return xf{}
	}
	h1, l1 := bits.Mul64(a.hi, b.hi)
	h2, l2 := bits.Mul64(a.hi, b.lo)
	h3, l3 := bits.Mul64(a.lo, b.hi)
	h4, l4 := bits.Mul64(a.lo, b.lo)
	w1, c := bits.Add64(h4, l2, 0)
	w1, c1 := bits.Add64(w1, l3, 0)
	w2, c2 := bits.Add64(l1, h2, c)
	w2, c3 := bits.Add64(w2, h3, c1)
	w3 := h1 + c2 + c3
	r := xf{neg: a.neg != b.neg, exp: a.exp + b.exp + 1}
	st := w1|l4 != 0
	if w3>>63 == 0 {
		w3, w2 = w3<<1|w2>>63, w2<<1|w1>>63
		st = w1<<1|l4 != 0
		r.exp--
	}
	r.hi, r.lo = w3, w2
	if st {
		r.lo |= 1
	}
	return r
}

// xfMulU multiplies by a small unsigned integer (below 2^32) exactly
// before the final jam.
func xfMulU(a xf, k uint64) xf { return xfMul(a, xfU64(k)) }

func xfAdd(a, b xf) xf {
	if b.hi == 0 {
		return a
	}
	if a.hi == 0 {
		return b
	}
	if a.exp < b.exp || a.exp == b.exp && (a.hi < b.hi || a.hi == b.hi && a.lo < b.lo) {
		a, b = b, a
	}
	// b aligned to a's exponent in three words plus a sticky bit.
	d := uint(a.exp - b.exp)
	var bh, bl, bx uint64
	st := false
	switch {
	case d == 0:
		bh, bl = b.hi, b.lo
	case d < 64:
		bh, bl, bx = b.hi>>d, b.hi<<(64-d)|b.lo>>d, b.lo<<(64-d)
	case d == 64:
		bl, bx = b.hi, b.lo
	case d < 128:
		bl, bx = b.hi>>(d-64), b.hi<<(128-d)|b.lo>>(d-64)
		st = b.lo<<(128-d) != 0
	case d == 128:
		bx, st = b.hi, b.lo != 0
	case d < 192:
		bx, st = b.hi>>(d-128), b.hi<<(192-d) != 0 || b.lo != 0
	default:
		st = true
	}
	if st {
		bx |= 1
	}
	r := xf{neg: a.neg, exp: a.exp}
	var hi, lo, x uint64
	if a.neg == b.neg {
		var c uint64
		lo, c = bits.Add64(a.lo, bl, 0)
		hi, c = bits.Add64(a.hi, bh, c)
		x = bx
		if c != 0 {
			x = x>>1 | x&1 | lo<<63
			lo = lo>>1 | hi<<63
			hi = hi>>1 | 1<<63
			r.exp++
		}
	} else {
		var bw uint64
		x, bw = bits.Sub64(0, bx, 0)
		lo, bw = bits.Sub64(a.lo, bl, bw)
		hi, _ = bits.Sub64(a.hi, bh, bw)
		if hi == 0 && lo == 0 && x == 0 {
			return xf{}
		}
		// Cancellation shifts by more than one bit only when d <= 1,
		// and then x holds at most one bit, so shifting it in is exact.
		n := uint(bits.LeadingZeros64(hi))
		if hi == 0 {
			n = 64 + uint(bits.LeadingZeros64(lo))
			if lo == 0 {
				n = 128 + uint(bits.LeadingZeros64(x))
			}
		}
		switch {
		case n == 0:
		case n < 64:
			hi, lo, x = hi<<n|lo>>(64-n), lo<<n|x>>(64-n), x<<n
		case n < 128:
			hi, lo, x = lo<<(n-64)|x>>(128-n), x<<(n-64), 0
		default:
			hi, lo, x = x<<(n-128), 0, 0
		}
		r.exp -= int32(n)
	}
	r.hi, r.lo = hi, lo
	if x != 0 {
		r.lo |= 1
	}
	return r
}

func xfSub(a, b xf) xf { return xfAdd(a, xfNeg(b)) }

// xfLdexp scales by 2^n.
func xfLdexp(a xf, n int32) xf {
	if a.hi != 0 {
		a.exp += n
	}
	return a
}

var xfOne = xf{hi: 1 << 63, exp: 0}

// xfRecip is 1/b by Newton's iteration y' = y + y(1 - by) from a float64
// seed: 53 → 106 → 128 bits.
func xfRecip(b xf) xf {
	e := b.exp
	b.exp = 0
	y := xfF64(1 / b.f64())
	for i := 0; i < 2; i++ {
		t := xfSub(xfOne, xfMul(b, y))
		y = xfAdd(y, xfMul(y, t))
	}
	y.exp -= e
	return y
}

func xfDiv(a, b xf) xf {
	if a.hi == 0 {
		return xf{}
	}
	// One correction step on the quotient itself: q + y(a - bq) recovers
	// the bits the reciprocal lost.
	y := xfRecip(b)
	q := xfMul(a, y)
	r := xfSub(a, xfMul(b, q))
	return xfAdd(q, xfMul(r, y))
}

// xfTrunc truncates a toward zero to n significant bits (64 < n < 128).
func xfTrunc(a xf, n uint) xf {
	a.lo &^= 1<<(128-n) - 1
	return a
}

// xfCmpAbs compares magnitudes.
func xfCmpAbs(a, b xf) int {
	switch {
	case a.hi == 0 && b.hi == 0:
		return 0
	case a.hi == 0:
		return -1
	case b.hi == 0:
		return 1
	case a.exp != b.exp:
		if a.exp < b.exp {
			return -1
		}
		return 1
	case a.hi != b.hi:
		if a.hi < b.hi {
			return -1
		}
		return 1
	case a.lo != b.lo:
		if a.lo < b.lo {
			return -1
		}
		return 1
	}
	return 0
}

// xfRound rounds to the x87 register format (64-bit significand whatever
// the precision control, which the transcendentals ignore) under rc.
func xfRound(a xf, rc uint32) (x86.F80, uint32) {
	if a.hi == 0 {
		return zero80(a.neg), 0
	}
	E, m, f := roundPack(a.neg, a.exp, a.hi, a.lo, &desc80[3], rc, false)
	return pack80(a.neg, E, m, &desc80[3]), f
}

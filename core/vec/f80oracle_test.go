package vec

import (
	"math/big"
	"sync"

	"github.com/blink-go/blink/core/x86"
)

// A math/big test oracle for the x87 transcendentals: each function is
// computed with oPrec bits, far beyond the 64-bit significand, by plain
// series, so it shares no code or method with f80trans.go.

const oPrec = 600

func oNew() *big.Float { return new(big.Float).SetPrec(oPrec) }

func oInt(v int64) *big.Float { return oNew().SetInt64(v) }

// oFrom80 converts a finite 80-bit value exactly.
func oFrom80(x x86.F80) *big.Float {
	u := unpack80(x.Mant, x.SE)
	r := oNew()
	if u.cls == clsZero {
		if u.neg {
			r.Neg(r)
		}
		return r
	}
	r.SetUint64(u.sig)
	r.SetMantExp(r, int(u.exp)-63)
	if u.neg {
		r.Neg(r)
	}
	return r
}

// oTo80 rounds to the 80-bit format (64-bit significand, unbounded
// exponent range is enough for the tests) under rc, returning the value
// and whether rounding increased the magnitude.
func oTo80(v *big.Float, rc uint32) x86.F80 {
	if v.Sign() == 0 {
		return zero80(v.Signbit())
	}
	mode := big.ToNearestEven
	switch rc {
	case rcDown:
		mode = big.ToNegativeInf
	case rcUp:
		mode = big.ToPositiveInf
	case rcZero:
		mode = big.ToZero
	}
	// Denormal results keep fewer bits: round to the absolute grid.
	e := v.MantExp(nil)
	prec := uint(64)
	if e-1 < -16382 {
		d := -16382 - (e - 1)
		if d >= 64 {
			prec = 0
		} else {
			prec = uint(64 - d)
		}
	}
	var r *big.Float
	if prec == 0 {
		// Below half the smallest denormal: round by hand.
		tiny := oNew().SetMantExp(oInt(1), -16445)
		r = oNew()
		neg := v.Signbit()
		up := (mode == big.ToPositiveInf && !neg) || (mode == big.ToNegativeInf && neg)
		if mode == big.ToNearestEven {
			h := oNew().SetMantExp(oInt(1), -16446)
			up = oNew().Abs(v).Cmp(h) > 0
		}
		if up {
			r.Set(tiny)
		}
		if neg {
			r.Neg(r)
		}
	} else {
		r = new(big.Float).SetPrec(prec).SetMode(mode).Set(v)
	}
	if r.Sign() == 0 {
		return zero80(r.Signbit())
	}
	mant := oNew()
	e = r.MantExp(mant)
	neg := mant.Signbit()
	mant.Abs(mant)
	mant.SetMantExp(mant, 64)
	m, _ := mant.Uint64()
	E := int32(e - 1 + 16383)
	if E <= 0 {
		m >>= uint(1 - E)
		E = 0
	}
	if E >= 0x7fff {
		return inf80(neg)
	}
	se := uint16(E)
	if neg {
		se |= 0x8000
	}
	return x86.F80{Mant: m, SE: se}
}

var (
	oPiOnce sync.Once
	oPiV    *big.Float
)

// oPi is π by Machin's formula.
func oPi() *big.Float {
	oPiOnce.Do(func() {
		a := oAtanSeries(oNew().Quo(oInt(1), oInt(5)))
		b := oAtanSeries(oNew().Quo(oInt(1), oInt(239)))
		a.Mul(a, oInt(16))
		b.Mul(b, oInt(4))
		oPiV = a.Sub(a, b)
	})
	return oPiV
}

func oEps() *big.Float { return oNew().SetMantExp(oInt(1), -oPrec-8) }

// oAtanSeries sums x - x³/3 + x⁵/5 ... for small |x|.
func oAtanSeries(x *big.Float) *big.Float {
	sum, p := oNew().Set(x), oNew().Set(x)
	x2 := oNew().Mul(x, x)
	eps := oEps()
	for k := int64(3); ; k += 2 {
		p.Mul(p, x2)
		p.Neg(p)
		t := oNew().Quo(p, oInt(k))
		sum.Add(sum, t)
		if oNew().Abs(t).Cmp(eps) < 0 {
			return sum
		}
	}
}

// oAtan is arctan(x) for any finite x.
func oAtan(x *big.Float) *big.Float {
	if x.Sign() == 0 {
		return oNew().Set(x)
	}
	// atan(x) = 2·atan(x / (1 + sqrt(1+x²))), applied until |x| is small.
	y := oNew().Set(x)
	n := 0
	small := oNew().SetMantExp(oInt(1), -20)
	for oNew().Abs(y).Cmp(small) > 0 {
		s := oNew().Mul(y, y)
		s.Add(s, oInt(1))
		s.Sqrt(s)
		s.Add(s, oInt(1))
		y.Quo(y, s)
		n++
	}
	r := oAtanSeries(y)
	return r.SetMantExp(r, n)
}

// oSinCos returns sin and cos of x by the Taylor series after reducing
// modulo the given period's quarter (pi2 = π/2 or an approximation).
func oSinCos(x, pi2 *big.Float) (*big.Float, *big.Float) {
	q := oNew().Quo(x, pi2)
	// k = round(q)
	qi, _ := oNew().Add(q, oNew().SetFloat64(0.5)).Int(nil)
	if oNew().Add(q, oNew().SetFloat64(0.5)).Sign() < 0 {
		// Int truncates toward zero: floor for negatives.
		f := oNew().SetInt(qi)
		if f.Cmp(oNew().Add(q, oNew().SetFloat64(0.5))) != 0 {
			qi.Sub(qi, big.NewInt(1))
		}
	}
	r := oNew().Mul(oNew().SetInt(qi), pi2)
	r.Sub(x, r)
	s, c := oSinCosSmall(r)
	switch new(big.Int).And(qi, big.NewInt(3)).Int64() {
	case 1:
		s, c = c, s.Neg(s)
	case 2:
		s, c = s.Neg(s), c.Neg(c)
	case 3:
		s, c = c.Neg(c), s
	}
	return s, c
}

func oSinCosSmall(r *big.Float) (*big.Float, *big.Float) {
	s, c := oNew().Set(r), oInt(1)
	p := oNew().Set(r)
	eps := oEps()
	for k := int64(2); ; k++ {
		p.Mul(p, r)
		p.Quo(p, oInt(k))
		done := oNew().Abs(p).Cmp(eps) < 0 && k > 4
		switch k % 4 {
		case 0:
			c.Add(c, p)
		case 1:
			s.Add(s, p)
		case 2:
			c.Sub(c, p)
		case 3:
			s.Sub(s, p)
		}
		if done {
			return s, c
		}
	}
}

// oLn is the natural logarithm of x > 0.
func oLn(x *big.Float) *big.Float {
	mant := oNew()
	e := x.MantExp(mant) // x = mant·2^e, mant in [0.5, 1)
	// ln(mant) by repeated square roots, then 2·atanh((m-1)/(m+1)).
	n := 0
	near := oNew().SetMantExp(oInt(1), -20)
	for oNew().Abs(oNew().Sub(mant, oInt(1))).Cmp(near) > 0 {
		mant.Sqrt(mant)
		n++
	}
	s := oNew().Sub(mant, oInt(1))
	s.Quo(s, oNew().Add(mant, oInt(1)))
	s2 := oNew().Mul(s, s)
	sum, p := oNew().Set(s), oNew().Set(s)
	eps := oEps()
	for k := int64(3); ; k += 2 {
		p.Mul(p, s2)
		t := oNew().Quo(p, oInt(k))
		sum.Add(sum, t)
		if oNew().Abs(t).Cmp(eps) < 0 || t.Sign() == 0 {
			break
		}
	}
	sum.SetMantExp(sum, n+1)
	return sum.Add(sum, oNew().Mul(oInt(int64(e)), oLn2()))
}

var (
	oLn2Once sync.Once
	oLn2V    *big.Float
)

func oLn2() *big.Float {
	oLn2Once.Do(func() {
		// ln 2 = 2·atanh(1/3)
		s := oNew().Quo(oInt(1), oInt(3))
		s2 := oNew().Mul(s, s)
		sum, p := oNew().Set(s), oNew().Set(s)
		eps := oEps()
		for k := int64(3); ; k += 2 {
			p.Mul(p, s2)
			t := oNew().Quo(p, oInt(k))
			sum.Add(sum, t)
			if t.Cmp(eps) < 0 {
				break
			}
		}
		oLn2V = sum.Mul(sum, oInt(2))
	})
	return oLn2V
}

// oLog2 is log2(x) for x > 0.
func oLog2(x *big.Float) *big.Float {
	r := oLn(x)
	return r.Quo(r, oLn2())
}

// oExpm1 is e^x - 1 for moderate |x|.
func oExpm1(x *big.Float) *big.Float {
	// Halve until small, sum the series of e^y - 1, then double back with
	// E(2y) = E(y)·(E(y)+2).
	y := oNew().Set(x)
	n := 0
	small := oNew().SetMantExp(oInt(1), -20)
	for oNew().Abs(y).Cmp(small) > 0 {
		y.SetMantExp(y, -1)
		n++
	}
	sum, p := oNew().Set(y), oNew().Set(y)
	eps := oEps()
	for k := int64(2); ; k++ {
		p.Mul(p, y)
		p.Quo(p, oInt(k))
		sum.Add(sum, p)
		if oNew().Abs(p).Cmp(oNew().Mul(eps, oNew().Abs(sum))) < 0 || p.Sign() == 0 {
			break
		}
	}
	for ; n > 0; n-- {
		t := oNew().Add(sum, oInt(2))
		sum.Mul(sum, t)
	}
	return sum
}

// oUlps is (got - want)/ulp(want) for finite nonzero want, as a float64.
func oUlps(got x86.F80, want *big.Float) float64 {
	g := oFrom80(got)
	d := oNew().Sub(g, want)
	if want.Sign() == 0 {
		if d.Sign() == 0 {
			return 0
		}
		return 1e9
	}
	e := want.MantExp(nil)
	ue := e - 64
	if ue < -16445 {
		ue = -16445
	}
	d.SetMantExp(d, -ue)
	f, _ := d.Float64()
	return f
}

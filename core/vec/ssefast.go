package vec

import (
	"math"

	"github.com/blink-go/blink/core/x86"
)

// Fast paths for SSE arithmetic in the default floating-point environment.
//
// When MXCSR asks for round-to-nearest-even with DAZ and FTZ off and every
// exception masked (the state every C runtime starts in), IEEE 754 binary64
// arithmetic as Go specifies it gives the same result as hardware, on every
// host Go supports. What Go does not give is the MXCSR flags, so each fast
// path proves them exactly and cheaply:
//
//   - inexact (PE) from an error-free transformation: TwoSum for add and
//     subtract, the fused multiply-add residual a·b−p for multiply, a−q·b
//     for divide and s·s−a for square root, each exactly representable
//     whenever the exponents are far enough from the bottom of the range,
//     which the operand and result checks guarantee;
//   - overflow, underflow and denormal-operand by classifying: any operand
//     that is denormal, infinite or NaN, and any result that is infinite,
//     zero or within a factor of two of the smallest normal (where after-
//     rounding tininess matters), leaves the fast path;
//   - invalid and divide-by-zero cannot arise from the operands admitted.
//
// Anything the fast path declines goes to the soft-float (soft.go), which
// is the reference. Products are wrapped in explicit float64()/float32()
// conversions: the Go spec lets a compiler fuse x*y+z into one FMA (arm64,
// ppc64, s390x, riscv64 do) unless an explicit conversion forces rounding.
//
// binary32 lanes compute in binary64 and round once more to binary32: for
// +, −, ×, ÷ and √ that double rounding is innocuous because 53 >= 2·24+2
// (Figueroa, "When is double rounding innocuous?", 1995), and binary64
// holds every binary32 product exactly.

const (
	// mxFastMask covers DAZ, the six exception masks, RC and FTZ.
	mxFastMask = 0xffc0
	// mxFastWant is all exceptions masked, RC nearest, DAZ and FTZ off.
	mxFastWant = 0x1f80
)

// fastOK64 reports whether x is zero or a normal number with biased
// exponent below 0x7fe (so no intermediate of an error-free
// transformation can overflow).
func fastOK64(x uint64) bool {
	e := x >> 52 & 0x7ff
	return e-1 < 0x7fc || x<<1 == 0
}

func fastOK32(x uint32) bool {
	e := x >> 23 & 0xff
	return e-1 < 0xfc || x<<1 == 0
}

// fast64 computes op on binary64 lanes a and b in the default environment
// mx. ok is false when the soft-float must decide. Once PE is sticky in
// MXCSR (after the first inexact operation, that is nearly always) nobody
// can observe another inexact result, so the error-free transformations
// are skipped.
func fast64(op uint8, a, b uint64, mx uint32) (r uint64, fl uint32, ok bool) {
	needPE := mx&fPE == 0
	if !fastOK64(b) || (!fastOK64(a) && op != opSqrt) {
		return 0, 0, false
	}
	x, y := math.Float64frombits(a), math.Float64frombits(b)
	var z float64
	var inexact bool
	switch op {
	case opAdd, opSub:
		if op == opSub {
			y = -y
		}
		z = float64(x + y)
		if needPE {
			// TwoSum (Knuth): err is the exact rounding error of x+y.
			yy := float64(z - x)
			xx := float64(z - yy)
			err := float64(float64(x-xx) + float64(y-yy))
			inexact = err != 0
		}
		if z == 0 {
			// Sums of binary64 values are never rounded to zero.
			return math.Float64bits(z), 0, true
		}
	case opMul:
		if a<<1 == 0 || b<<1 == 0 {
			return math.Float64bits(float64(x * y)), 0, true
		}
		// The residual's quantum is ulp(x)·ulp(y) = 2^(ex+ey-104); it is
		// representable when ex+ey >= -970.
		if int(a>>52&0x7ff)+int(b>>52&0x7ff) < 1076 {
			return 0, 0, false
		}
		z = float64(x * y)
		inexact = needPE && math.FMA(x, y, -z) != 0
	case opDiv:
		if b<<1 == 0 {
			return 0, 0, false
		}
		if a<<1 == 0 {
			return math.Float64bits(float64(x / y)), 0, true
		}
		z = float64(x / y)
		// a - q·b is exact when eq+eb >= -970 (same quantum argument).
		if int(math.Float64bits(z)>>52&0x7ff)+int(b>>52&0x7ff) < 1076 {
			return 0, 0, false
		}
		inexact = needPE && math.FMA(z, y, -x) != 0
	case opSqrt:
		// s·s - a is exact when 2es >= -970, that is ea >= -970.
		if b>>63 != 0 || b>>52 < 53 {
			return 0, 0, false
		}
		z = math.Sqrt(y)
		inexact = needPE && math.FMA(z, z, -y) != 0
	case opMin, opMax:
		// Compare and select: equal values (±0 too) select the source.
		if (op == opMin && x < y) || (op == opMax && x > y) {
			return a, 0, true
		}
		return b, 0, true
	default:
		return 0, 0, false
	}
	r = math.Float64bits(z)
	if e := r >> 52 & 0x7ff; e < 2 || e == 0x7ff {
		return 0, 0, false // overflow, or tiny enough for underflow rules
	}
	if inexact {
		fl = fPE
	}
	return r, fl, true
}

// fast32 is fast64 for binary32 lanes.
func fast32(op uint8, a, b uint32, mx uint32) (r uint32, fl uint32, ok bool) {
	needPE := mx&fPE == 0
	if !fastOK32(b) || (!fastOK32(a) && op != opSqrt) {
		return 0, 0, false
	}
	x := float64(math.Float32frombits(a))
	y := float64(math.Float32frombits(b))
	var z float32
	var inexact bool
	switch op {
	case opAdd, opSub:
		if op == opSub {
			y = -y
		}
		s := float64(x + y)
		z = float32(s)
		if needPE {
			yy := float64(s - x)
			xx := float64(s - yy)
			err := float64(float64(x-xx) + float64(y-yy))
			inexact = err != 0 || float64(z) != s
		}
		if s == 0 {
			return math.Float32bits(z), 0, true
		}
	case opMul:
		p := float64(x * y) // exact: 24+24 bits
		z = float32(p)
		inexact = needPE && float64(z) != p
		if p == 0 {
			return math.Float32bits(z), 0, true
		}
	case opDiv:
		if b<<1 == 0 {
			return 0, 0, false
		}
		z = float32(x / y)
		if a<<1 == 0 {
			return math.Float32bits(z), 0, true
		}
		inexact = needPE && float64(float64(z)*y) != x // the product is exact
	case opSqrt:
		if b>>31 != 0 || b<<1 == 0 {
			return 0, 0, false
		}
		z = float32(math.Sqrt(y))
		inexact = needPE && float64(float64(z)*float64(z)) != y
	case opMin, opMax:
		if (op == opMin && x < y) || (op == opMax && x > y) {
			return a, 0, true
		}
		return b, 0, true
	default:
		return 0, 0, false
	}
	r = math.Float32bits(z)
	if e := r >> 23 & 0xff; e < 2 || e == 0xff {
		return 0, 0, false
	}
	if inexact {
		fl = fPE
	}
	return r, fl, true
}

// Hot handlers for the binary64 forms compilers emit in inner loops
// (ADD/SUB/MUL/DIV PD and SD). When MXCSR is the default environment with
// PE already sticky, the only flags left to prove are IE, DE, ZE, OE and
// UE, which the operand and result classes below rule out; anything else
// goes to the general handler.

// mxHot is the default environment with PE already set.
const mxHot = mxFastWant | fPE

// in64 reports an operand that is zero or normal (not denormal, infinite
// or NaN), so it raises neither IE nor DE in add, sub or mul.
func in64(x uint64) bool { return (x>>52&0x7ff)-1 < 0x7fe || x<<1 == 0 }

// out64 reports a result that is normal and at least twice the smallest
// normal: no overflow and no underflow, under any tininess rule.
func out64(r uint64) bool { return (r>>52&0x7ff)-2 < 0x7fd }

// out64z also accepts a zero, for add and sub, whose exact zero results
// are the only zeros they produce from normal operands.
func out64z(r uint64) bool { return out64(r) || r<<1 == 0 }

// outMul accepts r = a·b: a zero result only from a zero operand (a
// product of normal numbers is zero only by underflow).
func outMul(a, b, r uint64) bool { return out64(r) || r<<1 == 0 && (a<<1 == 0 || b<<1 == 0) }

// outDiv accepts r = a/b: a zero result only from a zero dividend (a zero
// divisor gives an infinity or a NaN, which out64 rejects).
func outDiv(a, r uint64) bool { return out64(r) || r<<1 == 0 && a<<1 == 0 }

func f64(x uint64) float64 { return math.Float64frombits(x) }
func b64(x float64) uint64 { return math.Float64bits(x) }

func hotMX(m *x86.Machine) bool { return m.MXCSR&(mxFastMask|fPE) == mxHot }

func addPD(m *x86.Machine, in *x86.Inst) {
	s0, s1 := srcA2(m, in)
	d := &m.XMM[in.Reg]
	if hotMX(m) {
		r0, r1 := b64(float64(f64(d[0])+f64(s0))), b64(float64(f64(d[1])+f64(s1)))
		if in64(d[0]) && in64(s0) && in64(d[1]) && in64(s1) && out64z(r0) && out64z(r1) {
			d[0], d[1] = r0, r1
			return
		}
	}
	fpPDSrc(m, in, x86.XMM{s0, s1})
}

func subPD(m *x86.Machine, in *x86.Inst) {
	s0, s1 := srcA2(m, in)
	d := &m.XMM[in.Reg]
	if hotMX(m) {
		r0, r1 := b64(float64(f64(d[0])-f64(s0))), b64(float64(f64(d[1])-f64(s1)))
		if in64(d[0]) && in64(s0) && in64(d[1]) && in64(s1) && out64z(r0) && out64z(r1) {
			d[0], d[1] = r0, r1
			return
		}
	}
	fpPDSrc(m, in, x86.XMM{s0, s1})
}

func mulPD(m *x86.Machine, in *x86.Inst) {
	s0, s1 := srcA2(m, in)
	d := &m.XMM[in.Reg]
	if hotMX(m) {
		r0, r1 := b64(float64(f64(d[0])*f64(s0))), b64(float64(f64(d[1])*f64(s1)))
		if in64(d[0]) && in64(s0) && in64(d[1]) && in64(s1) && outMul(d[0], s0, r0) && outMul(d[1], s1, r1) {
			d[0], d[1] = r0, r1
			return
		}
	}
	fpPDSrc(m, in, x86.XMM{s0, s1})
}

func divPD(m *x86.Machine, in *x86.Inst) {
	s0, s1 := srcA2(m, in)
	d := &m.XMM[in.Reg]
	if hotMX(m) {
		r0, r1 := b64(float64(f64(d[0])/f64(s0))), b64(float64(f64(d[1])/f64(s1)))
		if in64(d[0]) && in64(s0) && in64(d[1]) && in64(s1) && outDiv(d[0], r0) && outDiv(d[1], r1) {
			d[0], d[1] = r0, r1
			return
		}
	}
	fpPDSrc(m, in, x86.XMM{s0, s1})
}

func addSD(m *x86.Machine, in *x86.Inst) {
	s := src64(m, in)
	d := &m.XMM[in.Reg]
	if hotMX(m) {
		r := b64(float64(f64(d[0]) + f64(s)))
		if in64(d[0]) && in64(s) && out64z(r) {
			d[0] = r
			return
		}
	}
	fpSDSrc(m, in, s)
}

func subSD(m *x86.Machine, in *x86.Inst) {
	s := src64(m, in)
	d := &m.XMM[in.Reg]
	if hotMX(m) {
		r := b64(float64(f64(d[0]) - f64(s)))
		if in64(d[0]) && in64(s) && out64z(r) {
			d[0] = r
			return
		}
	}
	fpSDSrc(m, in, s)
}

func mulSD(m *x86.Machine, in *x86.Inst) {
	s := src64(m, in)
	d := &m.XMM[in.Reg]
	if hotMX(m) {
		r := b64(float64(f64(d[0]) * f64(s)))
		if in64(d[0]) && in64(s) && outMul(d[0], s, r) {
			d[0] = r
			return
		}
	}
	fpSDSrc(m, in, s)
}

func divSD(m *x86.Machine, in *x86.Inst) {
	s := src64(m, in)
	d := &m.XMM[in.Reg]
	if hotMX(m) {
		r := b64(float64(f64(d[0]) / f64(s)))
		if in64(d[0]) && in64(s) && outDiv(d[0], r) {
			d[0] = r
			return
		}
	}
	fpSDSrc(m, in, s)
}

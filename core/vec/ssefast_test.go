package vec

import (
	"math/rand"
	"testing"
)

// The fast paths (ssefast.go) against the soft-float on every host: same
// result bits and same flags for every operand the fast path accepts. The
// host tests establish that the soft-float matches the CPU.

// edge64 adds operands at the fast path's decision boundaries: exponents
// near the bottom of the normal range (residual exactness), near the top
// (overflow), and significands with short tails (exact results).
func edge64(r *rand.Rand) uint64 {
	sign := uint64(r.Intn(2)) << 63
	frac := r.Uint64() & (1<<52 - 1)
	if r.Intn(2) == 0 {
		frac &^= 1<<uint(r.Intn(53)) - 1
	}
	var e int
	switch r.Intn(4) {
	case 0:
		e = 1 + r.Intn(80)
	case 1:
		e = 0x7fe - r.Intn(40)
	case 2:
		e = 1023 - 540 + r.Intn(80) // square roots and quotients near 2^-970
	default:
		e = 1023 + r.Intn(200) - 100
	}
	return sign | uint64(e)<<52 | frac
}

func edge32(r *rand.Rand) uint32 {
	sign := uint32(r.Intn(2)) << 31
	frac := r.Uint32() & (1<<23 - 1)
	if r.Intn(2) == 0 {
		frac &^= 1<<uint(r.Intn(24)) - 1
	}
	var e int
	switch r.Intn(3) {
	case 0:
		e = 1 + r.Intn(40)
	case 1:
		e = 0xfe - r.Intn(30)
	default:
		e = 127 + r.Intn(60) - 30
	}
	return sign | uint32(e)<<23 | frac
}

func TestFastMatchesSoft(t *testing.T) {
	n := 200000
	if testing.Short() {
		n = 20000
	}
	r := rand.New(rand.NewSource(12))
	ops := []uint8{opAdd, opSub, opMul, opDiv, opMin, opMax, opSqrt}
	names := []string{"add", "sub", "mul", "div", "min", "max", "sqrt"}
	for k, op := range ops {
		fast, fails := 0, 0
		for i := 0; i < n && fails < 5; i++ {
			mxPEBit := uint32(i & 1 * fPE) // half the cases skip the inexact proof
			var a, b uint64
			switch r.Intn(3) {
			case 0:
				a, b = rnd64(r), rnd64(r)
			case 1:
				a = edge64(r)
				b = near64(r, a)
			default:
				a, b = edge64(r), edge64(r)
			}
			if rv, fl, ok := fast64(op, a, b, mxFastWant|mxPEBit); ok {
				fast++
				sv, sf := soft64(op, a, b, mxFastWant)
				if rv != sv || fl|mxPEBit != sf&0x3f|mxPEBit {
					t.Errorf("%s64 %016x %016x: fast %016x fl %x, soft %016x fl %x", names[k], a, b, rv, fl, sv, sf)
					fails++
				}
			}
		}
		t.Logf("%-4s binary64: %d cases, %d on the fast path", names[k], n, fast)
		fast = 0
		for i := 0; i < n && fails < 5; i++ {
			mxPEBit := uint32(i & 1 * fPE)
			var a, b uint32
			switch r.Intn(3) {
			case 0:
				a, b = rnd32(r), rnd32(r)
			case 1:
				a = edge32(r)
				b = near32(r, a)
			default:
				a, b = edge32(r), edge32(r)
			}
			if rv, fl, ok := fast32(op, a, b, mxFastWant|mxPEBit); ok {
				fast++
				sv, sf := soft32(op, a, b, mxFastWant)
				if rv != sv || fl|mxPEBit != sf&0x3f|mxPEBit {
					t.Errorf("%s32 %08x %08x: fast %08x fl %x, soft %08x fl %x", names[k], a, b, rv, fl, sv, sf)
					fails++
				}
			}
		}
		t.Logf("%-4s binary32: %d cases, %d on the fast path", names[k], n, fast)
	}
}

// BenchmarkArith64 measures one binary64 lane in the default environment.
func BenchmarkArith64(b *testing.B) {
	for _, c := range []struct {
		name string
		op   uint8
	}{{"add", opAdd}, {"mul", opMul}, {"div", opDiv}, {"sqrt", opSqrt}} {
		b.Run(c.name, func(b *testing.B) {
			x, y := uint64(0x3ff8000000000001), uint64(0x4000000000000003)
			var fl uint32
			for i := 0; i < b.N; i++ {
				var f uint32
				x, f = arith64(c.op, x, y, 0x1f80)
				x &= 1<<62 - 1
				x |= 0x3ff << 52
				fl |= f
			}
			_ = fl
		})
		b.Run(c.name+"/soft", func(b *testing.B) {
			x, y := uint64(0x3ff8000000000001), uint64(0x4000000000000003)
			for i := 0; i < b.N; i++ {
				x, _ = soft64(c.op, x, y, 0x1f80)
				x &= 1<<62 - 1
				x |= 0x3ff << 52
			}
		})
	}
}

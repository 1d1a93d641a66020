package vec

import (
	"math/big"
	"math/rand"
	"testing"

	"github.com/blink-go/blink/core/x86"
)

// Portable oracle test (every host): 80-bit add/sub/mul/div/sqrt/FRNDINT in
// all rounding modes against math/big.Float at 64-bit precision, for
// operands whose results stay in the normal range.

func f80Big(x x86.F80) *big.Float {
	f := new(big.Float).SetPrec(64).SetUint64(x.Mant)
	f.SetMantExp(f, int(x.SE&0x7fff)-16383-63)
	if x.SE>>15 != 0 {
		f.Neg(f)
	}
	return f
}

func bigF80(f *big.Float) x86.F80 {
	if f.Sign() == 0 {
		if f.Signbit() {
			return x86.F80{SE: 0x8000}
		}
		return x86.F80{}
	}
	mant := new(big.Float)
	e := f.MantExp(mant) // f = mant·2^e, 0.5 <= |mant| < 1
	mant.Abs(mant)
	mant.SetMantExp(mant, 64)
	u, _ := mant.Uint64()
	se := uint16(e - 1 + 16383)
	if f.Signbit() {
		se |= 0x8000
	}
	return x86.F80{Mant: u, SE: se}
}

// bigSqrt is an exact-then-rounded square root of a positive finite a:
// big.Float.Sqrt is not correctly rounded in the directed modes.
func bigSqrt(a x86.F80) *big.Float {
	e := int(a.SE&0x7fff) - 16383 - 63
	n := new(big.Int).SetUint64(a.Mant)
	if e&1 != 0 {
		n.Lsh(n, 1)
		e--
	}
	n.Lsh(n, 128)
	root := new(big.Int).Sqrt(n)
	sticky := new(big.Int).Mul(root, root).Cmp(n) != 0
	root.Lsh(root, 1)
	if sticky {
		root.SetBit(root, 0, 1)
	}
	f := new(big.Float).SetPrec(256).SetInt(root)
	return f.SetMantExp(f, (e-128)/2-1)
}

var bigModes = [4]big.RoundingMode{big.ToNearestEven, big.ToNegativeInf, big.ToPositiveInf, big.ToZero}

func TestF80Oracle(t *testing.T) {
	r := rand.New(rand.NewSource(4))
	n := 20000
	if testing.Short() {
		n = 2000
	}
	for i := 0; i < n; i++ {
		a := x86.F80{Mant: 1<<63 | r.Uint64(), SE: uint16(r.Intn(2))<<15 | uint16(16383+r.Intn(200)-100)}
		b := x86.F80{Mant: 1<<63 | r.Uint64(), SE: uint16(r.Intn(2))<<15 | uint16(16383+r.Intn(200)-100)}
		if r.Intn(4) == 0 {
			b.Mant = a.Mant ^ uint64(r.Intn(4))
			b.SE = a.SE ^ uint16(r.Intn(2))<<15
		}
		rc := uint32(r.Intn(4))
		cw := uint16(0x037f) | uint16(rc)<<10
		ua, ub := unpack80(a.Mant, a.SE), unpack80(b.Mant, b.SE)
		for _, op := range []uint8{opAdd, opSub, opMul, opDiv, opSqrt} {
			x, y := f80Big(a), f80Big(b)
			z := new(big.Float).SetPrec(64).SetMode(bigModes[rc])
			switch op {
			case opAdd:
				z.Add(x, y)
			case opSub:
				z.Sub(x, y)
			case opMul:
				z.Mul(x, y)
			case opDiv:
				z.Quo(x, y)
			case opSqrt:
				if x.Signbit() {
					continue
				}
				z.Set(bigSqrt(a))
			}
			want := bigF80(z)
			got, fl := arith80(op, &ua, &ub, cw)
			if got != want {
				t.Fatalf("op %d rc %d: %04x:%016x, %04x:%016x = %04x:%016x, want %04x:%016x",
					op, rc, a.SE, a.Mant, b.SE, b.Mant, got.SE, got.Mant, want.SE, want.Mant)
			}
			// big.Float.Sqrt leaves Acc unspecified; the host tests cover its PE.
			if exact := z.Acc() == big.Exact; op != opSqrt && exact != (fl&fPE == 0) {
				t.Fatalf("op %d: PE=%v, big says exact=%v", op, fl&fPE != 0, exact)
			}
		}
		// FRNDINT against big.Int conversion in the same mode.
		x := f80Big(a)
		got, _ := roundInt80(a, cw)
		var want x86.F80
		if a.SE&0x7fff >= 16383+63 {
			want = a
		} else {
			i, _ := x.Int(nil)
			fi := new(big.Float).SetInt(i)
			// big's Int truncates; adjust for the other modes.
			rem := new(big.Float).Sub(x, fi)
			switch rc {
			case rcDown:
				if rem.Sign() < 0 {
					fi.Sub(fi, big.NewFloat(1))
				}
			case rcUp:
				if rem.Sign() > 0 {
					fi.Add(fi, big.NewFloat(1))
				}
			case rcNear:
				h := new(big.Float).Abs(rem)
				c := h.Cmp(big.NewFloat(0.5))
				odd := new(big.Int).And(new(big.Int).Abs(i), big.NewInt(1)).Sign() != 0
				if c > 0 || (c == 0 && odd) {
					fi.Add(fi, big.NewFloat(float64(rem.Sign())))
				}
			}
			if fi.Sign() == 0 && x.Signbit() {
				fi.Neg(fi)
			}
			want = bigF80(fi)
		}
		if got != want {
			t.Fatalf("FRNDINT rc %d %04x:%016x = %04x:%016x, want %04x:%016x", rc, a.SE, a.Mant, got.SE, got.Mant, want.SE, want.Mant)
		}
	}
}

// Handlers on the hot path must not allocate.
func TestNoAllocs(t *testing.T) {
	m := x86.NewMachine(nil, nil, nil)
	m.XMM[1] = x86.XMM{0x3ff8000000000000, 0x4000000000000000}
	m.XMM[2] = x86.XMM{0x3ff0000000000001, 0x3fe0000000000000}
	for _, in := range []x86.Inst{
		{Op: 0x158, Pfx: x86.PfxRepne, Mod: 3, Reg: 1, RM: 2},  // ADDSD
		{Op: 0x15e, Pfx: x86.PfxOpsize, Mod: 3, Reg: 1, RM: 2}, // DIVPD
		{Op: 0x151, Pfx: x86.PfxRep, Mod: 3, Reg: 1, RM: 2},    // SQRTSS
		{Op: 0x174, Pfx: x86.PfxOpsize, Mod: 3, Reg: 1, RM: 2}, // PCMPEQB
		{Op: 0xd8, Mod: 3, Reg: 0, RM: 1},                      // FADD st, st1
	} {
		in := in
		h := Bind(&in)
		m.FPU.Tag = 0
		if a := testing.AllocsPerRun(100, func() { h(m, &in) }); a != 0 {
			t.Errorf("op %#x: %v allocs", in.Op, a)
		}
	}
}

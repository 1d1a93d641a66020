package vec

import (
	"math/big"
	"math/rand"
	"testing"

	"github.com/blink-go/blink/core/x86"
)

// The 128-bit constants of f80trans.go against the math/big oracle.
func TestTransConstants(t *testing.T) {
	// The constants are rounded to 128 bits; the tables, computed at
	// start-up by series, are good to a few units of the 128th bit.
	tol := 0x1p-127
	check := func(name string, c xf, want *big.Float) {
		got := oNew().SetUint64(c.hi)
		got.SetMantExp(got, 64)
		got.Add(got, oNew().SetUint64(c.lo))
		got.SetMantExp(got, int(c.exp)-127)
		if c.neg {
			got.Neg(got)
		}
		d := oNew().Sub(got, want)
		d.Quo(d, want)
		if f, _ := d.Float64(); f > tol || f < -tol {
			t.Errorf("%s: relative error %g", name, f)
		}
	}
	check("ln2", xfLn2, oLn2())
	check("log2e", xfLog2e, oNew().Quo(oInt(1), oLn2()))
	check("pi", xfPi, oPi())
	check("pi/2", xfPiHlf, oNew().Quo(oPi(), oInt(2)))
	x87Pi := oNew().SetMantExp(oNew().SetUint64(p66hi<<62|p66lo>>2), 2-64)
	x87Pi.Add(x87Pi, oNew().SetMantExp(oNew().SetUint64(p66lo&3), -64))
	want := oNew().SetMantExp(oNew().SetUint64(0xc90fdaa22168c234), 2-64)
	want.Add(want, oNew().SetMantExp(oNew().SetUint64(0xc), 2-68))
	if x87Pi.Cmp(want) != 0 {
		t.Errorf("P66 is not the SDM's 0.C90FDAA2 2168C234 C·2^2")
	}
	check("x87 pi/4", xfPi4x87, oNew().Quo(want, oInt(4)))
	tol = 0x1p-122
	for k := 1; k <= 16; k++ {
		check("atan(k/16)", atanTab[k], oAtan(oNew().Quo(oInt(int64(k)), oInt(16))))
	}
	for j := 11; j <= 24; j++ {
		if j != 16 {
			check("ln(j/16)", lnTab[j], oLn(oNew().Quo(oInt(int64(j)), oInt(16))))
		}
	}
	for j := -32; j <= 32; j++ {
		if j != 0 {
			check("2^(j/32)-1", exp2m1Tab[j+32], oExpm1(oNew().Mul(oNew().Quo(oInt(int64(j)), oInt(32)), oLn2())))
		}
	}
}

// d9Inst decodes D9 modrm (a register form) as the decoder would.
func d9Inst(modrm byte) x86.Inst {
	return x86.Inst{Op: 0xd9, Mod: 3, Reg: modrm >> 3 & 7, RM: modrm & 7, OpSize: 4, AddrSize: 8,
		Base: x86.RegNone, Index: x86.RegNone, Len: 2}
}

// The transcendentals allocate nothing; benchmarks report their cost.
func TestTransNoAlloc(t *testing.T) {
	m := x86.NewMachine(nil, nil, nil)
	for _, modrm := range []byte{0xf0, 0xf1, 0xf2, 0xf3, 0xf9, 0xfb, 0xfe, 0xff} {
		in := d9Inst(modrm)
		h := Bind(&in)
		n := testing.AllocsPerRun(100, func() {
			m.FPU = x86.FPU{CW: 0x037f, Tag: 0x0fff, Top: 6}
			setST(m, 0, x86.F80{Mant: 0xb504f333f9de6484, SE: 16382})
			setST(m, 1, x86.F80{Mant: 0xc90fdaa22168c235, SE: 16384})
			h(m, &in)
		})
		if n != 0 {
			t.Errorf("D9 %02x: %v allocations", modrm, n)
		}
	}
}

func BenchmarkX87Trans(b *testing.B) {
	r := rand.New(rand.NewSource(1))
	for _, c := range []struct {
		name  string
		modrm byte
		gen   func() (x86.F80, x86.F80)
	}{
		{"F2XM1", 0xf0, func() (x86.F80, x86.F80) { return mk80(rsign(r), -r.Intn(4)-1, r.Uint64()), x86.F80{} }},
		{"FYL2X", 0xf1, func() (x86.F80, x86.F80) {
			return mk80(false, r.Intn(20)-10, r.Uint64()), mk80(rsign(r), r.Intn(4), r.Uint64())
		}},
		{"FPTAN", 0xf2, func() (x86.F80, x86.F80) { return mk80(rsign(r), r.Intn(6)-2, r.Uint64()), x86.F80{} }},
		{"FPATAN", 0xf3, func() (x86.F80, x86.F80) {
			return mk80(rsign(r), r.Intn(6)-2, r.Uint64()), mk80(rsign(r), r.Intn(6)-2, r.Uint64())
		}},
		{"FYL2XP1", 0xf9, func() (x86.F80, x86.F80) {
			return mk80(rsign(r), -r.Intn(6)-3, r.Uint64()), mk80(rsign(r), r.Intn(4), r.Uint64())
		}},
		{"FSINCOS", 0xfb, func() (x86.F80, x86.F80) { return mk80(rsign(r), r.Intn(6)-2, r.Uint64()), x86.F80{} }},
		{"FSIN", 0xfe, func() (x86.F80, x86.F80) { return mk80(rsign(r), r.Intn(6)-2, r.Uint64()), x86.F80{} }},
		{"FCOS", 0xff, func() (x86.F80, x86.F80) { return mk80(rsign(r), r.Intn(6)-2, r.Uint64()), x86.F80{} }},
	} {
		var xs, ys [64]x86.F80
		for i := range xs {
			xs[i], ys[i] = c.gen()
		}
		b.Run(c.name, func(b *testing.B) {
			m := x86.NewMachine(nil, nil, nil)
			in := d9Inst(c.modrm)
			h := Bind(&in)
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				m.FPU.Top, m.FPU.Tag = 6, 0x0fff
				m.FPU.St[6], m.FPU.St[7] = xs[i&63], ys[i&63]
				h(m, &in)
			}
		})
	}
}

func mk80(neg bool, e int, sig uint64) x86.F80 {
	se := uint16(e + 16383)
	if neg {
		se |= 0x8000
	}
	return x86.F80{Mant: sig | 1<<63, SE: se}
}

func rsign(r *rand.Rand) bool { return r.Intn(2) == 0 }

//go:build linux

package vec

import (
	"math/rand"
	"testing"

	"github.com/blink-go/blink/core/x86"
)

// x87 register forms compared with the host CPU (see host_amd64_test.go).

func rnd80(r *rand.Rand) x86.F80 {
	sign := uint16(r.Intn(2)) << 15
	mant := r.Uint64()
	switch r.Intn(20) {
	case 0:
		return x86.F80{SE: sign}
	case 1:
		return x86.F80{Mant: 1 << 63, SE: sign | 0x7fff}
	case 2:
		return x86.F80{Mant: 3<<62 | mant>>3, SE: sign | 0x7fff} // QNaN
	case 3:
		return x86.F80{Mant: 1<<63 | mant>>3 | 1, SE: sign | 0x7fff} // SNaN
	case 4:
		return x86.F80{Mant: mant >> uint(1+r.Intn(63)), SE: sign} // denormal
	case 5:
		return x86.F80{Mant: 1<<63 | mant, SE: sign | uint16(1+r.Intn(3))} // tiny
	case 6:
		return x86.F80{Mant: 1<<63 | mant, SE: sign | uint16(0x7ffe-r.Intn(3))} // huge
	case 7:
		return x86.F80{Mant: ^uint64(0) << uint(r.Intn(64)), SE: sign | uint16(16383+r.Intn(8)-4)}
	case 8:
		return x86.F80{Mant: mant &^ (1 << 63), SE: sign | uint16(1+r.Intn(0x7ffd))} // unnormal
	case 9:
		// small integers and halves for FRNDINT/FPREM/FSCALE
		v := int64(r.Intn(2000) - 1000)
		u := fromInt(v)
		f, _ := unpTo80(&u)
		f.SE -= uint16(r.Intn(3))
		if v == 0 {
			return x86.F80{}
		}
		return f
	case 10:
		return x86.F80{Mant: 1<<63 | mant, SE: sign | uint16(16383+r.Intn(200)-100)}
	}
	return x86.F80{Mant: 1<<63 | mant, SE: sign | uint16(16383+r.Intn(40)-20)}
}

func near80(r *rand.Rand, a x86.F80) x86.F80 {
	if r.Intn(3) == 0 || a.SE&0x7fff == 0 || a.SE&0x7fff == 0x7fff {
		return rnd80(r)
	}
	e := int(a.SE&0x7fff) + r.Intn(140) - 70
	if e <= 0 || e >= 0x7fff {
		return rnd80(r)
	}
	return x86.F80{Mant: 1<<63 | r.Uint64(), SE: uint16(r.Intn(2))<<15 | uint16(e)}
}

func rndX87(r *rand.Rand, m *x86.Machine, empties bool) {
	f := &m.FPU
	f.CW = 0x037f&^0xf00 | uint16([3]int{0, 2, 3}[r.Intn(3)])<<8 | uint16(r.Intn(4))<<10
	f.Top = uint8(r.Intn(8))
	f.Tag = 0
	for i := range f.St {
		f.St[i] = rnd80(r)
	}
	// ST(1) near ST(0) for interesting rounding.
	f.St[(f.Top+1)&7] = near80(r, f.St[f.Top])
	for p := uint8(0); p < 8; p++ {
		t := tagFor(&f.St[p])
		if empties && r.Intn(12) == 0 {
			t = tagEmpty
		}
		setTagPhys(m, p, t)
	}
}

func TestHostX87(t *testing.T) {
	type c87 struct {
		name   string
		op     byte
		modrm  []byte
		noEmpt bool
	}
	seq := func(b byte, n int) []byte {
		var r []byte
		for i := 0; i < n; i++ {
			r = append(r, b+byte(i))
		}
		return r
	}
	cases := []c87{
		{"FADD st,sti", 0xd8, seq(0xc0, 8), false},
		{"FMUL st,sti", 0xd8, seq(0xc8, 8), false},
		{"FCOM", 0xd8, seq(0xd0, 8), false},
		{"FCOMP", 0xd8, seq(0xd8, 8), false},
		{"FSUB st,sti", 0xd8, seq(0xe0, 8), false},
		{"FSUBR st,sti", 0xd8, seq(0xe8, 8), false},
		{"FDIV st,sti", 0xd8, seq(0xf0, 8), false},
		{"FDIVR st,sti", 0xd8, seq(0xf8, 8), false},
		{"FADD sti,st", 0xdc, seq(0xc0, 8), false},
		{"FSUBR sti,st", 0xdc, seq(0xe0, 8), false},
		{"FSUB sti,st", 0xdc, seq(0xe8, 8), false},
		{"FDIVR sti,st", 0xdc, seq(0xf0, 8), false},
		{"FDIV sti,st", 0xdc, seq(0xf8, 8), false},
		{"FADDP", 0xde, seq(0xc0, 8), false},
		{"FMULP", 0xde, seq(0xc8, 8), false},
		{"FSUBRP", 0xde, seq(0xe0, 8), false},
		{"FSUBP", 0xde, seq(0xe8, 8), false},
		{"FDIVRP", 0xde, seq(0xf0, 8), false},
		{"FDIVP", 0xde, seq(0xf8, 8), false},
		{"FCOMPP", 0xde, []byte{0xd9}, false},
		{"FUCOM", 0xdd, seq(0xe0, 8), false},
		{"FUCOMP", 0xdd, seq(0xe8, 8), false},
		{"FUCOMPP", 0xda, []byte{0xe9}, false},
		{"FUCOMI", 0xdb, seq(0xe8, 8), false},
		{"FCOMI", 0xdb, seq(0xf0, 8), false},
		{"FUCOMIP", 0xdf, seq(0xe8, 8), false},
		{"FCOMIP", 0xdf, seq(0xf0, 8), false},
		{"FCMOVcc", 0xda, seq(0xc0, 32), false},
		{"FCMOVNcc", 0xdb, seq(0xc0, 32), false},
		{"FLD sti", 0xd9, seq(0xc0, 8), false},
		{"FXCH", 0xd9, seq(0xc8, 8), false},
		{"FST sti", 0xdd, seq(0xd0, 8), false},
		{"FSTP sti", 0xdd, seq(0xd8, 8), false},
		{"FFREE", 0xdd, seq(0xc0, 8), false},
		{"FCHS", 0xd9, []byte{0xe0}, false},
		{"FABS", 0xd9, []byte{0xe1}, false},
		{"FTST", 0xd9, []byte{0xe4}, false},
		{"FXAM", 0xd9, []byte{0xe5}, false},
		{"FLDconst", 0xd9, seq(0xe8, 7), false},
		{"FXTRACT", 0xd9, []byte{0xf4}, false},
		{"FPREM1", 0xd9, []byte{0xf5}, false},
		{"FDECSTP", 0xd9, []byte{0xf6}, false},
		{"FINCSTP", 0xd9, []byte{0xf7}, false},
		{"FPREM", 0xd9, []byte{0xf8}, false},
		{"FSQRT", 0xd9, []byte{0xfa}, false},
		{"FRNDINT", 0xd9, []byte{0xfc}, false},
		{"FSCALE", 0xd9, []byte{0xfd}, false},
		{"FNCLEX", 0xdb, []byte{0xe2}, false},
		{"FNINIT", 0xdb, []byte{0xe3}, false},
		{"FNSTSW AX", 0xdf, []byte{0xe0}, false},
	}
	n := 3000
	if testing.Short() {
		n = 300
	}
	r := rand.New(rand.NewSource(2))
	for _, c := range cases {
		fails := 0
		for i := 0; i < n && fails < 3; i++ {
			m := newTestMachine()
			rndX87(r, m, !c.noEmpt)
			m.R[x86.RAX] = r.Uint64()
			m.SetFlags(uint64(r.Intn(0x1000)) & x86.FlagsArith)
			tc := x87RR(c.op, c.modrm[r.Intn(len(c.modrm))])
			if d := compareHost(tc, m); d != "" {
				t.Errorf("%s case %d (% x): %s", c.name, i, tc.code, d)
				fails++
			}
		}
		t.Logf("%-12s %d cases", c.name, n)
	}
}

//go:build linux

package vec

import (
	"math/rand"
	"testing"

	"github.com/blink-go/blink/core/x86"
)

// FBLD and FBSTP (packed BCD) against the host, memory and state.

// rndBCD fills 10 bytes with a packed BCD number: usually valid digits,
// sometimes invalid nibbles (above 9), random bits beside the sign.
func rndBCD(r *rand.Rand, b []byte) {
	for i := 0; i < 9; i++ {
		lo, hi := byte(r.Intn(10)), byte(r.Intn(10))
		if r.Intn(8) == 0 {
			lo = byte(r.Intn(16))
		}
		if r.Intn(8) == 0 {
			hi = byte(r.Intn(16))
		}
		b[i] = hi<<4 | lo
	}
	if r.Intn(4) == 0 {
		// Short numbers and zero.
		for i := r.Intn(10); i < 9; i++ {
			b[i] = 0
		}
	}
	b[9] = byte(r.Intn(2)) << 7
	if r.Intn(4) == 0 {
		b[9] |= byte(r.Intn(128))
	}
}

// rndBCDSource is a value for FBSTP: integers and fractions all over the
// 18-digit range, its edges, and the usual special encodings.
func rndBCDSource(r *rand.Rand) x86.F80 {
	neg := rsign(r)
	switch r.Intn(6) {
	case 0:
		return rnd80(r)
	case 1:
		// Near 10^18: 999999999999999999 is 0xde0b6b3a763ffff, 60 bits.
		v := fromInt(int64(bcdMax + r.Intn(5) - 2))
		f, _ := unpTo80(&v)
		f.Mant += uint64(r.Intn(64)) - 32
		f.Mant |= 1 << 63
		if neg {
			f.SE |= 0x8000
		}
		return f
	case 2:
		// Small values and halves.
		return mk80(neg, r.Intn(6)-3, r.Uint64()&^(1<<62-1)|uint64(r.Intn(2))<<61)
	case 3:
		return mk80(neg, -r.Intn(70), r.Uint64())
	}
	return mk80(neg, r.Intn(64), r.Uint64())
}

func TestHostFBCD(t *testing.T) {
	env := newMemEnv(t)
	n := 3000
	if testing.Short() {
		n = 300
	}
	r := rand.New(rand.NewSource(10))
	init := make([]byte, 4096)
	for _, f := range []struct {
		name string
		d    uint8
	}{{"FBLD", 4}, {"FBSTP", 6}} {
		fails := 0
		for i := 0; i < n && fails < 5; i++ {
			m := newTestMachine()
			rndX87(r, m, r.Intn(4) == 0)
			fillPage(r, init, 0)
			off := 64 + r.Intn(3800)
			if f.d == 4 {
				rndBCD(r, init[off:off+10])
			} else {
				setST(m, 0, rndBCDSource(r))
				if r.Intn(10) == 0 {
					setTagPhys(m, phys(m, 0), tagEmpty)
				}
			}
			m.FPU.SW = uint16(r.Intn(1<<16)) & (swC0 | swC1 | swC2 | swC3)
			e := enc{mp: x86.Map1, op: 0xdf, reg: f.d, mem: true, imm: -1, disp: int8(r.Intn(64) - 32)}
			m.R[x86.RCX] = env.addr + uint64(off) - uint64(int64(e.disp))
			tc := e.build()
			if d := env.runBoth(tc, m, init, nil); d != "" {
				t.Errorf("%s case %d at page offset %#x: % x: %s", f.name, i, off, init[off:off+10], d)
				fails++
			}
		}
		t.Logf("%s: %d cases", f.name, n)
	}
}

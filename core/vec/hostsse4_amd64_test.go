//go:build linux

package vec

import (
	"math/rand"
	"testing"

	"github.com/blink-go/blink/core/decode"
	"github.com/blink-go/blink/core/x86"
)

// SSSE3, SSE4.1, SSE4.2, PCLMULQDQ and AES-NI against the host: every form in
// register and memory variants, decoded by core/decode from the same bytes
// the host runs, from random and special operands (integer boundary
// lanes, float specials, short strings with embedded zeros, boundary
// explicit lengths).

// opnd kinds for the XMM/MM operands and the memory page.
const (
	okInt = iota // integer lanes biased to boundaries and equal elements
	okF32
	okF64
	okStr // small alphabet with zeros, for PCMPxSTRx
)

type s4form struct {
	name     string
	pfx      byte // mandatory prefix
	pfx2     byte // extra prefix (66 with F2 for CRC32 r/m16)
	mp       int
	op       byte
	imm      bool
	mm       bool // MMX form: registers are MM0-MM7
	regGPR   bool // ModRM.reg is a general register (CRC32)
	rmGPR    bool // register r/m is a general register (PEXTR*, PINSR*, CRC32)
	byteRM   bool // r/m8: register forms also try AH..DH
	w        bool
	align    bool // memory operand must be 16-byte aligned
	noReg    bool
	kind     int
	explicit bool // PCMPESTRx: lengths in RAX/RDX
}

func sse4Forms() []s4form {
	var fs []s4form
	ssse3 := map[byte]string{0x00: "PSHUFB", 0x01: "PHADDW", 0x02: "PHADDD", 0x03: "PHADDSW", 0x04: "PMADDUBSW",
		0x05: "PHSUBW", 0x06: "PHSUBD", 0x07: "PHSUBSW", 0x08: "PSIGNB", 0x09: "PSIGNW", 0x0a: "PSIGND",
		0x0b: "PMULHRSW", 0x1c: "PABSB", 0x1d: "PABSW", 0x1e: "PABSD"}
	for op, n := range ssse3 {
		fs = append(fs, s4form{name: n, pfx: 0x66, mp: x86.Map0F38, op: op, align: true},
			s4form{name: n + " mm", mp: x86.Map0F38, op: op, mm: true})
	}
	fs = append(fs, s4form{name: "PALIGNR", pfx: 0x66, mp: x86.Map0F3A, op: 0x0f, imm: true, align: true},
		s4form{name: "PALIGNR mm", mp: x86.Map0F3A, op: 0x0f, imm: true, mm: true})
	sse41 := map[byte]string{0x10: "PBLENDVB", 0x14: "BLENDVPS", 0x15: "BLENDVPD", 0x17: "PTEST", 0x28: "PMULDQ",
		0x29: "PCMPEQQ", 0x2b: "PACKUSDW", 0x37: "PCMPGTQ", 0x38: "PMINSB", 0x39: "PMINSD", 0x3a: "PMINUW",
		0x3b: "PMINUD", 0x3c: "PMAXSB", 0x3d: "PMAXSD", 0x3e: "PMAXUW", 0x3f: "PMAXUD", 0x40: "PMULLD",
		0x41: "PHMINPOSUW"}
	for op, n := range sse41 {
		fs = append(fs, s4form{name: n, pfx: 0x66, mp: x86.Map0F38, op: op, align: true})
	}
	for i, n := range []string{"BW", "BD", "BQ", "WD", "WQ", "DQ"} {
		fs = append(fs, s4form{name: "PMOVSX" + n, pfx: 0x66, mp: x86.Map0F38, op: 0x20 + byte(i)},
			s4form{name: "PMOVZX" + n, pfx: 0x66, mp: x86.Map0F38, op: 0x30 + byte(i)})
	}
	fs = append(fs, s4form{name: "MOVNTDQA", pfx: 0x66, mp: x86.Map0F38, op: 0x2a, align: true, noReg: true})
	imm3A := []struct {
		n     string
		op    byte
		align bool
		kind  int
	}{{"ROUNDPS", 0x08, true, okF32}, {"ROUNDPD", 0x09, true, okF64}, {"ROUNDSS", 0x0a, false, okF32},
		{"ROUNDSD", 0x0b, false, okF64}, {"BLENDPS", 0x0c, true, okInt}, {"BLENDPD", 0x0d, true, okInt},
		{"PBLENDW", 0x0e, true, okInt}, {"INSERTPS", 0x21, false, okInt}, {"DPPS", 0x40, true, okF32},
		{"DPPD", 0x41, true, okF64}, {"MPSADBW", 0x42, true, okInt}, {"PCLMULQDQ", 0x44, true, okInt}}
	for _, c := range imm3A {
		fs = append(fs, s4form{name: c.n, pfx: 0x66, mp: x86.Map0F3A, op: c.op, imm: true, align: c.align, kind: c.kind})
	}
	for _, c := range []struct {
		n  string
		op byte
		w  bool
	}{{"PEXTRB", 0x14, false}, {"PEXTRW", 0x15, false}, {"PEXTRD", 0x16, false}, {"PEXTRQ", 0x16, true},
		{"EXTRACTPS", 0x17, false}, {"EXTRACTPS W", 0x17, true}, {"PINSRB", 0x20, false}, {"PINSRD", 0x22, false},
		{"PINSRQ", 0x22, true}} {
		fs = append(fs, s4form{name: c.n, pfx: 0x66, mp: x86.Map0F3A, op: c.op, imm: true, rmGPR: true, w: c.w})
	}
	for _, c := range []struct {
		n  string
		op byte
	}{{"PCMPESTRM", 0x60}, {"PCMPESTRI", 0x61}, {"PCMPISTRM", 0x62}, {"PCMPISTRI", 0x63}} {
		for _, w := range []bool{false, true} {
			n := c.n
			if w {
				n += " W"
			}
			fs = append(fs, s4form{name: n, pfx: 0x66, mp: x86.Map0F3A, op: c.op, imm: true, w: w, kind: okStr,
				explicit: c.op < 0x62})
		}
	}
	for _, c := range []struct {
		n    string
		pfx2 byte
		op   byte
		w    bool
	}{{"CRC32 r32,r/m8", 0, 0xf0, false}, {"CRC32 r64,r/m8", 0, 0xf0, true}, {"CRC32 r32,r/m16", 0x66, 0xf1, false},
		{"CRC32 r32,r/m32", 0, 0xf1, false}, {"CRC32 r64,r/m64", 0, 0xf1, true}, {"CRC32 66 r32,r/m8", 0x66, 0xf0, false}} {
		fs = append(fs, s4form{name: c.n, pfx: 0xf2, pfx2: c.pfx2, mp: x86.Map0F38, op: c.op, w: c.w, regGPR: true,
			rmGPR: true, byteRM: c.op == 0xf0})
	}
	for _, c := range []struct {
		n  string
		mp int
		op byte
	}{{"AESIMC", x86.Map0F38, 0xdb}, {"AESENC", x86.Map0F38, 0xdc}, {"AESENCLAST", x86.Map0F38, 0xdd},
		{"AESDEC", x86.Map0F38, 0xde}, {"AESDECLAST", x86.Map0F38, 0xdf}, {"AESKEYGENASSIST", x86.Map0F3A, 0xdf}} {
		fs = append(fs, s4form{name: c.n, pfx: 0x66, mp: c.mp, op: c.op, imm: c.mp == x86.Map0F3A, align: true})
	}
	return fs
}

// rndIntLanes returns a quadword of boundary-biased bytes, words or dwords.
func rndIntLanes(r *rand.Rand) uint64 {
	if r.Intn(3) == 0 {
		return r.Uint64()
	}
	specials := []uint64{0, 1, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff, 0x7fffffff, 0x80000000, 0xffffffff}
	var v uint64
	for o := uint(0); o < 64; {
		size := uint(8) << uint(r.Intn(3))
		if o+size > 64 {
			size = 64 - o
		}
		var x uint64
		switch r.Intn(3) {
		case 0:
			x = specials[r.Intn(len(specials))]
		case 1:
			x = uint64(r.Intn(5))
			if r.Intn(2) == 0 {
				x = -x
			}
		default:
			x = r.Uint64()
		}
		v |= x & (1<<size - 1) << o
		o += size
	}
	return v
}

func rndStrLanes(r *rand.Rand) uint64 {
	alpha := []byte{0, 'a', 'b', 'c', 'z', 0x80, 0xff, 0x7f, 0x01}
	var v uint64
	for i := uint(0); i < 8; i++ {
		b := alpha[r.Intn(len(alpha))]
		if b == 0 && r.Intn(3) != 0 {
			b = 'a'
		}
		v |= uint64(b) << (8 * i)
	}
	return v
}

func rndQword(r *rand.Rand, kind int) uint64 {
	switch kind {
	case okF32:
		return uint64(rnd32(r)) | uint64(rnd32(r))<<32
	case okF64:
		return rnd64(r)
	case okStr:
		return rndStrLanes(r)
	}
	return rndIntLanes(r)
}

// rndLen is an explicit string length: mostly in and around 0..16,
// sometimes a boundary of the 32- or 64-bit register.
func rndLen(r *rand.Rand) uint64 {
	switch r.Intn(6) {
	case 0:
		return []uint64{0x80000000, 0x7fffffff, 0xffffffff, 0x8000000000000000, 0x7fffffffffffffff,
			0x100000005, 0xfffffffffffffff0, 0xffffffff00000003}[r.Intn(8)]
	case 1:
		return r.Uint64()
	}
	return uint64(int64(r.Intn(41) - 20))
}

func TestHostSSE4(t *testing.T) {
	env := newMemEnv(t)
	n := 600
	if testing.Short() {
		n = 150
	}
	r := rand.New(rand.NewSource(12))
	init := make([]byte, 4096)
	forms := 0
	for _, f := range sse4Forms() {
		fails := 0
		for _, mem := range []bool{false, true} {
			if !mem && f.noReg {
				continue
			}
			forms++
			for i := 0; i < n && fails < 3; i++ {
				m := newTestMachine()
				if f.mm {
					rndX87(r, m, true)
					for p := range m.FPU.St {
						m.FPU.St[p].Mant = rndIntLanes(r)
					}
				}
				m.MXCSR = rndMXCSR(r)
				for x := range m.XMM {
					m.XMM[x] = x86.XMM{rndQword(r, f.kind), rndQword(r, f.kind)}
				}
				for b := 0; b+8 <= len(init); b += 8 {
					v := rndQword(r, f.kind)
					for k := 0; k < 8; k++ {
						init[b+k] = byte(v >> (8 * k))
					}
				}
				e := enc{pfx: f.pfx, pfx2: f.pfx2, mp: f.mp, op: f.op, imm: -1, w: f.w, mem: mem}
				e.reg, e.rm = uint8(r.Intn(16)), uint8(r.Intn(16))
				if f.mm {
					e.reg, e.rm = e.reg&7, e.rm&7
				}
				if r.Intn(4) == 0 {
					e.rm = e.reg
				}
				if f.regGPR {
					e.reg = uint8([]int{x86.RAX, x86.RCX, x86.RDX}[r.Intn(3)])
				}
				if f.rmGPR {
					e.rm = uint8([]int{x86.RAX, x86.RCX, x86.RDX}[r.Intn(3)])
				}
				if f.imm {
					e.imm = r.Intn(256)
				}
				off := 64 + r.Intn(3900)
				if f.align {
					off &^= 15
				}
				e.disp = int8(r.Intn(64) - 32)
				m.R[x86.RCX] = env.addr + uint64(off) - uint64(int64(e.disp))
				m.R[x86.RAX], m.R[x86.RDX] = rndIntLanes(r), rndIntLanes(r)
				if f.explicit {
					m.R[x86.RAX], m.R[x86.RDX] = rndLen(r), rndLen(r)
				}
				if !mem {
					m.R[x86.RCX] = rndIntLanes(r)
				}
				m.SetFlags(uint64(r.Intn(0x1000)) & x86.FlagsArith)
				tc := e.build()
				if f.byteRM && !mem && !f.w && f.pfx2 == 0 && r.Intn(2) == 0 {
					// r/m8 without REX: 4..6 are AH, CH, DH.
					e.rm = uint8(4 + r.Intn(3))
					tc = e.build()
				}
				if err := decode.Decode(&tc.in, tc.code); err != nil {
					t.Fatalf("%s: decode % x: %v", f.name, tc.code, err)
				}
				if d := env.runBoth(tc, m, init, nil); d != "" {
					t.Errorf("%s mem=%v case %d (% x): %s", f.name, mem, i, tc.code, d)
					fails++
				}
				if mem && f.align {
					m.R[x86.RCX] += uint64(1 + r.Intn(15))
					if v := env.faults(tc, m); v != x86.ExGP {
						t.Errorf("%s misaligned: exception %d, want #GP", f.name, v)
						fails++
					}
				}
			}
		}
	}
	t.Logf("%d SSSE3/SSE4.1/SSE4.2/CLMUL/AES forms (register and memory) x %d cases", forms, n)
}

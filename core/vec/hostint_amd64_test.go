//go:build linux

package vec

import (
	"math/rand"
	"testing"

	"github.com/blink-go/blink/core/x86"
)

// SSE2 integer, logic, shuffle and move register forms against the host.
func TestHostSSEInt(t *testing.T) {
	type ic struct {
		name string
		pfx  byte
		op   byte
		imm  bool
		reg  int // fixed ModRM.reg (group opcodes), or -1
		gpr  int // 1: reg is a GPR destination (PMOVMSKB...), 2: rm is a GPR source
		w    bool
	}
	cases := []ic{}
	names66 := map[byte]string{0x60: "PUNPCKLBW", 0x61: "PUNPCKLWD", 0x62: "PUNPCKLDQ", 0x63: "PACKSSWB",
		0x64: "PCMPGTB", 0x65: "PCMPGTW", 0x66: "PCMPGTD", 0x67: "PACKUSWB", 0x68: "PUNPCKHBW", 0x69: "PUNPCKHWD",
		0x6a: "PUNPCKHDQ", 0x6b: "PACKSSDW", 0x6c: "PUNPCKLQDQ", 0x6d: "PUNPCKHQDQ", 0x6f: "MOVDQA", 0x74: "PCMPEQB",
		0x75: "PCMPEQW", 0x76: "PCMPEQD", 0xd1: "PSRLW", 0xd2: "PSRLD", 0xd3: "PSRLQ", 0xd4: "PADDQ", 0xd5: "PMULLW",
		0xd6: "MOVQ st", 0xd8: "PSUBUSB", 0xd9: "PSUBUSW", 0xda: "PMINUB", 0xdb: "PAND", 0xdc: "PADDUSB", 0xdd: "PADDUSW",
		0xde: "PMAXUB", 0xdf: "PANDN", 0xe0: "PAVGB", 0xe1: "PSRAW", 0xe2: "PSRAD", 0xe3: "PAVGW", 0xe4: "PMULHUW",
		0xe5: "PMULHW", 0xe8: "PSUBSB", 0xe9: "PSUBSW", 0xea: "PMINSW", 0xeb: "POR", 0xec: "PADDSB", 0xed: "PADDSW",
		0xee: "PMAXSW", 0xef: "PXOR", 0xf1: "PSLLW", 0xf2: "PSLLD", 0xf3: "PSLLQ", 0xf4: "PMULUDQ", 0xf5: "PMADDWD",
		0xf6: "PSADBW", 0xf8: "PSUBB", 0xf9: "PSUBW", 0xfa: "PSUBD", 0xfb: "PSUBQ", 0xfc: "PADDB", 0xfd: "PADDW",
		0xfe: "PADDD", 0x14: "UNPCKLPD", 0x15: "UNPCKHPD", 0x54: "ANDPD", 0x55: "ANDNPD", 0x56: "ORPD", 0x57: "XORPD",
		0x28: "MOVAPD", 0x29: "MOVAPD st", 0x10: "MOVUPD", 0x11: "MOVUPD st", 0x7f: "MOVDQA st"}
	for op, n := range names66 {
		cases = append(cases, ic{n, 0x66, op, false, -1, 0, false})
	}
	cases = append(cases,
		ic{"PSHUFD", 0x66, 0x70, true, -1, 0, false}, ic{"PSHUFHW", 0xf3, 0x70, true, -1, 0, false},
		ic{"PSHUFLW", 0xf2, 0x70, true, -1, 0, false}, ic{"SHUFPS", 0, 0xc6, true, -1, 0, false},
		ic{"SHUFPD", 0x66, 0xc6, true, -1, 0, false}, ic{"UNPCKLPS", 0, 0x14, false, -1, 0, false},
		ic{"UNPCKHPS", 0, 0x15, false, -1, 0, false}, ic{"MOVSS", 0xf3, 0x10, false, -1, 0, false},
		ic{"MOVSD", 0xf2, 0x10, false, -1, 0, false}, ic{"MOVSS st", 0xf3, 0x11, false, -1, 0, false},
		ic{"MOVSD st", 0xf2, 0x11, false, -1, 0, false}, ic{"MOVHLPS", 0, 0x12, false, -1, 0, false},
		ic{"MOVLHPS", 0, 0x16, false, -1, 0, false}, ic{"MOVQ ld", 0xf3, 0x7e, false, -1, 0, false},
		ic{"MOVDQU", 0xf3, 0x6f, false, -1, 0, false}, ic{"MOVAPS", 0, 0x28, false, -1, 0, false},
		ic{"ANDPS", 0, 0x54, false, -1, 0, false}, ic{"XORPS", 0, 0x57, false, -1, 0, false},
		ic{"PMOVMSKB", 0x66, 0xd7, false, -1, 1, false}, ic{"MOVMSKPS", 0, 0x50, false, -1, 1, false},
		ic{"MOVMSKPD", 0x66, 0x50, false, -1, 1, false}, ic{"PEXTRW", 0x66, 0xc5, true, -1, 1, false},
		ic{"PINSRW", 0x66, 0xc4, true, -1, 2, false}, ic{"MOVD x,r", 0x66, 0x6e, false, -1, 2, false},
		ic{"MOVQ x,r", 0x66, 0x6e, false, -1, 2, true}, ic{"MOVD r,x", 0x66, 0x7e, false, -1, 3, false},
		ic{"MOVQ r,x", 0x66, 0x7e, false, -1, 3, true},
	)
	for _, g := range []struct {
		n   string
		op  byte
		reg int
	}{{"PSRLW i", 0x71, 2}, {"PSRAW i", 0x71, 4}, {"PSLLW i", 0x71, 6}, {"PSRLD i", 0x72, 2}, {"PSRAD i", 0x72, 4},
		{"PSLLD i", 0x72, 6}, {"PSRLQ i", 0x73, 2}, {"PSRLDQ", 0x73, 3}, {"PSLLQ i", 0x73, 6}, {"PSLLDQ", 0x73, 7}} {
		cases = append(cases, ic{g.n, 0x66, g.op, true, g.reg, 0, false})
	}
	n := 2000
	if testing.Short() {
		n = 200
	}
	r := rand.New(rand.NewSource(3))
	for _, c := range cases {
		fails := 0
		for i := 0; i < n && fails < 3; i++ {
			m := newTestMachine()
			for x := range m.XMM {
				m.XMM[x] = x86.XMM{r.Uint64(), r.Uint64()}
				if r.Intn(4) == 0 { // small shift counts and equal bytes
					m.XMM[x][0] = uint64(r.Intn(70))
				}
			}
			reg, rm := uint8(r.Intn(16)), uint8(r.Intn(16))
			if r.Intn(3) == 0 {
				m.XMM[rm] = m.XMM[reg]
				m.XMM[rm][r.Intn(2)] ^= 1 << uint(r.Intn(64))
			}
			imm := -1
			if c.imm {
				imm = r.Intn(256)
				if c.reg >= 0 && r.Intn(2) == 0 {
					imm = r.Intn(20)
				}
			}
			if c.reg >= 0 {
				reg = uint8(c.reg)
			}
			switch c.gpr {
			case 1:
				reg = x86.RAX
			case 2:
				rm = x86.RCX
			case 3:
				rm = x86.RAX
			}
			m.R[x86.RAX], m.R[x86.RCX] = r.Uint64(), r.Uint64()
			tc := sseRR(c.pfx, c.op, reg, rm, imm, c.w)
			if d := compareHost(tc, m); d != "" {
				t.Errorf("%s case %d (% x): %s", c.name, i, tc.code, d)
				fails++
			}
		}
	}
	t.Logf("%d forms x %d cases", len(cases), n)
}

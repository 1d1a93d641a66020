//go:build linux

package vec

import (
	"fmt"
	"math/rand"
	"testing"

	"github.com/blink-go/blink/core/x86"
)

// MMX forms against the host, register and memory operands, from a random
// x87 state so the transition (TOP=0, tags valid, exponent 0xFFFF on
// written registers) is checked too.
var debugMMX = false

func TestHostMMX(t *testing.T) {
	env := newMemEnv(t)
	type mf struct {
		name   string
		pfx    byte
		op     byte
		imm    bool
		grp    int  // fixed ModRM.reg for the shift groups, or -1
		regX   bool // ModRM.reg is an XMM register
		rmX    bool // ModRM.rm is an XMM register
		regGPR bool
		rmGPR  bool
		w      bool
		noMem  bool
		noReg  bool
		rdi    bool // MASKMOVQ: RDI = RCX
		lane   int
	}
	var fs []mf
	for op := 0x60; op <= 0xfe; op++ {
		switch {
		case op >= 0x60 && op <= 0x6b, op >= 0x74 && op <= 0x76, op >= 0xd1 && op <= 0xd5, op >= 0xd8 && op <= 0xe5,
			op >= 0xe8 && op <= 0xef, op >= 0xf1 && op <= 0xf6, op >= 0xf8 && op <= 0xfe:
			fs = append(fs, mf{name: fmt.Sprintf("0F %02X", op), op: byte(op), grp: -1})
		}
	}
	fs = append(fs,
		mf{name: "MOVQ mm,mm/m64", op: 0x6f, grp: -1}, mf{name: "MOVQ mm/m64,mm", op: 0x7f, grp: -1},
		mf{name: "MOVNTQ", op: 0xe7, grp: -1, noReg: true},
		mf{name: "MOVD mm,r/m32", op: 0x6e, grp: -1, rmGPR: true}, mf{name: "MOVQ mm,r/m64", op: 0x6e, grp: -1, rmGPR: true, w: true},
		mf{name: "MOVD r/m32,mm", op: 0x7e, grp: -1, rmGPR: true}, mf{name: "MOVQ r/m64,mm", op: 0x7e, grp: -1, rmGPR: true, w: true},
		mf{name: "PSHUFW", op: 0x70, imm: true, grp: -1}, mf{name: "PINSRW", op: 0xc4, imm: true, grp: -1, rmGPR: true},
		mf{name: "PEXTRW", op: 0xc5, imm: true, grp: -1, regGPR: true, noMem: true},
		mf{name: "PMOVMSKB", op: 0xd7, grp: -1, regGPR: true, noMem: true},
		mf{name: "MASKMOVQ", op: 0xf7, grp: -1, noMem: true, rdi: true},
		mf{name: "MOVQ2DQ", pfx: 0xf3, op: 0xd6, grp: -1, regX: true, noMem: true},
		mf{name: "MOVDQ2Q", pfx: 0xf2, op: 0xd6, grp: -1, rmX: true, noMem: true},
		mf{name: "CVTPI2PS", op: 0x2a, grp: -1, regX: true}, mf{name: "CVTPI2PD", pfx: 0x66, op: 0x2a, grp: -1, regX: true},
		mf{name: "CVTPS2PI", op: 0x2d, grp: -1, rmX: true, lane: 32}, mf{name: "CVTTPS2PI", op: 0x2c, grp: -1, rmX: true, lane: 32},
		mf{name: "CVTPD2PI", pfx: 0x66, op: 0x2d, grp: -1, rmX: true, lane: 64},
		mf{name: "CVTTPD2PI", pfx: 0x66, op: 0x2c, grp: -1, rmX: true, lane: 64},
		mf{name: "EMMS", op: 0x77, grp: -1, noMem: true},
	)
	for _, g := range []struct {
		n   string
		op  byte
		reg int
	}{{"PSRLW i", 0x71, 2}, {"PSRAW i", 0x71, 4}, {"PSLLW i", 0x71, 6}, {"PSRLD i", 0x72, 2}, {"PSRAD i", 0x72, 4},
		{"PSLLD i", 0x72, 6}, {"PSRLQ i", 0x73, 2}, {"PSLLQ i", 0x73, 6}} {
		fs = append(fs, mf{name: g.n, op: g.op, imm: true, grp: g.reg, noMem: true})
	}
	n := 300
	if testing.Short() {
		n = 40
	}
	r := rand.New(rand.NewSource(8))
	init := make([]byte, 4096)
	forms := 0
	for _, f := range fs {
		fails := 0
		for _, mem := range []bool{false, true} {
			if mem && f.noMem || !mem && f.noReg {
				continue
			}
			forms++
			for i := 0; i < n && fails < 3; i++ {
				m := newTestMachine()
				rndX87(r, m, true)
				m.MXCSR = rndMXCSR(r)
				for x := range m.XMM {
					switch f.lane {
					case 32:
						m.XMM[x] = x86.XMM{uint64(rnd32(r)) | uint64(rnd32(r))<<32, uint64(rnd32(r)) | uint64(rnd32(r))<<32}
					case 64:
						m.XMM[x] = x86.XMM{rnd64(r), rnd64(r)}
					default:
						m.XMM[x] = x86.XMM{r.Uint64(), r.Uint64()}
					}
				}
				for p := range m.FPU.St {
					if r.Intn(3) == 0 {
						m.FPU.St[p].Mant = uint64(r.Intn(70)) // small shift counts
					}
				}
				fillPage(r, init, f.lane)
				e := enc{pfx: f.pfx, mp: x86.Map0F, op: f.op, imm: -1, w: f.w, mem: mem}
				e.reg, e.rm = uint8(r.Intn(8)), uint8(r.Intn(8))
				if f.regX {
					e.reg = uint8(r.Intn(16))
				}
				if f.rmX {
					e.rm = uint8(r.Intn(16))
				}
				if f.regGPR {
					e.reg = x86.RAX
				}
				if f.rmGPR && !mem {
					e.rm = x86.RAX
				}
				if f.grp >= 0 {
					e.reg = uint8(f.grp)
				}
				if f.imm {
					e.imm = r.Intn(256)
					if f.grp >= 0 && r.Intn(2) == 0 {
						e.imm = r.Intn(70)
					}
				}
				off := (64 + r.Intn(3900)) &^ 15
				if f.pfx != 0x66 || f.op == 0x2a {
					off |= r.Intn(16) // only CVT(T)PD2PI m128 needs alignment
				}
				e.disp = int8(r.Intn(64) - 32)
				m.R[x86.RCX] = env.addr + uint64(off) - uint64(int64(e.disp))
				m.R[x86.RAX] = r.Uint64()
				tc := e.build()
				if f.op == 0x77 { // EMMS has no ModRM
					tc.code = []byte{0x0f, 0x77}
				}
				if f.rdi {
					m.R[x86.RCX] = env.addr + uint64(off)
					m.R[x86.RDI] = m.R[x86.RCX]
					tc.code = append([]byte{0x48, 0x89, 0xcf}, tc.code...) // mov rdi, rcx
				}
				if debugMMX {
					fmt.Printf("%s % x\n", f.name, tc.code)
				}
				if d := env.runBoth(tc, m, init, nil); d != "" {
					t.Errorf("%s mem=%v case %d (% x): %s", f.name, mem, i, tc.code, d)
					fails++
				}
			}
		}
	}
	t.Logf("%d MMX forms x %d cases", forms, n)
}

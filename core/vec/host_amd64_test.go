//go:build linux

package vec

import (
	"bytes"
	"fmt"
	"math/rand"
	"testing"

	"github.com/blink-go/blink/core/vec/internal/hostfpu"
	"github.com/blink-go/blink/core/x86"
)

// Host comparison: each case builds an instruction's bytes and the matching
// x86.Inst, runs the bytes on the CPU (FXRSTOR64 state in, FXSAVE64 state
// out) and the bound handler on a Machine with the same state, and compares
// the FXSAVE images (x87 registers, TOP, tags, status and control words,
// MXCSR, all XMM registers) and RAX/RFLAGS bit for bit.

type tcase struct {
	code []byte
	in   x86.Inst
}

// sseRR encodes a register-register SSE instruction: [pfx] [REX] 0F op modrm [imm8].
func sseRR(pfx byte, op byte, reg, rm uint8, imm int, w bool) tcase {
	var c []byte
	var in x86.Inst
	switch pfx {
	case 0x66:
		in.Pfx |= x86.PfxOpsize
	case 0xf3:
		in.Pfx |= x86.PfxRep
	case 0xf2:
		in.Pfx |= x86.PfxRepne
	}
	if pfx != 0 {
		c = append(c, pfx)
	}
	rex := byte(0)
	if w {
		rex |= 8
	}
	if reg >= 8 {
		rex |= 4
	}
	if rm >= 8 {
		rex |= 1
	}
	if rex != 0 {
		rex |= 0x40
		c = append(c, rex)
		in.Rex = rex
		in.Pfx |= x86.PfxRex
	}
	c = append(c, 0x0f, op, 0xc0|(reg&7)<<3|rm&7)
	if imm >= 0 {
		c = append(c, byte(imm))
		in.Imm = int64(int8(imm))
	}
	in.Op = uint16(x86.Map0F)<<8 | uint16(op)
	in.Mod, in.Reg, in.RM = 3, reg, rm
	in.OpSize = 4
	if w {
		in.OpSize = 8
	}
	in.AddrSize = 8
	in.Base, in.Index = x86.RegNone, x86.RegNone
	in.Len = uint8(len(c))
	return tcase{c, in}
}

// x87RR encodes a D8-DF register form.
func x87RR(op byte, modrm byte) tcase {
	in := x86.Inst{Op: uint16(op), Mod: 3, Reg: modrm >> 3 & 7, RM: modrm & 7, OpSize: 4, AddrSize: 8,
		Base: x86.RegNone, Index: x86.RegNone, Len: 2}
	return tcase{[]byte{op, modrm}, in}
}

// compareHost runs tc both ways from state m (not modified) and reports a
// mismatch description, or "".
func compareHost(tc tcase, m *x86.Machine) string {
	var hs hostfpu.State
	fxImage(m, hs.Img[:], true)
	hs.RAX, hs.RCX, hs.Flags, hs.RDX = m.R[x86.RAX], m.R[x86.RCX], m.GetFlags(), m.R[x86.RDX]
	want := hs
	hostfpu.Run(tc.code, &want)

	em := *m
	in := tc.in
	h := Bind(&in)
	if h == nil {
		return "Bind returned nil"
	}
	h(&em, &in)
	var got hostfpu.State
	fxImage(&em, got.Img[:], true)
	got.RAX, got.RCX, got.Flags, got.RDX = em.R[x86.RAX], em.R[x86.RCX], em.GetFlags(), em.R[x86.RDX]
	// FIP/FDP/FOP (bytes 6..23) are not modelled per instruction.
	for _, s := range []*hostfpu.State{&want, &got} {
		clear(s.Img[6:24])
	}
	const flMask = x86.FlagsArith
	if bytes.Equal(want.Img[:416], got.Img[:416]) && want.RAX == got.RAX && want.RCX == got.RCX && want.RDX == got.RDX &&
		want.Flags&flMask == got.Flags&flMask {
		return ""
	}
	return diffState(&hs, &want, &got)
}

func diffState(in, want, got *hostfpu.State) string {
	var b bytes.Buffer
	le := func(s []byte, n int) uint64 {
		var v uint64
		for i := n - 1; i >= 0; i-- {
			v = v<<8 | uint64(s[i])
		}
		return v
	}
	fmt.Fprintf(&b, "\n            %-40s %-40s %-40s\n", "input", "host", "vec")
	row := func(name string, f func(s *hostfpu.State) string) {
		a, w, g := f(in), f(want), f(got)
		mark := ""
		if w != g {
			mark = "  <<<"
		}
		fmt.Fprintf(&b, "%-10s  %-40s %-40s %-40s%s\n", name, a, w, g, mark)
	}
	row("fcw/fsw", func(s *hostfpu.State) string {
		return fmt.Sprintf("%04x %04x tw=%02x", le(s.Img[0:], 2), le(s.Img[2:], 2), s.Img[4])
	})
	row("mxcsr", func(s *hostfpu.State) string { return fmt.Sprintf("%08x", le(s.Img[24:], 4)) })
	for i := 0; i < 8; i++ {
		o := 32 + 16*i
		row(fmt.Sprintf("st%d", i), func(s *hostfpu.State) string {
			return fmt.Sprintf("%04x:%016x", le(s.Img[o+8:], 2), le(s.Img[o:], 8))
		})
	}
	for i := 0; i < 16; i++ {
		o := 160 + 16*i
		row(fmt.Sprintf("xmm%d", i), func(s *hostfpu.State) string {
			return fmt.Sprintf("%016x_%016x", le(s.Img[o+8:], 8), le(s.Img[o:], 8))
		})
	}
	row("rax/fl", func(s *hostfpu.State) string { return fmt.Sprintf("%x %x", s.RAX, s.Flags&x86.FlagsArith) })
	row("rcx/rdx", func(s *hostfpu.State) string { return fmt.Sprintf("%x %x", s.RCX, s.RDX) })
	return b.String()
}

// rndMXCSR picks a rounding mode and sometimes DAZ/FTZ, all exceptions
// masked so the host does not trap.
func rndMXCSR(r *rand.Rand) uint32 {
	if r.Intn(2) == 0 {
		// The default environment, which takes the fast paths
		// (ssefast.go), with some sticky flags already set.
		return 0x1f80 | uint32(r.Intn(64))&uint32(r.Intn(64)) | uint32(r.Intn(2))*fPE
	}
	mx := uint32(0x1f80) | uint32(r.Intn(4))<<13
	if r.Intn(6) == 0 {
		mx |= mxDAZ
	}
	if r.Intn(6) == 0 {
		mx |= mxFTZ
	}
	return mx
}

func newTestMachine() *x86.Machine {
	m := x86.NewMachine(nil, nil, nil)
	return m
}

type sseCase struct {
	name string
	pfx  byte
	op   byte
	imm  int // -1: none
	w    bool
	lane int // 32 or 64: operand generator
}

func TestHostSSE(t *testing.T) {
	cases := []sseCase{}
	for _, op := range []struct {
		n  string
		op byte
	}{{"ADD", 0x58}, {"MUL", 0x59}, {"SUB", 0x5c}, {"MIN", 0x5d}, {"DIV", 0x5e}, {"MAX", 0x5f}, {"SQRT", 0x51}} {
		cases = append(cases,
			sseCase{op.n + "PS", 0, op.op, -1, false, 32},
			sseCase{op.n + "PD", 0x66, op.op, -1, false, 64},
			sseCase{op.n + "SS", 0xf3, op.op, -1, false, 32},
			sseCase{op.n + "SD", 0xf2, op.op, -1, false, 64})
	}
	for p := 0; p < 8; p++ {
		cases = append(cases,
			sseCase{fmt.Sprintf("CMPPS/%d", p), 0, 0xc2, p, false, 32},
			sseCase{fmt.Sprintf("CMPPD/%d", p), 0x66, 0xc2, p, false, 64},
			sseCase{fmt.Sprintf("CMPSS/%d", p), 0xf3, 0xc2, p, false, 32},
			sseCase{fmt.Sprintf("CMPSD/%d", p), 0xf2, 0xc2, p, false, 64})
	}
	cases = append(cases,
		sseCase{"UCOMISS", 0, 0x2e, -1, false, 32}, sseCase{"UCOMISD", 0x66, 0x2e, -1, false, 64},
		sseCase{"COMISS", 0, 0x2f, -1, false, 32}, sseCase{"COMISD", 0x66, 0x2f, -1, false, 64},
		sseCase{"CVTPS2PD", 0, 0x5a, -1, false, 32}, sseCase{"CVTPD2PS", 0x66, 0x5a, -1, false, 64},
		sseCase{"CVTSS2SD", 0xf3, 0x5a, -1, false, 32}, sseCase{"CVTSD2SS", 0xf2, 0x5a, -1, false, 64},
		sseCase{"CVTDQ2PS", 0, 0x5b, -1, false, 0}, sseCase{"CVTPS2DQ", 0x66, 0x5b, -1, false, 32},
		sseCase{"CVTTPS2DQ", 0xf3, 0x5b, -1, false, 32}, sseCase{"CVTTPD2DQ", 0x66, 0xe6, -1, false, 64},
		sseCase{"CVTPD2DQ", 0xf2, 0xe6, -1, false, 64}, sseCase{"CVTDQ2PD", 0xf3, 0xe6, -1, false, 0},
		sseCase{"CVTSS2SI", 0xf3, 0x2d, -1, false, 32}, sseCase{"CVTSS2SI64", 0xf3, 0x2d, -1, true, 32},
		sseCase{"CVTTSS2SI", 0xf3, 0x2c, -1, false, 32}, sseCase{"CVTTSS2SI64", 0xf3, 0x2c, -1, true, 32},
		sseCase{"CVTSD2SI", 0xf2, 0x2d, -1, false, 64}, sseCase{"CVTSD2SI64", 0xf2, 0x2d, -1, true, 64},
		sseCase{"CVTTSD2SI", 0xf2, 0x2c, -1, false, 64}, sseCase{"CVTTSD2SI64", 0xf2, 0x2c, -1, true, 64},
		sseCase{"CVTSI2SS", 0xf3, 0x2a, -1, false, 0}, sseCase{"CVTSI2SS64", 0xf3, 0x2a, -1, true, 0},
		sseCase{"CVTSI2SD", 0xf2, 0x2a, -1, false, 0}, sseCase{"CVTSI2SD64", 0xf2, 0x2a, -1, true, 0},
		// SSE3
		sseCase{"ADDSUBPS", 0xf2, 0xd0, -1, false, 32}, sseCase{"ADDSUBPD", 0x66, 0xd0, -1, false, 64},
		sseCase{"HADDPS", 0xf2, 0x7c, -1, false, 32}, sseCase{"HADDPD", 0x66, 0x7c, -1, false, 64},
		sseCase{"HSUBPS", 0xf2, 0x7d, -1, false, 32}, sseCase{"HSUBPD", 0x66, 0x7d, -1, false, 64},
		sseCase{"MOVSLDUP", 0xf3, 0x12, -1, false, 32}, sseCase{"MOVSHDUP", 0xf3, 0x16, -1, false, 32},
		sseCase{"MOVDDUP", 0xf2, 0x12, -1, false, 64},
	)
	n := 3000
	if testing.Short() {
		n = 300
	}
	r := rand.New(rand.NewSource(1))
	for _, c := range cases {
		fails := 0
		for i := 0; i < n && fails < 3; i++ {
			m := newTestMachine()
			m.MXCSR = rndMXCSR(r)
			for x := range m.XMM {
				m.XMM[x] = x86.XMM{r.Uint64(), r.Uint64()}
			}
			fill := func(v *x86.XMM, other *x86.XMM) {
				for l := 0; l < 2; l++ {
					switch c.lane {
					case 64:
						if other != nil {
							v[l] = near64(r, other[l])
						} else {
							v[l] = rnd64(r)
						}
					case 32:
						var lo, hi uint32
						if other != nil {
							lo, hi = near32(r, uint32(other[l])), near32(r, uint32(other[l]>>32))
						} else {
							lo, hi = rnd32(r), rnd32(r)
						}
						v[l] = uint64(lo) | uint64(hi)<<32
					}
				}
			}
			reg, rm := uint8(r.Intn(16)), uint8(r.Intn(16))
			fill(&m.XMM[reg], nil)
			if rm != reg {
				fill(&m.XMM[rm], &m.XMM[reg])
			}
			m.R[x86.RAX] = r.Uint64()
			m.R[x86.RCX] = r.Uint64()
			if c.lane == 0 && r.Intn(2) == 0 {
				m.R[x86.RCX] = uint64(int64(r.Int31()) >> uint(r.Intn(31)))
			}
			m.SetFlags(uint64(r.Intn(0x1000)) & x86.FlagsArith)
			var tc tcase
			switch c.op {
			case 0x2a:
				tc = sseRR(c.pfx, c.op, reg, x86.RCX, c.imm, c.w)
			case 0x2c, 0x2d:
				tc = sseRR(c.pfx, c.op, x86.RAX, rm, c.imm, c.w)
			default:
				tc = sseRR(c.pfx, c.op, reg, rm, c.imm, c.w)
			}
			if d := compareHost(tc, m); d != "" {
				t.Errorf("%s case %d (% x): %s", c.name, i, tc.code, d)
				fails++
			}
		}
		t.Logf("%-12s %d cases", c.name, n)
	}
}

package vm

import (
	"math/rand/v2"
	"testing"

	"github.com/blink-go/blink/core/abi"
	"github.com/blink-go/blink/core/mem"
	"github.com/blink-go/blink/core/x86"
)

// randomBlock emits n random register-only instructions of the kinds
// interp.Optimize specialises, fuses or strips of their flag updates, mixed
// with flag readers (ADC, SBB, CMOVcc, SETcc, Jcc, PUSHF), and ends in
// SYSCALL. RSP is never written.
func randomBlock(r *rand.Rand, n int) []byte {
	var b []byte
	reg := func() byte {
		for {
			if v := byte(r.IntN(16)); v != 4 {
				return v
			}
		}
	}
	rr := func(w bool, op ...byte) {
		d, s := reg(), reg()
		rex := byte(0x40) | (d>>3)<<2 | s>>3
		if w {
			rex |= 8
		}
		b = append(b, rex)
		b = append(b, op...)
		b = append(b, 0xC0|(d&7)<<3|s&7)
	}
	digit := func(w bool, dg byte, op ...byte) {
		s := reg()
		rex := byte(0x40) | s>>3
		if w {
			rex |= 8
		}
		b = append(b, rex)
		b = append(b, op...)
		b = append(b, 0xC0|dg<<3|s&7)
	}
	imm32 := func() { v := r.Uint32(); b = append(b, byte(v), byte(v>>8), byte(v>>16), byte(v>>24)) }
	for range n {
		w := r.IntN(3) != 0
		switch r.IntN(16) {
		case 0, 1:
			ops := []byte{0x01, 0x09, 0x11, 0x19, 0x21, 0x29, 0x31, 0x39, 0x85, 0x03, 0x0B, 0x13, 0x1B, 0x23, 0x2B, 0x33, 0x3B, 0x89, 0x8B}
			rr(w, ops[r.IntN(len(ops))])
		case 2:
			digit(w, byte(r.IntN(8)), 0x83)
			b = append(b, byte(r.IntN(256)))
		case 3:
			digit(w, byte(r.IntN(8)), 0x81)
			imm32()
		case 4:
			if w {
				b = append(b, 0x48)
			}
			b = append(b, []byte{0x05, 0x25, 0x3D, 0xA9, 0x2D, 0x35}[r.IntN(6)])
			imm32()
		case 5:
			digit(w, []byte{0, 1, 2, 3, 4, 5, 7}[r.IntN(7)], 0xC1)
			b = append(b, byte(r.IntN(70)))
		case 6:
			digit(w, []byte{0, 1, 4, 5, 7}[r.IntN(5)], []byte{0xD1, 0xD3}[r.IntN(2)])
		case 7:
			if r.IntN(2) == 0 {
				digit(w, byte(r.IntN(2)), 0xFF) // INC, DEC
			} else if dg := byte(r.IntN(4)); true {
				digit(w, dg, 0xF7) // TEST, NOT, NEG
				if dg < 2 {
					imm32()
				}
			}
		case 8:
			rr(w, 0x0F, 0xAF)
		case 9:
			rr(w, 0x6B)
			b = append(b, byte(r.IntN(256)))
		case 10:
			rr(w, 0x0F, 0x40|byte(r.IntN(16))) // CMOVcc
		case 11:
			digit(false, 0, 0x0F, 0x90|byte(r.IntN(16))) // SETcc
		case 12: // LEA with base+disp8 or base+index*scale+disp8
			d, base, idx := reg(), reg(), reg()
			if base&7 == 5 || base&7 == 4 {
				base = 0
			}
			rex := byte(0x48) | (d>>3)<<2 | (idx>>3)<<1 | base>>3
			if !w {
				rex &^= 8
			}
			if r.IntN(2) == 0 {
				b = append(b, rex&^2, 0x8D, 0x40|(d&7)<<3|base&7, byte(r.IntN(256)))
			} else {
				b = append(b, rex, 0x8D, 0x44|(d&7)<<3, byte(r.IntN(4))<<6|(idx&7)<<3|base&7, byte(r.IntN(256)))
			}
		case 13: // Jcc over a 3-byte INC
			b = append(b, 0x70|byte(r.IntN(16)), 3)
			digit(w, 0, 0xFF)
		case 14: // PUSHF; POP
			b = append(b, 0x9C)
			d := reg()
			if d >= 8 {
				b = append(b, 0x41)
			}
			b = append(b, 0x58|d&7)
		case 15: // CMP/TEST immediately followed by Jcc
			if r.IntN(2) == 0 {
				rr(w, []byte{0x39, 0x3B, 0x85}[r.IntN(3)])
			} else {
				digit(w, 7, 0x83)
				b = append(b, byte(r.IntN(256)))
			}
			b = append(b, 0x70|byte(r.IntN(16)), 3)
			digit(w, 1, 0xFF)
		}
	}
	return append(b, 0x0F, 0x05)
}

// TestOptimizeMatches runs random blocks with the decode cache (whose
// blocks go through interp.Optimize) and without it, and compares the
// final registers and flags.
func TestOptimizeMatches(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	newM := func(cache bool, code []byte) (*Engine, *x86.Machine) {
		s, err := mem.New(mem.Options{Mode: mem.Virtual})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(s.Close)
		fl := abi.MAP_PRIVATE | abi.MAP_ANONYMOUS | abi.MAP_FIXED
		if _, e := s.Map(benchText, 0x4000, mem.ProtRead|mem.ProtWrite|mem.ProtExec, fl, nil, 0); e != 0 {
			t.Fatal(e)
		}
		if _, e := s.Map(benchData, 0x1000, mem.ProtRead|mem.ProtWrite, fl, nil, 0); e != 0 {
			t.Fatal(e)
		}
		s.Store(benchText, code)
		m := x86.NewMachine(s, stopEnv{}, &x86.Config{DecodeCache: cache})
		return New(s, Options{DecodeCache: cache}), m
	}
	for iter := range 3000 {
		code := randomBlock(r, 1+r.IntN(24))
		var regs [16]uint64
		for i := range regs {
			switch r.IntN(4) {
			case 0:
				regs[i] = uint64(r.IntN(4)) - 1
			case 1:
				regs[i] = 1 << r.IntN(64)
			default:
				regs[i] = r.Uint64()
			}
		}
		regs[x86.RSP] = benchData + 0x800
		fl := uint64(r.IntN(1<<12)) & (x86.FlagsArith | x86.FlagDF)
		var got [2]*x86.Machine
		for k, cache := range []bool{false, true} {
			e, m := newM(cache, code)
			m.R = regs
			m.SetFlags(fl | x86.FlagIF)
			m.RIP = benchText
			if tr := e.Run(m); tr != nil {
				t.Fatalf("iter %d cache=%v: trap %s at %#x\ncode % x", iter, cache, tr.Msg, tr.RIP, code)
			}
			got[k] = m
		}
		a, c := got[0], got[1]
		if a.R != c.R || a.RIP != c.RIP || a.GetFlags() != c.GetFlags() || a.Icount != c.Icount {
			t.Fatalf("iter %d: code % x\nplain:     R=%x RIP=%#x fl=%#x n=%d\noptimized: R=%x RIP=%#x fl=%#x n=%d",
				iter, code, a.R, a.RIP, a.GetFlags(), a.Icount, c.R, c.RIP, c.GetFlags(), c.Icount)
		}
	}
}

package vec

import "github.com/blink-go/blink/core/x86"

// Operand access shared by the SSE handlers. ALU handlers take their
// source through these helpers rather than being bound twice: the
// register/memory branch is fixed per decoded instruction, so it predicts
// perfectly, and it halves the number of handlers. Moves, where the two
// forms differ in more than the source, are bound separately.

// srcA reads a 128-bit source that legacy SSE requires to be 16-byte aligned.
// It is a wrapper small enough to inline around srcA2, because Go returns
// an array in memory but two words in registers: a handler that stores the
// array with two 8-byte writes and reloads it as one 16-byte value stalls
// on store forwarding.
func srcA(m *x86.Machine, in *x86.Inst) x86.XMM {
	lo, hi := srcA2(m, in)
	return x86.XMM{lo, hi}
}

func srcA2(m *x86.Machine, in *x86.Inst) (lo, hi uint64) {
	if in.Mod == 3 {
		x := &m.XMM[in.RM]
		return x[0], x[1]
	}
	return m.Mem.Read128(alignedEA(m, in))
}

// srcU reads a 128-bit source with no alignment requirement.
func srcU(m *x86.Machine, in *x86.Inst) x86.XMM {
	lo, hi := srcU2(m, in)
	return x86.XMM{lo, hi}
}

func srcU2(m *x86.Machine, in *x86.Inst) (lo, hi uint64) {
	if in.Mod == 3 {
		x := &m.XMM[in.RM]
		return x[0], x[1]
	}
	return m.Mem.Read128(m.EA(in))
}

// src64 reads the low quadword of the source (scalar double, MOVQ).
func src64(m *x86.Machine, in *x86.Inst) uint64 {
	if in.Mod == 3 {
		return m.XMM[in.RM][0]
	}
	return m.Mem.Read64(m.EA(in))
}

// src32 reads the low doubleword of the source (scalar single).
func src32(m *x86.Machine, in *x86.Inst) uint32 {
	if in.Mod == 3 {
		return uint32(m.XMM[in.RM][0])
	}
	return m.Mem.Read32(m.EA(in))
}

// gprSrc reads a general register or memory operand of OpSize (4 or 8).
func gprSrc(m *x86.Machine, in *x86.Inst) uint64 {
	if in.Mod == 3 {
		if in.OpSize == 8 {
			return m.R[in.RM]
		}
		return uint64(uint32(m.R[in.RM]))
	}
	if in.OpSize == 8 {
		return m.Mem.Read64(m.EA(in))
	}
	return uint64(m.Mem.Read32(m.EA(in)))
}

// alignedEA returns the address of a 16-byte aligned memory operand.
// It inlines into the move handlers, with the fault out of line.
func alignedEA(m *x86.Machine, in *x86.Inst) uint64 {
	a := m.EA(in)
	if a&15 != 0 {
		misaligned()
	}
	return a
}

// misaligned raises the #GP of a misaligned legacy SSE memory operand.
//
//go:noinline
func misaligned() { x86.Raise(x86.ExGP) }

// Element access on the two little-endian lanes, independent of host order.

func getB(x *x86.XMM, i int) uint8  { return uint8(x[i>>3] >> (uint(i&7) * 8)) }
func getW(x *x86.XMM, i int) uint16 { return uint16(x[i>>2] >> (uint(i&3) * 16)) }
func getD(x *x86.XMM, i int) uint32 { return uint32(x[i>>1] >> (uint(i&1) * 32)) }
func setB(x *x86.XMM, i int, v uint8) {
	s := uint(i&7) * 8
	x[i>>3] = x[i>>3]&^(0xff<<s) | uint64(v)<<s
}
func setW(x *x86.XMM, i int, v uint16) {
	s := uint(i&3) * 16
	x[i>>2] = x[i>>2]&^(0xffff<<s) | uint64(v)<<s
}
func setD(x *x86.XMM, i int, v uint32) {
	s := uint(i&1) * 32
	x[i>>1] = x[i>>1]&^(0xffffffff<<s) | uint64(v)<<s
}

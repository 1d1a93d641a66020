package interp

import (
	"unsafe"

	"github.com/blink-go/blink/core/x86"
)

// word is the operand type of a size-generic handler. Each instantiation
// has its own GC shape, so the compiler stencils one copy per size and
// folds every unsafe.Sizeof switch below to a single arm: the per-size
// handler carries no size test at run time.
type word interface {
	~uint8 | ~uint16 | ~uint32 | ~uint64
}

// sword is the signed counterpart, for IMUL/IDIV/SAR/MOVSX.
type sword interface {
	~int8 | ~int16 | ~int32 | ~int64
}

func size[T word]() uint8 {
	var z T
	return uint8(unsafe.Sizeof(z))
}

func bitsOf[T word]() uint {
	var z T
	return uint(unsafe.Sizeof(z)) * 8
}

// getReg reads register r at the width of T; rex matters only for bytes.
func getReg[T word](m *x86.Machine, r, rex uint8) T {
	var z T
	if unsafe.Sizeof(z) == 1 {
		return T(m.Get8(r, rex))
	}
	return T(m.R[r&15])
}

// setReg writes register r with long-mode semantics: 8- and 16-bit writes
// merge, 32-bit writes zero-extend.
func setReg[T word](m *x86.Machine, r, rex uint8, v T) {
	switch unsafe.Sizeof(v) {
	case 1:
		m.Set8(r, rex, uint8(v))
	case 2:
		m.R[r&15] = m.R[r&15]&^0xffff | uint64(v)
	default:
		m.R[r&15] = uint64(v)
	}
}

func load[T word](m *x86.Machine, a uint64) T {
	var z T
	switch unsafe.Sizeof(z) {
	case 1:
		return T(m.Mem.Read8(a))
	case 2:
		return T(m.Mem.Read16(a))
	case 4:
		return T(m.Mem.Read32(a))
	default:
		return T(m.Mem.Read64(a))
	}
}

func store[T word](m *x86.Machine, a uint64, v T) {
	switch unsafe.Sizeof(v) {
	case 1:
		m.Mem.Write8(a, uint8(v))
	case 2:
		m.Mem.Write16(a, uint16(v))
	case 4:
		m.Mem.Write32(a, uint32(v))
	default:
		m.Mem.Write64(a, uint64(v))
	}
}

// rm reads the ModRM r/m operand through a register (Mod == 3).
func rmReg[T word](m *x86.Machine, in *x86.Inst) T { return getReg[T](m, in.RM, in.Rex) }

// regOp reads the ModRM reg operand.
func regOp[T word](m *x86.Machine, in *x86.Inst) T { return getReg[T](m, in.Reg, in.Rex) }

// imm returns the immediate truncated to T (the decoder sign-extended it
// to 64 bits, which is what Iz with a 64-bit operand needs).
func imm[T word](in *x86.Inst) T { return T(in.Imm) }

func b2u[T word](b bool) T {
	if b {
		return 1
	}
	return 0
}

// sext sign-extends v from the width of T to 64 bits.
func sext[T word](v T) uint64 {
	switch unsafe.Sizeof(v) {
	case 1:
		return uint64(int8(v))
	case 2:
		return uint64(int16(v))
	case 4:
		return uint64(int32(v))
	default:
		return uint64(v)
	}
}

func msb[T word](v T) bool { return v>>(bitsOf[T]()-1) != 0 }

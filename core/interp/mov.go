package interp

import (
	"math/bits"

	"github.com/blink-go/blink/core/x86"
)

// MOV, MOVZX/MOVSX/MOVSXD, LEA, XCHG, XADD, CMPXCHG*, CBW family, BSWAP,
// MOVBE.

func movEGr[T word](m *x86.Machine, in *x86.Inst) { setReg(m, in.RM, in.Rex, regOp[T](m, in)) }
func movEGm[T word](m *x86.Machine, in *x86.Inst) { store(m, m.EA(in), regOp[T](m, in)) }
func movGEr[T word](m *x86.Machine, in *x86.Inst) { setReg(m, in.Reg, in.Rex, rmReg[T](m, in)) }
func movGEm[T word](m *x86.Machine, in *x86.Inst) { setReg(m, in.Reg, in.Rex, load[T](m, m.EA(in))) }
func movEIr[T word](m *x86.Machine, in *x86.Inst) { setReg(m, in.RM, in.Rex, imm[T](in)) }
func movEIm[T word](m *x86.Machine, in *x86.Inst) { store(m, m.EA(in), imm[T](in)) }

// moffs forms (A0-A3): the absolute address is in Disp, plus FS/GS base.
func movALm[T word](m *x86.Machine, in *x86.Inst) { setReg(m, x86.RAX, 0, load[T](m, m.EA(in))) }
func movMAL[T word](m *x86.Machine, in *x86.Inst) { store(m, m.EA(in), getReg[T](m, x86.RAX, 0)) }

var movTab = [6][4]x86.Handler{
	{movEGr[uint8], movEGr[uint16], movEGr[uint32], movEGr[uint64]},
	{movEGm[uint8], movEGm[uint16], movEGm[uint32], movEGm[uint64]},
	{movGEr[uint8], movGEr[uint16], movGEr[uint32], movGEr[uint64]},
	{movGEm[uint8], movGEm[uint16], movGEm[uint32], movGEm[uint64]},
	{movEIr[uint8], movEIr[uint16], movEIr[uint32], movEIr[uint64]},
	{movEIm[uint8], movEIm[uint16], movEIm[uint32], movEIm[uint64]},
}

// movx is MOVZX (S = the unsigned source type) and MOVSX (S signed,
// via sext). D is the destination size.
func movzxR[D, S word](m *x86.Machine, in *x86.Inst) { setReg(m, in.Reg, in.Rex, D(rmReg[S](m, in))) }
func movzxM[D, S word](m *x86.Machine, in *x86.Inst) {
	setReg(m, in.Reg, in.Rex, D(load[S](m, m.EA(in))))
}
func movsxR[D, S word](m *x86.Machine, in *x86.Inst) {
	setReg(m, in.Reg, in.Rex, D(sext(rmReg[S](m, in))))
}
func movsxM[D, S word](m *x86.Machine, in *x86.Inst) {
	setReg(m, in.Reg, in.Rex, D(sext(load[S](m, m.EA(in)))))
}

// movxTab[signed][src 8/16/32][mem][dst size index 1..3]
var movxTab = [2][3][2][4]x86.Handler{
	{
		{{nil, movzxR[uint16, uint8], movzxR[uint32, uint8], movzxR[uint64, uint8]},
			{nil, movzxM[uint16, uint8], movzxM[uint32, uint8], movzxM[uint64, uint8]}},
		{{nil, movzxR[uint16, uint16], movzxR[uint32, uint16], movzxR[uint64, uint16]},
			{nil, movzxM[uint16, uint16], movzxM[uint32, uint16], movzxM[uint64, uint16]}},
		{{nil, movzxR[uint16, uint32], movzxR[uint32, uint32], movzxR[uint64, uint32]},
			{nil, movzxM[uint16, uint32], movzxM[uint32, uint32], movzxM[uint64, uint32]}},
	},
	{
		{{nil, movsxR[uint16, uint8], movsxR[uint32, uint8], movsxR[uint64, uint8]},
			{nil, movsxM[uint16, uint8], movsxM[uint32, uint8], movsxM[uint64, uint8]}},
		{{nil, movsxR[uint16, uint16], movsxR[uint32, uint16], movsxR[uint64, uint16]},
			{nil, movsxM[uint16, uint16], movsxM[uint32, uint16], movsxM[uint64, uint16]}},
		{{nil, movsxR[uint16, uint32], movsxR[uint32, uint32], movsxR[uint64, uint32]},
			{nil, movsxM[uint16, uint32], movsxM[uint32, uint32], movsxM[uint64, uint32]}},
	},
}

// leaAddr is the effective address without the segment base: LEA
// computes an offset, and FS:/GS: on LEA do not add the base.
func leaAddr(m *x86.Machine, in *x86.Inst) uint64 {
	a := uint64(in.Disp)
	switch in.Base {
	case x86.RegNone:
	case x86.RegRIP:
		a += m.RIP
	default:
		a += m.R[in.Base]
	}
	if in.Index != x86.RegNone {
		a += m.R[in.Index] << in.Scale
	}
	if in.AddrSize == 4 {
		a = uint64(uint32(a))
	}
	return a
}

func lea[T word](m *x86.Machine, in *x86.Inst) { setReg(m, in.Reg, in.Rex, T(leaAddr(m, in))) }

// XCHG with a memory operand is locked whether or not LOCK is present.
func xchgR[T word](m *x86.Machine, in *x86.Inst) {
	a, b := rmReg[T](m, in), regOp[T](m, in)
	setReg(m, in.RM, in.Rex, b)
	setReg(m, in.Reg, in.Rex, a)
}

func xchgM[T word](m *x86.Machine, in *x86.Inst) {
	ea := m.EA(in)
	b := regOp[T](m, in)
	for {
		a := load[T](m, ea)
		if cas(m, ea, a, b) {
			setReg(m, in.Reg, in.Rex, a)
			return
		}
	}
}

// xchgA is 90+r with r != 0 (or with REX.B): exchange with rAX.
func xchgA[T word](m *x86.Machine, in *x86.Inst) {
	a, b := getReg[T](m, x86.RAX, 0), getReg[T](m, in.RM, in.Rex)
	setReg(m, in.RM, in.Rex, a)
	setReg(m, x86.RAX, 0, b)
}

func xaddR[T word](m *x86.Machine, in *x86.Inst) {
	a, b := rmReg[T](m, in), regOp[T](m, in)
	r := a + b
	setReg(m, in.Reg, in.Rex, a)
	setReg(m, in.RM, in.Rex, r)
	m.Fl.Set(x86.LazyAdd, size[T](), uint64(a), uint64(b), uint64(r), 0)
}

func xaddM[T word](m *x86.Machine, in *x86.Inst) {
	ea := m.EA(in)
	b := regOp[T](m, in)
	a := load[T](m, ea)
	r := a + b
	store(m, ea, r)
	setReg(m, in.Reg, in.Rex, a)
	m.Fl.Set(x86.LazyAdd, size[T](), uint64(a), uint64(b), uint64(r), 0)
}

func xaddL[T word](m *x86.Machine, in *x86.Inst) {
	ea := m.EA(in)
	b := regOp[T](m, in)
	for {
		a := load[T](m, ea)
		r := a + b
		if cas(m, ea, a, r) {
			setReg(m, in.Reg, in.Rex, a)
			m.Fl.Set(x86.LazyAdd, size[T](), uint64(a), uint64(b), uint64(r), 0)
			return
		}
	}
}

// CMPXCHG compares rAX with the destination; flags are those of
// CMP rAX, dest.
func cmpxchgR[T word](m *x86.Machine, in *x86.Inst) {
	acc, d := getReg[T](m, x86.RAX, 0), rmReg[T](m, in)
	if acc == d {
		setReg(m, in.RM, in.Rex, regOp[T](m, in))
	} else {
		setReg(m, x86.RAX, 0, d)
	}
	m.Fl.Set(x86.LazySub, size[T](), uint64(acc), uint64(d), uint64(acc-d), 0)
}

// cmpxchgM always goes through cas: with or without LOCK the processor
// writes back (the old value on failure), and a CAS gives the same
// observable result without the spurious store.
func cmpxchgM[T word](m *x86.Machine, in *x86.Inst) {
	ea := m.EA(in)
	acc, src := getReg[T](m, x86.RAX, 0), regOp[T](m, in)
	var d T
	for {
		d = load[T](m, ea)
		if d != acc || cas(m, ea, d, src) {
			break
		}
	}
	if d != acc {
		setReg(m, x86.RAX, 0, d)
	}
	m.Fl.Set(x86.LazySub, size[T](), uint64(acc), uint64(d), uint64(acc-d), 0)
}

// CMPXCHG8B (64-bit cas on EDX:EAX) and CMPXCHG16B (RDX:RAX, 16-byte
// aligned or #GP).
func cmpxchg8b(m *x86.Machine, in *x86.Inst) {
	ea := m.EA(in)
	old := uint64(uint32(m.R[x86.RDX]))<<32 | uint64(uint32(m.R[x86.RAX]))
	nw := uint64(uint32(m.R[x86.RCX]))<<32 | uint64(uint32(m.R[x86.RBX]))
	var d uint64
	for {
		d = load[uint64](m, ea)
		if d != old || cas(m, ea, d, nw) {
			break
		}
	}
	m.Fl.Flush()
	if d == old {
		m.Fl.Bits |= x86.FlagZF
	} else {
		m.Fl.Bits &^= x86.FlagZF
		m.R[x86.RAX] = uint64(uint32(d))
		m.R[x86.RDX] = d >> 32
	}
}

func cmpxchg16b(m *x86.Machine, in *x86.Inst) {
	ea := m.EA(in)
	if ea&15 != 0 {
		x86.Raise(x86.ExGP)
	}
	lo, hi, ok := cas128(m, ea, m.R[x86.RAX], m.R[x86.RDX], m.R[x86.RBX], m.R[x86.RCX])
	m.Fl.Flush()
	if ok {
		m.Fl.Bits |= x86.FlagZF
	} else {
		m.Fl.Bits &^= x86.FlagZF
		m.R[x86.RAX], m.R[x86.RDX] = lo, hi
	}
}

// 98: CBW/CWDE/CDQE; 99: CWD/CDQ/CQO.
func cbw(m *x86.Machine, in *x86.Inst)  { m.Set16(x86.RAX, uint16(int8(m.R[x86.RAX]))) }
func cwde(m *x86.Machine, in *x86.Inst) { m.Set32(x86.RAX, uint32(int16(m.R[x86.RAX]))) }
func cdqe(m *x86.Machine, in *x86.Inst) { m.R[x86.RAX] = uint64(int32(m.R[x86.RAX])) }
func cwd(m *x86.Machine, in *x86.Inst)  { m.Set16(x86.RDX, uint16(int16(m.R[x86.RAX])>>15)) }
func cdq(m *x86.Machine, in *x86.Inst)  { m.Set32(x86.RDX, uint32(int32(m.R[x86.RAX])>>31)) }
func cqo(m *x86.Machine, in *x86.Inst)  { m.R[x86.RDX] = uint64(int64(m.R[x86.RAX]) >> 63) }

func bswap32(m *x86.Machine, in *x86.Inst) {
	m.Set32(in.RM, bits.ReverseBytes32(uint32(m.R[in.RM])))
}
func bswap64(m *x86.Machine, in *x86.Inst) { m.R[in.RM] = bits.ReverseBytes64(m.R[in.RM]) }

// bswap16: Intel leaves the result undefined; real hardware zeroes the
// low word (it swaps the low two bytes of the 32-bit value into the upper
// half it then discards), which is what we reproduce.
func bswap16(m *x86.Machine, in *x86.Inst) { m.Set16(in.RM, 0) }

// MOVBE: load or store with a byte swap.
func movbeGM[T word](m *x86.Machine, in *x86.Inst) {
	setReg(m, in.Reg, in.Rex, swap(load[T](m, m.EA(in))))
}
func movbeMG[T word](m *x86.Machine, in *x86.Inst) { store(m, m.EA(in), swap(regOp[T](m, in))) }

func swap[T word](v T) T {
	switch size[T]() {
	case 2:
		return T(bits.ReverseBytes16(uint16(v)))
	case 4:
		return T(bits.ReverseBytes32(uint32(v)))
	}
	return T(bits.ReverseBytes64(uint64(v)))
}

package interp

import (
	"math/bits"

	"github.com/blink-go/blink/core/x86"
)

// BT/BTS/BTR/BTC, BSF/BSR, TZCNT/LZCNT/POPCNT.

// Bit-test operations (Aux holds which): the value written back.
const (
	btTest = iota
	btSet
	btReset
	btComp
)

func btApply[T word](op uint8, v, mask T) T {
	switch op {
	case btSet:
		return v | mask
	case btReset:
		return v &^ mask
	case btComp:
		return v ^ mask
	}
	return v
}

// btFlags: CF is the selected bit; ZF is preserved; Intel cores leave OF,
// SF, AF and PF as they were too (checked against the host).
func btFlags(f *x86.Flags, bit bool) {
	f.Flush()
	f.Bits &^= x86.FlagCF
	if bit {
		f.Bits |= x86.FlagCF
	}
}

// btRR: register destination, bit offset from a register (modulo size).
func btRR[T word](m *x86.Machine, in *x86.Inst) {
	v := rmReg[T](m, in)
	mask := T(1) << (uint(regOp[T](m, in)) & (bitsOf[T]() - 1))
	if in.Aux != btTest {
		setReg(m, in.RM, in.Rex, btApply(in.Aux, v, mask))
	}
	btFlags(&m.Fl, v&mask != 0)
}

func btRI[T word](m *x86.Machine, in *x86.Inst) {
	v := rmReg[T](m, in)
	mask := T(1) << (uint(in.Imm) & (bitsOf[T]() - 1))
	if in.Aux != btTest {
		setReg(m, in.RM, in.Rex, btApply(in.Aux, v, mask))
	}
	btFlags(&m.Fl, v&mask != 0)
}

// btMR: memory bit string; the register offset is signed and may reach
// outside the addressed word: the word at EA + size*(offset>>log2(bits)).
func btMR[T word](m *x86.Machine, in *x86.Inst) {
	off := int64(sext(regOp[T](m, in)))
	ea := m.EA(in) + uint64(off>>bits.TrailingZeros(bitsOf[T]()))*uint64(size[T]())
	if in.AddrSize == 4 {
		ea = uint64(uint32(ea))
	}
	btMem[T](m, in, ea, uint(off)&(bitsOf[T]()-1))
}

func btMI[T word](m *x86.Machine, in *x86.Inst) {
	btMem[T](m, in, m.EA(in), uint(in.Imm)&(bitsOf[T]()-1))
}

func btMem[T word](m *x86.Machine, in *x86.Inst, ea uint64, bit uint) {
	mask := T(1) << bit
	var v T
	switch {
	case in.Aux == btTest:
		v = load[T](m, ea)
	case in.Pfx&x86.PfxLock != 0:
		for {
			v = load[T](m, ea)
			if cas(m, ea, v, btApply(in.Aux, v, mask)) {
				break
			}
		}
	default:
		v = load[T](m, ea)
		store(m, ea, btApply(in.Aux, v, mask))
	}
	btFlags(&m.Fl, v&mask != 0)
}

// btTab[form][size]: RR, RI, MR, MI.
var btTab = [4][4]x86.Handler{
	{nil, btRR[uint16], btRR[uint32], btRR[uint64]},
	{nil, btRI[uint16], btRI[uint32], btRI[uint64]},
	{nil, btMR[uint16], btMR[uint32], btMR[uint64]},
	{nil, btMI[uint16], btMI[uint32], btMI[uint64]},
}

// srcOp reads the r/m source operand of a G,E instruction.
func srcOp[T word](m *x86.Machine, in *x86.Inst) T {
	if in.Mod == 3 {
		return rmReg[T](m, in)
	}
	return load[T](m, m.EA(in))
}

// BSF/BSR: ZF = (source == 0), and a zero source leaves the destination
// unchanged (a 32-bit destination is not even zero-extended), as Intel and
// AMD cores do. CF, OF, SF, AF and PF are undefined; we keep them, which
// is not what every Intel core does (see native_amd64_test.go).
func bsf[T word](m *x86.Machine, in *x86.Inst) {
	v := srcOp[T](m, in)
	if v == 0 {
		bsfFlags(&m.Fl, true)
		return
	}
	setReg(m, in.Reg, in.Rex, T(bits.TrailingZeros64(uint64(v))))
	bsfFlags(&m.Fl, false)
}

func bsr[T word](m *x86.Machine, in *x86.Inst) {
	v := srcOp[T](m, in)
	if v == 0 {
		bsfFlags(&m.Fl, true)
		return
	}
	setReg(m, in.Reg, in.Rex, T(63-bits.LeadingZeros64(uint64(v))))
	bsfFlags(&m.Fl, false)
}

func bsfFlags(f *x86.Flags, zero bool) {
	f.Flush()
	f.Bits &^= x86.FlagZF
	if zero {
		f.Bits |= x86.FlagZF
	}
}

// TZCNT/LZCNT: CF = (source == 0), ZF = (result == 0).
func tzcnt[T word](m *x86.Machine, in *x86.Inst) {
	v := srcOp[T](m, in)
	r := T(bitsOf[T]())
	if v != 0 {
		r = T(bits.TrailingZeros64(uint64(v)))
	}
	setReg(m, in.Reg, in.Rex, r)
	cntFlags(&m.Fl, v == 0, r == 0)
}

func lzcnt[T word](m *x86.Machine, in *x86.Inst) {
	v := srcOp[T](m, in)
	r := T(bits.LeadingZeros64(uint64(v)) - (64 - int(bitsOf[T]())))
	setReg(m, in.Reg, in.Rex, r)
	cntFlags(&m.Fl, v == 0, r == 0)
}

func cntFlags(f *x86.Flags, cf, zf bool) {
	f.Flush()
	f.Bits &^= x86.FlagCF | x86.FlagZF
	if cf {
		f.Bits |= x86.FlagCF
	}
	if zf {
		f.Bits |= x86.FlagZF
	}
}

// POPCNT clears OF, SF, AF, CF and PF and sets ZF for a zero source.
func popcnt[T word](m *x86.Machine, in *x86.Inst) {
	v := srcOp[T](m, in)
	setReg(m, in.Reg, in.Rex, T(bits.OnesCount64(uint64(v))))
	m.Fl.Flush()
	m.Fl.Bits &^= x86.FlagsArith
	if v == 0 {
		m.Fl.Bits |= x86.FlagZF
	}
}

// cntTab[bsf, bsr, tzcnt, lzcnt, popcnt][size]
var cntTab = [5][4]x86.Handler{
	{nil, bsf[uint16], bsf[uint32], bsf[uint64]},
	{nil, bsr[uint16], bsr[uint32], bsr[uint64]},
	{nil, tzcnt[uint16], tzcnt[uint32], tzcnt[uint64]},
	{nil, lzcnt[uint16], lzcnt[uint32], lzcnt[uint64]},
	{nil, popcnt[uint16], popcnt[uint32], popcnt[uint64]},
}

package interp

import "github.com/blink-go/blink/core/x86"

// SETcc and CMOVcc. The condition code is the low nibble of the opcode,
// kept in Inst.Aux by Bind.

func setccR(m *x86.Machine, in *x86.Inst) {
	m.Set8(in.RM, in.Rex, b2u[uint8](m.Fl.Cond(in.Aux)))
}

func setccM(m *x86.Machine, in *x86.Inst) {
	m.Mem.Write8(m.EA(in), b2u[uint8](m.Fl.Cond(in.Aux)))
}

// CMOV with a 32-bit operand writes (zero-extends) the destination even
// when the condition is false; the 16-bit form leaves it alone. The memory
// source is read whatever the condition, so a bad address faults either way.
func cmovR[T word](m *x86.Machine, in *x86.Inst) {
	if m.Fl.Cond(in.Aux) {
		setReg(m, in.Reg, in.Rex, rmReg[T](m, in))
	} else if size[T]() == 4 {
		m.R[in.Reg] = uint64(uint32(m.R[in.Reg]))
	}
}

func cmovM[T word](m *x86.Machine, in *x86.Inst) {
	v := load[T](m, m.EA(in))
	if m.Fl.Cond(in.Aux) {
		setReg(m, in.Reg, in.Rex, v)
	} else if size[T]() == 4 {
		m.R[in.Reg] = uint64(uint32(m.R[in.Reg]))
	}
}

var cmovTab = [2][4]x86.Handler{
	{nil, cmovR[uint16], cmovR[uint32], cmovR[uint64]},
	{nil, cmovM[uint16], cmovM[uint32], cmovM[uint64]},
}

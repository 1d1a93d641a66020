package interp

import "github.com/blink-go/blink/core/x86"

// Jcc, JMP, CALL, RET, LOOP*, JrCXZ. RIP already holds the next
// instruction, so relative targets are RIP + Imm. Intel ignores the 66
// prefix on near branches in 64-bit mode (AMD truncates RIP to 16 bits);
// we follow Intel, since CPUID says GenuineIntel.

func jump(m *x86.Machine, in *x86.Inst) { m.RIP += uint64(in.Imm) }

// jccTab has one handler per condition so the hot path evaluates exactly
// one predicate, straight from the lazily recorded operands.
var jccTab = [16]x86.Handler{
	func(m *x86.Machine, in *x86.Inst) {
		if m.Fl.OF() {
			jump(m, in)
		}
	},
	func(m *x86.Machine, in *x86.Inst) {
		if !m.Fl.OF() {
			jump(m, in)
		}
	},
	func(m *x86.Machine, in *x86.Inst) {
		if m.Fl.CF() {
			jump(m, in)
		}
	},
	func(m *x86.Machine, in *x86.Inst) {
		if !m.Fl.CF() {
			jump(m, in)
		}
	},
	func(m *x86.Machine, in *x86.Inst) {
		if m.Fl.ZF() {
			jump(m, in)
		}
	},
	func(m *x86.Machine, in *x86.Inst) {
		if !m.Fl.ZF() {
			jump(m, in)
		}
	},
	func(m *x86.Machine, in *x86.Inst) {
		if m.Fl.BelowEq() {
			jump(m, in)
		}
	},
	func(m *x86.Machine, in *x86.Inst) {
		if !m.Fl.BelowEq() {
			jump(m, in)
		}
	},
	func(m *x86.Machine, in *x86.Inst) {
		if m.Fl.SF() {
			jump(m, in)
		}
	},
	func(m *x86.Machine, in *x86.Inst) {
		if !m.Fl.SF() {
			jump(m, in)
		}
	},
	func(m *x86.Machine, in *x86.Inst) {
		if m.Fl.PF() {
			jump(m, in)
		}
	},
	func(m *x86.Machine, in *x86.Inst) {
		if !m.Fl.PF() {
			jump(m, in)
		}
	},
	func(m *x86.Machine, in *x86.Inst) {
		if m.Fl.Less() {
			jump(m, in)
		}
	},
	func(m *x86.Machine, in *x86.Inst) {
		if !m.Fl.Less() {
			jump(m, in)
		}
	},
	func(m *x86.Machine, in *x86.Inst) {
		if m.Fl.LessEq() {
			jump(m, in)
		}
	},
	func(m *x86.Machine, in *x86.Inst) {
		if !m.Fl.LessEq() {
			jump(m, in)
		}
	},
}

func jmpRel(m *x86.Machine, in *x86.Inst) { jump(m, in) }
func jmpR(m *x86.Machine, in *x86.Inst)   { m.RIP = m.R[in.RM] }
func jmpM(m *x86.Machine, in *x86.Inst)   { m.RIP = load[uint64](m, m.EA(in)) }

func callRel(m *x86.Machine, in *x86.Inst) {
	push(m, m.RIP)
	jump(m, in)
}

func callR(m *x86.Machine, in *x86.Inst) {
	t := m.R[in.RM] // before the push: CALL RSP uses the old RSP
	push(m, m.RIP)
	m.RIP = t
}

func callM(m *x86.Machine, in *x86.Inst) {
	t := load[uint64](m, m.EA(in))
	push(m, m.RIP)
	m.RIP = t
}

func ret(m *x86.Machine, in *x86.Inst) { m.RIP = pop[uint64](m) }

func retImm(m *x86.Machine, in *x86.Inst) {
	m.RIP = pop[uint64](m)
	m.R[x86.RSP] += uint64(uint16(in.Imm))
}

// count returns the LOOP/JrCXZ/REP counter register per address size.
func count(m *x86.Machine, in *x86.Inst) uint64 {
	if in.AddrSize == 4 {
		return uint64(uint32(m.R[x86.RCX]))
	}
	return m.R[x86.RCX]
}

func setCount(m *x86.Machine, in *x86.Inst, v uint64) {
	if in.AddrSize == 4 {
		m.R[x86.RCX] = uint64(uint32(v))
	} else {
		m.R[x86.RCX] = v
	}
}

func loop(m *x86.Machine, in *x86.Inst) {
	c := count(m, in) - 1
	setCount(m, in, c)
	if c != 0 {
		jump(m, in)
	}
}

func loope(m *x86.Machine, in *x86.Inst) {
	c := count(m, in) - 1
	setCount(m, in, c)
	if c != 0 && m.Fl.ZF() {
		jump(m, in)
	}
}

func loopne(m *x86.Machine, in *x86.Inst) {
	c := count(m, in) - 1
	setCount(m, in, c)
	if c != 0 && !m.Fl.ZF() {
		jump(m, in)
	}
}

func jrcxz(m *x86.Machine, in *x86.Inst) {
	if count(m, in) == 0 {
		jump(m, in)
	}
}

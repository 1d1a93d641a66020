package interp

import "github.com/blink-go/blink/core/x86"

// PUSH/POP (64-bit and 16-bit forms), ENTER/LEAVE, PUSHF/POPF. Each handler
// computes the new RSP, does the memory access, then commits RSP, so a
// faulting push or pop leaves the machine unchanged.

func push[T word](m *x86.Machine, v T) {
	sp := m.R[x86.RSP] - uint64(size[T]())
	store(m, sp, v)
	m.R[x86.RSP] = sp
}

func pop[T word](m *x86.Machine) T {
	sp := m.R[x86.RSP]
	v := load[T](m, sp)
	m.R[x86.RSP] = sp + uint64(size[T]())
	return v
}

// 50+r: PUSH r. PUSH RSP pushes the value before the decrement, which
// reading the register before push() gives for free.
func pushR[T word](m *x86.Machine, in *x86.Inst) { push(m, T(m.R[in.RM])) }

// 58+r: POP r. POP RSP loads RSP from the old top of stack: the
// increment is overwritten by the loaded value.
func popR[T word](m *x86.Machine, in *x86.Inst) {
	v := pop[T](m)
	setReg(m, in.RM, 0, v)
}

func pushI[T word](m *x86.Machine, in *x86.Inst) { push(m, T(in.Imm)) }

// FF /6 PUSH r/m: the operand is read before RSP changes.
func pushM[T word](m *x86.Machine, in *x86.Inst) { push(m, load[T](m, m.EA(in))) }

// 8F /0 POP r/m. An RSP-based destination address is computed with
// the already-incremented RSP (Intel SDM, POP), and RSP is rolled back if
// the store faults.
func popM[T word](m *x86.Machine, in *x86.Inst) {
	sp := m.R[x86.RSP]
	v := load[T](m, sp)
	m.R[x86.RSP] = sp + uint64(size[T]())
	ea := m.EA(in)
	m.R[x86.RSP] = sp
	store(m, ea, v)
	m.R[x86.RSP] = sp + uint64(size[T]())
}

var pushRTab = [4]x86.Handler{nil, pushR[uint16], nil, pushR[uint64]}
var popRTab = [4]x86.Handler{nil, popR[uint16], nil, popR[uint64]}
var pushITab = [4]x86.Handler{nil, pushI[uint16], nil, pushI[uint64]}
var pushMTab = [4]x86.Handler{nil, pushM[uint16], nil, pushM[uint64]}
var popMTab = [4]x86.Handler{nil, popM[uint16], nil, popM[uint64]}

// LEAVE: RSP = RBP, then pop RBP.
func leave64(m *x86.Machine, in *x86.Inst) {
	v := load[uint64](m, m.R[x86.RBP])
	m.R[x86.RSP] = m.R[x86.RBP] + 8
	m.R[x86.RBP] = v
}

func leave16(m *x86.Machine, in *x86.Inst) {
	v := load[uint16](m, m.R[x86.RBP])
	m.R[x86.RSP] = m.R[x86.RBP] + 2
	m.Set16(x86.RBP, v)
}

// ENTER size, level (64-bit operand size; the 16-bit form is #UD here,
// see Bind). Nested levels copy level-1 frame pointers from the old frame.
func enter(m *x86.Machine, in *x86.Inst) {
	sz := uint64(uint16(in.Imm))
	level := uint64(in.Imm2 & 31)
	sp := m.R[x86.RSP] - 8
	store(m, sp, m.R[x86.RBP])
	frame := sp
	if level > 0 {
		bp := m.R[x86.RBP]
		for i := uint64(1); i < level; i++ {
			bp -= 8
			sp -= 8
			store(m, sp, load[uint64](m, bp))
		}
		sp -= 8
		store(m, sp, frame)
	}
	m.R[x86.RBP] = frame
	m.R[x86.RSP] = sp - sz
}

// PUSHF pushes RFLAGS with VM and RF cleared (never set in user mode).
func pushf(m *x86.Machine, in *x86.Inst) { push(m, m.GetFlags()&^(1<<16|1<<17)) }

func pushf16(m *x86.Machine, in *x86.Inst) { push(m, uint16(m.GetFlags())) }

// popfMask is what POPF may change at CPL 3 with IOPL 0: IF and IOPL are
// silently kept, VM/RF/VIF/VIP cannot be set from user mode.
const popfMask = x86.FlagsArith | x86.FlagTF | x86.FlagDF | 1<<14 /* NT */ | x86.FlagAC | x86.FlagID

func popf(m *x86.Machine, in *x86.Inst) {
	v := pop[uint64](m)
	m.SetFlags(m.GetFlags()&^popfMask | v&popfMask)
}

func popf16(m *x86.Machine, in *x86.Inst) {
	v := uint64(pop[uint16](m))
	m.SetFlags(m.GetFlags()&^(popfMask&0xffff) | v&popfMask&0xffff)
}

package interp

import (
	"crypto/rand"
	"encoding/binary"
	"time"

	"github.com/blink-go/blink/core/x86"
)

// Flag instructions, system-ish instructions a user program may execute,
// and the exceptions for those it may not.

func ud(m *x86.Machine, in *x86.Inst) { x86.Raise(x86.ExUD) }
func gp(m *x86.Machine, in *x86.Inst) { x86.Raise(x86.ExGP) }

// INT3 is a trap: the engine reports it with RIP after the instruction,
// as Linux does (si_addr and the context RIP point past the CC byte).
func int3(m *x86.Machine, in *x86.Inst) { x86.Raise(x86.ExBP) }
func int1(m *x86.Machine, in *x86.Inst) { x86.Raise(x86.ExDB) }

func nop(m *x86.Machine, in *x86.Inst) {}

// Fences are no-ops: handlers of one guest thread execute in order, and
// cross-thread ordering comes from core/mem's atomic accesses and the Go
// memory model, which is at least as strong as x86-TSO for the CAS-based
// locked instructions. LFENCE's speculation barrier has no meaning here.
func fence(m *x86.Machine, in *x86.Inst) {}

func clc(m *x86.Machine, in *x86.Inst) { m.Fl.Flush(); m.Fl.Bits &^= x86.FlagCF }
func stc(m *x86.Machine, in *x86.Inst) { m.Fl.Flush(); m.Fl.Bits |= x86.FlagCF }
func cmc(m *x86.Machine, in *x86.Inst) { m.Fl.Flush(); m.Fl.Bits ^= x86.FlagCF }
func cld(m *x86.Machine, in *x86.Inst) { m.Fl.Bits &^= x86.FlagDF }
func std(m *x86.Machine, in *x86.Inst) { m.Fl.Bits |= x86.FlagDF }

// LAHF: AH = SF:ZF:0:AF:0:PF:1:CF.
func lahf(m *x86.Machine, in *x86.Inst) {
	m.Set8(4, 0, uint8(m.GetFlags()&(x86.FlagSF|x86.FlagZF|x86.FlagAF|x86.FlagPF|x86.FlagCF)|2))
}

// SAHF loads SF, ZF, AF, PF and CF from AH; OF is untouched.
func sahf(m *x86.Machine, in *x86.Inst) {
	const mask = x86.FlagSF | x86.FlagZF | x86.FlagAF | x86.FlagPF | x86.FlagCF
	ah := uint64(m.Get8(4, 0))
	m.SetFlags(m.GetFlags()&^mask | ah&mask)
}

// SYSCALL does what the hardware does before entering the kernel: RCX gets
// the return address and R11 RFLAGS (Linux's SYSRET restores them from
// there, so the guest sees both clobbered).
func syscallInsn(m *x86.Machine, in *x86.Inst) {
	m.R[x86.RCX] = m.RIP
	m.R[x86.R11] = m.GetFlags() &^ (1 << 16) // RF
	m.Env.Syscall(m)
}

// tscEpoch anchors the virtual TSC; it is read-only after start-up.
var tscEpoch = time.Now()

// tscHz is the nominal TSC frequency, which the brand string also states.
const tscHz = 3_000_000_000

func tsc() uint64 {
	ns := uint64(time.Since(tscEpoch))
	return ns*(tscHz/1_000_000_000) + 1 // never 0, like a booted machine
}

func rdtsc(m *x86.Machine, in *x86.Inst) {
	t := tsc()
	m.R[x86.RAX], m.R[x86.RDX] = uint64(uint32(t)), t>>32
}

// RDTSCP also returns IA32_TSC_AUX, which Linux sets to the CPU number
// (node in bits 12+); one virtual CPU 0 here.
func rdtscp(m *x86.Machine, in *x86.Inst) {
	rdtsc(m, in)
	m.R[x86.RCX] = 0
}

// RDRAND/RDSEED always succeed (CF = 1); OF, SF, ZF, AF, PF are cleared.
func rdrand[T word](m *x86.Machine, in *x86.Inst) {
	var b [8]byte
	rand.Read(b[:])
	setReg(m, in.RM, in.Rex, T(binary.LittleEndian.Uint64(b[:])))
	m.Fl.Flush()
	m.Fl.Bits = m.Fl.Bits&^x86.FlagsArith | x86.FlagCF
}

var rdrandTab = [4]x86.Handler{nil, rdrand[uint16], rdrand[uint32], rdrand[uint64]}

// XGETBV with ECX = 0 reports XCR0 = x87|SSE; other XCRs are #GP.
func xgetbv(m *x86.Machine, in *x86.Inst) {
	if uint32(m.R[x86.RCX]) != 0 {
		x86.Raise(x86.ExGP)
	}
	m.R[x86.RAX], m.R[x86.RDX] = 3, 0
}

// MOV r/m, Sreg (8C) reads Linux's user selectors: CS = 0x33, SS = 0x2b,
// the rest 0. A 32/64-bit register destination is zero-extended; memory
// takes 16 bits.
func movFromSreg(m *x86.Machine, in *x86.Inst) {
	var v uint16
	switch in.Reg & 7 {
	case 1:
		v = 0x33
	case 2:
		v = 0x2b
	case 6, 7:
		x86.Raise(x86.ExUD)
	}
	if in.Mod != 3 {
		m.Mem.Write16(m.EA(in), v)
		return
	}
	if in.OpSize == 2 {
		m.Set16(in.RM, v)
	} else {
		m.R[in.RM] = uint64(v)
	}
}

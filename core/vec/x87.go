package vec

import "github.com/blink-go/blink/core/x86"

// x87 register stack, tag word and status word bookkeeping.
//
// Unmasked x87 exceptions follow the hardware's deferred model: the
// instruction sets the flag and ES/B, and the next waiting x87 instruction
// raises #MF (x87Begin). For unmasked IE/ZE/DE the destination is left
// unchanged and nothing is popped or pushed (compares still set their
// condition codes to unordered); a store to memory treats unmasked OE/UE
// the same way. For unmasked OE/UE with a register destination the masked
// (not the exponent-wrapped) result is stored, which is the one deviation
// from hardware and is only visible to programs that unmask those
// exceptions and read the value in their SIGFPE handler.

const (
	swSF = 1 << 6
	swES = 1 << 7
	swC0 = 1 << 8
	swC1 = 1 << 9
	swC2 = 1 << 10
	swC3 = 1 << 14
	swB  = 1 << 15

	swCC = swC0 | swC1 | swC2 | swC3
)

// Tag values.
const (
	tagValid   = 0
	tagZero    = 1
	tagSpecial = 2
	tagEmpty   = 3
)

// fsw returns the status word with the TOP field merged in.
func fsw(m *x86.Machine) uint16 { return m.FPU.SW&^(7<<11) | uint16(m.FPU.Top&7)<<11 }

// tagFor classifies a register's contents for the full tag word.
func tagFor(r *x86.F80) uint16 {
	e := r.SE & 0x7fff
	switch {
	case e == 0 && r.Mant == 0:
		return tagZero
	case e == 0x7fff || e == 0 || r.Mant>>63 == 0:
		return tagSpecial
	}
	return tagValid
}

func phys(m *x86.Machine, i uint8) uint8 { return (m.FPU.Top + i) & 7 }

func st(m *x86.Machine, i uint8) *x86.F80 { return &m.FPU.St[phys(m, i)] }

func stEmpty(m *x86.Machine, i uint8) bool {
	return m.FPU.Tag>>(2*phys(m, i))&3 == tagEmpty
}

func setTagPhys(m *x86.Machine, p uint8, t uint16) {
	m.FPU.Tag = m.FPU.Tag&^(3<<(2*p)) | t<<(2*p)
}

// setST writes ST(i) and its tag.
func setST(m *x86.Machine, i uint8, v x86.F80) {
	p := phys(m, i)
	m.FPU.St[p] = v
	setTagPhys(m, p, tagFor(&v))
}

func pop(m *x86.Machine) {
	setTagPhys(m, m.FPU.Top&7, tagEmpty)
	m.FPU.Top = (m.FPU.Top + 1) & 7
}

// x87Begin starts a waiting x87 instruction: a pending unmasked exception
// is delivered first (#MF), then the instruction pointer is recorded.
func x87Begin(m *x86.Machine, in *x86.Inst) {
	x87Wait(m)
	m.FPU.IP = m.RIP - uint64(in.Len)
}

// x87Wait delivers a pending unmasked x87 exception (#MF) before a waiting
// instruction. Besides the arithmetic these are FWAIT, FLDCW, FLDENV and
// FRSTOR; the FN- forms, FXSAVE and FXRSTOR do not wait (host-checked).
func x87Wait(m *x86.Machine) {
	if m.FPU.SW&swES != 0 {
		x86.RaiseCode(x86.ExMF, fpeCode(uint32(m.FPU.SW&^m.FPU.CW&0x3f)))
	}
}

// FWait is FWAIT (9B), which does nothing but deliver a pending unmasked
// x87 exception.
func FWait(m *x86.Machine, in *x86.Inst) { x87Wait(m) }

// x87Flags merges an operation's flags into the status word: C1 reports a
// round-up, ES/B an unmasked exception. It returns false when an unmasked
// invalid, denormal or zero-divide exception suppresses the result.
func x87Flags(m *x86.Machine, fl uint32) bool {
	f := &m.FPU
	sw := f.SW &^ swC1
	if fl&fUp != 0 {
		sw |= swC1
	}
	masks := uint32(f.CW & 0x3f)
	ex := fl & 0x3f
	if fl&fTiny != 0 && masks&fUE == 0 {
		ex |= fUE
	}
	if ex&^masks&(fIE|fZE|fDE) != 0 {
		// An unmasked invalid, divide-by-zero or denormal operand stops
		// the operation before it computes: nothing is rounded, so
		// neither PE, UE, OE nor C1 is reported (host-checked).
		ex &= fIE | fZE | fDE
		sw &^= swC1
	}
	sw |= uint16(ex)
	un := ex &^ masks
	if un != 0 {
		sw |= swES | swB
	}
	f.SW = sw
	return un&(fIE|fZE|fDE) == 0
}

// stackFault records a stack overflow (C1=1) or underflow (C1=0) and
// reports whether IE is masked, in which case the caller stores the
// indefinite.
func stackFault(m *x86.Machine, over bool) bool {
	f := &m.FPU
	f.SW = f.SW&^swC1 | fIE | swSF
	if over {
		f.SW |= swC1
	}
	if f.CW&fIE == 0 {
		f.SW |= swES | swB
		return false
	}
	return true
}

// push pushes v, or the indefinite on a masked stack overflow.
func push(m *x86.Machine, v x86.F80) {
	np := (m.FPU.Top - 1) & 7
	if m.FPU.Tag>>(2*np)&3 != tagEmpty {
		if !stackFault(m, true) {
			return
		}
		v = indef80
	}
	m.FPU.Top = np
	m.FPU.St[np] = v
	setTagPhys(m, np, tagFor(&v))
}

// pushNoCheck pushes after a stack underflow was already reported: the
// hardware then does not also report an overflow.
func pushNoCheck(m *x86.Machine, v x86.F80) {
	np := (m.FPU.Top - 1) & 7
	m.FPU.Top = np
	m.FPU.St[np] = v
	setTagPhys(m, np, tagFor(&v))
}

// pushOK reports whether a push would not overflow; for instructions that
// must check before computing.
func pushOK(m *x86.Machine) bool {
	return m.FPU.Tag>>(2*((m.FPU.Top-1)&7))&3 == tagEmpty
}

func unpST(m *x86.Machine, i uint8) unp {
	r := st(m, i)
	return unpack80(r.Mant, r.SE)
}

// x87 memory operand readers.

func unpM32(m *x86.Machine, in *x86.Inst) unp { return unpack32(m.Mem.Read32(m.EA(in)), false) }
func unpM64(m *x86.Machine, in *x86.Inst) unp { return unpack64(m.Mem.Read64(m.EA(in)), false) }
func unpI16(m *x86.Machine, in *x86.Inst) unp {
	return fromInt(int64(int16(m.Mem.Read16(m.EA(in)))))
}
func unpI32(m *x86.Machine, in *x86.Inst) unp {
	return fromInt(int64(int32(m.Mem.Read32(m.EA(in)))))
}

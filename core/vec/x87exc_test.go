package vec

import (
	"testing"

	"github.com/blink-go/blink/core/abi"
	"github.com/blink-go/blink/core/x86"
)

// Unmasked x87 exceptions, which the host comparisons cannot exercise
// (the host would trap); testdata/src/fpe.c checks the same against Linux.

// x87Reg builds a register-form x87 instruction.
func x87Reg(op, modrm byte) x86.Inst {
	return x86.Inst{Op: uint16(op), Mod: 3, Reg: modrm >> 3 & 7, RM: modrm & 7, OpSize: 4, AddrSize: 8,
		Base: x86.RegNone, Index: x86.RegNone, Len: 2}
}

// exec runs in and returns the exception it raised, if any.
func exec(m *x86.Machine, in x86.Inst) (ex *x86.Exception) {
	h := Bind(&in)
	defer func() {
		if r := recover(); r != nil {
			ex = r.(*x86.Exception)
		}
	}()
	h(m, &in)
	return nil
}

func TestX87UnmaskedDeferred(t *testing.T) {
	m := x86.NewMachine(nil, nil, nil)
	m.FPU = x86.FPU{CW: 0x037f &^ fZE, Tag: 0xffff}
	push(m, pack80(false, 16383, 1<<63, &desc80[3])) // 1
	push(m, x86.F80{})                               // 0
	// DE F9 (ST(1) = ST(1)/ST(0), pop): 1/0 with ZE unmasked stores
	// nothing and does not pop.
	if ex := exec(m, x87Reg(0xde, 0xf9)); ex != nil {
		t.Fatalf("FDIVP raised %v at once", ex)
	}
	if m.FPU.Top != 6 || m.FPU.SW&(swES|swB|fZE) != swES|swB|fZE {
		t.Fatalf("after FDIVP: top %d sw %#x", m.FPU.Top, m.FPU.SW)
	}
	// The next waiting instruction faults, FWAIT included; FNSTSW does not.
	if ex := exec(m, x87Reg(0xdf, 0xe0)); ex != nil {
		t.Errorf("FNSTSW AX raised %v", ex)
	}
	ex := func() (ex *x86.Exception) {
		defer func() { ex, _ = recover().(*x86.Exception) }()
		FWait(m, &x86.Inst{Op: 0x9b, Len: 1})
		return nil
	}()
	if ex == nil || ex.Vector != x86.ExMF || ex.Code != abi.FPE_FLTDIV {
		t.Errorf("FWAIT: %v", ex)
	}
	if ex := exec(m, x87Reg(0xd9, 0xe8)); ex == nil || ex.Vector != x86.ExMF { // FLD1
		t.Errorf("FLD1 after a pending ZE: %v", ex)
	}
	// FNCLEX clears it.
	if ex := exec(m, x87Reg(0xdb, 0xe2)); ex != nil {
		t.Errorf("FNCLEX raised %v", ex)
	}
	if ex := exec(m, x87Reg(0xd9, 0xe8)); ex != nil {
		t.Errorf("FLD1 after FNCLEX raised %v", ex)
	}
}

func TestX87UnmaskedCompareNoPop(t *testing.T) {
	m := x86.NewMachine(nil, nil, nil)
	m.FPU = x86.FPU{CW: 0x037f &^ fIE, Tag: 0xffff}
	push(m, x86.F80{})
	push(m, x86.F80{Mant: 0xc000000000000000, SE: 0x7fff}) // QNaN: FCOMPP signals
	if ex := exec(m, x87Reg(0xde, 0xd9)); ex != nil {
		t.Fatalf("FCOMPP raised %v at once", ex)
	}
	// Unordered is still reported; nothing is popped.
	if m.FPU.Top != 6 || m.FPU.SW&(swC3|swC2|swC0) != swC3|swC2|swC0 || m.FPU.SW&swES == 0 {
		t.Errorf("after FCOMPP: top %d sw %#x", m.FPU.Top, m.FPU.SW)
	}
}

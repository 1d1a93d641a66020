package interp

//go:generate go run gen.go

import "github.com/blink-go/blink/core/x86"

// Form indexes into binTab's second dimension (see gen.go).
const (
	binEGr = iota
	binEGm
	binEGl
	binGEr
	binGEm
	binEIr
	binEIm
	binEIl
	binAI
)

// Operation indexes into binTab's first dimension: the group-1 /digit.
const (
	opAdd = iota
	opOr
	opAdc
	opSbb
	opAnd
	opSub
	opXor
	opCmp
	opTest
)

// Forms and operations of unTab.
const (
	unR = iota
	unM
	unL
)

const (
	opInc = iota
	opDec
	opNot
	opNeg
)

// bindBin picks the handler of a two-operand ALU instruction whose r/m
// operand is the destination (E,G and E,I forms) or the source (G,E forms).
func bindBin(in *x86.Inst, op int, form int, sz int) x86.Handler {
	if in.Mod != 3 {
		form++ // the memory variant follows the register one
		if in.Pfx&x86.PfxLock != 0 {
			if form != binEGm && form != binEIm {
				return ud
			}
			form++
		}
	} else if in.Pfx&x86.PfxLock != 0 {
		return ud
	}
	h := binTab[op][form][sz]
	if h == nil {
		return ud
	}
	return h
}

func bindUn(in *x86.Inst, op int, sz int) x86.Handler {
	form := unR
	if in.Mod != 3 {
		form = unM
		if in.Pfx&x86.PfxLock != 0 {
			form = unL
		}
	} else if in.Pfx&x86.PfxLock != 0 {
		return ud
	}
	return unTab[op][form][sz]
}

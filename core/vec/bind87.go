package vec

import "github.com/blink-go/blink/core/x86"

// bind87 decodes the x87 escape opcodes D8-DF.
func bind87(in *x86.Inst) x86.Handler {
	op := in.Opcode()
	d := in.Reg & 7
	if in.Mod != 3 {
		return bind87Mem(in, op, d)
	}
	r := in.RM & 7
	switch op {
	case 0xd8:
		in.Aux = 0
		return bind87Arith(in, d, 0)
	case 0xdc:
		return bind87Arith(in, d, auxDestSTi)
	case 0xde:
		if d == 3 {
			if r == 1 { // FCOMPP
				in.Aux = 2
				return fcom
			}
			return nil
		}
		return bind87Arith(in, d, auxDestSTi|auxPop)
	case 0xd9:
		switch d {
		case 0:
			return fld
		case 1:
			return fxch
		case 2:
			if r == 0 {
				return fnop
			}
			return nil
		case 3: // FSTP1 alias
			in.Aux = auxPop
			return fst
		case 4:
			switch r {
			case 0, 1:
				return funary
			case 4:
				in.Aux = 0
				return fcom
			case 5:
				return fxam
			}
			return nil
		case 5:
			if r == 7 {
				return nil
			}
			return fldConst
		case 6:
			switch r {
			case 0, 1, 2, 3:
				return ftrans
			case 4:
				return fxtract
			case 5:
				in.Aux = 1
				return fprem
			case 6:
				return fdecstp
			}
			return fincstp
		}
		switch r {
		case 0:
			in.Aux = 0
			return fprem
		case 2, 4:
			return funary
		case 5:
			return fscale
		}
		return ftrans
	case 0xda:
		if d < 4 {
			in.Aux = d * 2
			return fcmov
		}
		if d == 5 && r == 1 { // FUCOMPP
			in.Aux = 2 | auxCmpUnord
			return fcom
		}
		return nil
	case 0xdb:
		switch d {
		case 0, 1, 2, 3:
			in.Aux = d*2 | 1
			return fcmov
		case 4:
			switch r {
			case 2:
				return fnclex
			case 3:
				return fninit
			case 0, 1, 4:
				return fnopNoWait
			}
			return nil
		case 5:
			in.Aux = auxCmpUnord | auxCmpEfl
			return fcom
		case 6:
			in.Aux = auxCmpEfl
			return fcom
		}
		return nil
	case 0xdd:
		switch d {
		case 0:
			in.Aux = 0
			return ffree
		case 1:
			return fxch
		case 2:
			in.Aux = 0
			return fst
		case 3:
			in.Aux = auxPop
			return fst
		case 4:
			in.Aux = auxCmpUnord
			return fcom
		case 5:
			in.Aux = 1 | auxCmpUnord
			return fcom
		}
		return nil
	case 0xdf:
		switch d {
		case 0:
			in.Aux = auxPop
			return ffree
		case 1:
			return fxch
		case 2, 3:
			in.Aux = auxPop
			return fst
		case 4:
			if r == 0 {
				return fnstswAX
			}
			return nil
		case 5:
			in.Aux = 1 | auxCmpUnord | auxCmpEfl
			return fcom
		case 6:
			in.Aux = 1 | auxCmpEfl
			return fcom
		}
	}
	return nil
}

// bind87Arith binds the D8/DC/DE register forms; /2 and /3 are compares
// (DC D0+i and DC D8+i are undocumented FCOM/FCOMP aliases).
func bind87Arith(in *x86.Inst, d uint8, aux uint8) x86.Handler {
	switch d {
	case 2:
		in.Aux = 0
		return fcom
	case 3:
		in.Aux = 1
		return fcom
	}
	in.Aux = aux
	return farith
}

// mem kind for D8 (m32), DA (m32int), DC (m64), DE (m16int).
var arithMemKind = [4]uint8{auxM32, auxI32, auxM64, auxI16}

func bind87Mem(in *x86.Inst, op, d uint8) x86.Handler {
	switch op {
	case 0xd8, 0xda, 0xdc, 0xde:
		k := arithMemKind[(op-0xd8)/2]
		switch d {
		case 2:
			in.Aux = k
			return fcom
		case 3:
			in.Aux = k | 1
			return fcom
		}
		in.Aux = k
		return farith
	case 0xd9:
		switch d {
		case 0:
			in.Aux = auxM32
			return fld
		case 2:
			in.Aux = auxM32
			return fst
		case 3:
			in.Aux = auxM32 | auxPop
			return fst
		case 4:
			return fldenv
		case 5:
			return fldcw
		case 6:
			return fnstenv
		case 7:
			return fnstcw
		}
	case 0xdb:
		switch d {
		case 0:
			in.Aux = auxI32
			return fld
		case 1:
			in.Aux = auxI32 | auxPop | auxTrunc
			return fst
		case 2:
			in.Aux = auxI32
			return fst
		case 3:
			in.Aux = auxI32 | auxPop
			return fst
		case 5:
			in.Aux = auxM80
			return fld
		case 7:
			in.Aux = auxM80 | auxPop
			return fst
		}
	case 0xdd:
		switch d {
		case 0:
			in.Aux = auxM64
			return fld
		case 1:
			in.Aux = auxI64 | auxPop | auxTrunc
			return fst
		case 2:
			in.Aux = auxM64
			return fst
		case 3:
			in.Aux = auxM64 | auxPop
			return fst
		case 4:
			return frstor
		case 6:
			return fnsave
		case 7:
			return fnstsw
		}
	case 0xdf:
		switch d {
		case 0:
			in.Aux = auxI16
			return fld
		case 1:
			in.Aux = auxI16 | auxPop | auxTrunc
			return fst
		case 2:
			in.Aux = auxI16
			return fst
		case 3:
			in.Aux = auxI16 | auxPop
			return fst
		case 4:
			return fbld
		case 5:
			in.Aux = auxI64
			return fld
		case 6:
			return fbstp
		case 7:
			in.Aux = auxI64 | auxPop
			return fst
		}
	}
	return nil
}

package vec

import (
	"math"

	"github.com/blink-go/blink/core/x86"
)

// x87 arithmetic and compares. The ModRM /digit of D8/DA/DC/DE selects
// the operation; for digits 4-7 the operation is always ST(0) op y or
// y op ST(0) whatever the destination, which is why the DC/DE register
// forms look swapped in the manual (DC E0+i is FSUBR ST(i),ST(0)).

// Aux bits for the arithmetic binds.
const (
	auxDestSTi = 1 << 0 // register form writing ST(i) (DC, DE)
	auxPop     = 1 << 1
	auxM32     = 0 << 2 // memory operand kinds in bits 2-3
	auxM64     = 1 << 2
	auxI32     = 2 << 2
	auxI16     = 3 << 2
)

// digitOp maps /digit to (op, reversed).
func digitOp(d uint8) (uint8, bool) {
	switch d & 7 {
	case 0:
		return opAdd, false
	case 1:
		return opMul, false
	case 4:
		return opSub, false
	case 5:
		return opSub, true
	case 6:
		return opDiv, false
	}
	return opDiv, true
}

func memOperand(m *x86.Machine, in *x86.Inst) unp {
	switch in.Aux & (3 << 2) {
	case auxM32:
		return unpM32(m, in)
	case auxM64:
		return unpM64(m, in)
	case auxI32:
		return unpI32(m, in)
	}
	return unpI16(m, in)
}

// farith is every FADD/FMUL/FSUB(R)/FDIV(R) form.
func farith(m *x86.Machine, in *x86.Inst) {
	var y unp
	if in.Mod != 3 {
		y = memOperand(m, in)
	}
	x87Begin(m, in)
	i := in.RM & 7
	var dest uint8
	if in.Aux&auxDestSTi != 0 {
		dest = i
	}
	if stEmpty(m, 0) || (in.Mod == 3 && stEmpty(m, i)) {
		if stackFault(m, false) {
			setST(m, dest, indef80)
		}
	} else {
		x := unpST(m, 0)
		if in.Mod == 3 {
			y = unpST(m, i)
		}
		op, rev := digitOp(in.Reg)
		var r x86.F80
		var fl uint32
		if rev {
			r, fl = arith80(op, &y, &x, m.FPU.CW)
		} else {
			r, fl = arith80(op, &x, &y, m.FPU.CW)
		}
		if x87Flags(m, fl) {
			setST(m, dest, r)
		}
	}
	if in.Aux&auxPop != 0 {
		pop(m)
	}
}

// fcmp compares x with y and returns C3/C2/C0 and the flags.
func fcmp(x, y *unp, signalQ bool) (uint16, uint32) {
	if x.cls == clsBad || y.cls == clsBad || isNaN(x) || isNaN(y) {
		if signalQ || x.cls == clsSNaN || y.cls == clsSNaN || x.cls == clsBad || y.cls == clsBad {
			return swC3 | swC2 | swC0, fIE
		}
		return swC3 | swC2 | swC0, 0
	}
	var fl uint32
	if x.den || y.den {
		fl = fDE
	}
	switch cmpU(x, y) {
	case 0:
		return swC3, fl
	case -1:
		return swC0, fl
	}
	return 0, fl
}

// Aux for compares: pops in bits 0-1, bit 2 unordered (FUCOM), bit 3 EFLAGS.
const (
	auxCmpUnord = 1 << 2
	auxCmpEfl   = 1 << 3
)

// fcom is FCOM/FCOMP/FCOMPP/FUCOM*/FICOM*/FCOMI*/FUCOMI*/FTST.
func fcom(m *x86.Machine, in *x86.Inst) {
	var y unp
	if in.Mod != 3 {
		y = memOperand(m, in)
	}
	x87Begin(m, in)
	i := in.RM & 7
	if in.Op == 0xd9 && in.Mod == 3 { // FTST compares with +0.0
		i = 0
	}
	var cc uint16
	var fl uint32
	write := true
	if stEmpty(m, 0) || (in.Mod == 3 && in.Op != 0xd9 && stEmpty(m, i)) {
		write = stackFault(m, false)
		cc = swC3 | swC2 | swC0
	} else {
		x := unpST(m, 0)
		if in.Mod == 3 && in.Op != 0xd9 {
			y = unpST(m, i)
		} else if in.Mod == 3 {
			y = unp{cls: clsZero}
		}
		cc, fl = fcmp(&x, &y, in.Mod != 3 || in.Aux&auxCmpUnord == 0)
		write = x87Flags(m, fl)
		m.FPU.SW &^= swC1
	}
	if write {
		// auxCmpEfl shares its bit with the memory kinds: only the
		// register forms (FCOMI & co.) write EFLAGS.
		if in.Mod == 3 && in.Aux&auxCmpEfl != 0 {
			var f uint64
			if cc&swC3 != 0 {
				f |= x86.FlagZF
			}
			if cc&swC2 != 0 {
				f |= x86.FlagPF
			}
			if cc&swC0 != 0 {
				f |= x86.FlagCF
			}
			m.SetFlags(m.GetFlags()&^x86.FlagsArith | f)
		} else {
			m.FPU.SW = m.FPU.SW&^(swC3|swC2|swC0) | cc
		}
	}
	for n := in.Aux & 3; n > 0; n-- {
		pop(m)
	}
}

// fxam classifies ST(0) into C3/C2/C0 with the sign in C1.
func fxam(m *x86.Machine, in *x86.Inst) {
	x87Begin(m, in)
	r := st(m, 0)
	var cc uint16
	if r.SE>>15 != 0 {
		cc = swC1
	}
	if stEmpty(m, 0) {
		cc |= swC3 | swC0
	} else {
		switch u := unpack80(r.Mant, r.SE); u.cls {
		case clsBad:
		case clsQNaN, clsSNaN:
			cc |= swC0
		case clsInf:
			cc |= swC2 | swC0
		case clsZero:
			cc |= swC3
		default:
			if u.den {
				cc |= swC3 | swC2
			} else {
				cc |= swC2
			}
		}
	}
	m.FPU.SW = m.FPU.SW&^swCC | cc
}

// Unary operations on ST(0), selected by in.RM for D9 E0-FF.

func funary(m *x86.Machine, in *x86.Inst) {
	x87Begin(m, in)
	if stEmpty(m, 0) {
		if stackFault(m, false) {
			setST(m, 0, indef80)
		}
		return
	}
	r := *st(m, 0)
	var fl uint32
	switch in.RM & 7 {
	case 0: // FCHS
		r.SE ^= 0x8000
	case 1: // FABS
		r.SE &^= 0x8000
	case 2: // FSQRT (0xFA)
		x := unpack80(r.Mant, r.SE)
		r, fl = arith80(opSqrt, &x, nil, m.FPU.CW)
	case 4: // FRNDINT (0xFC)
		r, fl = roundInt80(r, m.FPU.CW)
	}
	if x87Flags(m, fl) {
		setST(m, 0, r)
	}
}

// fscale: ST(0) = ST(0)·2^trunc(ST(1)).
func fscale(m *x86.Machine, in *x86.Inst) {
	x87Begin(m, in)
	if stEmpty(m, 0) || stEmpty(m, 1) {
		if stackFault(m, false) {
			setST(m, 0, indef80)
		}
		return
	}
	a, b := unpST(m, 0), unpST(m, 1)
	r, fl := scale80(&a, &b, m.FPU.CW)
	if x87Flags(m, fl) {
		setST(m, 0, r)
	}
}

// fxtract splits ST(0) into exponent (ST(1) after the push) and significand.
func fxtract(m *x86.Machine, in *x86.Inst) {
	x87Begin(m, in)
	if stEmpty(m, 0) {
		if stackFault(m, false) {
			setST(m, 0, indef80)
			pushNoCheck(m, indef80)
		}
		return
	}
	if !pushOK(m) {
		if stackFault(m, true) {
			setST(m, 0, indef80)
			push(m, indef80)
		}
		return
	}
	u := unpST(m, 0)
	var e, s x86.F80
	var fl uint32
	switch u.cls {
	case clsBad:
		e, s, fl = indef80, indef80, fIE
	case clsQNaN, clsSNaN:
		s, fl = nanPick80(&u, &u)
		e = s
	case clsZero:
		e, s, fl = inf80(true), zero80(u.neg), fZE
	case clsInf:
		e, s = inf80(false), inf80(u.neg)
	default:
		ei := fromInt(int64(u.exp))
		e, _ = unpTo80(&ei)
		s = pack80(u.neg, 16383, u.sig, &desc80[3])
		if u.den {
			fl = fDE
		}
	}
	if x87Flags(m, fl) {
		setST(m, 0, e)
		push(m, s)
	}
}

// fprem is FPREM (Aux 0) and FPREM1 (Aux 1).
func fprem(m *x86.Machine, in *x86.Inst) {
	x87Begin(m, in)
	if stEmpty(m, 0) || stEmpty(m, 1) {
		if stackFault(m, false) {
			setST(m, 0, indef80)
		}
		return
	}
	a, b := unpST(m, 0), unpST(m, 1)
	r, q, partial, fl := prem80(&a, &b, in.Aux != 0)
	if !x87Flags(m, fl) {
		return
	}
	setST(m, 0, r)
	var cc uint16
	if partial {
		cc = swC2
	} else {
		if q&4 != 0 {
			cc |= swC0
		}
		if q&2 != 0 {
			cc |= swC3
		}
		if q&1 != 0 {
			cc |= swC1
		}
	}
	m.FPU.SW = m.FPU.SW&^swCC | cc
}

// Transcendentals through float64 (see f80.go). in.RM selects D9 F0-FF.
func ftrans(m *x86.Machine, in *x86.Inst) {
	x87Begin(m, in)
	code := in.Reg&7<<3 | in.RM&7
	two := code == 6<<3|1 || code == 6<<3|3 || code == 7<<3|1 // FYL2X, FPATAN, FYL2XP1
	if stEmpty(m, 0) || (two && stEmpty(m, 1)) {
		if stackFault(m, false) {
			setST(m, 0, indef80)
		}
		return
	}
	x := f80ToFloat(*st(m, 0))
	sw := m.FPU.SW &^ (swC2 | swC1)
	switch in.Reg&7<<3 | in.RM&7 {
	case 6<<3 | 0: // F2XM1
		setST(m, 0, floatTo80(math.Expm1(x*math.Ln2)))
	case 6<<3 | 1: // FYL2X
		y := f80ToFloat(*st(m, 1))
		pop(m)
		setST(m, 0, floatTo80(y*math.Log2(x)))
	case 7<<3 | 1: // FYL2XP1
		y := f80ToFloat(*st(m, 1))
		pop(m)
		setST(m, 0, floatTo80(y*math.Log1p(x)/math.Ln2))
	case 6<<3 | 3: // FPATAN
		y := f80ToFloat(*st(m, 1))
		pop(m)
		setST(m, 0, floatTo80(math.Atan2(y, x)))
	default:
		if math.Abs(x) >= 1<<63 || math.IsInf(x, 0) {
			if math.IsInf(x, 0) {
				x87Flags(m, fIE)
				setST(m, 0, indef80)
				return
			}
			m.FPU.SW = sw | swC2
			return
		}
		switch in.Reg&7<<3 | in.RM&7 {
		case 7<<3 | 6: // FSIN
			setST(m, 0, floatTo80(math.Sin(x)))
		case 7<<3 | 7: // FCOS
			setST(m, 0, floatTo80(math.Cos(x)))
		case 7<<3 | 3: // FSINCOS
			setST(m, 0, floatTo80(math.Sin(x)))
			push(m, floatTo80(math.Cos(x)))
		case 6<<3 | 2: // FPTAN
			setST(m, 0, floatTo80(math.Tan(x)))
			push(m, x86.F80{Mant: 1 << 63, SE: 16383})
		}
	}
	m.FPU.SW = m.FPU.SW&^(swC2|swC1) | fPE
}

// fcmov moves ST(i) to ST(0) when the EFLAGS condition in.Aux holds
// (bit 0 negates; 0 B, 2 E, 4 BE, 6 U).
func fcmov(m *x86.Machine, in *x86.Inst) {
	x87Begin(m, in)
	f := m.GetFlags()
	var c bool
	switch in.Aux &^ 1 {
	case 0:
		c = f&x86.FlagCF != 0
	case 2:
		c = f&x86.FlagZF != 0
	case 4:
		c = f&(x86.FlagCF|x86.FlagZF) != 0
	default:
		c = f&x86.FlagPF != 0
	}
	if in.Aux&1 != 0 {
		c = !c
	}
	i := in.RM & 7
	if stEmpty(m, 0) || stEmpty(m, i) {
		// The masked response writes the indefinite whatever the condition.
		if stackFault(m, false) {
			setST(m, 0, indef80)
		}
		return
	}
	m.FPU.SW &^= swC1
	if c {
		setST(m, 0, *st(m, i))
	}
}

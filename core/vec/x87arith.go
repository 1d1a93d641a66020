package vec

import "github.com/blink-go/blink/core/x86"

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
		if !stackFault(m, false) {
			return
		}
		setST(m, dest, indef80)
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
		if !x87Flags(m, fl) {
			return // unmasked: operands unchanged, no pop
		}
		setST(m, dest, r)
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
	pops := in.Aux & 3
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
		// An unmasked invalid still reports unordered but pops nothing
		// (host-checked).
		if !x87Flags(m, fl) {
			pops = 0
		}
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
	if !write {
		pops = 0
	}
	for ; pops > 0; pops-- {
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

// ftrans is F2XM1, FYL2X, FYL2XP1, FPATAN, FSIN, FCOS, FSINCOS and FPTAN
// (f80trans.go); in.Reg:in.RM select D9 F0-FF.
func ftrans(m *x86.Machine, in *x86.Inst) {
	x87Begin(m, in)
	cw := m.FPU.CW
	switch in.Reg&7<<3 | in.RM&7 {
	case 6<<3 | 1, 7<<3 | 1, 6<<3 | 3: // FYL2X, FYL2XP1, FPATAN: ST(1) = f(ST(1), ST(0)), pop
		if stEmpty(m, 0) || stEmpty(m, 1) {
			if stackFault(m, false) {
				setST(m, 1, indef80)
				pop(m)
			}
			return
		}
		x, y := unpST(m, 0), unpST(m, 1)
		var r x86.F80
		var fl uint32
		switch in.Reg&7<<3 | in.RM&7 {
		case 6<<3 | 1:
			r, fl = fyl2x80(&y, &x, cw)
		case 7<<3 | 1:
			r, fl = fyl2xp180(&y, &x, cw)
		default:
			r, fl = fpatan80(&y, &x, cw)
		}
		if x87Flags(m, fl) {
			setST(m, 1, r)
			pop(m)
		}
	case 6<<3 | 0: // F2XM1
		if stEmpty(m, 0) {
			if stackFault(m, false) {
				setST(m, 0, indef80)
			}
			return
		}
		x := unpST(m, 0)
		r, fl := f2xm180(&x, cw)
		if x87Flags(m, fl) {
			setST(m, 0, r)
		}
	default:
		ftrig(m, in)
	}
}

// ftrig is FSIN, FCOS, FSINCOS and FPTAN. An operand of magnitude 2^63 or
// more is left in place with C2 set, for software to reduce with FPREM.
func ftrig(m *x86.Machine, in *x86.Inst) {
	op := trigTan
	switch in.RM & 7 {
	case 3:
		op = trigSinCos
	case 6:
		op = trigSin
	case 7:
		op = trigCos
	}
	pushes := op == trigSinCos || op == trigTan
	if stEmpty(m, 0) {
		if stackFault(m, false) {
			setST(m, 0, indef80)
			if pushes {
				pushNoCheck(m, indef80)
			}
		}
		m.FPU.SW &^= swC2
		return
	}
	if pushes && !pushOK(m) {
		if stackFault(m, true) {
			setST(m, 0, indef80)
			push(m, indef80)
		}
		m.FPU.SW &^= swC2
		return
	}
	x := unpST(m, 0)
	a, b, fl, flb, big := trig80(op, &x, m.FPU.CW)
	if big {
		m.FPU.SW = m.FPU.SW&^swC1 | swC2
		return
	}
	if op == trigSinCos {
		// C1 reports the rounding of the value left on top.
		fl = fl&^fUp | flb&fUp
	}
	if !x87Flags(m, fl) {
		m.FPU.SW &^= swC2
		return
	}
	m.FPU.SW &^= swC2
	setST(m, 0, a)
	switch op {
	case trigSinCos:
		push(m, b)
	case trigTan:
		if x.cls == clsNorm {
			push(m, pack80(false, 16383, 1<<63, &desc80[3]))
		} else {
			push(m, b) // the NaN, the indefinite, or 1 for ±0
		}
	}
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

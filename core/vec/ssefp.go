package vec

import (
	"github.com/blink-go/blink/core/abi"
	"github.com/blink-go/blink/core/x86"
)

// Lane arithmetic for SSE binary32/binary64 and the MXCSR exception rules.

// Arithmetic operations (also the Aux value of bound instructions).
const (
	opAdd = iota
	opSub
	opMul
	opDiv
	opMin
	opMax
	opSqrt
)

// MXCSR fields.
const (
	mxDAZ      = 1 << 6
	mxMaskSh   = 7
	mxFTZ      = 1 << 15
	mxReserved = 0xffff0000
)

func mxRC(mx uint32) uint32 { return mx >> 13 & 3 }

// mxFTZOn reports whether tiny results flush to zero: FTZ applies only
// while underflow is masked.
func mxFTZOn(mx uint32) bool { return mx&mxFTZ != 0 && mx&(fUE<<mxMaskSh) != 0 }

// sseCommit merges an operation's flags into MXCSR and raises #XM when one
// of them is unmasked. Callers compute every lane first and write the
// destination only after sseCommit returns, because an unmasked exception
// leaves the destination unchanged.
func sseCommit(m *x86.Machine, fl uint32) {
	mx := m.MXCSR
	masks := mx >> mxMaskSh & 0x3f
	ex := fl & 0x3f
	if fl&fTiny != 0 && masks&fUE == 0 {
		// A trapping underflow reports PE as if the exponent were
		// unbounded (the handler gets the unrounded case to fix up).
		// Lanes are merged by then, so for packed operations this
		// can drop a PE that another lane earned; hardware keeps it.
		ex = ex&^fPE | fUE
		if fl&fTinyPE != 0 {
			ex |= fPE
		}
	}
	if (ex&(fIE|fDE|fZE))&^masks != 0 {
		// An unmasked pre-computation exception stops the operation
		// before there is a result to overflow, underflow or round.
		ex &^= fOE | fUE | fPE
	}
	if ex == 0 {
		return
	}
	m.MXCSR = mx | ex
	if un := ex &^ masks; un != 0 {
		x86.RaiseCode(x86.ExXM, fpeCode(un))
	}
}

// fpeCode is the si_code Linux reports for the first exception found in
// the order the kernel checks them (arch/x86/kernel/fpu/core.c).
func fpeCode(ex uint32) int32 {
	switch {
	case ex&fIE != 0:
		return abi.FPE_FLTINV
	case ex&fZE != 0:
		return abi.FPE_FLTDIV
	case ex&fOE != 0:
		return abi.FPE_FLTOVF
	case ex&(fUE|fDE) != 0:
		return abi.FPE_FLTUND
	case ex&fPE != 0:
		return abi.FPE_FLTRES
	}
	return 0
}

// result kinds from arithCore.
const (
	outNorm = iota
	outZero
	outInf
	outIndef
)

// arithCore computes add/sub/mul/div/sqrt on non-NaN operands. For sqrt
// only b is used. It returns the kind of result, its sign, the unrounded
// value for outNorm, and the pre-computation flags (IE, ZE).
func arithCore(op uint8, a, b *unp, rc uint32) (kind uint8, neg bool, n norm, fl uint32) {
	switch op {
	case opAdd, opSub:
		bneg := b.neg
		if op == opSub {
			bneg = !bneg
		}
		switch {
		case a.cls == clsInf && b.cls == clsInf:
			if a.neg != bneg {
				return outIndef, false, n, fIE
			}
			return outInf, a.neg, n, 0
		case a.cls == clsInf:
			return outInf, a.neg, n, 0
		case b.cls == clsInf:
			return outInf, bneg, n, 0
		case a.cls == clsZero && b.cls == clsZero:
			// x + x keeps the common sign; opposite signs give -0 only
			// when rounding down.
			if a.neg == bneg {
				return outZero, a.neg, n, 0
			}
			return outZero, rc == rcDown, n, 0
		case a.cls == clsZero:
			bb := *b
			bb.neg = bneg
			return outNorm, bneg, norm{sig: bb.sig, exp: bb.exp, neg: bneg}, 0
		case b.cls == clsZero:
			return outNorm, a.neg, norm{sig: a.sig, exp: a.exp, neg: a.neg}, 0
		}
		bb := *b
		bb.neg = bneg
		n = addSig(a, &bb)
		if n.zero {
			return outZero, rc == rcDown, n, 0
		}
		return outNorm, n.neg, n, 0
	case opMul:
		neg = a.neg != b.neg
		switch {
		case (a.cls == clsInf && b.cls == clsZero) || (a.cls == clsZero && b.cls == clsInf):
			return outIndef, false, n, fIE
		case a.cls == clsInf || b.cls == clsInf:
			return outInf, neg, n, 0
		case a.cls == clsZero || b.cls == clsZero:
			return outZero, neg, n, 0
		}
		return outNorm, neg, mulSig(a, b), 0
	case opDiv:
		neg = a.neg != b.neg
		switch {
		case a.cls == clsInf && b.cls == clsInf, a.cls == clsZero && b.cls == clsZero:
			return outIndef, false, n, fIE
		case a.cls == clsInf:
			return outInf, neg, n, 0
		case b.cls == clsInf:
			return outZero, neg, n, 0
		case b.cls == clsZero:
			return outInf, neg, n, fZE
		case a.cls == clsZero:
			return outZero, neg, n, 0
		}
		return outNorm, neg, divSig(a, b), 0
	case opSqrt:
		switch {
		case b.cls == clsZero:
			return outZero, b.neg, n, 0
		case b.neg:
			return outIndef, false, n, fIE
		case b.cls == clsInf:
			return outInf, false, n, 0
		}
		return outNorm, false, sqrtSig(b), 0
	}
	return outIndef, false, n, fIE
}

// sseDenorm is the DE flag for the operands of an arithmetic lane: the
// denormal-operand check comes after the SNaN check, so NaN lanes skip it.
func sseDenorm(a, b *unp) uint32 {
	if a.den || b.den {
		return fDE
	}
	return 0
}

// arith64 computes one binary64 lane of op (a = destination/first source).
func arith64(op uint8, a, b uint64, mx uint32) (uint64, uint32) {
	if mx&mxFastMask == mxFastWant {
		if r, fl, ok := fast64(op, a, b, mx); ok {
			return r, fl
		}
	}
	return soft64(op, a, b, mx)
}

// soft64 is arith64 on the soft-float, for every environment and operand.
func soft64(op uint8, a, b uint64, mx uint32) (uint64, uint32) {
	daz := mx&mxDAZ != 0
	ua, ub := unpack64(a, daz), unpack64(b, daz)
	if op == opSqrt {
		ua = unp{cls: clsZero}
	}
	if op == opMin || op == opMax {
		return minmax64(op, a, b, &ua, &ub)
	}
	if isNaN(&ua) || isNaN(&ub) {
		var fl uint32
		if ua.cls == clsSNaN || ub.cls == clsSNaN {
			fl = fIE
		}
		if isNaN(&ua) {
			return nan64(&ua), fl
		}
		return nan64(&ub), fl
	}
	fl := sseDenorm(&ua, &ub)
	kind, neg, n, f2 := arithCore(op, &ua, &ub, mxRC(mx))
	if f2 != 0 {
		// Invalid and divide-by-zero take precedence over the denormal flag.
		fl = f2
	}
	switch kind {
	case outZero:
		return pack64(neg, 0, 0), fl
	case outInf:
		return pack64(neg, 0x7ff, 0), fl
	case outIndef:
		return indef64, fl
	}
	E, mm, f3 := roundPack(neg, n.exp, n.sig, n.ext, &desc64, mxRC(mx), mxFTZOn(mx))
	return pack64(neg, E, mm), fl | f3&^fUp
}

// arith32 computes one binary32 lane of op.
func arith32(op uint8, a, b uint32, mx uint32) (uint32, uint32) {
	if mx&mxFastMask == mxFastWant {
		if r, fl, ok := fast32(op, a, b, mx); ok {
			return r, fl
		}
	}
	return soft32(op, a, b, mx)
}

// soft32 is arith32 on the soft-float.
func soft32(op uint8, a, b uint32, mx uint32) (uint32, uint32) {
	daz := mx&mxDAZ != 0
	ua, ub := unpack32(a, daz), unpack32(b, daz)
	if op == opSqrt {
		ua = unp{cls: clsZero}
	}
	if op == opMin || op == opMax {
		return minmax32(op, a, b, &ua, &ub)
	}
	if isNaN(&ua) || isNaN(&ub) {
		var fl uint32
		if ua.cls == clsSNaN || ub.cls == clsSNaN {
			fl = fIE
		}
		if isNaN(&ua) {
			return nan32(&ua), fl
		}
		return nan32(&ub), fl
	}
	fl := sseDenorm(&ua, &ub)
	kind, neg, n, f2 := arithCore(op, &ua, &ub, mxRC(mx))
	if f2 != 0 {
		// Invalid and divide-by-zero take precedence over the denormal flag.
		fl = f2
	}
	switch kind {
	case outZero:
		return pack32(neg, 0, 0), fl
	case outInf:
		return pack32(neg, 0xff, 0), fl
	case outIndef:
		return indef32, fl
	}
	E, mm, f3 := roundPack(neg, n.exp, n.sig, n.ext, &desc32, mxRC(mx), mxFTZOn(mx))
	return pack32(neg, E, mm), fl | f3&^fUp
}

// cmpU orders two non-NaN unpacked values: -1, 0, +1 (±0 are equal).
func cmpU(a, b *unp) int {
	if a.cls == clsZero && b.cls == clsZero {
		return 0
	}
	if a.neg != b.neg {
		if a.neg {
			return -1
		}
		return 1
	}
	r := cmpMag(a, b)
	if a.neg {
		r = -r
	}
	return r
}

func cmpMag(a, b *unp) int {
	ra, rb := magRank(a), magRank(b)
	if ra != rb {
		if ra < rb {
			return -1
		}
		return 1
	}
	if a.cls != clsNorm {
		return 0
	}
	switch {
	case a.exp < b.exp:
		return -1
	case a.exp > b.exp:
		return 1
	case a.sig < b.sig:
		return -1
	case a.sig > b.sig:
		return 1
	}
	return 0
}

func magRank(u *unp) int {
	switch u.cls {
	case clsZero:
		return 0
	case clsNorm:
		return 1
	}
	return 2
}

// MINSD/MAXSD are compare-and-select: any NaN (even quiet) is invalid and
// selects the second operand unchanged; so do equal values (±0 included).
func minmax64(op uint8, a, b uint64, ua, ub *unp) (uint64, uint32) {
	if isNaN(ua) || isNaN(ub) {
		return dazed64(b, ub), fIE
	}
	fl := sseDenorm(ua, ub)
	c := cmpU(ua, ub)
	if (op == opMin && c < 0) || (op == opMax && c > 0) {
		return dazed64(a, ua), fl
	}
	return dazed64(b, ub), fl
}

func minmax32(op uint8, a, b uint32, ua, ub *unp) (uint32, uint32) {
	if isNaN(ua) || isNaN(ub) {
		return dazed32(b, ub), fIE
	}
	fl := sseDenorm(ua, ub)
	c := cmpU(ua, ub)
	if (op == opMin && c < 0) || (op == opMax && c > 0) {
		return dazed32(a, ua), fl
	}
	return dazed32(b, ub), fl
}

// dazed returns x, or a signed zero when DAZ turned the denormal x into one.
func dazed64(x uint64, u *unp) uint64 {
	if u.cls == clsZero {
		return x & (1 << 63)
	}
	return x
}

func dazed32(x uint32, u *unp) uint32 {
	if u.cls == clsZero {
		return x & (1 << 31)
	}
	return x
}

// cmpPred evaluates CMPPS/CMPSS predicate imm&7 and returns the mask bit
// and flags. Predicates LT, LE, NLT, NLE signal on quiet NaNs too.
func cmpPred(pred uint8, ua, ub *unp) (bool, uint32) {
	var fl uint32
	if isNaN(ua) || isNaN(ub) {
		if ua.cls == clsSNaN || ub.cls == clsSNaN {
			fl = fIE
		}
		switch pred & 7 {
		case 1, 2, 5, 6:
			fl = fIE
		}
		switch pred & 7 {
		case 3, 4, 5, 6:
			return true, fl
		}
		return false, fl
	}
	fl = sseDenorm(ua, ub)
	c := cmpU(ua, ub)
	switch pred & 7 {
	case 0:
		return c == 0, fl
	case 1:
		return c < 0, fl
	case 2:
		return c <= 0, fl
	case 3:
		return false, fl
	case 4:
		return c != 0, fl
	case 5:
		return c >= 0, fl
	case 6:
		return c > 0, fl
	}
	return true, fl
}

// comi compares for COMISx/UCOMISx and returns ZF|PF|CF and the flags.
func comi(ua, ub *unp, signalQNaN bool) (uint64, uint32) {
	if isNaN(ua) || isNaN(ub) {
		var fl uint32
		if signalQNaN || ua.cls == clsSNaN || ub.cls == clsSNaN {
			fl = fIE
		}
		return x86.FlagZF | x86.FlagPF | x86.FlagCF, fl
	}
	fl := sseDenorm(ua, ub)
	switch cmpU(ua, ub) {
	case 0:
		return x86.FlagZF, fl
	case -1:
		return x86.FlagCF, fl
	}
	return 0, fl
}

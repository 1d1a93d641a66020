package vec

import "github.com/blink-go/blink/core/x86"

// SSE/SSE2 floating-point handlers: packed and scalar arithmetic (in.Aux is
// the op), compares and conversions. Every lane is computed before MXCSR is
// updated and before the destination is written (see sseCommit).

//
// In the default environment (see ssefast.go) every exception is masked,
// so a fast lane's flags merge straight into MXCSR; a packed instruction
// takes the fast path only when all its lanes do.

func fpPS(m *x86.Machine, in *x86.Inst) {
	s := srcA(m, in)
	d := &m.XMM[in.Reg]
	mx := m.MXCSR
	var r x86.XMM
	var fl uint32
	if mx&mxFastMask == mxFastWant {
		ok := true
		for i := 0; i < 4 && ok; i++ {
			var v, f uint32
			v, f, ok = fast32(in.Aux, getD(d, i), getD(&s, i), mx)
			setD(&r, i, v)
			fl |= f
		}
		if ok {
			m.MXCSR = mx | fl
			*d = r
			return
		}
		fl = 0
	}
	for i := 0; i < 4; i++ {
		v, f := soft32(in.Aux, getD(d, i), getD(&s, i), mx)
		setD(&r, i, v)
		fl |= f
	}
	sseCommit(m, fl)
	*d = r
}

func fpPD(m *x86.Machine, in *x86.Inst) { fpPDSrc(m, in, srcA(m, in)) }

func fpPDSrc(m *x86.Machine, in *x86.Inst, s x86.XMM) {
	d := &m.XMM[in.Reg]
	mx := m.MXCSR
	if mx&mxFastMask == mxFastWant {
		r0, f0, ok0 := fast64(in.Aux, d[0], s[0], mx)
		r1, f1, ok1 := fast64(in.Aux, d[1], s[1], mx)
		if ok0 && ok1 {
			m.MXCSR = mx | f0 | f1
			d[0], d[1] = r0, r1
			return
		}
	}
	r0, f0 := soft64(in.Aux, d[0], s[0], mx)
	r1, f1 := soft64(in.Aux, d[1], s[1], mx)
	sseCommit(m, f0|f1)
	d[0], d[1] = r0, r1
}

func fpSS(m *x86.Machine, in *x86.Inst) {
	s := src32(m, in)
	d := &m.XMM[in.Reg]
	r, fl := arith32(in.Aux, uint32(d[0]), s, m.MXCSR)
	sseCommit(m, fl)
	d[0] = d[0]&^0xffffffff | uint64(r)
}

func fpSD(m *x86.Machine, in *x86.Inst) { fpSDSrc(m, in, src64(m, in)) }

func fpSDSrc(m *x86.Machine, in *x86.Inst, s uint64) {
	d := &m.XMM[in.Reg]
	mx := m.MXCSR
	if mx&mxFastMask == mxFastWant {
		if r, fl, ok := fast64(in.Aux, d[0], s, mx); ok {
			m.MXCSR = mx | fl
			d[0] = r
			return
		}
	}
	r, fl := soft64(in.Aux, d[0], s, mx)
	sseCommit(m, fl)
	d[0] = r
}

// Compares (0F C2 ib): each lane becomes all ones or zero.

func cmpPS(m *x86.Machine, in *x86.Inst) {
	s := srcA(m, in)
	d := &m.XMM[in.Reg]
	daz := m.MXCSR&mxDAZ != 0
	var r x86.XMM
	var fl uint32
	for i := 0; i < 4; i++ {
		a, b := unpack32(getD(d, i), daz), unpack32(getD(&s, i), daz)
		t, f := cmpPred(uint8(in.Imm), &a, &b)
		if t {
			setD(&r, i, 0xffffffff)
		}
		fl |= f
	}
	sseCommit(m, fl)
	*d = r
}

func cmpPD(m *x86.Machine, in *x86.Inst) {
	s := srcA(m, in)
	d := &m.XMM[in.Reg]
	daz := m.MXCSR&mxDAZ != 0
	var r x86.XMM
	var fl uint32
	for i := 0; i < 2; i++ {
		a, b := unpack64(d[i], daz), unpack64(s[i], daz)
		t, f := cmpPred(uint8(in.Imm), &a, &b)
		if t {
			r[i] = ^uint64(0)
		}
		fl |= f
	}
	sseCommit(m, fl)
	*d = r
}

func cmpSS(m *x86.Machine, in *x86.Inst) {
	s := src32(m, in)
	d := &m.XMM[in.Reg]
	daz := m.MXCSR&mxDAZ != 0
	a, b := unpack32(uint32(d[0]), daz), unpack32(s, daz)
	t, fl := cmpPred(uint8(in.Imm), &a, &b)
	sseCommit(m, fl)
	var v uint64
	if t {
		v = 0xffffffff
	}
	d[0] = d[0]&^0xffffffff | v
}

func cmpSD(m *x86.Machine, in *x86.Inst) {
	s := src64(m, in)
	d := &m.XMM[in.Reg]
	daz := m.MXCSR&mxDAZ != 0
	a, b := unpack64(d[0], daz), unpack64(s, daz)
	t, fl := cmpPred(uint8(in.Imm), &a, &b)
	sseCommit(m, fl)
	if t {
		d[0] = ^uint64(0)
	} else {
		d[0] = 0
	}
}

// COMISS/UCOMISS/COMISD/UCOMISD set ZF, PF, CF and clear OF, SF, AF.
// in.Aux is 1 for the signalling COMIS forms.

func comiss(m *x86.Machine, in *x86.Inst) {
	daz := m.MXCSR&mxDAZ != 0
	a, b := unpack32(uint32(m.XMM[in.Reg][0]), daz), unpack32(src32(m, in), daz)
	f, fl := comi(&a, &b, in.Aux != 0)
	sseCommit(m, fl)
	m.SetFlags(m.GetFlags()&^x86.FlagsArith | f)
}

func comisd(m *x86.Machine, in *x86.Inst) {
	daz := m.MXCSR&mxDAZ != 0
	a, b := unpack64(m.XMM[in.Reg][0], daz), unpack64(src64(m, in), daz)
	f, fl := comi(&a, &b, in.Aux != 0)
	sseCommit(m, fl)
	m.SetFlags(m.GetFlags()&^x86.FlagsArith | f)
}

// Conversions between the float formats.

func cvt64to32(x uint64, mx uint32) (uint32, uint32) {
	u := unpack64(x, mx&mxDAZ != 0)
	var fl uint32
	if u.den {
		fl = fDE
	}
	switch u.cls {
	case clsZero:
		return pack32(u.neg, 0, 0), fl
	case clsInf:
		return pack32(u.neg, 0xff, 0), fl
	case clsQNaN:
		return nan32(&u), 0
	case clsSNaN:
		return nan32(&u), fIE
	}
	E, mm, f := roundPack(u.neg, u.exp, u.sig, 0, &desc32, mxRC(mx), mxFTZOn(mx))
	return pack32(u.neg, E, mm), fl | f&^fUp
}

func cvt32to64(x uint32, mx uint32) (uint64, uint32) {
	u := unpack32(x, mx&mxDAZ != 0)
	var fl uint32
	if u.den {
		fl = fDE
	}
	switch u.cls {
	case clsZero:
		return pack64(u.neg, 0, 0), fl
	case clsInf:
		return pack64(u.neg, 0x7ff, 0), fl
	case clsQNaN:
		return nan64(&u), 0
	case clsSNaN:
		return nan64(&u), fIE
	}
	// Every binary32 value is a normal binary64: exact.
	return pack64(u.neg, u.exp+1023, u.sig>>11), fl
}

func int2f64(v int64, mx uint32) (uint64, uint32) {
	u := fromInt(v)
	if u.cls == clsZero {
		return 0, 0
	}
	E, mm, f := roundPack(u.neg, u.exp, u.sig, 0, &desc64, mxRC(mx), false)
	return pack64(u.neg, E, mm), f & fPE
}

func int2f32(v int64, mx uint32) (uint32, uint32) {
	u := fromInt(v)
	if u.cls == clsZero {
		return 0, 0
	}
	E, mm, f := roundPack(u.neg, u.exp, u.sig, 0, &desc32, mxRC(mx), false)
	return pack32(u.neg, E, mm), f & fPE
}

// f2int converts to a 32- or 64-bit integer; NaN and out-of-range values
// give the integer indefinite (only the sign bit set) and IE.
func f2int(u *unp, rc uint32, nbits uint) (uint64, uint32) {
	v, ok, pe := toInt(u, rc, nbits)
	if !ok {
		return 1 << (nbits - 1), fIE
	}
	if pe {
		return uint64(v), fPE
	}
	return uint64(v), 0
}

func cvtRC(in *x86.Inst, mx uint32) uint32 {
	if in.Aux != 0 { // truncating CVTT forms
		return rcZero
	}
	return mxRC(mx)
}

// CVTSI2SS/CVTSI2SD: in.OpSize picks the 32- or 64-bit integer source.
func cvtsi2sd(m *x86.Machine, in *x86.Inst) {
	v := gprSrc(m, in)
	if in.OpSize != 8 {
		v = uint64(int64(int32(v)))
	}
	r, fl := int2f64(int64(v), m.MXCSR)
	sseCommit(m, fl)
	m.XMM[in.Reg][0] = r
}

func cvtsi2ss(m *x86.Machine, in *x86.Inst) {
	v := gprSrc(m, in)
	if in.OpSize != 8 {
		v = uint64(int64(int32(v)))
	}
	r, fl := int2f32(int64(v), m.MXCSR)
	sseCommit(m, fl)
	d := &m.XMM[in.Reg]
	d[0] = d[0]&^0xffffffff | uint64(r)
}

// CVT(T)SS2SI/CVT(T)SD2SI write a 32-bit (zero-extended) or 64-bit GPR.
func cvtsd2si(m *x86.Machine, in *x86.Inst) {
	u := unpack64(src64(m, in), m.MXCSR&mxDAZ != 0)
	nb := uint(in.OpSize) * 8
	r, fl := f2int(&u, cvtRC(in, m.MXCSR), nb)
	sseCommit(m, fl)
	m.SetSized(in.Reg, in.OpSize, r)
}

func cvtss2si(m *x86.Machine, in *x86.Inst) {
	u := unpack32(src32(m, in), m.MXCSR&mxDAZ != 0)
	nb := uint(in.OpSize) * 8
	r, fl := f2int(&u, cvtRC(in, m.MXCSR), nb)
	sseCommit(m, fl)
	m.SetSized(in.Reg, in.OpSize, r)
}

func cvtss2sd(m *x86.Machine, in *x86.Inst) {
	r, fl := cvt32to64(src32(m, in), m.MXCSR)
	sseCommit(m, fl)
	m.XMM[in.Reg][0] = r
}

func cvtsd2ss(m *x86.Machine, in *x86.Inst) {
	r, fl := cvt64to32(src64(m, in), m.MXCSR)
	sseCommit(m, fl)
	d := &m.XMM[in.Reg]
	d[0] = d[0]&^0xffffffff | uint64(r)
}

// CVTPS2PD reads only 64 bits of memory; CVTDQ2PD likewise.
func cvtps2pd(m *x86.Machine, in *x86.Inst) {
	s := src64(m, in)
	r0, f0 := cvt32to64(uint32(s), m.MXCSR)
	r1, f1 := cvt32to64(uint32(s>>32), m.MXCSR)
	sseCommit(m, f0|f1)
	m.XMM[in.Reg] = x86.XMM{r0, r1}
}

func cvtpd2ps(m *x86.Machine, in *x86.Inst) {
	s := srcA(m, in)
	r0, f0 := cvt64to32(s[0], m.MXCSR)
	r1, f1 := cvt64to32(s[1], m.MXCSR)
	sseCommit(m, f0|f1)
	m.XMM[in.Reg] = x86.XMM{uint64(r0) | uint64(r1)<<32, 0}
}

func cvtdq2pd(m *x86.Machine, in *x86.Inst) {
	s := src64(m, in)
	r0, _ := int2f64(int64(int32(s)), 0)
	r1, _ := int2f64(int64(int32(s>>32)), 0)
	m.XMM[in.Reg] = x86.XMM{r0, r1}
}

func cvtdq2ps(m *x86.Machine, in *x86.Inst) {
	s := srcA(m, in)
	var r x86.XMM
	var fl uint32
	for i := 0; i < 4; i++ {
		v, f := int2f32(int64(int32(getD(&s, i))), m.MXCSR)
		setD(&r, i, v)
		fl |= f
	}
	sseCommit(m, fl)
	m.XMM[in.Reg] = r
}

// CVT(T)PS2DQ: in.Aux != 0 truncates.
func cvtps2dq(m *x86.Machine, in *x86.Inst) {
	s := srcA(m, in)
	rc := cvtRC(in, m.MXCSR)
	daz := m.MXCSR&mxDAZ != 0
	var r x86.XMM
	var fl uint32
	for i := 0; i < 4; i++ {
		u := unpack32(getD(&s, i), daz)
		v, f := f2int(&u, rc, 32)
		setD(&r, i, uint32(v))
		fl |= f
	}
	sseCommit(m, fl)
	m.XMM[in.Reg] = r
}

// CVT(T)PD2DQ write two doublewords and zero the upper half.
func cvtpd2dq(m *x86.Machine, in *x86.Inst) {
	s := srcA(m, in)
	rc := cvtRC(in, m.MXCSR)
	daz := m.MXCSR&mxDAZ != 0
	u0, u1 := unpack64(s[0], daz), unpack64(s[1], daz)
	v0, f0 := f2int(&u0, rc, 32)
	v1, f1 := f2int(&u1, rc, 32)
	sseCommit(m, f0|f1)
	m.XMM[in.Reg] = x86.XMM{uint64(uint32(v0)) | uint64(uint32(v1))<<32, 0}
}

package vec

import (
	"encoding/binary"

	"github.com/blink-go/blink/core/x86"
)

// x87 loads, stores, constants and control instructions.

// Loads. Aux selects the memory format (auxM32, auxM64, auxI32, auxI16),
// or auxI64 / auxM80 below.
const (
	auxI64 = 4 << 2
	auxM80 = 5 << 2
)

func fld(m *x86.Machine, in *x86.Inst) {
	var v x86.F80
	var fl uint32
	if in.Mod == 3 {
		x87Begin(m, in)
		i := in.RM & 7
		if stEmpty(m, i) {
			if stackFault(m, false) {
				pushNoCheck(m, indef80)
			}
			return
		} else {
			v = *st(m, i)
		}
	} else {
		switch in.Aux {
		case auxM80:
			a := m.EA(in)
			v = x86.F80{Mant: m.Mem.Read64(a), SE: m.Mem.Read16(a + 8)}
		case auxI64:
			u := fromInt(int64(m.Mem.Read64(m.EA(in))))
			v, _ = unpTo80(&u)
		default:
			u := memOperand(m, in)
			v, fl = unpTo80(&u)
		}
		x87Begin(m, in)
	}
	if !pushOK(m) {
		push(m, v) // records the overflow and pushes the indefinite
		return
	}
	// An unmasked invalid (a signalling NaN) loads nothing; an unmasked
	// denormal operand is still loaded, the exception only pending
	// (host-checked).
	if !x87Flags(m, fl) && fl&^uint32(m.FPU.CW)&fIE != 0 {
		return
	}
	m.FPU.SW &^= swC1
	push(m, v)
}

// fldConst is D9 E8-EE. The constants are held with 128 bits and rounded
// in the current rounding mode, as the x87 does with its internal copies.
func fldConst(m *x86.Machine, in *x86.Inst) {
	x87Begin(m, in)
	c := &fconsts[in.RM&7]
	if c.zero {
		push(m, x86.F80{})
		return
	}
	E, mm, _ := roundPack(false, c.exp, c.sig, c.ext, &desc80[3], cwRC(m.FPU.CW), false)
	m.FPU.SW &^= swC1
	push(m, pack80(false, E, mm, &desc80[3]))
}

var fconsts = [8]struct {
	sig, ext uint64
	exp      int32
	zero     bool
}{
	{sig: 1 << 63}, // FLD1
	{sig: 0xd49a784bcd1b8afe, ext: 0x492bf6ff4dafdb4c, exp: 1},  // FLDL2T
	{sig: 0xb8aa3b295c17f0bb, ext: 0xbe87fed0691d3e88, exp: 0},  // FLDL2E
	{sig: 0xc90fdaa22168c234, ext: 0xc4c6628b80dc1cd1, exp: 1},  // FLDPI
	{sig: 0x9a209a84fbcff798, ext: 0x8f8959ac0b7c9178, exp: -2}, // FLDLG2
	{sig: 0xb17217f7d1cf79ab, ext: 0xc9e3b39803f2f6af, exp: -1}, // FLDLN2
	{zero: true}, // FLDZ
	{zero: true},
}

// fst stores ST(0) to memory or ST(i), popping with auxPop.
// Aux bits 2-4 select the memory format; bit 5 marks FISTTP.
const auxTrunc = 1 << 5

func fst(m *x86.Machine, in *x86.Inst) {
	x87Begin(m, in)
	doPop := in.Aux&auxPop != 0
	if in.Mod == 3 {
		if stEmpty(m, 0) {
			if stackFault(m, false) {
				setST(m, in.RM&7, indef80)
			} else {
				return
			}
		} else {
			m.FPU.SW &^= swC1
			setST(m, in.RM&7, *st(m, 0))
		}
		if doPop {
			pop(m)
		}
		return
	}
	empty := stEmpty(m, 0)
	v := *st(m, 0)
	if empty {
		v = indef80
	}
	var fl uint32
	cw := m.FPU.CW
	a := m.EA(in)
	kind := in.Aux & (7 << 2)
	var bits64 uint64
	switch kind {
	case auxM32:
		var r uint32
		r, fl = to32from80(v, cw)
		bits64 = uint64(r)
	case auxM64:
		bits64, fl = to64from80(v, cw)
	case auxM80:
	default:
		nb := uint(16)
		switch kind {
		case auxI32:
			nb = 32
		case auxI64:
			nb = 64
		}
		rc := cwRC(cw)
		if in.Aux&auxTrunc != 0 {
			rc = rcZero
		}
		u := unpack80(v.Mant, v.SE)
		iv, ok, pe := toInt(&u, rc, nb)
		switch {
		case !ok:
			bits64, fl = 1<<(nb-1), fIE
		case pe:
			bits64, fl = uint64(iv), fPE|roundedUp(&u, iv)
		default:
			bits64 = uint64(iv)
		}
	}
	if empty {
		if !stackFault(m, false) {
			return
		}
		fl = 0
		bits64 = indefFor(kind)
	} else if storeFault(fl, cw) {
		// Only the exception itself is reported: nothing was stored,
		// so nothing was rounded (host: FSTP m32 of 1e300 with OE
		// unmasked sets OE alone, no PE and C1 clear).
		x87Flags(m, fl&(fIE|fDE|fZE|fOE|fUE|fTiny))
		return
	}
	switch kind {
	case auxM32:
		m.Mem.Write32(a, uint32(bits64))
	case auxM64, auxI64:
		m.Mem.Write64(a, bits64)
	case auxI32:
		m.Mem.Write32(a, uint32(bits64))
	case auxI16:
		m.Mem.Write16(a, uint16(bits64))
	case auxM80:
		var b [10]byte
		binary.LittleEndian.PutUint64(b[:], v.Mant)
		binary.LittleEndian.PutUint16(b[8:], v.SE)
		m.Mem.Store(a, b[:])
	}
	if !empty {
		x87Flags(m, fl)
	}
	if doPop {
		pop(m)
	}
}

// storeFault reports an unmasked exception that suppresses a store to
// memory, and its pop: invalid, and also overflow and underflow, which for
// a register destination would deliver a rescaled result instead. An
// unmasked underflow is raised for a tiny result even when it is exact
// (host-checked: FSTP m64 of 2^-1030 stores nothing).
func storeFault(fl uint32, cw uint16) bool {
	ex := fl & 0x3f
	if fl&fTiny != 0 && cw&fUE == 0 {
		ex |= fUE
	}
	return ex&^uint32(cw)&(fIE|fDE|fZE|fOE|fUE) != 0
}

// roundedUp reports fUp when the integer conversion increased the magnitude.
func roundedUp(u *unp, iv int64) uint32 {
	a := uint64(iv)
	if iv < 0 {
		a = -a
	}
	// |iv| > |x| exactly when |iv| exceeds the truncated magnitude.
	var t uint64
	if u.exp >= 0 && u.exp < 64 {
		t = u.sig >> (63 - u.exp)
	}
	if a > t {
		return fUp
	}
	return 0
}

func indefFor(kind uint8) uint64 {
	switch kind {
	case auxM32:
		return indef32
	case auxM64:
		return indef64
	case auxI16:
		return 0x8000
	case auxI32:
		return 0x80000000
	case auxI64:
		return 1 << 63
	}
	return 0
}

// Stack and register control.

func fxch(m *x86.Machine, in *x86.Inst) {
	x87Begin(m, in)
	i := in.RM & 7
	a, b := *st(m, 0), *st(m, i)
	if stEmpty(m, 0) || stEmpty(m, i) {
		if !stackFault(m, false) {
			return
		}
		if stEmpty(m, 0) {
			a = indef80
		}
		if stEmpty(m, i) {
			b = indef80
		}
	} else {
		m.FPU.SW &^= swC1
	}
	setST(m, 0, b)
	setST(m, i, a)
}

// ffree marks ST(i) empty; FFREEP (DF C0+i) also pops.
func ffree(m *x86.Machine, in *x86.Inst) {
	x87Begin(m, in)
	setTagPhys(m, phys(m, in.RM&7), tagEmpty)
	if in.Aux&auxPop != 0 {
		pop(m)
	}
}

func fincstp(m *x86.Machine, in *x86.Inst) {
	x87Begin(m, in)
	m.FPU.Top = (m.FPU.Top + 1) & 7
	m.FPU.SW &^= swC1
}

func fdecstp(m *x86.Machine, in *x86.Inst) {
	x87Begin(m, in)
	m.FPU.Top = (m.FPU.Top - 1) & 7
	m.FPU.SW &^= swC1
}

func fnop(m *x86.Machine, in *x86.Inst) { x87Begin(m, in) }

// fnopNoWait covers the 8087/287 leftovers (FENI, FDISI, FSETPM) that a
// 387 and later execute as no-ops.
func fnopNoWait(m *x86.Machine, in *x86.Inst) {}

func fninit(m *x86.Machine, in *x86.Inst) {
	f := &m.FPU
	*f = x86.FPU{St: f.St, CW: 0x037f, Tag: 0xffff}
}

func fnclex(m *x86.Machine, in *x86.Inst) { m.FPU.SW &^= 0x80ff }

func fnstswAX(m *x86.Machine, in *x86.Inst) { m.Set16(x86.RAX, fsw(m)) }

func fnstsw(m *x86.Machine, in *x86.Inst) { m.Mem.Write16(m.EA(in), fsw(m)) }

func fnstcw(m *x86.Machine, in *x86.Inst) { m.Mem.Write16(m.EA(in), m.FPU.CW) }

func fldcw(m *x86.Machine, in *x86.Inst) {
	x87Wait(m)
	m.FPU.CW = cwLoad(m.Mem.Read16(m.EA(in)))
	updateES(m)
}

// cwLoad is a control word as loaded by FLDCW, FLDENV and FRSTOR: the
// reserved bits 7 and 13-15 read as zero and bit 6 as one (host-checked).
func cwLoad(v uint16) uint16 { return v&0x1f3f | 0x40 }

// updateES recomputes ES/B after the control or status word changed.
func updateES(m *x86.Machine) {
	f := &m.FPU
	if f.SW&^f.CW&0x3f != 0 {
		f.SW |= swES | swB
	} else {
		f.SW &^= swES | swB
	}
}

// fullTag recomputes the tag word from register contents, as FNSTENV does.
func fullTag(m *x86.Machine) uint16 {
	var t uint16
	for p := uint8(0); p < 8; p++ {
		v := m.FPU.Tag >> (2 * p) & 3
		if v != tagEmpty {
			v = tagFor(&m.FPU.St[p])
		}
		t |= v << (2 * p)
	}
	return t
}

// envImage encodes the FNSTENV environment: 28 bytes (32-bit operand
// size) or 14 bytes (16-bit). Reserved halves read as ones on hardware.
func envImage(m *x86.Machine, b []byte, o16 bool) int {
	f := &m.FPU
	le := binary.LittleEndian
	if o16 {
		le.PutUint16(b[0:], f.CW)
		le.PutUint16(b[2:], fsw(m))
		le.PutUint16(b[4:], fullTag(m))
		le.PutUint16(b[6:], uint16(f.IP))
		le.PutUint16(b[8:], f.FOP)
		le.PutUint16(b[10:], uint16(f.DP))
		le.PutUint16(b[12:], 0)
		return 14
	}
	le.PutUint32(b[0:], 0xffff0000|uint32(f.CW))
	le.PutUint32(b[4:], 0xffff0000|uint32(fsw(m)))
	le.PutUint32(b[8:], 0xffff0000|uint32(fullTag(m)))
	le.PutUint32(b[12:], uint32(f.IP))
	le.PutUint32(b[16:], uint32(f.FOP)<<16)
	le.PutUint32(b[20:], uint32(f.DP))
	le.PutUint32(b[24:], 0xffff0000)
	return 28
}

func envLoad(m *x86.Machine, b []byte, o16 bool) {
	f := &m.FPU
	le := binary.LittleEndian
	var sw, tw uint16
	if o16 {
		f.CW, sw, tw = cwLoad(le.Uint16(b[0:])), le.Uint16(b[2:]), le.Uint16(b[4:])
		f.IP, f.FOP, f.DP = uint64(le.Uint16(b[6:])), le.Uint16(b[8:])&0x7ff, uint64(le.Uint16(b[10:]))
	} else {
		f.CW, sw, tw = cwLoad(le.Uint16(b[0:])), le.Uint16(b[4:]), le.Uint16(b[8:])
		f.IP, f.FOP, f.DP = uint64(le.Uint32(b[12:])), uint16(le.Uint32(b[16:])>>16)&0x7ff, uint64(le.Uint32(b[20:]))
	}
	f.Top = uint8(sw >> 11 & 7)
	f.SW = sw &^ (7 << 11)
	f.Tag = tw
}

func fnstenv(m *x86.Machine, in *x86.Inst) {
	var b [28]byte
	n := envImage(m, b[:], in.OpSize == 2)
	m.Mem.Store(m.EA(in), b[:n])
	m.FPU.CW |= 0x3f
	updateES(m)
}

func fldenv(m *x86.Machine, in *x86.Inst) {
	x87Wait(m)
	var b [28]byte
	n := 28
	if in.OpSize == 2 {
		n = 14
	}
	m.Mem.Load(m.EA(in), b[:n])
	envLoad(m, b[:n], in.OpSize == 2)
	updateES(m)
}

func fnsave(m *x86.Machine, in *x86.Inst) {
	var b [108]byte
	n := envImage(m, b[:], in.OpSize == 2)
	for i := uint8(0); i < 8; i++ {
		r := st(m, i)
		binary.LittleEndian.PutUint64(b[n+10*int(i):], r.Mant)
		binary.LittleEndian.PutUint16(b[n+10*int(i)+8:], r.SE)
	}
	m.Mem.Store(m.EA(in), b[:n+80])
	fninit(m, in)
}

func frstor(m *x86.Machine, in *x86.Inst) {
	x87Wait(m)
	var b [108]byte
	n := 28
	if in.OpSize == 2 {
		n = 14
	}
	m.Mem.Load(m.EA(in), b[:n+80])
	envLoad(m, b[:n], in.OpSize == 2)
	for i := uint8(0); i < 8; i++ {
		*st(m, i) = x86.F80{
			Mant: binary.LittleEndian.Uint64(b[n+10*int(i):]),
			SE:   binary.LittleEndian.Uint16(b[n+10*int(i)+8:]),
		}
	}
	updateES(m)
}

// Packed BCD (FBLD, FBSTP): 18 decimal digits, two per byte from the
// least significant, in bytes 0-8, and the sign in bit 7 of byte 9.

// bcdMax is the largest magnitude FBSTP can store.
const bcdMax = 999999999999999999

// bcdIndef is the packed BCD indefinite: bytes 7-9 are C0 FF FF.
const (
	bcdIndefLo = 0xc000000000000000
	bcdIndefHi = 0xffff
)

// fbld pushes the packed BCD integer at the operand. Digits above 9 are
// undefined in the SDM; the hardware weighs each nibble by its power of
// ten all the same, which the sum below reproduces (the largest such sum,
// every nibble 15, still fits in 61 bits). Bits 0-6 of the sign byte are
// ignored. The conversion is exact, so it raises nothing but a stack
// overflow.
func fbld(m *x86.Machine, in *x86.Inst) {
	a := m.EA(in)
	lo, hi := m.Mem.Read64(a), m.Mem.Read16(a+8)
	x87Begin(m, in)
	n := bcdValue(lo, uint8(hi))
	var v x86.F80
	if n == 0 {
		v = zero80(hi&0x8000 != 0)
	} else {
		u := fromInt(int64(n))
		u.neg = hi&0x8000 != 0
		v, _ = unpTo80(&u)
	}
	if !pushOK(m) {
		push(m, v) // records the overflow and pushes the indefinite
		return
	}
	m.FPU.SW &^= swC1
	push(m, v)
}

// bcdValue sums the 18 digits of a packed BCD number: 16 in lo, 2 in b8.
func bcdValue(lo uint64, b8 uint8) uint64 {
	n := uint64(b8>>4)*10 + uint64(b8&0xf)
	for i := 15; i >= 0; i-- {
		n = n*10 + lo>>(4*i)&0xf
	}
	return n
}

// fbstp rounds ST(0) to an integer under the rounding control, stores it
// as packed BCD and pops. A NaN, an infinity, an unsupported encoding or
// a magnitude above 10^18-1 is invalid and stores the BCD indefinite.
func fbstp(m *x86.Machine, in *x86.Inst) {
	x87Begin(m, in)
	a := m.EA(in)
	var lo uint64
	var hi uint16
	var fl uint32
	if stEmpty(m, 0) {
		if !stackFault(m, false) {
			return
		}
		lo, hi = bcdIndefLo, bcdIndefHi
	} else {
		u := unpST(m, 0)
		lo, hi, fl = toBCD(&u, cwRC(m.FPU.CW))
		if fl&^uint32(m.FPU.CW)&fIE != 0 {
			// Unmasked invalid: nothing is stored or popped.
			x87Flags(m, fl)
			return
		}
	}
	var b [10]byte
	binary.LittleEndian.PutUint64(b[:], lo)
	binary.LittleEndian.PutUint16(b[8:], hi)
	m.Mem.Store(a, b[:])
	if !stEmpty(m, 0) {
		x87Flags(m, fl)
	}
	pop(m)
}

// toBCD converts for FBSTP, returning the 10 bytes as lo/hi and flags.
func toBCD(u *unp, rc uint32) (lo uint64, hi uint16, fl uint32) {
	switch u.cls {
	case clsZero:
		if u.neg {
			hi = 0x8000
		}
		return 0, hi, 0
	case clsNorm:
	default:
		return bcdIndefLo, bcdIndefHi, fIE
	}
	// A denormal source rounds to 0 or 1 and, as for FST, raises no DE
	// (the host confirms).
	var mag uint64
	var g, st bool
	switch {
	case u.exp > 62:
		return bcdIndefLo, bcdIndefHi, fl | fIE
	case u.exp < -1:
		st = true
	default:
		mag, g, st = shr128(u.sig, 0, uint(63-u.exp))
	}
	if roundInc(rc, u.neg, g, st, mag&1 != 0) {
		mag++
		fl |= fUp
	}
	if mag > bcdMax {
		return bcdIndefLo, bcdIndefHi, fl&^fUp | fIE
	}
	if g || st {
		fl |= fPE
	}
	for i := 0; mag != 0; i++ {
		d := mag % 10
		mag /= 10
		if i < 16 {
			lo |= d << (4 * i)
		} else {
			hi |= uint16(d) << (4 * (i - 16))
		}
	}
	if u.neg {
		hi |= 0x8000
	}
	return lo, hi, fl
}

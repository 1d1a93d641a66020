package vec

import "github.com/blink-go/blink/core/x86"

// SSE2 packed-integer arithmetic, logic, compares, shifts, shuffles and packs
// (66 0F 60-7F, D1-FE). Each handler reads its source with srcA (legacy SSE
// integer forms fault on misaligned memory) and writes m.XMM[in.Reg].

const (
	hiB = 0x8080808080808080
	hiW = 0x8000800080008000
	hiD = 0x8000000080000000
)

// Logic.

func pand(m *x86.Machine, in *x86.Inst) {
	s := srcA(m, in)
	d := &m.XMM[in.Reg]
	d[0] &= s[0]
	d[1] &= s[1]
}

func pandn(m *x86.Machine, in *x86.Inst) {
	s := srcA(m, in)
	d := &m.XMM[in.Reg]
	d[0] = ^d[0] & s[0]
	d[1] = ^d[1] & s[1]
}

func por(m *x86.Machine, in *x86.Inst) {
	s := srcA(m, in)
	d := &m.XMM[in.Reg]
	d[0] |= s[0]
	d[1] |= s[1]
}

func pxor(m *x86.Machine, in *x86.Inst) {
	s := srcA(m, in)
	d := &m.XMM[in.Reg]
	d[0] ^= s[0]
	d[1] ^= s[1]
}

// Wrapping add and subtract in SWAR form: the top bit of every element is
// handled separately so carries never cross element boundaries.

func swarAdd(a, b, h uint64) uint64 { return (a&^h + b&^h) ^ (a^b)&h }
func swarSub(a, b, h uint64) uint64 { return (a | h - b&^h) ^ (a^^b)&h }

func paddb(m *x86.Machine, in *x86.Inst) { swarOp(m, in, hiB, false) }
func paddw(m *x86.Machine, in *x86.Inst) { swarOp(m, in, hiW, false) }
func paddd(m *x86.Machine, in *x86.Inst) { swarOp(m, in, hiD, false) }
func psubb(m *x86.Machine, in *x86.Inst) { swarOp(m, in, hiB, true) }
func psubw(m *x86.Machine, in *x86.Inst) { swarOp(m, in, hiW, true) }
func psubd(m *x86.Machine, in *x86.Inst) { swarOp(m, in, hiD, true) }

func swarOp(m *x86.Machine, in *x86.Inst, h uint64, sub bool) {
	s := srcA(m, in)
	d := &m.XMM[in.Reg]
	if sub {
		d[0], d[1] = swarSub(d[0], s[0], h), swarSub(d[1], s[1], h)
	} else {
		d[0], d[1] = swarAdd(d[0], s[0], h), swarAdd(d[1], s[1], h)
	}
}

func paddq(m *x86.Machine, in *x86.Inst) {
	s := srcA(m, in)
	d := &m.XMM[in.Reg]
	d[0] += s[0]
	d[1] += s[1]
}

func psubq(m *x86.Machine, in *x86.Inst) {
	s := srcA(m, in)
	d := &m.XMM[in.Reg]
	d[0] -= s[0]
	d[1] -= s[1]
}

// Saturating byte and word arithmetic, selected by in.Aux.
const (
	satAddS = iota
	satAddU
	satSubS
	satSubU
)

func satB(op uint8, a, b uint8) uint8 {
	switch op {
	case satAddS:
		return uint8(clampS8(int(int8(a)) + int(int8(b))))
	case satAddU:
		return uint8(min(int(a)+int(b), 255))
	case satSubS:
		return uint8(clampS8(int(int8(a)) - int(int8(b))))
	}
	return uint8(max(int(a)-int(b), 0))
}

func satW(op uint8, a, b uint16) uint16 {
	switch op {
	case satAddS:
		return uint16(clampS16(int(int16(a)) + int(int16(b))))
	case satAddU:
		return uint16(min(int(a)+int(b), 65535))
	case satSubS:
		return uint16(clampS16(int(int16(a)) - int(int16(b))))
	}
	return uint16(max(int(a)-int(b), 0))
}

func clampS8(v int) int  { return min(max(v, -128), 127) }
func clampS16(v int) int { return min(max(v, -32768), 32767) }

func psatb(m *x86.Machine, in *x86.Inst) {
	s := srcA(m, in)
	d := &m.XMM[in.Reg]
	var r x86.XMM
	for i := 0; i < 16; i++ {
		r[i>>3] |= uint64(satB(in.Aux, getB(d, i), getB(&s, i))) << (uint(i&7) * 8)
	}
	*d = r
}

func psatw(m *x86.Machine, in *x86.Inst) {
	s := srcA(m, in)
	d := &m.XMM[in.Reg]
	var r x86.XMM
	for i := 0; i < 8; i++ {
		r[i>>2] |= uint64(satW(in.Aux, getW(d, i), getW(&s, i))) << (uint(i&3) * 16)
	}
	*d = r
}

// Compares: each element becomes all ones or zero. in.Aux is the element
// size in bytes (1, 2, 4) plus 8 for greater-than (signed).

func pcmp(m *x86.Machine, in *x86.Inst) {
	s := srcA(m, in)
	d := &m.XMM[in.Reg]
	size := uint(in.Aux & 7)
	gt := in.Aux&8 != 0
	w := size * 8
	mask := uint64(1)<<w - 1
	sh := 64 - w
	for l := 0; l < 2; l++ {
		var r uint64
		for o := uint(0); o < 64; o += w {
			x, y := d[l]>>o&mask, s[l]>>o&mask
			var t bool
			if gt {
				t = int64(x<<sh) > int64(y<<sh)
			} else {
				t = x == y
			}
			if t {
				r |= mask << o
			}
		}
		d[l] = r
	}
}

// Min and max: in.Aux 0 PMINUB, 1 PMAXUB, 2 PMINSW, 3 PMAXSW.
func pminmax(m *x86.Machine, in *x86.Inst) {
	s := srcA(m, in)
	d := &m.XMM[in.Reg]
	switch in.Aux {
	case 0, 1:
		for i := 0; i < 16; i++ {
			a, b := getB(d, i), getB(&s, i)
			if (in.Aux == 0) == (b < a) {
				setB(d, i, b)
			}
		}
	default:
		for i := 0; i < 8; i++ {
			a, b := int16(getW(d, i)), int16(getW(&s, i))
			if (in.Aux == 2) == (b < a) {
				setW(d, i, uint16(b))
			}
		}
	}
}

// Averages round up: (a+b+1)>>1.
func pavgb(m *x86.Machine, in *x86.Inst) {
	s := srcA(m, in)
	d := &m.XMM[in.Reg]
	for i := 0; i < 16; i++ {
		setB(d, i, uint8((uint(getB(d, i))+uint(getB(&s, i))+1)>>1))
	}
}

func pavgw(m *x86.Machine, in *x86.Inst) {
	s := srcA(m, in)
	d := &m.XMM[in.Reg]
	for i := 0; i < 8; i++ {
		setW(d, i, uint16((uint(getW(d, i))+uint(getW(&s, i))+1)>>1))
	}
}

// Multiplies.

func pmullw(m *x86.Machine, in *x86.Inst) {
	s := srcA(m, in)
	d := &m.XMM[in.Reg]
	for i := 0; i < 8; i++ {
		setW(d, i, getW(d, i)*getW(&s, i))
	}
}

func pmulhw(m *x86.Machine, in *x86.Inst) {
	s := srcA(m, in)
	d := &m.XMM[in.Reg]
	for i := 0; i < 8; i++ {
		setW(d, i, uint16(int32(int16(getW(d, i)))*int32(int16(getW(&s, i)))>>16))
	}
}

func pmulhuw(m *x86.Machine, in *x86.Inst) {
	s := srcA(m, in)
	d := &m.XMM[in.Reg]
	for i := 0; i < 8; i++ {
		setW(d, i, uint16(uint32(getW(d, i))*uint32(getW(&s, i))>>16))
	}
}

func pmuludq(m *x86.Machine, in *x86.Inst) {
	s := srcA(m, in)
	d := &m.XMM[in.Reg]
	d[0] = uint64(uint32(d[0])) * uint64(uint32(s[0]))
	d[1] = uint64(uint32(d[1])) * uint64(uint32(s[1]))
}

func pmaddwd(m *x86.Machine, in *x86.Inst) {
	s := srcA(m, in)
	d := &m.XMM[in.Reg]
	var r x86.XMM
	for i := 0; i < 4; i++ {
		p := int32(int16(getW(d, 2*i)))*int32(int16(getW(&s, 2*i))) +
			int32(int16(getW(d, 2*i+1)))*int32(int16(getW(&s, 2*i+1)))
		setD(&r, i, uint32(p))
	}
	*d = r
}

func psadbw(m *x86.Machine, in *x86.Inst) {
	s := srcA(m, in)
	d := &m.XMM[in.Reg]
	for l := 0; l < 2; l++ {
		var sum uint64
		for o := uint(0); o < 64; o += 8 {
			a, b := int(d[l]>>o&0xff), int(s[l]>>o&0xff)
			if a > b {
				sum += uint64(a - b)
			} else {
				sum += uint64(b - a)
			}
		}
		d[l] = sum
	}
}

// Shifts. in.Aux: element size in bytes | shift kind << 4.
const (
	shLL = iota
	shRL
	shRA
)

// shiftLanes shifts every element of d by count; counts at or past the
// element width give zero (logical) or sign fill (arithmetic), as hardware.
func shiftLanes(d *x86.XMM, size uint, kind uint8, count uint64) {
	w := uint64(size * 8)
	if kind != shRA && count >= w {
		*d = x86.XMM{}
		return
	}
	if count >= w {
		count = w - 1
	}
	c := uint(count)
	if size == 8 {
		for l := 0; l < 2; l++ {
			switch kind {
			case shLL:
				d[l] <<= c
			case shRL:
				d[l] >>= c
			default:
				d[l] = uint64(int64(d[l]) >> c)
			}
		}
		return
	}
	mask := uint64(1)<<w - 1
	sh := 64 - uint(w)
	for l := 0; l < 2; l++ {
		var r uint64
		for o := uint(0); o < 64; o += uint(w) {
			x := d[l] >> o & mask
			switch kind {
			case shLL:
				x = x << c & mask
			case shRL:
				x >>= c
			default:
				x = uint64(int64(x<<sh)>>sh>>c) & mask
			}
			r |= x << o
		}
		d[l] = r
	}
}

// pshiftX shifts by the low quadword of an XMM or m128 source.
func pshiftX(m *x86.Machine, in *x86.Inst) {
	s := srcA(m, in)
	shiftLanes(&m.XMM[in.Reg], uint(in.Aux&15), in.Aux>>4, s[0])
}

// pshiftI is the 66 0F 71-73 group: the register is in RM, count is imm8.
func pshiftI(m *x86.Machine, in *x86.Inst) {
	shiftLanes(&m.XMM[in.RM], uint(in.Aux&15), in.Aux>>4, uint64(uint8(in.Imm)))
}

// pslldq and psrldq shift the whole register by bytes.
func pslldq(m *x86.Machine, in *x86.Inst) {
	n := uint(uint8(in.Imm))
	d := &m.XMM[in.RM]
	if n > 15 {
		*d = x86.XMM{}
		return
	}
	d[1], d[0] = shl128(d[1], d[0], n*8)
}

func psrldq(m *x86.Machine, in *x86.Inst) {
	n := uint(uint8(in.Imm))
	d := &m.XMM[in.RM]
	if n > 15 {
		*d = x86.XMM{}
		return
	}
	s := n * 8
	switch {
	case s == 0:
	case s < 64:
		d[0], d[1] = d[0]>>s|d[1]<<(64-s), d[1]>>s
	default:
		d[0], d[1] = d[1]>>(s-64), 0
	}
}

// Unpacks interleave the low (or high) halves: in.Aux is the element size
// in bytes plus 16 for the high form.
func punpck(m *x86.Machine, in *x86.Inst) {
	s := srcA(m, in)
	d := &m.XMM[in.Reg]
	size := int(in.Aux & 15)
	n := 16 / size / 2 // elements taken from each source
	base := 0
	if in.Aux&16 != 0 {
		base = n
	}
	a := *d
	var r x86.XMM
	for i := 0; i < n; i++ {
		switch size {
		case 1:
			setB(&r, 2*i, getB(&a, base+i))
			setB(&r, 2*i+1, getB(&s, base+i))
		case 2:
			setW(&r, 2*i, getW(&a, base+i))
			setW(&r, 2*i+1, getW(&s, base+i))
		case 4:
			setD(&r, 2*i, getD(&a, base+i))
			setD(&r, 2*i+1, getD(&s, base+i))
		case 8:
			r[0], r[1] = a[base], s[base]
		}
	}
	*d = r
}

// Packs narrow with saturation: destination elements first, then source.
func packsswb(m *x86.Machine, in *x86.Inst) {
	s := srcA(m, in)
	d := &m.XMM[in.Reg]
	a := *d
	for i := 0; i < 8; i++ {
		setB(d, i, uint8(clampS8(int(int16(getW(&a, i))))))
		setB(d, i+8, uint8(clampS8(int(int16(getW(&s, i))))))
	}
}

func packuswb(m *x86.Machine, in *x86.Inst) {
	s := srcA(m, in)
	d := &m.XMM[in.Reg]
	a := *d
	for i := 0; i < 8; i++ {
		setB(d, i, uint8(min(max(int(int16(getW(&a, i))), 0), 255)))
		setB(d, i+8, uint8(min(max(int(int16(getW(&s, i))), 0), 255)))
	}
}

func packssdw(m *x86.Machine, in *x86.Inst) {
	s := srcA(m, in)
	d := &m.XMM[in.Reg]
	a := *d
	for i := 0; i < 4; i++ {
		setW(d, i, uint16(clampS16(int(int32(getD(&a, i))))))
		setW(d, i+4, uint16(clampS16(int(int32(getD(&s, i))))))
	}
}

// Shuffles.

func pshufd(m *x86.Machine, in *x86.Inst) {
	s := srcA(m, in)
	imm := uint8(in.Imm)
	var r x86.XMM
	for i := 0; i < 4; i++ {
		setD(&r, i, getD(&s, int(imm>>(2*i)&3)))
	}
	m.XMM[in.Reg] = r
}

// pshufw shuffles the low (Aux 0, PSHUFLW) or high (Aux 4, PSHUFHW) words.
func pshufw(m *x86.Machine, in *x86.Inst) {
	s := srcA(m, in)
	imm := uint8(in.Imm)
	r := s
	b := int(in.Aux)
	for i := 0; i < 4; i++ {
		setW(&r, b+i, getW(&s, b+int(imm>>(2*i)&3)))
	}
	m.XMM[in.Reg] = r
}

func pmovmskb(m *x86.Machine, in *x86.Inst) {
	x := &m.XMM[in.RM]
	var r uint64
	for i := 0; i < 16; i++ {
		r |= uint64(getB(x, i)>>7) << i
	}
	m.R[in.Reg] = r
}

func pinsrw(m *x86.Machine, in *x86.Inst) {
	var v uint16
	if in.Mod == 3 {
		v = uint16(m.R[in.RM])
	} else {
		v = m.Mem.Read16(m.EA(in))
	}
	setW(&m.XMM[in.Reg], int(in.Imm&7), v)
}

func pextrw(m *x86.Machine, in *x86.Inst) {
	m.R[in.Reg] = uint64(getW(&m.XMM[in.RM], int(in.Imm&7)))
}

// maskmovdqu stores the bytes of XMM[Reg] selected by the sign bits of
// XMM[RM] to [RDI] (DS segment, address size applied).
func maskmovdqu(m *x86.Machine, in *x86.Inst) {
	a := m.R[x86.RDI]
	if in.AddrSize == 4 {
		a = uint64(uint32(a))
	}
	switch in.Seg {
	case x86.SegFS:
		a += m.FSBase
	case x86.SegGS:
		a += m.GSBase
	}
	src, mask := m.XMM[in.Reg], m.XMM[in.RM]
	for i := 0; i < 16; i++ {
		if getB(&mask, i)>>7 != 0 {
			m.Mem.Write8(a+uint64(i), getB(&src, i))
		}
	}
}

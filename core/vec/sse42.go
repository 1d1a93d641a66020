package vec

import "github.com/blink-go/blink/core/x86"

// SSE4.2: the packed string comparisons, PCMPGTQ and CRC32; and
// PCLMULQDQ.

// String comparison (PCMPESTRI/PCMPESTRM/PCMPISTRI/PCMPISTRM xmm1,
// xmm2/m128, imm8). xmm1 is the set or pattern a, xmm2/m128 the string b.
// imm8:
//
//	[1:0] elements: unsigned bytes, unsigned words, signed bytes, signed words
//	[3:2] aggregation: equal any, ranges, equal each, equal ordered
//	[5:4] polarity: positive, negative, masked positive, masked negative
//	[6]   index: least (0) or most (1) significant bit; mask: bits (0)
//	      or expanded to element masks (1)
//
// Lengths are explicit (EAX, EDX; RAX, RDX with REX.W: absolute value,
// saturated to the element count) or implicit (up to the first zero
// element). The memory operand need not be aligned.
func pcmpstr(m *x86.Machine, in *x86.Inst) {
	b := srcU(m, in)
	a := m.XMM[in.Reg]
	imm := uint8(in.Imm)
	size := 1 + int(imm&1)
	n := 16 / size
	var la, lb int
	if in.Opcode() < 0x62 {
		la = explicitLen(m.R[x86.RAX], in.OpSize == 8, n)
		lb = explicitLen(m.R[x86.RDX], in.OpSize == 8, n)
	} else {
		la, lb = implicitLen(&a, size), implicitLen(&b, size)
	}
	elem := func(x *x86.XMM, i int) int64 {
		if imm&2 != 0 {
			return sext(lane(x, i, size), size)
		}
		return int64(lane(x, i, size))
	}
	var r uint32
	switch imm >> 2 & 3 {
	case 0: // equal any: b[i] is one of a's valid elements
		for i := 0; i < lb; i++ {
			for j := 0; j < la; j++ {
				if elem(&a, j) == elem(&b, i) {
					r |= 1 << i
					break
				}
			}
		}
	case 1: // ranges: a[j] <= b[i] <= a[j+1] for some even j
		for i := 0; i < lb; i++ {
			for j := 0; j+1 < la; j += 2 {
				if v := elem(&b, i); elem(&a, j) <= v && v <= elem(&a, j+1) {
					r |= 1 << i
					break
				}
			}
		}
	case 2: // equal each: element-wise; two invalid elements match
		for i := 0; i < n; i++ {
			if i < la && i < lb && elem(&a, i) == elem(&b, i) || i >= la && i >= lb {
				r |= 1 << i
			}
		}
	case 3: // equal ordered: a occurs in b at i (an invalid a element matches anything)
		for i := 0; i < n; i++ {
			ok := true
			for k := 0; k < n-i && k < la; k++ {
				if i+k >= lb || elem(&a, k) != elem(&b, i+k) {
					ok = false
					break
				}
			}
			if ok {
				r |= 1 << i
			}
		}
	}
	switch imm >> 4 & 3 {
	case 1:
		r ^= 1<<n - 1
	case 3:
		r ^= 1<<lb - 1
	}
	var f uint64
	if r != 0 {
		f |= x86.FlagCF
	}
	if lb < n {
		f |= x86.FlagZF
	}
	if la < n {
		f |= x86.FlagSF
	}
	if r&1 != 0 {
		f |= x86.FlagOF
	}
	m.SetFlags(m.GetFlags()&^x86.FlagsArith | f)
	if in.Opcode()&1 != 0 { // index
		idx := n
		if r != 0 {
			idx = 0
			if imm&0x40 != 0 {
				for r>>(idx+1) != 0 {
					idx++
				}
			} else {
				for r>>idx&1 == 0 {
					idx++
				}
			}
		}
		m.R[x86.RCX] = uint64(idx)
		return
	}
	if imm&0x40 == 0 {
		m.XMM[0] = x86.XMM{uint64(r)}
		return
	}
	var x x86.XMM
	for i := 0; i < n; i++ {
		if r>>i&1 != 0 {
			setLane(&x, i, size, ^uint64(0))
		}
	}
	m.XMM[0] = x
}

func explicitLen(v uint64, w bool, n int) int {
	x := int64(v)
	if !w {
		x = int64(int32(v))
	}
	if x < 0 {
		x = -x
	}
	if x < 0 || x > int64(n) {
		return n
	}
	return int(x)
}

func implicitLen(x *x86.XMM, size int) int {
	n := 16 / size
	for i := 0; i < n; i++ {
		if lane(x, i, size) == 0 {
			return i
		}
	}
	return n
}

// CRC32 r32/r64, r/m8/16/32/64 (F2 0F 38 F0/F1): CRC-32C (the Castagnoli
// polynomial, bit-reflected, no inversion) of the source's bytes in
// little-endian order into the low 32 bits of the destination; the result
// is zero-extended to 64 bits.
func crc32(m *x86.Machine, in *x86.Inst) {
	size := int(in.OpSize)
	if in.Opcode() == 0xf0 {
		size = 1
	}
	var v uint64
	if in.Mod == 3 {
		v = m.R[in.RM]
		if size == 1 && in.Pfx&x86.PfxRex == 0 && in.RM >= 4 && in.RM < 8 {
			v = m.R[in.RM-4] >> 8 // AH, CH, DH, BH
		}
	} else {
		switch a := m.EA(in); size {
		case 1:
			v = uint64(m.Mem.Read8(a))
		case 2:
			v = uint64(m.Mem.Read16(a))
		case 4:
			v = uint64(m.Mem.Read32(a))
		default:
			v = m.Mem.Read64(a)
		}
	}
	c := uint32(m.R[in.Reg])
	for i := 0; i < size; i++ {
		c = crcTab[uint8(c)^uint8(v>>(8*uint(i)))] ^ c>>8
	}
	m.R[in.Reg] = uint64(c)
}

// crcTab[b] is the CRC-32C of the single byte b from a zero register.
var crcTab = func() (t [256]uint32) {
	const poly = 0x82f63b78 // 0x1EDC6F41 bit-reversed
	for i := range t {
		c := uint32(i)
		for k := 0; k < 8; k++ {
			c = c>>1 ^ poly&-(c&1)
		}
		t[i] = c
	}
	return
}()

// clmul is the 128-bit carry-less product of a and b.
func clmul(a, b uint64) (lo, hi uint64) {
	for i := uint(0); i < 64; i++ {
		if b>>i&1 != 0 {
			lo ^= a << i
			if i != 0 {
				hi ^= a >> (64 - i)
			}
		}
	}
	return
}

// PCLMULQDQ xmm1, xmm2/m128, imm8: imm[0] selects xmm1's quadword, imm[4]
// the source's.
func pclmulFn(d, s *x86.XMM, _ int, imm uint8) x86.XMM {
	lo, hi := clmul(d[imm&1], s[imm>>4&1])
	return x86.XMM{lo, hi}
}

func initSSE42() {
	for op := uint8(0x60); op <= 0x63; op++ {
		tab3A[op][p66] = entry{pcmpstr, pcmpstr, 0}
	}
	tab38[0x37][p66] = entry{lanesX, lanesX, laneOp(mapLanes(8, func(a, b uint64) uint64 {
		if int64(a) > int64(b) {
			return ^uint64(0)
		}
		return 0
	}))}
	tab38[0xf0][pF2] = entry{crc32, crc32, 0}
	tab38[0xf1][pF2] = entry{crc32, crc32, 0}
	tab3A[0x44][p66] = entry{lanesX, lanesX, laneOp(pclmulFn)}
}

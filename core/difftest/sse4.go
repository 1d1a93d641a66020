package difftest

import (
	"encoding/binary"
	"fmt"
)

// sse4Forms are SSE3, SSSE3, SSE4.1, SSE4.2, PCLMULQDQ and AES-NI, each in
// its register and memory forms (the MMX-register forms of SSSE3 are left
// out: the vectors carry no x87/MMX state). Legacy 128-bit memory operands
// are 16-byte aligned except for LDDQU and the PCMPxSTRx string compares,
// which take any address; the narrower ones (PMOVSX/ZX, INSERTPS, MOVDDUP,
// the scalar rounds) need no alignment.
func sse4Forms() []*form {
	var t []*form
	add := func(fs ...*form) { t = append(t, fs...) }
	mN := func(n int) opt { return func(fm *form) { fm.msize, fm.align = n, 0 } }
	unal := align(0)
	anyImm := immGen(func(c *tcase) int64 { return int64(c.r.n(256)) })
	s3, ss3, s41, s42 := feat(featSSE3), feat(featSSSE3), feat(featSSE41), feat(featSSE42)

	// SSE3. Floating point gets float lanes in both operands most of
	// the time (specials, denormals and infinities among them); MXCSR is
	// random as for every SSE form: the four rounding modes, DAZ and FTZ.
	add(f("ADDSUBPS", "F2 0F D0 /r", sse, s3, fpLanes(4)),
		f("ADDSUBPD", "66 0F D0 /r", sse, s3, fpLanes(8)),
		f("HADDPS", "F2 0F 7C /r", sse, s3, fpLanes(4)),
		f("HADDPD", "66 0F 7C /r", sse, s3, fpLanes(8)),
		f("HSUBPS", "F2 0F 7D /r", sse, s3, fpLanes(4)),
		f("HSUBPD", "66 0F 7D /r", sse, s3, fpLanes(8)),
		f("MOVSLDUP", "F3 0F 12 /r", sse, s3),
		f("MOVSHDUP", "F3 0F 16 /r", sse, s3),
		f("MOVDDUP", "F2 0F 12 /r", sse, s3, mN(8)),
		f("LDDQU", "F2 0F F0 /r", sse, s3, memOnly, unal))

	// SSSE3.
	add(f("PSHUFB", "66 0F 38 00 /r", sse, ss3),
		f("PALIGNR", "66 0F 3A 0F /r ib", sse, ss3, immGen(func(c *tcase) int64 { return int64(c.r.n(40)) })))
	for _, p := range []struct{ name, op string }{
		{"PHADDW", "01"}, {"PHADDD", "02"}, {"PHADDSW", "03"}, {"PMADDUBSW", "04"},
		{"PHSUBW", "05"}, {"PHSUBD", "06"}, {"PHSUBSW", "07"}, {"PSIGNB", "08"}, {"PSIGNW", "09"},
		{"PSIGND", "0A"}, {"PMULHRSW", "0B"}, {"PABSB", "1C"}, {"PABSW", "1D"}, {"PABSD", "1E"}} {
		add(f(p.name, "66 0F 38 "+p.op+" /r", sse, ss3))
	}

	// SSE4.1 integer.
	for _, p := range []struct{ name, op string }{
		{"PMINSB", "38"}, {"PMINSD", "39"}, {"PMINUW", "3A"}, {"PMINUD", "3B"},
		{"PMAXSB", "3C"}, {"PMAXSD", "3D"}, {"PMAXUW", "3E"}, {"PMAXUD", "3F"},
		{"PMULDQ", "28"}, {"PCMPEQQ", "29"}, {"PACKUSDW", "2B"}, {"PMULLD", "40"}, {"PHMINPOSUW", "41"},
		{"PTEST", "17"},
		// The variable blends take their mask from XMM0, which is as random
		// as any register (and sometimes an explicit operand too).
		{"PBLENDVB x, x/m128, <XMM0>", "10"}, {"BLENDVPS x, x/m128, <XMM0>", "14"},
		{"BLENDVPD x, x/m128, <XMM0>", "15"}} {
		add(f(p.name, "66 0F 38 "+p.op+" /r", sse, s41))
	}
	// PMOVSX/PMOVZX read half, a quarter or an eighth of a register.
	for i, x := range []struct {
		name string
		n    int
	}{{"BW", 8}, {"BD", 4}, {"BQ", 2}, {"WD", 8}, {"WQ", 4}, {"DQ", 8}} {
		add(f("PMOVSX"+x.name, fmt.Sprintf("66 0F 38 %02X /r", 0x20+i), sse, s41, mN(x.n)),
			f("PMOVZX"+x.name, fmt.Sprintf("66 0F 38 %02X /r", 0x30+i), sse, s41, mN(x.n)))
	}
	add(f("MOVNTDQA", "66 0F 38 2A /r", sse, s41, memOnly),
		f("PBLENDW", "66 0F 3A 0E /r ib", sse, s41, anyImm),
		f("BLENDPS", "66 0F 3A 0C /r ib", sse, s41, anyImm),
		f("BLENDPD", "66 0F 3A 0D /r ib", sse, s41, anyImm),
		f("MPSADBW", "66 0F 3A 42 /r ib", sse, s41, anyImm),
		// Inserts and extracts: the selector's unused bits are random.
		f("PEXTRB r/m8, x, imm8", "66 0F 3A 14 /r ib", sse, s41, gprRM, mN(1)),
		f("PEXTRW r/m16, x, imm8", "66 0F 3A 15 /r ib", sse, s41, gprRM, mN(2)),
		f("PEXTRD r/m32, x, imm8", "66 0F 3A 16 /r ib", sse, s41, gprRM, mN(4)),
		f("PEXTRQ r/m64, x, imm8", "66 W 0F 3A 16 /r ib", sse, s41, gprRM, mN(8)),
		f("EXTRACTPS r/m32, x, imm8", "66 0F 3A 17 /r ib", sse, s41, gprRM, mN(4)),
		f("EXTRACTPS r64/m32, x, imm8", "66 W 0F 3A 17 /r ib", sse, s41, gprRM, mN(4)),
		f("PINSRB x, r32/m8, imm8", "66 0F 3A 20 /r ib", sse, s41, gprRM, mN(1)),
		f("PINSRD x, r/m32, imm8", "66 0F 3A 22 /r ib", sse, s41, gprRM, mN(4)),
		f("PINSRQ x, r/m64, imm8", "66 W 0F 3A 22 /r ib", sse, s41, gprRM, mN(8)),
		f("INSERTPS x, x/m32, imm8", "66 0F 3A 21 /r ib", sse, s41, mN(4), anyImm))

	// SSE4.1 floating point. The rounds cycle through imm 0-15 (the four
	// explicit modes and MXCSR's, with and without the precision exception
	// suppressed); DPPS/DPPD take any mask.
	round := immCycle(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)
	add(f("ROUNDPS", "66 0F 3A 08 /r ib", sse, s41, round, rec(2), fpLanes(4)),
		f("ROUNDPD", "66 0F 3A 09 /r ib", sse, s41, round, rec(2), fpLanes(8)),
		f("ROUNDSS", "66 0F 3A 0A /r ib", sse, s41, mN(4), round, rec(2), fpLanes(4)),
		f("ROUNDSD", "66 0F 3A 0B /r ib", sse, s41, mN(8), round, rec(2), fpLanes(8)),
		f("DPPS", "66 0F 3A 40 /r ib", sse, s41, anyImm, fpLanes(4)),
		f("DPPD", "66 0F 3A 41 /r ib", sse, s41, anyImm, fpLanes(8)))

	// SSE4.2. The string compares cycle through the sixteen aggregation
	// and polarity pairs (format and the index/mask bit random) on
	// string-like operands; the explicit-length forms read RAX and RDX
	// (EAX and EDX without REX.W).
	add(f("PCMPGTQ", "66 0F 38 37 /r", sse, s42))
	for _, p := range []struct {
		name, spec string
		explicit   bool
	}{{"PCMPESTRI", "66 0F 3A 61", true}, {"PCMPESTRM", "66 0F 3A 60", true},
		{"PCMPESTRI W", "66 W 0F 3A 61", true}, {"PCMPESTRM W", "66 W 0F 3A 60", true},
		{"PCMPISTRI", "66 0F 3A 63", false}, {"PCMPISTRM", "66 0F 3A 62", false}} {
		opts := []opt{sse, s42, unal, rec(4), pcmpstrImm, strOperands(p.explicit)}
		if p.explicit {
			opts = append(opts, avoid(0, 2))
		}
		add(f(p.name, p.spec+" /r ib", opts...))
	}
	add(f("CRC32 r32, r/m8", "F2 0F 38 F0 /r", byteRM, s42),
		f("CRC32 r32, r/m8 (66)", "66 F2 0F 38 F0 /r", byteRM, s42),
		f("CRC32 r64, r/m8", "F2 W 0F 38 F0 /r", byteRM, s42),
		f("CRC32 r32, r/m16", "66 F2 0F 38 F1 /r", msize(2), s42),
		f("CRC32 r32, r/m32", "F2 0F 38 F1 /r", msize(4), s42),
		f("CRC32 r64, r/m64", "F2 W 0F 38 F1 /r", msize(8), s42))

	// PCLMULQDQ: the four quadword selections, then with the ignored bits
	// set.
	add(f("PCLMULQDQ", "66 0F 3A 44 /r ib", sse, feat(featPCLMUL), immCycle(0x00, 0x01, 0x10, 0x11, 0xee, 0xef, 0xfe, 0xff)))

	// AES-NI.
	aes := feat(featAES)
	add(f("AESENC", "66 0F 38 DC /r", sse, aes),
		f("AESENCLAST", "66 0F 38 DD /r", sse, aes),
		f("AESDEC", "66 0F 38 DE /r", sse, aes),
		f("AESDECLAST", "66 0F 38 DF /r", sse, aes),
		f("AESIMC", "66 0F 38 DB /r", sse, aes),
		f("AESKEYGENASSIST", "66 0F 3A DF /r ib", sse, aes,
			immGen(func(c *tcase) int64 {
				rcon := []int64{0x01, 0x36, 0x00, 0xff, 0x1b, 0x80, 0x02, 0x40, 0x04, 0x08, 0x10, 0x20}
				if c.idx < len(rcon) {
					return rcon[c.idx]
				}
				return int64(c.r.n(256))
			})))
	return t
}

// setSrcXMM sets the r/m operand of an XMM form: the register, or the
// operand's msize bytes in memory.
func (c *tcase) setSrcXMM(x [2]uint64) {
	if !c.isMem {
		c.in.XMM[c.rmReg] = x
		return
	}
	c.writeMem(c.memOff, min(c.fm.msize, 8), x[0])
	if c.fm.msize > 8 {
		c.writeMem(c.memOff+8, c.fm.msize-8, x[1])
	}
}

// fpLanes fills both operands with binary32 (size 4) or binary64 lanes
// from rng.f32/f64 three times in four; the rest keep the mixed values of
// rng.xmm.
func fpLanes(size int) opt {
	return fix(func(c *tcase) {
		if c.r.n(4) == 0 {
			return
		}
		lanes := func() [2]uint64 {
			var x [2]uint64
			for i := range x {
				if size == 8 {
					x[i] = c.r.f64()
				} else {
					x[i] = uint64(c.r.f32()) | uint64(c.r.f32())<<32
				}
			}
			return x
		}
		c.in.XMM[c.reg] = lanes()
		c.setSrcXMM(lanes())
	})
}

// pcmpstrImm: bits 2-5 (aggregation and polarity) cycle by case index;
// the format (bits 0-1) and bit 6 (least/most significant index, bit or
// element mask) are random. Bit 7 is reserved and stays clear.
var pcmpstrImm = immGen(func(c *tcase) int64 {
	return int64(c.idx%16<<2 | c.r.n(4) | c.r.n(2)<<6)
})

// strOperands makes the two operands of PCMPxSTRx look like strings, or
// random compares would almost never match: elements (bytes, or words for
// the word formats) from a small alphabet that changes per case, a zero
// element (the implicit-length terminator) in most operands, and now and
// then the needle's head planted in the haystack so equal-ordered searches
// find something. The explicit lengths are mostly -20..20 (negative ones
// count by absolute value; both saturate at the element count), with
// register boundaries and garbage in the upper half now and then.
func strOperands(explicit bool) opt {
	return fix(func(c *tcase) {
		r := c.r
		words := c.imm&1 != 0
		n, pool := 16, []uint16{'a', 'b', 'c', 'z', 0x7f, 0x80, 0xff, 0x01}
		if words {
			n, pool = 8, []uint16{'a', 'b', 'c', 0x6100, 0x7fff, 0x8000, 0xffff, 0x0100}
		}
		alpha := make([]uint16, 2+r.n(3))
		for i := range alpha {
			alpha[i] = pool[r.n(len(pool))]
		}
		str := func() []uint16 {
			s := make([]uint16, n)
			for i := range s {
				s[i] = alpha[r.n(len(alpha))]
				if r.n(16) == 0 {
					s[i] = 0
				}
			}
			if r.n(4) != 0 {
				s[r.n(n)] = 0
			}
			return s
		}
		needle, hay := str(), str()
		if r.n(3) == 0 {
			k := 1 + r.n(4)
			at := r.n(n - k + 1)
			copy(hay[at:at+k], needle[:k])
		}
		pack := func(s []uint16) [2]uint64 {
			var b [16]byte
			for i, e := range s {
				if words {
					binary.LittleEndian.PutUint16(b[2*i:], e)
				} else {
					b[i] = byte(e)
				}
			}
			return [2]uint64{binary.LittleEndian.Uint64(b[:]), binary.LittleEndian.Uint64(b[8:])}
		}
		c.in.XMM[c.reg] = pack(needle)
		c.setSrcXMM(pack(hay))
		if explicit {
			c.in.R[0], c.in.R[2] = strLen(r), strLen(r)
		}
	})
}

func strLen(r *rng) uint64 {
	switch r.n(6) {
	case 0:
		return []uint64{0x80000000, 0x7fffffff, 0xffffffff, 0x8000000000000000, 0x7fffffffffffffff,
			0x100000005, 0xfffffffffffffff0, 0xffffffff00000003, 0xfffffff7, 0x80000010}[r.n(10)]
	case 1:
		return r.u64()
	}
	v := uint64(int64(r.n(41) - 20))
	if r.n(4) == 0 {
		v = v&0xffffffff | r.u64()<<32 // only REX.W forms read the upper half
	}
	return v
}

package vec

import "github.com/blink-go/blink/core/x86"

// Table-driven packed-integer operations for SSSE3 and SSE4.1.
//
// Each operation is a laneFn over the low n bytes of d and s (n = 16 for
// XMM, 8 for the MMX forms of SSSE3) plus the instruction's imm8, and
// returns the whole result; the instruction's Aux indexes laneFns. One
// definition then serves the XMM and MM forms, which differ only in width
// (PHADDW on MM takes two words from each operand, on XMM four).

type laneFn func(d, s *x86.XMM, n int, imm uint8) x86.XMM

// lane returns element i of size bytes (1, 2, 4 or 8), zero-extended.
func lane(x *x86.XMM, i, size int) uint64 {
	b := i * size
	v := x[b>>3] >> (uint(b&7) * 8)
	if size < 8 {
		v &= 1<<(8*uint(size)) - 1
	}
	return v
}

func setLane(x *x86.XMM, i, size int, v uint64) {
	b := i * size
	if size == 8 {
		x[b>>3] = v
		return
	}
	sh := uint(b&7) * 8
	mask := uint64(1)<<(8*uint(size)) - 1
	x[b>>3] = x[b>>3]&^(mask<<sh) | (v&mask)<<sh
}

// sext sign-extends the low size bytes of v.
func sext(v uint64, size int) int64 {
	s := uint(64 - 8*size)
	return int64(v<<s) >> s
}

func sat16(v int64) uint64 { return uint64(min(max(v, -32768), 32767)) }

var laneFns []laneFn

// laneOp registers f and returns its Aux index.
func laneOp(f laneFn) uint8 {
	laneFns = append(laneFns, f)
	if len(laneFns) > 256 {
		panic("vec: too many lane operations")
	}
	return uint8(len(laneFns) - 1)
}

// lanesX is the XMM form: xmm1 op= xmm2/m128 (legacy SSE: aligned).
func lanesX(m *x86.Machine, in *x86.Inst) {
	s := srcA(m, in)
	d := &m.XMM[in.Reg]
	*d = laneFns[in.Aux](d, &s, 16, uint8(in.Imm))
}

// lanesMM is the MMX form: mm1 op= mm2/m64.
func lanesMM(m *x86.Machine, in *x86.Inst) {
	s := mmSrc(m, in)
	mmxEnter(m)
	d := x86.XMM{mmGet(m, in.Reg)}
	xs := x86.XMM{s}
	r := laneFns[in.Aux](&d, &xs, 8, uint8(in.Imm))
	mmSet(m, in.Reg, r[0])
}

// Element-wise operations: mapLanes applies f to each pair of size-byte
// elements.
func mapLanes(size int, f func(a, b uint64) uint64) laneFn {
	return func(d, s *x86.XMM, n int, _ uint8) (r x86.XMM) {
		for i := 0; i < n/size; i++ {
			setLane(&r, i, size, f(lane(d, i, size), lane(s, i, size)))
		}
		return
	}
}

// horizontal combines adjacent pairs: the destination's pairs give the
// low half of the result, the source's the high half (PHADD/PHSUB).
func horizontal(size int, f func(a, b uint64) uint64) laneFn {
	return func(d, s *x86.XMM, n int, _ uint8) (r x86.XMM) {
		half := n / size / 2
		for i := 0; i < half; i++ {
			setLane(&r, i, size, f(lane(d, 2*i, size), lane(d, 2*i+1, size)))
			setLane(&r, half+i, size, f(lane(s, 2*i, size), lane(s, 2*i+1, size)))
		}
		return
	}
}

// SSSE3.

func pshufbFn(d, s *x86.XMM, n int, _ uint8) (r x86.XMM) {
	for i := 0; i < n; i++ {
		if k := lane(s, i, 1); k&0x80 == 0 {
			setLane(&r, i, 1, lane(d, int(k)&(n-1), 1))
		}
	}
	return
}

// palignrFn shifts the 2n-byte concatenation d:s right by imm bytes.
func palignrFn(d, s *x86.XMM, n int, imm uint8) (r x86.XMM) {
	for i := 0; i < n; i++ {
		var v uint64
		switch k := i + int(imm); {
		case k < n:
			v = lane(s, k, 1)
		case k < 2*n:
			v = lane(d, k-n, 1)
		}
		setLane(&r, i, 1, v)
	}
	return
}

// pmaddubswFn: unsigned destination bytes times signed source bytes,
// adjacent products summed with signed saturation.
func pmaddubswFn(d, s *x86.XMM, n int, _ uint8) (r x86.XMM) {
	for i := 0; i < n/2; i++ {
		p := int64(lane(d, 2*i, 1))*sext(lane(s, 2*i, 1), 1) + int64(lane(d, 2*i+1, 1))*sext(lane(s, 2*i+1, 1), 1)
		setLane(&r, i, 2, sat16(p))
	}
	return
}

func psign(size int) laneFn {
	return mapLanes(size, func(a, b uint64) uint64 {
		switch sb := sext(b, size); {
		case sb < 0:
			return -a
		case sb == 0:
			return 0
		}
		return a
	})
}

func pabs(size int) laneFn {
	return mapLanes(size, func(_, b uint64) uint64 {
		if v := sext(b, size); v < 0 {
			return uint64(-v)
		}
		return b
	})
}

func add(a, b uint64) uint64 { return a + b }
func sub(a, b uint64) uint64 { return a - b }

// SSE4.1.

func blendImm(size int) laneFn {
	return func(d, s *x86.XMM, n int, imm uint8) (r x86.XMM) {
		for i := 0; i < n/size; i++ {
			x := d
			if imm>>uint(i)&1 != 0 {
				x = s
			}
			setLane(&r, i, size, lane(x, i, size))
		}
		return
	}
}

// minMax: max selects the larger; signed compares as size-byte integers.
func minMax(size int, signed, max bool) laneFn {
	return mapLanes(size, func(a, b uint64) uint64 {
		lt := a < b
		if signed {
			lt = sext(a, size) < sext(b, size)
		}
		if lt != max {
			return a
		}
		return b
	})
}

func packusdwFn(d, s *x86.XMM, _ int, _ uint8) (r x86.XMM) {
	for i := 0; i < 8; i++ {
		x := d
		if i >= 4 {
			x = s
		}
		v := sext(lane(x, i&3, 4), 4)
		setLane(&r, i, 2, uint64(min(max(v, 0), 0xffff)))
	}
	return
}

func pmuldqFn(d, s *x86.XMM, _ int, _ uint8) (r x86.XMM) {
	for i := 0; i < 2; i++ {
		r[i] = uint64(int64(int32(d[i])) * int64(int32(s[i])))
	}
	return
}

// phminposuwFn: the smallest unsigned word and its (lowest) index.
func phminposuwFn(_, s *x86.XMM, _ int, _ uint8) (r x86.XMM) {
	best, at := lane(s, 0, 2), 0
	for i := 1; i < 8; i++ {
		if v := lane(s, i, 2); v < best {
			best, at = v, i
		}
	}
	r[0] = best | uint64(at)<<16
	return
}

// mpsadbwFn: eight sums of absolute differences of a sliding 4-byte
// window of d (starting at byte 4*imm[2]) against one 4-byte block of s
// (block imm[1:0]).
func mpsadbwFn(d, s *x86.XMM, _ int, imm uint8) (r x86.XMM) {
	do, so := int(imm>>2&1)*4, int(imm&3)*4
	for i := 0; i < 8; i++ {
		var sum uint64
		for k := 0; k < 4; k++ {
			a, b := int(lane(d, do+i+k, 1)), int(lane(s, so+k, 1))
			sum += uint64(max(a-b, b-a))
		}
		setLane(&r, i, 2, sum)
	}
	return
}

func initSSSE3() {
	both := func(op uint8, f laneFn) {
		a := laneOp(f)
		tab38[op][p66] = entry{lanesX, lanesX, a}
		tab38[op][pNone] = entry{lanesMM, lanesMM, a}
	}
	satAdd := func(a, b uint64) uint64 { return sat16(sext(a, 2) + sext(b, 2)) }
	satSub := func(a, b uint64) uint64 { return sat16(sext(a, 2) - sext(b, 2)) }
	both(0x00, pshufbFn)
	both(0x01, horizontal(2, add))
	both(0x02, horizontal(4, add))
	both(0x03, horizontal(2, satAdd))
	both(0x04, pmaddubswFn)
	both(0x05, horizontal(2, sub))
	both(0x06, horizontal(4, sub))
	both(0x07, horizontal(2, satSub))
	both(0x08, psign(1))
	both(0x09, psign(2))
	both(0x0a, psign(4))
	both(0x0b, mapLanes(2, func(a, b uint64) uint64 {
		return uint64((sext(a, 2)*sext(b, 2)>>14 + 1) >> 1)
	}))
	both(0x1c, pabs(1))
	both(0x1d, pabs(2))
	both(0x1e, pabs(4))
	a := laneOp(palignrFn)
	tab3A[0x0f][p66] = entry{lanesX, lanesX, a}
	tab3A[0x0f][pNone] = entry{lanesMM, lanesMM, a}
}

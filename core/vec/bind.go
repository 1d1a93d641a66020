// Package vec implements the SSE through SSE4.2, PCLMULQDQ, MMX and x87
// instructions.
//
// All floating point is computed in software (soft.go): binary32 and
// binary64 lanes for SSE honour MXCSR (rounding, DAZ, FTZ, sticky flags,
// #XM), and the x87 computes in true 80-bit extended precision with the
// control word's precision and rounding control. Nothing depends on the
// host FPU's mode or byte order, so results are identical on amd64, arm64,
// riscv64 and big-endian s390x.
//
// Bind chooses one handler per decoded instruction from tables indexed by
// opcode and mandatory prefix (none, 66, F3, F2), with separate register
// and memory handlers where the two forms differ.
package vec

import "github.com/blink-go/blink/core/x86"

// Mandatory prefix columns.
const (
	pNone = iota
	p66
	pF3
	pF2
)

// entry is one 0F-map table cell.
type entry struct {
	reg, mem x86.Handler
	aux      uint8
}

// One table per opcode map: 0F, 0F 38 (SSSE3, SSE4.1, SSE4.2 CRC32) and
// 0F 3A (the imm8 forms).
var tab0F, tab38, tab3A [256][4]entry

// def registers a form whose register and memory handlers are the same
// function (the handler fetches its source through operand.go).
func def(op uint8, p int, h x86.Handler, aux uint8) { tab0F[op][p] = entry{h, h, aux} }

// defRM registers distinct register and memory handlers (nil: #UD).
func defRM(op uint8, p int, reg, mem x86.Handler, aux uint8) { tab0F[op][p] = entry{reg, mem, aux} }

func init() {
	// Moves.
	defRM(0x10, pNone, movRR, movLoadU, 0)
	defRM(0x10, p66, movRR, movLoadU, 0)
	defRM(0x10, pF3, movssRR, movssLoad, 0)
	defRM(0x10, pF2, movsdRR, movsdLoad, 0)
	defRM(0x11, pNone, movStRR, movStoreU, 0)
	defRM(0x11, p66, movStRR, movStoreU, 0)
	defRM(0x11, pF3, movssStRR, movssStore, 0)
	defRM(0x11, pF2, movsdStRR, movlStore, 0)
	defRM(0x12, pNone, movhlps, movlLoad, 0)
	defRM(0x12, p66, nil, movlLoad, 0)
	defRM(0x13, pNone, nil, movlStore, 0)
	defRM(0x13, p66, nil, movlStore, 0)
	defRM(0x16, pNone, movlhps, movhLoad, 0)
	defRM(0x16, p66, nil, movhLoad, 0)
	defRM(0x17, pNone, nil, movhStore, 0)
	defRM(0x17, p66, nil, movhStore, 0)
	defRM(0x28, pNone, movRR, movLoadA, 0)
	defRM(0x28, p66, movRR, movLoadA, 0)
	defRM(0x29, pNone, movStRR, movStoreA, 0)
	defRM(0x29, p66, movStRR, movStoreA, 0)
	defRM(0x2b, pNone, nil, movStoreA, 0)
	defRM(0x2b, p66, nil, movStoreA, 0)
	defRM(0x6f, p66, movRR, movLoadA, 0)
	defRM(0x6f, pF3, movRR, movLoadU, 0)
	defRM(0x7f, p66, movStRR, movStoreA, 0)
	defRM(0x7f, pF3, movStRR, movStoreU, 0)
	defRM(0xe7, p66, nil, movStoreA, 0)
	defRM(0xf0, pF2, nil, movLoadU, 0) // LDDQU (SSE3 encoding, harmless to accept)
	def(0x6e, p66, movdToX, 0)
	def(0x7e, p66, movdFromX, 0)
	def(0x7e, pF3, movqLoad, 0)
	defRM(0xd6, p66, movqStRR, movlStore, 0)
	defRM(0x50, pNone, movmskps, nil, 0)
	defRM(0x50, p66, movmskpd, nil, 0)
	defRM(0xd7, p66, pmovmskb, nil, 0)
	defRM(0xf7, p66, maskmovdqu, nil, 0)

	// Float logic and shuffles.
	for _, p := range []int{pNone, p66} {
		def(0x54, p, pand, 0)
		def(0x55, p, andnps, 0)
		def(0x56, p, por, 0)
		def(0x57, p, pxor, 0)
	}
	def(0x14, pNone, punpck, 4)
	def(0x14, p66, punpck, 8)
	def(0x15, pNone, punpck, 4|16)
	def(0x15, p66, punpck, 8|16)
	def(0xc6, pNone, shufps, 0)
	def(0xc6, p66, shufpd, 0)

	// Float arithmetic.
	for op, code := range map[uint8]uint8{0x58: opAdd, 0x59: opMul, 0x5c: opSub, 0x5d: opMin, 0x5e: opDiv, 0x5f: opMax, 0x51: opSqrt} {
		def(op, pNone, fpPS, code)
		def(op, p66, fpPD, code)
		def(op, pF3, fpSS, code)
		def(op, pF2, fpSD, code)
	}
	// Hot binary64 handlers (ssefast.go), same Aux for their fallback.
	for op, h := range map[uint8][2]x86.Handler{0x58: {addPD, addSD}, 0x5c: {subPD, subSD}, 0x59: {mulPD, mulSD}, 0x5e: {divPD, divSD}} {
		def(op, p66, h[0], tab0F[op][p66].aux)
		def(op, pF2, h[1], tab0F[op][pF2].aux)
	}
	def(0xc2, pNone, cmpPS, 0)
	def(0xc2, p66, cmpPD, 0)
	def(0xc2, pF3, cmpSS, 0)
	def(0xc2, pF2, cmpSD, 0)
	def(0x2e, pNone, comiss, 0)
	def(0x2e, p66, comisd, 0)
	def(0x2f, pNone, comiss, 1)
	def(0x2f, p66, comisd, 1)

	// Conversions.
	def(0x2a, pF3, cvtsi2ss, 0)
	def(0x2a, pF2, cvtsi2sd, 0)
	def(0x2c, pF3, cvtss2si, 1)
	def(0x2c, pF2, cvtsd2si, 1)
	def(0x2d, pF3, cvtss2si, 0)
	def(0x2d, pF2, cvtsd2si, 0)
	def(0x5a, pNone, cvtps2pd, 0)
	def(0x5a, p66, cvtpd2ps, 0)
	def(0x5a, pF3, cvtss2sd, 0)
	def(0x5a, pF2, cvtsd2ss, 0)
	def(0x5b, pNone, cvtdq2ps, 0)
	def(0x5b, p66, cvtps2dq, 0)
	def(0x5b, pF3, cvtps2dq, 1)
	def(0xe6, p66, cvtpd2dq, 1)
	def(0xe6, pF2, cvtpd2dq, 0)
	def(0xe6, pF3, cvtdq2pd, 0)

	// Packed integer (66 prefix; the unprefixed MMX forms are not bound).
	for op, a := range map[uint8]uint8{0x60: 1, 0x61: 2, 0x62: 4, 0x6c: 8, 0x68: 1 | 16, 0x69: 2 | 16, 0x6a: 4 | 16, 0x6d: 8 | 16} {
		def(op, p66, punpck, a)
	}
	def(0x63, p66, packsswb, 0)
	def(0x67, p66, packuswb, 0)
	def(0x6b, p66, packssdw, 0)
	def(0x64, p66, pcmp, 1|8)
	def(0x65, p66, pcmp, 2|8)
	def(0x66, p66, pcmp, 4|8)
	def(0x74, p66, pcmp, 1)
	def(0x75, p66, pcmp, 2)
	def(0x76, p66, pcmp, 4)
	def(0x70, p66, pshufd, 0)
	def(0x70, pF3, pshufw, 4)
	def(0x70, pF2, pshufw, 0)
	def(0xc4, p66, pinsrw, 0)
	defRM(0xc5, p66, pextrw, nil, 0)
	for op, a := range map[uint8]uint8{0xd1: 2 | shRL<<4, 0xd2: 4 | shRL<<4, 0xd3: 8 | shRL<<4, 0xe1: 2 | shRA<<4, 0xe2: 4 | shRA<<4, 0xf1: 2, 0xf2: 4, 0xf3: 8} {
		def(op, p66, pshiftX, a)
	}
	def(0xd4, p66, paddq, 0)
	def(0xfb, p66, psubq, 0)
	def(0xfc, p66, paddb, 0)
	def(0xfd, p66, paddw, 0)
	def(0xfe, p66, paddd, 0)
	def(0xf8, p66, psubb, 0)
	def(0xf9, p66, psubw, 0)
	def(0xfa, p66, psubd, 0)
	def(0xd8, p66, psatb, satSubU)
	def(0xd9, p66, psatw, satSubU)
	def(0xdc, p66, psatb, satAddU)
	def(0xdd, p66, psatw, satAddU)
	def(0xe8, p66, psatb, satSubS)
	def(0xe9, p66, psatw, satSubS)
	def(0xec, p66, psatb, satAddS)
	def(0xed, p66, psatw, satAddS)
	def(0xda, p66, pminmax, 0)
	def(0xde, p66, pminmax, 1)
	def(0xea, p66, pminmax, 2)
	def(0xee, p66, pminmax, 3)
	def(0xdb, p66, pand, 0)
	def(0xdf, p66, pandn, 0)
	def(0xeb, p66, por, 0)
	def(0xef, p66, pxor, 0)
	def(0xe0, p66, pavgb, 0)
	def(0xe3, p66, pavgw, 0)
	def(0xd5, p66, pmullw, 0)
	def(0xe5, p66, pmulhw, 0)
	def(0xe4, p66, pmulhuw, 0)
	def(0xf4, p66, pmuludq, 0)
	def(0xf5, p66, pmaddwd, 0)
	def(0xf6, p66, psadbw, 0)
	defRM(0x77, pNone, emms, emms, 0)

	initMMX()
	initSSE3()
	initSSSE3()
	initSSE41()
	initSSE42()
	initAES()
}

// Bind returns the handler for a vector or x87 instruction, or nil when
// the opcode is not one this package implements (the caller raises #UD).
// It may set in.Aux.
func Bind(in *x86.Inst) x86.Handler {
	if in.Pfx&x86.PfxVex != 0 {
		return nil
	}
	switch in.Map() {
	case x86.Map1:
		if op := in.Opcode(); op >= 0xd8 && op <= 0xdf {
			return bind87(in)
		}
		return nil
	case x86.Map0F:
	case x86.Map0F38:
		return bindTab(in, &tab38)
	case x86.Map0F3A:
		return bindTab(in, &tab3A)
	default:
		return nil
	}
	op := in.Opcode()
	p := mandatory(in)
	switch op {
	case 0x71, 0x72, 0x73:
		return bindShiftImm(in, p)
	case 0xae:
		return bindAE(in, p)
	}
	return bindTab(in, &tab0F)
}

// mandatory returns the mandatory-prefix column: the last of F2/F3 wins
// (the decoder records only that one), then 66.
func mandatory(in *x86.Inst) int {
	switch {
	case in.Pfx&x86.PfxRep != 0:
		return pF3
	case in.Pfx&x86.PfxRepne != 0:
		return pF2
	case in.Pfx&x86.PfxOpsize != 0:
		return p66
	}
	return pNone
}

// bindTab finds in's entry in one opcode map's table and sets in.Aux.
func bindTab(in *x86.Inst, t *[256][4]entry) x86.Handler {
	e := &t[in.Opcode()][mandatory(in)]
	in.Aux = e.aux
	if in.Mod == 3 {
		return e.reg
	}
	return e.mem
}

// bindShiftImm binds the 66 0F 71-73 shift-by-immediate groups.
func bindShiftImm(in *x86.Inst, p int) x86.Handler {
	if p != p66 && p != pNone || in.Mod != 3 {
		return nil
	}
	size := uint8(2) << (in.Opcode() - 0x71)
	if p == pNone { // MMX: no whole-register byte shifts
		switch d := in.Reg & 7; {
		case d == 2 || d == 6 || d == 4 && size != 8:
			in.Aux = size | [8]uint8{2: shRL, 4: shRA, 6: shLL}[d]<<4
			return mmxShiftImm
		}
		return nil
	}
	switch in.Reg & 7 {
	case 2:
		in.Aux = size | shRL<<4
	case 4:
		if size == 8 {
			return nil
		}
		in.Aux = size | shRA<<4
	case 6:
		in.Aux = size | shLL<<4
	case 3:
		if size == 8 {
			return psrldq
		}
		return nil
	case 7:
		if size == 8 {
			return pslldq
		}
		return nil
	default:
		return nil
	}
	return pshiftI
}

// bindAE binds the state instructions of 0F AE; the fences (register
// forms) belong to the integer interpreter.
func bindAE(in *x86.Inst, p int) x86.Handler {
	if in.Mod == 3 || p == pF3 || p == pF2 {
		return nil
	}
	switch in.Reg & 7 {
	case 0:
		return fxsave
	case 1:
		return fxrstor
	case 2:
		return ldmxcsr
	case 3:
		return stmxcsr
	}
	return nil
}

package interp

import (
	"github.com/blink-go/blink/core/vec"
	"github.com/blink-go/blink/core/x86"
)

// sizeIndex maps an operand size in bytes to the last index of the
// handler tables: 1, 2, 4, 8 -> 0, 1, 2, 3.
func sizeIndex(sz uint8) int {
	switch sz {
	case 2:
		return 1
	case 4:
		return 2
	case 8:
		return 3
	}
	return 0
}

// Bind sets in.Exec to the handler for in, chosen once from the opcode,
// the operand size and the register/memory form. Opcodes nobody implements
// get a handler that raises #UD.
func Bind(in *x86.Inst) {
	h := bind(in)
	if h == nil {
		h = ud
	}
	in.Exec = h
}

func bind(in *x86.Inst) x86.Handler {
	op := in.Opcode()
	switch in.Map() {
	case x86.Map1:
		return bind1(in, op)
	case x86.Map0F:
		return bind0F(in, op)
	case x86.Map0F38:
		if h := bind0F38(in, op); h != nil {
			return h
		}
	case x86.Map0F3A:
		if in.Pfx&x86.PfxVex != 0 && op == 0xF0 && in.Pfx&x86.PfxRepne != 0 && in.VexL == 0 {
			return bmiTab[bmiRorx][bi(in.OpSize == 8)]
		}
	}
	return vec.Bind(in)
}

func bind1(in *x86.Inst, op uint8) x86.Handler {
	byteOp := op&1 == 0
	sz := sizeIndex(in.OpSize)
	bsz := sz
	if byteOp {
		bsz = 0
	}
	mem := in.Mod != 3
	lock := in.Pfx&x86.PfxLock != 0
	if lock && !lockable1(in, op) {
		return ud
	}
	switch {
	case op < 0x40 && op&7 < 6:
		alu := int(op >> 3)
		switch op & 7 {
		case 0, 1:
			return bindBin(in, alu, binEGr, bsz)
		case 2, 3:
			return bindBin(in, alu, binGEr, bsz)
		default:
			return binTab[alu][binAI][bsz]
		}
	case op >= 0x50 && op <= 0x57:
		return pushRTab[sz]
	case op >= 0x58 && op <= 0x5F:
		return popRTab[sz]
	case op >= 0x70 && op <= 0x7F:
		return jccTab[op&15]
	case op >= 0x91 && op <= 0x97, op == 0x90 && in.RM != 0:
		return [4]x86.Handler{nil, xchgA[uint16], xchgA[uint32], xchgA[uint64]}[sz]
	case op >= 0xB0 && op <= 0xB7:
		return movTab[4][0]
	case op >= 0xB8 && op <= 0xBF:
		return movTab[4][sz]
	case op >= 0xD8 && op <= 0xDF:
		return vec.Bind(in)
	}
	switch op {
	case 0x63: // MOVSXD; without REX.W it is a plain 32-bit (or 16-bit) move
		if in.OpSize == 8 {
			return movxTab[1][2][bi(mem)][3]
		}
		return movTab[2+bi(mem)][sz]
	case 0x68, 0x6A:
		return pushITab[sz]
	case 0x69, 0x6B:
		return imulTab[1][bi(mem)][sz]
	case 0x6C, 0x6D, 0x6E, 0x6F, 0xE4, 0xE5, 0xE6, 0xE7, 0xEC, 0xED, 0xEE, 0xEF, 0xF4, 0xFA, 0xFB:
		return gp // port I/O, HLT, CLI, STI: privileged at CPL 3 with IOPL 0
	case 0x80, 0x81, 0x83:
		b := sz
		if op == 0x80 {
			b = 0
		}
		return bindBin(in, int(in.Reg&7), binEIr, b)
	case 0x84, 0x85:
		return bindBin(in, opTest, binEGr, bsz)
	case 0x86, 0x87:
		if mem {
			return [4]x86.Handler{xchgM[uint8], xchgM[uint16], xchgM[uint32], xchgM[uint64]}[bsz]
		}
		return [4]x86.Handler{xchgR[uint8], xchgR[uint16], xchgR[uint32], xchgR[uint64]}[bsz]
	case 0x88, 0x89:
		return movTab[bi(mem)][bsz]
	case 0x8A, 0x8B:
		return movTab[2+bi(mem)][bsz]
	case 0x8C:
		return movFromSreg
	case 0x8D:
		if !mem {
			return ud
		}
		return [4]x86.Handler{nil, lea[uint16], lea[uint32], lea[uint64]}[sz]
	case 0x8F:
		if in.Reg&7 != 0 {
			return ud // XOP prefix on AMD; nothing on Intel
		}
		if mem {
			return popMTab[sz]
		}
		return popRTab[sz] // RM names the register, as for 58+r
	case 0x90:
		return nop // also F3 90 PAUSE: nothing to wait for
	case 0x98:
		return [4]x86.Handler{nil, cbw, cwde, cdqe}[sz]
	case 0x99:
		return [4]x86.Handler{nil, cwd, cdq, cqo}[sz]
	case 0x9B: // FWAIT: delivers a pending unmasked x87 exception (#MF)
		return vec.FWait
	case 0x9C:
		if in.OpSize == 2 {
			return pushf16
		}
		return pushf
	case 0x9D:
		if in.OpSize == 2 {
			return popf16
		}
		return popf
	case 0x9E:
		return sahf
	case 0x9F:
		return lahf
	case 0xA0, 0xA1:
		return [4]x86.Handler{movALm[uint8], movALm[uint16], movALm[uint32], movALm[uint64]}[bsz]
	case 0xA2, 0xA3:
		return [4]x86.Handler{movMAL[uint8], movMAL[uint16], movMAL[uint32], movMAL[uint64]}[bsz]
	case 0xA4, 0xA5, 0xA6, 0xA7, 0xAA, 0xAB, 0xAC, 0xAD, 0xAE, 0xAF:
		return bindString(in, op, bsz)
	case 0xA8, 0xA9:
		return binTab[opTest][binAI][bsz]
	case 0xC0, 0xC1, 0xD0, 0xD1, 0xD2, 0xD3:
		form := 0 // register, count in CL
		if op < 0xD2 {
			form = 1
			in.Aux = 1
			if op < 0xD0 {
				in.Aux = uint8(in.Imm)
			}
		}
		if mem {
			form += 2
		}
		return shTab[in.Reg&7][form][bsz]
	case 0xC2:
		return retImm
	case 0xC3:
		return ret
	case 0xC6, 0xC7:
		if in.Reg&7 != 0 {
			return ud // XABORT/XBEGIN: no TSX
		}
		return movTab[4+bi(mem)][bsz]
	case 0xC8:
		if in.OpSize == 2 {
			return ud // 16-bit ENTER: not implemented
		}
		return enter
	case 0xC9:
		if in.OpSize == 2 {
			return leave16
		}
		return leave64
	case 0xCC:
		return int3
	case 0xCD:
		return gp // INT n: Linux has no user-callable gates in 64-bit mode
	case 0xE0:
		return loopne
	case 0xE1:
		return loope
	case 0xE2:
		return loop
	case 0xE3:
		return jrcxz
	case 0xE8:
		return callRel
	case 0xE9, 0xEB:
		return jmpRel
	case 0xF1:
		return int1
	case 0xF5:
		return cmc
	case 0xF6, 0xF7:
		switch d := in.Reg & 7; d {
		case 0, 1:
			return bindBin(in, opTest, binEIr, bsz)
		case 2:
			return bindUn(in, opNot, bsz)
		case 3:
			return bindUn(in, opNeg, bsz)
		default:
			return mdTab[d-4][bi(mem)][bsz]
		}
	case 0xF8:
		return clc
	case 0xF9:
		return stc
	case 0xFC:
		return cld
	case 0xFD:
		return std
	case 0xFE:
		if in.Reg&7 < 2 {
			return bindUn(in, int(in.Reg&7), 0)
		}
	case 0xFF:
		switch in.Reg & 7 {
		case 0, 1:
			return bindUn(in, int(in.Reg&7), sz)
		case 2:
			if mem {
				return callM
			}
			return callR
		case 4:
			if mem {
				return jmpM
			}
			return jmpR
		case 6:
			if mem {
				return pushMTab[sz]
			}
			return pushRTab[sz]
		}
	}
	return ud
}

// lockable1 reports whether a LOCK prefix is allowed on a one-byte opcode
// (a memory destination and a read-modify-write operation); otherwise #UD.
func lockable1(in *x86.Inst, op uint8) bool {
	if in.Mod == 3 {
		return false
	}
	switch {
	case op < 0x40 && op&7 < 2:
		return op>>3 != opCmp
	case op == 0x80 || op == 0x81 || op == 0x83:
		return in.Reg&7 != opCmp
	case op == 0x86 || op == 0x87:
		return true
	case op == 0xF6 || op == 0xF7:
		return in.Reg&7 == 2 || in.Reg&7 == 3
	case op == 0xFE || op == 0xFF:
		return in.Reg&7 < 2
	}
	return false
}

func bindString(in *x86.Inst, op uint8, bsz int) x86.Handler {
	k := int(op-0xA4) / 2 // movs, cmps, (A8: TEST), stos, lods, scas
	if k >= 3 {
		k--
	}
	rep := in.Pfx&(x86.PfxRep|x86.PfxRepne) != 0
	if in.Pfx&x86.PfxRepne != 0 {
		in.Aux = 1
	}
	return strTab[k][bi(rep)][bsz]
}

func bind0F(in *x86.Inst, op uint8) x86.Handler {
	sz := sizeIndex(in.OpSize)
	mem := in.Mod != 3
	lock := in.Pfx&x86.PfxLock != 0
	if lock && !lockable0F(in, op) {
		return ud
	}
	switch {
	case op >= 0x40 && op <= 0x4F:
		in.Aux = op & 15
		return cmovTab[bi(mem)][sz]
	case op >= 0x80 && op <= 0x8F:
		return jccTab[op&15]
	case op >= 0x90 && op <= 0x9F:
		in.Aux = op & 15
		if mem {
			return setccM
		}
		return setccR
	case op >= 0xC8 && op <= 0xCF:
		return [4]x86.Handler{nil, bswap16, bswap32, bswap64}[sz]
	case op >= 0x19 && op <= 0x1F, op == 0x18 && mem, op == 0x0D && mem:
		return nop // hint NOPs, ENDBR64, prefetches
	}
	switch op {
	case 0x01:
		if mem {
			return ud // SGDT & co.: not exposed (Linux enables UMIP where it can)
		}
		switch {
		case in.Reg&7 == 2 && in.RM&7 == 0:
			return xgetbv
		case in.Reg&7 == 7 && in.RM&7 == 1:
			return rdtscp
		}
		return ud
	case 0x05:
		return syscallInsn
	case 0x0B, 0xB9:
		return ud // UD2, UD1
	case 0x31:
		return rdtsc
	case 0xA2:
		return cpuidInsn
	case 0xA3, 0xAB, 0xB3, 0xBB:
		in.Aux = [4]uint8{btTest, btSet, btReset, btComp}[op>>3&3]
		return btTab[2*bi(mem)][sz]
	case 0xBA:
		if in.Reg&7 < 4 {
			return ud
		}
		in.Aux = in.Reg & 3
		return btTab[1+2*bi(mem)][sz]
	case 0xA4, 0xA5, 0xAC, 0xAD:
		form := 0 // CL
		if op&1 == 0 {
			form = 1
			in.Aux = uint8(in.Imm)
		}
		if mem {
			form += 2
		}
		return shdTab[bi(op >= 0xAC)][form][sz]
	case 0xAE:
		if !mem && in.Reg&7 >= 5 && in.Pfx&(x86.PfxRep|x86.PfxRepne|x86.PfxOpsize) == 0 {
			return fence // LFENCE, MFENCE, SFENCE
		}
		if !mem && in.Pfx&x86.PfxRep != 0 && in.Reg&7 < 4 {
			return ud // RDFSBASE & co.: FSGSBASE not advertised
		}
	case 0xAF:
		return imulTab[0][bi(mem)][sz]
	case 0xB0, 0xB1:
		bsz := sz
		if op == 0xB0 {
			bsz = 0
		}
		if mem {
			return [4]x86.Handler{cmpxchgM[uint8], cmpxchgM[uint16], cmpxchgM[uint32], cmpxchgM[uint64]}[bsz]
		}
		return [4]x86.Handler{cmpxchgR[uint8], cmpxchgR[uint16], cmpxchgR[uint32], cmpxchgR[uint64]}[bsz]
	case 0xB6, 0xB7, 0xBE, 0xBF:
		return movxTab[bi(op >= 0xBE)][op&1][bi(mem)][sz]
	case 0xB8:
		if in.Pfx&x86.PfxRep != 0 {
			return cntTab[4][sz]
		}
		return ud // JMPE
	case 0xBC, 0xBD:
		k := int(op - 0xBC)
		if in.Pfx&x86.PfxRep != 0 {
			k += 2
		}
		return cntTab[k][sz]
	case 0xC0, 0xC1:
		bsz := sz
		if op == 0xC0 {
			bsz = 0
		}
		switch {
		case !mem:
			return [4]x86.Handler{xaddR[uint8], xaddR[uint16], xaddR[uint32], xaddR[uint64]}[bsz]
		case lock:
			return [4]x86.Handler{xaddL[uint8], xaddL[uint16], xaddL[uint32], xaddL[uint64]}[bsz]
		}
		return [4]x86.Handler{xaddM[uint8], xaddM[uint16], xaddM[uint32], xaddM[uint64]}[bsz]
	case 0xC3: // MOVNTI: an ordinary store; the non-temporal hint is moot
		if mem && in.OpSize >= 4 {
			return movTab[1][sz]
		}
		return ud
	case 0xC7:
		switch d := in.Reg & 7; {
		case d == 1 && mem:
			if in.OpSize == 8 {
				return cmpxchg16b
			}
			return cmpxchg8b
		case (d == 6 || d == 7) && !mem && in.Pfx&(x86.PfxRep|x86.PfxRepne) == 0:
			return rdrandTab[sz] // RDRAND, RDSEED
		}
		return ud
	}
	return vec.Bind(in)
}

func lockable0F(in *x86.Inst, op uint8) bool {
	if in.Mod == 3 {
		return false
	}
	switch op {
	case 0xAB, 0xB3, 0xBB, 0xB0, 0xB1, 0xC0, 0xC1:
		return true
	case 0xBA:
		return in.Reg&7 > 4
	case 0xC7:
		return in.Reg&7 == 1
	}
	return false
}

func bind0F38(in *x86.Inst, op uint8) x86.Handler {
	w := bi(in.OpSize == 8)
	if in.Pfx&x86.PfxVex == 0 {
		switch {
		case (op == 0xF0 || op == 0xF1) && in.Pfx&(x86.PfxRepne|x86.PfxRep) == 0:
			if in.Mod == 3 {
				return ud
			}
			sz := sizeIndex(in.OpSize)
			if op == 0xF0 {
				return [4]x86.Handler{nil, movbeGM[uint16], movbeGM[uint32], movbeGM[uint64]}[sz]
			}
			return [4]x86.Handler{nil, movbeMG[uint16], movbeMG[uint32], movbeMG[uint64]}[sz]
		case op == 0xF6 && in.Pfx&x86.PfxOpsize != 0 && in.Pfx&(x86.PfxRep|x86.PfxRepne) == 0:
			return bmiTab[bmiAdcx][w]
		case op == 0xF6 && in.Pfx&x86.PfxRep != 0:
			return bmiTab[bmiAdox][w]
		}
		return nil
	}
	if in.VexL != 0 || op < 0xF2 {
		return nil
	}
	p66, pF3, pF2 := in.Pfx&x86.PfxOpsize != 0, in.Pfx&x86.PfxRep != 0, in.Pfx&x86.PfxRepne != 0
	none := !p66 && !pF3 && !pF2
	switch op {
	case 0xF2:
		if none {
			return bmiTab[bmiAndn][w]
		}
	case 0xF3:
		if d := in.Reg & 7; none && d >= 1 && d <= 3 {
			return bmiTab[bmiBlsr+int(d)-1][w]
		}
	case 0xF5:
		switch {
		case none:
			return bmiTab[bmiBzhi][w]
		case pF3:
			return bmiTab[bmiPext][w]
		case pF2:
			return bmiTab[bmiPdep][w]
		}
	case 0xF6:
		if pF2 {
			return bmiTab[bmiMulx][w]
		}
	case 0xF7:
		switch {
		case none:
			return bmiTab[bmiBextr][w]
		case p66:
			return bmiTab[bmiShlx][w]
		case pF3:
			return bmiTab[bmiSarx][w]
		case pF2:
			return bmiTab[bmiShrx][w]
		}
	}
	return ud
}

// bi is 1 for true: a table index from a condition.
func bi(b bool) int {
	if b {
		return 1
	}
	return 0
}

package interp

//go:generate go run genfast.go

import (
	"math/bits"

	"github.com/blink-go/blink/core/x86"
)

// Block-level binding. Bind chooses a handler per instruction; Optimize
// then looks at a whole decoded block and, where it can prove it safe:
//
//   - swaps in concrete handlers for the hottest register and simple memory
//     forms (a generic handler used as a func value runs through a wrapper
//     that passes the shape dictionary: one extra call per instruction);
//   - drops flag updates nobody can observe: a backward liveness pass over
//     the six status flags, where the block's end, every instruction that
//     may fault and every instruction not known to the pass count as reading
//     all flags, so a signal handler never sees a difference;
//   - fuses a final register CMP or TEST with the Jcc after it into one
//     instruction (Len covers both; Disp holds the branch displacement);
//   - turns RIP-relative operands into absolute ones (the block's address
//     is known), so EA needs no RIP.
//
// Optimize never changes what a block computes; TestOptimizeMatches runs
// blocks both ways and compares.

// Flag sets for the liveness pass.
const (
	flAll  = x86.FlagsArith
	flNoCF = flAll &^ x86.FlagCF
)

// Fast ALU operation indexes (fastALU's first dimension).
const (
	fastAdd = iota
	fastOr
	fastAnd
	fastSub
	fastXor
	fastCmp
	fastTest
)

// group1Fast maps a group-1 /digit (ADD OR ADC SBB AND SUB XOR CMP) to a
// fast ALU operation, or -1 for ADC and SBB (they read CF).
var group1Fast = [8]int{fastAdd, fastOr, -1, -1, fastAnd, fastSub, fastXor, fastCmp}

// Optimize rebinds the decoded block insts, which starts at guest address
// addr, and returns the (possibly shorter) block. Every instruction must
// already be bound.
func Optimize(insts []x86.Inst, addr uint64) []x86.Inst {
	a := addr
	for i := range insts {
		in := &insts[i]
		a += uint64(in.Len)
		if in.Len == 0 {
			continue // a trap standing in for an undecodable instruction
		}
		if in.Mod != 3 && in.Base == x86.RegRIP && in.Pfx&x86.PfxModRM != 0 {
			in.Base = x86.RegNone
			in.Disp += int64(a)
		}
		if h := fastHandler(in); h != nil {
			in.Exec = h
		}
	}
	live := uint64(flAll)
	for i := len(insts) - 1; i >= 0; i-- {
		in := &insts[i]
		def, use := flagEffect(in)
		if in.Len == 0 {
			def, use = 0, flAll
		}
		if def != 0 && def&live == 0 {
			if h := noFlags(in); h != nil {
				in.Exec = h
			}
		}
		live = live&^def | use
	}
	if n := len(insts); n >= 2 {
		if fuse(&insts[n-2], &insts[n-1]) {
			insts = insts[:n-1]
		}
	}
	return insts
}

// w reports whether a 32- or 64-bit form has a fast handler (0 or 1), or -1.
func w(in *x86.Inst) int {
	switch in.OpSize {
	case 4:
		return 0
	case 8:
		return 1
	}
	return -1
}

// aluForm classifies a register-form ALU instruction: fast op, form
// (0 EG, 1 GE, 2 EI) and width, with ok false for anything else.
func aluForm(in *x86.Inst) (op, form, wd int, ok bool) {
	if in.Pfx&(x86.PfxLock|x86.PfxVex) != 0 || in.Map() != x86.Map1 {
		return
	}
	wd = w(in)
	if wd < 0 {
		return
	}
	o := in.Opcode()
	switch {
	case o < 0x40 && o&7 < 6 && o&1 == 1:
		op = group1Fast[o>>3]
		switch o & 7 {
		case 1:
			form = 0
		case 3:
			form = 1
		case 5:
			form = 2 // rAX, imm: RM is forced to 0 by the caller
		}
		if o&7 != 5 && in.Mod != 3 {
			return
		}
	case o == 0x81 || o == 0x83:
		if in.Mod != 3 {
			return
		}
		op, form = group1Fast[in.Reg&7], 2
	case o == 0x85:
		if in.Mod != 3 {
			return
		}
		op, form = fastTest, 0
	case o == 0xA9:
		op, form = fastTest, 2
	case o == 0xF7 && in.Reg&7 < 2:
		if in.Mod != 3 {
			return
		}
		op, form = fastTest, 2
	default:
		return
	}
	return op, form, wd, op >= 0
}

// fastHandler returns a concrete handler equivalent to in.Exec, or nil.
func fastHandler(in *x86.Inst) x86.Handler {
	if in.Pfx&(x86.PfxLock|x86.PfxVex) != 0 {
		return nil
	}
	if op, form, wd, ok := aluForm(in); ok {
		if o := in.Opcode(); o == 0xA9 || o < 0x40 && o&7 == 5 {
			in.RM = x86.RAX
		}
		return fastALU[op][form][wd]
	}
	wd := w(in)
	if wd < 0 {
		return nil
	}
	simple := in.Mod != 3 && in.Index == x86.RegNone && in.Base < 16 &&
		in.AddrSize == 8 && in.Seg != x86.SegFS && in.Seg != x86.SegGS
	switch in.Map() {
	case x86.Map1:
		switch o := in.Opcode(); {
		case o == 0x89 && in.Mod == 3:
			return [2]x86.Handler{movEG32, movEG64}[wd]
		case o == 0x8B && in.Mod == 3:
			return [2]x86.Handler{movGE32, movGE64}[wd]
		case o == 0x8B && simple:
			return [2]x86.Handler{loadBD32, loadBD64}[wd]
		case o == 0x89 && simple:
			return [2]x86.Handler{storeBD32, storeBD64}[wd]
		case o == 0x8D && in.Mod != 3 && in.AddrSize == 8 && in.Base < 16:
			if in.Index == x86.RegNone {
				return [2]x86.Handler{leaBD32, leaBD64}[wd]
			}
			return [2]x86.Handler{leaBIS32, leaBIS64}[wd]
		case (o == 0xC1 || o == 0xD1) && in.Mod == 3:
			if h := shiftImm(in, false); h != nil {
				return h
			}
		case o == 0xF7 && in.Reg&7 == 2 && in.Mod == 3:
			return [2]x86.Handler{not32, not64}[wd]
		case o == 0xFF && in.Reg&7 < 2 && in.Mod == 3:
			return incdecTab[in.Reg&1][wd][0]
		}
	case x86.Map0F:
		if in.Opcode() == 0xAF && in.Mod == 3 {
			return [2]x86.Handler{imulGE32, imulGE64}[wd]
		}
	}
	return nil
}

// noFlags returns a handler for in that skips the flag update, or nil.
func noFlags(in *x86.Inst) x86.Handler {
	if in.Pfx&(x86.PfxLock|x86.PfxVex) != 0 {
		return nil
	}
	if op, form, wd, ok := aluForm(in); ok {
		if h := fastALUnf[op][form][wd]; h != nil {
			return h
		}
		return nop // CMP or TEST whose flags nobody reads
	}
	wd := w(in)
	if wd < 0 || in.Mod != 3 {
		return nil
	}
	switch in.Map() {
	case x86.Map1:
		switch o := in.Opcode(); {
		case o == 0xC1 || o == 0xD1:
			return shiftImm(in, true)
		case o == 0xFF && in.Reg&7 < 2:
			return incdecTab[in.Reg&1][wd][1]
		}
	case x86.Map0F:
		if in.Opcode() == 0xAF {
			return [2]x86.Handler{imulGE32nf, imulGE64nf}[wd]
		}
	}
	return nil
}

// shiftCount is the masked count of a shift or rotate by an immediate.
func shiftCount(in *x86.Inst) uint8 {
	n := uint8(1)
	if in.Opcode() == 0xC0 || in.Opcode() == 0xC1 {
		n = uint8(in.Imm)
	}
	if in.OpSize == 8 && in.Opcode()&1 == 1 {
		return n & 63
	}
	return n & 31
}

func shiftImm(in *x86.Inst, nf bool) x86.Handler {
	wd := w(in)
	if shiftCount(in) == 0 {
		return nil // changes nothing; the generic handler knows
	}
	in.Aux = shiftCount(in)
	switch in.Reg & 7 {
	case 0:
		if nf {
			return [2]x86.Handler{rol32nf, rol64nf}[wd]
		}
	case 1:
		if nf {
			return [2]x86.Handler{ror32nf, ror64nf}[wd]
		}
	case 4, 6:
		return [2][2]x86.Handler{{shl32, shl64}, {shl32nf, shl64nf}}[bi(nf)][wd]
	case 5:
		return [2][2]x86.Handler{{shr32, shr64}, {shr32nf, shr64nf}}[bi(nf)][wd]
	case 7:
		return [2][2]x86.Handler{{sar32, sar64}, {sar32nf, sar64nf}}[bi(nf)][wd]
	}
	return nil
}

// flagEffect returns the status flags in certainly writes (def) and those
// it may read (use). Anything that can fault reads all of them: a signal
// handler would see them.
func flagEffect(in *x86.Inst) (def, use uint64) {
	const all = flAll
	if in.Pfx&(x86.PfxLock|x86.PfxVex) != 0 {
		return 0, all
	}
	reg := in.Mod == 3
	o := in.Opcode()
	switch in.Map() {
	case x86.Map1:
		switch {
		case o < 0x40 && o&7 < 6:
			u := uint64(0)
			if k := o >> 3; k == 2 || k == 3 {
				u = x86.FlagCF
			}
			if o&7 >= 4 || reg {
				return all, u
			}
		case o == 0x80 || o == 0x81 || o == 0x83:
			if reg {
				u := uint64(0)
				if k := in.Reg & 7; k == 2 || k == 3 {
					u = x86.FlagCF
				}
				return all, u
			}
		case o == 0x84 || o == 0x85:
			if reg {
				return all, 0
			}
		case o == 0xA8 || o == 0xA9:
			return all, 0
		case o >= 0x88 && o <= 0x8B:
			if reg {
				return 0, 0
			}
		case o == 0x8D:
			if !reg {
				return 0, 0
			}
		case o >= 0xB0 && o <= 0xBF, o >= 0x90 && o <= 0x99:
			return 0, 0
		case o == 0xC6 || o == 0xC7:
			if reg && in.Reg&7 == 0 {
				return 0, 0
			}
		case o == 0x63:
			if reg {
				return 0, 0
			}
		case o == 0x69 || o == 0x6B:
			if reg {
				return all, 0
			}
		case o == 0xF6 || o == 0xF7:
			if reg {
				switch in.Reg & 7 {
				case 0, 1, 3: // TEST, NEG
					return all, 0
				case 2: // NOT
					return 0, 0
				}
			}
		case o == 0xFE || o == 0xFF:
			if reg && in.Reg&7 < 2 {
				return flNoCF, 0
			}
		case o == 0xC0 || o == 0xC1 || o == 0xD0 || o == 0xD1:
			if reg {
				n := shiftCount(in)
				switch d := in.Reg & 7; {
				case n == 0:
					return 0, 0
				case d == 0 || d == 1: // ROL, ROR: OF too only for a count of 1
					if n == 1 {
						return x86.FlagCF | x86.FlagOF, 0
					}
					return x86.FlagCF, 0
				case d >= 4:
					return all, 0
				}
			}
		case o == 0xD2 || o == 0xD3:
			if reg && in.Reg&7 >= 4 {
				return 0, 0 // a count of 0 leaves every flag alone
			}
		}
	case x86.Map0F:
		switch {
		case o == 0xAF:
			if reg {
				return all, 0
			}
		case o == 0xB6 || o == 0xB7 || o == 0xBE || o == 0xBF:
			if reg {
				return 0, 0
			}
		case o >= 0xC8 && o <= 0xCF, o == 0x1F:
			return 0, 0
		}
	}
	return 0, all
}

// fuse turns a register CMP or TEST (32/64-bit) followed by Jcc into one
// instruction. It reports whether it did.
func fuse(c, j *x86.Inst) bool {
	var cc uint8
	switch {
	case j.Map() == x86.Map1 && j.Opcode() >= 0x70 && j.Opcode() <= 0x7F:
	case j.Map() == x86.Map0F && j.Opcode() >= 0x80 && j.Opcode() <= 0x8F:
	default:
		return false
	}
	cc = j.Opcode() & 15
	op, form, wd, ok := aluForm(c)
	if !ok || op < fastCmp || int(c.Len)+int(j.Len) > 255 {
		return false
	}
	if o := c.Opcode(); o == 0xA9 || o == 0x3D {
		c.RM = x86.RAX
	}
	if form == 1 { // CMP Gv,Ev: a is the reg operand
		c.Reg, c.RM = c.RM, c.Reg
		form = 0
	}
	c.Exec = fusedTab[op-fastCmp][form/2][wd][cc]
	c.Disp = j.Imm
	c.Len += j.Len
	return true
}

// Concrete register and simple-memory handlers.

func movEG32(m *x86.Machine, in *x86.Inst) { m.R[in.RM&15] = uint64(uint32(m.R[in.Reg&15])) }
func movEG64(m *x86.Machine, in *x86.Inst) { m.R[in.RM&15] = m.R[in.Reg&15] }
func movGE32(m *x86.Machine, in *x86.Inst) { m.R[in.Reg&15] = uint64(uint32(m.R[in.RM&15])) }
func movGE64(m *x86.Machine, in *x86.Inst) { m.R[in.Reg&15] = m.R[in.RM&15] }

// BD: [base + disp], 64-bit addressing, no FS/GS.
func loadBD32(m *x86.Machine, in *x86.Inst) {
	m.R[in.Reg&15] = uint64(m.Mem.Read32(m.R[in.Base&15] + uint64(in.Disp)))
}
func loadBD64(m *x86.Machine, in *x86.Inst) {
	m.R[in.Reg&15] = m.Mem.Read64(m.R[in.Base&15] + uint64(in.Disp))
}
func storeBD32(m *x86.Machine, in *x86.Inst) {
	m.Mem.Write32(m.R[in.Base&15]+uint64(in.Disp), uint32(m.R[in.Reg&15]))
}
func storeBD64(m *x86.Machine, in *x86.Inst) {
	m.Mem.Write64(m.R[in.Base&15]+uint64(in.Disp), m.R[in.Reg&15])
}

func leaBD32(m *x86.Machine, in *x86.Inst) {
	m.R[in.Reg&15] = uint64(uint32(m.R[in.Base&15] + uint64(in.Disp)))
}
func leaBD64(m *x86.Machine, in *x86.Inst) { m.R[in.Reg&15] = m.R[in.Base&15] + uint64(in.Disp) }
func leaBIS32(m *x86.Machine, in *x86.Inst) {
	m.R[in.Reg&15] = uint64(uint32(m.R[in.Base&15] + m.R[in.Index&15]<<(in.Scale&3) + uint64(in.Disp)))
}
func leaBIS64(m *x86.Machine, in *x86.Inst) {
	m.R[in.Reg&15] = m.R[in.Base&15] + m.R[in.Index&15]<<(in.Scale&3) + uint64(in.Disp)
}

func not32(m *x86.Machine, in *x86.Inst) { m.R[in.RM&15] = uint64(^uint32(m.R[in.RM&15])) }
func not64(m *x86.Machine, in *x86.Inst) { m.R[in.RM&15] = ^m.R[in.RM&15] }

// incdecTab[dec][w][nf]. INC and DEC keep CF, so it goes into Bits.
var incdecTab = [2][2][2]x86.Handler{
	{{inc32, inc32nf}, {inc64, inc64nf}},
	{{dec32, dec32nf}, {dec64, dec64nf}},
}

func keepCF(f *x86.Flags) {
	if f.CF() {
		f.Bits |= x86.FlagCF
	} else {
		f.Bits &^= x86.FlagCF
	}
}

func inc32(m *x86.Machine, in *x86.Inst) {
	a := uint32(m.R[in.RM&15])
	r := a + 1
	m.R[in.RM&15] = uint64(r)
	keepCF(&m.Fl)
	m.Fl.Set(x86.LazyInc, 4, uint64(a), 1, uint64(r), 0)
}
func inc64(m *x86.Machine, in *x86.Inst) {
	a := m.R[in.RM&15]
	r := a + 1
	m.R[in.RM&15] = r
	keepCF(&m.Fl)
	m.Fl.Set(x86.LazyInc, 8, a, 1, r, 0)
}
func dec32(m *x86.Machine, in *x86.Inst) {
	a := uint32(m.R[in.RM&15])
	r := a - 1
	m.R[in.RM&15] = uint64(r)
	keepCF(&m.Fl)
	m.Fl.Set(x86.LazyDec, 4, uint64(a), 1, uint64(r), 0)
}
func dec64(m *x86.Machine, in *x86.Inst) {
	a := m.R[in.RM&15]
	r := a - 1
	m.R[in.RM&15] = r
	keepCF(&m.Fl)
	m.Fl.Set(x86.LazyDec, 8, a, 1, r, 0)
}
func inc32nf(m *x86.Machine, in *x86.Inst) { m.R[in.RM&15] = uint64(uint32(m.R[in.RM&15]) + 1) }
func inc64nf(m *x86.Machine, in *x86.Inst) { m.R[in.RM&15]++ }
func dec32nf(m *x86.Machine, in *x86.Inst) { m.R[in.RM&15] = uint64(uint32(m.R[in.RM&15]) - 1) }
func dec64nf(m *x86.Machine, in *x86.Inst) { m.R[in.RM&15]-- }

// Shifts by an immediate count, already masked and non-zero, in Aux.
func shl32(m *x86.Machine, in *x86.Inst) {
	setReg(m, in.RM, in.Rex, shl(&m.Fl, uint32(m.R[in.RM&15]), in.Aux, true))
}
func shl64(m *x86.Machine, in *x86.Inst) {
	m.R[in.RM&15] = shl(&m.Fl, m.R[in.RM&15], in.Aux, true)
}
func shr32(m *x86.Machine, in *x86.Inst) {
	setReg(m, in.RM, in.Rex, shr(&m.Fl, uint32(m.R[in.RM&15]), in.Aux, true))
}
func shr64(m *x86.Machine, in *x86.Inst) {
	m.R[in.RM&15] = shr(&m.Fl, m.R[in.RM&15], in.Aux, true)
}
func sar32(m *x86.Machine, in *x86.Inst) {
	setReg(m, in.RM, in.Rex, sar(&m.Fl, uint32(m.R[in.RM&15]), in.Aux, true))
}
func sar64(m *x86.Machine, in *x86.Inst) {
	m.R[in.RM&15] = sar(&m.Fl, m.R[in.RM&15], in.Aux, true)
}
func shl32nf(m *x86.Machine, in *x86.Inst) { m.R[in.RM&15] = uint64(uint32(m.R[in.RM&15]) << in.Aux) }
func shl64nf(m *x86.Machine, in *x86.Inst) { m.R[in.RM&15] <<= in.Aux }
func shr32nf(m *x86.Machine, in *x86.Inst) { m.R[in.RM&15] = uint64(uint32(m.R[in.RM&15]) >> in.Aux) }
func shr64nf(m *x86.Machine, in *x86.Inst) { m.R[in.RM&15] >>= in.Aux }
func sar32nf(m *x86.Machine, in *x86.Inst) {
	m.R[in.RM&15] = uint64(uint32(int32(m.R[in.RM&15]) >> in.Aux))
}
func sar64nf(m *x86.Machine, in *x86.Inst) { m.R[in.RM&15] = uint64(int64(m.R[in.RM&15]) >> in.Aux) }
func rol32nf(m *x86.Machine, in *x86.Inst) {
	m.R[in.RM&15] = uint64(bits.RotateLeft32(uint32(m.R[in.RM&15]), int(in.Aux)))
}
func rol64nf(m *x86.Machine, in *x86.Inst) {
	m.R[in.RM&15] = bits.RotateLeft64(m.R[in.RM&15], int(in.Aux))
}
func ror32nf(m *x86.Machine, in *x86.Inst) {
	m.R[in.RM&15] = uint64(bits.RotateLeft32(uint32(m.R[in.RM&15]), -int(in.Aux)))
}
func ror64nf(m *x86.Machine, in *x86.Inst) {
	m.R[in.RM&15] = bits.RotateLeft64(m.R[in.RM&15], -int(in.Aux))
}

func imulGE32(m *x86.Machine, in *x86.Inst) {
	m.R[in.Reg&15] = uint64(imul2(&m.Fl, uint32(m.R[in.Reg&15]), uint32(m.R[in.RM&15])))
}
func imulGE64(m *x86.Machine, in *x86.Inst) {
	m.R[in.Reg&15] = imul2(&m.Fl, m.R[in.Reg&15], m.R[in.RM&15])
}
func imulGE32nf(m *x86.Machine, in *x86.Inst) {
	m.R[in.Reg&15] = uint64(uint32(m.R[in.Reg&15]) * uint32(m.R[in.RM&15]))
}
func imulGE64nf(m *x86.Machine, in *x86.Inst) { m.R[in.Reg&15] *= m.R[in.RM&15] }

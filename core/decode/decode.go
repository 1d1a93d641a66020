// Package decode turns x86-64 machine code into x86.Inst values.
//
// Only 64-bit mode is decoded. The opcode properties (ModRM presence,
// immediate kind, operand-size defaults, validity, LOCK rules, mandatory
// prefixes, VEX forms) are data: opcodes.txt, compiled by `go generate`
// into the flat arrays of tables_gen.go. Decoding one instruction is a
// prefix loop, one or two array lookups and a few switches; it never
// allocates and never calls through an interface.
//
// Validity follows what a Linux user-mode process sees on Intel hardware:
// encodings that are undefined in 64-bit mode, that only exist on AMD
// (3DNow!, XOP, SVM) or that always #UD in user mode outside VMX/SMX/SMM
// (VMREAD, GETSEC, RSM, ...) decode as ErrInvalid. Privileged instructions
// that fault with #GP (LGDT, WRMSR, HLT, ...) and instructions whose
// availability depends on CPUID (XBEGIN, RDPID, ...) decode normally: the
// handler decides.
package decode

import (
	"encoding/binary"
	"errors"

	"github.com/blink-go/blink/core/x86"
)

var (
	// ErrTruncated: b ended before the instruction did (the caller may
	// have hit the end of executable memory: that is a fetch fault).
	ErrTruncated = errors.New("truncated instruction")
	// ErrInvalid: the bytes are not a valid 64-bit mode instruction (#UD).
	ErrInvalid = errors.New("invalid instruction")
)

// maxLen is the architectural instruction length limit; longer
// encodings raise #GP on Intel (we report them as ErrInvalid).
const maxLen = 15

// ud2 is what a failed Decode leaves in *in, so that a caller that only
// looks at the Inst still sees an instruction that ends the block and traps.
var ud2 = x86.Inst{Op: x86.Map0F<<8 | 0x0B, Mod: 3, Base: x86.RegNone, Index: x86.RegNone, OpSize: 4, AddrSize: 8}

// Decode decodes one instruction from b, which holds up to 15 bytes.
// Every field of *in is rewritten. On error *in describes a UD2 with
// Len 0, so EndsBlock(in) is true.
func Decode(in *x86.Inst, b []byte) error {
	if err := decode(in, b); err != nil {
		*in = ud2
		return err
	}
	return nil
}

// Length returns the length of the instruction at the start of b.
func Length(b []byte) (int, error) {
	var in x86.Inst
	if err := decode(&in, b); err != nil {
		return 0, err
	}
	return int(in.Len), nil
}

// short reports why an instruction needing end bytes does not fit in b:
// past the 15-byte limit it can never be valid, otherwise b was cut short.
func short(end int) error {
	if end > maxLen {
		return ErrInvalid
	}
	return ErrTruncated
}

func decode(in *x86.Inst, b []byte) error {
	*in = x86.Inst{Base: x86.RegNone, Index: x86.RegNone, AddrSize: 8}
	var pfx uint16
	var rex, seg uint8
	i := 0

	// Legacy prefixes in any order and number, each optionally followed by
	// REX; a REX that is not the last byte before the opcode is ignored.
prefixes:
	for {
		if i >= len(b) || i >= maxLen {
			return short(i + 1)
		}
		switch c := b[i]; c {
		case 0x66:
			pfx |= x86.PfxOpsize
		case 0x67:
			pfx |= x86.PfxAddr
		case 0xF0:
			pfx |= x86.PfxLock
		case 0xF2:
			pfx = pfx&^x86.PfxRep | x86.PfxRepne
		case 0xF3:
			pfx = pfx&^x86.PfxRepne | x86.PfxRep
		case 0x26, 0x2E, 0x36, 0x3E:
			// Null prefixes in 64-bit mode (AMD APM vol. 1 §4.5.3): they
			// are recorded only while no FS/GS override is in effect.
			if seg < x86.SegFS {
				seg = [4]uint8{x86.SegES, x86.SegCS, x86.SegSS, x86.SegDS}[c>>3&3]
			}
		case 0x64:
			seg = x86.SegFS
		case 0x65:
			seg = x86.SegGS
		default:
			if c&0xF0 != 0x40 {
				break prefixes
			}
			rex = c
			i++
			continue
		}
		rex = 0
		i++
	}

	op := b[i]
	i++
	m := uint16(x86.Map1)
	vex := false
	var vexL, pp uint8
	switch op {
	case 0x0F:
		if i >= len(b) {
			return short(i + 1)
		}
		op = b[i]
		i++
		m = x86.Map0F
		if op == 0x38 || op == 0x3A {
			m = x86.Map0F38
			if op == 0x3A {
				m = x86.Map0F3A
			}
			if i >= len(b) {
				return short(i + 1)
			}
			op = b[i]
			i++
		}
	case 0xC4, 0xC5:
		// In 64-bit mode C4/C5 are always VEX. A VEX prefix after 66, F2,
		// F3, LOCK or REX is #UD (the mandatory prefix lives in VEX.pp).
		if pfx&(x86.PfxOpsize|x86.PfxRep|x86.PfxRepne|x86.PfxLock) != 0 || rex != 0 {
			return ErrInvalid
		}
		vex = true
		var r, x, bb, w, vvvv uint8
		if op == 0xC5 {
			if i+2 > len(b) {
				return short(i + 2)
			}
			v := b[i]
			r, x, bb = ^v>>7&1, 0, 0
			vvvv, vexL, pp = ^v>>3&15, v>>2&1, v&3
			m = x86.Map0F
			i++
		} else {
			if i+3 > len(b) {
				return short(i + 3)
			}
			v1, v2 := b[i], b[i+1]
			r, x, bb = ^v1>>7&1, ^v1>>6&1, ^v1>>5&1
			switch v1 & 31 {
			case 1, 2, 3:
				m = uint16(v1 & 31)
			default:
				return ErrInvalid
			}
			w, vvvv, vexL, pp = v2>>7, ^v2>>3&15, v2>>2&1, v2&3
			i += 2
		}
		// The VEX R/X/B/W bits are stored as the REX byte they replace,
		// so that operand decoding and OpSize (BMI GPR forms) need no
		// VEX-specific path. PfxRex stays clear: VEX has no byte registers.
		rex = 0x40 | w<<3 | r<<2 | x<<1 | bb
		pfx |= x86.PfxVex | [4]uint16{0, x86.PfxOpsize, x86.PfxRep, x86.PfxRepne}[pp]
		in.VexV, in.VexL = vvvv, vexL
		op = b[i]
		i++
	}
	if rex != 0 && !vex {
		pfx |= x86.PfxRex
	}

	op16 := m<<8 | uint16(op)
	info := &opTable[op16]
	if info.flags&(fInv|fPfx) != 0 {
		return ErrInvalid
	}

	// The mandatory-prefix key: the last of F2/F3 wins, then 66.
	var key uint8
	if vex {
		key = pp
		if info.vpfx&(1<<key) == 0 || in.VexV != 0 && info.nov&(1<<key) != 0 {
			return ErrInvalid
		}
		if f := info.flags; f&(fVL0|fVL1|fVW0|fVW1) != 0 {
			w := rex >> 3 & 1
			if vexL != 0 && f&fVL0 != 0 || vexL == 0 && f&fVL1 != 0 ||
				w != 0 && f&fVW0 != 0 || w == 0 && f&fVW1 != 0 {
				return ErrInvalid
			}
		}
	} else {
		switch {
		case pfx&x86.PfxRep != 0:
			key = keyF3
		case pfx&x86.PfxRepne != 0:
			key = keyF2
		case pfx&x86.PfxOpsize != 0:
			key = key66
		}
		if info.pfx&(1<<key) == 0 {
			return ErrInvalid
		}
	}

	opsize := uint8(4)
	switch {
	case info.flags&fF64 != 0, rex&8 != 0:
		opsize = 8
	case pfx&x86.PfxOpsize != 0 && !vex:
		opsize = 2
	case info.flags&fD64 != 0:
		opsize = 8
	}
	if pfx&x86.PfxAddr != 0 {
		in.AddrSize = 4
	}

	in.Mod = 3
	if info.flags&fPlusR != 0 {
		in.RM = op&7 | rex&1<<3
	}
	var modrm uint8
	if info.flags&fModRM != 0 {
		if i >= len(b) {
			return short(i + 1)
		}
		modrm = b[i]
		i++
		pfx |= x86.PfxModRM
		mod, reg := modrm>>6, modrm>>3&7
		in.Reg = reg | rex&4<<1
		in.RM = modrm&7 | rex&1<<3
		if info.flags&fModReg != 0 {
			// MOV CR/DR ignore mod: no SIB or displacement follows.
			mod = 3
		}
		in.Mod = mod
		if mod != 3 {
			if info.dmem&(1<<reg) == 0 {
				return ErrInvalid
			}
			if vex && (info.flags&fVSIB != 0 && modrm&7 != 4 ||
				info.flags&fNoVvvvMem != 0 && key >= keyF3 && in.VexV != 0) {
				return ErrInvalid
			}
			dispLen := 0
			switch mod {
			case 1:
				dispLen = 1
			case 2:
				dispLen = 4
			}
			switch rm := modrm & 7; {
			case rm == 4:
				if i >= len(b) {
					return short(i + 1)
				}
				sib := b[i]
				i++
				in.Scale = sib >> 6
				if idx := sib>>3&7 | rex&2<<2; idx != 4 {
					in.Index = idx
				}
				if sib&7 == 5 && mod == 0 {
					dispLen = 4
				} else {
					in.Base = sib&7 | rex&1<<3
				}
			case rm == 5 && mod == 0:
				in.Base = x86.RegRIP
				dispLen = 4
			default:
				in.Base = rm | rex&1<<3
			}
			if i+dispLen > len(b) {
				return short(i + dispLen)
			}
			switch dispLen {
			case 1:
				in.Disp = int64(int8(b[i]))
			case 4:
				in.Disp = int64(int32(binary.LittleEndian.Uint32(b[i:])))
			}
			i += dispLen
		} else {
			if info.dreg&(1<<reg) == 0 {
				return ErrInvalid
			}
			if info.exact&(1<<reg) != 0 && exactValid[info.eidx]&(1<<(modrm&63)) == 0 {
				return ErrInvalid
			}
		}
	}

	// LOCK needs a memory destination and an opcode (and /digit) that
	// Intel lists as lockable; anything else is #UD.
	if pfx&x86.PfxLock != 0 && (in.Mod == 3 || info.lock&(1<<(in.Reg&7)) == 0) {
		return ErrInvalid
	}

	imm := info.imm
	if info.xid != xNone {
		var ok bool
		imm, opsize, ok = special(info.xid, imm, opsize, modrm, key, vex, pfx, rex)
		if !ok {
			return ErrInvalid
		}
	}

	n := 0
	switch imm {
	case immNone:
	case immB, immRel8:
		n = 1
	case immW:
		n = 2
	case immZ:
		n = 4
		if opsize == 2 {
			n = 2
		}
	case immV:
		n = int(opsize)
	case immRel32:
		n = 4
	case immMoffs:
		n = int(in.AddrSize)
	case immEnter:
		n = 3
	case immF6:
		if modrm>>3&7 < 2 {
			n = 1
		}
	case immF7:
		if modrm>>3&7 < 2 {
			n = 4
			if opsize == 2 {
				n = 2
			}
		}
	}
	if i+n > len(b) {
		return short(i + n)
	}
	p := b[i : i+n]
	switch {
	case imm == immMoffs:
		// The absolute address is zero-extended, not sign-extended.
		in.Mod = 0
		if n == 8 {
			in.Disp = int64(binary.LittleEndian.Uint64(p))
		} else {
			in.Disp = int64(binary.LittleEndian.Uint32(p))
		}
	case imm == immEnter:
		in.Imm = int64(int16(binary.LittleEndian.Uint16(p)))
		in.Imm2 = p[2]
	case n == 1:
		in.Imm = int64(int8(p[0]))
	case n == 2:
		in.Imm = int64(int16(binary.LittleEndian.Uint16(p)))
	case n == 4:
		in.Imm = int64(int32(binary.LittleEndian.Uint32(p)))
	case n == 8:
		in.Imm = int64(binary.LittleEndian.Uint64(p))
	}
	i += n
	if i > maxLen {
		return ErrInvalid
	}

	in.Op = op16
	in.Seg = seg // also for string instructions, whose source it overrides
	in.Pfx = pfx
	in.Rex = rex
	in.OpSize = opsize
	in.Len = uint8(i)
	return nil
}

// EndsBlock reports whether in may transfer control or must be seen by the
// engine before the next instruction runs (branches, calls, returns,
// SYSCALL, INT*, HLT, UD2, CPUID and other serialising instructions).
func EndsBlock(in *x86.Inst) bool {
	info := &opTable[in.Op&0x3FF]
	if info.flags&(fEnd|fInv) != 0 {
		return true
	}
	switch in.Op {
	case 0xFF: // CALL/JMP near and far, indirect
		r := in.Reg & 7
		return r >= 2 && r <= 5
	case 0xC7: // XBEGIN
		return in.Mod == 3 && in.Reg&7 == 7
	}
	if info.exact != 0 && in.Mod == 3 {
		modrm := in.Reg&7<<3 | in.RM&7
		return exactEnd[info.eidx]&(1<<modrm) != 0
	}
	return false
}

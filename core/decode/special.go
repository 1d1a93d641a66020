package decode

import "github.com/blink-go/blink/core/x86"

// special applies the rules of the few opcodes whose validity, immediate
// or operand size depends on the /digit, mod and mandatory prefix together,
// which the per-opcode table cannot express. It runs after the ModRM byte
// (and any SIB/displacement) has been read and before the immediate.
func special(xid, imm, opsize, modrm, key uint8, vex bool, pfx uint16, rex uint8) (uint8, uint8, bool) {
	reg, isReg := modrm>>3&7, modrm>>6 == 3
	switch xid {
	case xFF:
		switch reg {
		case 2, 4: // near CALL/JMP: 64-bit on Intel whatever 66 says
			opsize = 8
		case 6: // PUSH: 64-bit default, 66 selects 16
			if rex&8 == 0 && pfx&x86.PfxOpsize != 0 {
				opsize = 2
			} else {
				opsize = 8
			}
		}
	case xAE:
		if vex {
			// VLDMXCSR, VSTMXCSR.
			return imm, opsize, !isReg && (reg == 2 || reg == 3)
		}
		// FXSAVE..CLFLUSH and the fences are NP (66/F2/F3 are #UD); the
		// fences ignore ModRM.rm (SDM LFENCE/MFENCE/SFENCE).
		switch key {
		case keyNone:
			return imm, opsize, !isReg || reg >= 5
		case key66:
			// CLWB, CLFLUSHOPT.
			return imm, opsize, !isReg && reg >= 6
		case keyF3:
			// RDFSBASE RDGSBASE WRFSBASE WRGSBASE.
			return imm, opsize, isReg && reg <= 3
		}
		return imm, opsize, false
	case xC7:
		if !isReg {
			switch reg {
			case 1: // CMPXCHG8B/16B
				return imm, opsize, true
			case 3, 4, 5: // XRSTORS XSAVEC XSAVES
				return imm, opsize, key == keyNone
			}
			return imm, opsize, false // VMX forms
		}
		switch {
		case (reg == 6 || reg == 7) && (key == keyNone || key == key66): // RDRAND RDSEED
			return imm, opsize, true
		case reg == 7 && key == keyF3: // RDPID
			return imm, 8, true
		}
		return imm, opsize, false
	case xC6:
		// C6 F8 ib is XABORT; the other /7 register forms are undefined.
		return imm, opsize, reg == 0 || modrm == 0xF8
	case xC7X:
		// C7 F8 rel16/32 is XBEGIN.
		return imm, opsize, reg == 0 || modrm == 0xF8
	case xMovbe:
		// MOVBE is memory-only; with F2 the opcode is CRC32.
		return imm, opsize, key == keyF2 || !isReg
	case x0F73:
		// PSRLDQ and PSLLDQ exist for XMM registers only.
		return imm, opsize, (reg != 3 && reg != 7) || key == key66
	case x0FD6:
		// MOVQ2DQ and MOVDQ2Q move between registers only.
		return imm, opsize, key == key66 || isReg
	case xMovlp:
		// MOVLPD and MOVHPD have no register form.
		return imm, opsize, key != key66 || !isReg
	}
	return imm, opsize, true
}

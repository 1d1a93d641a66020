package decode

import "fmt"

// allowDiff explains a length or validity disagreement with x86asm, or
// returns "" when the disagreement is a decoder bug. Each rule says which
// reference settles the case; the last rule makes objdump (binutils, in
// Intel64 mode) the tie-breaker for encodings x86asm does not know or
// gets wrong, and labels the case by opcode so the log lists them.
func allowDiff(d *sweepDiff) string {
	// SDM vol. 2 §2.2.1: a REX prefix that does not immediately precede
	// the opcode (or escape) is ignored. x86asm and objdump instead print
	// everything up to it as a separate prefix-only "instruction".
	if s, n := stripIgnoredREX(d.b); n > 0 {
		mine := myLen(s)
		if d.mine >= 0 {
			if mine+n != d.mine {
				return ""
			}
		} else if mine >= 0 {
			return ""
		}
		if mine == asmLen(s) {
			return "REX not immediately before the opcode is ignored (SDM 2.2.1)"
		}
		objs := objdumpOne(s)
		d2 := sweepDiff{b: s, mine: mine, asm: asmLen(s), obj: objs}
		if r := allowDiff(&d2); r != "" {
			return r + " [after dropping an ignored REX]"
		}
		return ""
	}
	if d.mine < 0 && len(d.b) > 0 && d.b[0] == 0x62 {
		return "EVEX (AVX-512) is not decoded by design: blink's CPUID reports no AVX-512"
	}
	m, op, modrm, vex := opcodeOf(d.b)
	reg := modrm >> 3 & 7
	switch {
	case m == 0 && op == 0x8E && reg == 1 && d.mine < 0:
		// SDM MOV: "If the destination operand is the CS register, #UD".
		return "MOV CS,r/m is #UD (SDM MOV); both oracles accept it"
	case m == 1 && (op == 0x20 || op == 0x22) && !vex && d.mine < 0 && hasPrefix(d.b, 0xF0):
		// LOCK MOV CR0 as CR8 is AMD's alternative encoding; SDM MOV CR: #UD with LOCK.
		return "LOCK MOV CR is #UD on Intel (AMD CR8 alias)"
	case m == 1 && op == 0x2B && !vex && d.mine < 0 && (hasPrefix(d.b, 0xF3) || hasPrefix(d.b, 0xF2)):
		return "F2/F3 0F 2B MOVNTSS/SD are AMD SSE4a, #UD on Intel"
	case m == 1 && op == 0xAA && d.mine < 0:
		return "RSM is #UD outside SMM (SDM RSM)"
	case m == 1 && op == 0xC7 && !vex && d.mine < 0 && modrm>>6 != 3 && reg >= 3 && reg <= 5:
		// XRSTORS/XSAVEC/XSAVES are "NP 0F C7 /n": 66/F2/F3 are #UD.
		return "NP 0F C7 /3-/5 with a 66/F2/F3 prefix is #UD (SDM opcode column NP)"
	case !vex && d.mine < 0 && (m == 1 && (op == 0x78 || op == 0x79 || op == 0xC7 && modrm>>6 != 3 && reg >= 6) ||
		m == 1 && op == 0x01 && modrm >= 0xC1 && modrm <= 0xC4 || m == 2 && (op == 0x80 || op == 0x81)):
		return "VMX instructions are #UD outside VMX operation (SDM vol. 3 §31.3)"
	case !vex && m == 1 && op == 0xAE && d.mine < 0 && (hasPrefix(d.b, 0xF2) || hasPrefix(d.b, 0xF3) || hasPrefix(d.b, 0x66)):
		// FXSAVE, LDMXCSR, XSAVE, CLFLUSH, the fences...: opcode column NP.
		return "NP 0F AE forms with a 66/F2/F3 prefix are #UD (SDM opcode column NP)"
	case !vex && m == 1 && op == 0xAE && d.mine >= 0 && modrm>>6 == 3 && reg >= 5:
		return "LFENCE/MFENCE/SFENCE ignore ModRM.rm (SDM LFENCE: 0F AE E8-EF)"
	case vex && d.mine < 0 && newerVEX(m, op):
		return "VEX extensions beyond AVX2/FMA/BMI (AVX-512 opmask, AVX-VNNI, AVX-IFMA, AVX-NE-CONVERT) are not decoded"
	case m == 1 && op >= 0x18 && op <= 0x1F && d.mine >= 0 && !vex:
		// SDM NOP and opcode map A-3: 0F 18-1F are hint NOPs (and MPX,
		// CET, which execute as NOPs where disabled); they never #UD.
		return "0F 18-1F hint-NOP space is valid (SDM opcode map)"
	}
	agrees := d.obj.len >= 0 && (d.mine < 0 && d.obj.bad || d.mine >= 0 && !d.obj.bad && d.obj.len == d.mine)
	if !agrees {
		return ""
	}
	name := [4]string{"", "0F ", "0F38 ", "0F3A "}[m]
	if vex {
		name = "VEX " + name
	}
	return fmt.Sprintf("objdump agrees with us: %s%02X", name, op)
}

// newerVEX lists VEX opcodes of extensions blink's CPUID does not report.
func newerVEX(m int, op byte) bool {
	switch m {
	case 1:
		return op >= 0x41 && op <= 0x4B || op >= 0x90 && op <= 0x93 || op == 0x98 || op == 0x99
	case 2:
		return op >= 0x50 && op <= 0x53 || op == 0x72 || op == 0xB0 || op == 0xB1 || op == 0xB4 || op == 0xB5
	case 3:
		return op >= 0x30 && op <= 0x33 || op == 0x3E || op == 0x3F
	}
	return false
}

// hasPrefix reports whether the legacy-prefix bytes of b include p.
func hasPrefix(b []byte, p byte) bool {
	for _, c := range b {
		if c == p {
			return true
		}
		if !isLegacyPrefix(c) && c&0xF0 != 0x40 {
			return false
		}
	}
	return false
}

// objdumpOne asks objdump about a single candidate (rarely needed).
var objdumpOne func([]byte) objdumpResult

// opcodeOf finds the map, opcode and following byte (ModRM when present).
func opcodeOf(b []byte) (m int, op, modrm byte, vex bool) {
	i := 0
	for i < len(b) && (isLegacyPrefix(b[i]) || b[i]&0xF0 == 0x40) {
		i++
	}
	if i+4 >= len(b) {
		return 0, 0, 0, false
	}
	switch b[i] {
	case 0x0F:
		i++
		m = 1
		if b[i] == 0x38 || b[i] == 0x3A {
			m = 2 + int(b[i]>>1&1)
			i++
		}
	case 0xC5:
		m, vex = 1, true
		i += 2
	case 0xC4:
		m, vex = int(b[i+1]&31), true
		i += 3
	}
	if i+1 >= len(b) {
		return m, 0, 0, vex
	}
	return m, b[i], b[i+1], vex
}

func isLegacyPrefix(c byte) bool {
	switch c {
	case 0x66, 0x67, 0xF0, 0xF2, 0xF3, 0x26, 0x2E, 0x36, 0x3E, 0x64, 0x65:
		return true
	}
	return false
}

// stripIgnoredREX removes REX bytes that are followed by another prefix.
func stripIgnoredREX(b []byte) ([]byte, int) {
	out := make([]byte, 0, len(b))
	n := 0
	i := 0
	for ; i < len(b); i++ {
		c := b[i]
		if c&0xF0 == 0x40 && i+1 < len(b) && (isLegacyPrefix(b[i+1]) || b[i+1]&0xF0 == 0x40) {
			n++
			continue
		}
		if !isLegacyPrefix(c) && c&0xF0 != 0x40 {
			break
		}
		out = append(out, c)
	}
	return append(out, b[i:]...), n
}

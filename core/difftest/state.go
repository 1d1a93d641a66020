package difftest

import (
	"fmt"
	"strings"

	"golang.org/x/arch/x86/x86asm"
)

// DataSize is the size of the data page snippets may touch. Memory operands,
// string-operation pointers and the stack of PUSH/POP forms all point into it.
const DataSize = 4096

// Flag bits compared (and set at random on input): the six arithmetic
// flags and DF. TF, IF, AC and the rest cannot be set freely by a user
// program without side effects (a trap, an alignment fault), so they are
// neither set nor compared.
const (
	flagCF = 1 << 0
	flagPF = 1 << 2
	flagAF = 1 << 4
	flagZF = 1 << 6
	flagSF = 1 << 7
	flagDF = 1 << 10
	flagOF = 1 << 11

	flagsArith = flagCF | flagPF | flagAF | flagZF | flagSF | flagOF
	flagsUser  = flagsArith | flagDF
)

// State is the register state a case sets and compares.
type State struct {
	R     [16]uint64
	Flags uint64
	XMM   [16][2]uint64
	MXCSR uint32
}

// Vector is one recorded test case: the snippet, where it ran, its inputs,
// the native outputs and what may legitimately differ.
type Vector struct {
	Form     string
	Feature  string // CPUID feature the form needs ("" for the base ISA)
	Code     []byte // the snippet; runs at CodeAddr
	CodeAddr uint64
	DataAddr uint64 // guest (= host) address of the DataSize data page
	In       State
	InMem    []byte // DataSize bytes
	Out      State
	OutMem   []byte
	// FlagMask selects the flags compared: flagsUser minus the flags the
	// instruction leaves undefined for these inputs.
	FlagMask uint64
	// RegMask has bit i set when general register i is compared; a result
	// Intel calls undefined (BSF/BSR of zero) clears its bit.
	RegMask uint16
}

// compare lists the differences between want (native) and got (emulated)
// under v's masks, one line each; nil means they agree.
func (v *Vector) compare(got *State, gotMem []byte) []string {
	var d []string
	want := &v.Out
	for i := range want.R {
		if v.RegMask&(1<<i) != 0 && want.R[i] != got.R[i] {
			d = append(d, fmt.Sprintf("%s: native %#x emulated %#x (input %#x)",
				gprNames[i], want.R[i], got.R[i], v.In.R[i]))
		}
	}
	if w, g := want.Flags&v.FlagMask, got.Flags&v.FlagMask; w != g {
		d = append(d, fmt.Sprintf("flags: native %s emulated %s (input %s, compared %s)",
			flagString(w), flagString(g), flagString(v.In.Flags&flagsUser), flagString(v.FlagMask)))
	}
	for i := range want.XMM {
		if want.XMM[i] != got.XMM[i] {
			d = append(d, fmt.Sprintf("xmm%d: native %016x_%016x emulated %016x_%016x (input %016x_%016x)", i,
				want.XMM[i][1], want.XMM[i][0], got.XMM[i][1], got.XMM[i][0], v.In.XMM[i][1], v.In.XMM[i][0]))
		}
	}
	if want.MXCSR != got.MXCSR {
		d = append(d, fmt.Sprintf("mxcsr: native %#x emulated %#x (input %#x)", want.MXCSR, got.MXCSR, v.In.MXCSR))
	}
	for i := 0; i < len(v.OutMem) && i < len(gotMem); i++ {
		if v.OutMem[i] != gotMem[i] {
			j := i
			for j < len(v.OutMem) && j < i+16 {
				j++
			}
			d = append(d, fmt.Sprintf("mem %#x: native % x emulated % x (input % x)",
				v.DataAddr+uint64(i), v.OutMem[i:j], gotMem[i:j], v.InMem[i:j]))
			break // the first differing run is enough to locate the bug
		}
	}
	return d
}

var gprNames = [16]string{"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
	"r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15"}

func flagString(f uint64) string {
	var b strings.Builder
	for _, x := range []struct {
		bit  uint64
		name string
	}{{flagCF, "CF"}, {flagPF, "PF"}, {flagAF, "AF"}, {flagZF, "ZF"}, {flagSF, "SF"}, {flagDF, "DF"}, {flagOF, "OF"}} {
		if f&x.bit != 0 {
			if b.Len() > 0 {
				b.WriteByte('|')
			}
			b.WriteString(x.name)
		}
	}
	if b.Len() == 0 {
		return "0"
	}
	return b.String()
}

// Disasm renders code as Intel-syntax assembly for failure messages, using
// golang.org/x/arch's decoder (an independent opinion on what the bytes are).
func Disasm(code []byte, pc uint64) string {
	var parts []string
	for len(code) > 0 {
		inst, err := x86asm.Decode(code, 64)
		if err != nil {
			parts = append(parts, fmt.Sprintf("?? % x", code))
			break
		}
		parts = append(parts, x86asm.IntelSyntax(inst, pc, nil))
		code, pc = code[inst.Len:], pc+uint64(inst.Len)
	}
	return strings.Join(parts, "; ")
}

// operandInputs describes the input values of the first instruction's
// operands (registers and the memory operand), so a failure message shows
// the sources and not only the destination.
func operandInputs(v *Vector) string {
	inst, err := x86asm.Decode(v.Code, 64)
	if err != nil {
		return ""
	}
	var parts []string
	for _, a := range inst.Args {
		switch a := a.(type) {
		case x86asm.Reg:
			if a >= x86asm.X0 && a <= x86asm.X15 {
				x := v.In.XMM[a-x86asm.X0]
				parts = append(parts, fmt.Sprintf("%v=%016x_%016x", a, x[1], x[0]))
			} else if r := gprIndex(a); r >= 0 {
				parts = append(parts, fmt.Sprintf("%s=%#x", gprNames[r], v.In.R[r]))
			}
		case x86asm.Mem:
			var ea uint64
			if a.Base == x86asm.RIP {
				ea = v.CodeAddr + uint64(inst.Len)
			} else if r := gprIndex(a.Base); r >= 0 {
				ea = v.In.R[r]
			}
			if r := gprIndex(a.Index); r >= 0 {
				ea += v.In.R[r] * uint64(a.Scale)
			}
			ea += uint64(int64(int32(a.Disp))) // x86asm keeps disp32 unsigned; the CPU sign-extends
			if off := ea - v.DataAddr; off < DataSize {
				end := min(off+16, DataSize)
				parts = append(parts, fmt.Sprintf("[%#x]=% x", ea, v.InMem[off:end]))
			}
		}
	}
	return strings.Join(parts, " ")
}

// gprIndex maps an x86asm general register of any width to its number.
func gprIndex(r x86asm.Reg) int {
	switch {
	case r >= x86asm.AL && r <= x86asm.R15B:
		i := int(r - x86asm.AL)
		switch {
		case i < 4:
			return i
		case i < 8:
			return i - 4 // AH..BH
		}
		return i - 4 // SPB.. follow BH: 8 -> 4
	case r >= x86asm.AX && r <= x86asm.R15W:
		return int(r - x86asm.AX)
	case r >= x86asm.EAX && r <= x86asm.R15L:
		return int(r - x86asm.EAX)
	case r >= x86asm.RAX && r <= x86asm.R15:
		return int(r - x86asm.RAX)
	}
	return -1
}

package x86

import "math/bits"

// RFLAGS bits.
const (
	FlagCF = 1 << 0
	FlagPF = 1 << 2
	FlagAF = 1 << 4
	FlagZF = 1 << 6
	FlagSF = 1 << 7
	FlagTF = 1 << 8
	FlagIF = 1 << 9
	FlagDF = 1 << 10
	FlagOF = 1 << 11
	FlagAC = 1 << 18
	FlagID = 1 << 21

	// FlagsArith are the six status flags arithmetic instructions set.
	FlagsArith = FlagCF | FlagPF | FlagAF | FlagZF | FlagSF | FlagOF
)

// Lazy flag kinds (Flags.Kind). Most instructions that write the status
// flags are followed by another that overwrites them before anything reads
// them, so arithmetic only records its operands and result; the six status
// flags are derived when (and only as far as) they are read.
const (
	// LazyNone: every flag is in Bits.
	LazyNone = iota
	// LazyAdd: A + B + C = R (ADD, ADC).
	LazyAdd
	// LazySub: A - B - C = R (SUB, SBB, CMP, NEG with A = 0).
	LazySub
	// LazyLogic: R is the result of AND/OR/XOR/TEST; CF = OF = AF = 0.
	LazyLogic
	// LazyInc, LazyDec: A ± 1 = R with B = 1; CF is in Bits, because
	// INC and DEC leave it alone.
	LazyInc
	LazyDec
	// LazyResult: SF, ZF and PF come from R; CF, OF and AF are in Bits.
	// Shifts, rotates-through-result and the BMI instructions use it.
	LazyResult
)

// Flags is RFLAGS, with the six status flags possibly held lazily.
//
// Invariant: A, B and R are zero-extended from Size bytes, so comparisons
// on them need no masking. Bits always holds the non-status flags (DF, IF,
// TF, AC, ID, bit 1) and those status flags the current Kind does not
// derive. Handlers outside core/interp use GetFlags and SetFlags.
type Flags struct {
	Bits    uint64
	A, B, R uint64
	Kind    uint8
	Size    uint8 // operand size in bytes: 1, 2, 4 or 8
	C       uint8 // carry/borrow in (ADC, SBB), 0 or 1
}

// GetFlags returns RFLAGS with every lazily-held bit materialised.
func (m *Machine) GetFlags() uint64 { return m.Fl.Get() | 2 }

// SetFlags replaces RFLAGS.
func (m *Machine) SetFlags(v uint64) { m.Fl.Bits = v | 2; m.Fl.Kind = LazyNone }

// Set records an arithmetic result lazily. a, b and r must already be
// truncated to size bytes.
func (f *Flags) Set(kind, size uint8, a, b, r uint64, c uint8) {
	f.Kind, f.Size, f.A, f.B, f.R, f.C = kind, size, a, b, r, c
}

// SetResult records r (size bytes) as the source of SF, ZF and PF and puts
// cf, of and af (each FlagCF/FlagOF/FlagAF or 0) in Bits.
func (f *Flags) SetResult(size uint8, r, cfofaf uint64) {
	f.Bits = f.Bits&^FlagsArith | cfofaf
	f.Kind, f.Size, f.R = LazyResult, size, r
}

// Flush materialises the status flags into Bits, for handlers that change
// only some of them (BT, CLC, shifts by a count that leaves OF alone...).
func (f *Flags) Flush() {
	if f.Kind != LazyNone {
		f.Bits = f.Get()
		f.Kind = LazyNone
	}
}

// Get returns RFLAGS with the status flags materialised.
func (f *Flags) Get() uint64 {
	if f.Kind == LazyNone {
		return f.Bits
	}
	v := f.Bits &^ FlagsArith
	if f.CF() {
		v |= FlagCF
	}
	if f.PF() {
		v |= FlagPF
	}
	if f.AF() {
		v |= FlagAF
	}
	if f.R == 0 {
		v |= FlagZF
	}
	if f.SF() {
		v |= FlagSF
	}
	if f.OF() {
		v |= FlagOF
	}
	return v
}

func (f *Flags) signBit() uint { return uint(f.Size)*8 - 1 }

// CF reports the carry flag.
func (f *Flags) CF() bool {
	switch f.Kind {
	case LazyAdd:
		return f.R < f.A || f.C != 0 && f.R == f.A
	case LazySub:
		return f.A < f.B || f.C != 0 && f.A == f.B
	case LazyLogic:
		return false
	}
	return f.Bits&FlagCF != 0
}

// ZF reports the zero flag.
func (f *Flags) ZF() bool {
	if f.Kind == LazyNone {
		return f.Bits&FlagZF != 0
	}
	return f.R == 0
}

// SF reports the sign flag.
func (f *Flags) SF() bool {
	if f.Kind == LazyNone {
		return f.Bits&FlagSF != 0
	}
	return f.R>>f.signBit()&1 != 0
}

// OF reports the overflow flag.
func (f *Flags) OF() bool {
	switch f.Kind {
	case LazyAdd, LazyInc:
		return ((f.A^f.R)&(f.B^f.R))>>f.signBit()&1 != 0
	case LazySub, LazyDec:
		return ((f.A^f.B)&(f.A^f.R))>>f.signBit()&1 != 0
	case LazyLogic:
		return false
	}
	return f.Bits&FlagOF != 0
}

// PF reports the parity flag (even number of ones in the low byte).
func (f *Flags) PF() bool {
	if f.Kind == LazyNone {
		return f.Bits&FlagPF != 0
	}
	return bits.OnesCount8(uint8(f.R))&1 == 0
}

// AF reports the auxiliary (BCD) carry flag.
func (f *Flags) AF() bool {
	switch f.Kind {
	case LazyAdd, LazySub, LazyInc, LazyDec:
		return (f.A^f.B^f.R)&0x10 != 0
	case LazyLogic:
		return false
	}
	return f.Bits&FlagAF != 0
}

// Below is CF (JB, JC).
func (f *Flags) Below() bool { return f.CF() }

// BelowEq is CF|ZF (JBE). After CMP it is an unsigned <= on the operands.
func (f *Flags) BelowEq() bool {
	if f.Kind == LazySub && f.C == 0 {
		return f.A <= f.B
	}
	return f.CF() || f.ZF()
}

func (f *Flags) sext(v uint64) int64 {
	s := 64 - uint(f.Size)*8
	return int64(v<<s) >> s
}

// Less is SF!=OF (JL). After CMP it is a signed < on the operands.
func (f *Flags) Less() bool {
	switch f.Kind {
	case LazySub:
		if f.C == 0 {
			return f.sext(f.A) < f.sext(f.B)
		}
	case LazyLogic:
		return f.SF()
	}
	return f.SF() != f.OF()
}

// LessEq is ZF|(SF!=OF) (JLE).
func (f *Flags) LessEq() bool {
	switch f.Kind {
	case LazySub:
		if f.C == 0 {
			return f.sext(f.A) <= f.sext(f.B)
		}
	case LazyLogic:
		return f.R == 0 || f.SF()
	}
	return f.ZF() || f.SF() != f.OF()
}

// Cond evaluates condition code cc (the low nibble of Jcc/SETcc/CMOVcc).
func (f *Flags) Cond(cc uint8) bool {
	var r bool
	switch cc >> 1 & 7 {
	case 0:
		r = f.OF()
	case 1:
		r = f.CF()
	case 2:
		r = f.ZF()
	case 3:
		r = f.BelowEq()
	case 4:
		r = f.SF()
	case 5:
		r = f.PF()
	case 6:
		r = f.Less()
	default:
		r = f.LessEq()
	}
	return r != (cc&1 != 0)
}

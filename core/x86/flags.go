package x86

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

// Flags is RFLAGS. PLACEHOLDER: eager storage until the lazy-flags
// implementation (owned by the interpreter work) replaces it; the two
// methods below are the stable API for code outside the handlers.
type Flags struct {
	bits uint64
}

// GetFlags returns RFLAGS with every lazily-held bit materialised.
func (m *Machine) GetFlags() uint64 { return m.Fl.bits | 2 }

// SetFlags replaces RFLAGS.
func (m *Machine) SetFlags(v uint64) { m.Fl.bits = v | 2 }

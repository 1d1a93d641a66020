package x86

// Handler executes one decoded instruction. The decoder leaves Exec nil;
// interp.Bind chooses a handler specialised for the opcode, operand size
// and register/memory form, once per decoded instruction.
type Handler func(m *Machine, in *Inst)

// Register numbers as encoded (with REX extension applied).
const (
	RAX = iota
	RCX
	RDX
	RBX
	RSP
	RBP
	RSI
	RDI
	R8
	R9
	R10
	R11
	R12
	R13
	R14
	R15

	// RegRIP as Inst.Base means RIP-relative addressing (disp32 + next RIP).
	RegRIP = 16
	// RegNone as Inst.Base or Inst.Index means "no register".
	RegNone = 0xff
)

// Opcode maps, the high byte of Inst.Op.
const (
	Map1    = 0 // one-byte opcodes
	Map0F   = 1 // 0F xx
	Map0F38 = 2 // 0F 38 xx
	Map0F3A = 3 // 0F 3A xx
)

// Segment overrides (Inst.Seg). Only FS and GS have non-zero bases in
// 64-bit mode; the others are recorded for completeness and ignored.
const (
	SegNone = iota
	SegES
	SegCS
	SegSS
	SegDS
	SegFS
	SegGS
)

// Prefix bits (Inst.Pfx).
const (
	PfxLock   = 1 << iota // F0
	PfxRep                // F3 (REP/REPE, or mandatory prefix F3)
	PfxRepne              // F2 (REPNE, or mandatory prefix F2)
	PfxOpsize             // 66 present
	PfxAddr               // 67 present (32-bit addressing)
	PfxVex                // VEX-encoded (C4/C5)
	PfxRex                // a REX prefix was present (changes AH..BH into SPL..DIL)
	PfxModRM              // the instruction has a ModRM byte
)

// Inst is one decoded instruction: a small fixed struct, decoded once and
// kept in the engine's block cache.
//
// Field rules:
//   - Op is map<<8 | opcode byte (see Map1..Map0F3A). For VEX instructions the
//     map comes from VEX.mmmmm and PfxVex is set; VEX.pp is folded into
//     PfxOpsize/PfxRep/PfxRepne like the legacy mandatory prefixes.
//   - When both F2 and F3 appear, only the last one is recorded.
//   - Reg and RM are 0..15 (REX.R/REX.B applied). Reg is ModRM.reg, which for
//     group opcodes (80, C1, F7, FF, 0F BA, ...) is the /digit: use Reg&7.
//     For "+r" opcodes (50+r, B8+r, 0F C8+r, 90+r) the register is in RM.
//   - Mod is ModRM.mod; Mod == 3 means a register operand in RM. For a memory
//     operand, Base/Index/Scale/Disp/Seg describe the address; Base is RegRIP
//     for RIP-relative forms and RegNone when absent, Index is RegNone when
//     absent (SIB index 100 without REX.X). For moffs forms (A0-A3) the
//     absolute address is in Disp with Base = Index = RegNone.
//   - Imm is the first immediate, always sign-extended from its encoded width
//     to 64 bits; handlers mask it to the width they need (imm8 shift counts,
//     PSHUFD's imm8, INT n, ENTER's size). Imm2 is ENTER's second immediate.
//     Relative branch displacements (rel8/rel32) are also stored in Imm.
//   - OpSize is the effective operand size in bytes for the non-byte forms:
//     2, 4 or 8 (REX.W, 66 and the opcode's 64-bit default already applied).
//     Byte forms (opcodes whose operands are 8-bit) are known from Op.
//   - AddrSize is 8, or 4 with a 67 prefix.
//   - VexV is VEX.vvvv (already inverted, 0..15); VexL is VEX.L.
//   - Len is the instruction length in bytes (1..15).
type Inst struct {
	Exec     Handler
	Disp     int64
	Imm      int64
	Op       uint16
	Imm2     uint8
	Len      uint8
	Pfx      uint16
	Mod      uint8
	Reg      uint8
	RM       uint8
	Base     uint8
	Index    uint8
	Scale    uint8 // shift count 0..3
	Seg      uint8
	OpSize   uint8
	AddrSize uint8
	Rex      uint8 // the REX byte (0x40..0x4F), or 0
	VexV     uint8
	VexL     uint8
	// Aux is free for the binder to record a pre-computed value (for
	// example a condition code or a shift kind) so handlers need not re-derive it.
	Aux uint8
}

// IsMem reports whether the ModRM r/m operand is in memory.
func (in *Inst) IsMem() bool { return in.Mod != 3 }

// Opcode returns the opcode byte without its map.
func (in *Inst) Opcode() uint8 { return uint8(in.Op) }

// Map returns the opcode map.
func (in *Inst) Map() uint8 { return uint8(in.Op >> 8) }

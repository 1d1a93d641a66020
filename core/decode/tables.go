package decode

//go:generate go run ./internal/gen -in opcodes.txt -out tables_gen.go

// opInfo holds the decode properties of one opcode, indexed by
// map<<8|byte in opTable (tables_gen.go, generated from opcodes.txt).
type opInfo struct {
	flags uint32
	imm   uint8 // imm* kind
	pfx   uint8 // valid mandatory-prefix keys without VEX (bit k for key k)
	vpfx  uint8 // valid VEX.pp keys; 0 = no VEX form
	nov   uint8 // VEX.pp keys whose form has no vvvv operand (vvvv must be 1111)
	dmem  uint8 // valid /digits for memory forms (bit n for /n)
	dreg  uint8 // valid /digits for register forms
	lock  uint8 // /digits whose memory forms accept LOCK
	exact uint8 // register-form /digits that need a listed ModRM byte
	xid   uint8 // x* special handler
	eidx  uint8 // row in exactValid/exactEnd
}

// Opcode flags.
const (
	fModRM     = 1 << iota // a ModRM byte follows the opcode
	fInv                   // #UD in 64-bit mode
	fPfx                   // a prefix byte (never looked up as an opcode)
	fD64                   // default 64-bit operand size
	fF64                   // fixed 64-bit operand size
	fEnd                   // ends a block
	fPlusR                 // register in the low opcode bits
	fModReg                // mod ignored: r/m is always a register
	fVL0                   // VEX.L must be 0
	fVW                    // VEX.W selects 64-bit GPR operands
	fVL1                   // VEX.L must be 1
	fVW0                   // VEX.W must be 0
	fVW1                   // VEX.W must be 1
	fNoVvvvMem             // memory forms have no vvvv operand
	fVSIB                  // memory operand must use a SIB byte
)

// Immediate kinds.
const (
	immNone  = iota
	immB     // imm8
	immW     // imm16
	immZ     // imm16 or imm32 by operand size
	immV     // imm16, imm32 or imm64 by operand size
	immRel8  // rel8
	immRel32 // rel32 regardless of 66
	immMoffs // address-sized absolute offset
	immEnter // imm16 then imm8
	immF6    // imm8 for /0 and /1 only
	immF7    // immZ for /0 and /1 only
)

// Special handlers (special.go).
const (
	xNone  = iota
	xFF    // group 5: per-digit operand size
	xAE    // group 15: prefix- and mod-dependent
	xC7    // group 9: prefix- and mod-dependent
	xC6    // MOV Eb,Ib and XABORT
	xC7X   // MOV Ev,Iz and XBEGIN
	xMovbe // MOVBE memory-only unless F2 (CRC32)
	x0F73  // group 14: /3 and /7 need 66
	x0FD6  // MOVQ2DQ/MOVDQ2Q register-only
	xMovlp // 66 0F 12/16 (MOVLPD/MOVHPD) memory-only
)

// Mandatory-prefix keys: which of 66/F3/F2 selects an SSE form.
const (
	keyNone = 0
	key66   = 1
	keyF3   = 2
	keyF2   = 3
)

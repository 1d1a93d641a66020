package difftest

import (
	"encoding/binary"
	"fmt"
	"strconv"
	"strings"
)

// feature is a CPUID feature a form needs before it may run natively.
type feature uint8

const (
	featBase feature = iota
	featSSE2
	featSSE3
	featSSSE3
	featSSE41
	featMOVBE
	featPOPCNT
	featBMI1
	featBMI2
	featADX
	featLZCNT
	featSSE42
	featPCLMUL
	featAES
)

type features uint32

// featureBits says where CPUID reports each feature.
var featureBits = map[feature]struct {
	leaf uint32
	reg  int // 0 EAX, 1 EBX, 2 ECX, 3 EDX
	bit  uint
	name string
}{
	featSSE2: {1, 3, 26, "SSE2"}, featSSE3: {1, 2, 0, "SSE3"}, featSSSE3: {1, 2, 9, "SSSE3"},
	featSSE41: {1, 2, 19, "SSE4.1"}, featMOVBE: {1, 2, 22, "MOVBE"}, featPOPCNT: {1, 2, 23, "POPCNT"},
	featBMI1: {7, 1, 3, "BMI1"}, featBMI2: {7, 1, 8, "BMI2"}, featADX: {7, 1, 19, "ADX"},
	featLZCNT: {0x80000001, 2, 5, "LZCNT"},
	featSSE42: {1, 2, 20, "SSE4.2"}, featPCLMUL: {1, 2, 1, "PCLMULQDQ"}, featAES: {1, 2, 25, "AES"},
}

// featuresFrom decodes the features from a CPUID implementation.
func featuresFrom(cpuid func(leaf, sub uint32) (a, b, c, d uint32)) features {
	var f features
	for x, fb := range featureBits {
		a, b, c, d := cpuid(fb.leaf, 0)
		f.set(x, [4]uint32{a, b, c, d}[fb.reg]>>fb.bit&1 != 0)
	}
	return f
}

func (f *features) set(x feature, on bool) {
	if on {
		*f |= 1 << x
	}
}

func (f features) has(x feature) bool { return x == featBase || f&(1<<x) != 0 }

// hasName is has for a feature recorded by name in a vector.
func (f features) hasName(name string) bool {
	for x, fb := range featureBits {
		if fb.name == name {
			return f.has(x)
		}
	}
	return name == ""
}

// Operand kinds of the ModRM reg field and r/m register.
const (
	kGPR = iota
	kXMM
)

// Where the r/m operand may live.
const (
	rmBoth = iota
	rmReg
	rmMem
)

// form is one instruction encoding with its operand pattern. Forms are
// built by f(name, spec, options...) from an opcode spec written the way
// Intel's opcode tables write it:
//
//	"66 W 0F AF /r"   prefixes (66 F2 F3 F0 67), W for REX.W, opcode bytes,
//	"C1 /4 ib"        /r or /digit for ModRM, ib/iw/id/iq immediates,
//	"B8 +r iq"        +r for a register in the opcode's low bits,
//	"V F3.0F38.W1 F7 /r"  VEX with pp.map.W (L=0), vvvv as a GPR operand.
type form struct {
	name  string
	pfx   []byte
	w     bool
	op    []byte
	vex   bool
	vmap  byte // 1 0F, 2 0F38, 3 0F3A
	vpp   byte // 0 none, 1 66, 2 F3, 3 F2
	modrm bool
	digit int // -1 for /r
	plusR bool
	imm   int

	reg, rm    int  // kGPR or kXMM
	mb         bool // the r/m register is 8-bit (AH..BH without REX)
	rmWhere    int
	msize      int  // memory operand size
	align      int  // required memory alignment (0: any)
	noAccess   bool // LEA, NOP: the address is computed, never accessed
	noV        bool // VEX.vvvv unused: it must be 1111 or the CPU raises #UD
	stack      bool // RSP must point into the data page
	avoid      uint16
	sse        bool // randomise XMM and MXCSR
	feat       feature
	undefFlags uint64
	undef      func(c *tcase) uint64
	fix        func(c *tcase)
	immGen     func(c *tcase) int64
	moffs      bool // A0-A3: the immediate is an absolute address
	rec        int  // recorded cases are rec times -difftest.recn (0: once)
}

type opt func(*form)

func f(name, spec string, opts ...opt) *form {
	fm := &form{name: name, digit: -1, msize: 8}
	toks := strings.Fields(spec)
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		switch {
		case t == "W":
			fm.w = true
		case t == "V":
			// V pp.map.W
			i++
			p := strings.Split(toks[i], ".")
			fm.vex = true
			fm.vpp = map[string]byte{"NP": 0, "66": 1, "F3": 2, "F2": 3}[p[0]]
			fm.vmap = map[string]byte{"0F": 1, "0F38": 2, "0F3A": 3}[p[1]]
			fm.w = p[2] == "W1"
		case t == "/r":
			fm.modrm = true
		case len(t) == 2 && t[0] == '/':
			fm.modrm = true
			fm.digit = int(t[1] - '0')
		case t == "+r":
			fm.plusR = true
		case t == "ib":
			fm.imm = 1
		case t == "iw":
			fm.imm = 2
		case t == "id":
			fm.imm = 4
		case t == "iq":
			fm.imm = 8
		default:
			b, err := strconv.ParseUint(t, 16, 8)
			if err != nil {
				panic("difftest: bad spec " + spec)
			}
			if len(fm.op) == 0 && !fm.vex && (b == 0x66 || b == 0xf2 || b == 0xf3 || b == 0xf0 || b == 0x67) {
				fm.pfx = append(fm.pfx, byte(b))
			} else {
				fm.op = append(fm.op, byte(b))
			}
		}
	}
	for _, o := range opts {
		o(fm)
	}
	return fm
}

// Options.
func byteOps(fm *form)   { fm.mb = true; fm.msize = 1 } // the reg operand's byte form needs no fix
func byteRM(fm *form)    { fm.mb = true; fm.msize = 1 }
func regOnly(fm *form)   { fm.rmWhere = rmReg }
func memOnly(fm *form)   { fm.rmWhere = rmMem }
func noAccess(fm *form)  { fm.noAccess = true; fm.rmWhere = rmMem }
func stack(fm *form)     { fm.stack = true }
func moffs(fm *form)     { fm.moffs = true }
func noV(fm *form)       { fm.noV = true }
func msize(n int) opt    { return func(fm *form) { fm.msize = n } }
func align(n int) opt    { return func(fm *form) { fm.align = n } }
func avoid(r ...int) opt { return func(fm *form) { fm.avoid |= regset(r...) } }
func feat(x feature) opt { return func(fm *form) { fm.feat = x } }
func undef(m uint64) opt { return func(fm *form) { fm.undefFlags |= m } }
func fix(fn func(*tcase)) opt {
	return func(fm *form) {
		prev := fm.fix
		fm.fix = func(c *tcase) {
			if prev != nil {
				prev(c)
			}
			fn(c)
		}
	}
}
func undefFn(fn func(*tcase) uint64) opt { return func(fm *form) { fm.undef = fn } }
func immGen(fn func(*tcase) int64) opt   { return func(fm *form) { fm.immGen = fn } }

// rec records k times the usual number of cases: for forms whose
// immediate cycles through more variants (by case index) than that.
func rec(k int) opt { return func(fm *form) { fm.rec = k } }

// immCycle takes the immediate from vals by case index, so the first
// len(vals) cases (the recorded ones, when rec covers them) see each one.
func immCycle(vals ...int64) opt {
	return immGen(func(c *tcase) int64 { return vals[c.idx%len(vals)] })
}

// xmm operands: reg field and r/m are XMM registers; m128 aligned.
func sse(fm *form) {
	fm.reg, fm.rm, fm.sse, fm.msize, fm.align = kXMM, kXMM, true, 16, 16
	if fm.feat == featBase {
		fm.feat = featSSE2
	}
}

// gprReg makes the ModRM reg field a general register (PMOVMSKB, CVTTSD2SI...).
func gprReg(fm *form) { fm.reg = kGPR }

// gprRM makes r/m a general register or memory (MOVD, CVTSI2SD, PINSRW...).
func gprRM(fm *form) { fm.rm = kGPR }

func regset(r ...int) uint16 {
	var s uint16
	for _, x := range r {
		s |= 1 << x
	}
	return s
}

// tcase is a case under construction.
type tcase struct {
	fm       *form
	r        *rng
	idx      int // the case's number within its form (immCycle)
	in       State
	mem      []byte
	codeAddr uint64
	dataAddr uint64

	rex     bool // a REX prefix is emitted
	reg     int  // ModRM reg register (or digit)
	rmReg   int  // r/m register when !isMem
	vreg    int  // VEX.vvvv register
	isMem   bool
	memOff  int   // data-page offset of the memory operand
	imm     int64 // the immediate (first one)
	regMask uint16
}

// opsize is the operand size in bytes implied by the prefixes.
func (c *tcase) opsize() int {
	switch {
	case c.fm.w:
		return 8
	case c.fm.has66():
		return 2
	}
	return 4
}

func (fm *form) has66() bool {
	for _, p := range fm.pfx {
		if p == 0x66 {
			return true
		}
	}
	return fm.vex && fm.vpp == 1
}

// getR/setR access register r with the width rules the CPU applies:
// size 1 with byte8 set means AH..BH for 4..7 when no REX is present.
func (c *tcase) getR(r, size int, byte8 bool) uint64 {
	if size == 1 && byte8 && !c.rex && r >= 4 && r < 8 {
		return c.in.R[r-4] >> 8 & 0xff
	}
	return c.in.R[r] & sizeMask(size)
}

func (c *tcase) setR(r, size int, byte8 bool, v uint64) {
	if size == 1 && byte8 && !c.rex && r >= 4 && r < 8 {
		c.in.R[r-4] = c.in.R[r-4]&^0xff00 | (v&0xff)<<8
		return
	}
	m := sizeMask(size)
	c.in.R[r] = c.in.R[r]&^m | v&m
}

func sizeMask(size int) uint64 {
	if size >= 8 {
		return ^uint64(0)
	}
	return 1<<(8*size) - 1
}

// rmSize is the width of the r/m operand for value fixes.
func (c *tcase) rmSize() int {
	if c.fm.mb {
		return 1
	}
	if c.isMem {
		return c.fm.msize
	}
	return c.opsize()
}

// getRM/setRM read and write the r/m operand's input value.
func (c *tcase) getRM(size int) uint64 {
	if c.isMem {
		var b [8]byte
		copy(b[:], c.mem[c.memOff:c.memOff+size])
		return binary.LittleEndian.Uint64(b[:]) & sizeMask(size)
	}
	return c.getR(c.rmReg, size, c.fm.mb)
}

func (c *tcase) setRM(size int, v uint64) {
	if c.isMem {
		var b [8]byte
		binary.LittleEndian.PutUint64(b[:], v)
		copy(c.mem[c.memOff:c.memOff+size], b[:size])
		return
	}
	c.setR(c.rmReg, size, c.fm.mb, v)
}

// generate builds case number idx of fm.
func (fm *form) generate(r *rng, idx int, codeAddr, dataAddr uint64) *Vector {
	c := &tcase{fm: fm, r: r, idx: idx, codeAddr: codeAddr, dataAddr: dataAddr, regMask: 0xffff}
	c.mem = append([]byte(nil), memPattern...)
	for i := range c.in.R {
		c.in.R[i] = r.val()
	}
	c.in.Flags = r.u64()&flagsUser | 2
	c.in.MXCSR = 0x1f80
	if fm.sse {
		for i := range c.in.XMM {
			c.in.XMM[i] = r.xmm()
		}
		// All exceptions stay masked (an unmasked one would be a SIGFPE);
		// rounding, FTZ, DAZ and the sticky flags are random.
		c.in.MXCSR = 0x1f80 | uint32(r.n(4))<<13 | uint32(r.n(2))<<15 | uint32(r.n(2))<<6 | uint32(r.n(64))
	}

	// Registers. Any register may be an operand; forms that use registers
	// implicitly list them in avoid so the address and r/m registers
	// stay out of their way.
	// busy are the registers an address may not use: the implicit ones
	// and the other operands (an address register's value is dictated by
	// the data page, which would leave the operand no freedom).
	busy := fm.avoid
	if fm.stack {
		busy |= regset(4)
	}
	c.reg = fm.digit
	if fm.digit < 0 {
		c.reg = r.n(16)
		if fm.reg == kGPR {
			busy |= 1 << c.reg
		}
	}
	if fm.vex && !fm.noV {
		c.vreg = r.n(16)
		busy |= 1 << c.vreg
	}
	if fm.plusR {
		c.rmReg = r.n(16)
	}
	if fm.modrm {
		switch fm.rmWhere {
		case rmBoth:
			c.isMem = r.n(2) == 0
		case rmMem:
			c.isMem = true
		}
		if !c.isMem {
			for {
				c.rmReg = r.n(16)
				if fm.rm == kXMM || fm.avoid&(1<<c.rmReg) == 0 {
					break
				}
			}
		}
	}
	needRex := fm.w || c.reg >= 8 || (!c.isMem && c.rmReg >= 8)
	c.rex = !fm.vex && (needRex || r.n(3) == 0)

	// The memory operand's address (chosen before the fixes, which may
	// write the operand's value there) and the window of random bytes.
	var am addrMode
	if c.isMem || fm.moffs {
		c.memOff = 512 + r.n(DataSize-1024)
		a := max(fm.align, 1)
		if fm.align == 0 && r.n(4) != 0 {
			a = min(fm.msize, 8)
		}
		c.memOff &^= a - 1
		r.fillWindow(c.mem, c.memOff-32, 96)
		if !fm.moffs {
			am = c.chooseAddr(busy)
			if am.base >= 8 || am.index >= 8 {
				c.rex = !fm.vex
			}
		}
	}
	if fm.stack {
		c.in.R[4] = dataAddr + uint64(1024+r.n(2048))&^7
		if r.n(4) == 0 {
			c.in.R[4] += uint64(r.n(8))
		}
		r.fillWindow(c.mem, int(c.in.R[4]-dataAddr)-64, 128)
	}
	if fm.imm > 0 {
		c.imm = int64(r.val())
		if fm.immGen != nil {
			c.imm = fm.immGen(c)
		}
	}
	if fm.fix != nil {
		fm.fix(c)
	}
	if !fm.noAccess && (c.isMem && !fm.moffs) {
		am.apply(c)
	}
	code := c.encode(am)
	undef := fm.undefFlags
	if fm.undef != nil {
		undef |= fm.undef(c)
	}
	v := &Vector{
		Form: fm.name, Feature: featureBits[fm.feat].name, Code: code, CodeAddr: codeAddr, DataAddr: dataAddr,
		In: c.in, InMem: c.mem, FlagMask: flagsUser &^ undef, RegMask: c.regMask,
	}
	return v
}

// addrMode is a chosen memory addressing form.
type addrMode struct {
	rip          bool
	base, index  int // -1 none
	scale        uint
	disp         int32
	dispSize     int // 0, 1, 4
	noBaseDisp32 bool
}

// chooseAddr picks one of RIP-relative, [base+disp], [base+index*s+disp] and
// [index*s+disp32], avoiding the registers in busy.
func (c *tcase) chooseAddr(busy uint16) addrMode {
	r := c.r
	am := addrMode{base: -1, index: -1}
	pick := func(extra uint16) int {
		for {
			x := r.n(16)
			if (busy|extra)&(1<<x) == 0 {
				return x
			}
		}
	}
	if c.fm.noAccess {
		// Nothing is accessed: any registers and displacements will do.
		busy = 0
	}
	kind := r.n(4)
	switch kind {
	case 0:
		am.rip = true
		am.dispSize = 4
		am.disp = int32(r.u64())
		return am
	case 1:
		am.base = pick(0)
	case 2:
		am.base = pick(0)
		am.index = pick(1<<4 | 1<<am.base)
	case 3:
		am.index = pick(1 << 4)
		am.noBaseDisp32 = true
	}
	am.scale = uint(r.n(4))
	switch {
	case am.noBaseDisp32:
		am.dispSize = 4
	case am.base&7 == 5: // RBP/R13 need a displacement
		am.dispSize = []int{1, 4}[r.n(2)]
	default:
		am.dispSize = []int{0, 1, 4}[r.n(3)]
	}
	switch am.dispSize {
	case 1:
		am.disp = int32(int8(r.u64()))
	case 4:
		am.disp = int32(r.u64())
	}
	return am
}

// apply sets the address registers so the operand lands at c.memOff.
func (am *addrMode) apply(c *tcase) {
	if am.rip {
		return // the displacement is fixed up in encode
	}
	target := c.dataAddr + uint64(c.memOff)
	if am.index >= 0 {
		if am.base < 0 {
			// disp32 + index<<scale = target: make the index exact.
			rem := (target - uint64(int64(am.disp))) & (1<<am.scale - 1)
			am.disp += int32(rem)
			c.in.R[am.index] = (target - uint64(int64(am.disp))) >> am.scale
			return
		}
		c.in.R[am.index] = uint64(int64(c.r.n(64) - 32))
	}
	b := target - uint64(int64(am.disp))
	if am.index >= 0 {
		b -= c.in.R[am.index] << am.scale
	}
	c.in.R[am.base] = b
}

// encode assembles the instruction bytes.
func (c *tcase) encode(am addrMode) []byte {
	fm := c.fm
	var b []byte
	for _, p := range fm.pfx {
		// Legacy prefixes; with the mandatory-prefix SSE forms the operand
		// size prefix comes first, as compilers emit it.
		b = append(b, p)
	}
	rexR := c.reg >= 8
	rexX := am.index >= 8
	rexB := false
	switch {
	case fm.plusR:
		rexB = c.rmReg >= 8
	case c.isMem && !am.rip && !am.noBaseDisp32:
		rexB = am.base >= 8
	case !c.isMem:
		rexB = c.rmReg >= 8
	}
	if fm.vex {
		b = append(b, 0xc4,
			boolBit(!rexR, 7)|boolBit(!rexX, 6)|boolBit(!rexB, 5)|fm.vmap,
			boolBit(fm.w, 7)|byte(^c.vreg&15)<<3|fm.vpp)
		b = append(b, fm.op...)
	} else {
		if c.rex || rexR || rexX || rexB || fm.w {
			b = append(b, 0x40|boolBit(fm.w, 3)|boolBit(rexR, 2)|boolBit(rexX, 1)|boolBit(rexB, 0))
		}
		b = append(b, fm.op...)
		if fm.plusR {
			b[len(b)-1] += byte(c.rmReg & 7)
		}
	}
	ripAt := -1
	if fm.modrm {
		reg := byte(c.reg&7) << 3
		if !c.isMem {
			b = append(b, 0xc0|reg|byte(c.rmReg&7))
		} else {
			switch {
			case am.rip:
				b = append(b, reg|5)
				ripAt = len(b)
				b = append(b, 0, 0, 0, 0)
			case am.noBaseDisp32:
				b = append(b, reg|4, byte(am.scale<<6)|byte(am.index&7)<<3|5)
				b = binary.LittleEndian.AppendUint32(b, uint32(am.disp))
			default:
				mod := map[int]byte{0: 0, 1: 0x40, 4: 0x80}[am.dispSize]
				if am.index >= 0 || am.base&7 == 4 {
					idx := byte(4) // none
					if am.index >= 0 {
						idx = byte(am.index & 7)
					}
					b = append(b, mod|reg|4, byte(am.scale<<6)|idx<<3|byte(am.base&7))
				} else {
					b = append(b, mod|reg|byte(am.base&7))
				}
				switch am.dispSize {
				case 1:
					b = append(b, byte(am.disp))
				case 4:
					b = binary.LittleEndian.AppendUint32(b, uint32(am.disp))
				}
			}
		}
	}
	switch {
	case fm.moffs:
		b = binary.LittleEndian.AppendUint64(b, c.dataAddr+uint64(c.memOff))
	case fm.imm > 0:
		var ib [8]byte
		binary.LittleEndian.PutUint64(ib[:], uint64(c.imm))
		b = append(b, ib[:fm.imm]...)
	}
	if ripAt >= 0 {
		target := c.dataAddr + uint64(c.memOff)
		if fm.noAccess {
			target = c.codeAddr + uint64(int64(am.disp)) // any address will do
		}
		binary.LittleEndian.PutUint32(b[ripAt:], uint32(target-(c.codeAddr+uint64(len(b)))))
	}
	return b
}

func boolBit(b bool, n uint) byte {
	if b {
		return 1 << n
	}
	return 0
}

func (fm *form) String() string { return fmt.Sprintf("%s [% x]", fm.name, fm.op) }

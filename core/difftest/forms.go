package difftest

import (
	"fmt"
	"math/big"
	"sync"
)

// Forms returns the instruction table (built once).
func Forms() []*form {
	formsOnce.Do(func() { formTable = buildForms() })
	return formTable
}

var (
	formsOnce sync.Once
	formTable []*form
)

// sizes of the non-byte forms and the spec prefix that selects each.
var wordSizes = []struct {
	n    int
	spec string
	suf  string
}{{2, "66 ", "16"}, {4, "", "32"}, {8, "W ", "64"}}

var ccNames = []string{"O", "NO", "B", "AE", "E", "NE", "BE", "A", "S", "NS", "P", "NP", "L", "GE", "LE", "G"}

func buildForms() []*form {
	var t []*form
	add := func(fs ...*form) { t = append(t, fs...) }

	// ALU 00-3F and the 80/81/83 groups. AND, OR and XOR leave AF undefined.
	for i, op := range []string{"ADD", "OR", "ADC", "SBB", "AND", "SUB", "XOR", "CMP"} {
		u := undef(0)
		if op == "AND" || op == "OR" || op == "XOR" {
			u = undef(flagAF)
		}
		o := i * 8
		add(f(op+" r/m8, r8", fmt.Sprintf("%02X /r", o), byteOps, u),
			f(op+" r8, r/m8", fmt.Sprintf("%02X /r", o+2), byteOps, u),
			f(op+" AL, imm8", fmt.Sprintf("%02X ib", o+4), u),
			f(op+" r/m8, imm8", fmt.Sprintf("80 /%d ib", i), byteOps, u))
		for _, s := range wordSizes {
			id := "id"
			if s.n == 2 {
				id = "iw"
			}
			add(f(op+" r/m"+s.suf+", r"+s.suf, fmt.Sprintf("%s%02X /r", s.spec, o+1), msize(s.n), u),
				f(op+" r"+s.suf+", r/m"+s.suf, fmt.Sprintf("%s%02X /r", s.spec, o+3), msize(s.n), u),
				f(op+" eAX"+s.suf+", imm", fmt.Sprintf("%s%02X %s", s.spec, o+5, id), u),
				f(op+" r/m"+s.suf+", imm", fmt.Sprintf("%s81 /%d %s", s.spec, i, id), msize(s.n), u),
				f(op+" r/m"+s.suf+", imm8", fmt.Sprintf("%s83 /%d ib", s.spec, i), msize(s.n), u))
		}
		if op != "CMP" {
			add(f("LOCK "+op+" m32, r32", fmt.Sprintf("F0 %02X /r", o+1), memOnly, msize(4), u),
				f("LOCK "+op+" m64, imm8", fmt.Sprintf("F0 W 83 /%d ib", i), memOnly, u))
		}
	}

	// TEST, NOT, NEG, INC, DEC.
	add(f("TEST r/m8, r8", "84 /r", byteOps, undef(flagAF)),
		f("TEST AL, imm8", "A8 ib", undef(flagAF)),
		f("TEST r/m8, imm8", "F6 /0 ib", byteOps, undef(flagAF)),
		f("NOT r/m8", "F6 /2", byteOps),
		f("NEG r/m8", "F6 /3", byteOps),
		f("INC r/m8", "FE /0", byteOps),
		f("DEC r/m8", "FE /1", byteOps))
	for _, s := range wordSizes {
		id := map[int]string{2: "iw", 4: "id", 8: "id"}[s.n]
		ms := msize(s.n)
		add(f("TEST r/m"+s.suf+", r", s.spec+"85 /r", ms, undef(flagAF)),
			f("TEST eAX"+s.suf+", imm", s.spec+"A9 "+id, undef(flagAF)),
			f("TEST r/m"+s.suf+", imm", s.spec+"F7 /0 "+id, ms, undef(flagAF)),
			f("NOT r/m"+s.suf, s.spec+"F7 /2", ms),
			f("NEG r/m"+s.suf, s.spec+"F7 /3", ms),
			f("INC r/m"+s.suf, s.spec+"FF /0", ms),
			f("DEC r/m"+s.suf, s.spec+"FF /1", ms))
	}

	// Shifts and rotates: by 1, by CL (any value 0..255), by imm8.
	for k, op := range []string{"ROL", "ROR", "RCL", "RCR", "SHL", "SHR", "", "SAR"} {
		if op == "" {
			continue
		}
		for _, s := range append([]struct {
			n    int
			spec string
			suf  string
		}{{1, "", "8"}}, wordSizes...) {
			by := map[bool]string{true: "D0", false: "D1"}[s.n == 1]
			cl := map[bool]string{true: "D2", false: "D3"}[s.n == 1]
			im := map[bool]string{true: "C0", false: "C1"}[s.n == 1]
			var sz opt = msize(s.n)
			if s.n == 1 {
				sz = byteOps
			}
			n := s.n
			add(f(op+" r/m"+s.suf+", 1", fmt.Sprintf("%s%s /%d", s.spec, by, k), sz,
				undefFn(func(c *tcase) uint64 { return shiftUndef(k, n, 1) })),
				f(op+" r/m"+s.suf+", CL", fmt.Sprintf("%s%s /%d", s.spec, cl, k), sz, avoid(1),
					fix(func(c *tcase) { c.in.R[1] = c.in.R[1]&^0xff | c.r.count(n) }),
					undefFn(func(c *tcase) uint64 { return shiftUndef(k, n, c.in.R[1]) })),
				f(op+" r/m"+s.suf+", imm8", fmt.Sprintf("%s%s /%d ib", s.spec, im, k), sz,
					immGen(func(c *tcase) int64 { return int64(c.r.count(n)) }),
					undefFn(func(c *tcase) uint64 { return shiftUndef(k, n, uint64(c.imm)) })))
		}
	}
	// SHLD/SHRD. A 16-bit count above 16 leaves the result undefined, so the
	// generator keeps it in range.
	for _, sh := range []struct {
		name   string
		ib, cl byte
	}{{"SHLD", 0xa4, 0xa5}, {"SHRD", 0xac, 0xad}} {
		for _, s := range wordSizes {
			n := s.n
			clamp := func(v uint64) uint64 {
				if n == 2 && v&31 > 16 {
					return v&^31 | v&15
				}
				return v
			}
			add(f(sh.name+" r/m"+s.suf+", r, imm8", fmt.Sprintf("%s0F %02X /r ib", s.spec, sh.ib), msize(n),
				immGen(func(c *tcase) int64 { return int64(clamp(c.r.count(n))) }),
				undefFn(func(c *tcase) uint64 { return shiftUndef(shiftSHLD, n, uint64(c.imm)) })),
				f(sh.name+" r/m"+s.suf+", r, CL", fmt.Sprintf("%s0F %02X /r", s.spec, sh.cl), msize(n), avoid(1),
					fix(func(c *tcase) { c.in.R[1] = c.in.R[1]&^0xff | clamp(c.r.count(n)) }),
					undefFn(func(c *tcase) uint64 { return shiftUndef(shiftSHLD, n, c.in.R[1]) })))
		}
	}

	// MUL, IMUL (one, two and three operands), DIV, IDIV.
	mulU := undef(flagSF | flagZF | flagAF | flagPF)
	add(f("MUL r/m8", "F6 /4", byteOps, mulU),
		f("IMUL r/m8", "F6 /5", byteOps, mulU),
		f("DIV r/m8", "F6 /6", byteOps, avoid(0, 4), undef(flagsArith), fix(divFix(1, false))),
		f("IDIV r/m8", "F6 /7", byteOps, avoid(0, 4), undef(flagsArith), fix(divFix(1, true))))
	for _, s := range wordSizes {
		ms := msize(s.n)
		id := map[int]string{2: "iw", 4: "id", 8: "id"}[s.n]
		add(f("MUL r/m"+s.suf, s.spec+"F7 /4", ms, mulU),
			f("IMUL r/m"+s.suf, s.spec+"F7 /5", ms, mulU),
			f("IMUL r"+s.suf+", r/m", s.spec+"0F AF /r", ms, mulU),
			f("IMUL r"+s.suf+", r/m, imm8", s.spec+"6B /r ib", ms, mulU),
			f("IMUL r"+s.suf+", r/m, imm", s.spec+"69 /r "+id, ms, mulU),
			f("DIV r/m"+s.suf, s.spec+"F7 /6", ms, avoid(0, 2), undef(flagsArith), fix(divFix(s.n, false))),
			f("IDIV r/m"+s.suf, s.spec+"F7 /7", ms, avoid(0, 2), undef(flagsArith), fix(divFix(s.n, true))))
	}

	// Bit tests. With a register offset and a memory operand the offset is
	// signed and unbounded, so it is kept within the random window.
	btU := undef(flagOF | flagSF | flagAF | flagPF)
	for i, op := range []string{"BT", "BTS", "BTR", "BTC"} {
		for _, s := range wordSizes {
			add(f(op+" r/m"+s.suf+", r", fmt.Sprintf("%s0F %02X /r", s.spec, 0xa3+8*i), msize(s.n), btU,
				fix(func(c *tcase) {
					if c.isMem {
						c.in.R[c.reg] = uint64(int64(c.r.n(512) - 256))
					}
				})),
				f(op+" r/m"+s.suf+", imm8", fmt.Sprintf("%s0F BA /%d ib", s.spec, 4+i), msize(s.n), btU))
		}
	}

	// Bit scans and counts. BSF/BSR of zero leave the destination
	// undefined (Intel; AMD and real Intel parts leave it unchanged).
	for _, s := range wordSizes {
		n := s.n
		zeroSrc := func(c *tcase) uint64 {
			if c.getRM(n) == 0 {
				c.regMask &^= 1 << c.reg
			}
			return 0
		}
		bsU := undef(flagCF | flagOF | flagSF | flagAF | flagPF)
		add(f("BSF r"+s.suf+", r/m", s.spec+"0F BC /r", msize(n), bsU, undefFn(zeroSrc), fix(maybeZero(n))),
			f("BSR r"+s.suf+", r/m", s.spec+"0F BD /r", msize(n), bsU, undefFn(zeroSrc), fix(maybeZero(n))),
			f("TZCNT r"+s.suf+", r/m", s.spec+"F3 0F BC /r", msize(n), feat(featBMI1), fix(maybeZero(n)),
				undef(flagOF|flagSF|flagPF|flagAF)),
			f("LZCNT r"+s.suf+", r/m", s.spec+"F3 0F BD /r", msize(n), feat(featLZCNT), fix(maybeZero(n)),
				undef(flagOF|flagSF|flagPF|flagAF)),
			f("POPCNT r"+s.suf+", r/m", s.spec+"F3 0F B8 /r", msize(n), feat(featPOPCNT), fix(maybeZero(n))))
	}

	// SETcc, CMOVcc.
	for cc, name := range ccNames {
		add(f("SET"+name+" r/m8", fmt.Sprintf("0F %02X /0", 0x90+cc), byteOps))
		for _, s := range wordSizes {
			add(f("CMOV"+name+" r"+s.suf+", r/m", fmt.Sprintf("%s0F %02X /r", s.spec, 0x40+cc), msize(s.n)))
		}
	}

	// Moves and extensions.
	add(f("MOV r/m8, r8", "88 /r", byteOps),
		f("MOV r8, r/m8", "8A /r", byteOps),
		f("MOV r/m8, imm8", "C6 /0 ib", byteOps),
		f("MOV r8, imm8", "B0 +r ib", byteOps),
		f("MOV AL, moffs8", "A0", moffs, msize(1)),
		f("MOV moffs8, AL", "A2", moffs, msize(1)),
		f("MOVZX r16, r/m8", "66 0F B6 /r", byteRM),
		f("MOVZX r32, r/m8", "0F B6 /r", byteRM),
		f("MOVZX r64, r/m8", "W 0F B6 /r", byteRM),
		f("MOVSX r16, r/m8", "66 0F BE /r", byteRM),
		f("MOVSX r32, r/m8", "0F BE /r", byteRM),
		f("MOVSX r64, r/m8", "W 0F BE /r", byteRM),
		f("MOVZX r32, r/m16", "0F B7 /r", msize(2)),
		f("MOVZX r64, r/m16", "W 0F B7 /r", msize(2)),
		f("MOVSX r32, r/m16", "0F BF /r", msize(2)),
		f("MOVSX r64, r/m16", "W 0F BF /r", msize(2)),
		f("MOVSXD r64, r/m32", "W 63 /r", msize(4)),
		f("MOV r64, imm64", "W B8 +r iq"),
		f("NOP r/m32", "0F 1F /0", noAccess))
	for _, s := range wordSizes {
		ms := msize(s.n)
		iv := map[int]string{2: "iw", 4: "id", 8: "id"}[s.n]
		add(f("MOV r/m"+s.suf+", r", s.spec+"89 /r", ms),
			f("MOV r"+s.suf+", r/m", s.spec+"8B /r", ms),
			f("MOV r/m"+s.suf+", imm", s.spec+"C7 /0 "+iv, ms),
			f("MOV eAX"+s.suf+", moffs", s.spec+"A1", moffs, ms),
			f("MOV moffs"+s.suf+", eAX", s.spec+"A3", moffs, ms),
			f("LEA r"+s.suf+", m", s.spec+"8D /r", noAccess),
			f("LEA r"+s.suf+", m (addr32)", "67 "+s.spec+"8D /r", noAccess),
			f("XCHG r/m"+s.suf+", r", s.spec+"87 /r", ms),
			f("XCHG eAX, r"+s.suf, s.spec+"90 +r"),
			f("XADD r/m"+s.suf+", r", s.spec+"0F C1 /r", ms),
			f("CMPXCHG r/m"+s.suf+", r", s.spec+"0F B1 /r", ms, avoid(0), fix(cmpxchgFix(s.n))),
			f("CBW/CWDE/CDQE "+s.suf, s.spec+"98"),
			f("CWD/CDQ/CQO "+s.suf, s.spec+"99"),
			f("MOVBE r"+s.suf+", m", s.spec+"0F 38 F0 /r", memOnly, ms, feat(featMOVBE)),
			f("MOVBE m"+s.suf+", r", s.spec+"0F 38 F1 /r", memOnly, ms, feat(featMOVBE)))
		if s.n != 2 {
			add(f("BSWAP r"+s.suf, s.spec+"0F C8 +r"))
		}
	}
	add(f("XCHG r/m8, r8", "86 /r", byteOps),
		f("XADD r/m8, r8", "0F C0 /r", byteOps),
		f("CMPXCHG r/m8, r8", "0F B0 /r", byteOps, avoid(0, 4), fix(cmpxchgFix(1))),
		f("LOCK XADD m64, r64", "F0 W 0F C1 /r", memOnly),
		f("LOCK CMPXCHG m32, r32", "F0 0F B1 /r", memOnly, msize(4), avoid(0), fix(cmpxchgFix(4))),
		f("LAHF", "9F"), f("SAHF", "9E"), f("CLC", "F8"), f("STC", "F9"), f("CMC", "F5"),
		f("CLD", "FC"), f("STD", "FD"))

	// Stack.
	add(f("PUSH r64", "50 +r", stack),
		f("PUSH r16", "66 50 +r", stack),
		f("POP r64", "58 +r", stack),
		f("POP r16", "66 58 +r", stack),
		f("PUSH imm8", "6A ib", stack),
		f("PUSH imm32", "68 id", stack),
		f("PUSH imm16", "66 68 iw", stack),
		f("PUSH r/m64", "FF /6", stack),
		f("POP r/m64", "8F /0", stack),
		f("PUSHFQ", "9C", stack),
		f("POPFQ", "9D", stack, fix(func(c *tcase) {
			// Only the flags a program can set without a trap or an
			// alignment check (TF, AC) or a #GP.
			c.writeMem(int(c.in.R[4]-c.dataAddr), 8, c.r.u64()&flagsUser|2)
		})))

	// String operations with small counts; RSI and RDI point into the data
	// page far enough from its edges for either direction.
	strs := []struct {
		name string
		op   byte
		reps []string
	}{{"MOVS", 0xa4, []string{"", "F3 "}}, {"CMPS", 0xa6, []string{"", "F3 ", "F2 "}},
		{"STOS", 0xaa, []string{"", "F3 "}}, {"LODS", 0xac, []string{"", "F3 "}},
		{"SCAS", 0xae, []string{"", "F3 ", "F2 "}}}
	for _, st := range strs {
		for _, s := range append([]struct {
			n    int
			spec string
			suf  string
		}{{1, "", "8"}}, wordSizes...) {
			op := st.op
			if s.n > 1 {
				op++
			}
			for _, rep := range st.reps {
				n := s.n
				add(f(rep+st.name+s.suf, fmt.Sprintf("%s%s%02X", s.spec, rep, op), fix(func(c *tcase) { strFix(c, n, st.name) })))
			}
		}
	}

	// BMI1, BMI2, ADX.
	for _, s := range []struct {
		w   string
		suf string
		n   int
	}{{"W0", "32", 4}, {"W1", "64", 8}} {
		n := s.n
		ms := msize(n)
		v := func(pp, m string) string { return "V " + pp + "." + m + "." + s.w }
		b1 := feat(featBMI1)
		b2 := feat(featBMI2)
		add(f("ANDN r"+s.suf, v("NP", "0F38")+" F2 /r", ms, b1, undef(flagAF|flagPF)),
			f("BEXTR r"+s.suf, v("NP", "0F38")+" F7 /r", ms, b1, undef(flagAF|flagSF|flagPF),
				fix(func(c *tcase) { c.in.R[c.vreg] = c.in.R[c.vreg]&^0xffff | uint64(c.r.n(80)|c.r.n(80)<<8) })),
			f("BLSI r"+s.suf, v("NP", "0F38")+" F3 /3", ms, b1, undef(flagAF|flagPF), fix(maybeZero(n))),
			f("BLSMSK r"+s.suf, v("NP", "0F38")+" F3 /2", ms, b1, undef(flagAF|flagPF), fix(maybeZero(n))),
			f("BLSR r"+s.suf, v("NP", "0F38")+" F3 /1", ms, b1, undef(flagAF|flagPF), fix(maybeZero(n))),
			f("BZHI r"+s.suf, v("NP", "0F38")+" F5 /r", ms, b2, undef(flagAF|flagPF),
				fix(func(c *tcase) { c.in.R[c.vreg] = c.in.R[c.vreg]&^0xff | c.r.count(n) })),
			f("MULX r"+s.suf, v("F2", "0F38")+" F6 /r", ms, b2, avoid(2)),
			f("PDEP r"+s.suf, v("F2", "0F38")+" F5 /r", ms, b2),
			f("PEXT r"+s.suf, v("F3", "0F38")+" F5 /r", ms, b2),
			f("RORX r"+s.suf, v("F2", "0F3A")+" F0 /r ib", ms, b2, noV),
			f("SARX r"+s.suf, v("F3", "0F38")+" F7 /r", ms, b2),
			f("SHLX r"+s.suf, v("66", "0F38")+" F7 /r", ms, b2),
			f("SHRX r"+s.suf, v("F2", "0F38")+" F7 /r", ms, b2))
		w := ""
		if n == 8 {
			w = "W "
		}
		add(f("ADCX r"+s.suf, "66 "+w+"0F 38 F6 /r", ms, feat(featADX)),
			f("ADOX r"+s.suf, "F3 "+w+"0F 38 F6 /r", ms, feat(featADX)))
	}

	t = append(t, sseForms()...)
	return t
}

// Shift kinds for shiftUndef (the ModRM digit for the group-2 shifts).
const (
	shiftROL  = 0
	shiftROR  = 1
	shiftRCL  = 2
	shiftRCR  = 3
	shiftSHL  = 4
	shiftSHR  = 5
	shiftSAR  = 7
	shiftSHLD = 8
)

// shiftUndef returns the flags Intel leaves undefined for a shift of an
// n-byte operand by count (before masking). A masked count of zero changes
// no flags; OF is only defined for a count of 1; AF is undefined for the
// shifts proper; rotates leave SF/ZF/AF/PF alone (so they stay defined);
// SHL/SHR leave CF undefined once the count reaches the operand width.
func shiftUndef(kind, n int, count uint64) uint64 {
	mc := count & 0x1f
	if n == 8 {
		mc = count & 0x3f
	}
	if mc == 0 {
		return 0
	}
	var u uint64
	if mc != 1 {
		u |= flagOF
	}
	switch kind {
	case shiftSHL, shiftSHR, shiftSAR, shiftSHLD:
		u |= flagAF
	}
	if (kind == shiftSHL || kind == shiftSHR) && mc >= uint64(8*n) {
		u |= flagCF
	}
	return u
}

// maybeZero makes the r/m source zero a quarter of the time: the zero
// source is a separate path in every scan and count instruction.
func maybeZero(n int) func(*tcase) {
	return func(c *tcase) {
		if c.r.n(4) == 0 {
			c.setRM(n, 0)
		}
	}
}

// divFix makes the dividend in rDX:rAX (AX for bytes) divisible by the r/m
// operand without overflow: pick a non-zero divisor d, an in-range quotient
// q and a remainder r with |r| < |d| and the sign of q*d, then set the
// dividend to q*d + r.
func divFix(n int, signed bool) func(*tcase) {
	return func(c *tcase) {
		bits := uint(8 * n)
		d := c.getRM(n)
		for d == 0 {
			d = c.r.val() & sizeMask(n)
			c.setRM(n, d)
		}
		D := new(big.Int).SetUint64(d)
		Q := new(big.Int).SetUint64(c.r.val() & sizeMask(n))
		if signed {
			D = signedBig(d, bits)
			Q = signedBig(Q.Uint64(), bits)
		}
		R := new(big.Int).Mod(new(big.Int).SetUint64(c.r.u64()), new(big.Int).Abs(D))
		prod := new(big.Int).Mul(Q, D)
		if prod.Sign() < 0 || (prod.Sign() == 0 && c.r.n(2) == 0 && signed) {
			R.Neg(R)
		}
		x := new(big.Int).Add(prod, R)
		if x.Sign() < 0 {
			x.Add(x, new(big.Int).Lsh(big.NewInt(1), 2*bits))
		}
		lo := new(big.Int).And(x, new(big.Int).SetUint64(sizeMask(n))).Uint64()
		hi := new(big.Int).Rsh(x, bits).Uint64()
		if n == 1 {
			c.setR(0, 2, false, hi<<8|lo)
			return
		}
		c.setR(0, n, false, lo)
		c.setR(2, n, false, hi)
	}
}

func signedBig(v uint64, bits uint) *big.Int {
	x := new(big.Int).SetUint64(v)
	if v>>(bits-1)&1 != 0 {
		x.Sub(x, new(big.Int).Lsh(big.NewInt(1), bits))
	}
	return x
}

// cmpxchgFix makes the accumulator equal to the destination half the time,
// so both the store and the load path run.
func cmpxchgFix(n int) func(*tcase) {
	return func(c *tcase) {
		if c.r.n(2) == 0 {
			c.setR(0, n, false, c.getRM(n))
		}
	}
}

// strFix points RSI and RDI into the data page (far enough from its edges
// for either direction), keeps RCX small (REP uses all 64 bits of it), and
// for the comparing forms makes the strings agree for a random prefix:
// CMPS compares [RSI] with [RDI], SCAS the accumulator with [RDI].
func strFix(c *tcase, n int, op string) {
	src := 1024 + c.r.n(256)
	dst := 2560 + c.r.n(256)
	if c.r.n(2) == 0 {
		src, dst = src&^(n-1), dst&^(n-1)
	}
	c.in.R[6] = c.dataAddr + uint64(src)
	c.in.R[7] = c.dataAddr + uint64(dst)
	c.in.R[1] = uint64(c.r.n(12))
	c.r.fillWindow(c.mem, src-160, 320)
	c.r.fillWindow(c.mem, dst-160, 320)
	same := c.r.n(14)
	a := c.in.R[0]
	for k := -same; k <= same; k++ {
		for j := range n {
			at := dst + k*n + j
			switch op {
			case "CMPS":
				c.mem[at] = c.mem[src+k*n+j]
			case "SCAS":
				c.mem[at] = byte(a >> (8 * j))
			}
		}
	}
}

// writeMem stores n bytes of v at data offset off.
func (c *tcase) writeMem(off, n int, v uint64) {
	for i := range n {
		c.mem[off+i] = byte(v >> (8 * i))
	}
}

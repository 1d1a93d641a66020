//go:build linux

package interp

import (
	"fmt"
	"math/rand/v2"
	"os"
	"syscall"
	"testing"
	"unsafe"

	"github.com/blink-go/blink/core/x86"
)

// The host is an x86-64 CPU, so it is the oracle: each case runs one
// instruction natively (register operands RAX, RCX, RDX, RBX) and through
// the interpreter, and compares the registers and the status flags minus
// those the SDM leaves undefined for that instruction.

type nstate struct {
	r  [4]uint64
	fl uint64
}

func runNative(code uintptr, st *nstate)

var execPage []byte

// strictUndef (INTERP_STRICT_UNDEF=1) compares the undefined flags too, to
// see where the model departs from this particular host core.
var strictUndef = os.Getenv("INTERP_STRICT_UNDEF") != ""

func nativeExec(t testing.TB, code []byte, st *nstate) {
	if execPage == nil {
		p, err := syscall.Mmap(-1, 0, 4096, syscall.PROT_READ|syscall.PROT_WRITE|syscall.PROT_EXEC, syscall.MAP_PRIVATE|syscall.MAP_ANON)
		if err != nil {
			t.Skip("no executable memory:", err)
		}
		execPage = p
	}
	n := copy(execPage, code)
	execPage[n] = 0xC3
	runNative(uintptr(unsafe.Pointer(&execPage[0])), st)
}

func emuExec(in *x86.Inst, st *nstate) {
	m := x86.NewMachine(nil, nil, &x86.Config{})
	copy(m.R[:4], st.r[:])
	m.SetFlags(st.fl)
	c := *in
	Bind(&c)
	c.Exec(m, &c)
	copy(st.r[:], m.R[:4])
	st.fl = m.GetFlags()
}

// icase describes one register-form instruction encoding.
type icase struct {
	name   string
	op     uint16 // map<<8 | opcode
	byteOp bool   // 8-bit form (no 66/REX.W)
	reg    uint8  // ModRM.reg (a register number or the /digit)
	rm     uint8  // ModRM.rm register
	noRM   bool   // opcode without ModRM (+r forms, accumulator forms)
	imm    int    // immediate bytes: 0, 1, 2 or 4 (8 for B8+r with REX.W)
	pfx    uint16 // F3/F2 mandatory prefixes (PfxRep/PfxRepne)
	undef  uint64 // flags the SDM leaves undefined
	sizes  []uint8
	vexV   int8 // -1: not VEX; else VEX.vvvv register
}

func (c *icase) encode(sz uint8, imm int64) ([]byte, x86.Inst) {
	in := x86.Inst{Op: c.op, Reg: c.reg, RM: c.rm, Mod: 3, OpSize: sz, AddrSize: 8, Imm: imm,
		Base: x86.RegNone, Index: x86.RegNone, Pfx: c.pfx | x86.PfxModRM}
	if c.noRM {
		in.Pfx &^= x86.PfxModRM
	}
	var b []byte
	if c.vexV >= 0 {
		in.Pfx |= x86.PfxVex
		in.VexV = uint8(c.vexV)
		// three-byte VEX: C4 RXB.mmmmm W.vvvv.L.pp
		pp := byte(0)
		switch {
		case c.pfx&x86.PfxOpsize != 0:
			pp = 1
		case c.pfx&x86.PfxRep != 0:
			pp = 2
		case c.pfx&x86.PfxRepne != 0:
			pp = 3
		}
		w := byte(0)
		if sz == 8 {
			w = 0x80
		}
		b = append(b, 0xC4, 0xE0|byte(c.op>>8), w|(^byte(c.vexV)&15)<<3|pp)
	} else {
		if c.pfx&x86.PfxOpsize != 0 || sz == 2 && !c.byteOp {
			b = append(b, 0x66)
			in.Pfx |= x86.PfxOpsize
		}
		if c.pfx&x86.PfxRep != 0 {
			b = append(b, 0xF3)
		}
		if c.pfx&x86.PfxRepne != 0 {
			b = append(b, 0xF2)
		}
		if sz == 8 && !c.byteOp {
			b = append(b, 0x48)
			in.Rex = 0x48
		}
		switch c.op >> 8 {
		case x86.Map0F:
			b = append(b, 0x0F)
		case x86.Map0F38:
			b = append(b, 0x0F, 0x38)
		case x86.Map0F3A:
			b = append(b, 0x0F, 0x3A)
		}
	}
	if c.noRM {
		b = append(b, byte(c.op)+c.rm)
	} else {
		b = append(b, byte(c.op), 0xC0|c.reg<<3|c.rm)
	}
	for i := 0; i < c.imm; i++ {
		b = append(b, byte(imm>>(8*i)))
	}
	return b, in
}

var boundary = []uint64{0, 1, 2, 3, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff, 0x10000,
	0x7fffffff, 0x80000000, 0xffffffff, 0x100000000, 0x7fffffffffffffff, 0x8000000000000000,
	0xffffffffffffffff, 0xfffffffffffffffe, 0x8000000000000001, 0x0f0f0f0f0f0f0f0f}

func operand(r *rand.Rand) uint64 {
	switch r.IntN(4) {
	case 0:
		return boundary[r.IntN(len(boundary))]
	case 1:
		return r.Uint64() >> (r.IntN(64))
	case 2:
		return -(r.Uint64() >> (r.IntN(64)))
	}
	return r.Uint64()
}

// check runs c over n random states for every size in c.sizes.
func check(t *testing.T, c icase, n int, gen func(r *rand.Rand, st *nstate, sz uint8) int64) {
	t.Helper()
	r := rand.New(rand.NewPCG(1, uint64(len(c.name))))
	sizes := c.sizes
	if sizes == nil {
		sizes = []uint8{2, 4, 8}
		if c.byteOp {
			sizes = []uint8{1}
		}
	}
	fails := 0
	for _, sz := range sizes {
		for i := 0; i < n; i++ {
			var st nstate
			for k := range st.r {
				st.r[k] = operand(r)
			}
			st.fl = 0x202 | r.Uint64()&x86.FlagsArith
			var imm int64
			if gen != nil {
				imm = gen(r, &st, sz)
			}
			code, in := c.encode(sz, imm)
			hw, em := st, st
			nativeExec(t, code, &hw)
			emuExec(&in, &em)
			mask := ^c.undef
			if strictUndef {
				mask = ^uint64(0)
			}
			if hw.r != em.r || hw.fl&mask != em.fl&mask {
				fails++
				if fails <= 8 {
					t.Errorf("%s size %d code % x\n in   %x fl %03x\n host %x fl %03x\n emu  %x fl %03x (undef mask %03x)",
						c.name, sz, code, st.r, st.fl, hw.r, hw.fl, em.r, em.fl, c.undef)
				}
			}
		}
	}
	if fails > 0 {
		t.Errorf("%s: %d mismatches", c.name, fails)
	}
}

func immGen(bytes int) func(r *rand.Rand, st *nstate, sz uint8) int64 {
	return func(r *rand.Rand, st *nstate, sz uint8) int64 {
		v := int64(operand(r))
		switch bytes {
		case 1:
			return int64(int8(v))
		case 2:
			return int64(int16(v))
		}
		return int64(int32(v))
	}
}

const iters = 3000

func TestHostALU(t *testing.T) {
	names := []string{"add", "or", "adc", "sbb", "and", "sub", "xor", "cmp"}
	for i, n := range names {
		op := uint16(i * 8)
		check(t, icase{name: n + " Eb,Gb", op: op, byteOp: true, reg: 0, rm: 1, vexV: -1}, iters, nil)
		check(t, icase{name: n + " Ev,Gv", op: op + 1, reg: 2, rm: 3, vexV: -1}, iters, nil)
		check(t, icase{name: n + " Gb,Eb", op: op + 2, byteOp: true, reg: 4 /* AH */, rm: 3, vexV: -1}, iters, nil)
		check(t, icase{name: n + " Gv,Ev", op: op + 3, reg: 1, rm: 1, vexV: -1}, iters, nil)
		check(t, icase{name: n + " AL,Ib", op: op + 4, byteOp: true, noRM: true, imm: 1, vexV: -1}, iters, immGen(1))
		check(t, icase{name: n + " Ev,Iz", op: 0x81, reg: uint8(i), rm: 2, imm: 4, vexV: -1, sizes: []uint8{4, 8}}, iters, immGen(4))
		check(t, icase{name: n + " Ev,Ib", op: 0x83, reg: uint8(i), rm: 2, imm: 1, vexV: -1}, iters, immGen(1))
		check(t, icase{name: n + " Eb,Ib", op: 0x80, byteOp: true, reg: uint8(i), rm: 7 /* BH */, imm: 1, vexV: -1}, iters, immGen(1))
	}
	// Logic ops leave AF undefined.
	check(t, icase{name: "test Ev,Gv", op: 0x85, reg: 0, rm: 1, vexV: -1, undef: x86.FlagAF}, iters, nil)
	check(t, icase{name: "test Eb,Ib", op: 0xF6, byteOp: true, reg: 0, rm: 5, imm: 1, vexV: -1, undef: x86.FlagAF}, iters, immGen(1))
	for d, n := range []string{"inc", "dec"} {
		check(t, icase{name: n + " Ev", op: 0xFF, reg: uint8(d), rm: 1, vexV: -1}, iters, nil)
		check(t, icase{name: n + " Eb", op: 0xFE, byteOp: true, reg: uint8(d), rm: 6, vexV: -1}, iters, nil)
	}
	check(t, icase{name: "not", op: 0xF7, reg: 2, rm: 1, vexV: -1}, iters, nil)
	check(t, icase{name: "neg", op: 0xF7, reg: 3, rm: 1, vexV: -1}, iters, nil)
	check(t, icase{name: "neg b", op: 0xF6, byteOp: true, reg: 3, rm: 0, vexV: -1}, iters, nil)
}

// TestHostLogicAF documents what the host does with AF after logic ops,
// which we produce as 0.
func TestHostLogicAF(t *testing.T) {
	for i, n := range []string{"or", "and", "xor"} {
		op := uint16([]int{1, 4, 6}[i] * 8)
		check(t, icase{name: n + " af", op: op + 1, reg: 0, rm: 1, vexV: -1}, 500, nil)
	}
}

func countGen(r *rand.Rand, st *nstate, sz uint8) int64 {
	st.r[1] = st.r[1]&^0xff | uint64(r.IntN(80)) // CL
	return int64(r.IntN(80))
}

func TestHostShift(t *testing.T) {
	names := []string{"rol", "ror", "rcl", "rcr", "shl", "shr", "sal", "sar"}
	for d, n := range names {
		// OF is undefined for counts other than 1, AF for every shift; we
		// still require an exact OF match (the model reproduces Intel's).
		undef := uint64(x86.FlagAF)
		check(t, icase{name: n + " Ev,CL", op: 0xD3, reg: uint8(d), rm: 0, vexV: -1, undef: undef}, iters, countGen)
		check(t, icase{name: n + " Eb,CL", op: 0xD2, byteOp: true, reg: uint8(d), rm: 3, vexV: -1, undef: undef}, iters, countGen)
		check(t, icase{name: n + " Ev,Ib", op: 0xC1, reg: uint8(d), rm: 2, imm: 1, vexV: -1, undef: undef}, iters, countGen)
		check(t, icase{name: n + " Eb,1", op: 0xD0, byteOp: true, reg: uint8(d), rm: 4, vexV: -1, undef: undef}, iters, nil)
		check(t, icase{name: n + " Ev,1", op: 0xD1, reg: uint8(d), rm: 2, vexV: -1, undef: undef}, iters, nil)
	}
	check(t, icase{name: "shld CL", op: 0x1A5, reg: 2, rm: 0, vexV: -1, undef: x86.FlagAF}, iters, countGen)
	check(t, icase{name: "shld imm", op: 0x1A4, reg: 2, rm: 0, imm: 1, vexV: -1, undef: x86.FlagAF}, iters, countGen)
	check(t, icase{name: "shrd CL", op: 0x1AD, reg: 3, rm: 2, vexV: -1, undef: x86.FlagAF}, iters, countGen)
	check(t, icase{name: "shrd imm", op: 0x1AC, reg: 3, rm: 2, imm: 1, vexV: -1, undef: x86.FlagAF}, iters, countGen)
}

func TestHostMulDiv(t *testing.T) {
	undef := uint64(x86.FlagSF | x86.FlagZF | x86.FlagAF | x86.FlagPF)
	check(t, icase{name: "mul", op: 0xF7, reg: 4, rm: 1, vexV: -1, undef: undef}, iters, nil)
	check(t, icase{name: "mul b", op: 0xF6, byteOp: true, reg: 4, rm: 3, vexV: -1, undef: undef}, iters, nil)
	check(t, icase{name: "imul1", op: 0xF7, reg: 5, rm: 3, vexV: -1, undef: undef}, iters, nil)
	check(t, icase{name: "imul1 b", op: 0xF6, byteOp: true, reg: 5, rm: 7, vexV: -1, undef: undef}, iters, nil)
	check(t, icase{name: "imul2", op: 0x1AF, reg: 0, rm: 3, vexV: -1, undef: undef}, iters, nil)
	check(t, icase{name: "imul3 Iz", op: 0x69, reg: 2, rm: 1, imm: 4, vexV: -1, undef: undef, sizes: []uint8{4, 8}}, iters, immGen(4))
	check(t, icase{name: "imul3 Ib", op: 0x6B, reg: 2, rm: 2, imm: 1, vexV: -1, undef: undef}, iters, immGen(1))
	// Division: keep the quotient in range (the host would SIGFPE).
	divGen := func(signed bool) func(r *rand.Rand, st *nstate, sz uint8) int64 {
		return func(r *rand.Rand, st *nstate, sz uint8) int64 {
			w := uint(sz) * 8
			mask := ^uint64(0) >> (64 - w)
			for {
				d := operand(r) & mask
				if d == 0 {
					continue
				}
				st.r[3] = st.r[3]&^mask | d
				if r.IntN(2) == 0 {
					st.r[2] &^= mask // small dividends: high half zero
					if signed && r.IntN(2) == 0 {
						st.r[2] |= mask
						st.r[0] |= mask &^ (mask >> 1)
					}
				}
				if sz == 1 {
					ax := uint16(st.r[0])
					if !signed && uint64(ax>>8) < d || signed && ok8(int16(ax), int8(d)) {
						return 0
					}
					st.r[0] &^= 0xff00
					if signed {
						st.r[0] &^= 0x80
					}
					continue
				}
				hi := st.r[2] & mask
				if !signed {
					if hi < d {
						return 0
					}
				} else if okWide(hi, st.r[0]&mask, d, w) {
					return 0
				}
				st.r[2] &^= mask
			}
		}
	}
	all := uint64(x86.FlagsArith)
	check(t, icase{name: "div", op: 0xF7, reg: 6, rm: 3, vexV: -1, undef: all}, iters, divGen(false))
	check(t, icase{name: "div b", op: 0xF6, byteOp: true, reg: 6, rm: 3, vexV: -1, undef: all}, iters, divGen(false))
	check(t, icase{name: "idiv", op: 0xF7, reg: 7, rm: 3, vexV: -1, undef: all}, iters, divGen(true))
	check(t, icase{name: "idiv b", op: 0xF6, byteOp: true, reg: 7, rm: 3, vexV: -1, undef: all}, iters, divGen(true))
}

func ok8(n int16, d int8) bool {
	q := int32(n) / int32(d)
	return q >= -128 && q <= 127
}

// okWide reports whether the signed (hi:lo)/d fits, by running our own
// model; mismatches with the host would still be caught for in-range cases.
func okWide(hi, lo, d uint64, w uint) (ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	m := x86.NewMachine(nil, nil, nil)
	m.R[0], m.R[2] = lo, hi
	switch w {
	case 16:
		idivAcc(m, uint16(d))
	case 32:
		idivAcc(m, uint32(d))
	default:
		idivAcc(m, d)
	}
	return true
}

func TestHostBits(t *testing.T) {
	btUndef := uint64(x86.FlagOF | x86.FlagSF | x86.FlagAF | x86.FlagPF)
	for i, n := range []string{"bt", "bts", "btr", "btc"} {
		op := uint16(0x1A3 + i*8)
		check(t, icase{name: n, op: op, reg: 1, rm: 0, vexV: -1, undef: btUndef}, iters, nil)
		check(t, icase{name: n + " imm", op: 0x1BA, reg: uint8(4 + i), rm: 2, imm: 1, vexV: -1, undef: btUndef}, iters, countGen)
	}
	bsUndef := uint64(x86.FlagCF | x86.FlagOF | x86.FlagSF | x86.FlagAF | x86.FlagPF)
	check(t, icase{name: "bsf", op: 0x1BC, reg: 0, rm: 1, vexV: -1, undef: bsUndef}, iters, nil)
	check(t, icase{name: "bsr", op: 0x1BD, reg: 2, rm: 1, vexV: -1, undef: bsUndef}, iters, nil)
	cntUndef := uint64(x86.FlagOF | x86.FlagSF | x86.FlagAF | x86.FlagPF)
	check(t, icase{name: "tzcnt", op: 0x1BC, pfx: x86.PfxRep, reg: 0, rm: 1, vexV: -1, undef: cntUndef}, iters, nil)
	check(t, icase{name: "lzcnt", op: 0x1BD, pfx: x86.PfxRep, reg: 0, rm: 1, vexV: -1, undef: cntUndef}, iters, nil)
	check(t, icase{name: "popcnt", op: 0x1B8, pfx: x86.PfxRep, reg: 0, rm: 1, vexV: -1}, iters, nil)
	eq := func(r *rand.Rand, st *nstate, sz uint8) int64 {
		if r.IntN(2) == 0 {
			st.r[1] = st.r[0] ^ r.Uint64()<<32 // equal in the low 32 bits
		}
		return 0
	}
	check(t, icase{name: "cmpxchg", op: 0x1B1, reg: 2, rm: 1, vexV: -1}, iters, eq)
	check(t, icase{name: "cmpxchg b", op: 0x1B0, byteOp: true, reg: 2, rm: 1, vexV: -1}, iters, eq)
	check(t, icase{name: "xadd", op: 0x1C1, reg: 2, rm: 1, vexV: -1}, iters, nil)
	check(t, icase{name: "xchg", op: 0x87, reg: 2, rm: 1, vexV: -1}, iters, nil)
	check(t, icase{name: "bswap", op: 0x1C8, noRM: true, rm: 2, vexV: -1, sizes: []uint8{4, 8}}, iters, nil)
}

func TestHostBMI(t *testing.T) {
	s := []uint8{4, 8}
	u := uint64(x86.FlagAF | x86.FlagPF)
	check(t, icase{name: "andn", op: 0x2F2, reg: 0, rm: 1, vexV: 3, sizes: s, undef: u}, iters, nil)
	check(t, icase{name: "blsr", op: 0x2F3, reg: 1, rm: 1, vexV: 3, sizes: s, undef: u}, iters, nil)
	check(t, icase{name: "blsmsk", op: 0x2F3, reg: 2, rm: 1, vexV: 3, sizes: s, undef: u}, iters, nil)
	check(t, icase{name: "blsi", op: 0x2F3, reg: 3, rm: 1, vexV: 0, sizes: s, undef: u}, iters, nil)
	bz := func(r *rand.Rand, st *nstate, sz uint8) int64 {
		st.r[3] = uint64(r.IntN(300)) | uint64(r.IntN(300))<<8
		return 0
	}
	check(t, icase{name: "bzhi", op: 0x2F5, reg: 0, rm: 1, vexV: 3, sizes: s, undef: u}, iters, bz)
	check(t, icase{name: "bextr", op: 0x2F7, reg: 0, rm: 1, vexV: 3, sizes: s, undef: u | x86.FlagSF}, iters, bz)
	check(t, icase{name: "pdep", op: 0x2F5, pfx: x86.PfxRepne, reg: 0, rm: 1, vexV: 3, sizes: s}, iters, nil)
	check(t, icase{name: "pext", op: 0x2F5, pfx: x86.PfxRep, reg: 0, rm: 1, vexV: 3, sizes: s}, iters, nil)
	check(t, icase{name: "mulx", op: 0x2F6, pfx: x86.PfxRepne, reg: 0, rm: 1, vexV: 3, sizes: s}, iters, nil)
	check(t, icase{name: "mulx same", op: 0x2F6, pfx: x86.PfxRepne, reg: 3, rm: 1, vexV: 3, sizes: s}, iters, nil)
	check(t, icase{name: "rorx", op: 0x3F0, pfx: x86.PfxRepne, reg: 0, rm: 1, imm: 1, vexV: 0, sizes: s}, iters, countGen)
	check(t, icase{name: "shlx", op: 0x2F7, pfx: x86.PfxOpsize, reg: 0, rm: 1, vexV: 3, sizes: s}, iters, countGen)
	check(t, icase{name: "sarx", op: 0x2F7, pfx: x86.PfxRep, reg: 0, rm: 1, vexV: 3, sizes: s}, iters, countGen)
	check(t, icase{name: "shrx", op: 0x2F7, pfx: x86.PfxRepne, reg: 0, rm: 1, vexV: 3, sizes: s}, iters, countGen)
	check(t, icase{name: "adcx", op: 0x2F6, pfx: x86.PfxOpsize, reg: 0, rm: 1, vexV: -1, sizes: s}, iters, nil)
	check(t, icase{name: "adox", op: 0x2F6, pfx: x86.PfxRep, reg: 0, rm: 1, vexV: -1, sizes: s}, iters, nil)
}

// TestHostCondition checks every SETcc after every flag-producing family
// against the host: the lazy fast paths (JL/JLE/JBE straight from CMP
// operands) must agree with the materialised flags.
func TestHostCondition(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	producers := []icase{
		{name: "cmp", op: 0x39, reg: 0, rm: 1, vexV: -1},
		{name: "sub", op: 0x29, reg: 0, rm: 1, vexV: -1},
		{name: "add", op: 0x01, reg: 0, rm: 1, vexV: -1},
		{name: "adc", op: 0x11, reg: 0, rm: 1, vexV: -1},
		{name: "sbb", op: 0x19, reg: 0, rm: 1, vexV: -1},
		{name: "test", op: 0x85, reg: 0, rm: 1, vexV: -1},
		{name: "inc", op: 0xFF, reg: 0, rm: 1, vexV: -1},
		{name: "dec", op: 0xFF, reg: 1, rm: 1, vexV: -1},
		{name: "neg", op: 0xF7, reg: 3, rm: 1, vexV: -1},
		{name: "shl", op: 0xD3, reg: 4, rm: 0, vexV: -1},
	}
	for _, p := range producers {
		for _, sz := range []uint8{1, 2, 4, 8} {
			pc := p
			if sz == 1 {
				pc.byteOp = true
				pc.op &^= 1
			}
			for i := 0; i < 500; i++ {
				var st nstate
				for k := range st.r {
					st.r[k] = operand(r)
				}
				st.r[1] = st.r[1]&^0xff | uint64(r.IntN(8)) // small CL for shl
				st.fl = 0x202 | r.Uint64()&x86.FlagsArith
				code, in := pc.encode(sz, 0)
				for cc := uint8(0); cc < 16; cc++ {
					// setcc dl appended after the producer
					hwc := append(append([]byte{}, code...), 0x0F, 0x90+cc, 0xC2)
					hw := st
					nativeExec(t, hwc, &hw)
					m := x86.NewMachine(nil, nil, &x86.Config{})
					copy(m.R[:4], st.r[:])
					m.SetFlags(st.fl)
					c := in
					Bind(&c)
					c.Exec(m, &c)
					s := x86.Inst{Op: 0x190 + uint16(cc), Mod: 3, RM: 2, OpSize: 4, AddrSize: 8}
					Bind(&s)
					s.Exec(m, &s)
					j := x86.Inst{Op: 0x70 + uint16(cc), Imm: 16, OpSize: 8, AddrSize: 8}
					Bind(&j)
					m.RIP = 100
					j.Exec(m, &j)
					if uint8(hw.r[2]) != uint8(m.R[2]) || (m.RIP == 116) != (uint8(hw.r[2]) == 1) {
						t.Fatalf("%s size %d cc %x: in %x fl %x host setcc %d emu %d jcc taken %v",
							p.name, sz, cc, st.r, st.fl, uint8(hw.r[2]), uint8(m.R[2]), m.RIP == 116)
					}
				}
			}
		}
	}
}

var _ = fmt.Sprint

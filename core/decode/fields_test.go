package decode

import (
	"math/rand"
	"testing"

	"github.com/blink-go/blink/core/x86"
	"golang.org/x/arch/x86/x86asm"
)

// regNum maps an x86asm register to our encoding number and its width in
// bytes (0 for non-GPRs: XMM registers get width 16).
func regNum(r x86asm.Reg) (num int, width int, ok bool) {
	switch {
	case r >= x86asm.AL && r <= x86asm.BH:
		return int(r - x86asm.AL), 1, true
	case r >= x86asm.SPB && r <= x86asm.R15B:
		return int(r-x86asm.SPB) + 4, 1, true
	case r >= x86asm.AX && r <= x86asm.R15W:
		return int(r - x86asm.AX), 2, true
	case r >= x86asm.EAX && r <= x86asm.R15L:
		return int(r - x86asm.EAX), 4, true
	case r >= x86asm.RAX && r <= x86asm.R15:
		return int(r - x86asm.RAX), 8, true
	case r >= x86asm.X0 && r <= x86asm.X15:
		return int(r - x86asm.X0), 16, true
	case r == x86asm.RIP || r == x86asm.EIP:
		return x86.RegRIP, 8, true
	}
	return 0, 0, false
}

// TestFields checks decoded operands against x86asm's Args for random
// legacy encodings both decoders accept with the same length: the memory
// operand (base, index, scale, displacement, FS/GS), register numbers
// with REX applied, immediates, branch displacements and OpSize.
func TestFields(t *testing.T) {
	r := rand.New(rand.NewSource(2))
	var in x86.Inst
	checked := 0
	for iter := 0; iter < 60000; iter++ {
		m := r.Intn(4)
		b := sweepCase(r, m, byte(r.Intn(256)), false)[:15]
		if err := Decode(&in, b); err != nil {
			continue
		}
		inst, err := x86asm.Decode(b, 64)
		if err != nil || inst.Op == 0 || inst.Len != int(in.Len) {
			continue
		}
		checked++
		fail := func(format string, args ...any) {
			t.Helper()
			t.Errorf("% x (%v): "+format, append([]any{b[:in.Len], inst}, args...)...)
		}
		nimm := 0
		for _, a := range inst.Args {
			switch a := a.(type) {
			case x86asm.Mem:
				if in.Pfx&x86.PfxModRM == 0 && in.Op&0xFC != 0xA0 {
					continue // string instructions: implicit [RSI]/[RDI]
				}
				base, _, okb := regNum(a.Base)
				if !okb {
					base = x86.RegNone
				}
				idx, _, oki := regNum(a.Index)
				if !oki {
					idx = x86.RegNone
				}
				if uint8(base) != in.Base || uint8(idx) != in.Index {
					fail("base/index %d/%d, want %d/%d", in.Base, in.Index, base, idx)
				}
				if oki && a.Scale != 1<<in.Scale {
					fail("scale %d, want %d", 1<<in.Scale, a.Scale)
				}
				disp := in.Disp
				if in.AddrSize == 4 && base != x86.RegRIP {
					disp = int64(int32(disp))
				}
				if disp != a.Disp && uint32(disp) != uint32(a.Disp) {
					fail("disp %#x, want %#x", in.Disp, a.Disp)
				}
				switch a.Segment {
				case x86asm.FS:
					if in.Seg != x86.SegFS {
						fail("seg %d, want FS", in.Seg)
					}
				case x86asm.GS:
					if in.Seg != x86.SegGS {
						fail("seg %d, want GS", in.Seg)
					}
				}
			case x86asm.Reg:
				n, w, ok := regNum(a)
				if !ok {
					continue
				}
				if n != int(in.Reg) && n != int(in.RM) && n > 2 && !(w == 16 && n == 0) {
					fail("register %v (%d) is neither Reg %d nor RM %d", a, n, in.Reg, in.RM)
				}
				// The ModRM reg operand of a one-byte-map instruction has the
				// operand size (except the segment-register moves).
				if m == 0 && in.Pfx&x86.PfxModRM != 0 && n == int(in.Reg) && w >= 2 && w <= 8 &&
					in.Op != 0x8C && in.Op != 0x8E && n != int(in.RM) && int(in.OpSize) != w {
					fail("OpSize %d, reg operand %v", in.OpSize, a)
				}
			case x86asm.Imm:
				if opTable[in.Op].imm == immNone {
					continue // implicit: shift by 1, INT3
				}
				nimm++
				v := uint64(in.Imm)
				if nimm == 2 {
					v = uint64(in.Imm2)
				}
				u := uint64(a)
				if v != u && v&0xFFFFFFFF != u&0xFFFFFFFF && v&0xFFFF != u&0xFFFF && v&0xFF != u&0xFF {
					fail("imm %#x, want %#x", v, u)
				}
			case x86asm.Rel:
				if int64(a) != in.Imm {
					fail("rel %d, want %d", in.Imm, a)
				}
			}
		}
	}
	if checked < 10000 {
		t.Fatalf("only %d instructions checked", checked)
	}
	t.Logf("%d instructions checked", checked)
}

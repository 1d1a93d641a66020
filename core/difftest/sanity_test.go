package difftest

import (
	"encoding/binary"
	"strings"
	"testing"
)

// TestNativeKnown checks the native runner itself against hand-computed
// results, so a broken trampoline (registers not loaded, flags lost, the
// data page not copied back) cannot make every form pass vacuously.
func TestNativeKnown(t *testing.T) {
	nat, err := NewNative()
	if err != nil {
		t.Skip(err)
	}
	defer nat.Close()
	mem := append([]byte(nil), memPattern...)
	var in State
	for i := range in.R {
		in.R[i] = uint64(i) * 0x1111111111111111
	}
	in.R[0], in.R[1] = 1, ^uint64(0)
	in.R[3] = nat.DataAddr() + 0x100
	in.R[4] = nat.DataAddr() + 0x800 // RSP, for the PUSH below
	in.Flags = flagDF | 2
	in.XMM[3] = [2]uint64{0x0123456789abcdef, 0xfedcba9876543210}
	in.MXCSR = 0x1f80 | 3<<13 // round toward zero
	code := []byte{
		0x48, 0x01, 0xc8, // add rax, rcx: 1 + -1 = 0, CF ZF PF AF
		0x48, 0x89, 0x0b, // mov [rbx], rcx
		0x66, 0x0f, 0xef, 0xdb, // pxor xmm3, xmm3
		0x52, // push rdx
	}
	out, outMem := nat.Run(code, &in, mem)
	if out.R[0] != 0 || out.R[4] != in.R[4]-8 {
		t.Errorf("rax %#x rsp %#x", out.R[0], out.R[4])
	}
	if want := uint64(flagCF | flagZF | flagPF | flagAF | flagDF); out.Flags&flagsUser != want {
		t.Errorf("flags %s, want %s", flagString(out.Flags), flagString(want))
	}
	if got := binary.LittleEndian.Uint64(outMem[0x100:]); got != ^uint64(0) {
		t.Errorf("[rbx] = %#x", got)
	}
	if got := binary.LittleEndian.Uint64(outMem[0x7f8:]); got != in.R[2] {
		t.Errorf("pushed %#x, want %#x", got, in.R[2])
	}
	if out.XMM[3] != [2]uint64{} || out.MXCSR != in.MXCSR {
		t.Errorf("xmm3 %x mxcsr %#x", out.XMM[3], out.MXCSR)
	}
	for i := 5; i < 16; i++ {
		if out.R[i] != in.R[i] {
			t.Errorf("%s changed: %#x -> %#x", gprNames[i], in.R[i], out.R[i])
		}
	}
}

// TestCompareCatches makes sure compare reports each kind of difference
// and honours the masks.
func TestCompareCatches(t *testing.T) {
	v := &Vector{InMem: make([]byte, DataSize), OutMem: make([]byte, DataSize), FlagMask: flagsUser, RegMask: 0xffff}
	got, gotMem := v.Out, make([]byte, DataSize)
	if d := v.compare(&got, gotMem); d != nil {
		t.Fatalf("equal states differ: %v", d)
	}
	for _, c := range []struct {
		name string
		mut  func()
		want string
	}{
		{"gpr", func() { got.R[9] = 1 }, "r9"},
		{"flag", func() { got.Flags = flagOF }, "flags"},
		{"xmm", func() { got.XMM[15][1] = 1 }, "xmm15"},
		{"mxcsr", func() { got.MXCSR = 1 }, "mxcsr"},
		{"mem", func() { gotMem[DataSize-1] = 1 }, "mem"},
	} {
		got, gotMem = v.Out, make([]byte, DataSize)
		c.mut()
		d := v.compare(&got, gotMem)
		if len(d) != 1 || !strings.HasPrefix(d[0], c.want) {
			t.Errorf("%s: got %v", c.name, d)
		}
	}
	got = v.Out
	got.Flags = flagAF
	got.R[3] = 7
	v.FlagMask &^= flagAF
	v.RegMask &^= 1 << 3
	if d := v.compare(&got, make([]byte, DataSize)); d != nil {
		t.Errorf("masked differences reported: %v", d)
	}
}

// TestVectorRoundTrip checks the file format keeps every field.
func TestVectorRoundTrip(t *testing.T) {
	r := &rng{s: 42}
	var vs []*Vector
	for i, fm := range Forms()[:40] {
		v := fm.generate(r, i, 0x7000_0000_0000, 0x7000_0000_2000)
		v.Out, v.OutMem = v.In, v.InMem
		v.Out.R[0]++
		vs = append(vs, v)
	}
	path := t.TempDir() + "/v.gob.gz"
	if err := WriteVectors(path, "test", vs); err != nil {
		t.Fatal(err)
	}
	back, err := ReadVectors(path)
	if err != nil {
		t.Fatal(err)
	}
	for i := range vs {
		a, b := vs[i], back[i]
		if a.Form != b.Form || string(a.Code) != string(b.Code) || a.In != b.In || a.Out != b.Out ||
			string(a.InMem) != string(b.InMem) || a.FlagMask != b.FlagMask || a.RegMask != b.RegMask {
			t.Fatalf("vector %d (%s) changed in the round trip", i, a.Form)
		}
	}
}

// TestEncodings checks the generator's encoder against x86asm: every form
// must produce bytes that decode to one instruction of the expected
// length (a mis-encoded form would test something else, or crash natively).
func TestEncodings(t *testing.T) {
	r := &rng{s: 7}
	for _, fm := range Forms() {
		if strings.HasPrefix(fm.name, "ADCX") || strings.HasPrefix(fm.name, "ADOX") {
			continue // x86asm does not know ADX
		}
		for i := range 50 {
			v := fm.generate(r, i, 0x7000_0000_0000, 0x7000_0000_2000)
			if d := Disasm(v.Code, v.CodeAddr); strings.Contains(d, "?") || strings.Contains(d, ";") {
				t.Errorf("%s: % x decodes as %q", fm.name, v.Code, d)
				break
			}
		}
	}
}

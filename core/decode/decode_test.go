package decode

import (
	"bytes"
	"encoding/hex"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/blink-go/blink/core/x86"
)

func mustHex(s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		panic(err)
	}
	return b
}

// TestRules covers the field rules x86asm cannot check: operand-size
// defaults (SDM vol. 1 §3.6.1 table 3-4, vol. 2 §2.2.1.7), VEX folding,
// moffs and ENTER immediates, RIP-relative and SIB corner cases.
func TestRules(t *testing.T) {
	tests := []struct {
		hex  string
		want x86.Inst
	}{
		{"50", x86.Inst{Op: 0x50, OpSize: 8, Mod: 3, RM: 0}},                // PUSH RAX
		{"6641 50", x86.Inst{Op: 0x50, OpSize: 2, Mod: 3, RM: 8}},           // PUSH R8W
		{"66e8 00000000", x86.Inst{Op: 0xE8, OpSize: 8, Mod: 3}},            // Intel ignores 66 on CALL
		{"6648 01c0", x86.Inst{Op: 0x01, OpSize: 8, Mod: 3}},                // REX.W beats 66
		{"ff 34 24", x86.Inst{Op: 0xFF, OpSize: 8, Reg: 6, RM: 4, Base: 4}}, // PUSH [RSP]
		{"66ff d0", x86.Inst{Op: 0xFF, OpSize: 8, Mod: 3, Reg: 2}},          // CALL RAX
		{"48b8 8877665544332211", x86.Inst{Op: 0xB8, OpSize: 8, Mod: 3, Imm: 0x1122334455667788}},
		{"66b8 ffff", x86.Inst{Op: 0xB8, OpSize: 2, Mod: 3, Imm: -1}},
		{"a1 0800000000000080", x86.Inst{Op: 0xA1, OpSize: 4, Disp: -0x7ffffffffffffff8}},
		{"67a1 f0ffffff", x86.Inst{Op: 0xA1, OpSize: 4, Disp: 0xfffffff0, AddrSize: 4}},
		{"c8 1000 02", x86.Inst{Op: 0xC8, OpSize: 8, Mod: 3, Imm: 16, Imm2: 2}},
		{"8b 05 f0ffffff", x86.Inst{Op: 0x8B, OpSize: 4, RM: 5, Base: x86.RegRIP, Disp: -16}},
		{"42 8b 04 25 10000000", x86.Inst{Op: 0x8B, OpSize: 4, RM: 4, Base: x86.RegNone, Index: 12, Disp: 16}},
		{"41 8b 04 24", x86.Inst{Op: 0x8B, OpSize: 4, RM: 12, Base: 12}},
		{"41 8b 45 00", x86.Inst{Op: 0x8B, OpSize: 4, RM: 13, Base: 13, Mod: 1}},
		{"64 48 8b 04 25 28000000", x86.Inst{Op: 0x8B, OpSize: 8, Base: x86.RegNone, RM: 4, Disp: 0x28, Seg: x86.SegFS}},
		{"65 3e 8b 00", x86.Inst{Op: 0x8B, OpSize: 4, Base: 0, Seg: x86.SegGS}},
		{"0f 20 00", x86.Inst{Op: 0x120, OpSize: 8, Mod: 3}},                             // MOV RAX,CR0: mod ignored
		{"c4e2f8 f2 c1", x86.Inst{Op: 0x2F2, OpSize: 8, Mod: 3, RM: 1, VexV: 0}},         // ANDN RAX,RAX,RCX
		{"c4e278 f2 c1", x86.Inst{Op: 0x2F2, OpSize: 4, Mod: 3, RM: 1}},                  // ANDN EAX,EAX,ECX
		{"c5 f5 fe c2", x86.Inst{Op: 0x1FE, OpSize: 4, Mod: 3, RM: 2, VexV: 1, VexL: 1}}, // VPADDD ymm0,ymm1,ymm2
		{"f3 f2 0f 10 c1", x86.Inst{Op: 0x110, OpSize: 4, Mod: 3, RM: 1}},                // last of F2/F3 wins
		{"0f 38 f1 07", x86.Inst{Op: 0x2F1, OpSize: 4, RM: 7, Base: 7}},                  // MOVBE
		{"f6 c3 7f", x86.Inst{Op: 0xF6, OpSize: 4, Mod: 3, RM: 3, Imm: 127}},             // TEST BL,7F
		{"f6 d3", x86.Inst{Op: 0xF6, OpSize: 4, Mod: 3, Reg: 2, RM: 3}},                  // NOT BL
		{"66 f7 c3 ff7f", x86.Inst{Op: 0xF7, OpSize: 2, Mod: 3, RM: 3, Imm: 0x7fff}},
		{"0f 85 feffffff", x86.Inst{Op: 0x185, OpSize: 8, Mod: 3, Imm: -2}},
	}
	for _, tt := range tests {
		b := mustHex(string(bytes.ReplaceAll([]byte(tt.hex), []byte(" "), nil)))
		var in x86.Inst
		in.Aux, in.Imm = 99, 99 // Decode must reset everything
		if err := Decode(&in, b); err != nil {
			t.Errorf("%s: %v", tt.hex, err)
			continue
		}
		w := tt.want
		if w.AddrSize == 0 {
			w.AddrSize = 8
		}
		if w.Base == 0 && w.Mod == 3 || in.Pfx&x86.PfxModRM == 0 && w.Base == 0 {
			w.Base = x86.RegNone
		}
		if w.Index == 0 {
			w.Index = x86.RegNone
		}
		w.Len, w.Pfx, w.Rex = in.Len, in.Pfx, in.Rex
		if w.Scale == 0 {
			w.Scale = in.Scale
		}
		if !reflect.DeepEqual(in, w) || int(in.Len) != len(b) {
			t.Errorf("%s:\n got %+v\nwant %+v", tt.hex, in, w)
		}
	}
}

func TestErrors(t *testing.T) {
	tests := []struct {
		hex string
		err error
	}{
		{"", ErrTruncated},
		{"66", ErrTruncated},
		{"0f", ErrTruncated},
		{"8b", ErrTruncated},
		{"8b04", ErrTruncated},
		{"e8000000", ErrTruncated},
		{"48b8 00000000000000", ErrTruncated},
		{"c5", ErrTruncated},
		{"6666666666666666666666666666 90", ErrInvalid}, // 15 bytes: 14 prefixes + NOP is fine, see below
		{"666666666666666666666666666666 90", ErrInvalid},
		{"66666666666666666666 48 c7 00 00000000", ErrInvalid}, // 16 bytes
		{"f0 01 c0", ErrInvalid},                               // LOCK with register destination
		{"f0 03 00", ErrInvalid},                               // LOCK with register destination (memory source)
		{"f0 39 00", ErrInvalid},                               // CMP is not lockable
		{"66 c5 f8 77", ErrInvalid},                            // VEX after 66
		{"48 c5 f8 77", ErrInvalid},                            // VEX after REX
		{"62 f1 7c 48 10 00", ErrInvalid},                      // EVEX
		{"06", ErrInvalid}, {"27", ErrInvalid}, {"60", ErrInvalid}, {"82 c0 01", ErrInvalid},
		{"9a", ErrInvalid}, {"ce", ErrInvalid}, {"d4 0a", ErrInvalid}, {"d6", ErrInvalid}, {"ea", ErrInvalid},
		{"8d c0", ErrInvalid},    // LEA with a register operand
		{"0f c7 c8", ErrInvalid}, // CMPXCHG8B with a register operand
		{"ff f8", ErrInvalid},    // FF /7
	}
	for _, tt := range tests {
		b := mustHex(string(bytes.ReplaceAll([]byte(tt.hex), []byte(" "), nil)))
		var in x86.Inst
		err := Decode(&in, b)
		if tt.hex == "6666666666666666666666666666 90" {
			if err != nil || in.Len != 15 {
				t.Errorf("%s: 15-byte instruction: %v len %d", tt.hex, err, in.Len)
			}
			continue
		}
		if err != tt.err {
			t.Errorf("%s: got %v, want %v", tt.hex, err, tt.err)
		}
		if err != nil && !EndsBlock(&in) {
			t.Errorf("%s: failed decode must end the block", tt.hex)
		}
		if n, lerr := Length(b); lerr != err || err == nil && n != int(in.Len) {
			t.Errorf("%s: Length = %d, %v", tt.hex, n, lerr)
		}
	}
}

func TestEndsBlock(t *testing.T) {
	tests := []struct {
		hex  string
		want bool
	}{
		{"74 00", true}, {"0f 84 00000000", true}, {"eb 00", true}, {"e9 00000000", true},
		{"e8 00000000", true}, {"c3", true}, {"c2 0800", true}, {"e2 fe", true}, {"e3 00", true},
		{"ff d0", true}, {"ff 10", true}, {"ff e0", true}, {"ff 28", true}, {"48 cf", true},
		{"0f 05", true}, {"cc", true}, {"cd 80", true}, {"f4", true}, {"0f 0b", true},
		{"0f b9 00", true}, {"0f ff 00", true}, {"0f a2", true}, {"0f 01 d0", true}, {"9d", true},
		{"c7 f8 00000000", true},
		{"0f 01 f9", false}, {"ff c0", false}, {"ff 30", false}, {"90", false}, {"9c", false},
		{"48 89 e5", false}, {"0f 31", false}, {"c5 f8 77", false}, {"0f ae e8", false},
	}
	for _, tt := range tests {
		b := mustHex(string(bytes.ReplaceAll([]byte(tt.hex), []byte(" "), nil)))
		var in x86.Inst
		if err := Decode(&in, b); err != nil {
			t.Errorf("%s: %v", tt.hex, err)
			continue
		}
		if got := EndsBlock(&in); got != tt.want {
			t.Errorf("%s: EndsBlock = %v, want %v", tt.hex, got, tt.want)
		}
	}
}

// TestTruncation: every prefix of a valid instruction is ErrTruncated.
func TestTruncation(t *testing.T) {
	for _, h := range []string{"64 48 8b 04 25 28000000", "c4e2f8f2c1", "48b8 8877665544332211", "0f3a0f c1 08", "c8 1000 02"} {
		b := mustHex(string(bytes.ReplaceAll([]byte(h), []byte(" "), nil)))
		for n := 0; n < len(b); n++ {
			var in x86.Inst
			if err := Decode(&in, b[:n]); err != ErrTruncated {
				t.Errorf("%s[:%d]: %v", h, n, err)
			}
		}
	}
}

// FuzzDecode: never panics, Len within bounds, Length consistent, and a
// valid decode of b is a valid decode of b with trailing bytes cut.
func FuzzDecode(f *testing.F) {
	for _, h := range []string{"90", "64488b042528000000", "c4e2f8f2c1", "f00fc70f", "66e800000000", "0f01d0", "d9d0"} {
		f.Add(mustHex(h))
	}
	files, _ := filepath.Glob("testdata/fuzzcases/*.hex")
	for _, fn := range files {
		data, err := os.ReadFile(fn)
		if err == nil {
			f.Add(mustHex(string(bytes.TrimSpace(data))))
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) > 15 {
			b = b[:15]
		}
		var in x86.Inst
		err := Decode(&in, b)
		if err != nil {
			return
		}
		if in.Len == 0 || in.Len > 15 || int(in.Len) > len(b) {
			t.Fatalf("% x: bad Len %d", b, in.Len)
		}
		var in2 x86.Inst
		if err := Decode(&in2, b[:in.Len]); err != nil || !reflect.DeepEqual(in2, in) {
			t.Fatalf("% x: exact-length decode differs: %v", b, err)
		}
		if n, err := Length(b); err != nil || n != int(in.Len) {
			t.Fatalf("% x: Length %d %v", b, n, err)
		}
	})
}

// benchCode is a realistic instruction mix: a libc-like function body.
var benchCode = mustHex("f30f1efa" + "55" + "4889e5" + "4157" + "4156" + "53" + "4883ec28" + "64488b042528000000" +
	"488945d8" + "31c0" + "85ff" + "0f8e10000000" + "488b1d00000000" + "8b0c8b" + "4801c8" + "ffc7" +
	"39f7" + "7cf2" + "c5f96fc1" + "660fefc0" + "f30f6f06" + "e800000000" + "488b45d8" + "c9" + "c3")

func BenchmarkDecode(b *testing.B) {
	var in x86.Inst
	b.ReportAllocs()
	n := 0
	for i := 0; i < b.N; i++ {
		code := benchCode
		for len(code) > 0 {
			if err := Decode(&in, code[:min(15, len(code))]); err != nil {
				b.Fatal(err)
			}
			code = code[in.Len:]
			n++
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(n), "ns/inst")
}

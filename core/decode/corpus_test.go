package decode

import (
	"debug/elf"
	"os"
	"os/exec"
	"testing"

	"github.com/blink-go/blink/core/x86"
)

var corpus = []string{"/bin/ls", "/usr/bin/gcc", "/usr/lib/x86_64-linux-gnu/libc.so.6"}

// TestCorpus decodes every instruction objdump finds in the executable
// sections of real binaries (objdump resynchronises at each symbol) and
// requires the same length. x86asm is consulted too and must agree unless
// objdump and we agree against it for a reason allowDiff accepts.
func TestCorpus(t *testing.T) {
	if testing.Short() {
		t.Skip("corpus disassembly is slow")
	}
	for _, path := range corpus {
		t.Run(path, func(t *testing.T) {
			if _, err := os.Stat(path); err != nil {
				t.Skip(err)
			}
			f, err := elf.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			out, err := exec.Command("objdump", "-d", "-M", "intel64,intel", "--insn-width=16", path).Output()
			if err != nil {
				t.Skipf("objdump: %v", err)
			}
			secs := map[*elf.Section][]byte{}
			bytesAt := func(addr uint64) []byte {
				for _, s := range f.Sections {
					if s.Flags&elf.SHF_EXECINSTR == 0 || addr < s.Addr || addr >= s.Addr+s.Size {
						continue
					}
					data, ok := secs[s]
					if !ok {
						data, _ = s.Data()
						secs[s] = data
					}
					off := addr - s.Addr
					return data[off:min(uint64(len(data)), off+15)]
				}
				return nil
			}
			var in x86.Inst
			n, bad, asmDiff := 0, 0, 0
			for _, l := range parseObjdump(out) {
				if objdumpBad(l.text) {
					continue
				}
				b := bytesAt(l.addr)
				if b == nil {
					continue
				}
				n++
				if err := Decode(&in, b); err != nil || int(in.Len) != l.len {
					d := sweepDiff{b: b, mine: -1, asm: asmLen(b), obj: objdumpResult{len: l.len, text: l.text}}
					if err == nil {
						d.mine = int(in.Len)
					}
					if r := allowDiff(&d); r != "" {
						continue
					}
					bad++
					if bad < 30 {
						t.Errorf("%#x % x: got len %d err %v; objdump %d %q", l.addr, b, in.Len, err, l.len, l.text)
					}
					continue
				}
				if asmLen(b) != l.len {
					asmDiff++
				}
			}
			t.Logf("%s: %d instructions, %d differ from objdump, %d where only x86asm differs", path, n, bad, asmDiff)
			if n == 0 {
				t.Error("no instructions found")
			}
		})
	}
}

package decode

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// objdumpResult is binutils' view of one instruction.
type objdumpResult struct {
	len  int
	bad  bool   // "(bad)" or an unknown/invalid mnemonic
	text string // mnemonic and operands
}

// objdumpSlot is the spacing of candidates in the flat binary handed to
// objdump: 15 candidate bytes then 17 one-byte NOPs, enough for objdump
// to be back in step at the next slot whatever length it decoded.
const objdumpSlot = 32

// objdumpBatch asks objdump (with Intel64 rather than AMD64 semantics,
// which matters for 66 on near branches) for the first instruction of
// each candidate. It skips the test when objdump is not installed.
func objdumpBatch(t *testing.T, cands [][]byte) []objdumpResult {
	t.Helper()
	path, err := exec.LookPath("objdump")
	if err != nil {
		t.Skip("objdump not installed")
	}
	img := bytes.Repeat([]byte{0x90}, len(cands)*objdumpSlot)
	for i, c := range cands {
		if len(c) > 15 {
			c = c[:15]
		}
		copy(img[i*objdumpSlot:], c)
	}
	f := filepath.Join(t.TempDir(), "cands.bin")
	if err := os.WriteFile(f, img, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(path, "-D", "-b", "binary", "-m", "i386:x86-64", "-M", "intel64,intel",
		"--insn-width=16", f).Output()
	if err != nil {
		t.Fatalf("objdump: %v", err)
	}
	res := make([]objdumpResult, len(cands))
	for i := range res {
		res[i].len = -1
	}
	for _, l := range parseObjdump(out) {
		if l.addr%objdumpSlot != 0 || int(l.addr/objdumpSlot) >= len(cands) {
			continue
		}
		res[l.addr/objdumpSlot] = objdumpResult{len: l.len, bad: objdumpBad(l.text), text: l.text}
	}
	return res
}

type objdumpLine struct {
	addr uint64
	len  int
	text string
}

// parseObjdump reads the "addr:\tbytes\ttext" lines of objdump -d output.
func parseObjdump(out []byte) []objdumpLine {
	var lines []objdumpLine
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		parts := strings.SplitN(sc.Text(), "\t", 3)
		if len(parts) < 2 || !strings.HasSuffix(parts[0], ":") {
			continue
		}
		addr, err := strconv.ParseUint(strings.TrimSpace(strings.TrimSuffix(parts[0], ":")), 16, 64)
		if err != nil {
			continue
		}
		n := len(strings.Fields(parts[1]))
		text := ""
		if len(parts) == 3 {
			text = strings.TrimSpace(parts[2])
		}
		lines = append(lines, objdumpLine{addr, n, text})
	}
	return lines
}

func objdumpBad(text string) bool {
	return strings.Contains(text, "(bad)") || strings.HasPrefix(text, ".byte")
}

//go:build linux && amd64

package loader

// Oracle tests: the same executables run natively under the host kernel
// with address randomization off (setarch -R), and what the kernel built
// is compared with what Load builds.

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/blink-go/blink/core/abi"
)

func needNative(t *testing.T, tools ...string) {
	t.Helper()
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not available: %v", tool, err)
		}
	}
	// setarch -R needs personality(ADDR_NO_RANDOMIZE) to be allowed.
	if out, err := exec.Command("setarch", "-R", "true").CombinedOutput(); err != nil {
		t.Skipf("setarch -R does not work here: %v %s", err, out)
	}
}

// dumpSource prints the initial stack, from RSP to the top of the 47-bit
// address space, on stdout, then exits.
const dumpSource = `
.globl _start
_start:
	mov %rsp, %rsi
	movabs $0x7ffffffff000, %rdx
	sub %rsi, %rdx
	mov $1, %edi
1:	mov $1, %eax
	syscall
	test %rax, %rax
	jle 2f
	add %rax, %rsi
	sub %rax, %rdx
	jnz 1b
2:	mov $60, %eax
	xor %edi, %edi
	syscall
`

func buildDump(t *testing.T, extra ...string) string {
	t.Helper()
	dir := t.TempDir()
	src := filepath.Join(dir, "dump.S")
	if err := os.WriteFile(src, []byte(dumpSource), 0o644); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "dump")
	args := append([]string{"-nostdlib", "-o", bin, src}, extra...)
	if out, err := exec.Command("gcc", args...).CombinedOutput(); err != nil {
		t.Skipf("gcc %v failed: %v %s", extra, err, out)
	}
	return bin
}

// TestNativeStackExact compares the whole initial stack of a static
// executable byte for byte with the one the kernel builds.
func TestNativeStackExact(t *testing.T) {
	needNative(t, "gcc", "setarch")
	bin := buildDump(t, "-static", "-no-pie")
	for _, tc := range []struct {
		argv, envp []string
	}{
		{[]string{bin, "arg1", "two words", ""}, []string{"A=1", "HOME=/nowhere", "LONG=" + strings.Repeat("z", 301)}},
		{[]string{bin}, nil},
		{[]string{bin, "x"}, []string{"Y=2"}},
	} {
		cmd := exec.Command("setarch", "-R", bin)
		cmd.Args = append([]string{"setarch", "-R"}, tc.argv...)
		cmd.Env = tc.envp
		if tc.envp == nil {
			cmd.Env = []string{}
		}
		native, err := cmd.Output()
		if err != nil {
			t.Fatalf("native run: %v", err)
		}
		nsp := top - uint64(len(native))
		at := func(a uint64) uint64 { return binary.LittleEndian.Uint64(native[a-nsp:]) }
		// Find the auxv: skip argc, argv, NULL, envp, NULL.
		a := nsp + 8 + (at(nsp)+1)*8
		for at(a) != 0 {
			a += 8
		}
		a += 8
		aux := map[uint64]uint64{}
		for ; at(a) != abi.AT_NULL; a += 16 {
			aux[at(a)] = at(a + 8)
		}
		rnd := fixedRandom{}
		copy(rnd[:], native[aux[abi.AT_RANDOM]-nsp:])
		s := newSpace(t)
		p := Params{
			Space: s, Open: hostOpen(t), Path: bin, Argv: tc.argv, Envp: tc.envp, Random: &rnd,
			HWCap: aux[abi.AT_HWCAP], HWCap2: aux[abi.AT_HWCAP2], MinSigStkSz: aux[abi.AT_MINSIGSTKSZ],
			SysinfoEhdr: aux[abi.AT_SYSINFO_EHDR], RSeqFeatureSize: aux[abi.AT_RSEQ_FEATURE_SIZE],
			RSeqAlign: aux[abi.AT_RSEQ_ALIGN], UID: uint32(aux[abi.AT_UID]), EUID: uint32(aux[abi.AT_EUID]),
			GID: uint32(aux[abi.AT_GID]), EGID: uint32(aux[abi.AT_EGID]), Secure: aux[abi.AT_SECURE] != 0,
		}
		img := mustLoad(t, p)
		if img.SP != nsp {
			t.Errorf("argv %q: sp %#x, kernel %#x", tc.argv, img.SP, nsp)
		}
		ours := make([]byte, top-img.SP)
		if e := s.CopyIn(img.SP, ours); e != 0 {
			t.Fatal(e)
		}
		if !bytes.Equal(ours, native) {
			for i := range min(len(ours), len(native)) {
				if ours[i] != native[i] {
					t.Errorf("argv %q: stacks differ first at offset %#x from the top (ours %#x, kernel %#x)",
						tc.argv, len(native)-i, ours[i], native[i])
					break
				}
			}
			t.Errorf("argv %q: stack mismatch (%d vs %d bytes)", tc.argv, len(ours), len(native))
		}
		if img.Entry != aux[abi.AT_ENTRY] || img.Phdr != aux[abi.AT_PHDR] {
			t.Errorf("entry %#x phdr %#x, kernel %#x %#x", img.Entry, img.Phdr, aux[abi.AT_ENTRY], aux[abi.AT_PHDR])
		}
	}
}

// showAuxv runs path natively with LD_SHOW_AUXV=1 and returns the auxv
// keys in order and the values as printed.
func showAuxv(t *testing.T, path string, argv []string) (keys []uint64, vals map[uint64]string) {
	cmd := exec.Command("setarch", append([]string{"-R", path}, argv[1:]...)...)
	cmd.Env = []string{"LD_SHOW_AUXV=1"}
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("native %s: %v", path, err)
	}
	names := map[string]uint64{
		"AT_SYSINFO_EHDR": abi.AT_SYSINFO_EHDR, "AT_MINSIGSTKSZ": abi.AT_MINSIGSTKSZ, "AT_HWCAP": abi.AT_HWCAP,
		"AT_PAGESZ": abi.AT_PAGESZ, "AT_CLKTCK": abi.AT_CLKTCK, "AT_PHDR": abi.AT_PHDR, "AT_PHENT": abi.AT_PHENT,
		"AT_PHNUM": abi.AT_PHNUM, "AT_BASE": abi.AT_BASE, "AT_FLAGS": abi.AT_FLAGS, "AT_ENTRY": abi.AT_ENTRY,
		"AT_UID": abi.AT_UID, "AT_EUID": abi.AT_EUID, "AT_GID": abi.AT_GID, "AT_EGID": abi.AT_EGID,
		"AT_SECURE": abi.AT_SECURE, "AT_RANDOM": abi.AT_RANDOM, "AT_HWCAP2": abi.AT_HWCAP2,
		"AT_EXECFN": abi.AT_EXECFN, "AT_PLATFORM": abi.AT_PLATFORM,
		"AT_RSEQ_FEATURE_SIZE": abi.AT_RSEQ_FEATURE_SIZE, "AT_RSEQ_ALIGN": abi.AT_RSEQ_ALIGN,
	}
	vals = map[uint64]string{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		line := sc.Text()
		name, val, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		key, known := names[name]
		if known && key == abi.AT_SYSINFO_EHDR {
			// setarch is dynamic too: keep only the last program's block.
			keys, vals = nil, map[uint64]string{}
		}
		if !known {
			// glibc prints unknown keys as "AT_??? (0x1b): 0x1c".
			if h, ok := strings.CutPrefix(name, "AT_??? (0x"); ok {
				v, err := strconv.ParseUint(strings.TrimSuffix(h, ")"), 16, 64)
				if err != nil {
					t.Fatalf("parsing %q", line)
				}
				key = v
			} else {
				t.Fatalf("unknown auxv line %q", line)
			}
		}
		keys = append(keys, key)
		vals[key] = strings.TrimSpace(val)
	}
	return keys, vals
}

func parseNum(s string) uint64 {
	if h, ok := strings.CutPrefix(s, "0x"); ok {
		v, _ := strconv.ParseUint(h, 16, 64)
		return v
	}
	if v, err := strconv.ParseUint(s, 10, 64); err == nil {
		return v
	}
	v, _ := strconv.ParseUint(s, 16, 64) // AT_HWCAP is printed in hex without 0x
	return v
}

// TestNativeDynamic loads the host's /bin/true (PIE with PT_INTERP) and
// compares the auxv with what the kernel gives it: the same keys in the
// same order and the same addresses, including where ld.so is placed.
func TestNativeDynamic(t *testing.T) {
	needNative(t, "setarch")
	const path = "/bin/true"
	if _, err := os.Stat(path); err != nil {
		t.Skip(err)
	}
	argv := []string{path, "--x"}
	keys, vals := showAuxv(t, path, argv)
	s := newSpace(t)
	p := params(s, hostOpen(t), path, argv, []string{"LD_SHOW_AUXV=1"})
	p.SysinfoEhdr = parseNum(vals[abi.AT_SYSINFO_EHDR])
	if _, ok := vals[abi.AT_RSEQ_ALIGN]; ok {
		p.RSeqFeatureSize, p.RSeqAlign = parseNum(vals[abi.AT_RSEQ_FEATURE_SIZE]), parseNum(vals[abi.AT_RSEQ_ALIGN])
	}
	img := mustLoad(t, p)
	g := readStack(t, s, img.SP)
	var ours []uint64
	for _, kv := range g.auxv[:len(g.auxv)-1] {
		ours = append(ours, kv[0])
	}
	if !reflect.DeepEqual(ours, keys) {
		t.Errorf("auxv keys %v, kernel %v", ours, keys)
	}
	for _, k := range []uint64{abi.AT_PHDR, abi.AT_PHENT, abi.AT_PHNUM, abi.AT_ENTRY, abi.AT_PAGESZ,
		abi.AT_CLKTCK, abi.AT_FLAGS, abi.AT_RANDOM, abi.AT_BASE} {
		if v, _ := g.aux(k); v != parseNum(vals[k]) {
			t.Errorf("auxv key %d = %#x, kernel %s", k, v, vals[k])
		}
	}
	if img.Interp != "/lib64/ld-linux-x86-64.so.2" || img.Kind != KindDynamic {
		t.Errorf("interp %q kind %v", img.Interp, img.Kind)
	}
	if v, _ := g.aux(abi.AT_EXECFN); v == 0 {
		t.Errorf("no AT_EXECFN")
	} else if str, _ := s.ReadCString(v, 100); str != vals[abi.AT_EXECFN] {
		t.Errorf("AT_EXECFN %q, kernel %q", str, vals[abi.AT_EXECFN])
	}
	if v, _ := g.aux(abi.AT_PLATFORM); v == 0 {
		t.Errorf("no AT_PLATFORM")
	} else if str, _ := s.ReadCString(v, 100); str != vals[abi.AT_PLATFORM] {
		t.Errorf("AT_PLATFORM %q, kernel %q", str, vals[abi.AT_PLATFORM])
	}
	if !reflect.DeepEqual(g.argv, argv) || !reflect.DeepEqual(g.envp, p.Envp) {
		t.Errorf("argv %q envp %q", g.argv, g.envp)
	}
}

// TestNativeLdso runs the ELF interpreter itself as the program, as
// "ld.so --help" does: an ET_DYN without PT_INTERP.
func TestNativeLdso(t *testing.T) {
	const path = "/lib64/ld-linux-x86-64.so.2"
	if _, err := os.Stat(path); err != nil {
		t.Skip(err)
	}
	s := newSpace(t)
	img := mustLoad(t, params(s, hostOpen(t), path, []string{path, "--help"}, nil))
	if img.Kind != KindStaticPIE || img.Base != 0 || img.Entry>>12 < 0x555555554 {
		t.Errorf("kind %v base %#x entry %#x", img.Kind, img.Base, img.Entry)
	}
	var b [4]byte
	if s.CopyIn(img.Phdr-0x40, b[:]) != 0 || string(b[:]) != abi.ELFMAG {
		t.Errorf("AT_PHDR %#x does not follow the ELF header", img.Phdr)
	}
}

// TestNativeStaticPIE loads a static PIE built on the host.
func TestNativeStaticPIE(t *testing.T) {
	needNative(t, "gcc")
	bin := buildDump(t, "-static-pie", "-fPIE")
	s := newSpace(t)
	img := mustLoad(t, params(s, hostOpen(t), bin, []string{bin}, nil))
	if img.Kind != KindStaticPIE || img.Phdr != 0x555555554040 {
		t.Errorf("kind %v phdr %#x", img.Kind, img.Phdr)
	}
}

// nativeOutcome executes path and classifies the result like elfCase.native.
func nativeOutcome(path string) string {
	cmd := exec.Command(path)
	err := cmd.Run()
	if err == nil {
		return "ok"
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			return "signal"
		}
		return "exit " + strconv.Itoa(ee.ExitCode())
	}
	var errno syscall.Errno
	if errors.As(err, &errno) {
		return abi.Errno(errno).Error()
	}
	return err.Error()
}

// TestNativeErrors runs every handcrafted case under the host kernel and
// checks the "native" column of the table, so the expectations of
// TestELFCases are anchored to what Linux really does.
func TestNativeErrors(t *testing.T) {
	for _, tc := range elfCases {
		if tc.native == "" {
			continue
		}
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			for n, b := range tc.files(dir) {
				if err := os.WriteFile(filepath.Join(dir, n), b, 0o755); err != nil {
					t.Fatal(err)
				}
			}
			got := nativeOutcome(filepath.Join(dir, "prog"))
			if got == "ELIBBAD" || got == "errno 80" {
				got = "ELIBBAD"
			}
			if got != tc.native {
				t.Errorf("kernel: %s, table says %s", got, tc.native)
			}
			if tc.deviation == "" && tc.errno != 0 && tc.native != "signal" && tc.native != got {
				t.Errorf("loader errno %v differs from the kernel's %s", tc.errno, got)
			}
			if tc.deviation == "" && tc.native != "signal" && tc.native != "ok" && tc.errno.Error() != tc.native &&
				!(tc.errno == eLIBBAD && tc.native == "ELIBBAD") {
				t.Errorf("loader errno %v but kernel %s and no deviation noted", tc.errno, tc.native)
			}
		})
	}
}

// nativeStack runs argv natively (no randomization) and returns the stack
// image the kernel built and its auxv.
func nativeStack(t *testing.T, path string, argv, envp []string) ([]byte, map[uint64]uint64, error) {
	t.Helper()
	cmd := exec.Command("setarch", "-R", path)
	cmd.Args = append([]string{"setarch", "-R", path}, argv[1:]...)
	cmd.Env = append([]string{}, envp...)
	native, err := cmd.Output()
	if err != nil {
		return nil, nil, err
	}
	nsp := top - uint64(len(native))
	at := func(a uint64) uint64 { return binary.LittleEndian.Uint64(native[a-nsp:]) }
	a := nsp + 8 + (at(nsp)+1)*8
	for at(a) != 0 {
		a += 8
	}
	a += 8
	aux := map[uint64]uint64{}
	for ; at(a) != abi.AT_NULL; a += 16 {
		aux[at(a)] = at(a + 8)
	}
	return native, aux, nil
}

func paramsLike(s Space, path string, argv, envp []string, native []byte, aux map[uint64]uint64, open func(string) (File, error)) Params {
	rnd := fixedRandom{}
	copy(rnd[:], native[aux[abi.AT_RANDOM]-(top-uint64(len(native))):])
	return Params{
		Space: s, Open: open, Path: path, Argv: argv, Envp: envp, Random: &rnd,
		HWCap: aux[abi.AT_HWCAP], HWCap2: aux[abi.AT_HWCAP2], MinSigStkSz: aux[abi.AT_MINSIGSTKSZ],
		SysinfoEhdr: aux[abi.AT_SYSINFO_EHDR], RSeqFeatureSize: aux[abi.AT_RSEQ_FEATURE_SIZE],
		RSeqAlign: aux[abi.AT_RSEQ_ALIGN], UID: uint32(aux[abi.AT_UID]), EUID: uint32(aux[abi.AT_EUID]),
		GID: uint32(aux[abi.AT_GID]), EGID: uint32(aux[abi.AT_EGID]), Secure: aux[abi.AT_SECURE] != 0,
	}
}

// TestNativeScripts runs #! scripts whose final interpreter is the stack
// dumper, so the kernel's binfmt_script argv rewriting and the recursion
// limit are compared byte for byte.
func TestNativeScripts(t *testing.T) {
	needNative(t, "gcc", "setarch")
	bin := buildDump(t, "-static", "-no-pie")
	dir := t.TempDir()
	for _, tc := range []struct {
		name, line string
	}{
		{"plain", "#!" + bin + "\n"},
		{"arg", "#! " + bin + "  -a  -b \t\n"},
		{"tab", "#!\t" + bin + "\t-x\n"},
		{"no newline", "#!" + bin + " -q"},
		{"nul", "#!" + bin + " a\x00b\n"},
		{"truncated arg", "#!" + bin + " " + strings.Repeat("y", 300)},
		{"truncated name", "#!" + bin + strings.Repeat("/", 300)},
		{"empty", "#!  \n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			script := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "_"))
			if err := os.WriteFile(script, []byte(tc.line+"\nbody\n"), 0o755); err != nil {
				t.Fatal(err)
			}
			argv := []string{"argv0", "one"}
			s := newSpace(t)
			// Exec errors are taken from a direct execve (setarch's
			// execvp would retry an ENOEXEC file with /bin/sh).
			if out := nativeOutcome(script); out != "ok" {
				_, err := Load(params(s, hostOpen(t), script, argv, []string{"E=1"}))
				if got := errnoOf(t, err); got.Error() != out {
					t.Errorf("errno %v, kernel %s", got, out)
				}
				return
			}
			native, aux, nerr := nativeStack(t, script, argv, []string{"E=1"})
			if nerr != nil {
				t.Fatalf("native: %v", nerr)
			}
			// setarch passes the script path as argv[0].
			argv[0] = script
			img := mustLoad(t, paramsLike(s, script, argv, []string{"E=1"}, native, aux, hostOpen(t)))
			ours := make([]byte, top-img.SP)
			if e := s.CopyIn(img.SP, ours); e != 0 {
				t.Fatal(e)
			}
			if !bytes.Equal(ours, native) {
				t.Errorf("stack differs from the kernel's: ours %q\nkernel %q", ours, native)
			}
		})
	}
	// A chain of n scripts ending in the dumper: Linux allows 5 rewrites.
	for n := 4; n <= 6; n++ {
		next := bin
		var first string
		for i := n; i > 0; i-- {
			first = filepath.Join(dir, "chain"+strconv.Itoa(n)+"_"+strconv.Itoa(i))
			if err := os.WriteFile(first, []byte("#!"+next+"\n"), 0o755); err != nil {
				t.Fatal(err)
			}
			next = first
		}
		_, _, nerr := nativeStack(t, first, []string{first}, nil)
		_, err := Load(params(newSpace(t), hostOpen(t), first, []string{first}, nil))
		nativeLoop := nerr != nil
		if nativeLoop != (errnoOf(t, err) == abi.ELOOP) {
			t.Errorf("%d scripts: kernel error %v, ours %v", n, nerr, err)
		}
	}
}

// TestNativeArgMax finds the kernel's E2BIG boundary for the current
// RLIMIT_STACK and checks Load draws it at the same byte.
func TestNativeArgMax(t *testing.T) {
	needNative(t, "gcc")
	bin := buildDump(t, "-static", "-no-pie")
	var rl syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_STACK, &rl); err != nil {
		t.Fatal(err)
	}
	// bprm_stack_limits: a quarter of the stack limit, at most 3/4 of
	// _STK_LIM (8 MiB), at least ARG_MAX (32 pages).
	limit := min(rl.Cur/4, (8<<20)/4*3)
	limit = max(limit, 32*4096)
	const n = 40
	// Room for strings: limit minus one pointer per string.
	room := limit - uint64(1+n)*8
	fixed := uint64(len(bin)+1) * 2 // AT_EXECFN and argv[0]
	each := (room - fixed) / n
	env := make([]string, n)
	var used uint64
	for i := range env {
		size := each
		if i == n-1 {
			size = room - fixed - used
		}
		// Distinct names: os/exec keeps only the last of duplicate keys.
		env[i] = "V" + strconv.Itoa(100+i) + "=" + strings.Repeat("v", int(size)-6)
		used += size
	}
	for _, over := range []bool{false, true} {
		if over {
			env[0] += "x"
		}
		cmd := exec.Command(bin)
		cmd.Env = env
		nerr := cmd.Run()
		p := params(newSpace(t), hostOpen(t), bin, []string{bin}, env)
		p.MaxArgBytes = limit
		_, err := Load(p)
		if (nerr != nil) != over || (errnoOf(t, err) == abi.E2BIG) != over {
			t.Errorf("over=%v: kernel %v, ours %v", over, nerr, err)
		}
	}
}

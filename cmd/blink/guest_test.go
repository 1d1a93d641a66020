package main_test

// These tests run the guest programs in testdata/bin under blink and compare
// what they do with what they did natively (testdata/golden, recorded by
// testdata/build.sh): stdout byte for byte, and the exit status or the
// signal that killed them. The same cases then run again under -m (virtual
// memory) and, for a few, -j (decode cache off), since those must not
// change what a guest sees. Set BLINK_GUEST_BINARY to test a prebuilt blink
// instead of building one.

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
)

const (
	testdata = "../../testdata"
	// caseTimeout bounds one guest run, so a hung emulator fails one case
	// instead of stalling the whole suite.
	caseTimeout = 60 * time.Second
)

var (
	blinkPath string
	buildErr  error
)

func TestMain(m *testing.M) {
	var tmp string
	if p := os.Getenv("BLINK_GUEST_BINARY"); p != "" {
		blinkPath = p
	} else {
		var err error
		tmp, err = os.MkdirTemp("", "blink-guest-test")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		blinkPath = filepath.Join(tmp, "blink")
		if runtime.GOOS == "windows" {
			blinkPath += ".exe"
		}
		out, err := exec.Command("go", "build", "-o", blinkPath, ".").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	}
	code := m.Run()
	if tmp != "" {
		os.RemoveAll(tmp)
	}
	os.Exit(code)
}

// guestCase is one golden/NAME.cmd file; see testdata/build.sh for the format.
type guestCase struct {
	name       string
	bin        string // file name in testdata/bin
	argv0      string // "" means the program path, as blink gives by default
	args       []string
	env        []string
	wantStdout []byte
	wantStatus string
}

func loadCase(t *testing.T, name string) *guestCase {
	t.Helper()
	base := filepath.Join(testdata, "golden", name)
	cmdText, err := os.ReadFile(base + ".cmd")
	if err != nil {
		t.Fatal(err)
	}
	c := &guestCase{name: name}
	sc := bufio.NewScanner(bytes.NewReader(cmdText))
	for sc.Scan() {
		key, val, _ := strings.Cut(sc.Text(), " ")
		switch key {
		case "bin":
			c.bin = val
		case "argv0":
			c.argv0 = val
		case "arg":
			c.args = append(c.args, val)
		case "env":
			c.env = append(c.env, val)
		default:
			t.Fatalf("%s.cmd: unknown key %q", name, key)
		}
	}
	if c.bin == "" {
		t.Fatalf("%s.cmd: no bin line", name)
	}
	if c.wantStdout, err = os.ReadFile(base + ".out"); err != nil {
		t.Fatal(err)
	}
	status, err := os.ReadFile(base + ".status")
	if err != nil {
		t.Fatal(err)
	}
	c.wantStatus = strings.TrimSpace(string(status))
	return c
}

// needBlink stops a test before it fans out into subtests that would each
// report the same build failure.
func needBlink(t *testing.T) {
	t.Helper()
	if buildErr != nil {
		t.Fatal(buildErr)
	}
}

// allCases lists the golden case names, e.g. "hello-musl".
func allCases(t *testing.T) []string {
	t.Helper()
	needBlink(t)
	paths, err := filepath.Glob(filepath.Join(testdata, "golden", "*.cmd"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no golden cases in %s/golden (run testdata/build.sh): %v", testdata, err)
	}
	var names []string
	for _, p := range paths {
		names = append(names, strings.TrimSuffix(filepath.Base(p), ".cmd"))
	}
	return names
}

type result struct {
	stdout, stderr []byte
	log            []byte // contents of the -L log file
	status         string
}

// runBlink runs blink with flags, then args, in dir, with exactly env.
// A log file is always named so that nothing is written into testdata.
func runBlink(t *testing.T, dir string, env []string, flags []string, args ...string) result {
	t.Helper()
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return runBlinkExe(t, []string{blinkPath}, dir, env, flags, args...)
}

// runBlinkExe is runBlink with the command that runs blink, such as
// {"qemu-s390x", "/tmp/blink-s390x"}.
func runBlinkExe(t *testing.T, exe []string, dir string, env []string, flags []string, args ...string) result {
	t.Helper()
	logPath := filepath.Join(t.TempDir(), "blink.log")
	timeout := caseTimeout
	env = append([]string{}, env...) // non-nil: an empty environment, not ours
	if strings.HasPrefix(filepath.Base(exe[0]), "qemu-") {
		// Emulated blink is tens of times slower, and qemu-user hands its
		// environment to the program in reverse order.
		timeout *= 4
		slices.Reverse(env)
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	argv := append(append(append(append([]string{}, exe[1:]...), flags...), "-L", logPath), args...)
	cmd := exec.CommandContext(ctx, exe[0], argv...)
	cmd.Dir = dir
	cmd.Env = env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		t.Fatalf("running blink: %v", err)
	}
	if ctx.Err() != nil {
		t.Fatalf("blink %q timed out after %v; stderr:\n%s", argv, timeout, tail(stderr.Bytes()))
	}
	log, _ := os.ReadFile(logPath)
	return result{stdout.Bytes(), stderr.Bytes(), log, statusString(cmd.ProcessState)}
}

// runCase runs a golden case under blink with the extra flags and compares
// stdout and status with what the program did natively.
func runCase(t *testing.T, name string, flags ...string) {
	needBlink(t)
	runCaseExe(t, []string{blinkPath}, name, flags...)
}

// runCaseExe is runCase with the command that runs blink (see runBlinkExe).
func runCaseExe(t *testing.T, exe []string, name string, flags ...string) {
	c := loadCase(t, name)
	binDir, err := filepath.Abs(filepath.Join(testdata, "bin"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(binDir, c.bin)); err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	env := make([]string, len(c.env))
	for i, e := range c.env {
		env[i] = strings.ReplaceAll(e, "@TMPDIR@", tmp)
	}
	args := []string{"./" + c.bin}
	if c.argv0 != "" {
		flags = append(flags, "-0")
		args = append(args, c.argv0)
	}
	args = append(args, c.args...)
	r := runBlinkExe(t, exe, binDir, env, flags, args...)
	if bytes.Contains(r.stderr, []byte("goroutine ")) {
		t.Errorf("blink panicked:\n%s", tail(r.stderr))
	}
	if !bytes.Equal(r.stdout, c.wantStdout) {
		t.Errorf("stdout differs from native:\n%s", firstDiff(c.wantStdout, r.stdout))
	}
	if r.status != c.wantStatus {
		t.Errorf("status: got %q, native %q", r.status, c.wantStatus)
	}
	if t.Failed() {
		t.Logf("stderr:\n%s", tail(r.stderr))
		t.Logf("log:\n%s", tail(r.log))
	}
}

func TestGuests(t *testing.T) {
	for _, name := range allCases(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			runCase(t, name)
		})
	}
}

// notVirtual are the cases -m cannot pass, and why.
var notVirtual = map[string]string{
	"mmapfile": "-m keeps MAP_SHARED file pages in its own page table and writes them back only at msync, munmap, exit and exec",
	"shm":      "the same for POSIX shared memory: two -m processes mapping one file hold separate copies",
	"sysvshm":  "the same for System V segments attached again after a store",
}

func TestGuestsVirtualMemory(t *testing.T) {
	for _, name := range allCases(t) {
		t.Run(name, func(t *testing.T) {
			if why, ok := notVirtual[strings.TrimSuffix(strings.TrimSuffix(name, "-musl"), "-glibc")]; ok {
				t.Skip(why)
			}
			t.Parallel()
			runCase(t, name, "-m")
		})
	}
}

// TestGuestsNoDecodeCache covers programs whose instruction stream is
// unusual (self-modifying code, libm, long double, vectorised string code)
// or just large; the plain interpreter is slow, so not every program.
func TestGuestsNoDecodeCache(t *testing.T) {
	needBlink(t)
	for _, name := range []string{
		"hello-musl", "hello-pie-glibc", "smc-musl", "smc-sameblock-musl",
		"intmath-glibc", "fp-musl", "setjmp-glibc", "crash-div0-musl",
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			runCase(t, name, "-j")
		})
	}
}

// TestStatistics checks that -Z reports something without disturbing the
// guest's own output.
func TestStatistics(t *testing.T) {
	binDir := filepath.Join(testdata, "bin")
	want, err := os.ReadFile(filepath.Join(testdata, "golden", "hello-musl.out"))
	if err != nil {
		t.Fatal(err)
	}
	r := runBlink(t, binDir, nil, []string{"-Z"}, "./hello-musl")
	if r.status != "0" {
		t.Errorf("status %s, want 0", r.status)
	}
	if !bytes.Equal(r.stdout, want) {
		t.Errorf("-Z changed stdout:\n%s", firstDiff(want, r.stdout))
	}
	if len(bytes.TrimSpace(r.stderr)) == 0 && len(bytes.TrimSpace(r.log)) == 0 {
		t.Error("-Z printed no statistics to stderr or the log")
	}
}

// TestArgv0 checks both ways argv[0] is chosen: the program as named on the
// command line, and the word after the program with -0.
func TestArgv0(t *testing.T) {
	binDir := filepath.Join(testdata, "bin")
	r := runBlink(t, binDir, nil, nil, "./args-musl", "x")
	if !bytes.Contains(r.stdout, []byte("argv[0]=\"./args-musl\" len=11\nargv[1]=\"x\"")) {
		t.Errorf("without -0, argv[0] should be the program as given:\n%s", r.stdout)
	}
	r = runBlink(t, binDir, nil, []string{"-0"}, "./args-musl", "zeroth", "x")
	if !bytes.Contains(r.stdout, []byte("argc=2\nargv[0]=\"zeroth\" len=6\nargv[1]=\"x\"")) {
		t.Errorf("-0 should make the word after the program argv[0]:\n%s", r.stdout)
	}
}

// TestBadProgram checks that blink rejects what it cannot run the way a
// shell does (status 127) with one line of explanation and no Go panic.
func TestBadProgram(t *testing.T) {
	needBlink(t)
	dir := t.TempDir()
	elfHeader := func(class, data byte, machine uint16) []byte {
		h := make([]byte, 64)
		copy(h, "\x7fELF")
		h[4], h[5], h[6] = class, data, 1
		h[16] = 2 // ET_EXEC
		h[18], h[19] = byte(machine), byte(machine>>8)
		h[20] = 1
		return h
	}
	truncated := elfHeader(2, 1, 62)[:40]
	// A valid x86-64 header whose program headers lie far past the end of
	// the file.
	badPhdrs := elfHeader(2, 1, 62)
	badPhdrs[24] = 0x78                  // e_entry
	badPhdrs[32], badPhdrs[33] = 0, 0x10 // e_phoff = 0x1000
	badPhdrs[52] = 64                    // e_ehsize
	badPhdrs[54] = 56                    // e_phentsize
	badPhdrs[56] = 3                     // e_phnum
	for _, tc := range []struct {
		name    string
		content []byte
	}{
		{"junk", []byte("this is not an executable of any kind\n\x00\x01\x02")},
		{"empty", nil},
		{"truncated-elf", truncated},
		{"aarch64-elf", elfHeader(2, 1, 183)},
		{"elf32", elfHeader(1, 1, 3)},
		{"phdrs-past-eof", badPhdrs},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(dir, tc.name)
			if err := os.WriteFile(path, tc.content, 0o755); err != nil {
				t.Fatal(err)
			}
			checkRejected(t, runBlink(t, dir, nil, nil, path))
		})
	}
	t.Run("missing", func(t *testing.T) {
		t.Parallel()
		checkRejected(t, runBlink(t, dir, nil, nil, filepath.Join(dir, "does-not-exist")))
	})
	t.Run("missing-in-path", func(t *testing.T) {
		t.Parallel()
		checkRejected(t, runBlink(t, dir, []string{"PATH=" + dir}, nil, "no-such-command"))
	})
}

func checkRejected(t *testing.T, r result) {
	t.Helper()
	if r.status != "127" {
		t.Errorf("status %s, want 127", r.status)
	}
	msg := string(r.stderr)
	if bytes.Contains(r.stderr, []byte("goroutine ")) {
		t.Errorf("Go stack trace on stderr:\n%s", tail(r.stderr))
	} else if strings.Count(msg, "\n") != 1 || !strings.HasSuffix(msg, "\n") || len(strings.TrimSpace(msg)) == 0 {
		t.Errorf("want exactly one line of error on stderr, got %q", msg)
	}
	if len(r.stdout) != 0 {
		t.Errorf("unexpected stdout %q", r.stdout)
	}
}

// firstDiff describes where two outputs first differ, with a little context,
// which reads better than two whole dumps of a long output.
func firstDiff(want, got []byte) string {
	wl := strings.SplitAfter(string(want), "\n")
	gl := strings.SplitAfter(string(got), "\n")
	for i := 0; i < len(wl) || i < len(gl); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			return fmt.Sprintf("line %d:\n  native: %q\n  blink:  %q\n(native %d bytes, blink %d bytes)",
				i+1, w, g, len(want), len(got))
		}
	}
	return "identical"
}

// tail keeps the end of a long stderr or log, where the cause usually is.
func tail(b []byte) []byte {
	const max = 4000
	if len(b) > max {
		return append([]byte("...\n"), b[len(b)-max:]...)
	}
	return b
}

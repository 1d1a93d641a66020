package difftest

import (
	"flag"
	"fmt"
	"hash/fnv"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"
)

var (
	flagN      = flag.Int("difftest.n", 200, "random cases per form in TestDifferential")
	flagSeed   = flag.Uint64("difftest.seed", 1, "base seed for TestDifferential (each form mixes in its name)")
	flagForm   = flag.String("difftest.form", "", "regexp: only forms whose name matches")
	flagRecord = flag.Bool("difftest.record", false, "rewrite testdata/vectors from native runs (linux/amd64)")
	flagRecN   = flag.Int("difftest.recn", 8, "cases per form kept when recording (a few forms keep a multiple)")
	flagShow   = flag.Int("difftest.show", 3, "failing cases shown per form")
)

var vectorFile = filepath.Join("..", "..", "testdata", "vectors", "vectors.gob.gz")

// knownFailures are forms that fail because of a confirmed interpreter
// bug, each with a one-line reason. A listed form that passes fails the
// test, so the entry gets removed when the bug is fixed.
//
// Entries read: "FORM NAME": "package: what is wrong". For example the
// string-instruction binding bug this harness found (STOS ran as CMPS) was
// listed as "STOS8": "interp: opcodes AA-AF bound to the wrong handler"
// until it was fixed.
var knownFailures = map[string]string{}

// tally runs vectors in the emulator and collects results per form.
type tally struct {
	t     *testing.T
	emu   *Emulator
	hangs int
	order []string
	runs  map[string]int
	fails map[string][]string // first few messages
	nfail map[string]int
}

func newTally(t *testing.T) *tally {
	tl := &tally{t: t, emu: newEmulator(t), runs: map[string]int{}, fails: map[string][]string{}, nfail: map[string]int{}}
	t.Cleanup(func() {
		if tl.hangs == 0 { // a hung goroutine may still be using its space
			tl.emu.Close()
		}
	})
	return tl
}

func newEmulator(t *testing.T) *Emulator {
	e, err := NewEmulator()
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// hangTimeout is generous: under qemu-user the replay is ~50 times slower.
const hangTimeout = 20 * time.Second

type runResult struct {
	out State
	mem []byte
	err error
}

func (t *tally) check(v *Vector) {
	if _, ok := t.runs[v.Form]; !ok {
		t.order = append(t.order, v.Form)
	}
	t.runs[v.Form]++
	// A handler that never returns (a CAS retry loop that cannot succeed,
	// say) must become a failure with the instruction named, not a test
	// timeout. The stuck goroutine cannot be stopped: it keeps its
	// emulator, the remaining cases get a fresh one, and a few hangs end
	// the test.
	done := make(chan runResult, 1)
	go func(e *Emulator) {
		out, mem, err := e.Run(v)
		done <- runResult{out, mem, err}
	}(t.emu)
	var res runResult
	select {
	case res = <-done:
	case <-time.After(hangTimeout):
		res.err = fmt.Errorf("hung: no result after %v", hangTimeout)
		t.emu = newEmulator(t.t)
		if t.hangs++; t.hangs == 3 {
			t.report(t.t)
			t.t.Fatalf("%s: third hung case; giving up", v.Form)
		}
	}
	got, gotMem, err := res.out, res.mem, res.err
	var diffs []string
	if err != nil {
		diffs = []string{err.Error()}
	} else {
		diffs = v.compare(&got, gotMem)
	}
	if len(diffs) == 0 {
		return
	}
	t.nfail[v.Form]++
	if len(t.fails[v.Form]) < *flagShow {
		t.fails[v.Form] = append(t.fails[v.Form], fmt.Sprintf("  %s  [% x]\n    inputs: %s (flags %s, mxcsr %#x)\n    %s",
			Disasm(v.Code, v.CodeAddr), v.Code, operandInputs(v), flagString(v.In.Flags), v.In.MXCSR,
			strings.Join(diffs, "\n    ")))
	}
}

// report prints the failing forms and the summary, and fails t for
// failures not in knownFailures and for known failures that now pass.
func (tl *tally) report(t *testing.T) {
	var bad, known, fixed []string
	for _, name := range tl.order {
		_, isKnown := knownFailures[name]
		switch {
		case tl.nfail[name] > 0 && isKnown:
			known = append(known, name)
		case tl.nfail[name] > 0:
			bad = append(bad, name)
		case isKnown:
			fixed = append(fixed, name)
		}
	}
	for _, name := range bad {
		t.Errorf("%s: %d of %d cases differ\n%s", name, tl.nfail[name], tl.runs[name], strings.Join(tl.fails[name], "\n"))
	}
	for _, name := range fixed {
		t.Errorf("%s passes now: remove it from knownFailures (%s)", name, knownFailures[name])
	}
	for _, name := range known {
		t.Logf("known failure %s (%d of %d): %s", name, tl.nfail[name], tl.runs[name], knownFailures[name])
	}
	passed := len(tl.order) - len(bad) - len(known)
	t.Logf("%d forms passed, %d failed (%d of them known)", passed, len(bad)+len(known), len(known))
	if len(bad) > 0 {
		sort.Strings(bad)
		t.Logf("failing forms: %s", strings.Join(bad, "; "))
	}
}

func formFilter(t *testing.T) func(string) bool {
	if *flagForm == "" {
		return func(string) bool { return true }
	}
	re, err := regexp.Compile(*flagForm)
	if err != nil {
		t.Fatal(err)
	}
	return re.MatchString
}

// TestDifferential runs every form natively and in the interpreter from
// the same random states.
func TestDifferential(t *testing.T) {
	if !haveNative {
		t.Skip("no native x86-64 execution on this host; TestVectors replays recorded cases")
	}
	nat, err := NewNative()
	if err != nil {
		t.Skip(err)
	}
	defer nat.Close()
	tl := newTally(t)
	feats := hostFeatures()
	emuFeats, err := tl.emu.Features()
	if err != nil {
		t.Errorf("CPUID in the interpreter: %v", err)
	}
	match := formFilter(t)
	var rec []*Vector
	skipped := 0
	unclaimed := map[string]int{}
	seen := map[string]bool{}
	for _, fm := range Forms() {
		if seen[fm.name] {
			t.Fatalf("duplicate form name %q", fm.name)
		}
		seen[fm.name] = true
		if !match(fm.name) {
			continue
		}
		if !feats.has(fm.feat) {
			skipped++
			continue
		}
		// Forms the interpreter does not advertise are still recorded, so
		// the vectors are ready when it does, but not checked.
		check := emuFeats.has(fm.feat)
		if !check {
			unclaimed[featureBits[fm.feat].name]++
		}
		h := fnv.New64a()
		h.Write([]byte(fm.name))
		r := &rng{s: *flagSeed ^ h.Sum64()}
		recN := *flagRecN * max(fm.rec, 1)
		for i := 0; i < *flagN; i++ {
			v := fm.generate(r, i, nat.CodeAddr(), nat.DataAddr())
			v.Out, v.OutMem = nat.Run(v.Code, &v.In, v.InMem)
			if check {
				tl.check(v)
			}
			if *flagRecord && i < recN {
				rec = append(rec, v)
			}
		}
	}
	if skipped > 0 {
		t.Logf("%d forms skipped: this CPU lacks their feature", skipped)
	}
	for name, n := range unclaimed {
		t.Logf("%d %s forms not checked: the interpreter's CPUID does not advertise %s", n, name, name)
	}
	tl.report(t)
	if *flagRecord {
		if *flagForm != "" {
			t.Fatal("-difftest.record with -difftest.form would drop the other forms' vectors")
		}
		if err := os.MkdirAll(filepath.Dir(vectorFile), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := WriteVectors(vectorFile, "recorded by TestDifferential", rec); err != nil {
			t.Fatal(err)
		}
		t.Logf("recorded %d vectors in %s", len(rec), vectorFile)
	}
}

// TestVectors replays the recorded native results on every host.
func TestVectors(t *testing.T) {
	vs, err := ReadVectors(vectorFile)
	if os.IsNotExist(err) {
		t.Skip("no vectors recorded yet (go test -run TestDifferential -difftest.record on linux/amd64)")
	}
	if err != nil {
		t.Fatal(err)
	}
	tl := newTally(t)
	emuFeats, err := tl.emu.Features()
	if err != nil {
		t.Errorf("CPUID in the interpreter: %v", err)
	}
	match := formFilter(t)
	unclaimed := map[string]bool{}
	for _, v := range vs {
		switch {
		case !match(v.Form):
		case !emuFeats.hasName(v.Feature):
			unclaimed[v.Form] = true
		default:
			tl.check(v)
		}
	}
	if len(unclaimed) > 0 {
		t.Logf("%d forms not checked: the interpreter's CPUID does not advertise their feature", len(unclaimed))
	}
	tl.report(t)
}

package kernel

import (
	"testing"

	"github.com/blink-go/blink/core/abi"
)

// The unprivileged rules of setreuid(2) and setresuid(2), case by case
// from the man pages (real 1000, effective 1001, saved 1002).
func TestSetreSetresRules(t *testing.T) {
	type ids struct{ r, e, s uint32 }
	start := ids{1000, 1001, 1002}
	cases := []struct {
		name    string
		res     bool
		r, e, s uint32
		want    ids
		errno   abi.Errno
	}{
		{"re: swap real and effective", false, 1001, 1000, keep, ids{1001, 1000, 1000}, 0},
		{"re: effective to saved", false, keep, 1002, keep, ids{1000, 1002, 1002}, 0},
		{"re: effective back to real keeps saved", false, keep, 1000, keep, ids{1000, 1000, 1002}, 0},
		{"re: real to saved is refused", false, 1002, keep, keep, start, abi.EPERM},
		{"re: foreign effective is refused", false, keep, 7, keep, start, abi.EPERM},
		{"res: any held id anywhere", true, 1002, 1000, 1001, ids{1002, 1000, 1001}, 0},
		{"res: foreign id is refused", true, keep, keep, 7, start, abi.EPERM},
	}
	for _, c := range cases {
		got := start
		var e abi.Errno
		if c.res {
			e = setres(c.r, c.e, c.s, &got.r, &got.e, &got.s, false)
		} else {
			e = setre(c.r, c.e, &got.r, &got.e, &got.s, false)
		}
		if e != c.errno || got != c.want {
			t.Errorf("%s: got %v %v, want %v %v", c.name, got, e, c.want, c.errno)
		}
	}
	// Privileged callers may set anything.
	got := start
	if e := setre(5, 6, &got.r, &got.e, &got.s, true); e != 0 || got != (ids{5, 6, 6}) {
		t.Errorf("privileged setreuid: %v %v", got, e)
	}
}

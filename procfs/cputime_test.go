package procfs

import (
	"strings"
	"testing"
	"time"
)

// CPU times, run state and no_new_privs come per process in stat and
// status, and per thread under task/.
func TestPidTimesAndThreads(t *testing.T) {
	f, src := newTestFS(t)
	p := src.procs[42]
	p.State = 'R'
	p.UTime, p.STime = 1500*time.Millisecond, 250*time.Millisecond
	p.CUTime, p.CSTime = 3*time.Second, 20*time.Millisecond
	p.TIDs = []int{42, 43}
	p.Threads = []Thread{
		{TID: 42, Comm: "main", State: 'R', UTime: time.Second, STime: 200 * time.Millisecond},
		{TID: 43, Comm: "worker", State: 'S', UTime: 500 * time.Millisecond, STime: 50 * time.Millisecond, NoNewPrivs: true},
	}
	src.procs[42] = p
	fields := func(path string) []string {
		_, _, rest := parseStat(read(t, f, path))
		return rest
	}
	// After comm: state is field 3, utime..cstime fields 14-17.
	if r := fields("/42/stat"); r[0] != "R" || strings.Join(r[11:15], " ") != "150 25 300 2" {
		t.Errorf("process stat: state %s times %v, want R 150 25 300 2", r[0], r[11:15])
	}
	if r := fields("/42/task/43/stat"); r[0] != "S" || strings.Join(r[11:13], " ") != "50 5" {
		t.Errorf("thread stat: state %s times %v, want S 50 5", r[0], r[11:13])
	}
	if s := read(t, f, "/42/status"); !strings.Contains(s, "NoNewPrivs:\t0\n") {
		t.Errorf("process status NoNewPrivs:\n%s", s)
	}
	if s := read(t, f, "/42/task/43/status"); !strings.Contains(s, "NoNewPrivs:\t1\n") || !strings.Contains(s, "State:\tS (sleeping)\n") {
		t.Errorf("thread status:\n%s", s)
	}
}

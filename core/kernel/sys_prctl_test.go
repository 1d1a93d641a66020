package kernel

import (
	"os"
	"strings"
	"testing"

	"github.com/blink-go/blink/core/abi"
	"github.com/blink-go/blink/core/klog"
	"github.com/blink-go/blink/core/x86"
)

// sysOn runs syscall nr on task tk (of any process) and returns RAX.
func sysOn(tk *Task, nr int, args ...uint64) int64 {
	var a [6]uint64
	copy(a[:], args)
	m := tk.m
	m.R[x86.RAX] = uint64(nr)
	m.R[x86.RDI], m.R[x86.RSI], m.R[x86.RDX] = a[0], a[1], a[2]
	m.R[x86.R10], m.R[x86.R8], m.R[x86.R9] = a[3], a[4], a[5]
	tk.Syscall(m)
	return int64(m.R[x86.RAX])
}

// newThread adds a (not running) thread to e's process, as clone would.
func (e *env) newThread() *Task {
	k, p := e.k, e.p
	tk := newTask(k, p, k.allocPID())
	tk.m = x86.NewMachine(p.Space, tk, &k.xcfg)
	e.tk.threadCreated(tk)
	k.mu.Lock()
	p.mu.Lock()
	p.tasks = append(p.tasks, tk)
	p.live++
	p.mu.Unlock()
	if k.threads == nil {
		k.threads = make(map[int]*Task)
	}
	k.threads[tk.tid] = tk
	k.mu.Unlock()
	return tk
}

// newChild makes a process that parent's thread by created, as fork
// does for the family tree and prctl state (the child does not run).
func (e *env) newChild(by *Task) (*Process, *Task) {
	e.t.Helper()
	k := e.k
	c, ct, err := k.NewProcess("/usr/bin/child")
	if err != nil {
		e.t.Fatal(err)
	}
	k.mu.Lock()
	c.hostParented, c.hostSession = false, false
	c.parent, c.ppid = by.proc, by.proc.pid
	by.proc.children = append(by.proc.children, c)
	by.forkedLocked(c, ct)
	k.mu.Unlock()
	return c, ct
}

func (e *env) prctl(args ...uint64) (int64, abi.Errno) {
	r := e.sys(abi.SYS_PRCTL, args...)
	if r < 0 && r > -4096 {
		return r, abi.Errno(-r)
	}
	return r, 0
}

func TestPrctlName(t *testing.T) {
	e := newEnv(t, Config{})
	e.ok(abi.SYS_PRCTL, abi.PR_GET_NAME, scratch)
	if got := string(e.mem(scratch, 6)); got != "guest\x00" {
		t.Errorf("initial name %q", got)
	}
	e.str(scratch, "a-rather-long-thread-name")
	e.ok(abi.SYS_PRCTL, abi.PR_SET_NAME, scratch)
	e.m.Mem.CopyOut(scratch+0x100, []byte(strings.Repeat("x", 16)))
	e.ok(abi.SYS_PRCTL, abi.PR_GET_NAME, scratch+0x100)
	if got := string(e.mem(scratch+0x100, 16)); got != "a-rather-long-t\x00" {
		t.Errorf("PR_GET_NAME = %q", got)
	}
	if p, _ := e.k.ProcSource().Proc(e.p.pid); p.Comm != "a-rather-long-t" {
		t.Errorf("/proc comm %q", p.Comm)
	}
	// A short name just before an unmapped page is fine; one that runs
	// into it before 15 bytes is EFAULT.
	e.ok(abi.SYS_MPROTECT, roPage, pageSize, abi.PROT_READ|abi.PROT_WRITE)
	e.m.Mem.CopyOut(badAddr-3, []byte("ab\x00"))
	e.ok(abi.SYS_PRCTL, abi.PR_SET_NAME, badAddr-3)
	e.m.Mem.CopyOut(badAddr-3, []byte("abc"))
	if _, en := e.prctl(abi.PR_SET_NAME, badAddr-3); en != abi.EFAULT {
		t.Errorf("PR_SET_NAME across the end = %v", en)
	}
	e.ok(abi.SYS_MPROTECT, roPage, pageSize, abi.PROT_READ)
	if _, en := e.prctl(abi.PR_GET_NAME, roPage); en != abi.EFAULT {
		t.Errorf("PR_GET_NAME into read-only = %v", en)
	}
	// Names are per thread: another thread's shows in its task entry
	// only, and a new thread starts with its creator's.
	tk := e.newThread()
	e.str(scratch, "worker")
	sysOn(tk, abi.SYS_PRCTL, abi.PR_SET_NAME, scratch)
	p, _ := e.k.ProcSource().Proc(e.p.pid)
	if p.Comm != "ab" {
		t.Errorf("leader comm %q after a thread renamed itself", p.Comm)
	}
	p.ForThread(tk.tid)
	if p.Comm != "worker" {
		t.Errorf("thread comm %q", p.Comm)
	}
	tk2 := e.newThread()
	if tk2.prctl.comm != "ab" {
		t.Errorf("new thread named %q", tk2.prctl.comm)
	}
}

func TestPrctlOptions(t *testing.T) {
	dir := t.TempDir()
	log := klog.New(dir+"/log", false)
	e := newEnv(t, Config{Log: log})
	e.p.creds = Credentials{RUID: 1000, EUID: 1000, SUID: 1000, RGID: 1000, EGID: 1000, SGID: 1000}
	check := func(name string, want int64, wantErr abi.Errno, args ...uint64) {
		t.Helper()
		r, en := e.prctl(args...)
		if en != wantErr || en == 0 && r != want {
			t.Errorf("%s = %d %v, want %d %v", name, r, en, want, wantErr)
		}
	}
	check("PR_SET_PDEATHSIG 65", 0, abi.EINVAL, abi.PR_SET_PDEATHSIG, 65)
	check("PR_SET_PDEATHSIG", 0, 0, abi.PR_SET_PDEATHSIG, abi.SIGUSR1)
	check("PR_GET_PDEATHSIG", 0, 0, abi.PR_GET_PDEATHSIG, scratch)
	if v := rd32(e.mem(scratch, 4)); v != abi.SIGUSR1 {
		t.Errorf("pdeathsig %d", v)
	}
	check("PR_GET_PDEATHSIG bad", 0, abi.EFAULT, abi.PR_GET_PDEATHSIG, roPage)
	check("PR_GET_DUMPABLE", 1, 0, abi.PR_GET_DUMPABLE)
	check("PR_SET_DUMPABLE 2", 0, abi.EINVAL, abi.PR_SET_DUMPABLE, 2)
	check("PR_SET_DUMPABLE 0", 0, 0, abi.PR_SET_DUMPABLE, 0)
	check("PR_GET_DUMPABLE after", 0, 0, abi.PR_GET_DUMPABLE)
	check("PR_SET_NO_NEW_PRIVS extra", 0, abi.EINVAL, abi.PR_SET_NO_NEW_PRIVS, 1, 1)
	check("PR_SET_NO_NEW_PRIVS 2", 0, abi.EINVAL, abi.PR_SET_NO_NEW_PRIVS, 2)
	check("PR_GET_NO_NEW_PRIVS", 0, 0, abi.PR_GET_NO_NEW_PRIVS)
	check("PR_SET_NO_NEW_PRIVS", 0, 0, abi.PR_SET_NO_NEW_PRIVS, 1)
	check("PR_GET_NO_NEW_PRIVS set", 1, 0, abi.PR_GET_NO_NEW_PRIVS)
	check("PR_GET_NO_NEW_PRIVS extra", 0, abi.EINVAL, abi.PR_GET_NO_NEW_PRIVS, 1)
	check("PR_GET_KEEPCAPS", 0, 0, abi.PR_GET_KEEPCAPS)
	check("PR_SET_KEEPCAPS 2", 0, abi.EINVAL, abi.PR_SET_KEEPCAPS, 2)
	check("PR_SET_KEEPCAPS", 0, 0, abi.PR_SET_KEEPCAPS, 1)
	check("PR_GET_KEEPCAPS set", 1, 0, abi.PR_GET_KEEPCAPS)
	check("PR_GET_SECUREBITS", 1<<abi.SECURE_KEEP_CAPS, 0, abi.PR_GET_SECUREBITS)
	check("PR_SET_SECUREBITS unprivileged", 0, abi.EPERM, abi.PR_SET_SECUREBITS, 0)
	check("PR_CAPBSET_READ 0", 1, 0, abi.PR_CAPBSET_READ, 0)
	check("PR_CAPBSET_READ 40", 1, 0, abi.PR_CAPBSET_READ, 40)
	check("PR_CAPBSET_READ 41", 0, abi.EINVAL, abi.PR_CAPBSET_READ, 41)
	check("PR_CAPBSET_READ -1", 0, abi.EINVAL, abi.PR_CAPBSET_READ, ^uint64(0))
	check("PR_CAPBSET_DROP unprivileged", 0, abi.EPERM, abi.PR_CAPBSET_DROP, 5)
	check("PR_CAP_AMBIENT raise", 0, abi.EPERM, abi.PR_CAP_AMBIENT, abi.PR_CAP_AMBIENT_RAISE, 1)
	check("PR_CAP_AMBIENT is_set", 0, 0, abi.PR_CAP_AMBIENT, abi.PR_CAP_AMBIENT_IS_SET, 1)
	check("PR_CAP_AMBIENT bad cap", 0, abi.EINVAL, abi.PR_CAP_AMBIENT, abi.PR_CAP_AMBIENT_IS_SET, 41)
	check("PR_GET_TIMERSLACK", defaultTimerslack, 0, abi.PR_GET_TIMERSLACK)
	check("PR_SET_TIMERSLACK", 0, 0, abi.PR_SET_TIMERSLACK, 1000)
	check("PR_GET_TIMERSLACK set", 1000, 0, abi.PR_GET_TIMERSLACK)
	check("PR_SET_TIMERSLACK 0", 0, 0, abi.PR_SET_TIMERSLACK, 0)
	check("PR_GET_TIMERSLACK default", defaultTimerslack, 0, abi.PR_GET_TIMERSLACK)
	check("PR_GET_SECCOMP", 0, 0, abi.PR_GET_SECCOMP)
	check("PR_SET_SECCOMP", 0, abi.EINVAL, abi.PR_SET_SECCOMP, 2, scratch)
	check("PR_SET_SECCOMP again", 0, abi.EINVAL, abi.PR_SET_SECCOMP, 1)
	e.ok(abi.SYS_SET_TID_ADDRESS, scratch+0x40)
	check("PR_GET_TID_ADDRESS", 0, 0, abi.PR_GET_TID_ADDRESS, scratch)
	if v := rd64(e.mem(scratch, 8)); v != scratch+0x40 {
		t.Errorf("PR_GET_TID_ADDRESS %#x", v)
	}
	check("PR_SET_MM extra arg", 0, abi.EINVAL, abi.PR_SET_MM, abi.PR_SET_MM_ARG_START, 0x1000, 1)
	check("PR_SET_MM", 0, abi.EPERM, abi.PR_SET_MM, abi.PR_SET_MM_START_CODE, 0x1000)
	check("PR_SET_MM_MAP_SIZE", 0, 0, abi.PR_SET_MM, abi.PR_SET_MM_MAP_SIZE, scratch)
	if v := rd32(e.mem(scratch, 4)); v != abi.PrctlMMMapSize {
		t.Errorf("PR_SET_MM_MAP_SIZE %d", v)
	}
	check("PR_SET_VMA", 0, abi.EINVAL, abi.PR_SET_VMA, 0, scratch, 4096, 0)
	check("PR_GET_THP_DISABLE", 0, 0, abi.PR_GET_THP_DISABLE)
	check("PR_SET_THP_DISABLE", 0, 0, abi.PR_SET_THP_DISABLE, 1)
	check("PR_GET_THP_DISABLE set", 1, 0, abi.PR_GET_THP_DISABLE)
	check("PR_GET_TSC", 0, 0, abi.PR_GET_TSC, scratch)
	check("PR_MCE_KILL_GET", 2, 0, abi.PR_MCE_KILL_GET)
	check("PR_MCE_KILL early", 0, 0, abi.PR_MCE_KILL, 1, 1)
	check("PR_MCE_KILL_GET early", 1, 0, abi.PR_MCE_KILL_GET)
	check("PR_GET_UNALIGN", 0, abi.EINVAL, abi.PR_GET_UNALIGN, scratch)
	check("unknown", 0, abi.EINVAL, 12345)
	check("unknown again", 0, abi.EINVAL, 12345)
	check("PR_GET_CHILD_SUBREAPER", 0, 0, abi.PR_GET_CHILD_SUBREAPER, scratch)
	if v := rd32(e.mem(scratch, 4)); v != 0 {
		t.Errorf("subreaper %d", v)
	}
	check("PR_SET_CHILD_SUBREAPER", 0, 0, abi.PR_SET_CHILD_SUBREAPER, 7)
	check("PR_GET_CHILD_SUBREAPER set", 0, 0, abi.PR_GET_CHILD_SUBREAPER, scratch)
	if v := rd32(e.mem(scratch, 4)); v != 1 {
		t.Errorf("subreaper %d", v)
	}

	// Root may drop from the bounding set and change securebits; an
	// identity change makes the process undumpable and clears the
	// caller's parent-death signal.
	e.p.creds = Credentials{}
	check("PR_CAPBSET_DROP", 0, 0, abi.PR_CAPBSET_DROP, 5)
	check("PR_CAPBSET_READ dropped", 0, 0, abi.PR_CAPBSET_READ, 5)
	check("PR_CAPBSET_DROP 41", 0, abi.EINVAL, abi.PR_CAPBSET_DROP, 41)
	check("PR_SET_SECUREBITS lock keepcaps", 0, 0, abi.PR_SET_SECUREBITS, 1<<abi.SECURE_KEEP_CAPS|1<<abi.SECURE_KEEP_CAPS_LOCKED)
	check("PR_SET_KEEPCAPS locked", 0, abi.EPERM, abi.PR_SET_KEEPCAPS, 0)
	check("PR_SET_SECUREBITS unlock", 0, abi.EPERM, abi.PR_SET_SECUREBITS, 0)
	check("PR_SET_DUMPABLE 1", 0, 0, abi.PR_SET_DUMPABLE, 1)
	check("PR_SET_PDEATHSIG", 0, 0, abi.PR_SET_PDEATHSIG, abi.SIGUSR2)
	e.ok(abi.SYS_SETRESUID, 0, 1000, 0)
	check("PR_GET_DUMPABLE after setresuid", 0, 0, abi.PR_GET_DUMPABLE)
	check("PR_GET_PDEATHSIG after setresuid", 0, 0, abi.PR_GET_PDEATHSIG, scratch)
	if v := rd32(e.mem(scratch, 4)); v != 0 {
		t.Errorf("pdeathsig after setresuid %d", v)
	}
	// execve deletes timers, makes the process dumpable again when its
	// ids are its own and clears keepcaps (the lock stays).
	e.ok(abi.SYS_SETRESUID, 0, 0, 0)
	e.tk.prctlExec()
	check("PR_GET_DUMPABLE after exec", 1, 0, abi.PR_GET_DUMPABLE)
	check("PR_GET_SECUREBITS after exec", 1<<abi.SECURE_KEEP_CAPS_LOCKED, 0, abi.PR_GET_SECUREBITS)

	log.Close()
	b, _ := os.ReadFile(dir + "/log")
	if n := strings.Count(string(b), "prctl: unsupported option 12345"); n != 1 {
		t.Errorf("unknown option logged %d times:\n%s", n, b)
	}
	if n := strings.Count(string(b), "PR_SET_SECCOMP"); n != 1 {
		t.Errorf("PR_SET_SECCOMP logged %d times:\n%s", n, b)
	}
}

// A process whose parent ends is reparented to the nearest subreaper
// ancestor, or else init, and gets the parent-death signal it asked for.
func TestPdeathsigAndSubreaper(t *testing.T) {
	e := newEnv(t, Config{})
	k := e.k
	e.ok(abi.SYS_PRCTL, abi.PR_SET_CHILD_SUBREAPER, 1)
	b, bt := e.newChild(e.tk)
	c, ct := e.newChild(bt)
	sysOn(ct, abi.SYS_PRCTL, abi.PR_SET_PDEATHSIG, abi.SIGUSR1)
	// A grandchild that is already a zombie goes to the subreaper as a
	// zombie to wait for.
	z, zt := e.newChild(bt)
	zt.exit()
	if !z.zombie || z.parent != b {
		t.Fatalf("zombie: %v parent %v", z.zombie, z.parent)
	}
	// fork clears the parent-death signal.
	if got := sysOn(bt, abi.SYS_PRCTL, abi.PR_SET_PDEATHSIG, abi.SIGUSR2); got != 0 {
		t.Fatal(got)
	}
	d, _ := e.newChild(bt)
	if d.tasks[0].prctl.pdeathsig != 0 {
		t.Error("pdeathsig inherited by fork")
	}
	bt.exit()
	k.mu.Lock()
	defer k.mu.Unlock()
	if c.parent != e.p || c.ppid != e.p.pid || z.parent != e.p || d.parent != e.p {
		t.Fatalf("reparented to %d, %d, %d; want the subreaper %d", c.ppid, z.ppid, d.ppid, e.p.pid)
	}
	if c.shared.mask&sigBit(abi.SIGUSR1) == 0 {
		t.Error("PR_SET_PDEATHSIG signal not sent")
	}
	if c.exitSignal != abi.SIGCHLD || c.prctl.parentTID != e.tk.tid {
		t.Errorf("exit signal %d, parent thread %d", c.exitSignal, c.prctl.parentTID)
	}
	found := 0
	for _, q := range e.p.children {
		if q == c || q == z || q == d {
			found++
		}
	}
	if found != 3 {
		t.Errorf("subreaper has %d of the 3 orphans", found)
	}
	if _, ok := k.procs[z.pid]; !ok {
		t.Error("zombie orphan reaped instead of left for the subreaper")
	}
}

func TestOrphansGoToInitWithoutSubreaper(t *testing.T) {
	e := newEnv(t, Config{})
	k := e.k
	b, bt := e.newChild(e.tk)
	c, _ := e.newChild(bt)
	z, zt := e.newChild(bt)
	zt.exit()
	_ = b
	bt.exit()
	k.mu.Lock()
	defer k.mu.Unlock()
	if c.parent != k.init || c.ppid != 1 {
		t.Errorf("orphan's parent %d", c.ppid)
	}
	if _, ok := k.procs[z.pid]; ok {
		t.Error("zombie orphan not reaped by init")
	}
}

// The parent-death signal follows the parent thread: when the thread that
// forked ends, the child passes to another thread and is signalled.
func TestPdeathsigThreadExit(t *testing.T) {
	e := newEnv(t, Config{})
	k := e.k
	tk := e.newThread()
	c, ct := e.newChild(tk)
	sysOn(ct, abi.SYS_PRCTL, abi.PR_SET_PDEATHSIG, abi.SIGHUP)
	if c.prctl.parentTID != tk.tid {
		t.Fatalf("parent thread %d, want %d", c.prctl.parentTID, tk.tid)
	}
	tk.exit()
	k.mu.Lock()
	defer k.mu.Unlock()
	if c.parent != e.p || c.prctl.parentTID != e.tk.tid {
		t.Errorf("child's parent %d thread %d", c.ppid, c.prctl.parentTID)
	}
	if c.shared.mask&sigBit(abi.SIGHUP) == 0 {
		t.Error("no parent-death signal when the parent thread ended")
	}
}

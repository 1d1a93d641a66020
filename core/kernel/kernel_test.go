package kernel

import (
	"os"
	"testing"

	"github.com/blink-go/blink/core/abi"
	"github.com/blink-go/blink/core/klog"
	"github.com/blink-go/blink/core/mem"
	"github.com/blink-go/blink/core/x86"
)

// Guest memory layout used by the tests: a read-write area at scratch and,
// right after it, a read-only page and an unmapped page.
const (
	scratch     = 0x100000
	scratchSize = 0x10000
	roPage      = scratch + scratchSize
	badAddr     = roPage + pageSize // unmapped
)

type env struct {
	t  *testing.T
	k  *Kernel
	p  *Process
	tk *Task
	m  *x86.Machine
}

func newEnv(t *testing.T, cfg Config) *env {
	t.Helper()
	cfg.MemMode = mem.Virtual
	k := New(cfg)
	p, tk, err := k.NewProcess("/usr/bin/guest")
	if err != nil {
		t.Fatal(err)
	}
	if _, e := p.Space.Map(scratch, scratchSize, abi.PROT_READ|abi.PROT_WRITE, abi.MAP_PRIVATE|abi.MAP_ANONYMOUS|abi.MAP_FIXED, nil, 0); e != 0 {
		t.Fatal(e)
	}
	if _, e := p.Space.Map(roPage, pageSize, abi.PROT_READ, abi.MAP_PRIVATE|abi.MAP_ANONYMOUS|abi.MAP_FIXED, nil, 0); e != 0 {
		t.Fatal(e)
	}
	t.Cleanup(func() { p.fds.closeAll() })
	// The task runs, as far as CPU accounting goes, as if Run had
	// started it.
	tk.goBusy(inUser)
	t.Cleanup(func() { tk.goIdle() })
	// Like a program started from a shell, the process is in a group and
	// session it does not lead (inherited from the host), whatever the
	// host's own ids: inside a PID namespace they read as 0 and the
	// process would lead its own, and setsid would fail.
	k.mu.Lock()
	if p.pgid == p.pid || p.sid == p.pid {
		p.pgid, p.sid = p.pid+1000, p.pid+1000
	}
	k.mu.Unlock()
	return &env{t: t, k: k, p: p, tk: tk, m: tk.m}
}

// sys runs syscall nr and returns RAX as a signed value.
func (e *env) sys(nr int, args ...uint64) int64 {
	var a [6]uint64
	copy(a[:], args)
	m := e.m
	m.R[x86.RAX] = uint64(nr)
	m.R[x86.RDI], m.R[x86.RSI], m.R[x86.RDX] = a[0], a[1], a[2]
	m.R[x86.R10], m.R[x86.R8], m.R[x86.R9] = a[3], a[4], a[5]
	e.tk.Syscall(m)
	return int64(m.R[x86.RAX])
}

func (e *env) errno(nr int, args ...uint64) abi.Errno {
	r := e.sys(nr, args...)
	if r < 0 && r > -4096 {
		return abi.Errno(-r)
	}
	return 0
}

func (e *env) ok(nr int, args ...uint64) int64 {
	e.t.Helper()
	r := e.sys(nr, args...)
	if r < 0 && r > -4096 {
		e.t.Fatalf("syscall %s failed: %v", syscallTable[nr].Name, abi.Errno(-r))
	}
	return r
}

// str writes a NUL-terminated string into guest memory and returns its address.
func (e *env) str(addr uint64, s string) uint64 {
	if err := e.m.Mem.CopyOut(addr, append([]byte(s), 0)); err != 0 {
		e.t.Fatal(err)
	}
	return addr
}

func (e *env) mem(addr uint64, n int) []byte {
	b := make([]byte, n)
	if err := e.m.Mem.CopyIn(addr, b); err != 0 {
		e.t.Fatal(err)
	}
	return b
}

func TestUnknownSyscallENOSYS(t *testing.T) {
	dir := t.TempDir()
	log := klog.New(dir+"/log", false)
	e := newEnv(t, Config{Log: log})
	for range 3 {
		if got := e.errno(abi.SYS_ACCT); got != abi.ENOSYS {
			t.Fatalf("acct: %v, want ENOSYS", got)
		}
		if got := e.errno(5000); got != abi.ENOSYS {
			t.Fatalf("5000: %v, want ENOSYS", got)
		}
	}
	log.Close()
	b, _ := os.ReadFile(dir + "/log")
	want := "unsupported syscall unknown (163)\nunsupported syscall unknown (5000)\n"
	if string(b) != want {
		t.Fatalf("log = %q, want %q", b, want)
	}
}

func TestSyscallSetsRCXR11(t *testing.T) {
	e := newEnv(t, Config{})
	e.m.RIP = 0x401000
	e.ok(abi.SYS_GETPID)
	if e.m.R[x86.RCX] != 0x401000 || e.m.R[x86.R11] != e.m.GetFlags() {
		t.Fatalf("rcx=%#x r11=%#x", e.m.R[x86.RCX], e.m.R[x86.R11])
	}
}

func TestExitGroup(t *testing.T) {
	e := newEnv(t, Config{})
	e.m.R[x86.RAX] = 0
	e.sys(abi.SYS_EXIT_GROUP, 0x1234)
	if !e.m.Stopping() || !e.p.exited || e.p.exitStatus != 0x34 {
		t.Fatalf("stop=%v exited=%v status=%#x", e.m.Stopping(), e.p.exited, e.p.exitStatus)
	}
}

func TestStrace(t *testing.T) {
	dir := t.TempDir()
	log := klog.New(dir+"/log", false)
	e := newEnv(t, Config{Log: log, Strace: 1})
	e.sys(abi.SYS_OPENAT, uint64(0xffffffffffffff9c), e.str(scratch, "/nonexistent/x"), abi.O_RDONLY|abi.O_CLOEXEC, 0)
	e.sys(abi.SYS_WRITE, 99, e.str(scratch, "hi\n"), 3)
	log.Close()
	b, _ := os.ReadFile(dir + "/log")
	pid := itoa(int64(e.p.pid))
	want := pid + " " + pid + ` openat(AT_FDCWD, "/nonexistent/x", O_CLOEXEC, 00) -> -1 ENOENT` + "\n" +
		pid + " " + pid + ` write(99, "hi\n", 3) -> -1 EBADF` + "\n"
	if string(b) != want {
		t.Fatalf("trace:\n%s\nwant:\n%s", b, want)
	}
}

func TestTableNamesMatchNumbers(t *testing.T) {
	// Every entry must sit at its own number: a misplaced one would be
	// dispatched for the wrong syscall.
	names := map[string]int{"read": 0, "write": 1, "mmap": 9, "arch_prctl": 158, "exit_group": 231,
		"openat": 257, "newfstatat": 262, "getrandom": 318, "statx": 332, "rseq": 334, "faccessat2": 439}
	for name, nr := range names {
		if syscallTable[nr].Name != name {
			t.Errorf("table[%d] = %q, want %q", nr, syscallTable[nr].Name, name)
		}
	}
	seen := map[string]bool{}
	for _, s := range Table() {
		if s.Name != "" && seen[s.Name] {
			t.Errorf("%s listed twice", s.Name)
		}
		seen[s.Name] = true
		if s.Status != Unimplemented && s.Fn == nil {
			t.Errorf("%s has no handler", s.Name)
		}
	}
}

func (e *env) pipe() (r, w uint64) {
	e.t.Helper()
	e.ok(abi.SYS_PIPE2, scratch+0x8000, 0)
	b := e.mem(scratch+0x8000, 8)
	return uint64(rd32(b)), uint64(rd32(b[4:]))
}

package kernel

import (
	"bytes"
	"runtime"
	"testing"
	"time"

	"github.com/blink-go/blink/core/abi"
	"github.com/blink-go/blink/core/x86"
)

func TestClocks(t *testing.T) {
	e := newEnv(t, Config{})
	read := func(id uint64) time.Duration {
		e.ok(abi.SYS_CLOCK_GETTIME, id, scratch)
		b := e.mem(scratch, 16)
		nsec := int64(rd64(b[8:]))
		if nsec < 0 || nsec >= 1e9 {
			t.Fatalf("clock %d: tv_nsec %d", id, nsec)
		}
		return time.Duration(int64(rd64(b)))*time.Second + time.Duration(nsec)
	}
	for _, id := range []uint64{abi.CLOCK_MONOTONIC, abi.CLOCK_MONOTONIC_RAW, abi.CLOCK_BOOTTIME, abi.CLOCK_MONOTONIC_COARSE} {
		prev := read(id)
		for range 1000 {
			now := read(id)
			if now < prev {
				t.Fatalf("clock %d went back: %v < %v", id, now, prev)
			}
			prev = now
		}
	}
	if d := time.Duration(time.Now().UnixNano()) - read(abi.CLOCK_REALTIME); d < -time.Second || d > time.Second {
		t.Fatalf("CLOCK_REALTIME off by %v", d)
	}
	c0 := read(abi.CLOCK_PROCESS_CPUTIME_ID)
	for i := 0; i < 3e7; i++ {
		runtime.KeepAlive(i)
	}
	if c1 := read(abi.CLOCK_PROCESS_CPUTIME_ID); c1 <= c0 {
		t.Errorf("process CPU clock did not advance: %v -> %v", c0, c1)
	}
	for _, id := range []uint64{10, 12, 1 << 31} {
		if got := e.errno(abi.SYS_CLOCK_GETTIME, id, scratch); got != abi.EINVAL {
			t.Errorf("clock_gettime(%d) = %v", id, got)
		}
	}
	if got := e.errno(abi.SYS_CLOCK_GETTIME, abi.CLOCK_MONOTONIC, roPage); got != abi.EFAULT {
		t.Errorf("clock_gettime into read-only = %v", got)
	}
	e.ok(abi.SYS_CLOCK_GETRES, abi.CLOCK_MONOTONIC, scratch)
	if b := e.mem(scratch, 16); rd64(b) != 0 || rd64(b[8:]) != 1 {
		t.Errorf("clock_getres = %x", b)
	}
	if tm := e.ok(abi.SYS_TIME, scratch); tm != int64(rd64(e.mem(scratch, 8))) || tm < time.Now().Unix()-1 {
		t.Errorf("time = %d", tm)
	}
	start := time.Now()
	e.m.Mem.CopyOut(scratch, []byte{0, 0, 0, 0, 0, 0, 0, 0, 0x40, 0x4b, 0x4c, 0, 0, 0, 0, 0}) // 5 ms
	e.ok(abi.SYS_NANOSLEEP, scratch, 0)
	if el := time.Since(start); el < 5*time.Millisecond {
		t.Errorf("nanosleep 5ms took %v", el)
	}
	e.m.Mem.CopyOut(scratch+8, []byte{0x00, 0xca, 0x9a, 0x3b, 0, 0, 0, 0}) // 1e9 ns
	if got := e.errno(abi.SYS_NANOSLEEP, scratch, 0); got != abi.EINVAL {
		t.Errorf("nanosleep tv_nsec=1e9 = %v", got)
	}
}

func TestSignalsRecorded(t *testing.T) {
	e := newEnv(t, Config{})
	act := make([]byte, 32)
	le64(act, 0x401000)
	le64(act[8:], abi.SA_RESTORER|abi.SA_SIGINFO)
	le64(act[16:], 0x402000)
	le64(act[24:], ^uint64(0))
	e.m.Mem.CopyOut(scratch, act)
	for _, c := range []struct {
		sig, size uint64
		want      abi.Errno
	}{
		{abi.SIGKILL, 8, abi.EINVAL}, {abi.SIGSTOP, 8, abi.EINVAL}, {0, 8, abi.EINVAL},
		{65, 8, abi.EINVAL}, {abi.SIGUSR1, 4, abi.EINVAL}, {abi.SIGUSR1, 8, 0},
	} {
		if got := e.errno(abi.SYS_RT_SIGACTION, c.sig, scratch, 0, c.size); got != c.want {
			t.Errorf("rt_sigaction(%d, size %d) = %v, want %v", c.sig, c.size, got, c.want)
		}
	}
	// Querying SIGKILL's action is allowed.
	e.ok(abi.SYS_RT_SIGACTION, abi.SIGKILL, 0, scratch+0x100, 8)
	e.ok(abi.SYS_RT_SIGACTION, abi.SIGUSR1, 0, scratch+0x100, 8)
	got := e.mem(scratch+0x100, 32)
	want := append([]byte(nil), act...)
	le64(want[24:], ^uint64(unblockable)) // SIGKILL/SIGSTOP cannot be in sa_mask
	if !bytes.Equal(got, want) {
		t.Errorf("old action %x, want %x", got, want)
	}
	// Masks: SIGKILL/SIGSTOP are silently dropped.
	e.m.Mem.CopyOut(scratch, []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff})
	e.ok(abi.SYS_RT_SIGPROCMASK, abi.SIG_SETMASK, scratch, 0, 8)
	e.ok(abi.SYS_RT_SIGPROCMASK, abi.SIG_BLOCK, 0, scratch+0x100, 8)
	if m := rd64(e.mem(scratch+0x100, 8)); m != ^uint64(unblockable) {
		t.Errorf("mask %#x", m)
	}
	if got := e.errno(abi.SYS_RT_SIGPROCMASK, 3, scratch, 0, 8); got != abi.EINVAL {
		t.Errorf("bad how = %v", got)
	}
	if got := e.errno(abi.SYS_RT_SIGPROCMASK, abi.SIG_BLOCK, badAddr, 0, 8); got != abi.EFAULT {
		t.Errorf("bad set = %v", got)
	}
	// A blocked self-kill stays pending until unblocked, then takes the
	// default action (SIGTERM terminates).
	e.ok(abi.SYS_KILL, uint64(e.p.pid), abi.SIGTERM)
	if e.p.exited {
		t.Fatal("blocked signal acted on")
	}
	e.m.Mem.CopyOut(scratch, []byte{0, 0, 0, 0, 0, 0, 0, 0})
	e.sys(abi.SYS_RT_SIGPROCMASK, abi.SIG_SETMASK, scratch, 0, 8)
	if !e.p.exited || e.p.killedBy != abi.SIGTERM || !e.m.Stopping() {
		t.Fatalf("after unblock: exited=%v killedBy=%d", e.p.exited, e.p.killedBy)
	}
}

func TestIgnoredAndDefaultIgnoreSignals(t *testing.T) {
	e := newEnv(t, Config{})
	e.ok(abi.SYS_TGKILL, uint64(e.p.pid), uint64(e.tk.tid), abi.SIGCHLD)
	e.ok(abi.SYS_KILL, 0, abi.SIGWINCH)
	e.m.Mem.CopyOut(scratch, make([]byte, 32))
	le := []byte{1, 0, 0, 0, 0, 0, 0, 0} // SIG_IGN
	e.m.Mem.CopyOut(scratch, le)
	e.ok(abi.SYS_RT_SIGACTION, abi.SIGINT, scratch, 0, 8)
	e.ok(abi.SYS_KILL, uint64(e.p.pid), abi.SIGINT)
	if e.p.exited {
		t.Fatal("ignored signal killed the process")
	}
	if got := e.errno(abi.SYS_KILL, 99999999, 0); got != abi.ESRCH {
		t.Errorf("kill(99999999) = %v", got)
	}
	if got := e.errno(abi.SYS_TGKILL, uint64(e.p.pid), 99999999, abi.SIGINT); got != abi.ESRCH {
		t.Errorf("tgkill bad tid = %v", got)
	}
	e.ok(abi.SYS_TGKILL, uint64(e.p.pid), uint64(e.tk.tid), abi.SIGABRT)
	if e.p.killedBy != abi.SIGABRT {
		t.Fatalf("SIGABRT: killedBy %d", e.p.killedBy)
	}
}

func TestSigaltstack(t *testing.T) {
	e := newEnv(t, Config{})
	ss := make([]byte, 24)
	le64(ss, scratch)
	le64(ss[16:], 1024)
	e.m.Mem.CopyOut(scratch+0x1000, ss)
	if got := e.errno(abi.SYS_SIGALTSTACK, scratch+0x1000, 0); got != abi.ENOMEM {
		t.Errorf("small stack = %v", got)
	}
	le64(ss[16:], 0x4000)
	le32(ss[8:], 7)
	e.m.Mem.CopyOut(scratch+0x1000, ss)
	if got := e.errno(abi.SYS_SIGALTSTACK, scratch+0x1000, 0); got != abi.EINVAL {
		t.Errorf("bad flags = %v", got)
	}
	le32(ss[8:], 0)
	e.m.Mem.CopyOut(scratch+0x1000, ss)
	e.ok(abi.SYS_SIGALTSTACK, scratch+0x1000, 0)
	e.ok(abi.SYS_SIGALTSTACK, 0, scratch+0x2000)
	if got := e.mem(scratch+0x2000, 24); !bytes.Equal(got, ss) {
		t.Errorf("old stack %x, want %x", got, ss)
	}
	e.m.R[x86.RSP] = scratch + 0x100
	if got := e.errno(abi.SYS_SIGALTSTACK, scratch+0x1000, 0); got != abi.EPERM {
		t.Errorf("change while on stack = %v", got)
	}
}

func TestArchPrctlAndIDs(t *testing.T) {
	e := newEnv(t, Config{})
	e.ok(abi.SYS_ARCH_PRCTL, abi.ARCH_SET_FS, 0x7000_1234)
	e.ok(abi.SYS_ARCH_PRCTL, abi.ARCH_SET_GS, 0x5000)
	if e.m.FSBase != 0x7000_1234 || e.m.GSBase != 0x5000 {
		t.Fatalf("fs %#x gs %#x", e.m.FSBase, e.m.GSBase)
	}
	e.ok(abi.SYS_ARCH_PRCTL, abi.ARCH_GET_FS, scratch)
	if v := rd64(e.mem(scratch, 8)); v != 0x7000_1234 {
		t.Fatalf("ARCH_GET_FS = %#x", v)
	}
	if got := e.errno(abi.SYS_ARCH_PRCTL, abi.ARCH_SET_FS, 1<<47); got != abi.EPERM {
		t.Errorf("non-user FS base = %v", got)
	}
	if got := e.errno(abi.SYS_ARCH_PRCTL, 0x9999, 0); got != abi.EINVAL {
		t.Errorf("bad code = %v", got)
	}
	if got := e.errno(abi.SYS_ARCH_PRCTL, abi.ARCH_GET_FS, badAddr); got != abi.EFAULT {
		t.Errorf("ARCH_GET_FS bad ptr = %v", got)
	}
	pid := e.ok(abi.SYS_GETPID)
	if e.ok(abi.SYS_GETTID) != pid || e.ok(abi.SYS_SET_TID_ADDRESS, scratch) != pid {
		t.Error("single-threaded tid != pid")
	}
	if e.ok(abi.SYS_GETPGID, 0) != e.ok(abi.SYS_GETPGRP) || e.ok(abi.SYS_GETPGID, 1) != 1 ||
		e.errno(abi.SYS_GETPGID, 99999999) != abi.ESRCH {
		t.Error("getpgid inconsistent")
	}
	if got := e.errno(abi.SYS_SET_ROBUST_LIST, scratch, 16); got != abi.EINVAL {
		t.Errorf("set_robust_list bad len = %v", got)
	}
	e.ok(abi.SYS_SET_ROBUST_LIST, scratch+0x40, 24)
	e.ok(abi.SYS_GET_ROBUST_LIST, 0, scratch, scratch+8)
	if b := e.mem(scratch, 16); rd64(b) != scratch+0x40 || rd64(b[8:]) != 24 {
		t.Errorf("get_robust_list %x", b)
	}
	if got := e.errno(abi.SYS_WAIT4, ^uint64(0), 0, 0, 0); got != abi.ECHILD {
		t.Errorf("wait4 = %v", got)
	}
	if got := e.errno(abi.SYS_RSEQ, scratch, 32, 0, 0); got != abi.ENOSYS {
		t.Errorf("rseq = %v", got)
	}
}

func TestInfo(t *testing.T) {
	e := newEnv(t, Config{})
	e.ok(abi.SYS_UNAME, scratch)
	b := e.mem(scratch, abi.UtsnameSize)
	field := func(i int) string {
		f := b[i*abi.UTSLen : (i+1)*abi.UTSLen]
		return string(f[:bytes.IndexByte(f, 0)])
	}
	if field(0) != "Linux" || field(2) != Release || field(4) != "x86_64" || field(1) == "" {
		t.Errorf("uname: %q %q %q %q", field(0), field(1), field(2), field(4))
	}
	if got := e.errno(abi.SYS_UNAME, roPage); got != abi.EFAULT {
		t.Errorf("uname(ro) = %v", got)
	}
	// getrandom: flags validated, buffer filled.
	if got := e.errno(abi.SYS_GETRANDOM, scratch, 16, abi.GRND_RANDOM|abi.GRND_INSECURE); got != abi.EINVAL {
		t.Errorf("getrandom RANDOM|INSECURE = %v", got)
	}
	if got := e.errno(abi.SYS_GETRANDOM, scratch, 16, 8); got != abi.EINVAL {
		t.Errorf("getrandom unknown flag = %v", got)
	}
	e.m.Mem.CopyOut(scratch, make([]byte, 64))
	if n := e.ok(abi.SYS_GETRANDOM, scratch, 64, abi.GRND_NONBLOCK); n != 64 || bytes.Equal(e.mem(scratch, 64), make([]byte, 64)) {
		t.Errorf("getrandom = %d", n)
	}
	// rlimits round-trip through prlimit64 and getrlimit.
	lim := make([]byte, 16)
	le64(lim, 100)
	le64(lim[8:], 200)
	e.m.Mem.CopyOut(scratch, lim)
	e.ok(abi.SYS_PRLIMIT64, 0, abi.RLIMIT_NOFILE, scratch, scratch+0x100)
	e.ok(abi.SYS_GETRLIMIT, abi.RLIMIT_NOFILE, scratch+0x200)
	if got := e.mem(scratch+0x200, 16); !bytes.Equal(got, lim) {
		t.Errorf("getrlimit = %x", got)
	}
	le64(lim, 300)
	e.m.Mem.CopyOut(scratch, lim)
	if got := e.errno(abi.SYS_SETRLIMIT, abi.RLIMIT_NOFILE, scratch); got != abi.EINVAL {
		t.Errorf("soft > hard = %v", got)
	}
	if got := e.errno(abi.SYS_GETRLIMIT, 99, scratch); got != abi.EINVAL {
		t.Errorf("bad resource = %v", got)
	}
	// RLIMIT_NOFILE is enforced by descriptor allocation.
	le64(lim, 4)
	le64(lim[8:], 200)
	e.m.Mem.CopyOut(scratch, lim)
	e.ok(abi.SYS_SETRLIMIT, abi.RLIMIT_NOFILE, scratch)
	e.ok(abi.SYS_DUP, 0) // fd 3
	if got := e.errno(abi.SYS_DUP, 0); got != abi.EMFILE {
		t.Errorf("dup past RLIMIT_NOFILE = %v", got)
	}
	// sched_getaffinity returns the mask size.
	n := e.ok(abi.SYS_SCHED_GETAFFINITY, 0, 128, scratch)
	if n%8 != 0 || n == 0 {
		t.Errorf("sched_getaffinity = %d", n)
	}
	if got := e.errno(abi.SYS_SCHED_GETAFFINITY, 0, 4, scratch); got != abi.EINVAL {
		t.Errorf("sched_getaffinity small = %v", got)
	}
	old := e.p.umask
	if got := e.ok(abi.SYS_UMASK, 0o1027); got != int64(old) || e.ok(abi.SYS_UMASK, uint64(old)) != 0o027 {
		t.Errorf("umask")
	}
}

func TestMmapBrk(t *testing.T) {
	e := newEnv(t, Config{})
	a := e.ok(abi.SYS_MMAP, 0, 8192, abi.PROT_READ|abi.PROT_WRITE, abi.MAP_PRIVATE|abi.MAP_ANONYMOUS, ^uint64(0), 0)
	if a&0xfff != 0 {
		t.Fatalf("mmap = %#x", a)
	}
	e.m.Mem.CopyOut(uint64(a), []byte("abc"))
	e.ok(abi.SYS_MPROTECT, uint64(a), 4096, abi.PROT_READ)
	if e.m.Mem.CopyOut(uint64(a), []byte("x")) == 0 {
		t.Fatal("write to PROT_READ page succeeded")
	}
	e.ok(abi.SYS_MUNMAP, uint64(a), 8192)
	if e.m.Mem.CopyIn(uint64(a), make([]byte, 1)) == 0 {
		t.Fatal("read of unmapped page succeeded")
	}
	if got := e.errno(abi.SYS_MMAP, 0, 4096, abi.PROT_READ, abi.MAP_PRIVATE, 99, 0); got != abi.EBADF {
		t.Errorf("mmap bad fd = %v", got)
	}
	if got := e.errno(abi.SYS_MMAP, 0, 0, abi.PROT_READ, abi.MAP_PRIVATE|abi.MAP_ANONYMOUS, ^uint64(0), 0); got != abi.EINVAL {
		t.Errorf("mmap len 0 = %v", got)
	}
	// A file mapping reads the file; the fd must be readable.
	r, w := e.pipe()
	_ = r
	if got := e.errno(abi.SYS_MMAP, 0, 4096, abi.PROT_READ, abi.MAP_PRIVATE, w, 0); got != abi.EACCES {
		t.Errorf("mmap write-only fd = %v", got)
	}
	e.p.Space.SetBrk(0x800000)
	if b := e.ok(abi.SYS_BRK, 0); b != 0x800000 {
		t.Fatalf("brk(0) = %#x", b)
	}
	if b := e.ok(abi.SYS_BRK, 0x802000); b != 0x802000 {
		t.Fatalf("brk grow = %#x", b)
	}
}

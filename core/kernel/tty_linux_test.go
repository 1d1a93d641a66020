package kernel

import (
	"testing"
	"time"

	hostpty "github.com/creack/pty"
	"golang.org/x/sys/unix"

	"github.com/blink-go/blink/core/abi"
)

// ttyEnv is an env whose fd 10 is a pseudo-terminal that is the process's
// controlling terminal, with master the other side.
func ttyEnv(t *testing.T) (e *env, master int) {
	t.Helper()
	ptmx, tty, err := hostpty.Open()
	if err != nil {
		t.Skipf("no pseudo-terminals: %v", err)
	}
	t.Cleanup(func() { ptmx.Close(); tty.Close() })
	e = newEnv(t, Config{})
	fd, err := unix.Dup(int(tty.Fd()))
	if err != nil {
		t.Fatal(err)
	}
	e.k.mu.Lock()
	e.k.tty = ctty{} // whatever the test binary's own stdio attached
	e.k.mu.Unlock()
	tf := e.k.attachTerminal(e.p, &hostFile{fd: fd, path: "/dev/pts/test"})
	e.p.fds.install(10, newDescription(tf, abi.O_RDWR), false)
	return e, int(ptmx.Fd())
}

func TestTTYNotATerminal(t *testing.T) {
	e := newEnv(t, Config{})
	r, w := e.pipe()
	for _, req := range []uint64{abi.TCGETS, abi.TIOCGPGRP, abi.TIOCSPGRP, abi.TIOCSCTTY, abi.TIOCNOTTY} {
		if got := e.errno(abi.SYS_IOCTL, r, req, scratch); got != abi.ENOTTY {
			t.Errorf("ioctl(pipe, %#x) = %v, want ENOTTY", req, got)
		}
	}
	e.m.Mem.CopyOut(scratch, []byte("hello"))
	e.ok(abi.SYS_WRITE, w, scratch, 5)
	e.ok(abi.SYS_IOCTL, r, abi.FIONREAD, scratch+64)
	if n := rd32(e.mem(scratch+64, 4)); n != 5 {
		t.Errorf("FIONREAD on a pipe = %d, want 5", n)
	}
}

func TestTTYJobControl(t *testing.T) {
	e, master := ttyEnv(t)
	const fd = 10
	pg := uint64(e.p.pgid)
	e.ok(abi.SYS_IOCTL, fd, abi.TIOCGPGRP, scratch)
	if got := rd32(e.mem(scratch, 4)); uint64(got) != pg {
		t.Fatalf("TIOCGPGRP = %d, want %d", got, pg)
	}
	e.ok(abi.SYS_IOCTL, fd, abi.TIOCGSID, scratch)
	if got := rd32(e.mem(scratch, 4)); int(got) != e.p.sid {
		t.Fatalf("TIOCGSID = %d, want %d", got, e.p.sid)
	}
	e.m.Mem.CopyOut(scratch, []byte{0xff, 0xff, 0xff, 0x7f})
	if got := e.errno(abi.SYS_IOCTL, fd, abi.TIOCSPGRP, scratch); got != abi.ESRCH {
		t.Errorf("TIOCSPGRP to no group = %v, want ESRCH", got)
	}
	e.ok(abi.SYS_IOCTL, fd, abi.TCGETS, scratch)
	e.ok(abi.SYS_IOCTL, fd, abi.TCSETS, scratch)

	// Put the process in the background: another group is in front.
	host := e.k.tty.host
	e.k.mu.Lock()
	host.pgrp = e.p.pgid + 1
	e.k.mu.Unlock()
	var set [8]byte
	le64(set[:], sigBit(abi.SIGTTIN)|sigBit(abi.SIGTTOU))
	e.m.Mem.CopyOut(scratch+64, set[:])
	e.ok(abi.SYS_RT_SIGPROCMASK, abi.SIG_BLOCK, scratch+64, 0, 8)
	if got := e.errno(abi.SYS_READ, fd, scratch+128, 16); got != abi.EIO {
		t.Errorf("background read with SIGTTIN blocked = %v, want EIO", got)
	}
	e.ok(abi.SYS_IOCTL, fd, abi.TCSETS, scratch) // SIGTTOU blocked: allowed
	e.ok(abi.SYS_RT_SIGPROCMASK, abi.SIG_UNBLOCK, scratch+64, 0, 8)
	if got := e.tk.jobControl(host, abi.SIGTTIN); got != errRestartSys {
		t.Errorf("background read = %v, want a restart after SIGTTIN", got)
	}
	e.k.mu.Lock()
	pending := e.p.shared.mask & sigBit(abi.SIGTTIN)
	e.p.shared.drop(sigBit(abi.SIGTTIN))
	e.tk.recalc()
	host.pgrp = e.p.pgid
	e.k.mu.Unlock()
	if pending == 0 {
		t.Error("SIGTTIN was not sent to the background group")
	}

	// A foreground read waits for input, in the host's poll.
	go func() {
		time.Sleep(100 * time.Millisecond)
		unix.Write(master, []byte("typed\n"))
	}()
	start := time.Now()
	n := e.ok(abi.SYS_READ, fd, scratch+128, 16)
	if got := string(e.mem(scratch+128, int(n))); got != "typed\n" {
		t.Errorf("read %q after %v", got, time.Since(start))
	}
	e.ok(abi.SYS_IOCTL, fd, abi.FIONREAD, scratch)
	if got := rd32(e.mem(scratch, 4)); got != 0 {
		t.Errorf("FIONREAD after reading everything = %d", got)
	}

	// TIOCNOTTY by a non-leader drops the terminal for this process.
	if e.p.sid != e.p.pid {
		e.ok(abi.SYS_IOCTL, fd, abi.TIOCNOTTY, 0)
		if got := e.errno(abi.SYS_IOCTL, fd, abi.TIOCGPGRP, scratch); got != abi.ENOTTY {
			t.Errorf("TIOCGPGRP after TIOCNOTTY = %v, want ENOTTY", got)
		}
	}
}

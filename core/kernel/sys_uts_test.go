package kernel

import (
	"bytes"
	"os"
	"testing"

	"github.com/blink-go/blink/core/abi"
)

func (e *env) unameField(i int) string {
	e.ok(abi.SYS_UNAME, scratch+0x800)
	f := e.mem(scratch+0x800+uint64(i*abi.UTSLen), abi.UTSLen)
	return string(f[:bytes.IndexByte(f, 0)])
}

// The guest's names are its own: root sets them, uname and
// /proc/sys/kernel report them, the host's stay as they are.
func TestSethostname(t *testing.T) {
	e := newEnv(t, Config{})
	host, _ := os.Hostname()
	if got := e.unameField(5); got != "(none)" {
		t.Errorf("initial domainname %q", got)
	}
	e.p.creds = Credentials{RUID: 1000, EUID: 1000, SUID: 1000}
	for _, nr := range []int{abi.SYS_SETHOSTNAME, abi.SYS_SETDOMAINNAME} {
		// The privilege check comes first.
		if got := e.errno(nr, badAddr, 100); got != abi.EPERM {
			t.Errorf("%s unprivileged = %v", syscallTable[nr].Name, got)
		}
	}
	e.p.creds = Credentials{}
	for _, nr := range []int{abi.SYS_SETHOSTNAME, abi.SYS_SETDOMAINNAME} {
		name := syscallTable[nr].Name
		for _, c := range []struct {
			addr, n uint64
			want    abi.Errno
		}{
			{e.str(scratch, "x"), 65, abi.EINVAL},
			{scratch, ^uint64(0), abi.EINVAL},
			{badAddr, 5, abi.EFAULT},
			{roPage + pageSize - 2, 4, abi.EFAULT},
		} {
			if got := e.errno(nr, c.addr, c.n); got != c.want {
				t.Errorf("%s(%#x, %d) = %v, want %v", name, c.addr, int64(c.n), got, c.want)
			}
		}
	}
	if got := e.unameField(1); got != host {
		t.Errorf("failed calls changed the host name to %q", got)
	}
	// Exactly len bytes are taken, without needing a NUL.
	e.str(scratch, "guest-box.example")
	e.ok(abi.SYS_SETHOSTNAME, scratch, 9)
	e.ok(abi.SYS_SETDOMAINNAME, scratch+10, 7)
	if h, d := e.unameField(1), e.unameField(5); h != "guest-box" || d != "example" {
		t.Errorf("uname after set: %q %q", h, d)
	}
	sys := e.k.ProcSource().System()
	if sys.Hostname != "guest-box" || sys.Domainname != "example" {
		t.Errorf("/proc/sys/kernel: %q %q", sys.Hostname, sys.Domainname)
	}
	if h, _ := os.Hostname(); h != host {
		t.Errorf("the host's name changed to %q", h)
	}
	// Another kernel (another blink) is not affected; the longest name
	// is 64 bytes; an empty name is allowed.
	if other := newEnv(t, Config{}); other.unameField(1) != host {
		t.Error("the name leaked into another kernel")
	}
	long := bytes.Repeat([]byte{'n'}, 64)
	e.m.Mem.CopyOut(scratch, long)
	e.ok(abi.SYS_SETHOSTNAME, scratch, 64)
	if got := e.unameField(1); got != string(long) {
		t.Errorf("64-byte name: %q", got)
	}
	e.ok(abi.SYS_SETDOMAINNAME, scratch, 0)
	if got := e.unameField(5); got != "" {
		t.Errorf("empty domainname: %q", got)
	}
}

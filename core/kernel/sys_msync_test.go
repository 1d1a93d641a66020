package kernel

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/blink-go/blink/core/abi"
	"github.com/blink-go/blink/core/mem"
)

// newEnvMode is newEnv with the given memory mode.
func newEnvMode(t *testing.T, mode mem.Mode) *env {
	t.Helper()
	if mode == mem.Virtual {
		return newEnv(t, Config{})
	}
	k := New(Config{MemMode: mode})
	p, tk, err := k.NewProcess("/usr/bin/guest")
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range []struct {
		at, n uint64
		prot  int
	}{{scratch, scratchSize, abi.PROT_READ | abi.PROT_WRITE}, {roPage, pageSize, abi.PROT_READ}} {
		if _, e := p.Space.Map(m.at, m.n, m.prot, abi.MAP_PRIVATE|abi.MAP_ANONYMOUS|abi.MAP_FIXED, nil, 0); e != 0 {
			t.Fatal(e)
		}
	}
	t.Cleanup(func() { p.fds.closeAll(); p.Space.Close() })
	return &env{t: t, k: k, p: p, tk: tk, m: tk.m}
}

func TestMsyncWritesBack(t *testing.T) {
	for _, mode := range []mem.Mode{mem.Linear, mem.Virtual} {
		t.Run(mode.String(), func(t *testing.T) {
			e := newEnvMode(t, mode)
			if got := e.p.Space.Mode(); got != mode {
				t.Logf("memory fell back to %v: %s", got, e.p.Space.FallbackReason())
			}
			path := filepath.Join(t.TempDir(), "f")
			content := bytes.Repeat([]byte("0123456789"), 1000) // 10000 bytes: 2 pages and a bit
			if err := os.WriteFile(path, content, 0o644); err != nil {
				t.Fatal(err)
			}
			fd := e.ok(abi.SYS_OPENAT, 0xffffffffffffff9c, e.str(scratch, path), abi.O_RDWR, 0)
			a := uint64(e.ok(abi.SYS_MMAP, 0, 4*pageSize, abi.PROT_READ|abi.PROT_WRITE, abi.MAP_SHARED, uint64(fd), 0))
			ro := uint64(e.ok(abi.SYS_OPENAT, 0xffffffffffffff9c, e.str(scratch, path), abi.O_RDONLY, 0))
			b := uint64(e.ok(abi.SYS_MMAP, 0, pageSize, abi.PROT_READ, abi.MAP_SHARED, ro, 0))
			e.m.Mem.CopyOut(a+5, []byte("HELLO"))
			e.m.Mem.CopyOut(a+pageSize+100, []byte("world"))
			e.m.Mem.CopyOut(a+10100, []byte("past the end"))
			// Only the second page, asynchronously: in Virtual mode the
			// first stays as it was; in Linear mode the mapping is the
			// host file itself, so both stores are there already, as on
			// Linux.
			e.ok(abi.SYS_MSYNC, a+pageSize, pageSize, abi.MS_ASYNC)
			got, _ := os.ReadFile(path)
			want := append([]byte(nil), content...)
			copy(want[pageSize+100:], "world")
			if e.p.Space.Mode() == mem.Linear {
				copy(want[5:], "HELLO")
			}
			if !bytes.Equal(got, want) {
				t.Fatalf("after MS_ASYNC of page 2: %q...", got[:20])
			}
			// Then everything, protected read-only meanwhile; the file
			// does not grow; the read-only descriptor's mapping writes
			// nothing.
			e.ok(abi.SYS_MPROTECT, a, 4*pageSize, abi.PROT_READ)
			e.ok(abi.SYS_MSYNC, a, 4*pageSize, abi.MS_SYNC|abi.MS_INVALIDATE)
			e.ok(abi.SYS_MSYNC, b, pageSize, 0)
			got, _ = os.ReadFile(path)
			copy(want[5:], "HELLO")
			if !bytes.Equal(got, want) {
				t.Fatalf("after MS_SYNC: len %d %q", len(got), got[:20])
			}
			// A hole in the range: the mappings around it are written
			// back, then ENOMEM.
			e.ok(abi.SYS_MPROTECT, a, 4*pageSize, abi.PROT_READ|abi.PROT_WRITE)
			e.m.Mem.CopyOut(a, []byte("X"))
			e.ok(abi.SYS_MUNMAP, a+2*pageSize, pageSize)
			if got := e.errno(abi.SYS_MSYNC, a, 4*pageSize, abi.MS_SYNC); got != abi.ENOMEM {
				t.Errorf("msync over a hole = %v", got)
			}
			if got, _ := os.ReadFile(path); got[0] != 'X' {
				t.Errorf("hole stopped the write-back: %q", got[:10])
			}
		})
	}
}

func TestMsyncMlockErrors(t *testing.T) {
	e := newEnv(t, Config{})
	for _, c := range []struct {
		name string
		nr   int
		args []uint64
		want abi.Errno
	}{
		{"msync unaligned", abi.SYS_MSYNC, []uint64{scratch + 1, 4096, 0}, abi.EINVAL},
		{"msync bad flag", abi.SYS_MSYNC, []uint64{scratch, 4096, 8}, abi.EINVAL},
		{"msync ASYNC|SYNC", abi.SYS_MSYNC, []uint64{scratch, 4096, abi.MS_ASYNC | abi.MS_SYNC}, abi.EINVAL},
		{"msync unmapped", abi.SYS_MSYNC, []uint64{badAddr, 4096, abi.MS_ASYNC}, abi.ENOMEM},
		{"msync empty", abi.SYS_MSYNC, []uint64{badAddr, 0, abi.MS_SYNC}, 0},
		{"msync wraps", abi.SYS_MSYNC, []uint64{scratch, ^uint64(4095), abi.MS_SYNC}, abi.ENOMEM},
		{"msync length rounds to 0", abi.SYS_MSYNC, []uint64{badAddr, ^uint64(0), abi.MS_SYNC}, 0},
		{"msync anonymous", abi.SYS_MSYNC, []uint64{scratch, scratchSize + pageSize, abi.MS_SYNC}, 0},
		{"mlock", abi.SYS_MLOCK, []uint64{scratch + 10, 100}, 0},
		{"mlock unmapped", abi.SYS_MLOCK, []uint64{badAddr, 4096}, abi.ENOMEM},
		{"mlock into a hole", abi.SYS_MLOCK, []uint64{roPage, 2 * pageSize}, abi.ENOMEM},
		{"mlock 0 bytes unaligned", abi.SYS_MLOCK, []uint64{badAddr + 1, 0}, abi.ENOMEM},
		{"mlock wraps to 0", abi.SYS_MLOCK, []uint64{badAddr, ^uint64(0)}, 0},
		{"mlock2 bad flag", abi.SYS_MLOCK2, []uint64{scratch, 4096, 2}, abi.EINVAL},
		{"mlock2 onfault", abi.SYS_MLOCK2, []uint64{scratch, 4096, abi.MLOCK_ONFAULT}, 0},
		{"munlock", abi.SYS_MUNLOCK, []uint64{scratch, 4096}, 0},
		{"munlock unmapped", abi.SYS_MUNLOCK, []uint64{badAddr, 4096}, abi.ENOMEM},
		{"mlockall 0", abi.SYS_MLOCKALL, []uint64{0}, abi.EINVAL},
		{"mlockall onfault alone", abi.SYS_MLOCKALL, []uint64{abi.MCL_ONFAULT}, abi.EINVAL},
		{"mlockall unknown", abi.SYS_MLOCKALL, []uint64{8}, abi.EINVAL},
		{"munlockall", abi.SYS_MUNLOCKALL, nil, 0},
	} {
		if got := e.errno(c.nr, c.args...); got != c.want {
			t.Errorf("%s = %v, want %v", c.name, got, c.want)
		}
	}
	// Unprivileged: RLIMIT_MEMLOCK 0 forbids locking; a request above
	// the limit, or MCL_CURRENT over a bigger address space, is ENOMEM.
	e.p.creds = Credentials{RUID: 1000, EUID: 1000, SUID: 1000}
	e.p.rlimits[abi.RLIMIT_MEMLOCK] = [2]uint64{pageSize, pageSize}
	e.ok(abi.SYS_MLOCK, scratch, pageSize)
	if got := e.errno(abi.SYS_MLOCK, scratch, 2*pageSize); got != abi.ENOMEM {
		t.Errorf("mlock over RLIMIT_MEMLOCK = %v", got)
	}
	if got := e.errno(abi.SYS_MLOCKALL, abi.MCL_CURRENT|abi.MCL_FUTURE); got != abi.ENOMEM {
		t.Errorf("mlockall over RLIMIT_MEMLOCK = %v", got)
	}
	e.ok(abi.SYS_MLOCKALL, abi.MCL_FUTURE)
	e.p.rlimits[abi.RLIMIT_MEMLOCK] = [2]uint64{0, 0}
	if got := e.errno(abi.SYS_MLOCK, scratch, pageSize); got != abi.EPERM {
		t.Errorf("mlock with RLIMIT_MEMLOCK 0 = %v", got)
	}
	if got := e.errno(abi.SYS_MLOCKALL, abi.MCL_FUTURE); got != abi.EPERM {
		t.Errorf("mlockall with RLIMIT_MEMLOCK 0 = %v", got)
	}
	e.ok(abi.SYS_MUNLOCK, scratch, pageSize)
}

package kernel

import (
	"bytes"
	"github.com/blink-go/blink/hostfs"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/blink-go/blink/core/abi"
)

// These tests compare against the host Linux kernel: the same operation is
// made as a raw host syscall and the errno (or bytes) must agree.

func hostErr(r1 uintptr, en unix.Errno) abi.Errno { return abi.Errno(en) }

const atFDCWD = uint64(0xffffffffffffff9c)

func TestWriteEFAULT(t *testing.T) {
	e := newEnv(t, Config{})
	_, w := e.pipe()
	var hp [2]int
	if err := unix.Pipe(hp[:]); err != nil {
		t.Fatal(err)
	}
	defer unix.Close(hp[0])
	defer unix.Close(hp[1])
	for _, c := range []struct {
		guest, host uintptr
		n           uint64
	}{
		{badAddr, 1, 5},       // unmapped
		{badAddr, 1, 0},       // zero length never touches the buffer
		{1 << 47, 1 << 47, 5}, // beyond user space
		{0xfffffffffffff000, 0xfffffffffffff000, 5},
	} {
		got := e.errno(abi.SYS_WRITE, w, uint64(c.guest), c.n)
		_, _, en := unix.Syscall(unix.SYS_WRITE, uintptr(hp[1]), c.host, uintptr(c.n))
		if got != abi.Errno(en) {
			t.Errorf("write(%#x, %d) = %v, host %v", c.guest, c.n, got, abi.Errno(en))
		}
	}
	// A buffer running from readable memory into a hole writes the
	// readable part.
	e.str(scratch, "x")
	if n := e.sys(abi.SYS_WRITE, w, badAddr-3, 10); n != 3 {
		t.Errorf("straddling write = %d, want 3", n)
	}
}

func TestReadEFAULTKeepsInput(t *testing.T) {
	e := newEnv(t, Config{})
	r, w := e.pipe()
	e.ok(abi.SYS_WRITE, w, e.str(scratch, "hello"), 5)
	if got := e.errno(abi.SYS_READ, r, badAddr, 5); got != abi.EFAULT {
		t.Fatalf("read into unmapped = %v", got)
	}
	if got := e.errno(abi.SYS_READ, r, roPage, 5); got != abi.EFAULT {
		t.Fatalf("read into read-only = %v", got)
	}
	if n := e.ok(abi.SYS_READ, r, scratch+0x100, 64); n != 5 || string(e.mem(scratch+0x100, 5)) != "hello" {
		t.Fatalf("read after EFAULT = %d %q", n, e.mem(scratch+0x100, 5))
	}
	// Wrong direction: the read end cannot be written.
	var hp [2]int
	unix.Pipe(hp[:])
	defer unix.Close(hp[0])
	defer unix.Close(hp[1])
	_, _, en := unix.Syscall(unix.SYS_WRITE, uintptr(hp[0]), uintptr(unsafe.Pointer(&hp)), 1)
	if got := e.errno(abi.SYS_WRITE, r, scratch, 1); got != abi.Errno(en) {
		t.Fatalf("write to read end = %v, host %v", got, abi.Errno(en))
	}
}

func TestOpenLowestFDAndCloexec(t *testing.T) {
	e := newEnv(t, Config{})
	dir := t.TempDir()
	path := e.str(scratch, filepath.Join(dir, "f"))
	a := e.ok(abi.SYS_OPENAT, atFDCWD, path, abi.O_CREAT|abi.O_RDWR, 0o644)
	b := e.ok(abi.SYS_OPENAT, atFDCWD, path, abi.O_RDONLY|abi.O_CLOEXEC, 0)
	if a != 3 || b != 4 {
		t.Fatalf("fds %d %d, want 3 4", a, b)
	}
	if e.ok(abi.SYS_FCNTL, uint64(a), abi.F_GETFD) != 0 || e.ok(abi.SYS_FCNTL, uint64(b), abi.F_GETFD) != abi.FD_CLOEXEC {
		t.Fatal("O_CLOEXEC not recorded")
	}
	e.ok(abi.SYS_CLOSE, uint64(a))
	if c := e.ok(abi.SYS_DUP, uint64(b)); c != 3 || e.ok(abi.SYS_FCNTL, 3, abi.F_GETFD) != 0 {
		t.Fatalf("dup = %d (want lowest free 3, without FD_CLOEXEC)", c)
	}
	if c := e.ok(abi.SYS_FCNTL, 3, abi.F_DUPFD_CLOEXEC, 10); c != 10 || e.ok(abi.SYS_FCNTL, 10, abi.F_GETFD) != abi.FD_CLOEXEC {
		t.Fatalf("F_DUPFD_CLOEXEC = %d", c)
	}
	if c := e.ok(abi.SYS_DUP3, 3, 7, abi.O_CLOEXEC); c != 7 || e.ok(abi.SYS_FCNTL, 7, abi.F_GETFD) != abi.FD_CLOEXEC {
		t.Fatalf("dup3 = %d", c)
	}
	if got := e.errno(abi.SYS_DUP3, 3, 3, 0); got != abi.EINVAL {
		t.Fatalf("dup3 same fd = %v", got)
	}
	if got := e.ok(abi.SYS_DUP2, 3, 3); got != 3 {
		t.Fatalf("dup2 same fd = %d", got)
	}
	if fl := e.ok(abi.SYS_FCNTL, 4, abi.F_GETFL); fl&abi.O_ACCMODE != abi.O_RDONLY || fl&abi.O_CLOEXEC != 0 {
		t.Fatalf("F_GETFL = %#o", fl)
	}
	e.ok(abi.SYS_FCNTL, 4, abi.F_SETFL, abi.O_NONBLOCK|abi.O_WRONLY)
	if fl := e.ok(abi.SYS_FCNTL, 4, abi.F_GETFL); fl&abi.O_ACCMODE != abi.O_RDONLY || fl&abi.O_NONBLOCK == 0 {
		t.Fatalf("F_SETFL changed access mode or lost O_NONBLOCK: %#o", fl)
	}
	if got := e.errno(abi.SYS_CLOSE, 99); got != abi.EBADF {
		t.Fatalf("close(99) = %v", got)
	}
}

func TestOpenErrnosMatchHost(t *testing.T) {
	needX86Host(t)
	e := newEnv(t, Config{})
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "file"), nil, 0o644)
	for _, c := range []struct {
		dirfd int
		path  string
		flags int
	}{
		{unix.AT_FDCWD, "/nonexistent/x", 0},
		{unix.AT_FDCWD, "", 0},
		{unix.AT_FDCWD, filepath.Join(dir, "file", "x"), 0},
		{unix.AT_FDCWD, filepath.Join(dir, "file"), unix.O_DIRECTORY},
		{unix.AT_FDCWD, filepath.Join(dir, "file"), unix.O_CREAT | unix.O_EXCL},
		{unix.AT_FDCWD, dir, unix.O_WRONLY},
		{unix.AT_FDCWD, dir, unix.O_TMPFILE}, // O_TMPFILE needs write access
		{1000, "relative", 0},                // bad dirfd
		{1000, "/", 0},                       // ignored for absolute paths
	} {
		got := e.errno(abi.SYS_OPENAT, uint64(int64(c.dirfd)), e.str(scratch, c.path), uint64(c.flags), 0o600)
		fd, err := unix.Openat(c.dirfd, c.path, c.flags, 0o600)
		if err == nil {
			unix.Close(fd)
		}
		if want := hostErrno(err); got != want {
			t.Errorf("openat(%d, %q, %#o) = %v, host %v", c.dirfd, c.path, c.flags, got, want)
		}
	}
	if got := e.errno(abi.SYS_OPEN, badAddr); got != abi.EFAULT {
		t.Errorf("open(bad) = %v", got)
	}
	long := bytes.Repeat([]byte("a"), abi.PATH_MAX)
	e.m.Mem.CopyOut(scratch, append(long, 0))
	if got := e.errno(abi.SYS_OPEN, scratch, 0); got != abi.ENAMETOOLONG {
		t.Errorf("open(4096-byte name) = %v", got)
	}
}

func TestStatLayoutMatchesHost(t *testing.T) {
	needX86Host(t)
	e := newEnv(t, Config{})
	dir := t.TempDir()
	name := filepath.Join(dir, "f")
	os.WriteFile(name, []byte("12345"), 0o640)
	os.Symlink("f", filepath.Join(dir, "l"))
	var want [abi.StatSize]byte
	// On an x86-64 host, unix.Stat_t is struct stat itself.
	if unsafe.Sizeof(unix.Stat_t{}) != abi.StatSize {
		t.Skip("host struct stat differs from x86-64's")
	}
	check := func(what string, got []byte, st *unix.Stat_t) {
		t.Helper()
		g := *st
		asGuest(e, &g)
		copy(want[:], unsafe.Slice((*byte)(unsafe.Pointer(&g)), abi.StatSize))
		// Access times may move between the two calls.
		copy(want[abi.StatAtimeOff:abi.StatAtimeOff+16], got[abi.StatAtimeOff:])
		if !bytes.Equal(got, want[:]) {
			t.Errorf("%s:\n got %x\nwant %x", what, got, want)
		}
	}
	var st unix.Stat_t
	unix.Stat(name, &st)
	e.ok(abi.SYS_STAT, e.str(scratch, name), scratch+0x1000)
	check("stat", e.mem(scratch+0x1000, abi.StatSize), &st)

	unix.Lstat(filepath.Join(dir, "l"), &st)
	e.ok(abi.SYS_LSTAT, e.str(scratch, filepath.Join(dir, "l")), scratch+0x1000)
	check("lstat", e.mem(scratch+0x1000, abi.StatSize), &st)

	fd := e.ok(abi.SYS_OPEN, e.str(scratch, name), abi.O_RDONLY)
	unix.Stat(name, &st)
	e.ok(abi.SYS_FSTAT, uint64(fd), scratch+0x1000)
	check("fstat", e.mem(scratch+0x1000, abi.StatSize), &st)
	e.ok(abi.SYS_NEWFSTATAT, uint64(fd), e.str(scratch, ""), scratch+0x1000, abi.AT_EMPTY_PATH)
	check("fstatat AT_EMPTY_PATH", e.mem(scratch+0x1000, abi.StatSize), &st)
	if got := e.errno(abi.SYS_NEWFSTATAT, uint64(fd), e.str(scratch, ""), scratch+0x1000, 0); got != abi.ENOENT {
		t.Errorf("fstatat empty path = %v", got)
	}
	if got := e.errno(abi.SYS_FSTAT, uint64(fd), roPage); got != abi.EFAULT {
		t.Errorf("fstat into read-only = %v", got)
	}

	// statx against the host's statx.
	var sx unix.Statx_t
	if err := unix.Statx(unix.AT_FDCWD, name, 0, unix.STATX_BASIC_STATS, &sx); err != nil {
		t.Skip(err)
	}
	// The VFS reports its own st_dev and a hash of the host's (dev, ino).
	sx.Ino = hostfs.Ino(unix.Mkdev(sx.Dev_major, sx.Dev_minor), sx.Ino)
	sx.Dev_major, sx.Dev_minor = unix.Major(guestDev(e)), unix.Minor(guestDev(e))
	e.ok(abi.SYS_STATX, atFDCWD, e.str(scratch, name), 0, abi.STATX_BASIC_STATS, scratch+0x1000)
	got := e.mem(scratch+0x1000, abi.StatxSize)
	hb := unsafe.Slice((*byte)(unsafe.Pointer(&sx)), abi.StatxSize)
	for _, f := range []struct {
		name     string
		off, len int
	}{
		{"blksize", abi.StatxBlksizeOff, 4}, {"nlink", abi.StatxNlinkOff, 4}, {"uid", abi.StatxUIDOff, 4},
		{"gid", abi.StatxGIDOff, 4}, {"mode", abi.StatxModeOff, 2}, {"ino", abi.StatxInoOff, 8},
		{"size", abi.StatxSizeOff, 8}, {"blocks", abi.StatxBlocksOff, 8}, {"mtime", abi.StatxMtimeOff, 12},
		{"ctime", abi.StatxCtimeOff, 12}, {"dev_major", abi.StatxDevMajorOff, 4}, {"dev_minor", abi.StatxDevMinorOff, 4},
	} {
		if !bytes.Equal(got[f.off:f.off+f.len], hb[f.off:f.off+f.len]) {
			t.Errorf("statx %s: got %x want %x", f.name, got[f.off:f.off+f.len], hb[f.off:f.off+f.len])
		}
	}
	if m := rd32(got); m&abi.STATX_BASIC_STATS != abi.STATX_BASIC_STATS {
		t.Errorf("stx_mask = %#x", m)
	}
	if got := e.errno(abi.SYS_STATX, atFDCWD, e.str(scratch, name), abi.AT_STATX_SYNC_TYPE, 0, scratch+0x1000); got != abi.EINVAL {
		t.Errorf("statx bad sync type = %v", got)
	}
}

func TestGetdents64(t *testing.T) {
	e := newEnv(t, Config{})
	dir := t.TempDir()
	names := map[string]uint8{".": abi.DT_DIR, "..": abi.DT_DIR, "a": abi.DT_REG, "sub": abi.DT_DIR, "link": abi.DT_LNK}
	os.WriteFile(filepath.Join(dir, "a"), nil, 0o644)
	os.Mkdir(filepath.Join(dir, "sub"), 0o755)
	os.Symlink("a", filepath.Join(dir, "link"))
	fd := uint64(e.ok(abi.SYS_OPEN, e.str(scratch, dir), abi.O_RDONLY|abi.O_DIRECTORY))
	// (Before listing: at the end of an ext4 directory the position is a
	// huge hash cookie and Linux's read says EINVAL instead.)
	if got := e.errno(abi.SYS_READ, fd, scratch, 16); got != abi.EISDIR {
		t.Errorf("read on a directory = %v", got)
	}
	if got := e.errno(abi.SYS_GETDENTS64, fd, scratch, 10); got != abi.EINVAL {
		t.Errorf("getdents64 with a 10-byte buffer = %v, want EINVAL", got)
	}
	if got := e.errno(abi.SYS_GETDENTS64, fd, badAddr, 4096); got != abi.EFAULT {
		t.Errorf("getdents64 into unmapped = %v", got)
	}
	seen := map[string]bool{}
	for {
		n := e.ok(abi.SYS_GETDENTS64, fd, scratch, 4096)
		if n == 0 {
			break
		}
		buf := e.mem(scratch, int(n))
		for off := 0; off < len(buf); {
			reclen := int(buf[off+abi.Dirent64ReclenOff]) | int(buf[off+abi.Dirent64ReclenOff+1])<<8
			if reclen%8 != 0 || reclen < 24 {
				t.Fatalf("d_reclen %d not a multiple of 8", reclen)
			}
			rec := buf[off : off+reclen]
			name := string(rec[abi.Dirent64NameOff : abi.Dirent64NameOff+bytes.IndexByte(rec[abi.Dirent64NameOff:], 0)])
			var st unix.Stat_t
			unix.Lstat(filepath.Join(dir, name), &st)
			asGuest(e, &st)
			if ino := rd64(rec[abi.Dirent64InoOff:]); ino != st.Ino {
				t.Errorf("%s: d_ino %d, host %d", name, ino, st.Ino)
			}
			if typ := rec[abi.Dirent64TypeOff]; typ != names[name] {
				t.Errorf("%s: d_type %d, want %d", name, typ, names[name])
			}
			seen[name] = true
			off += reclen
		}
	}
	if len(seen) != len(names) {
		t.Errorf("saw %v, want %v", seen, names)
	}
	// Rewinding restarts the listing.
	e.ok(abi.SYS_LSEEK, fd, 0, abi.SEEK_SET)
	if n := e.ok(abi.SYS_GETDENTS64, fd, scratch, 4096); n == 0 {
		t.Error("no entries after rewind")
	}
	file := uint64(e.ok(abi.SYS_OPEN, e.str(scratch, filepath.Join(dir, "a")), abi.O_RDONLY))
	if got := e.errno(abi.SYS_GETDENTS64, file, scratch, 4096); got != abi.ENOTDIR {
		t.Errorf("getdents64 on a file = %v", got)
	}
}

func TestPathOps(t *testing.T) {
	e := newEnv(t, Config{})
	dir := t.TempDir()
	e.ok(abi.SYS_CHDIR, e.str(scratch, dir))
	n := e.ok(abi.SYS_GETCWD, scratch, 4096)
	if got := string(e.mem(scratch, int(n))); got != dir+"\x00" {
		t.Fatalf("getcwd = %q, want %q", got, dir)
	}
	if got := e.errno(abi.SYS_GETCWD, scratch, 2); got != abi.ERANGE {
		t.Fatalf("getcwd small = %v", got)
	}
	e.ok(abi.SYS_MKDIR, e.str(scratch, "d"), 0o777)
	if got := e.errno(abi.SYS_MKDIR, e.str(scratch, "d"), 0o777); got != abi.EEXIST {
		t.Fatalf("mkdir twice = %v", got)
	}
	fi, _ := os.Stat(filepath.Join(dir, "d"))
	if fi.Mode().Perm() != os.FileMode(0o777&^e.p.umask) {
		t.Fatalf("mkdir mode %v with umask %#o", fi.Mode(), e.p.umask)
	}
	fd := e.ok(abi.SYS_CREAT, e.str(scratch, "d/f"), 0o600)
	e.ok(abi.SYS_WRITE, uint64(fd), e.str(scratch, "data"), 4)
	e.ok(abi.SYS_RENAME, e.str(scratch, "d/f"), e.str(scratch+0x100, "g"))
	if b, err := os.ReadFile(filepath.Join(dir, "g")); err != nil || string(b) != "data" {
		t.Fatalf("after rename: %q %v", b, err)
	}
	if got := e.errno(abi.SYS_RMDIR, e.str(scratch, "g")); got != abi.ENOTDIR {
		t.Fatalf("rmdir file = %v", got)
	}
	e.ok(abi.SYS_ACCESS, e.str(scratch, "g"), abi.R_OK)
	if got := e.errno(abi.SYS_ACCESS, e.str(scratch, "nope"), 0); got != abi.ENOENT {
		t.Fatalf("access missing = %v", got)
	}
	if got := e.errno(abi.SYS_ACCESS, e.str(scratch, "g"), 8); got != abi.EINVAL {
		t.Fatalf("access bad mode = %v", got)
	}
	e.ok(abi.SYS_TRUNCATE, e.str(scratch, "g"), 2)
	e.ok(abi.SYS_CHMOD, e.str(scratch, "g"), 0o604)
	if fi, _ := os.Stat(filepath.Join(dir, "g")); fi.Size() != 2 || fi.Mode().Perm() != 0o604 {
		t.Fatalf("truncate/chmod: %v %d", fi.Mode(), fi.Size())
	}
	e.ok(abi.SYS_UNLINK, e.str(scratch, "g"))
	e.ok(abi.SYS_RMDIR, e.str(scratch, "d"))
	// readlink /proc/self/exe names the guest, truncating without a NUL.
	n = e.ok(abi.SYS_READLINK, e.str(scratch, "/proc/self/exe"), scratch+0x100, 4096)
	if got := string(e.mem(scratch+0x100, int(n))); got != "/usr/bin/guest" {
		t.Fatalf("readlink /proc/self/exe = %q", got)
	}
	if n := e.ok(abi.SYS_READLINK, e.str(scratch, "/proc/self/exe"), scratch+0x100, 4); n != 4 {
		t.Fatalf("truncated readlink = %d", n)
	}
	if got := e.errno(abi.SYS_READLINK, e.str(scratch, "/proc/self/exe"), scratch+0x100, 0); got != abi.EINVAL {
		t.Fatalf("readlink size 0 = %v", got)
	}
}

// guestDev is the st_dev of the VFS's root mount, where the tests' host
// temporary directories are.
func guestDev(e *env) uint64 {
	return e.k.fs.(*VFS).V.RootLocation().Mount.Superblock().Dev()
}

// asGuest turns a host stat into what the VFS reports for the same file:
// the mount's st_dev and hostfs's hash of the host's (st_dev, st_ino).
func asGuest(e *env, st *unix.Stat_t) {
	st.Ino = hostfs.Ino(st.Dev, st.Ino)
	st.Dev = guestDev(e)
}

// needX86Host skips oracle tests that hand guest values to the host's raw
// system calls: only an x86-64 host shares the guest's flag values, struct
// layouts and byte order (arm64 numbers O_DIRECTORY differently, s390x is
// big-endian).
func needX86Host(t *testing.T) {
	t.Helper()
	if runtime.GOARCH != "amd64" {
		t.Skip("the host's raw syscall ABI is the guest's only on amd64")
	}
}

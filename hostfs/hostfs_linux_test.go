package hostfs

import (
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/blink-go/blink/core/abi"
	"github.com/blink-go/blink/fs/vfs"
)

// Every guest open flag becomes the host constant of the same name
// (arm64 and ppc64 move O_DIRECTORY, O_NOFOLLOW, O_DIRECT, O_LARGEFILE).
func TestOpenFlagsLinux(t *testing.T) {
	for _, p := range [][2]int{
		{abi.O_CREAT, unix.O_CREAT}, {abi.O_EXCL, unix.O_EXCL}, {abi.O_DSYNC, unix.O_DSYNC},
		{abi.O_SYNC, unix.O_SYNC}, {abi.O_ASYNC, unix.O_ASYNC}, {abi.O_DIRECT, unix.O_DIRECT},
		{abi.O_LARGEFILE, unix.O_LARGEFILE}, {abi.O_DIRECTORY, unix.O_DIRECTORY},
		{abi.O_NOFOLLOW, unix.O_NOFOLLOW}, {abi.O_NOATIME, unix.O_NOATIME}, {abi.O_CLOEXEC, unix.O_CLOEXEC},
		{abi.O_PATH, unix.O_PATH}, {abi.O_TMPFILE | abi.O_RDWR, unix.O_TMPFILE | unix.O_RDWR},
	} {
		if got, e := OpenFlags(p[0]); e != 0 || got != p[1] {
			t.Errorf("OpenFlags(%#o) = %#o %v, want %#o", p[0], got, e, p[1])
		}
	}
	// Multi-bit flags only translate whole: O_DSYNC is not O_SYNC, and
	// O_DIRECTORY is not O_TMPFILE.
	if got, _ := OpenFlags(abi.O_DSYNC); got&unix.O_SYNC == unix.O_SYNC {
		t.Errorf("O_DSYNC became O_SYNC (%#o)", got)
	}
	if got, _ := OpenFlags(abi.O_DIRECTORY); got&unix.O_TMPFILE == unix.O_TMPFILE {
		t.Errorf("O_DIRECTORY became O_TMPFILE (%#o)", got)
	}
}

// On a Linux host the errno numbers are the guest's, so even those the
// translation table does not name pass through.
func TestErrnoPassThrough(t *testing.T) {
	if !linuxErrnos {
		t.Skip("this Linux numbers its errnos differently")
	}
	for _, e := range []unix.Errno{unix.EHWPOISON, unix.ENOKEY, unix.ECANCELED, unix.EADDRINUSE} {
		if got := HostErrno(e); got != abi.Errno(e) {
			t.Errorf("HostErrno(%d) = %d", e, got)
		}
	}
}

func TestLinuxOnlyNamespaceOps(t *testing.T) {
	fs, dir := newFS(t)
	os.Mkdir(filepath.Join(dir, "d"), 0o755)
	os.WriteFile(filepath.Join(dir, "a"), []byte("a"), 0o644)
	os.WriteFile(filepath.Join(dir, "b"), []byte("b"), 0o644)
	os.Symlink("a", filepath.Join(dir, "l"))
	root := fs.Root()
	// unlink(2) of a directory is EISDIR on Linux (EPERM on the BSDs).
	if e := root.Unlink("d", false); e != abi.EISDIR {
		t.Errorf("unlink of a directory: %v, want EISDIR", e)
	}
	if e := root.Rename("a", root, "b", abi.RENAME_EXCHANGE); e != 0 {
		t.Fatalf("RENAME_EXCHANGE: %v", e)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "a")); string(b) != "b" {
		t.Errorf("RENAME_EXCHANGE did not swap: a holds %q", b)
	}
	// Linux symlinks have no mode of their own.
	l, _ := lookup(t, root, "l")
	if e := l.SetAttr(&vfs.Attr{Valid: vfs.AttrMode, Mode: 0o600}); e != abi.EOPNOTSUPP {
		t.Errorf("chmod of a symlink: %v, want EOPNOTSUPP", e)
	}
	if fi, _ := os.Stat(filepath.Join(dir, "a")); fi.Mode().Perm() != 0o644&^os.FileMode(hostUmask()) {
		t.Errorf("chmod of a symlink changed its target: %v", fi.Mode())
	}
	if e := root.Mknod("fifo", abi.S_IFIFO|0o640, 0); e != 0 {
		t.Fatal(e)
	}
	if _, st := lookup(t, root, "fifo"); st.Mode != abi.S_IFIFO|0o640 {
		t.Errorf("mknod fifo: mode %o", st.Mode)
	}
	if os.Geteuid() != 0 {
		return
	}
	// A device number is passed in Linux's encoding and read back as is.
	null := uint64(1<<8 | 3)
	if e := root.Mknod("null", abi.S_IFCHR|0o666, null); e != 0 {
		t.Fatal(e)
	}
	if _, st := lookup(t, root, "null"); st.Mode != abi.S_IFCHR|0o666 || st.Rdev != null {
		t.Errorf("mknod char 1,3: mode %o rdev %#x", st.Mode, st.Rdev)
	}
}

package kernel

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/blink-go/blink/core/abi"
)

// -C: the guest's "/" is the directory; absolute symlinks, "/.." and the
// cwd stay inside it; chroot, mount and umount2 go through the VFS.
func TestRootDirectory(t *testing.T) {
	outer := t.TempDir()
	dir := filepath.Join(outer, "root")
	os.MkdirAll(filepath.Join(dir, "bin"), 0o755)
	os.MkdirAll(filepath.Join(dir, "jail", "etc"), 0o755)
	os.WriteFile(filepath.Join(dir, "bin", "busybox"), []byte("bb"), 0o755)
	os.Symlink("/bin/busybox", filepath.Join(dir, "bin", "ls"))
	os.Symlink("../../../../..", filepath.Join(dir, "up"))
	os.WriteFile(filepath.Join(outer, "ESCAPED"), nil, 0o644)
	hostDir := t.TempDir()
	os.WriteFile(filepath.Join(hostDir, "hostfile"), nil, 0o644)

	e := newEnv(t, Config{Root: dir})
	st := uint64(scratch + 0x1000)
	e.ok(abi.SYS_STAT, e.str(scratch, "/bin/ls"), st)
	if rd64(e.mem(st+abi.StatSizeOff, 8)) != 2 {
		t.Error("/bin/ls does not reach /bin/busybox in the root")
	}
	for _, p := range []string{"/../ESCAPED", "up/ESCAPED", "/up/ESCAPED", "../ESCAPED"} {
		if got := e.errno(abi.SYS_STAT, e.str(scratch, p), st); got != abi.ENOENT {
			t.Errorf("stat %s = %v, want ENOENT", p, got)
		}
	}
	n := e.ok(abi.SYS_GETCWD, scratch, 256)
	if got := string(e.mem(scratch, int(n)-1)); got != "/" {
		t.Errorf("initial cwd %q, want /", got)
	}
	// mount(2) a host directory, then umount2 it.
	os.Mkdir(filepath.Join(dir, "mnt"), 0o755)
	e.str(scratch+0x200, hostDir)
	e.str(scratch+0x400, "/mnt")
	e.str(scratch+0x600, "hostfs")
	e.ok(abi.SYS_MOUNT, scratch+0x200, scratch+0x400, scratch+0x600, abi.MS_RDONLY, 0)
	e.ok(abi.SYS_STAT, e.str(scratch, "/mnt/hostfile"), st)
	if got := e.errno(abi.SYS_OPEN, e.str(scratch, "/mnt/hostfile"), abi.O_WRONLY); got != abi.EROFS {
		t.Errorf("write on a read-only mount = %v", got)
	}
	e.str(scratch+0x600, "ext4")
	if got := e.errno(abi.SYS_MOUNT, scratch+0x200, scratch+0x400, scratch+0x600, 0, 0); got != abi.ENODEV {
		t.Errorf("mount ext4 = %v, want ENODEV", got)
	}
	e.ok(abi.SYS_UMOUNT2, e.str(scratch, "/mnt"), 0)
	if got := e.errno(abi.SYS_STAT, e.str(scratch, "/mnt/hostfile"), st); got != abi.ENOENT {
		t.Errorf("after umount2 = %v", got)
	}
	// chroot(2) into /jail, then chdir("/"): /bin is gone, /.. stays.
	e.ok(abi.SYS_CHROOT, e.str(scratch, "/jail"))
	e.ok(abi.SYS_CHDIR, e.str(scratch, "/"))
	if got := e.errno(abi.SYS_STAT, e.str(scratch, "/bin/ls"), st); got != abi.ENOENT {
		t.Errorf("stat /bin/ls in the chroot = %v", got)
	}
	e.ok(abi.SYS_STAT, e.str(scratch, "/../etc"), st)
	n = e.ok(abi.SYS_GETCWD, scratch, 256)
	if got := string(e.mem(scratch, int(n)-1)); got != "/" {
		t.Errorf("cwd in the chroot %q, want /", got)
	}
	if got := e.errno(abi.SYS_CHROOT, e.str(scratch, "/nonexistent")); got != abi.ENOENT {
		t.Errorf("chroot nonexistent = %v", got)
	}
}

package vfs_test

import (
	"testing"

	"github.com/blink-go/blink/core/abi"
	"github.com/blink-go/blink/fs/tmpfs"
	"github.com/blink-go/blink/fs/vfs"
)

func TestMountCoversAndUmountUncovers(t *testing.T) {
	en := newEnv(t)
	en.mkdir("/m")
	en.file("/m/under", "under")
	under := en.id(en.ctx, "/m")
	m := en.mountTmpfs("/m")
	if m.Target() != "/m" {
		t.Errorf("target %q, want /m", m.Target())
	}
	if _, e := en.v.Stat(en.ctx, nil, "/m/under", 0); e != abi.ENOENT {
		t.Errorf("covered file: %v, want ENOENT", e)
	}
	top := en.id(en.ctx, "/m")
	if top == under || top.dev != m.Superblock().Dev() {
		t.Errorf("/m is %v, want the mount's root on dev %#x", top, m.Superblock().Dev())
	}
	en.file("/m/over", "over")
	if e := en.v.Umount(en.ctx, "/m", 0); e != 0 {
		t.Fatal(e)
	}
	if en.id(en.ctx, "/m") != under || en.read(en.ctx, "/m/under") != "under" {
		t.Error("umount did not uncover the directory")
	}
	if _, e := en.v.Stat(en.ctx, nil, "/m/over", 0); e != abi.ENOENT {
		t.Errorf("a file made on the mount is visible after umount: %v", e)
	}
	if e := en.v.Umount(en.ctx, "/m", 0); e != abi.EINVAL {
		t.Errorf("second umount: %v, want EINVAL (not mounted)", e)
	}
}

func TestMountStacks(t *testing.T) {
	en := newEnv(t)
	en.mkdir("/m")
	en.mountTmpfs("/m")
	en.file("/m/first", "")
	second := en.mountTmpfs("/m")
	en.file("/m/second", "")
	if en.id(en.ctx, "/m").dev != second.Superblock().Dev() {
		t.Fatal("the last mount is not on top")
	}
	if _, e := en.v.Stat(en.ctx, nil, "/m/first", 0); e != abi.ENOENT {
		t.Errorf("the lower mount shows through: %v", e)
	}
	if en.id(en.ctx, "/m/..") != en.id(en.ctx, "/") {
		t.Error("/m/.. from the top of a stack is not /")
	}
	if e := en.v.Umount(en.ctx, "/m", 0); e != 0 {
		t.Fatal(e)
	}
	if _, e := en.v.Stat(en.ctx, nil, "/m/first", 0); e != 0 {
		t.Errorf("umount of the top mount: the one below is not back: %v", e)
	}
}

func TestMountErrors(t *testing.T) {
	en := newEnv(t)
	en.mkdir("/m", "/m2")
	en.file("/f", "")
	sb := func() *vfs.Superblock { return en.v.NewSuperblock("tmpfs", "none", tmpfs.New(0, 0o755, 0, 0).Root()) }
	if _, e := en.v.Mount(en.ctx, sb(), "/f", 0); e != abi.ENOTDIR {
		t.Errorf("mount on a file: %v, want ENOTDIR", e)
	}
	if _, e := en.v.Mount(en.ctx, sb(), "/nope", 0); e != abi.ENOENT {
		t.Errorf("mount on a missing directory: %v, want ENOENT", e)
	}
	if _, e := en.v.Mount(en.as(1000, 1000), sb(), "/m", 0); e != abi.EPERM {
		t.Errorf("mount as a user: %v, want EPERM", e)
	}
	for p, want := range map[string]abi.Errno{"/": abi.EBUSY, "/m": abi.EINVAL, "/f": abi.EINVAL, "/nope": abi.ENOENT} {
		if e := en.v.Umount(en.ctx, p, 0); e != want {
			t.Errorf("umount %s: %v, want %v", p, e, want)
		}
	}
	en.mountTmpfs("/m")
	en.mkdir("/m/inner")
	en.mountTmpfs("/m/inner")
	if e := en.v.Umount(en.ctx, "/m", 0x80); e != abi.EINVAL {
		t.Errorf("umount with an unknown flag: %v, want EINVAL", e)
	}
	if e := en.v.Umount(en.ctx, "/m/inner/..", 0); e != abi.EBUSY {
		t.Errorf("umount of a mount with a mount inside: %v, want EBUSY", e)
	}
	if e := en.v.Umount(en.as(1000, 1000), "/m/inner", 0); e != abi.EPERM {
		t.Errorf("umount as a user: %v, want EPERM", e)
	}
	if e := en.v.Umount(en.ctx, "/m", abi.MNT_DETACH); e != 0 {
		t.Fatalf("lazy umount: %v", e)
	}
	if n := len(en.v.Mounts()); n != 1 {
		t.Errorf("%d mounts after a lazy umount of the parent, want only the root", n)
	}
	if _, e := en.v.Stat(en.ctx, nil, "/m/inner", 0); e != abi.ENOENT {
		t.Errorf("/m/inner after the lazy umount: %v, want ENOENT", e)
	}
	// A mount point cannot be removed or renamed while mounted on.
	en.mountTmpfs("/m2")
	if e := en.v.Unlink(en.ctx, nil, "/m2", abi.AT_REMOVEDIR); e != abi.EBUSY {
		t.Errorf("rmdir of a mount point: %v, want EBUSY", e)
	}
	if e := en.v.Rename(en.ctx, nil, "/m2", nil, "/m3", 0); e != abi.EBUSY {
		t.Errorf("rename of a mount point: %v, want EBUSY", e)
	}
}

// A symlink to a mount point: umount follows it unless UMOUNT_NOFOLLOW,
// which then names the link (not a mount root).
func TestUmountFollow(t *testing.T) {
	en := newEnv(t)
	en.mkdir("/m")
	en.symlink("/m", "/lm")
	en.mountTmpfs("/m")
	if e := en.v.Umount(en.ctx, "/lm", abi.UMOUNT_NOFOLLOW); e != abi.EINVAL {
		t.Errorf("umount of a link with UMOUNT_NOFOLLOW: %v, want EINVAL", e)
	}
	if e := en.v.Umount(en.ctx, "/lm", 0); e != 0 {
		t.Errorf("umount through a link: %v", e)
	}
}

func TestBindMount(t *testing.T) {
	en := newEnv(t)
	en.mkdir("/src", "/src/sub", "/dst", "/other")
	en.file("/src/f", "f")
	en.file("/file", "file")
	en.file("/file2", "")
	en.mountTmpfs("/src/sub")
	en.file("/src/sub/deep", "")
	if _, e := en.v.BindMount(en.ctx, "/src", "/dst", 0); e != 0 {
		t.Fatal(e)
	}
	if en.id(en.ctx, "/dst/f") != en.id(en.ctx, "/src/f") {
		t.Error("a bound file is not the same file (dev, ino)")
	}
	en.file("/dst/new", "via dst")
	if en.read(en.ctx, "/src/new") != "via dst" {
		t.Error("a file made through the bind is not in the source")
	}
	if en.id(en.ctx, "/dst/..") != en.id(en.ctx, "/") {
		t.Error("/dst/.. is not /")
	}
	// Not recursive: the mount inside the source is not carried along.
	if _, e := en.v.Stat(en.ctx, nil, "/dst/sub/deep", 0); e != abi.ENOENT {
		t.Errorf("non-recursive bind shows a submount: %v", e)
	}
	// Hard links and renames never cross mounts, even of one superblock.
	if e := en.v.Link(en.ctx, nil, "/src/f", nil, "/dst/g", 0); e != abi.EXDEV {
		t.Errorf("link across a bind: %v, want EXDEV", e)
	}
	if e := en.v.Rename(en.ctx, nil, "/dst/f", nil, "/src/g", 0); e != abi.EXDEV {
		t.Errorf("rename across a bind: %v, want EXDEV", e)
	}
	if _, e := en.v.BindMount(en.ctx, "/file", "/other", 0); e != abi.ENOTDIR {
		t.Errorf("bind a file on a directory: %v, want ENOTDIR", e)
	}
	if _, e := en.v.BindMount(en.ctx, "/other", "/file", 0); e != abi.ENOTDIR {
		t.Errorf("bind a directory on a file: %v, want ENOTDIR", e)
	}
	if _, e := en.v.BindMount(en.ctx, "/file", "/file2", 0); e != 0 {
		t.Fatalf("bind a file on a file: %v", e)
	}
	if en.read(en.ctx, "/file2") != "file" {
		t.Error("file bind: the target does not show the source")
	}
	if _, e := en.v.BindMount(en.as(1000, 1000), "/src", "/other", 0); e != abi.EPERM {
		t.Errorf("bind as a user: %v, want EPERM", e)
	}
}

func TestMountFlags(t *testing.T) {
	en := newEnv(t)
	en.mkdir("/ro", "/ro/d", "/nosym", "/noexec", "/nodev")
	en.file("/ro/f", "")
	en.file("/noexec/prog", "")
	en.v.SetAttr(en.ctx, nil, "/noexec/prog", &vfs.Attr{Valid: vfs.AttrMode, Mode: 0o755}, 0)
	en.symlink("/ro/f", "/nosym/l")
	if e := en.v.Mknod(en.ctx, nil, "/nodev/null", abi.S_IFCHR|0o666, 1<<8|3); e != 0 {
		t.Fatal(e)
	}
	for p, flags := range map[string]uint64{"/ro": abi.MS_RDONLY, "/nosym": abi.MS_NOSYMFOLLOW, "/noexec": abi.MS_NOEXEC, "/nodev": abi.MS_NODEV} {
		if _, e := en.v.BindMount(en.ctx, p, p, flags); e != 0 {
			t.Fatalf("bind %s: %v", p, e)
		}
	}

	// MS_RDONLY: EROFS for changes, but existence errors come first.
	if _, e := en.v.Open(en.ctx, nil, "/ro/f", abi.O_WRONLY, 0); e != abi.EROFS {
		t.Errorf("open for writing: %v, want EROFS", e)
	}
	if f, e := en.v.Open(en.ctx, nil, "/ro/f", abi.O_RDONLY|abi.O_CREAT, 0o644); e != 0 {
		t.Errorf("O_CREAT of an existing file for reading: %v", e)
	} else {
		f.Close()
	}
	if _, e := en.v.Open(en.ctx, nil, "/ro/new", abi.O_WRONLY|abi.O_CREAT, 0o644); e != abi.EROFS {
		t.Errorf("create: %v, want EROFS", e)
	}
	if e := en.v.Mkdir(en.ctx, nil, "/ro/d", 0o755); e != abi.EEXIST {
		t.Errorf("mkdir of an existing name: %v, want EEXIST before EROFS", e)
	}
	if e := en.v.Mkdir(en.ctx, nil, "/ro/new", 0o755); e != abi.EROFS {
		t.Errorf("mkdir: %v, want EROFS", e)
	}
	if e := en.v.Unlink(en.ctx, nil, "/ro/f", 0); e != abi.EROFS {
		t.Errorf("unlink: %v, want EROFS", e)
	}
	if e := en.v.Access(en.ctx, nil, "/ro/f", abi.W_OK, 0); e != abi.EROFS {
		t.Errorf("access(W_OK): %v, want EROFS", e)
	}
	if e := en.v.SetAttr(en.ctx, nil, "/ro/f", &vfs.Attr{Valid: vfs.AttrMode, Mode: 0o600}, 0); e != abi.EROFS {
		t.Errorf("chmod: %v, want EROFS", e)
	}
	if e := en.v.Remount(en.ctx, "/ro/d", 0); e != abi.EINVAL {
		t.Errorf("remount of a non-mount-point: %v, want EINVAL", e)
	}
	if e := en.v.Remount(en.ctx, "/ro", 0); e != 0 {
		t.Fatal(e)
	}
	if e := en.v.Mkdir(en.ctx, nil, "/ro/new", 0o755); e != 0 {
		t.Errorf("mkdir after remounting read-write: %v", e)
	}

	if _, e := en.v.Stat(en.ctx, nil, "/nosym/l", 0); e != abi.ELOOP {
		t.Errorf("following a link on MS_NOSYMFOLLOW: %v, want ELOOP", e)
	}
	if _, e := en.v.Stat(en.ctx, nil, "/nosym/l", abi.AT_SYMLINK_NOFOLLOW); e != 0 {
		t.Errorf("lstat on MS_NOSYMFOLLOW: %v", e)
	}
	if _, e := en.v.OpenExec(en.ctx, nil, "/noexec/prog"); e != abi.EACCES {
		t.Errorf("exec on MS_NOEXEC: %v, want EACCES", e)
	}
	if _, e := en.v.Open(en.ctx, nil, "/nodev/null", abi.O_RDONLY, 0); e != abi.EACCES {
		t.Errorf("open of a device on MS_NODEV: %v, want EACCES", e)
	}
	if e := en.v.Mknod(en.ctx, nil, "/nodev/zero", abi.S_IFCHR|0o666, 1<<8|5); e != abi.EPERM {
		t.Errorf("mknod of a device on MS_NODEV: %v, want EPERM", e)
	}
}

// A synthetic mount point (/SystemRoot) exists only in the mount table,
// yet is listed, stat'ed and walked through like a directory.
func TestMountSynthetic(t *testing.T) {
	en := newEnv(t)
	en.mkdir("/d")
	sb := en.v.NewSuperblock("tmpfs", "none", tmpfs.New(0, 0o755, 0, 0).Root())
	m, e := en.v.MountSynthetic(en.ctx, sb, "/d/Syn", 0)
	if e != 0 {
		t.Fatal(e)
	}
	if m.Target() != "/d/Syn" {
		t.Errorf("target %q", m.Target())
	}
	en.file("/d/Syn/f", "")
	dir, e := en.v.Open(en.ctx, nil, "/d", abi.O_RDONLY|abi.O_DIRECTORY, 0)
	if e != 0 {
		t.Fatal(e)
	}
	defer dir.Close()
	buf := make([]byte, 4096)
	n, e := dir.ReadDir(buf)
	if e != 0 {
		t.Fatal(e)
	}
	var found bool
	for _, d := range parseDirents(buf[:n]) {
		if d.name == "Syn" {
			found = d.typ == abi.DT_DIR && d.ino == en.id(en.ctx, "/d/Syn").ino
		}
	}
	if !found {
		t.Errorf("synthetic mount point not listed as a directory: %+v", parseDirents(buf[:n]))
	}
	if _, e := en.v.MountSynthetic(en.ctx, sb, "/nope/Syn", 0); e != abi.ENOENT {
		t.Errorf("synthetic mount in a missing directory: %v, want ENOENT", e)
	}
	if e := en.v.Umount(en.ctx, "/d/Syn", 0); e != 0 {
		t.Fatal(e)
	}
	if _, e := en.v.Stat(en.ctx, nil, "/d/Syn", 0); e != abi.ENOENT {
		t.Errorf("synthetic mount point after umount: %v, want ENOENT", e)
	}
}

// ".." from a synthetic mount's root goes to the directory holding the
// mount point, whatever inode numbers the two file systems use.
func TestMountSyntheticDotDot(t *testing.T) {
	en := newEnv(t)
	en.mkdir("/d")
	sb := en.v.NewSuperblock("tmpfs", "none", tmpfs.New(0, 0o755, 0, 0).Root())
	if _, e := en.v.MountSynthetic(en.ctx, sb, "/d/Syn", 0); e != 0 {
		t.Fatal(e)
	}
	en.file("/d/Syn/f", "")
	if en.id(en.ctx, "/d/Syn/..") != en.id(en.ctx, "/d") {
		t.Error("/d/Syn/.. is not /d")
	}
	if _, e := en.v.Stat(en.ctx, nil, "/d/Syn/../f", 0); e != abi.ENOENT {
		t.Errorf("/d/Syn/../f: %v, want ENOENT (f is inside the mount)", e)
	}
	// getcwd climbs the same way.
	loc, e := en.v.Lookup(en.ctx, nil, "/d/Syn", true, 0)
	if e != 0 {
		t.Fatal(e)
	}
	if p := en.v.Path(en.ctx, loc); p != "/d/Syn" {
		t.Errorf("path %q, want /d/Syn", p)
	}
}

// st_dev is per superblock, minted as Linux mints anonymous devices
// (major 0), and shared by a bind mount.
func TestStDev(t *testing.T) {
	en := newEnv(t)
	en.mkdir("/a", "/b", "/c")
	ma := en.mountTmpfs("/a")
	mb := en.mountTmpfs("/b")
	en.v.BindMount(en.ctx, "/a", "/c", 0)
	root, a, b, c := en.id(en.ctx, "/").dev, en.id(en.ctx, "/a").dev, en.id(en.ctx, "/b").dev, en.id(en.ctx, "/c").dev
	if root == a || a == b || root == b {
		t.Errorf("st_dev not distinct: / %#x, /a %#x, /b %#x", root, a, b)
	}
	if c != a {
		t.Errorf("bind mount st_dev %#x, want its source's %#x", c, a)
	}
	for _, d := range []uint64{root, a, b} {
		if major := (d>>8)&0xfff | (d>>32)&^0xfff; major != 0 {
			t.Errorf("st_dev %#x has major %d, want 0", d, major)
		}
	}
	if ma.ID() == mb.ID() || ma.ParentID() != en.v.RootLocation().Mount.ID() {
		t.Errorf("mount ids: a %d (parent %d), b %d", ma.ID(), ma.ParentID(), mb.ID())
	}
}

func TestPath(t *testing.T) {
	en := newEnv(t)
	en.mkdir("/a", "/a/m")
	en.mountTmpfs("/a/m")
	en.mkdir("/a/m/x")
	loc, e := en.v.Lookup(en.ctx, nil, "/a/m/x/../x", true, 0)
	if e != 0 {
		t.Fatal(e)
	}
	if p := en.v.Path(en.ctx, loc); p != "/a/m/x" {
		t.Errorf("path %q, want /a/m/x", p)
	}
	if p := en.v.Path(en.chroot("/a"), loc); p != "/m/x" {
		t.Errorf("path in a chroot at /a: %q, want /m/x", p)
	}
	if p := en.v.Path(en.ctx, en.v.RootLocation()); p != "/" {
		t.Errorf("path of the root: %q", p)
	}
}

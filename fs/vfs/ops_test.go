package vfs_test

import (
	"testing"

	"github.com/blink-go/blink/core/abi"
	"github.com/blink-go/blink/fs/vfs"
)

func TestOpenFlags(t *testing.T) {
	en := newEnv(t)
	en.mkdir("/d")
	en.file("/f", "f")
	en.symlink("f", "/lf")
	en.symlink("d", "/ld")
	en.symlink("target", "/dangling")
	for _, c := range []struct {
		path  string
		flags int
		want  abi.Errno
	}{
		{"/lf", abi.O_RDONLY | abi.O_NOFOLLOW, abi.ELOOP},
		{"/ld", abi.O_RDONLY | abi.O_NOFOLLOW, abi.ELOOP},
		{"/lf", abi.O_PATH | abi.O_NOFOLLOW, 0},
		{"/f", abi.O_RDONLY | abi.O_DIRECTORY, abi.ENOTDIR},
		{"/lf", abi.O_RDONLY | abi.O_DIRECTORY, abi.ENOTDIR},
		{"/ld", abi.O_RDONLY | abi.O_DIRECTORY, 0},
		{"/f", abi.O_PATH | abi.O_DIRECTORY, abi.ENOTDIR},
		{"/f", abi.O_CREAT | abi.O_EXCL | abi.O_WRONLY, abi.EEXIST},
		{"/lf", abi.O_CREAT | abi.O_EXCL | abi.O_WRONLY, abi.EEXIST},
		{"/dangling", abi.O_CREAT | abi.O_EXCL | abi.O_WRONLY, abi.EEXIST}, // never follows
		{"/d", abi.O_CREAT | abi.O_EXCL | abi.O_RDONLY, abi.EEXIST},
		{"/d", abi.O_CREAT | abi.O_RDONLY, abi.EISDIR},
		{"/", abi.O_CREAT | abi.O_RDONLY, abi.EISDIR},
		{".", abi.O_CREAT | abi.O_EXCL | abi.O_RDONLY, abi.EEXIST},
		{"/d", abi.O_WRONLY, abi.EISDIR},
		{"/d", abi.O_RDWR, abi.EISDIR},
		{"/d", abi.O_RDONLY | abi.O_TRUNC, abi.EISDIR},
		{"/d", abi.O_RDONLY | abi.O_DIRECTORY | abi.O_CREAT, abi.EINVAL},
		{"/new", abi.O_RDONLY | abi.O_DIRECTORY | abi.O_CREAT, abi.EINVAL},
		{"/d", abi.O_RDONLY | abi.O_TMPFILE, abi.EINVAL}, // needs write access
		{"/f", abi.O_WRONLY | abi.O_TMPFILE, abi.ENOTDIR},
		{"/nope", abi.O_RDONLY, abi.ENOENT},
		{"", abi.O_RDONLY, abi.ENOENT},
	} {
		f, e := en.v.Open(en.ctx, nil, c.path, c.flags, 0o644)
		if e != c.want {
			t.Errorf("open %q %#o: %v, want %v", c.path, c.flags, e, c.want)
		}
		if f != nil {
			f.Close()
		}
	}
	if _, e := en.v.Stat(en.ctx, nil, "/target", 0); e != abi.ENOENT {
		t.Errorf("O_CREAT|O_EXCL made the dangling link's target: %v", e)
	}
	// Without O_EXCL, O_CREAT follows a dangling link and makes its target.
	f, e := en.v.Open(en.ctx, nil, "/dangling", abi.O_CREAT|abi.O_WRONLY, 0o644)
	if e != 0 {
		t.Fatalf("O_CREAT through a dangling link: %v", e)
	}
	f.Write([]byte("via link"))
	f.Close()
	if got := en.read(en.ctx, "/target"); got != "via link" {
		t.Errorf("target of the dangling link: %q", got)
	}
}

func TestOpenTruncateAndAccessMode(t *testing.T) {
	en := newEnv(t)
	en.file("/f", "contents")
	f, e := en.v.Open(en.ctx, nil, "/f", abi.O_WRONLY|abi.O_TRUNC, 0)
	if e != 0 {
		t.Fatal(e)
	}
	if _, e := f.Read(make([]byte, 1)); e != abi.EBADF {
		t.Errorf("read of a write-only file: %v, want EBADF", e)
	}
	f.Close()
	if got := en.read(en.ctx, "/f"); got != "" {
		t.Errorf("after O_TRUNC: %q", got)
	}
	r, _ := en.v.Open(en.ctx, nil, "/f", abi.O_RDONLY, 0)
	defer r.Close()
	if _, e := r.Write([]byte("x")); e != abi.EBADF {
		t.Errorf("write of a read-only file: %v, want EBADF", e)
	}
	if e := r.SetAttr(en.ctx, &vfs.Attr{Valid: vfs.AttrSize, Size: 1}); e != abi.EINVAL {
		t.Errorf("ftruncate of a read-only file: %v, want EINVAL", e)
	}
	if _, e := r.Pread(make([]byte, 1), -1); e != abi.EINVAL {
		t.Errorf("pread at -1: %v, want EINVAL", e)
	}
}

func TestTmpfile(t *testing.T) {
	en := newEnv(t)
	en.mkdir("/d")
	f, e := en.v.Open(en.ctx, nil, "/d", abi.O_TMPFILE|abi.O_RDWR, 0o600)
	if e != 0 {
		t.Fatal(e)
	}
	defer f.Close()
	if _, e := f.Write([]byte("anon")); e != 0 {
		t.Fatal(e)
	}
	if st, _ := f.Stat(); !st.IsReg() || st.Nlink != 0 || st.Dev != en.id(en.ctx, "/d").dev {
		t.Errorf("O_TMPFILE stat: mode %o nlink %d dev %#x", st.Mode, st.Nlink, st.Dev)
	}
	d, _ := en.v.Open(en.ctx, nil, "/d", abi.O_RDONLY, 0)
	defer d.Close()
	buf := make([]byte, 4096)
	n, _ := d.ReadDir(buf)
	if ents := parseDirents(buf[:n]); len(ents) != 2 {
		t.Errorf("an O_TMPFILE file is listed: %+v", ents)
	}
}

func TestCreateErrors(t *testing.T) {
	en := newEnv(t)
	en.mkdir("/d")
	en.file("/f", "")
	en.symlink("nowhere", "/dangling")
	for p, want := range map[string]abi.Errno{"/d": abi.EEXIST, "/f": abi.EEXIST, "/dangling": abi.EEXIST,
		"/": abi.EEXIST, ".": abi.EEXIST, "/d/..": abi.EEXIST, "/nope/x": abi.ENOENT, "/f/x": abi.ENOTDIR} {
		if e := en.v.Mkdir(en.ctx, nil, p, 0o755); e != want {
			t.Errorf("mkdir %s: %v, want %v", p, e, want)
		}
	}
	if _, e := en.v.Stat(en.ctx, nil, "/nowhere", 0); e != abi.ENOENT {
		t.Errorf("mkdir over a dangling link made its target: %v", e)
	}
	for mode, want := range map[uint32]abi.Errno{abi.S_IFDIR | 0o755: abi.EPERM, 0o170000: abi.EINVAL, 0o644: 0} {
		if e := en.v.Mknod(en.ctx, nil, "/node", mode, 0); e != want {
			t.Errorf("mknod mode %o: %v, want %v", mode, e, want)
		}
	}
	if st, _ := en.v.Stat(en.ctx, nil, "/node", 0); !st.IsReg() {
		t.Errorf("mknod with no type made mode %o, want a regular file", st.Mode)
	}
	if e := en.v.Mknod(en.as(1000, 1000), nil, "/tmp-dev", abi.S_IFCHR|0o644, 0); e != abi.EPERM {
		t.Errorf("mknod of a device as a user: %v, want EPERM", e)
	}
}

func TestLink(t *testing.T) {
	en := newEnv(t)
	en.mkdir("/d")
	en.file("/f", "f")
	en.symlink("f", "/lf")
	if e := en.v.Link(en.ctx, nil, "/f", nil, "/g", 0); e != 0 {
		t.Fatal(e)
	}
	if en.id(en.ctx, "/g") != en.id(en.ctx, "/f") {
		t.Error("a hard link is another file")
	}
	if st, _ := en.v.Stat(en.ctx, nil, "/f", 0); st.Nlink != 2 {
		t.Errorf("nlink %d, want 2", st.Nlink)
	}
	// Without AT_SYMLINK_FOLLOW the link itself is linked.
	en.v.Link(en.ctx, nil, "/lf", nil, "/l2", 0)
	if st, _ := en.v.Stat(en.ctx, nil, "/l2", abi.AT_SYMLINK_NOFOLLOW); !st.IsLink() {
		t.Errorf("link of a symlink: mode %o, want a symlink", st.Mode)
	}
	en.v.Link(en.ctx, nil, "/lf", nil, "/l3", abi.AT_SYMLINK_FOLLOW)
	if st, _ := en.v.Stat(en.ctx, nil, "/l3", abi.AT_SYMLINK_NOFOLLOW); !st.IsReg() {
		t.Errorf("link with AT_SYMLINK_FOLLOW: mode %o, want the file", st.Mode)
	}
	for _, c := range []struct {
		old, new string
		flags    int
		want     abi.Errno
	}{
		{"/d", "/d2", 0, abi.EPERM},
		{"/f", "/g", 0, abi.EEXIST},
		{"/nope", "/x", 0, abi.ENOENT},
		{"/f", "/x/", 0, abi.ENOENT},
		{"/f", "/x", 0x8000, abi.EINVAL},
	} {
		if e := en.v.Link(en.ctx, nil, c.old, nil, c.new, c.flags); e != c.want {
			t.Errorf("link %s %s: %v, want %v", c.old, c.new, e, c.want)
		}
	}
	f, _ := en.v.Open(en.ctx, nil, "/f", abi.O_RDONLY, 0)
	defer f.Close()
	if e := en.v.Link(en.as(1000, 1000), f, "", nil, "/byfd", abi.AT_EMPTY_PATH); e != abi.ENOENT {
		t.Errorf("linkat(AT_EMPTY_PATH) as a user: %v, want ENOENT", e)
	}
	if e := en.v.Link(en.ctx, f, "", nil, "/byfd", abi.AT_EMPTY_PATH); e != 0 {
		t.Errorf("linkat(AT_EMPTY_PATH) as root: %v", e)
	}
}

func TestRemoveErrors(t *testing.T) {
	en := newEnv(t)
	en.mkdir("/d", "/d/sub", "/empty")
	en.file("/f", "")
	for _, c := range []struct {
		path  string
		flags int
		want  abi.Errno
	}{
		{"/d", abi.AT_REMOVEDIR, abi.ENOTEMPTY},
		{"/d/sub/..", abi.AT_REMOVEDIR, abi.ENOTEMPTY},
		{"/d/.", abi.AT_REMOVEDIR, abi.EINVAL},
		{".", abi.AT_REMOVEDIR, abi.EINVAL},
		{"/", abi.AT_REMOVEDIR, abi.EBUSY},
		{"/f", abi.AT_REMOVEDIR, abi.ENOTDIR},
		{"/nope", abi.AT_REMOVEDIR, abi.ENOENT},
		{"/d", 0, abi.EISDIR},
		{".", 0, abi.EISDIR},
		{"/f", 0x8000, abi.EINVAL},
	} {
		if e := en.v.Unlink(en.ctx, nil, c.path, c.flags); e != c.want {
			t.Errorf("unlinkat %s %#x: %v, want %v", c.path, c.flags, e, c.want)
		}
	}
	if e := en.v.Unlink(en.ctx, nil, "/empty/", abi.AT_REMOVEDIR); e != 0 {
		t.Errorf("rmdir empty/: %v", e)
	}
	if e := en.v.Unlink(en.ctx, nil, "/f", 0); e != 0 {
		t.Errorf("unlink: %v", e)
	}
	if _, e := en.v.Stat(en.ctx, nil, "/f", 0); e != abi.ENOENT {
		t.Errorf("after unlink: %v", e)
	}
}

func TestRename(t *testing.T) {
	en := newEnv(t)
	en.mkdir("/d", "/d/sub", "/e", "/full", "/full/x")
	en.file("/f", "f")
	en.file("/g", "g")
	for _, c := range []struct {
		old, new string
		flags    uint32
		want     abi.Errno
	}{
		{"/f", "/d", 0, abi.EISDIR},
		{"/d", "/f", 0, abi.ENOTDIR},
		{"/e", "/full", 0, abi.ENOTEMPTY},
		{"/f", "/g", abi.RENAME_NOREPLACE, abi.EEXIST},
		{"/f", "/nope", abi.RENAME_EXCHANGE, abi.ENOENT},
		{"/f", "/g", abi.RENAME_NOREPLACE | abi.RENAME_EXCHANGE, abi.EINVAL},
		{"/f", "/g", 1 << 7, abi.EINVAL},
		{"/f/", "/h", 0, abi.ENOTDIR},
		{"/f", "/h/", 0, abi.ENOTDIR},
		{"/d/.", "/h", 0, abi.EBUSY},
		{"/f", "/d/..", 0, abi.EBUSY},
		{"/f", "/", abi.RENAME_NOREPLACE, abi.EEXIST},
		{"/nope", "/h", 0, abi.ENOENT},
		{"/f", "/nope/h", 0, abi.ENOENT},
		{"/f", "/f", 0, 0},
	} {
		if e := en.v.Rename(en.ctx, nil, c.old, nil, c.new, c.flags); e != c.want {
			t.Errorf("rename %s %s %#x: %v, want %v", c.old, c.new, c.flags, e, c.want)
		}
	}
	if e := en.v.Rename(en.ctx, nil, "/f", nil, "/g", abi.RENAME_EXCHANGE); e != 0 {
		t.Fatal(e)
	}
	if en.read(en.ctx, "/f") != "g" || en.read(en.ctx, "/g") != "f" {
		t.Error("RENAME_EXCHANGE did not swap")
	}
	if e := en.v.Rename(en.ctx, nil, "/g", nil, "/d/sub/h", 0); e != 0 || en.read(en.ctx, "/d/sub/h") != "f" {
		t.Errorf("rename into a subdirectory: %v", e)
	}
	if e := en.v.Rename(en.ctx, nil, "/e", nil, "/d/e/", 0); e != 0 {
		t.Errorf("rename a directory with a trailing slash: %v", e)
	}
}

// Linux refuses to move a directory beneath itself (EINVAL), checked
// natively: rename("dir", "dir/sub/x"). Replacing an ancestor is
// ENOTEMPTY (EINVAL for an exchange), whatever the source's type, and
// both come before the permission checks.
func TestRenameIntoItself(t *testing.T) {
	en := newEnv(t)
	en.mkdir("/d", "/d/sub")
	en.file("/d/f", "")
	for _, c := range []struct {
		old, new string
		flags    uint32
		want     abi.Errno
	}{
		{"/d", "/d/sub/x", 0, abi.EINVAL},
		{"/d", "/d/x", 0, abi.EINVAL},
		{"/d", "/d/sub", 0, abi.EINVAL},
		{"/d", "/d/sub/x", abi.RENAME_NOREPLACE, abi.EINVAL},
		{"/d", "/d/sub", abi.RENAME_NOREPLACE, abi.EEXIST},
		{"/d", "/d/sub", abi.RENAME_EXCHANGE, abi.EINVAL},
		{"/d/sub", "/d", 0, abi.ENOTEMPTY},
		{"/d/f", "/d", 0, abi.ENOTEMPTY},
		{"/d/sub", "/d", abi.RENAME_EXCHANGE, abi.EINVAL},
		{"/d/sub", "/d", abi.RENAME_NOREPLACE, abi.EEXIST},
		{"/d/f", "/d/", 0, abi.ENOTDIR},
		{"/d/nope", "/d", 0, abi.ENOENT},
		{"/d", "/d", 0, 0},
	} {
		if e := en.v.Rename(en.ctx, nil, c.old, nil, c.new, c.flags); e != c.want {
			t.Errorf("rename %s %s %#x: %v, want %v", c.old, c.new, c.flags, e, c.want)
		}
	}
	user := en.as(1000, 1000)
	if e := en.v.Rename(user, nil, "/d", nil, "/d/sub/x", 0); e != abi.EINVAL {
		t.Errorf("rename /d /d/sub/x without write access: %v, want EINVAL", e)
	}
	if e := en.v.Rename(user, nil, "/d/sub", nil, "/d", 0); e != abi.ENOTEMPTY {
		t.Errorf("rename /d/sub /d without write access: %v, want ENOTEMPTY", e)
	}
	if _, e := en.v.Stat(en.ctx, nil, "/d/sub", 0); e != 0 {
		t.Errorf("/d/sub after the refused renames: %v", e)
	}
}

func TestPermitted(t *testing.T) {
	user := &vfs.Cred{UID: 1000, GID: 100, Groups: []uint32{200}}
	reg := func(mode, uid, gid uint32) *vfs.Stat { return &vfs.Stat{Mode: abi.S_IFREG | mode, UID: uid, GID: gid} }
	dir := func(mode uint32) *vfs.Stat { return &vfs.Stat{Mode: abi.S_IFDIR | mode, UID: 1, GID: 1} }
	for _, c := range []struct {
		name string
		cred *vfs.Cred
		st   *vfs.Stat
		want uint32
		ok   bool
	}{
		{"owner reads 0400", user, reg(0o400, 1000, 1), vfs.MayRead, true},
		{"owner class is exclusive", user, reg(0o077, 1000, 100), vfs.MayRead, false},
		{"group class is exclusive", user, reg(0o407, 1, 100), vfs.MayRead, false},
		{"supplementary group", user, reg(0o040, 1, 200), vfs.MayRead, true},
		{"others", user, reg(0o004, 1, 1), vfs.MayRead, true},
		{"read and write need both", user, reg(0o604, 1000, 1), vfs.MayRead | vfs.MayWrite, true},
		{"write missing", user, reg(0o404, 1000, 1), vfs.MayRead | vfs.MayWrite, false},
		{"root reads 0000", vfs.Root, reg(0, 1, 1), vfs.MayRead | vfs.MayWrite, true},
		{"root searches a 0000 directory", vfs.Root, dir(0), vfs.MayExec, true},
		{"root execs with any x bit", vfs.Root, reg(0o001, 1, 1), vfs.MayExec, true},
		{"root cannot exec without x", vfs.Root, reg(0o666, 0, 0), vfs.MayExec, false},
	} {
		if got := c.cred.Permitted(c.st, c.want); got != c.ok {
			t.Errorf("%s: %v, want %v", c.name, got, c.ok)
		}
	}
}

func TestPermissionsOnPaths(t *testing.T) {
	en := newEnv(t)
	en.mkdir("/locked", "/ro", "/sticky")
	en.file("/locked/f", "")
	en.file("/mine", "")
	en.file("/sticky/roots", "")
	set := func(p string, a *vfs.Attr) {
		if e := en.v.SetAttr(en.ctx, nil, p, a, 0); e != 0 {
			t.Fatalf("setattr %s: %v", p, e)
		}
	}
	set("/locked", &vfs.Attr{Valid: vfs.AttrMode, Mode: 0o700})
	set("/ro", &vfs.Attr{Valid: vfs.AttrMode, Mode: 0o555})
	set("/sticky", &vfs.Attr{Valid: vfs.AttrMode, Mode: 0o1777})
	set("/mine", &vfs.Attr{Valid: vfs.AttrOwner, UID: 1000, GID: 1000})
	u := en.as(1000, 1000)
	if _, e := en.v.Stat(u, nil, "/locked/f", 0); e != abi.EACCES {
		t.Errorf("stat through a 0700 root directory: %v, want EACCES", e)
	}
	if e := en.v.Access(u, nil, "/locked", abi.F_OK, 0); e != 0 {
		t.Errorf("the locked directory itself needs no search permission: %v", e)
	}
	if _, e := en.v.Open(u, nil, "/ro/new", abi.O_CREAT|abi.O_WRONLY, 0o644); e != abi.EACCES {
		t.Errorf("create in a 0555 directory: %v, want EACCES", e)
	}
	if e := en.v.Mkdir(u, nil, "/ro/new", 0o755); e != abi.EACCES {
		t.Errorf("mkdir in a 0555 directory: %v, want EACCES", e)
	}
	if e := en.v.Unlink(u, nil, "/sticky/roots", 0); e != abi.EPERM {
		t.Errorf("unlink another's file in a sticky directory: %v, want EPERM", e)
	}
	if e := en.v.SetAttr(u, nil, "/sticky/roots", &vfs.Attr{Valid: vfs.AttrMode, Mode: 0o777}, 0); e != abi.EPERM {
		t.Errorf("chmod of another's file: %v, want EPERM", e)
	}
	if e := en.v.SetAttr(u, nil, "/mine", &vfs.Attr{Valid: vfs.AttrOwner, UID: 0, GID: ^uint32(0)}, 0); e != abi.EPERM {
		t.Errorf("giving a file away: %v, want EPERM", e)
	}
	if e := en.v.SetAttr(u, nil, "/mine", &vfs.Attr{Valid: vfs.AttrMode, Mode: 0o600}, 0); e != 0 {
		t.Errorf("chmod of one's own file: %v", e)
	}
	if e := en.v.SetAttr(en.ctx, nil, "/ro", &vfs.Attr{Valid: vfs.AttrSize}, 0); e != abi.EISDIR {
		t.Errorf("truncate of a directory: %v, want EISDIR", e)
	}
	if _, e := en.v.Chdir(u, nil, "/locked", 0); e != abi.EACCES {
		t.Errorf("chdir into a 0700 directory: %v, want EACCES", e)
	}
	if _, e := en.v.Chroot(u, nil, "/ro"); e != abi.EPERM {
		t.Errorf("chroot as a user: %v, want EPERM", e)
	}
	// Files a user makes are the user's.
	if f, e := en.v.Open(u, nil, "/sticky/new", abi.O_CREAT|abi.O_WRONLY, 0o644); e != 0 {
		t.Errorf("create in a 01777 directory: %v", e)
	} else {
		f.Close()
		if st, _ := en.v.Stat(u, nil, "/sticky/new", 0); st.UID != 1000 || st.GID != 1000 {
			t.Errorf("new file owned by %d:%d, want 1000:1000", st.UID, st.GID)
		}
	}
}

// getdents lists ".", "..", then the names sorted, from a snapshot: d_off
// cookies resume where they were, and only a rewind sees new names.
func TestGetdents(t *testing.T) {
	en := newEnv(t)
	en.mkdir("/d", "/d/sub", "/d/mnt")
	en.file("/d/b", "")
	en.symlink("b", "/d/a")
	en.v.Mknod(en.ctx, nil, "/d/fifo", abi.S_IFIFO|0o644, 0)
	en.mountTmpfs("/d/mnt")
	f, e := en.v.Open(en.ctx, nil, "/d", abi.O_RDONLY|abi.O_DIRECTORY, 0)
	if e != 0 {
		t.Fatal(e)
	}
	defer f.Close()
	if _, e := f.ReadDir(make([]byte, 8)); e != abi.EINVAL {
		t.Errorf("getdents into 8 bytes: %v, want EINVAL", e)
	}
	buf := make([]byte, 4096)
	n, e := f.ReadDir(buf)
	if e != 0 {
		t.Fatal(e)
	}
	ents := parseDirents(buf[:n])
	want := []struct {
		name string
		typ  uint8
		path string
	}{
		{".", abi.DT_DIR, "/d"}, {"..", abi.DT_DIR, "/"}, {"a", abi.DT_LNK, ""}, {"b", abi.DT_REG, "/d/b"},
		{"fifo", abi.DT_FIFO, "/d/fifo"}, {"mnt", abi.DT_DIR, ""}, {"sub", abi.DT_DIR, "/d/sub"},
	}
	if len(ents) != len(want) {
		t.Fatalf("listing %+v", ents)
	}
	for i, w := range want {
		d := ents[i]
		if d.name != w.name || d.typ != w.typ || d.off != int64(i+1) {
			t.Errorf("entry %d: %+v, want %s type %d off %d", i, d, w.name, w.typ, i+1)
		}
		if w.path != "" && d.ino != en.id(en.ctx, w.path).ino {
			t.Errorf("%s: d_ino %d, st_ino %d", w.name, d.ino, en.id(en.ctx, w.path).ino)
		}
	}
	if n, _ := f.ReadDir(buf); n != 0 {
		t.Errorf("getdents at the end: %d bytes", n)
	}
	en.file("/d/c", "")
	if off, e := f.Lseek(3, abi.SEEK_SET); e != 0 || off != 3 {
		t.Fatalf("seekdir: %d %v", off, e)
	}
	n, _ = f.ReadDir(buf)
	if ents := parseDirents(buf[:n]); len(ents) != 4 || ents[0].name != "b" {
		t.Errorf("after seekdir(3) the snapshot should resume at b: %+v", ents)
	}
	f.Lseek(0, abi.SEEK_SET)
	n, _ = f.ReadDir(buf)
	if ents := parseDirents(buf[:n]); len(ents) != 8 || ents[4].name != "c" {
		t.Errorf("after rewinddir the new file should be listed: %+v", ents)
	}
	if _, e := f.Lseek(0, abi.SEEK_END); e != abi.EINVAL {
		t.Errorf("SEEK_END on a directory: %v, want EINVAL", e)
	}
	reg, _ := en.v.Open(en.ctx, nil, "/d/b", abi.O_RDONLY, 0)
	defer reg.Close()
	if _, e := reg.ReadDir(buf); e != abi.ENOTDIR {
		t.Errorf("getdents of a file: %v, want ENOTDIR", e)
	}
}

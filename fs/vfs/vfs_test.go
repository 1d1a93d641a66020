package vfs_test

import (
	"encoding/binary"
	"strings"
	"testing"

	"github.com/blink-go/blink/core/abi"
	"github.com/blink-go/blink/fs/tmpfs"
	"github.com/blink-go/blink/fs/vfs"
)

// The tests here drive the VFS through its exported API over tmpfs, the
// one file system that needs no host: what they check is the walk and the
// mount table, so the answers must be Linux's whatever the storage. The
// expected errnos were checked against Linux 6.x natively where
// path_resolution(7) leaves room for doubt.

type env struct {
	t   *testing.T
	v   *vfs.VFS
	ctx *vfs.Context
}

func newEnv(t *testing.T) *env {
	t.Helper()
	v, e := vfs.New(&vfs.Superblock{Type: "tmpfs", Source: "root", Root: tmpfs.New(0, 0o755, 0, 0).Root()}, 0)
	if e != 0 {
		t.Fatal(e)
	}
	loc := v.RootLocation()
	return &env{t: t, v: v, ctx: &vfs.Context{Root: loc, Cwd: loc, Cred: vfs.Root}}
}

// as returns a context with the same root and cwd for another identity.
func (en *env) as(uid, gid uint32) *vfs.Context {
	return &vfs.Context{Root: en.ctx.Root, Cwd: en.ctx.Cwd, Cred: &vfs.Cred{UID: uid, GID: gid}}
}

func (en *env) mkdir(paths ...string) {
	en.t.Helper()
	for _, p := range paths {
		if e := en.v.Mkdir(en.ctx, nil, p, 0o755); e != 0 {
			en.t.Fatalf("mkdir %s: %v", p, e)
		}
	}
}

func (en *env) file(p, data string) {
	en.t.Helper()
	f, e := en.v.Open(en.ctx, nil, p, abi.O_CREAT|abi.O_EXCL|abi.O_WRONLY, 0o644)
	if e != 0 {
		en.t.Fatalf("create %s: %v", p, e)
	}
	defer f.Close()
	if _, e := f.Write([]byte(data)); e != 0 {
		en.t.Fatalf("write %s: %v", p, e)
	}
}

func (en *env) symlink(target, p string) {
	en.t.Helper()
	if e := en.v.Symlink(en.ctx, target, nil, p); e != 0 {
		en.t.Fatalf("symlink %s -> %s: %v", p, target, e)
	}
}

// read returns the contents of p, or the errno's name.
func (en *env) read(ctx *vfs.Context, p string) string {
	en.t.Helper()
	f, e := en.v.Open(ctx, nil, p, abi.O_RDONLY, 0)
	if e != 0 {
		return e.Error()
	}
	defer f.Close()
	b := make([]byte, 256)
	n, e := f.Read(b)
	if e != 0 {
		return e.Error()
	}
	return string(b[:n])
}

// id is what tells two files apart: (st_dev, st_ino).
type id struct{ dev, ino uint64 }

func (en *env) id(ctx *vfs.Context, p string) id {
	en.t.Helper()
	st, e := en.v.Stat(ctx, nil, p, 0)
	if e != 0 {
		en.t.Fatalf("stat %s: %v", p, e)
	}
	return id{st.Dev, st.Ino}
}

func (en *env) chroot(p string) *vfs.Context {
	en.t.Helper()
	root, e := en.v.Chroot(en.ctx, nil, p)
	if e != 0 {
		en.t.Fatalf("chroot %s: %v", p, e)
	}
	return &vfs.Context{Root: root, Cwd: root, Cred: vfs.Root}
}

func (en *env) mountTmpfs(p string) *vfs.Mount {
	en.t.Helper()
	sb := en.v.NewSuperblock("tmpfs", "none", tmpfs.New(0, 0o755, 0, 0).Root())
	m, e := en.v.Mount(en.ctx, sb, p, 0)
	if e != 0 {
		en.t.Fatalf("mount %s: %v", p, e)
	}
	return m
}

type dirent struct {
	ino  uint64
	off  int64
	typ  uint8
	name string
}

func parseDirents(b []byte) []dirent {
	var out []dirent
	for len(b) >= 19 {
		reclen := int(binary.LittleEndian.Uint16(b[16:]))
		name, _, _ := strings.Cut(string(b[19:reclen]), "\x00")
		out = append(out, dirent{binary.LittleEndian.Uint64(b), int64(binary.LittleEndian.Uint64(b[8:])), b[18], name})
		b = b[reclen:]
	}
	return out
}

func TestDotDotNeverLeavesRoot(t *testing.T) {
	en := newEnv(t)
	en.mkdir("/d", "/jail", "/jail/sub")
	root := en.id(en.ctx, "/")
	for _, p := range []string{"/..", "/../..", "..", "d/../..", "/d/../../../."} {
		if got := en.id(en.ctx, p); got != root {
			t.Errorf("%s is %v, want / %v", p, got, root)
		}
	}
	if en.id(en.ctx, "/../../d") != en.id(en.ctx, "/d") {
		t.Error("/../../d is not /d")
	}

	jail := en.chroot("/jail")
	want := en.id(en.ctx, "/jail")
	for _, p := range []string{"/", "/..", "../..", "sub/../../..", "/sub/../../../../."} {
		if got := en.id(jail, p); got != want {
			t.Errorf("in the chroot %s is %v, want the chroot %v", p, got, want)
		}
	}
	if _, e := en.v.Stat(jail, nil, "/../d", 0); e != abi.ENOENT {
		t.Errorf("in the chroot /../d: %v, want ENOENT (outside the root)", e)
	}
}

func TestDotDotCrossesMounts(t *testing.T) {
	en := newEnv(t)
	en.mkdir("/a", "/a/mnt")
	en.file("/a/beside", "x")
	en.mountTmpfs("/a/mnt")
	en.mkdir("/a/mnt/sub")
	if en.id(en.ctx, "/a/mnt").dev == en.id(en.ctx, "/a").dev {
		t.Fatal("the mount has its parent's st_dev")
	}
	for p, want := range map[string]string{"/a/mnt/..": "/a", "/a/mnt/sub/../..": "/a", "/a/mnt/sub/../../mnt": "/a/mnt"} {
		if en.id(en.ctx, p) != en.id(en.ctx, want) {
			t.Errorf("%s is not %s", p, want)
		}
	}
	if got := en.read(en.ctx, "/a/mnt/../beside"); got != "x" {
		t.Errorf("/a/mnt/../beside: %q", got)
	}
	// A chroot at a mount's root: ".." there is the root, not the mount
	// point's parent.
	jail := en.chroot("/a/mnt")
	if en.id(jail, "/..") != en.id(en.ctx, "/a/mnt") {
		t.Error("chroot at a mount root: /.. left the root")
	}
}

// A working directory covered by a later mount: ".." from below it lands
// on the covered directory, and Linux then steps into the mount on top
// (checked natively with a tmpfs mounted over a cwd's parent).
func TestDotDotIntoCoveredDirectory(t *testing.T) {
	en := newEnv(t)
	en.mkdir("/a", "/a/b", "/a/b/c")
	cwd, e := en.v.Chdir(en.ctx, nil, "/a/b/c", 0)
	if e != 0 {
		t.Fatal(e)
	}
	en.mountTmpfs("/a/b")
	en.file("/a/b/m", "on top")
	ctx := &vfs.Context{Root: en.ctx.Root, Cwd: cwd.Location(), Cred: vfs.Root}
	if got := en.read(ctx, "../m"); got != "on top" {
		t.Errorf("../m from a covered cwd: %q, want the mount's file", got)
	}
	if _, e := en.v.Stat(ctx, nil, "../c", 0); e != abi.ENOENT {
		t.Errorf("../c from a covered cwd: %v, want ENOENT (c is under the mount)", e)
	}
}

func TestSymlinkResolution(t *testing.T) {
	en := newEnv(t)
	en.mkdir("/d", "/d/e", "/jail", "/jail/d")
	en.file("/top", "top")
	en.file("/d/f", "d/f")
	en.file("/jail/top", "jail top")
	en.symlink("d/f", "/rel")
	en.symlink("../top", "/d/up")
	en.symlink("/d/f", "/abs")
	en.symlink("../../../../../top", "/d/e/climb")
	en.symlink("d", "/ldir")
	en.symlink("e/../f", "/d/via") // ".." applies to the real e, not the link
	en.symlink("/top", "/jail/d/abs")
	en.symlink("../../../top", "/jail/d/climb")
	cases := []struct {
		ctx  *vfs.Context
		path string
		want string
	}{
		{en.ctx, "/rel", "d/f"},
		{en.ctx, "/d/up", "top"},
		{en.ctx, "/abs", "d/f"},
		{en.ctx, "/d/e/climb", "top"},
		{en.ctx, "/ldir/f", "d/f"},
		{en.ctx, "/ldir/../top", "top"}, // ".." after a link goes to the target's parent
		{en.ctx, "/d/via", "d/f"},
		// Absolute targets restart at the caller's root, and ".." stops
		// there, so the chroot's own /top is reached, never the real one.
		{en.chroot("/jail"), "/d/abs", "jail top"},
		{en.chroot("/jail"), "/d/climb", "jail top"},
		{en.ctx, "/jail/d/abs", "top"},
	}
	for _, c := range cases {
		if got := en.read(c.ctx, c.path); got != c.want {
			t.Errorf("%s: %q, want %q", c.path, got, c.want)
		}
	}
	if e := en.v.Symlink(en.ctx, "", nil, "/empty"); e != abi.ENOENT {
		t.Errorf("symlink with an empty target: %v, want ENOENT", e)
	}
	if got, e := en.v.Readlink(en.ctx, nil, "/d/e/climb"); e != 0 || got != "../../../../../top" {
		t.Errorf("readlink: %q %v", got, e)
	}
}

// MAXSYMLINKS counts every link one walk follows, final or intermediate,
// nested or not: 40 pass, the 41st is ELOOP.
func TestSymlinkLimit(t *testing.T) {
	en := newEnv(t)
	en.mkdir("/dir")
	en.file("/dir/f", "end")
	chain := func(prefix, last string, n int) {
		for i := 0; i < n; i++ {
			target := prefix + itoa(i+1)
			if i == n-1 {
				target = last
			}
			en.symlink(target, "/"+prefix+itoa(i))
		}
	}
	chain("c", "dir/f", 41)   // c0 -> c1 -> ... -> c40 -> dir/f
	chain("d", "dir", 41)     // d0 -> ... -> d40 -> dir
	en.symlink("d1/f", "/n1") // one link, then d1's 40
	for p, want := range map[string]abi.Errno{
		"/c1": 0, "/c0": abi.ELOOP,
		"/d1/f": 0, "/d0/f": abi.ELOOP,
		"/d1/": 0, "/d0/": abi.ELOOP,
		"/n1": abi.ELOOP, // 1 + 40
	} {
		if _, e := en.v.Stat(en.ctx, nil, p, 0); e != want {
			t.Errorf("stat %s: %v, want %v", p, e, want)
		}
	}
	if _, e := en.v.Stat(en.ctx, nil, "/c0", abi.AT_SYMLINK_NOFOLLOW); e != 0 {
		t.Errorf("lstat of the chain's head: %v", e)
	}
	en.symlink("self", "/self")
	en.symlink("pong", "/ping")
	en.symlink("ping", "/pong")
	for _, p := range []string{"/self", "/ping", "/self/x", "/ping/x"} {
		if _, e := en.v.Open(en.ctx, nil, p, abi.O_RDONLY, 0); e != abi.ELOOP {
			t.Errorf("open %s: %v, want ELOOP", p, e)
		}
	}
}

func TestTrailingSlash(t *testing.T) {
	en := newEnv(t)
	en.mkdir("/d")
	en.file("/f", "")
	en.symlink("f", "/lf")
	en.symlink("d", "/ld")
	stat := func(p string, flags int) (vfs.Stat, abi.Errno) { return en.v.Stat(en.ctx, nil, p, flags) }
	for p, want := range map[string]abi.Errno{"/f/": abi.ENOTDIR, "/f/.": abi.ENOTDIR, "/f/x": abi.ENOTDIR,
		"/lf/": abi.ENOTDIR, "/nope/x": abi.ENOENT, "/d/": 0, "/d//": 0, "/ld/": 0} {
		if _, e := stat(p, 0); e != want {
			t.Errorf("stat %s: %v, want %v", p, e, want)
		}
	}
	// A trailing slash follows a final symlink even with NOFOLLOW.
	if st, e := stat("/ld/", abi.AT_SYMLINK_NOFOLLOW); e != 0 || !st.IsDir() {
		t.Errorf("lstat /ld/: %v mode %o, want the directory", e, st.Mode)
	}
	if _, e := stat("/lf/", abi.AT_SYMLINK_NOFOLLOW); e != abi.ENOTDIR {
		t.Errorf("lstat /lf/: %v, want ENOTDIR", e)
	}
	if st, _ := stat("/ld", abi.AT_SYMLINK_NOFOLLOW); !st.IsLink() {
		t.Error("lstat /ld is not the link")
	}
	for _, c := range []struct {
		path  string
		flags int
		want  abi.Errno
	}{
		{"/f/", abi.O_RDONLY, abi.ENOTDIR},
		{"/lf/", abi.O_RDONLY, abi.ENOTDIR},
		{"/new/", abi.O_CREAT | abi.O_WRONLY, abi.EISDIR},
		{"/f/", abi.O_CREAT | abi.O_WRONLY, abi.EISDIR},
		{"/ld/", abi.O_RDONLY | abi.O_NOFOLLOW, 0},
	} {
		f, e := en.v.Open(en.ctx, nil, c.path, c.flags, 0o644)
		if e != c.want {
			t.Errorf("open %s %#o: %v, want %v", c.path, c.flags, e, c.want)
		}
		if f != nil {
			f.Close()
		}
	}
	if e := en.v.Mkdir(en.ctx, nil, "/newdir/", 0o755); e != 0 {
		t.Errorf("mkdir with a trailing slash: %v", e)
	}
	if e := en.v.Mknod(en.ctx, nil, "/node/", abi.S_IFREG|0o644, 0); e != abi.ENOENT {
		t.Errorf("mknod new/: %v, want ENOENT", e)
	}
	if e := en.v.Symlink(en.ctx, "x", nil, "/link/"); e != abi.ENOENT {
		t.Errorf("symlink x new/: %v, want ENOENT", e)
	}
	if e := en.v.Unlink(en.ctx, nil, "/f/", 0); e != abi.ENOTDIR {
		t.Errorf("unlink f/: %v, want ENOTDIR", e)
	}
	if e := en.v.Unlink(en.ctx, nil, "/d/", 0); e != abi.EISDIR {
		t.Errorf("unlink d/: %v, want EISDIR", e)
	}
	if _, e := stat("/f", 0); e != 0 {
		t.Errorf("f removed by a failed unlink: %v", e)
	}
}

func TestNameTooLong(t *testing.T) {
	en := newEnv(t)
	long := strings.Repeat("n", abi.NAME_MAX)
	if _, e := en.v.Stat(en.ctx, nil, "/"+long, 0); e != abi.ENOENT {
		t.Errorf("stat of a NAME_MAX component: %v, want ENOENT", e)
	}
	en.file("/"+long, "")
	tooLong := long + "n"
	for _, p := range []string{"/" + tooLong, "/" + tooLong + "/x", tooLong} {
		if _, e := en.v.Stat(en.ctx, nil, p, 0); e != abi.ENAMETOOLONG {
			t.Errorf("stat of a %d-byte component: %v, want ENAMETOOLONG", len(tooLong), e)
		}
	}
	if _, e := en.v.Open(en.ctx, nil, "/"+tooLong, abi.O_CREAT|abi.O_WRONLY, 0o644); e != abi.ENAMETOOLONG {
		t.Errorf("create: %v, want ENAMETOOLONG", e)
	}
	if e := en.v.Mkdir(en.ctx, nil, "/"+tooLong, 0o755); e != abi.ENAMETOOLONG {
		t.Errorf("mkdir: %v, want ENAMETOOLONG", e)
	}

	// PATH_MAX counts the NUL: 4095 bytes resolve, 4096 do not.
	dots := strings.Repeat("./", abi.PATH_MAX/2)
	if _, e := en.v.Stat(en.ctx, nil, dots[:abi.PATH_MAX-1], 0); e != 0 {
		t.Errorf("stat of a %d-byte path: %v", abi.PATH_MAX-1, e)
	}
	if _, e := en.v.Stat(en.ctx, nil, dots[:abi.PATH_MAX], 0); e != abi.ENAMETOOLONG {
		t.Errorf("stat of a %d-byte path: %v, want ENAMETOOLONG", abi.PATH_MAX, e)
	}
	if e := en.v.Symlink(en.ctx, dots[:abi.PATH_MAX], nil, "/l"); e != abi.ENAMETOOLONG {
		t.Errorf("symlink to a %d-byte target: %v, want ENAMETOOLONG", abi.PATH_MAX, e)
	}
}

func TestEmptyPathAndDirfd(t *testing.T) {
	en := newEnv(t)
	en.mkdir("/d")
	en.file("/d/f", "x")
	en.symlink("f", "/d/l")
	if _, e := en.v.Stat(en.ctx, nil, "", 0); e != abi.ENOENT {
		t.Errorf(`stat "": %v, want ENOENT`, e)
	}
	if st, e := en.v.Stat(en.ctx, nil, "", abi.AT_EMPTY_PATH); e != 0 || en.id(en.ctx, "/") != (id{st.Dev, st.Ino}) {
		t.Errorf(`stat(AT_FDCWD, "", AT_EMPTY_PATH): %v, want the cwd`, e)
	}
	dir, e := en.v.Open(en.ctx, nil, "/d", abi.O_RDONLY|abi.O_DIRECTORY, 0)
	if e != 0 {
		t.Fatal(e)
	}
	defer dir.Close()
	file, e := en.v.Open(en.ctx, nil, "/d/f", abi.O_RDONLY, 0)
	if e != 0 {
		t.Fatal(e)
	}
	defer file.Close()
	if st, e := en.v.Stat(en.ctx, dir, "f", 0); e != 0 || (id{st.Dev, st.Ino}) != en.id(en.ctx, "/d/f") {
		t.Errorf("stat relative to a directory fd: %v", e)
	}
	if _, e := en.v.Stat(en.ctx, file, "x", 0); e != abi.ENOTDIR {
		t.Errorf("stat relative to a file fd: %v, want ENOTDIR", e)
	}
	if _, e := en.v.Stat(en.ctx, file, "/d", 0); e != 0 {
		t.Errorf("absolute path ignores the fd: %v", e)
	}
	if _, e := en.v.Stat(en.ctx, file, "", 0); e != abi.ENOENT {
		t.Errorf(`stat(file fd, "", 0): %v, want ENOENT`, e)
	}
	if st, e := en.v.Stat(en.ctx, file, "", abi.AT_EMPTY_PATH); e != 0 || !st.IsReg() {
		t.Errorf(`stat(file fd, "", AT_EMPTY_PATH): %v mode %o`, e, st.Mode)
	}
	// An O_PATH|O_NOFOLLOW descriptor of a symlink names the link itself.
	link, e := en.v.Open(en.ctx, nil, "/d/l", abi.O_PATH|abi.O_NOFOLLOW, 0)
	if e != 0 {
		t.Fatalf("O_PATH|O_NOFOLLOW of a symlink: %v", e)
	}
	if st, e := en.v.Stat(en.ctx, link, "", abi.AT_EMPTY_PATH); e != 0 || !st.IsLink() {
		t.Errorf("fstat of an O_PATH symlink: %v mode %o", e, st.Mode)
	}
	if target, e := en.v.Readlink(en.ctx, link, ""); e != 0 || target != "f" {
		t.Errorf(`readlinkat(link fd, ""): %q %v`, target, e)
	}
	if _, e := link.Read(make([]byte, 1)); e != abi.EBADF {
		t.Errorf("read of an O_PATH file: %v, want EBADF", e)
	}
	if _, e := en.v.Readlink(en.ctx, nil, "/d/f"); e != abi.EINVAL {
		t.Errorf("readlink of a file: %v, want EINVAL", e)
	}
	if _, e := en.v.Readlink(en.ctx, nil, ""); e != abi.ENOENT {
		t.Errorf(`readlink "": %v, want ENOENT`, e)
	}
}

// spy wraps a Node to check what the walk promises file systems: only
// single components, never "", ".", ".." or a name with a slash.
type spy struct {
	vfs.Node
	t *testing.T
}

func (s spy) check(op, name string) {
	if name == "" || name == "." || name == ".." || strings.Contains(name, "/") || len(name) > abi.NAME_MAX {
		s.t.Errorf("%s(%q) reached the file system", op, name)
	}
}

func unspy(n vfs.Node) vfs.Node {
	if s, ok := n.(spy); ok {
		return s.Node
	}
	return n
}

func (s spy) Lookup(name string) (vfs.Node, vfs.Stat, abi.Errno) {
	s.check("Lookup", name)
	c, st, e := s.Node.Lookup(name)
	if e != 0 {
		return nil, st, e
	}
	return spy{c, s.t}, st, 0
}

func (s spy) Create(name string, flags int, mode uint32) (vfs.FileImpl, vfs.Node, vfs.Stat, abi.Errno) {
	s.check("Create", name)
	f, c, st, e := s.Node.Create(name, flags, mode)
	if e != 0 {
		return nil, nil, st, e
	}
	return f, spy{c, s.t}, st, 0
}

func (s spy) Mkdir(name string, mode uint32) abi.Errno {
	s.check("Mkdir", name)
	return s.Node.Mkdir(name, mode)
}

func (s spy) Mknod(name string, mode uint32, dev uint64) abi.Errno {
	s.check("Mknod", name)
	return s.Node.Mknod(name, mode, dev)
}

func (s spy) Symlink(name, target string) abi.Errno {
	s.check("Symlink", name)
	return s.Node.Symlink(name, target)
}

func (s spy) Link(name string, target vfs.Node) abi.Errno {
	s.check("Link", name)
	return s.Node.Link(name, unspy(target))
}

func (s spy) Unlink(name string, dir bool) abi.Errno {
	s.check("Unlink", name)
	return s.Node.Unlink(name, dir)
}

func (s spy) Rename(oldName string, newDir vfs.Node, newName string, flags uint32) abi.Errno {
	s.check("Rename", oldName)
	s.check("Rename", newName)
	return s.Node.Rename(oldName, unspy(newDir), newName, flags)
}

// Whatever the guest writes, a file system is asked about one plain name
// in a directory it produced.
func TestFileSystemsSeeOnlyComponents(t *testing.T) {
	v, e := vfs.New(&vfs.Superblock{Type: "tmpfs", Root: spy{tmpfs.New(0, 0o755, 0, 0).Root(), t}}, 0)
	if e != 0 {
		t.Fatal(e)
	}
	loc := v.RootLocation()
	en := &env{t: t, v: v, ctx: &vfs.Context{Root: loc, Cwd: loc, Cred: vfs.Root}}
	en.mkdir("/a", "/a/b", "//a//b/../c/", "./a/./d/")
	en.file("/a/../a/./b/f", "x")
	en.symlink("../../a/./b/", "/a/d/up")
	en.symlink("/a//b/f/", "/slash")
	paths := []string{"/", "//", "/.", "/..", ".", "..", "/a/", "/a/.", "/a/..", "a/b/../../a/b/f",
		"/a/d/up/f", "/a/d/up/./f", "/a/d/up/../b/f", "/slash", "/slash/", "/a//b//f", "/a/b/f/..", "/..//../a"}
	for _, p := range paths {
		en.v.Stat(en.ctx, nil, p, 0)
		en.v.Stat(en.ctx, nil, p, abi.AT_SYMLINK_NOFOLLOW)
		if f, e := en.v.Open(en.ctx, nil, p, abi.O_RDONLY|abi.O_CREAT, 0o644); e == 0 {
			f.Close()
		}
		en.v.Mkdir(en.ctx, nil, p, 0o755)
		en.v.Mknod(en.ctx, nil, p, abi.S_IFIFO|0o644, 0)
		en.v.Symlink(en.ctx, "t", nil, p)
		en.v.Link(en.ctx, nil, "/a/b/f", nil, p, 0)
		en.v.Rename(en.ctx, nil, p, nil, "/a/c/x", 0)
		en.v.Rename(en.ctx, nil, "/a/c/x", nil, p, 0)
		en.v.Unlink(en.ctx, nil, p, 0)
		en.v.Unlink(en.ctx, nil, p, abi.AT_REMOVEDIR)
	}
}

func itoa(i int) string {
	if i < 10 {
		return string(rune('0' + i))
	}
	return itoa(i/10) + string(rune('0'+i%10))
}

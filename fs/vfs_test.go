package fs

import (
	"encoding/binary"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/blink-go/blink/core/abi"
	"github.com/blink-go/blink/fs/vfs"
	"github.com/blink-go/blink/hostfs"
	"github.com/blink-go/blink/overlays"
)

func rootCtx(v *vfs.VFS) *vfs.Context {
	return &vfs.Context{Root: v.RootLocation(), Cwd: v.RootLocation(), Cred: vfs.Root}
}

func newTreeVFS(t *testing.T, opts Options) (*vfs.VFS, string) {
	t.Helper()
	root := filepath.Join(t.TempDir(), "root")
	buildTree(t, root)
	opts.Root = root
	v, e := NewDefault(opts)
	if e != 0 {
		t.Fatal(e)
	}
	return v, root
}

type dirent struct {
	ino  uint64
	off  int64
	typ  uint8
	name string
}

func parseDirents(b []byte) []dirent {
	var out []dirent
	for len(b) > 0 {
		reclen := int(binary.LittleEndian.Uint16(b[16:]))
		name := b[19:reclen]
		for i, c := range name {
			if c == 0 {
				name = name[:i]
				break
			}
		}
		out = append(out, dirent{binary.LittleEndian.Uint64(b), int64(binary.LittleEndian.Uint64(b[8:])), b[18], string(name)})
		b = b[reclen:]
	}
	return out
}

func readAll(t *testing.T, f *vfs.File, bufSize int) []dirent {
	t.Helper()
	var all []dirent
	buf := make([]byte, bufSize)
	for {
		n, e := f.ReadDir(buf)
		if e != 0 {
			t.Fatalf("getdents: %v", e)
		}
		if n == 0 {
			return all
		}
		all = append(all, parseDirents(buf[:n])...)
	}
}

// A directory swapped for a symlink to the host's view of the tree's
// parent while walks go through it: no walk may ever reach the marker
// file beside the root.
func TestRaceSymlinkSwap(t *testing.T) {
	v, root := newTreeVFS(t, Options{NoSystemRoot: true})
	ctx := rootCtx(v)
	race := filepath.Join(root, "race")
	outside := filepath.Dir(root)
	var stop atomic.Bool
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; !stop.Load(); i++ {
			os.RemoveAll(race)
			if i%2 == 0 {
				os.Mkdir(race, 0o755)
			} else {
				os.Symlink(outside, race)
			}
		}
	}()
	for i := 0; i < 3000; i++ {
		for _, p := range []string{"/race/ESCAPED", "race/ESCAPED", "/race/etc/passwd", "/race/../ESCAPED"} {
			if st, e := v.Stat(ctx, nil, p, 0); e == 0 {
				stop.Store(true)
				t.Fatalf("stat %s reached %+v", p, st)
			}
			if f, e := v.Open(ctx, nil, p, abi.O_RDONLY, 0); e == 0 {
				f.Close()
				stop.Store(true)
				t.Fatalf("open %s succeeded", p)
			}
		}
	}
	stop.Store(true)
	wg.Wait()
}

// The same host file has the same st_ino through any path, any hard
// link, and any new FS instance; directories list their entries with the
// d_ino stat reports.
func TestStableInodes(t *testing.T) {
	v, root := newTreeVFS(t, Options{NoSystemRoot: true})
	ctx := rootCtx(v)
	a, _ := v.Stat(ctx, nil, "/file", 0)
	b, _ := v.Stat(ctx, nil, "/hardlink", 0)
	c, _ := v.Stat(ctx, nil, "/abs-file-link", 0)
	d, _ := v.Stat(ctx, nil, "/dir/up-file-link", 0)
	if a.Ino != b.Ino || a.Ino != c.Ino || a.Ino != d.Ino || a.Ino == 0 {
		t.Fatalf("inodes differ: %d %d %d %d", a.Ino, b.Ino, c.Ino, d.Ino)
	}
	v2, _ := NewDefault(Options{Root: root, NoSystemRoot: true})
	a2, _ := v2.Stat(rootCtx(v2), nil, "/file", 0)
	if a2.Ino != a.Ino {
		t.Fatalf("st_ino not stable across instances: %d vs %d", a.Ino, a2.Ino)
	}
	f, e := v.Open(ctx, nil, "/dir", abi.O_RDONLY, 0) // no O_DIRECTORY (GNU tar)
	if e != 0 {
		t.Fatal(e)
	}
	defer f.Close()
	for _, de := range readAll(t, f, 300) {
		st, e := v.Stat(ctx, nil, "/dir/"+de.name, abi.AT_SYMLINK_NOFOLLOW)
		if e != 0 {
			t.Fatal(de.name, e)
		}
		if de.name != ".." && st.Ino != de.ino {
			t.Errorf("%s: d_ino %d, st_ino %d", de.name, de.ino, st.Ino)
		}
		if de.typ != vfs.DTFromMode(st.Mode) {
			t.Errorf("%s: d_type %d, mode %o", de.name, de.typ, st.Mode)
		}
	}
	if _, e := f.Read(make([]byte, 10)); e != abi.EISDIR {
		t.Errorf("read on a directory: %v, want EISDIR", e)
	}
}

// getdents: small buffers, EINVAL when one record does not fit, cookies
// that seekdir back to the same place even after the directory changes,
// rewind seeing changes, synthetic mount points listed.
func TestGetdents(t *testing.T) {
	v, root := newTreeVFS(t, Options{})
	ctx := rootCtx(v)
	f, e := v.Open(ctx, nil, "/", abi.O_RDONLY|abi.O_DIRECTORY, 0)
	if e != 0 {
		t.Fatal(e)
	}
	defer f.Close()
	if _, e := f.ReadDir(make([]byte, 20)); e != abi.EINVAL {
		t.Fatalf("tiny buffer: %v, want EINVAL", e)
	}
	all := readAll(t, f, 300)
	names := map[string]dirent{}
	for _, d := range all {
		if _, dup := names[d.name]; dup {
			t.Errorf("duplicate %q", d.name)
		}
		names[d.name] = d
	}
	for _, want := range []string{".", "..", "SystemRoot", "file", "dir", "abs-link", "chain40"} {
		if _, ok := names[want]; !ok {
			t.Errorf("%q missing from getdents of /", want)
		}
	}
	if names["."].ino != names[".."].ino {
		t.Errorf("/.. has d_ino %d, / has %d", names[".."].ino, names["."].ino)
	}
	// seekdir to the 5th entry's cookie, change the directory, read on.
	cookie := all[4].off
	os.WriteFile(filepath.Join(root, "aaa-new"), nil, 0o644)
	if _, e := f.Lseek(cookie, abi.SEEK_SET); e != 0 {
		t.Fatal(e)
	}
	rest := readAll(t, f, 4096)
	if len(rest) != len(all)-5 || rest[0].name != all[5].name {
		t.Fatalf("after seekdir: %d entries from %q, want %d from %q", len(rest), rest[0].name, len(all)-5, all[5].name)
	}
	f.Lseek(0, abi.SEEK_SET)
	again := readAll(t, f, 4096)
	if len(again) != len(all)+1 {
		t.Fatalf("rewind sees %d entries, want %d", len(again), len(all)+1)
	}
}

// Mount points: st_dev per mount, ".." out of a mount, "/.." at the
// root, umount rules, MS_RDONLY, MS_NOEXEC, bind mounts.
func TestMounts(t *testing.T) {
	bind := t.TempDir()
	os.WriteFile(filepath.Join(bind, "bound"), []byte("x"), 0o755)
	v, root := newTreeVFS(t, Options{Binds: []Bind{{Host: bind, Guest: "/bind"}, {Host: bind, Guest: "/dir/robind", ReadOnly: true}}})
	ctx := rootCtx(v)
	rootSt, _ := v.Stat(ctx, nil, "/", 0)
	sys, e := v.Stat(ctx, nil, "/SystemRoot", 0)
	if e != 0 {
		t.Fatal(e)
	}
	if sys.Dev == rootSt.Dev {
		t.Error("/SystemRoot has the root's st_dev")
	}
	if st, _ := v.Stat(ctx, nil, "/SystemRoot/..", 0); st.Ino != rootSt.Ino || st.Dev != rootSt.Dev {
		t.Error("/SystemRoot/.. is not /")
	}
	// The host's view through /SystemRoot reaches the marker: that is
	// what /SystemRoot is for, and what NoSystemRoot turns off.
	if _, e := v.Stat(ctx, nil, "/SystemRoot"+filepath.Join(filepath.Dir(root), "ESCAPED"), 0); e != 0 {
		t.Errorf("/SystemRoot does not show the host: %v", e)
	}
	if _, e := v.Stat(ctx, nil, "/bind/bound", 0); e != 0 {
		t.Errorf("bind mount: %v", e)
	}
	if st, _ := v.Stat(ctx, nil, "/bind/../..", 0); st.Ino != rootSt.Ino {
		t.Error("/bind/../.. is not /")
	}
	if _, e := v.Open(ctx, nil, "/dir/robind/bound", abi.O_WRONLY, 0); e != abi.EROFS {
		t.Errorf("write on MS_RDONLY: %v, want EROFS", e)
	}
	if e := v.Mkdir(ctx, nil, "/dir/robind/new", 0o755); e != abi.EROFS {
		t.Errorf("mkdir on MS_RDONLY: %v, want EROFS", e)
	}
	if e := v.Mkdir(ctx, nil, "/dir/robind/bound", 0o755); e != abi.EEXIST {
		t.Errorf("mkdir of existing on MS_RDONLY: %v, want EEXIST", e)
	}
	if e := v.Unlink(ctx, nil, "/dir/robind", abi.AT_REMOVEDIR); e != abi.EBUSY {
		t.Errorf("rmdir of a mount point: %v, want EBUSY", e)
	}
	if e := v.Rename(ctx, nil, "/file", nil, "/bind/file", 0); e != abi.EXDEV {
		t.Errorf("rename across mounts: %v, want EXDEV", e)
	}
	// mount(2)-style API: a noexec bind, stacked mounts, umount.
	if _, e := v.BindMount(ctx, "/bind", "/dir/sub", abi.MS_NOEXEC); e != 0 {
		t.Fatal(e)
	}
	if _, e := v.OpenExec(ctx, nil, "/dir/sub/bound"); e != abi.EACCES {
		t.Errorf("exec on MS_NOEXEC: %v, want EACCES", e)
	}
	if f, e := v.OpenExec(ctx, nil, "/bind/bound"); e != 0 {
		t.Errorf("exec: %v", e)
	} else {
		f.Close()
	}
	if _, e := v.Stat(ctx, nil, "/dir/sub/f", 0); e != abi.ENOENT {
		t.Errorf("covered file still visible: %v", e)
	}
	if e := v.Umount(ctx, "/dir/sub/bound", 0); e != abi.EINVAL {
		t.Errorf("umount of a non-mount-point: %v, want EINVAL", e)
	}
	if e := v.Umount(ctx, "/", 0); e != abi.EBUSY {
		t.Errorf("umount /: %v, want EBUSY", e)
	}
	if e := v.Umount(ctx, "/dir/sub", 0); e != 0 {
		t.Fatal(e)
	}
	if _, e := v.Stat(ctx, nil, "/dir/sub/f", 0); e != 0 {
		t.Errorf("after umount: %v", e)
	}
	user := &vfs.Context{Root: ctx.Root, Cwd: ctx.Cwd, Cred: &vfs.Cred{UID: 1000, GID: 1000}}
	if e := v.Umount(user, "/bind", 0); e != abi.EPERM {
		t.Errorf("umount as a user: %v, want EPERM", e)
	}
	// chroot into /dir: "/.." stays there, absolute links restart there.
	newRoot, e := v.Chroot(ctx, nil, "/dir")
	if e != 0 {
		t.Fatal(e)
	}
	jail := &vfs.Context{Root: newRoot, Cwd: newRoot, Cred: vfs.Root}
	if st, _ := v.Stat(jail, nil, "/../../sub/f", 0); st.Ino == 0 {
		t.Error("chroot: /../../sub/f not found")
	}
	if _, e := v.Stat(jail, nil, "/file", 0); e != abi.ENOENT {
		t.Errorf("chroot: /file visible: %v", e)
	}
	if st, _ := v.Stat(jail, nil, "parent-link/sub", 0); st.Ino == 0 {
		t.Error("chroot: parent-link/sub")
	}
	if p := v.Path(jail, newRoot); p != "/" {
		t.Errorf("path of the chroot in it: %q", p)
	}
}

func TestOverlays(t *testing.T) {
	if got := overlays.Parse(":o:/abs", "/cwd"); len(got) != 3 || got[0] != "/" || got[1] != "/cwd/o" || got[2] != "/abs" {
		t.Fatalf("Parse: %q", got)
	}
	upper, lower := t.TempDir(), t.TempDir()
	for p, s := range map[string]string{"both": "upper", "up-only": "u", "shared/u": "u"} {
		os.MkdirAll(filepath.Dir(filepath.Join(upper, p)), 0o755)
		os.WriteFile(filepath.Join(upper, p), []byte(s), 0o644)
	}
	for p, s := range map[string]string{"both": "lower", "low-only": "l", "shared/l": "l", "deep/er/f": "l"} {
		os.MkdirAll(filepath.Dir(filepath.Join(lower, p)), 0o755)
		os.WriteFile(filepath.Join(lower, p), []byte(s), 0o644)
	}
	os.Symlink("/low-only", filepath.Join(lower, "abs"))
	v, e := NewDefault(Options{OverlaysSet: true, Overlays: upper + ":" + lower, NoSystemRoot: true})
	if e != 0 {
		t.Fatal(e)
	}
	ctx := rootCtx(v)
	read := func(p string) string {
		f, e := v.Open(ctx, nil, p, abi.O_RDONLY, 0)
		if e != 0 {
			return e.Error()
		}
		defer f.Close()
		b := make([]byte, 64)
		n, _ := f.Read(b)
		return string(b[:n])
	}
	for p, want := range map[string]string{"/both": "upper", "/up-only": "u", "/low-only": "l", "/shared/u": "u",
		"/shared/l": "l", "/abs": "l", "/shared/../low-only": "l", "/..//both": "upper"} {
		if got := read(p); got != want {
			t.Errorf("%s: %q, want %q", p, got, want)
		}
	}
	f, _ := v.Open(ctx, nil, "/shared", abi.O_RDONLY, 0)
	var names []string
	for _, d := range readAll(t, f, 4096) {
		names = append(names, d.name)
	}
	f.Close()
	sort.Strings(names)
	if len(names) != 4 || names[2] != "l" || names[3] != "u" {
		t.Errorf("merged /shared: %q", names)
	}
	f, _ = v.Open(ctx, nil, "/", abi.O_RDONLY, 0)
	seen := map[string]int{}
	for _, d := range readAll(t, f, 4096) {
		seen[d.name]++
	}
	f.Close()
	if seen["both"] != 1 || seen["low-only"] != 1 || seen["up-only"] != 1 {
		t.Errorf("merged /: %v", seen)
	}
	// New files go to the first layer, with the lower directory copied up.
	nf, e := v.Open(ctx, nil, "/deep/er/new", abi.O_CREAT|abi.O_WRONLY, 0o600)
	if e != 0 {
		t.Fatal(e)
	}
	nf.Write([]byte("new"))
	nf.Close()
	if b, err := os.ReadFile(filepath.Join(upper, "deep/er/new")); err != nil || string(b) != "new" {
		t.Errorf("created file not in the first layer: %v", err)
	}
	if _, err := os.Stat(filepath.Join(lower, "deep/er/new")); err == nil {
		t.Error("created file also in the lower layer")
	}
	if read("/deep/er/f") != "l" || read("/deep/er/new") != "new" {
		t.Error("copied-up directory hides the lower one's files")
	}
	// Writing an existing lower file changes it in place.
	wf, e := v.Open(ctx, nil, "/low-only", abi.O_WRONLY|abi.O_TRUNC, 0)
	if e != 0 {
		t.Fatal(e)
	}
	wf.Write([]byte("L"))
	wf.Close()
	if b, _ := os.ReadFile(filepath.Join(lower, "low-only")); string(b) != "L" {
		t.Errorf("lower file not changed in place: %q", b)
	}
	// Removing the upper "both" uncovers the lower one (no whiteouts).
	if e := v.Unlink(ctx, nil, "/both", 0); e != 0 {
		t.Fatal(e)
	}
	if got := read("/both"); got != "lower" {
		t.Errorf("after unlink: %q, want the lower file", got)
	}
	if e := v.Rename(ctx, nil, "/up-only", nil, "/shared/moved", 0); e != 0 {
		t.Errorf("rename within the upper layer: %v", e)
	}
	if e := v.Rename(ctx, nil, "/low-only", nil, "/deep/er/moved", 0); e != 0 {
		t.Errorf("rename within the lower layer: %v", e)
	}
}

// Relative symlinks with many ".." and absolute symlinks resolve in the
// root for every process root; hostfs alone refuses ".." and symlinks.
func TestHostfsNeverFollows(t *testing.T) {
	root := filepath.Join(t.TempDir(), "root")
	buildTree(t, root)
	h, e := hostfs.New(root)
	if e != 0 {
		t.Fatal(e)
	}
	defer h.Close()
	r := h.Root()
	l, st, e := r.Lookup("abs-link")
	if e != 0 || !st.IsLink() {
		t.Fatalf("lookup abs-link: %v %o", e, st.Mode)
	}
	if _, _, e := l.Lookup("sub"); e == 0 {
		t.Error("hostfs looked up through a symlink")
	}
	if _, e := l.ReadDir(); e == 0 {
		t.Error("hostfs listed through a symlink")
	}
	if _, e := l.Open(abi.O_RDONLY); e != abi.ELOOP {
		t.Errorf("open of a symlink node: %v, want ELOOP", e)
	}
}

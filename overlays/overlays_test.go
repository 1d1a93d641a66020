package overlays

import (
	"reflect"
	"runtime"
	"sort"
	"strings"
	"testing"

	"github.com/blink-go/blink/core/abi"
	"github.com/blink-go/blink/fs/tmpfs"
	"github.com/blink-go/blink/fs/vfs"
)

// The union is tested over tmpfs layers: its rules (first layer wins,
// directories merge, new names go up) do not depend on the storage, and
// tmpfs needs no host.

func TestParse(t *testing.T) {
	if runtime.GOOS == "windows" {
		if got := Parse(`C:\a;b`, `D:\cwd`); !reflect.DeepEqual(got, []string{`C:\a`, `D:\cwd\b`}) {
			t.Errorf("Parse on Windows = %q", got)
		}
		return
	}
	for _, c := range []struct {
		list, cwd string
		want      []string
	}{
		// blink(1): an empty entry is the normal root; relative entries
		// are made absolute at start-up; the order is the search order.
		{"", "/cwd", []string{"/"}},
		{":", "/cwd", []string{"/", "/"}},
		{":o", "/cwd", []string{"/", "/cwd/o"}}, // blink's default: the system first, then o
		{"o:", "/cwd", []string{"/cwd/o", "/"}}, // o takes precedence
		{"/buildroot/target", "/cwd", []string{"/buildroot/target"}},
		{"./a/../b/:../up:/x//y/", "/home/me", []string{"/home/me/b", "/home/up", "/x/y"}},
		{"rel", "/", []string{"/rel"}},
	} {
		if got := Parse(c.list, c.cwd); !reflect.DeepEqual(got, c.want) {
			t.Errorf("Parse(%q, %q) = %q, want %q", c.list, c.cwd, got, c.want)
		}
	}
}

func newLayer() vfs.Node { return tmpfs.New(0, 0o755, 0, 0).Root() }

// put makes path in layer: a directory when data is "/", else a file
// holding data; missing parents are made 0755.
func put(t *testing.T, layer vfs.Node, path, data string) {
	t.Helper()
	dir := layer
	parts := strings.Split(path, "/")
	for i, name := range parts {
		last := i == len(parts)-1
		if last && data != "/" {
			f, _, _, e := dir.Create(name, abi.O_WRONLY, 0o644)
			if e != 0 {
				t.Fatalf("create %s: %v", path, e)
			}
			f.Write([]byte(data))
			f.Close()
			return
		}
		c, _, e := dir.Lookup(name)
		if e == abi.ENOENT {
			if e := dir.Mkdir(name, 0o755); e != 0 {
				t.Fatalf("mkdir %s: %v", path, e)
			}
			c, _, e = dir.Lookup(name)
		}
		if e != 0 {
			t.Fatalf("lookup %s: %v", path, e)
		}
		dir = c
	}
}

// walk looks path up from n one component at a time, as the VFS does.
func walk(n vfs.Node, path string) (vfs.Node, vfs.Stat, abi.Errno) {
	st, e := n.Stat()
	for _, name := range strings.Split(path, "/") {
		if e != 0 {
			break
		}
		n, st, e = n.Lookup(name)
	}
	return n, st, e
}

// read returns the contents of path under n, or the errno's name.
func read(n vfs.Node, path string) string {
	c, _, e := walk(n, path)
	if e != 0 {
		return e.Error()
	}
	return contents(c)
}

func contents(n vfs.Node) string {
	f, e := n.Open(abi.O_RDONLY)
	if e != 0 {
		return e.Error()
	}
	defer f.Close()
	b := make([]byte, 64)
	k, _ := f.Read(b)
	return string(b[:k])
}

func names(t *testing.T, n vfs.Node) []string {
	t.Helper()
	ents, e := n.ReadDir()
	if e != 0 {
		t.Fatalf("readdir: %v", e)
	}
	var out []string
	for _, d := range ents {
		out = append(out, d.Name)
	}
	sort.Strings(out)
	return out
}

func TestFirstLayerWins(t *testing.T) {
	l0, l1, l2 := newLayer(), newLayer(), newLayer()
	put(t, l0, "f", "0")
	put(t, l1, "f", "1")
	put(t, l1, "g", "1")
	put(t, l2, "g", "2")
	put(t, l2, "h", "2")
	root := New(l0, l1, l2).Root()
	for p, want := range map[string]string{"f": "0", "g": "1", "h": "2", "nope": "ENOENT"} {
		if got := read(root, p); got != want {
			t.Errorf("%s: %q, want %q", p, got, want)
		}
	}
	// The visible file's attributes are its layer's.
	_, st, _ := walk(root, "g")
	_, want, _ := walk(l1, "g")
	if st.Ino != want.Ino || st.Size != 1 {
		t.Errorf("g: ino %d size %d, want layer 1's ino %d", st.Ino, st.Size, want.Ino)
	}
	// The root directory's attributes are the first layer's.
	rst, _ := root.Stat()
	l0st, _ := l0.Stat()
	if rst != l0st {
		t.Errorf("root stat %+v, want the first layer's %+v", rst, l0st)
	}
}

func TestDirectoriesMerge(t *testing.T) {
	l0, l1 := newLayer(), newLayer()
	put(t, l0, "d/up", "0")
	put(t, l0, "d/both", "0")
	put(t, l0, "d/deep/x", "0")
	put(t, l1, "d/low", "1")
	put(t, l1, "d/both", "1")
	put(t, l1, "d/deep/y", "1")
	root := New(l0, l1).Root()
	for p, want := range map[string]string{"d/up": "0", "d/low": "1", "d/both": "0", "d/deep/x": "0", "d/deep/y": "1"} {
		if got := read(root, p); got != want {
			t.Errorf("%s: %q, want %q", p, got, want)
		}
	}
	d, _, _ := walk(root, "d")
	if got := names(t, d); !reflect.DeepEqual(got, []string{"both", "deep", "low", "up"}) {
		t.Errorf("merged listing %q", got)
	}
	// A listed entry is the file Lookup finds: the first layer's.
	ents, _ := d.ReadDir()
	for _, ent := range ents {
		_, st, _ := d.Lookup(ent.Name)
		if ent.Ino != st.Ino || ent.Type != vfs.DTFromMode(st.Mode) {
			t.Errorf("%s: listed ino %d type %d, looked up ino %d mode %o", ent.Name, ent.Ino, ent.Type, st.Ino, st.Mode)
		}
	}
}

// A non-directory hides the directories of the same name below it, and a
// directory ignores the non-directories below it.
func TestNonDirectoryHides(t *testing.T) {
	l0, l1 := newLayer(), newLayer()
	put(t, l0, "x", "file")
	put(t, l1, "x/under", "1")
	put(t, l0, "y/in0", "0")
	put(t, l1, "y", "file")
	root := New(l0, l1).Root()
	if _, st, e := walk(root, "x"); e != 0 || !st.IsReg() {
		t.Errorf("x: %v mode %o, want the upper file", e, st.Mode)
	}
	if _, _, e := walk(root, "x/under"); e != abi.ENOTDIR {
		t.Errorf("x/under: %v, want ENOTDIR", e)
	}
	if got := read(root, "y/in0"); got != "0" {
		t.Errorf("y/in0: %q", got)
	}
	if _, st, _ := walk(root, "y"); !st.IsDir() {
		t.Errorf("y: mode %o, want the upper directory", st.Mode)
	}
}

func TestMiddleNonDirectoryHidesLowerDirectory(t *testing.T) {
	l0, l1, l2 := newLayer(), newLayer(), newLayer()
	put(t, l0, "d/only0", "0")
	put(t, l1, "d", "file")
	put(t, l2, "d/only2", "2")
	root := New(l0, l1, l2).Root()
	if got := read(root, "d/only0"); got != "0" {
		t.Errorf("d/only0: %q", got)
	}
	if _, _, e := walk(root, "d/only2"); e != abi.ENOENT {
		t.Errorf("d/only2 below a file in the middle layer: %v, want ENOENT", e)
	}
	d, _, _ := walk(root, "d")
	if got := names(t, d); !reflect.DeepEqual(got, []string{"only0"}) {
		t.Errorf("listing %q, want only the first layer's", got)
	}
}

// errLayer is a directory whose lookups and listings fail.
type errLayer struct {
	vfs.NodeDefaults
	e abi.Errno
}

func (n errLayer) Stat() (vfs.Stat, abi.Errno)                   { return vfs.Stat{Mode: abi.S_IFDIR | 0o755}, 0 }
func (n errLayer) Lookup(string) (vfs.Node, vfs.Stat, abi.Errno) { return nil, vfs.Stat{}, n.e }
func (n errLayer) ReadDir() ([]vfs.DirEnt, abi.Errno)            { return nil, n.e }

// A failing layer's error is the answer only when no layer above it had
// the name; a hit above is not spoiled by trouble below.
func TestLayerErrors(t *testing.T) {
	good := newLayer()
	put(t, good, "f", "ok")
	if got := read(New(good, errLayer{e: abi.EACCES}).Root(), "f"); got != "ok" {
		t.Errorf("upper hit over a failing layer: %q", got)
	}
	// Missing above: only the failing layer could have the name, so its
	// error is the answer rather than a false ENOENT.
	if _, _, e := New(good, errLayer{e: abi.EACCES}).Root().Lookup("nope"); e != abi.EACCES {
		t.Errorf("miss above a failing layer: %v, want EACCES", e)
	}
	if _, _, e := New(errLayer{e: abi.EACCES}, good).Root().Lookup("f"); e != abi.EACCES {
		t.Errorf("failing first layer: %v, want its EACCES", e)
	}
	if _, e := New(errLayer{e: abi.EIO}, good).Root().ReadDir(); e != abi.EIO {
		t.Errorf("listing with a failing first layer: %v, want EIO", e)
	}
	if got := names(t, New(good, errLayer{e: abi.EIO}).Root()); !reflect.DeepEqual(got, []string{"f"}) {
		t.Errorf("listing over a failing lower layer: %q", got)
	}
}

// New names go to the first layer, whose missing directories are made
// with the modes of the visible ones; the lower layers are not touched.
func TestCreateCopiesDirectoriesUp(t *testing.T) {
	l0, l1 := newLayer(), newLayer()
	put(t, l1, "a/b/old", "1")
	a, _, _ := walk(l1, "a")
	a.SetAttr(&vfs.Attr{Valid: vfs.AttrMode, Mode: 0o750})
	b, _, _ := walk(l1, "a/b")
	b.SetAttr(&vfs.Attr{Valid: vfs.AttrMode, Mode: 0o1705})
	root := New(l0, l1).Root()
	dir, _, e := walk(root, "a/b")
	if e != 0 {
		t.Fatal(e)
	}
	f, c, st, e := dir.Create("new", abi.O_WRONLY, 0o600)
	if e != 0 {
		t.Fatal(e)
	}
	f.Write([]byte("new"))
	f.Close()
	if st.Mode != abi.S_IFREG|0o600 {
		t.Errorf("new file mode %o", st.Mode)
	}
	if got := read(l0, "a/b/new"); got != "new" {
		t.Errorf("the new file in the first layer: %q", got)
	}
	if _, _, e := walk(l1, "a/b/new"); e != abi.ENOENT {
		t.Errorf("the new file in the lower layer: %v", e)
	}
	for p, mode := range map[string]uint32{"a": 0o750, "a/b": 0o1705} {
		if _, st, e := walk(l0, p); e != 0 || st.Mode != abi.S_IFDIR|mode {
			t.Errorf("copied-up %s: %v mode %o, want %o", p, e, st.Mode, abi.S_IFDIR|mode)
		}
	}
	// The returned node and a fresh lookup both see the new file, and the
	// merged directory still shows the lower one's.
	if got := contents(c); got != "new" {
		t.Errorf("created node: %q", got)
	}
	if read(root, "a/b/new") != "new" || read(root, "a/b/old") != "1" {
		t.Error("after copy-up the merged directory lost a layer")
	}
	// Every kind of new name goes up.
	if e := dir.Mkdir("sub", 0o700); e != 0 {
		t.Fatal(e)
	}
	if e := dir.Symlink("link", "old"); e != 0 {
		t.Fatal(e)
	}
	if e := dir.Mknod("fifo", abi.S_IFIFO|0o644, 0); e != 0 {
		t.Fatal(e)
	}
	tf, e := dir.TmpFile(abi.O_RDWR, 0o600)
	if e != 0 {
		t.Fatal(e)
	}
	tf.Close()
	ub, _, _ := walk(l0, "a/b")
	if got := names(t, ub); !reflect.DeepEqual(got, []string{"fifo", "link", "new", "sub"}) {
		t.Errorf("first layer's a/b: %q", got)
	}
	if got := names(t, b); !reflect.DeepEqual(got, []string{"old"}) {
		t.Errorf("lower layer's a/b changed: %q", got)
	}
}

// Existing files are changed where they are, without copy-up.
func TestChangesInPlace(t *testing.T) {
	l0, l1 := newLayer(), newLayer()
	put(t, l1, "d/f", "lower")
	root := New(l0, l1).Root()
	f, _, _ := walk(root, "d/f")
	w, e := f.Open(abi.O_WRONLY | abi.O_TRUNC)
	if e != 0 {
		t.Fatal(e)
	}
	w.Write([]byte("changed"))
	w.Close()
	if e := f.SetAttr(&vfs.Attr{Valid: vfs.AttrMode, Mode: 0o600}); e != 0 {
		t.Fatal(e)
	}
	_, st, _ := walk(l1, "d/f")
	if got := read(l1, "d/f"); got != "changed" || st.Mode&0o7777 != 0o600 {
		t.Errorf("lower file: %q mode %o", got, st.Mode)
	}
	if _, _, e := walk(l0, "d"); e != abi.ENOENT {
		t.Errorf("writing a lower file copied its directory up: %v", e)
	}
}

func TestUnlinkUncovers(t *testing.T) {
	l0, l1 := newLayer(), newLayer()
	put(t, l0, "f", "upper")
	put(t, l1, "f", "lower")
	put(t, l1, "low", "lower")
	root := New(l0, l1).Root()
	if e := root.Unlink("f", false); e != 0 {
		t.Fatal(e)
	}
	if got := read(root, "f"); got != "lower" {
		t.Errorf("after unlink: %q, want the lower file", got)
	}
	if e := root.Unlink("low", false); e != 0 {
		t.Fatal(e)
	}
	if _, _, e := walk(l1, "low"); e != abi.ENOENT {
		t.Errorf("a lower-only file is removed from its layer: %v", e)
	}
	if e := root.Unlink("nope", false); e != abi.ENOENT {
		t.Errorf("unlink of a missing name: %v", e)
	}
}

func TestLinkAndRenameStayInALayer(t *testing.T) {
	l0, l1 := newLayer(), newLayer()
	put(t, l0, "d/up", "0")
	put(t, l0, "taken", "0")
	put(t, l1, "d/low", "1")
	put(t, l1, "d/low2", "1")
	put(t, l1, "lowdir/x", "1")
	root := New(l0, l1).Root()
	d, _, _ := walk(root, "d")
	up, _, _ := walk(root, "d/up")
	low, _, _ := walk(root, "d/low")
	lowdir, _, _ := walk(root, "lowdir")
	if e := root.Link("uplink", up); e != 0 {
		t.Errorf("link within the first layer: %v", e)
	}
	if e := root.Link("lowlink", low); e != abi.EXDEV {
		t.Errorf("link to a lower file: %v, want EXDEV", e)
	}
	if e := root.Link("foreign", l0); e != abi.EXDEV {
		t.Errorf("link to a node of another file system: %v, want EXDEV", e)
	}
	if e := d.Rename("up", root, "moved", 0); e != 0 || read(root, "moved") != "0" {
		t.Errorf("rename within the first layer: %v", e)
	}
	if e := d.Rename("low", d, "low-renamed", 0); e != 0 || read(l1, "d/low-renamed") != "1" {
		t.Errorf("rename within the lower layer: %v", e)
	}
	// lowdir exists only below: the first layer cannot receive d/low2
	// there, but layer 1 can.
	if e := d.Rename("low2", lowdir, "y", 0); e != 0 || read(l1, "lowdir/y") != "1" {
		t.Errorf("rename between two lower directories: %v", e)
	}
	if e := root.Rename("moved", lowdir, "z", 0); e != abi.EXDEV {
		t.Errorf("rename of an upper file into a lower-only directory: %v, want EXDEV", e)
	}
	if e := lowdir.Rename("x", root, "taken", 0); e != abi.EXDEV {
		t.Errorf("rename over a name visible from another layer: %v, want EXDEV", e)
	}
	if e := root.Rename("nope", root, "x", 0); e != abi.ENOENT {
		t.Errorf("rename of a missing name: %v", e)
	}
	if e := root.Rename("taken", l0, "x", 0); e != abi.EXDEV {
		t.Errorf("rename into another file system: %v, want EXDEV", e)
	}
}

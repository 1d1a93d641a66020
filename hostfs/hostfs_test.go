package hostfs

import (
	"errors"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/blink-go/blink/core/abi"
	"github.com/blink-go/blink/fs/vfs"
)

// Tests in this file hold on every host, the os.Root fallback included;
// hostfs_unix_test.go and hostfs_linux_test.go check what only the *at()
// implementation promises.

func newFS(t *testing.T) (*FS, string) {
	t.Helper()
	dir := t.TempDir()
	fs, e := New(dir)
	if e != 0 {
		t.Fatal(e)
	}
	t.Cleanup(fs.Close)
	return fs, dir
}

func lookup(t *testing.T, n vfs.Node, path string) (vfs.Node, vfs.Stat) {
	t.Helper()
	st, e := n.Stat()
	if e != 0 {
		t.Fatalf("stat: %v", e)
	}
	for _, name := range splitSlash(path) {
		if n, st, e = n.Lookup(name); e != 0 {
			t.Fatalf("lookup %s: %v", path, e)
		}
	}
	return n, st
}

func splitSlash(p string) []string {
	var out []string
	for p != "" {
		i := 0
		for i < len(p) && p[i] != '/' {
			i++
		}
		if i > 0 {
			out = append(out, p[:i])
		}
		if i == len(p) {
			break
		}
		p = p[i+1:]
	}
	return out
}

func TestIno(t *testing.T) {
	if Ino(0, 0) == 0 {
		t.Error("Ino(0, 0) is 0, which programs take for a deleted entry")
	}
	if Ino(7, 42) != Ino(7, 42) {
		t.Error("Ino is not a function of (dev, ino)")
	}
	if Ino(1, 2) == Ino(2, 1) || Ino(1, 5) == Ino(2, 5) {
		t.Error("Ino ignores which of dev and ino is which, or the dev")
	}
	// Inode numbers of one file system must stay distinct after hashing.
	seen := map[uint64]uint64{}
	for ino := uint64(1); ino <= 1<<16; ino++ {
		h := Ino(0x803, ino)
		if prev, ok := seen[h]; ok {
			t.Fatalf("Ino(0x803, %d) == Ino(0x803, %d)", ino, prev)
		}
		seen[h] = ino
	}
}

func TestErrnoWithoutNumber(t *testing.T) {
	if e := Errno(nil); e != 0 {
		t.Errorf("Errno(nil) = %v", e)
	}
	if e := Errno(errors.New("no errno here")); e != abi.EIO {
		t.Errorf("Errno of a plain error = %v, want EIO", e)
	}
	// The os package wraps host errors; every host unwraps them.
	_, err := os.Open(filepath.Join(t.TempDir(), "missing"))
	if e := Errno(err); e != abi.ENOENT {
		t.Errorf("Errno(%v) = %v, want ENOENT", err, e)
	}
}

func TestNew(t *testing.T) {
	dir := t.TempDir()
	if _, e := New(filepath.Join(dir, "missing")); e != abi.ENOENT {
		t.Errorf("New of a missing directory: %v, want ENOENT", e)
	}
	fs, e := New(dir)
	if e != 0 {
		t.Fatal(e)
	}
	defer fs.Close()
	if fs.HostRoot() != dir {
		t.Errorf("HostRoot %q, want %q", fs.HostRoot(), dir)
	}
	if st, e := fs.Root().Stat(); e != 0 || !st.IsDir() {
		t.Errorf("root: %v mode %o", e, st.Mode)
	}
}

func TestFileIO(t *testing.T) {
	fs, dir := newFS(t)
	root := fs.Root()
	f, n, st, e := root.Create("f", abi.O_RDWR, 0o644)
	if e != 0 {
		t.Fatal(e)
	}
	if !st.IsReg() || st.Size != 0 {
		t.Errorf("created: mode %o size %d", st.Mode, st.Size)
	}
	if k, e := f.Write([]byte("hello world")); k != 11 || e != 0 {
		t.Fatalf("write: %d %v", k, e)
	}
	if k, e := f.Pwrite([]byte("W"), 6); k != 1 || e != 0 {
		t.Fatalf("pwrite: %d %v", k, e)
	}
	buf := make([]byte, 5)
	if k, e := f.Pread(buf, 6); e != 0 || string(buf[:k]) != "World" {
		t.Errorf("pread: %q %v", buf[:k], e)
	}
	if off, e := f.Lseek(-5, abi.SEEK_END); off != 6 || e != 0 {
		t.Errorf("lseek from the end: %d %v", off, e)
	}
	if k, e := f.Read(buf); e != 0 || string(buf[:k]) != "World" {
		t.Errorf("read after lseek: %q %v", buf[:k], e)
	}
	if k, e := f.Read(buf); k != 0 || e != 0 {
		t.Errorf("read at EOF: %d %v", k, e)
	}
	if st, e := f.Stat(); e != 0 || st.Size != 11 {
		t.Errorf("fstat: size %d %v", st.Size, e)
	}
	if e := f.Close(); e != 0 {
		t.Errorf("close: %v", e)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "f")); err != nil || string(b) != "hello World" {
		t.Errorf("host sees %q %v", b, err)
	}
	// The node from Create and a fresh lookup are the same file.
	_, lst := lookup(t, root, "f")
	if nst, _ := n.Stat(); nst.Ino != lst.Ino || lst.Ino != st.Ino {
		t.Errorf("inode numbers: created %d, node %d, looked up %d", st.Ino, nst.Ino, lst.Ino)
	}
	tr, e := n.Open(abi.O_WRONLY | abi.O_TRUNC)
	if e != 0 {
		t.Fatal(e)
	}
	tr.Close()
	if _, st := lookup(t, root, "f"); st.Size != 0 {
		t.Errorf("O_TRUNC left %d bytes", st.Size)
	}
	ap, _ := n.Open(abi.O_WRONLY | abi.O_APPEND)
	ap.Write([]byte("ab"))
	ap.Lseek(0, abi.SEEK_SET) // O_APPEND writes at the end wherever the offset is
	ap.Write([]byte("c"))
	ap.Close()
	if b, _ := os.ReadFile(filepath.Join(dir, "f")); string(b) != "abc" {
		t.Errorf("after appends: %q, want abc", b)
	}
}

func TestNamespace(t *testing.T) {
	fs, dir := newFS(t)
	root := fs.Root()
	if e := root.Mkdir("d", 0o755); e != 0 {
		t.Fatal(e)
	}
	d, dst := lookup(t, root, "d")
	if !dst.IsDir() {
		t.Fatalf("d: mode %o", dst.Mode)
	}
	f, _, _, e := d.Create("f", abi.O_WRONLY, 0o644)
	if e != 0 {
		t.Fatal(e)
	}
	f.Close()
	if _, _, e := root.Lookup("nope"); e != abi.ENOENT {
		t.Errorf("lookup of a missing name: %v, want ENOENT", e)
	}
	if _, _, _, e := d.Create("f", abi.O_WRONLY, 0o644); e != abi.EEXIST {
		t.Errorf("create of an existing name: %v, want EEXIST", e)
	}
	if e := root.Mkdir("d", 0o755); e != abi.EEXIST {
		t.Errorf("mkdir of an existing name: %v, want EEXIST", e)
	}
	if e := d.Unlink("f", true); e != abi.ENOTDIR {
		t.Errorf("rmdir of a file: %v, want ENOTDIR", e)
	}
	if e := d.Rename("f", root, "g", 0); e != 0 {
		t.Fatalf("rename: %v", e)
	}
	if _, err := os.Stat(filepath.Join(dir, "g")); err != nil {
		t.Errorf("renamed file not on the host: %v", err)
	}
	if _, _, e := d.Lookup("f"); e != abi.ENOENT {
		t.Errorf("old name after rename: %v", e)
	}
	ents, e := root.ReadDir()
	if e != 0 {
		t.Fatal(e)
	}
	var names []string
	types := map[string]uint8{}
	for _, ent := range ents {
		names = append(names, ent.Name)
		types[ent.Name] = ent.Type
	}
	sort.Strings(names)
	if len(names) != 2 || names[0] != "d" || names[1] != "g" || types["d"] != abi.DT_DIR || types["g"] != abi.DT_REG {
		t.Errorf("listing %q types %v", names, types)
	}
	if e := root.Unlink("g", false); e != 0 {
		t.Errorf("unlink: %v", e)
	}
	if e := root.Unlink("d", true); e != 0 {
		t.Errorf("rmdir: %v", e)
	}
	if e := root.Unlink("d", true); e != abi.ENOENT {
		t.Errorf("rmdir of a missing directory: %v, want ENOENT", e)
	}
}

// Links and renames between two FS instances are refused before the host
// is asked: each is its own file system to the guest.
func TestCrossFS(t *testing.T) {
	a, _ := newFS(t)
	b, _ := newFS(t)
	f, n, _, e := a.Root().Create("f", abi.O_WRONLY, 0o644)
	if e != 0 {
		t.Fatal(e)
	}
	f.Close()
	if e := b.Root().Link("l", n); e != abi.EXDEV {
		t.Errorf("link across file systems: %v, want EXDEV", e)
	}
	if e := a.Root().Rename("f", b.Root(), "f", 0); e != abi.EXDEV {
		t.Errorf("rename across file systems: %v, want EXDEV", e)
	}
}

// Only single components reach the host: "..", "." or a name with a
// slash would name something the VFS did not walk to.
func TestNotAComponent(t *testing.T) {
	fs, dir := newFS(t)
	root := fs.Root()
	if err := os.Mkdir(filepath.Join(dir, "d"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"..", ".", "d/..", "../x", "a\x00b"} {
		if _, _, e := root.Lookup(name); e != abi.EINVAL {
			t.Errorf("Lookup(%q) = %v, want EINVAL", name, e)
		}
		if _, _, _, e := root.Create(name, abi.O_RDWR, 0o644); e != abi.EINVAL {
			t.Errorf("Create(%q) = %v, want EINVAL", name, e)
		}
		if e := root.Mkdir(name, 0o755); e != abi.EINVAL {
			t.Errorf("Mkdir(%q) = %v, want EINVAL", name, e)
		}
		if e := root.Unlink(name, true); e != abi.EINVAL {
			t.Errorf("Unlink(%q) = %v, want EINVAL", name, e)
		}
		if e := root.Rename("d", root, name, 0); e != abi.EINVAL {
			t.Errorf("Rename(d, %q) = %v, want EINVAL", name, e)
		}
	}
	if _, _, e := root.Lookup(""); e != abi.ENOENT {
		t.Errorf(`Lookup("") = %v, want ENOENT`, e)
	}
	if _, err := os.Stat(filepath.Join(dir, "d")); err != nil {
		t.Errorf("d went away: %v", err)
	}
}

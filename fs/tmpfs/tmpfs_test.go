package tmpfs

import (
	"testing"

	"github.com/blink-go/blink/core/abi"
	"github.com/blink-go/blink/fs/vfs"
)

func TestLinksSparseAndLimit(t *testing.T) {
	fs := New(4*pageSize, 0o1777, 0, 0)
	root := fs.Root()
	f, n, _, e := root.Create("a", abi.O_RDWR, 0o644)
	if e != 0 {
		t.Fatal(e)
	}
	// Sparse: a write at 1 MiB costs one page and leaves a hole.
	if _, e := f.Pwrite([]byte("x"), 1<<20); e != 0 {
		t.Fatal(e)
	}
	st, _ := n.Stat()
	if st.Size != 1<<20+1 || st.Blocks != pageSize/512 {
		t.Errorf("sparse: size %d blocks %d", st.Size, st.Blocks)
	}
	b := make([]byte, 4)
	if k, _ := f.Pread(b, 100); k != 4 || string(b) != "\x00\x00\x00\x00" {
		t.Errorf("hole reads %q", b)
	}
	if off, e := f.Lseek(0, abi.SEEK_DATA); e != 0 || off != 1<<20 {
		t.Errorf("SEEK_DATA %d %v", off, e)
	}
	// Hard link: one inode, two names, nlink 2; unlink keeps the data.
	if e := root.Link("b", n); e != 0 {
		t.Fatal(e)
	}
	nb, stb, _ := root.Lookup("b")
	if stb.Ino != st.Ino || stb.Nlink != 2 || nb != n {
		t.Errorf("link: %+v", stb)
	}
	if e := root.Unlink("a", false); e != 0 {
		t.Fatal(e)
	}
	if st, _ := nb.Stat(); st.Nlink != 1 {
		t.Errorf("nlink after unlink %d", st.Nlink)
	}
	// Symlinks and ownership.
	if e := root.Symlink("s", "b"); e != 0 {
		t.Fatal(e)
	}
	s, sst, _ := root.Lookup("s")
	if tgt, _ := s.Readlink(); tgt != "b" || sst.Mode != abi.S_IFLNK|0o777 || sst.Size != 1 {
		t.Errorf("symlink %q %+v", tgt, sst)
	}
	if e := nb.SetAttr(&vfs.Attr{Valid: vfs.AttrOwner | vfs.AttrTimes, UID: 7, GID: 8,
		Atime: vfs.Timespec{Sec: 1, Nsec: 2}, Mtime: vfs.Timespec{Sec: 3, Nsec: abi.UTIME_OMIT}}); e != 0 {
		t.Fatal(e)
	}
	st2, _ := nb.Stat()
	if st2.UID != 7 || st2.GID != 8 || st2.Atime != (vfs.Timespec{Sec: 1, Nsec: 2}) || st2.Mtime != st.Mtime {
		t.Errorf("attrs %+v", st2)
	}
	// The limit: 4 pages; a symlink and a page of data use 2.
	big := make([]byte, 3*pageSize)
	k, e := f.Pwrite(big, 0)
	if e != 0 || k != 2*pageSize {
		t.Errorf("partial write %d %v", k, e)
	}
	if _, e := f.Pwrite(big, 8*pageSize); e != abi.ENOSPC {
		t.Errorf("full: %v", e)
	}
	if e := root.Unlink("b", false); e != 0 {
		t.Fatal(e)
	}
	f.Close()
	if fs.Used() != pageSize { // the symlink
		t.Errorf("used after last close %d", fs.Used())
	}
	if e := root.Mkdir("d", 0o755); e != 0 {
		t.Fatal(e)
	}
	if e := root.Rename("s", mustDir(t, root, "d"), "s2", 0); e != 0 {
		t.Fatal(e)
	}
	if e := root.Unlink("d", true); e != abi.ENOTEMPTY {
		t.Errorf("rmdir non-empty: %v", e)
	}
}

func mustDir(t *testing.T, n vfs.Node, name string) vfs.Node {
	d, _, e := n.Lookup(name)
	if e != 0 {
		t.Fatal(e)
	}
	return d
}

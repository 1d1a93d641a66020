//go:build !windows

package tmpfs

import (
	"os"
	"testing"

	"github.com/blink-go/blink/core/abi"
	"github.com/blink-go/blink/fs/vfs"
)

// A file mapped shared moves to host memory with its contents, holes
// included, and from then on reads, writes, truncation and the size
// accounting go through the host copy, which the mapping shares.
func TestSharedFD(t *testing.T) {
	fs := New(0, 0o1777, 0, 0)
	f, n, _, e := fs.Root().Create("shm", abi.O_RDWR, 0o600)
	if e != 0 {
		t.Fatal(e)
	}
	f.Pwrite([]byte("head"), 0)
	f.Pwrite([]byte("tail"), 3*pageSize)
	sf := f.(*file)
	fd, e := sf.SharedFD()
	if e != 0 {
		t.Fatal(e)
	}
	host := os.NewFile(uintptr(fd), "shared")
	b := make([]byte, 4)
	if _, err := host.ReadAt(b, 3*pageSize); err != nil || string(b) != "tail" {
		t.Fatalf("host copy has %q, %v", b, err)
	}
	// The host side is the file now: a store there is read back, a
	// write here reaches the host.
	host.WriteAt([]byte("HOST"), 100)
	if k, _ := f.Pread(b, 100); k != 4 || string(b) != "HOST" {
		t.Errorf("read after a host store: %q", b)
	}
	f.Pwrite([]byte("back"), 200)
	host.ReadAt(b, 200)
	if string(b) != "back" {
		t.Errorf("host sees %q after a write", b)
	}
	if fd2, _ := sf.SharedFD(); fd2 != fd {
		t.Errorf("second mapping got fd %d, want the same %d", fd2, fd)
	}
	if e := sf.SetAttr(&vfs.Attr{Valid: vfs.AttrSize, Size: 10}); e != 0 {
		t.Fatal(e)
	}
	st, _ := n.Stat()
	if st.Size != 10 || fs.Used() != pageSize {
		t.Errorf("after truncate: size %d, used %d", st.Size, fs.Used())
	}
	if off, _ := f.Lseek(0, abi.SEEK_HOLE); off != 10 {
		t.Errorf("SEEK_HOLE %d", off)
	}
	f.Close()
	fs.Root().Unlink("shm", false)
	if fs.Used() != 0 {
		t.Errorf("used %d after the last close and unlink", fs.Used())
	}
}

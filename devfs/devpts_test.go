package devfs

import (
	"testing"

	"github.com/blink-go/blink/core/abi"
	"github.com/blink-go/blink/fs/vfs"
)

// fakePts has slaves 0 and 7.
type fakePts struct{ opened []int }

type fakeSlave struct {
	n   int
	src *fakePts
}

func (f *fakePts) Slaves() []int { return []int{7, 0} }

func (f *fakePts) Slave(n int) (PtsSlave, bool) {
	if n != 0 && n != 7 {
		return nil, false
	}
	return fakeSlave{n, f}, true
}

func (f *fakePts) OpenPtmx(any, int) (vfs.FileImpl, abi.Errno) { return nil, abi.ENOSPC }

func (s fakeSlave) Index() int { return s.n }
func (s fakeSlave) Attr() vfs.Stat {
	return vfs.Stat{UID: 1000, GID: TTYGroup, Mode: PtsMode}
}
func (s fakeSlave) SetAttr(*vfs.Attr) abi.Errno { return abi.EROFS }
func (s fakeSlave) Open(any, int) (vfs.FileImpl, abi.Errno) {
	s.src.opened = append(s.src.opened, s.n)
	return nil, abi.EIO
}

func TestDevpts(t *testing.T) {
	src := &fakePts{}
	root := NewPts(src)
	ents, e := root.ReadDir()
	if e != 0 || len(ents) != 3 {
		t.Fatalf("ReadDir = %v, %v", ents, e)
	}
	for _, c := range []struct {
		name string
		ino  uint64
		mode uint32
		rdev uint64
	}{
		{"ptmx", 2, abi.S_IFCHR, Mkdev(5, 2)},
		{"0", 3, abi.S_IFCHR | 0o620, Mkdev(136, 0)},
		{"7", 10, abi.S_IFCHR | 0o620, Mkdev(136, 7)},
	} {
		n, st, e := root.Lookup(c.name)
		if e != 0 {
			t.Errorf("lookup %s: %v", c.name, e)
			continue
		}
		if st.Ino != c.ino || st.Mode != c.mode || st.Rdev != c.rdev {
			t.Errorf("%s: ino %d mode %o rdev %#x", c.name, st.Ino, st.Mode, st.Rdev)
		}
		if c.name != "ptmx" {
			if _, e := n.(vfs.CallerOpener).OpenAs(nil, abi.O_RDWR); e != abi.EIO {
				t.Errorf("open %s = %v, want the source's EIO", c.name, e)
			}
		}
	}
	for _, name := range []string{"1", "00", "+7", "x"} {
		if _, _, e := root.Lookup(name); e != abi.ENOENT {
			t.Errorf("lookup %q = %v, want ENOENT", name, e)
		}
	}
	if len(src.opened) != 2 {
		t.Errorf("opened %v", src.opened)
	}
}

func TestDevHasPtmx(t *testing.T) {
	dev := New(Config{})
	_, st, e := dev.Lookup("ptmx")
	if e != 0 || st.Rdev != Mkdev(5, 2) || st.Mode != abi.S_IFCHR|0o666 || st.GID != TTYGroup {
		t.Errorf("/dev/ptmx: %+v, %v", st, e)
	}
	n, _, _ := dev.Lookup("ptmx")
	if _, e := n.(vfs.CallerOpener).OpenAs(nil, abi.O_RDWR); e != abi.ENXIO {
		t.Errorf("/dev/ptmx without pseudo-terminals opens with %v, want ENXIO", e)
	}
}

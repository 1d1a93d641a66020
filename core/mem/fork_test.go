package mem

import (
	"bytes"
	"errors"
	"runtime"
	"testing"
	"unsafe"

	"github.com/blink-go/blink/core/abi"
)

// TestForkContents checks that a child sees exactly the parent's memory,
// privately, whatever backs each side: the same reservation, a smaller one
// (the host's address space ran short) or none at all.
func TestForkContents(t *testing.T) {
	refused := errors.New("refused by test")
	for _, tc := range []struct {
		name      string
		mode      Mode
		childRes  uint64 // largest reservation the host grants after the parent's
		wantChild uint64 // the child's reservation
	}{
		{"linear", Linear, 1 << 40, 4 << 30},
		{"linear-smaller-child", Linear, 2 << 30, 1 << 30},
		{"linear-virtual-child", Linear, 0, 0},
		{"virtual", Virtual, 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			grant := uint64(1 << 40)
			s, _ := New(Options{Mode: tc.mode, Reserve: 4 << 30, reserve: func(size uint64) (unsafe.Pointer, error) {
				if size > grant {
					return nil, refused
				}
				return hostReserve(size)
			}})
			defer s.Close()
			if s.Mode() != tc.mode {
				t.Skip(s.FallbackReason())
			}
			grant = tc.childRes
			const stack = 0xf0000000 // below 4 GiB; above the smaller child's 1 GiB
			mustMap(t, s, stack, 8<<20, RW, FX)
			for _, off := range []uint64{0, 5 * P, 8<<20 - 8} {
				s.Write64(stack+off, 0x1111+off)
			}
			data := memFile(bytes.Repeat([]byte("file"), 2000)) // 8000 bytes
			file, e := s.Map(0xe0000000, 3*P, RW, abi.MAP_PRIVATE|abi.MAP_FIXED, data, 0)
			if e != 0 {
				t.Fatal(e)
			}
			s.Write8(file+1, 'X')
			none := mustMap(t, s, 0xd0000000, 2*P, RW, FX)
			s.Write64(none+P, 42)
			s.Protect(none, 2*P, 0)
			high := mustMap(t, s, 0x200000000, 2*P, RW, FX) // above every reservation
			s.Write64(high+P, 77)
			var sh uint64
			if tc.childRes != 0 || tc.mode == Virtual {
				sh = mustMap(t, s, 0x10000000, P, RW, abi.MAP_SHARED|abi.MAP_ANONYMOUS|abi.MAP_FIXED)
				s.Write64(sh, 5)
			}

			c, err := s.Clone()
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			if c.reserve != tc.wantChild || c.Limit() != s.Limit() {
				t.Fatalf("child reservation %#x limit %#x, want %#x and the parent's %#x", c.reserve, c.Limit(), tc.wantChild, s.Limit())
			}
			if tc.mode == Linear && tc.wantChild != 0 && residentPrecise() {
				// Only touched pages were copied into the child (where the
				// host's pagemap can be trusted to tell them apart).
				got := uint64(0)
				hostResident(c.host(stack), 8<<20, make([]uint64, 64), func(_, n uint64) { got += n })
				if got > 4*P {
					t.Errorf("child has %d KiB of its 8 MiB stack resident; only 3 pages were touched", got>>10)
				}
			}
			s.Protect(none, 2*P, R)
			c.Protect(none, 2*P, R)
			for _, m := range s.Mappings() {
				a, b := make([]byte, m.End-m.Start), make([]byte, m.End-m.Start)
				s.Load(m.Start, a)
				c.Load(m.Start, b)
				if !bytes.Equal(a, b) {
					t.Errorf("mapping %#x-%#x differs in the child", m.Start, m.End)
				}
			}
			if c.Read8(file+1) != 'X' || c.Read8(file+2) != 'l' || c.Read8(file+8000) != 0 || c.Read64(none+P) != 42 || c.Read64(high+P) != 77 {
				t.Error("child contents")
			}
			// Private stays private, both ways.
			c.Write64(stack, 1)
			s.Write64(stack+5*P, 2)
			c.Write8(file, 'c')
			s.Write64(high, 3)
			if s.Read64(stack) != 0x1111 || c.Read64(stack+5*P) != 0x1111+5*P || s.Read8(file) != 'f' || c.Read64(high) != 0 {
				t.Error("private memory shared after Clone")
			}
			if sh != 0 {
				c.Write64(sh+8, 6)
				if s.Read64(sh+8) != 6 || c.Read64(sh) != 5 {
					t.Error("shared memory not shared after Clone")
				}
			}
		})
	}
}

// TestForkNeedsSharedReservation: a MAP_SHARED host object cannot move to
// the page table, so without a reservation that holds it fork fails.
func TestForkNeedsSharedReservation(t *testing.T) {
	grant := uint64(1 << 40)
	s, _ := New(Options{Mode: Linear, Reserve: 4 << 30, reserve: func(size uint64) (unsafe.Pointer, error) {
		if size > grant {
			return nil, errors.New("refused by test")
		}
		return hostReserve(size)
	}})
	defer s.Close()
	if s.Mode() != Linear || runtime.GOOS != "linux" {
		t.Skip("needs Linear mode with host shared memory")
	}
	mustMap(t, s, 0xf0000000, P, RW, abi.MAP_SHARED|abi.MAP_ANONYMOUS|abi.MAP_FIXED)
	grant = 2 << 30
	if c, err := s.Clone(); err == nil {
		c.Close()
		t.Fatal("Clone succeeded without room for the shared mapping")
	}
	grant = 4 << 30
	c, err := s.Clone()
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
}

// TestForkManyLive keeps 511 forked children alive at once (the kernel's
// limit is 512 processes): at 1 TiB each they would need four times the
// host's 47-bit address space, so the reservations must shrink, and all
// of them must still work, in Linear mode unless the host refused one.
func TestForkManyLive(t *testing.T) {
	if testing.Short() {
		// Tens of TiB of reservations: too much for an emulated host
		// (qemu-user's own address space); the cross stage runs -short.
		t.Skip("skipped in -short mode")
	}
	refusals := 0
	s, _ := New(Options{Mode: Linear, reserve: func(size uint64) (unsafe.Pointer, error) {
		p, err := hostReserve(size)
		if err != nil {
			refusals++
		}
		return p, err
	}})
	defer s.Close()
	if s.Mode() != Linear {
		t.Skip(s.FallbackReason())
	}
	base := reservedTotal.Load()
	stack := mustMap(t, s, 0, 1<<20, RW, anonPriv) // top-down: at the top, like a stack
	s.Write64(stack+8, 99)
	kids := make([]*Space, 511)
	for i := range kids {
		c, err := s.Clone()
		if err != nil {
			t.Fatalf("child %d: %v", i, err)
		}
		kids[i] = c
		c.Write64(stack, uint64(i))
	}
	linear := 0
	for i, c := range kids {
		if c.Mode() == Linear {
			linear++
		}
		if c.Read64(stack) != uint64(i) || c.Read64(stack+8) != 99 {
			t.Fatalf("child %d: memory", i)
		}
	}
	if refusals == 0 && linear != len(kids) {
		t.Errorf("%d of %d children in Linear mode, and the host refused nothing", linear, len(kids))
	}
	t.Logf("%d children, %d Linear, %d reservations refused, %d GiB reserved in all",
		len(kids), linear, refusals, (reservedTotal.Load())>>30)
	for _, c := range kids {
		c.Close()
	}
	if got := reservedTotal.Load(); got != base {
		t.Errorf("reserved %#x after closing the children, want %#x", got, base)
	}
}

// TestForkCopyOnWrite: page-table pages are shared after Clone and copied
// by whichever side writes first, through every write path.
func TestForkCopyOnWrite(t *testing.T) {
	s := newSpace(t, Virtual)
	a := mustMap(t, s, 0x400000, 4*P, RW, FX)
	for i := uint64(0); i < 4; i++ {
		s.Write64(a+i*P, 100+i)
	}
	s.Write64(a+8, 0) // a write TLB entry that Clone must drop
	c, err := s.Clone()
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	s.mu.Lock()
	c.mu.Lock()
	shared := s.pt.get(a>>pageShift).data == c.pt.get(a>>pageShift).data
	c.mu.Unlock()
	s.mu.Unlock()
	if !shared {
		t.Fatal("Clone copied a page-table page instead of sharing it")
	}
	s.Write64(a+8, 1)                         // plain store, parent first
	c.Write64(a+P+8, 2)                       // plain store, child first
	if _, ok := c.CAS64(a+2*P, 102, 3); !ok { // atomic
		t.Fatal("CAS")
	}
	c.Store(a+3*P+4, []byte{4}) // kernel-style copy out
	if s.Read64(a+8) != 1 || c.Read64(a+8) != 0 ||
		s.Read64(a+P+8) != 0 || c.Read64(a+P+8) != 2 ||
		s.Read64(a+2*P) != 102 || c.Read64(a+2*P) != 3 ||
		s.Read64(a+3*P) != 103 || c.Read64(a+3*P) != 103|4<<32 {
		t.Fatal("copy-on-write pages leaked a write to the other side")
	}
	// mremap keeps a page shared; the write after it still copies.
	b, e := s.Remap(a+3*P, P, 2*P, abi.MREMAP_MAYMOVE, 0)
	if e != 0 {
		t.Fatal(e)
	}
	s.Write64(b, 5)
	if c.Read64(a+3*P) != 103|4<<32 || s.Read64(b) != 5 {
		t.Fatal("copy-on-write after mremap")
	}
	// A grandchild shares with both; writes stay apart.
	g, err := c.Clone()
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	g.Write64(a+P+8, 6)
	if c.Read64(a+P+8) != 2 || g.Read64(a+P+8) != 6 || s.Read64(a+P+8) != 0 {
		t.Fatal("copy-on-write across generations")
	}
}

// BenchmarkClone forks a Space with 8 MiB of touched private memory inside
// a 64 MiB mapping and an 8 MiB stack of which 4 pages were touched, then
// drops the child, as fork followed by exec does.
func BenchmarkCloneLinear(b *testing.B)  { benchClone(b, Linear) }
func BenchmarkCloneVirtual(b *testing.B) { benchClone(b, Virtual) }

func benchClone(b *testing.B, m Mode) {
	s := newSpace(b, m)
	heap := mustMap(b, s, 0x10000000, 64<<20, RW, FX)
	for off := uint64(0); off < 8<<20; off += P {
		s.Write64(heap+off, off)
	}
	stack := mustMap(b, s, 0x80000000, 8<<20, RW, FX)
	for off := uint64(0); off < 4*P; off += P {
		s.Write64(stack+8<<20-P-off, off)
	}
	b.ResetTimer()
	for range b.N {
		c, err := s.Clone()
		if err != nil {
			b.Fatal(err)
		}
		s.Write64(stack+8<<20-8, 1) // the parent goes on using its stack
		c.Close()
	}
}

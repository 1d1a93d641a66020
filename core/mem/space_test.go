package mem

import (
	"errors"
	"runtime/debug"
	"testing"

	"github.com/blink-go/blink/core/abi"
)

var modes = []Mode{Linear, Virtual}

func newSpace(t testing.TB, m Mode) *Space {
	t.Helper()
	s, err := New(Options{Mode: m, Reserve: 1 << 32})
	if err != nil {
		t.Fatal(err)
	}
	if s.Mode() != m {
		t.Skipf("mode %v unavailable: %s", m, s.FallbackReason())
	}
	t.Cleanup(s.Close)
	return s
}

// catchS runs fn the way the engine does: with SetPanicOnFault, mapping a
// host fault in a Linear space back to a guest fault (reads only).
func catchS(s *Space, fn func()) (f *Fault) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			if hf, ok := r.(interface{ Addr() uintptr }); ok {
				if g, ok := s.HostFault(hf.Addr()); ok {
					f = s.FaultFor(g, false)
					return
				}
			}
			panic(r)
		}
	}()
	return catch(fn)
}

// catch runs fn and returns the *Fault it panicked with, or nil.
func catch(fn func()) (f *Fault) {
	defer func() {
		if r := recover(); r != nil {
			var ok bool
			if f, ok = r.(*Fault); !ok {
				if e, isErr := r.(error); isErr && errors.As(e, &f) {
					return
				}
				panic(r)
			}
		}
	}()
	fn()
	return nil
}

func mustMap(t testing.TB, s *Space, addr, n uint64, prot, flags int) uint64 {
	t.Helper()
	a, err := s.Map(addr, n, prot, flags, nil, 0)
	if err != 0 {
		t.Fatalf("Map(%#x, %#x, %d, %#x): %v", addr, n, prot, flags, err)
	}
	return a
}

const anonPriv = abi.MAP_PRIVATE | abi.MAP_ANONYMOUS

const (
	P  = pageSize
	RW = ProtRead | ProtWrite
	R  = ProtRead
	FX = anonPriv | abi.MAP_FIXED
)

func TestReadWriteRoundTrip(t *testing.T) {
	for _, m := range modes {
		t.Run(m.String(), func(t *testing.T) {
			s := newSpace(t, m)
			a := mustMap(t, s, 0x10000, 3*pageSize, ProtRead|ProtWrite, anonPriv|abi.MAP_FIXED)
			if a != 0x10000 {
				t.Fatalf("got %#x", a)
			}
			if v := s.Read64(a + 100); v != 0 {
				t.Fatalf("fresh memory %#x", v)
			}
			// Page-crossing accesses, every offset around the boundary.
			for off := uint64(pageSize - 17); off < pageSize+1; off++ {
				p := a + off
				s.Write64(p, 0x0102030405060708)
				if b := s.Read8(p); b != 8 {
					t.Fatalf("LE byte0 at %#x = %#x", p, b)
				}
				if v := s.Read64(p); v != 0x0102030405060708 {
					t.Fatalf("Read64 %#x", v)
				}
				if v := s.Read32(p + 4); v != 0x01020304 {
					t.Fatalf("Read32 %#x", v)
				}
				s.Write16(p, 0xbeef)
				if v := s.Read16(p); v != 0xbeef {
					t.Fatalf("Read16 %#x", v)
				}
				s.Write32(p, 0xdeadbeef)
				if v := s.Read32(p); v != 0xdeadbeef {
					t.Fatalf("Read32 %#x", v)
				}
				s.Write128(p, 0x1111222233334444, 0x5555666677778888)
				lo, hi := s.Read128(p)
				if lo != 0x1111222233334444 || hi != 0x5555666677778888 {
					t.Fatalf("Read128 %#x %#x", lo, hi)
				}
				s.Write8(p, 0x99)
				if v := s.Read8(p); v != 0x99 {
					t.Fatal("Read8")
				}
			}
			buf := make([]byte, 600)
			for i := range buf {
				buf[i] = byte(i)
			}
			s.Store(a+pageSize-300, buf)
			got := make([]byte, 600)
			s.Load(a+pageSize-300, got)
			if string(got) != string(buf) {
				t.Fatal("Load/Store mismatch")
			}
			if s.Read8(a+pageSize) != byte(300%256) {
				t.Fatal("Store byte placement")
			}
		})
	}
}

func TestFaults(t *testing.T) {
	s := newSpace(t, Virtual)
	a := mustMap(t, s, 0x20000, 2*pageSize, ProtRead, anonPriv|abi.MAP_FIXED)
	mustMap(t, s, a+2*pageSize, pageSize, ProtRead|ProtWrite, anonPriv|abi.MAP_FIXED)
	mustMap(t, s, a+3*pageSize, pageSize, 0, anonPriv|abi.MAP_FIXED)
	cases := []struct {
		name  string
		fn    func()
		addr  uint64
		write bool
		code  int32
	}{
		{"unmapped read", func() { s.Read32(0x1000) }, 0x1000, false, abi.SEGV_MAPERR},
		{"readonly write", func() { s.Write8(a, 1) }, a, true, abi.SEGV_ACCERR},
		{"prot none read", func() { s.Read64(a + 3*pageSize) }, a + 3*pageSize, false, abi.SEGV_ACCERR},
		{"crossing into unmapped", func() { s.Read64(a + 4*pageSize - 4) }, a + 4*pageSize - 4, false, abi.SEGV_ACCERR},
		{"crossing write ro->rw", func() { s.Write64(a+2*pageSize-4, 1) }, a + 2*pageSize - 4, true, abi.SEGV_ACCERR},
		{"crossing write rw->none", func() { s.Write64(a+3*pageSize-4, ^uint64(0)) }, a + 3*pageSize, true, abi.SEGV_ACCERR},
		{"high", func() { s.Read8(1 << 60) }, 1 << 60, false, abi.SEGV_MAPERR},
	}
	for _, c := range cases {
		f := catch(c.fn)
		if f == nil || f.Addr != c.addr || f.Write != c.write || f.Code != c.code {
			t.Errorf("%s: got %+v, want addr %#x write %v code %d", c.name, f, c.addr, c.write, c.code)
		}
	}
	// A faulting page-crossing store commits nothing.
	if v := s.Read32(a + 3*pageSize - 4); v != 0 {
		t.Errorf("partial store landed: %#x", v)
	}
}

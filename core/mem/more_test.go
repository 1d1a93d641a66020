package mem

import (
	"bytes"
	"fmt"
	"os"
	"runtime/debug"
	"strings"
	"sync"
	"testing"

	"github.com/blink-go/blink/core/abi"
)

func TestCASConcurrent(t *testing.T) {
	for _, m := range modes {
		t.Run(m.String(), func(t *testing.T) {
			s := newSpace(t, m)
			a := mustMap(t, s, 0x100000, 2*pageSize, RW, FX)
			const workers, iters = 4, 2000
			var wg sync.WaitGroup
			for w := 0; w < workers; w++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := 0; i < iters; i++ {
						for {
							v, _ := s.CAS64(a, 0, 0) // a plain read would race (as guest code may)
							if _, ok := s.CAS64(a, v, v+1); ok {
								break
							}
						}
						for {
							v, _ := s.CAS32(a+8, 0, 0)
							if _, ok := s.CAS32(a+8, v, v+3); ok {
								break
							}
						}
						for { // bytes of one word, updated independently
							v, _ := s.CAS8(a+17, 0, 0)
							if _, ok := s.CAS8(a+17, v, v+1); ok {
								break
							}
						}
						for {
							v, _ := s.CAS16(a+pageSize-1, 0, 0) // page-crossing: locked path
							if _, ok := s.CAS16(a+pageSize-1, v, v+1); ok {
								break
							}
						}
						for {
							lo, hi, _ := s.CAS128(a+32, 0, 0, 0, 0)
							if _, _, ok := s.CAS128(a+32, lo, hi, lo+1, hi+2); ok {
								break
							}
						}
					}
				}()
			}
			wg.Wait()
			n := uint64(workers * iters)
			lo, hi := s.Read128(a + 32)
			if s.Read64(a) != n || uint64(s.Read32(a+8)) != 3*n || s.Read8(a+17) != uint8(n) ||
				uint64(s.Read16(a+pageSize-1)) != n&0xffff || lo != n || hi != 2*n {
				t.Fatalf("lost updates: %d %d %d %d %d %d", s.Read64(a), s.Read32(a+8), s.Read8(a+17), s.Read16(a+pageSize-1), lo, hi)
			}
			if s.Read8(a+16) != 0 || s.Read8(a+18) != 0 {
				t.Fatal("CAS8 clobbered neighbours")
			}
			if prev, ok := s.CAS32(a+8, 1, 2); ok || prev != uint32(3*n) {
				t.Fatal("failing CAS")
			}
			if m == Linear {
				return // host-enforced; see TestLinearHostFault
			}
			ro := mustMap(t, s, 0x200000, pageSize, R, FX)
			if f := catchS(s, func() { s.CAS32(ro, 1, 2) }); f == nil || !f.Write || f.Code != abi.SEGV_ACCERR {
				t.Fatalf("CAS on read-only: %+v", f)
			}
		})
	}
}

func TestCodeWriteHooks(t *testing.T) {
	for _, m := range modes {
		t.Run(m.String(), func(t *testing.T) {
			s := newSpace(t, m)
			var hits []uint64
			s.OnCodeWrite = func(p uint64) { hits = append(hits, p) }
			a := mustMap(t, s, 0x400000, 2*pageSize, RW|ProtExec, FX)
			s.Write32(a, 0x90909090)
			s.MarkCode(a)
			if err := s.CopyOut(a+pageSize-2, []byte{1, 2, 3, 4}); err != 0 || len(hits) != 1 || hits[0] != a {
				t.Fatalf("CopyOut: %v hits %x", err, hits)
			}
			s.MarkCode(a + pageSize)
			writeCode(t, s, a+pageSize+8, 0xcc)
			if len(hits) != 2 || hits[1] != a+pageSize || s.Read8(a+pageSize+8) != 0xcc {
				t.Fatalf("write to code: hits %x", hits)
			}
			// Second write: no longer marked, no callback.
			writeCode(t, s, a+pageSize+9, 0xcc)
			if len(hits) != 2 {
				t.Fatal("unmarked page invalidated again")
			}
			// Protect invalidates marked code in its range.
			s.MarkCode(a)
			s.Protect(a, pageSize, ProtRead|ProtExec)
			if len(hits) != 3 {
				t.Fatalf("Protect: hits %x", hits)
			}
			var buf [8]byte
			if n := s.Fetch(a+pageSize-4, buf[:]); n != 8 {
				t.Fatalf("Fetch %d", n)
			}
			s.Protect(a+pageSize, pageSize, RW)
			if n := s.Fetch(a+pageSize-4, buf[:]); n != 4 {
				t.Fatalf("Fetch into non-exec page: %d", n)
			}
		})
	}
}

// writeCode does what the engine does around a guest store: in Linear
// mode a store to a MarkCode page faults in the host, HandleCodeWrite
// unprotects it, and the store is restarted.
func writeCode(t *testing.T, s *Space, a uint64, v uint8) {
	t.Helper()
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	for try := 0; try < 2; try++ {
		faulted := func() (addr uintptr, faulted bool) {
			defer func() {
				if r := recover(); r != nil {
					e, ok := r.(interface{ Addr() uintptr })
					if !ok {
						panic(r)
					}
					addr, faulted = e.Addr(), true
				}
			}()
			s.Write8(a, v)
			return 0, false
		}
		addr, f := faulted()
		if !f {
			return
		}
		g, ok := s.HostFault(addr)
		if !ok || !sameFault(g, a) || !s.HandleCodeWrite(g) {
			t.Fatalf("host fault at %#x -> %#x %v", addr, g, ok)
		}
	}
	t.Fatal("store kept faulting")
}

var sink64 uint64

// sameFault reports whether HostFault's answer g matches the guest address
// want, to the page on hosts without precise fault addresses.
func sameFault(g, want uint64) bool {
	if PreciseHostFaults {
		return g == want
	}
	return g == want&^pageMask
}

func TestLinearHostFault(t *testing.T) {
	s := newSpace(t, Linear)
	a := mustMap(t, s, 0x500000, pageSize, 0, FX)
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	var addr uintptr
	func() {
		defer func() { addr = recover().(interface{ Addr() uintptr }).Addr() }()
		sink64 = s.Read64(a + 16) // a discarded load may be optimised away
	}()
	g, ok := s.HostFault(addr)
	if f := s.FaultFor(g, false); !ok || !sameFault(g, a+16) || f.Code != abi.SEGV_ACCERR || s.HandleCodeWrite(g) {
		t.Fatalf("%#x %v %+v", g, ok, f)
	}
	if f := s.FaultFor(0x1000, true); f.Code != abi.SEGV_MAPERR {
		t.Fatal("MAPERR")
	}
}

func TestKernelCopies(t *testing.T) {
	for _, m := range modes {
		t.Run(m.String(), func(t *testing.T) {
			s := newSpace(t, m)
			a := mustMap(t, s, 0x600000, pageSize, RW, FX)
			mustMap(t, s, a+pageSize, pageSize, R, FX)
			if err := s.CopyOut(a+pageSize-2, []byte{1, 2, 3}); err != abi.EFAULT || s.Read8(a+pageSize-2) != 0 {
				t.Fatal("CopyOut into read-only must fail whole")
			}
			if err := s.CopyOut(a+10, []byte("hello\x00")); err != 0 {
				t.Fatal(err)
			}
			if str, err := s.ReadCString(a+10, 100); str != "hello" || err != 0 {
				t.Fatal(str, err)
			}
			if str, err := s.ReadCString(a+10, 3); str != "hel" || err != abi.ENAMETOOLONG {
				t.Fatal(str, err)
			}
			s.CopyOut(a+pageSize-3, []byte("abc"))
			if str, err := s.ReadCString(a+pageSize-3, 10); str != "abc" || err != 0 {
				t.Fatal(str, err)
			}
			if _, err := s.ReadCString(a+2*pageSize, 10); err != abi.EFAULT {
				t.Fatal(err)
			}
			buf := make([]byte, 2*pageSize)
			if err := s.CopyIn(a, buf); err != 0 || buf[10] != 'h' {
				t.Fatal(err)
			}
			if err := s.CopyIn(a, make([]byte, 2*pageSize+1)); err != abi.EFAULT {
				t.Fatal(err)
			}
		})
	}
}

type memFile []byte

func (f memFile) ReadAt(p []byte, off int64) (int, error) {
	if off >= int64(len(f)) {
		return 0, nil
	}
	return copy(p, f[off:]), nil
}

func TestFileMapAndDontNeed(t *testing.T) {
	for _, m := range modes {
		t.Run(m.String(), func(t *testing.T) {
			s := newSpace(t, m)
			data := memFile(bytes.Repeat([]byte("abcdefgh"), 1000)) // 8000 bytes
			a, err := s.Map(0, 3*pageSize, RW, abi.MAP_PRIVATE, data, pageSize)
			if err != 0 {
				t.Fatal(err)
			}
			if s.Read8(a) != data[pageSize] || s.Read8(a+8000-pageSize-1) != 'h' || s.Read8(a+8000-pageSize) != 0 {
				t.Fatal("file contents / zero fill")
			}
			s.Write8(a, 'Z')
			if s.Advise(a, pageSize, abi.MADV_DONTNEED) != 0 || s.Read8(a) != data[pageSize] {
				t.Fatal("DONTNEED must restore file contents")
			}
			b := mustMap(t, s, 0, pageSize, RW, anonPriv)
			s.Write8(b, 1)
			if s.Advise(b, pageSize, abi.MADV_DONTNEED) != 0 || s.Read8(b) != 0 {
				t.Fatal("DONTNEED must zero anonymous memory")
			}
			if got := s.Mappings(); len(got) != 2 || got[0].Offset != 0 && got[1].Offset != pageSize {
				t.Fatalf("%+v", got)
			}
		})
	}
}

func TestBrk(t *testing.T) {
	for _, m := range modes {
		t.Run(m.String(), func(t *testing.T) {
			s := newSpace(t, m)
			s.SetBrk(0x800100)
			steps := []struct{ req, want uint64 }{
				{0, 0x800100},
				{0x700000, 0x800100},
				{0x800200, 0x800200},
				{0x805000, 0x805000},
				{0x900000, 0x900000},
				{0x802000, 0x802000},
			}
			for _, st := range steps {
				if got := s.Brk(st.req); got != st.want {
					t.Fatalf("Brk(%#x) = %#x want %#x", st.req, got, st.want)
				}
			}
			s.Write8(0x801fff, 1)
			if f := catchS(s, func() { sink64 = uint64(s.Read8(0x802000)) }); f == nil {
				t.Fatal("shrunk heap still mapped")
			}
			mustMap(t, s, 0x900000, pageSize, RW, FX)
			// The kernel wants a page of room between the break and the next
			// mapping.
			if got := s.Brk(0x8ff001); got != 0x802000 {
				t.Fatalf("Brk into mapping: %#x", got)
			}
			if got := s.Brk(0x8ff000); got != 0x8ff000 {
				t.Fatalf("Brk up to gap: %#x", got)
			}
		})
	}
}

func TestForkShared(t *testing.T) {
	for _, m := range modes {
		t.Run(m.String(), func(t *testing.T) {
			s := newSpace(t, m)
			sh := mustMap(t, s, 0, 2*pageSize, RW, abi.MAP_SHARED|abi.MAP_ANONYMOUS)
			pr := mustMap(t, s, 0, pageSize, RW, anonPriv)
			s.Write64(sh, 1)
			s.Write64(pr, 1)
			c, err := s.Clone()
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			c.Write64(sh+pageSize, 7) // untouched in parent before fork
			c.Write64(pr, 2)
			s.Write64(sh+8, 9)
			if s.Read64(sh+pageSize) != 7 || c.Read64(sh+8) != 9 || c.Read64(sh) != 1 {
				t.Fatal("shared mapping not coherent across Clone")
			}
			if s.Read64(pr) != 1 || c.Read64(pr) != 2 {
				t.Fatal("private mapping shared")
			}
			if len(c.Mappings()) != len(s.Mappings()) {
				t.Fatal("mapping list")
			}
		})
	}
}

func TestNoLeaks(t *testing.T) {
	countFDs := func() int { e, _ := os.ReadDir("/proc/self/fd"); return len(e) }
	// Our host mappings: the 1 GiB reservations and the memfds.
	countMaps := func() int {
		b, _ := os.ReadFile("/proc/self/maps")
		n := strings.Count(string(b), "blink-shm")
		for _, l := range strings.Split(string(b), "\n") {
			var lo, hi uint64
			if _, err := fmt.Sscanf(l, "%x-%x", &lo, &hi); err == nil && hi-lo >= 1<<30 {
				n++
			}
		}
		return n
	}
	// 100 rounds show any per-round leak and keep the test quick under qemu-user.
	for _, m := range modes {
		fds, maps := countFDs(), countMaps()
		for i := 0; i < 100; i++ {
			s, _ := New(Options{Mode: m, Reserve: 1 << 30})
			a, _ := s.Map(0, pageSize, RW, abi.MAP_SHARED|abi.MAP_ANONYMOUS, nil, 0)
			s.Write8(a, 1)
			c, err := s.Clone()
			if err != nil {
				t.Fatal(err)
			}
			c.Close()
			s.Close()
		}
		if d := countFDs() - fds; d > 2 {
			t.Errorf("%v: %d fds leaked", m, d)
		}
		if d := countMaps() - maps; d > 0 {
			t.Errorf("%v: %d host mappings leaked", m, d)
		}
	}
}

func TestHighAddressesInLinear(t *testing.T) {
	s := newSpace(t, Linear)
	hi := s.Limit() + 1<<30
	a := mustMap(t, s, hi, 2*pageSize, RW, FX)
	s.Write64(a+pageSize-4, 0x1122334455667788)
	if s.Read64(a+pageSize-4) != 0x1122334455667788 {
		t.Fatal("high mapping")
	}
	// An access straddling the end of the reservation.
	edge := s.Limit() - pageSize
	mustMap(t, s, edge, 2*pageSize, RW, FX)
	s.Write64(s.Limit()-4, 0xa1b2c3d4e5f60718)
	if s.Read64(s.Limit()-4) != 0xa1b2c3d4e5f60718 || s.Read32(s.Limit()) != 0xa1b2c3d4 {
		t.Fatal("straddling access")
	}
}

func TestRemapContents(t *testing.T) {
	for _, m := range modes {
		t.Run(m.String(), func(t *testing.T) {
			s := newSpace(t, m)
			a := mustMap(t, s, 0x700000, 2*pageSize, RW, FX)
			mustMap(t, s, a+2*pageSize, pageSize, R, FX) // blocks growth
			s.Write64(a+pageSize+8, 42)
			b, err := s.Remap(a, 2*pageSize, 4*pageSize, abi.MREMAP_MAYMOVE, 0)
			if err != 0 || b == a || s.Read64(b+pageSize+8) != 42 || s.Read64(b+3*pageSize) != 0 {
				t.Fatalf("moved %#x %v", b, err)
			}
			if f := catchS(s, func() { sink64 = uint64(s.Read8(a)) }); f == nil || f.Code != abi.SEGV_MAPERR {
				t.Fatal("old range still mapped")
			}
		})
	}
}

func BenchmarkRead64Linear(b *testing.B)   { benchRead(b, Linear) }
func BenchmarkRead64Virtual(b *testing.B)  { benchRead(b, Virtual) }
func BenchmarkWrite64Linear(b *testing.B)  { benchWrite(b, Linear) }
func BenchmarkWrite64Virtual(b *testing.B) { benchWrite(b, Virtual) }

func benchRead(b *testing.B, m Mode) {
	s := newSpace(b, m)
	a := mustMap(b, s, 0x10000, 16*pageSize, RW, FX)
	b.ReportAllocs()
	var sum uint64
	for i := 0; i < b.N; i++ {
		sum += s.Read64(a + uint64(i*8)&(16*pageSize-1))
	}
	_ = sum
}

func benchWrite(b *testing.B, m Mode) {
	s := newSpace(b, m)
	a := mustMap(b, s, 0x10000, 16*pageSize, RW, FX)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		s.Write64(a+uint64(i*8)&(16*pageSize-1), uint64(i))
	}
}

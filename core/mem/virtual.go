package mem

import (
	"sync/atomic"
	"unsafe"

	"github.com/blink-go/blink/core/abi"
)

const (
	tlbBits = 8
	tlbSize = 1 << tlbBits
	tlbMask = tlbSize - 1

	// vpnBits is how many virtual page-number bits the radix table covers:
	// 4 levels of 9 bits, i.e. the 48-bit canonical lower half, which is
	// all that x86-64 Linux user space can ever map.
	vpnBits = 36
)

// pte is one resident guest page. It is immutable once published, so a TLB
// entry (a single atomic pointer) can never be seen half-written; moving a
// page (mremap) or sharing it with a child (fork) makes a new pte around
// the same data.
//
// A cow page's data may be shared with other Spaces (a private page at
// fork): it is read in place, but the write TLB never holds it, and the
// first write through fill copies the data into a page of this Space's
// own (unshare). There is no reference count, so the last sharer copies
// too; that costs one page copy per page written, never more than the
// eager copy it replaces.
type pte struct {
	vpn  uint64
	data *[pageSize]byte
	cow  bool
}

// noPage is what empty TLB slots point at: its vpn exceeds every real page
// number, so the hot path needs a single compare and no nil check.
var noPage = &pte{vpn: ^uint64(0), data: new([pageSize]byte)}

type tlbEntry = atomic.Pointer[pte]

type (
	ptLeaf [512]*pte
	ptDir2 [512]*ptLeaf
	ptDir1 [512]*ptDir2
	ptRoot [512]*ptDir1
)

func newPageData() *[pageSize]byte {
	// Allocating as uint64s guarantees the 8-byte alignment sync/atomic
	// needs for the native CAS paths.
	return (*[pageSize]byte)(unsafe.Pointer(new([pageSize / 8]uint64)))
}

func (r *ptRoot) get(vpn uint64) *pte {
	if vpn >= 1<<vpnBits {
		return nil
	}
	d1 := r[vpn>>27&511]
	if d1 == nil {
		return nil
	}
	d2 := d1[vpn>>18&511]
	if d2 == nil {
		return nil
	}
	l := d2[vpn>>9&511]
	if l == nil {
		return nil
	}
	return l[vpn&511]
}

func (r *ptRoot) set(vpn uint64, p *pte) {
	d1 := r[vpn>>27&511]
	if d1 == nil {
		if p == nil {
			return
		}
		d1 = new(ptDir1)
		r[vpn>>27&511] = d1
	}
	d2 := d1[vpn>>18&511]
	if d2 == nil {
		if p == nil {
			return
		}
		d2 = new(ptDir2)
		d1[vpn>>18&511] = d2
	}
	l := d2[vpn>>9&511]
	if l == nil {
		if p == nil {
			return
		}
		l = new(ptLeaf)
		d2[vpn>>9&511] = l
	}
	l[vpn&511] = p
}

// walk calls fn for every resident page with lo <= vpn < hi, skipping
// empty subtrees so that huge sparse ranges cost nothing.
func (r *ptRoot) walk(lo, hi uint64, fn func(vpn uint64, p *pte)) {
	hi = min(hi, 1<<vpnBits)
	for vpn := lo; vpn < hi; {
		d1 := r[vpn>>27&511]
		if d1 == nil {
			vpn = (vpn>>27 + 1) << 27
			continue
		}
		d2 := d1[vpn>>18&511]
		if d2 == nil {
			vpn = (vpn>>18 + 1) << 18
			continue
		}
		l := d2[vpn>>9&511]
		if l == nil {
			vpn = (vpn>>9 + 1) << 9
			continue
		}
		if p := l[vpn&511]; p != nil {
			fn(vpn, p)
		}
		vpn++
	}
}

// drop removes the resident pages of [lo, hi) (byte addresses).
func (r *ptRoot) drop(lo, hi uint64) {
	r.walk(lo>>pageShift, hi>>pageShift, func(vpn uint64, _ *pte) { r.set(vpn, nil) })
}

// flushTLB empties both TLBs. Callers hold s.mu (or own s exclusively).
func (s *Space) flushTLB() {
	for i := range s.rtlb {
		s.rtlb[i].Store(noPage)
		s.wtlb[i].Store(noPage)
	}
}

func (s *Space) fault(a uint64, write bool, code int32) *Fault {
	return &Fault{Addr: a, Write: write, Code: code}
}

// span returns the guest bytes from a to the end of a's page, checking
// protection (read or write) and filling the TLB. It panics with *Fault.
// For a write to a page marked as code it calls OnCodeWrite first.
func (s *Space) span(a uint64, write bool) []byte {
	if a < s.end1 {
		return unsafe.Slice((*byte)(s.host(a)), pageSize-a&pageMask)
	}
	tlb := &s.rtlb
	if write {
		tlb = &s.wtlb
	}
	if e := tlb[(a>>pageShift)&tlbMask].Load(); e.vpn == a>>pageShift {
		return e.data[a&pageMask:]
	}
	p, f, wasCode := s.fill(a, write)
	if f != nil {
		panic(f)
	}
	if wasCode && s.OnCodeWrite != nil {
		s.OnCodeWrite(a &^ pageMask)
	}
	return p.data[a&pageMask:]
}

// fill resolves a TLB miss at a. It returns the page, or the fault to
// raise; wasCode reports that a write hit a MarkCode page (now unmarked).
func (s *Space) fill(a uint64, write bool) (p *pte, f *Fault, wasCode bool) {
	s.mu.Lock()
	v := s.find(a)
	switch {
	case v == nil:
		f = s.fault(a, write, abi.SEGV_MAPERR)
	case write && v.Prot&ProtWrite == 0, v.Prot&(ProtRead|ProtWrite|ProtExec) == 0:
		// x86 pages are always readable once present, so PROT_WRITE or
		// PROT_EXEC alone still allow reads, as on Linux without PKU.
		f = s.fault(a, write, abi.SEGV_ACCERR)
	default:
		p = s.resident(v, a)
		if write && p.cow {
			p = s.unshare(p)
		}
		i := (a >> pageShift) & tlbMask
		s.rtlb[i].Store(p)
		if write {
			page := a &^ pageMask
			if _, ok := s.code[page]; ok {
				delete(s.code, page)
				wasCode = true
			}
			s.wtlb[i].Store(p)
		}
	}
	s.mu.Unlock()
	return
}

// resident returns the page backing a (inside v), creating it on first
// touch: zeros for anonymous memory, file contents for file mappings.
// Callers hold s.mu.
func (s *Space) resident(v *vma, a uint64) *pte {
	vpn := a >> pageShift
	if p := s.pt.get(vpn); p != nil {
		return p
	}
	data := newPageData()
	if v.file != nil {
		v.readFile(data[:], a&^pageMask)
	}
	p := &pte{vpn: vpn, data: data}
	s.pt.set(vpn, p)
	return p
}

// unshare gives this Space its own copy of cow page p. Callers hold s.mu.
func (s *Space) unshare(p *pte) *pte {
	data := newPageData()
	*data = *p.data
	np := &pte{vpn: p.vpn, data: data}
	s.pt.set(p.vpn, np)
	s.rtlb[p.vpn&tlbMask].Store(np)
	return np
}

// writable is resident for a write that bypasses fill (kernel-side raw
// stores): cow pages are unshared first. Callers hold s.mu.
func (s *Space) writable(v *vma, a uint64) *pte {
	p := s.resident(v, a)
	if p.cow {
		p = s.unshare(p)
	}
	return p
}

// loadSlow copies guest memory at a into dst, page by page, checking every
// page before copying anything.
func (s *Space) loadSlow(a uint64, dst []byte) {
	if len(dst) == 0 {
		return
	}
	first := s.span(a, false)
	if len(first) >= len(dst) {
		copy(dst, first)
		return
	}
	s.checkRange(a+uint64(len(first)), uint64(len(dst)-len(first)), false)
	for n := 0; n < len(dst); {
		n += copy(dst[n:], s.span(a+uint64(n), false))
	}
}

// storeSlow is loadSlow's mirror: all pages are validated (and code pages
// invalidated) before the first byte is written.
func (s *Space) storeSlow(a uint64, src []byte) {
	if len(src) == 0 {
		return
	}
	first := s.span(a, true)
	if len(first) >= len(src) {
		copy(first, src)
		return
	}
	s.checkRange(a+uint64(len(first)), uint64(len(src)-len(first)), true)
	for n := 0; n < len(src); {
		n += copy(s.span(a+uint64(n), true), src[n:])
	}
}

// checkRange validates every page of [a, a+n) (through span, which also
// invalidates code pages on writes) so that a multi-page access faults
// before any byte is transferred.
func (s *Space) checkRange(a, n uint64, write bool) {
	if n == 0 {
		return
	}
	last := a + n - 1
	if last < a {
		panic(s.fault(0, write, abi.SEGV_MAPERR))
	}
	for p := a &^ pageMask; ; p += pageSize {
		addr := max(p, a)
		if addr < s.end1 {
			if !s.linearOK(addr, write) {
				panic(s.FaultFor(addr, write))
			}
		} else {
			s.span(addr, write)
		}
		if p >= last&^pageMask {
			return
		}
	}
}

// linearOK reports whether the VMA list allows the access at linear guest
// address a; used where a host fault must be avoided (multi-page stores).
func (s *Space) linearOK(a uint64, write bool) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	v := s.find(a)
	if v == nil || v.Prot&(ProtRead|ProtWrite|ProtExec) == 0 {
		return false
	}
	if write && v.Prot&ProtWrite == 0 {
		return false
	}
	return true
}

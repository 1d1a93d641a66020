package mem

import (
	"runtime"

	"github.com/blink-go/blink/core/abi"
)

// PreciseHostFaults reports whether the Addr() of a host fault is the exact
// faulting byte. s390x hardware reports only the page (the translation-
// exception address has its low 12 bits cleared, and Linux passes it on as
// si_addr), so there HostFault yields the guest page of a Linear-mode fault:
// SMC detection and the SEGV_MAPERR/SEGV_ACCERR choice are unaffected, but
// an engine that wants a byte-exact si_addr must recompute it (e.g. by
// replaying the access through the checked slow path).
const PreciseHostFaults = runtime.GOARCH != "s390x"

// HostFault maps the address of a host fault (the Addr() of the runtime
// error raised under debug.SetPanicOnFault) back to a guest address. ok is
// false when the fault is not inside this Space's reservation, which means
// it is a genuine emulator bug and must not be turned into a SIGSEGV. See
// PreciseHostFaults for hosts that report only the page.
func (s *Space) HostFault(addr uintptr) (guest uint64, ok bool) {
	if s.base == nil {
		return 0, false
	}
	base := uintptr(s.base)
	if addr < base || uint64(addr-base) >= s.reserve {
		return 0, false
	}
	return uint64(addr - base), true
}

// FaultFor builds the fault a guest access at guest should raise, with the
// si_code taken from the mapping list: SEGV_MAPERR when nothing is mapped,
// SEGV_ACCERR when the mapping forbids the access.
func (s *Space) FaultFor(guest uint64, write bool) *Fault {
	s.mu.Lock()
	v := s.find(guest)
	code := int32(abi.SEGV_MAPERR)
	if v != nil {
		code = abi.SEGV_ACCERR
	}
	s.mu.Unlock()
	return &Fault{Addr: guest, Write: write, Code: code}
}

// MarkCode records that the page holding a has been decoded, so a later
// write to it must call OnCodeWrite first. In Linear mode a writable page
// is made host read-only; the write then faults and the engine calls
// HandleCodeWrite. In Virtual mode the page's write-TLB entry is dropped
// and never refilled while the mark stands.
func (s *Space) MarkCode(a uint64) {
	page := a &^ pageMask
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.code[page]; ok {
		return
	}
	v := s.find(page)
	if v == nil {
		return
	}
	s.code[page] = struct{}{}
	s.wtlb[(page>>pageShift)&tlbMask].Store(noPage)
	if page < s.reserve && s.base != nil && v.Prot&ProtWrite != 0 {
		hostProtect(s.host(page), pageSize, ProtRead)
	}
}

// HandleCodeWrite is called by the engine after a host write fault at
// guest address guest (Linear mode). If the page was write-protected by
// MarkCode it calls OnCodeWrite, restores write access and returns true:
// the engine then restarts the instruction. False means a real fault.
func (s *Space) HandleCodeWrite(guest uint64) bool {
	page := guest &^ pageMask
	s.mu.Lock()
	if !s.unprotectCode(page) {
		s.mu.Unlock()
		return false
	}
	s.mu.Unlock()
	if s.OnCodeWrite != nil {
		s.OnCodeWrite(page)
	}
	return true
}

// unprotectCode unmarks a writable code page and gives write access back
// to the host. Callers hold s.mu.
func (s *Space) unprotectCode(page uint64) bool {
	if _, ok := s.code[page]; !ok {
		return false
	}
	v := s.find(page)
	if v == nil || v.Prot&ProtWrite == 0 {
		return false
	}
	delete(s.code, page)
	if page < s.reserve && s.base != nil {
		hostProtect(s.host(page), pageSize, hostProt(v.Prot))
	}
	return true
}

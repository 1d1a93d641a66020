package mem

import (
	"errors"

	"github.com/blink-go/blink/core/abi"
)

// Clone implements the memory side of fork: private mappings are copied
// and MAP_SHARED ones are shared with the child.
//
// Only memory that exists is copied. In Linear mode the host says which
// pages of a private mapping were ever touched (hostResident); the others
// are zero in the parent and stay zero in the child's fresh anonymous
// memory, so an 8 MiB stack with a few live pages costs a few pages. In
// the page table (Virtual mode, and high addresses in Linear mode) only
// resident pages exist, and they are shared copy-on-write (pte.cow).
//
// The child's reservation may be smaller than the parent's when the host's
// address space runs short (see bigBudget), or missing (Virtual mode);
// the parent's linear mappings above it then go to the child's page table.
// MAP_SHARED host objects cannot be shared with a page table, so the child
// always gets at least the linear part that holds them, or the fork fails.
//
// Why no copy-on-write in Linear mode: the parent's and the child's pages
// are separate host anonymous memory, so the only way to defer the copy
// would be to write-protect both sides on the host and copy on the write
// fault. Every first write after a fork would then cost a Go panic and
// recovery, a host mprotect that splits the host mapping (the host's
// vm.max_map_count of 65530 is reached by a few hundred processes with a
// fragmented heap), and the copy anyway; and a parent with several live
// children would need per-page ownership across Spaces and across their
// goroutines. fork+exec, the common case, touches only a few pages after
// fork, which is what copying only resident pages already makes cheap.
//
// Code marks are not inherited: the child starts with no decoded code.
func (s *Space) Clone() (*Space, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	// No write TLB entry may reach a page that is about to be shared; fill
	// needs s.mu, so none comes back before Clone is done.
	s.flushTLB()
	c := newEmpty(s.hostRes)
	if s.mode == Linear {
		need := s.sharedTop()
		if c.reserveLinear(s.reserve, need); c.mode != Linear && need > 0 {
			return nil, errors.New("mem: clone: " + c.fallback)
		}
	}
	c.limit, c.mmapBase, c.brkStart, c.brk = s.limit, s.mmapBase, s.brkStart, s.brk
	c.vmas = make([]vma, 0, len(s.vmas))
	var scratch [512]uint64
	for i := range s.vmas {
		v := &s.vmas[i]
		nv := *v
		nv.obj = v.obj.ref()
		err := s.cloneInto(c, v, &nv, scratch[:])
		c.vmas = append(c.vmas, nv)
		if err != 0 {
			c.Close()
			return nil, err
		}
	}
	return c, nil
}

// sharedTop is the end of the highest linear part of a mapping backed by a
// host shared object: a child's reservation must reach it. Callers hold
// s.mu.
func (s *Space) sharedTop() uint64 {
	top := uint64(0)
	for i := range s.vmas {
		if v := &s.vmas[i]; v.obj != nil && v.Start < s.reserve {
			top = max(top, min(v.End, s.reserve))
		}
	}
	return top
}

// cloneInto builds the memory of the child's copy nv of parent mapping v.
// The child's reservation is never larger than the parent's, so each page
// is linear in both, linear in the parent only, or in both page tables.
func (s *Space) cloneInto(c *Space, v, nv *vma, scratch []uint64) abi.Errno {
	if lo, hi, ok := c.linearPart(v.Start, v.End); ok {
		if v.obj != nil {
			if hostMapFD(c.host(lo), hi-lo, hostProt(v.Prot), v.obj.fd, int64(v.objOff+(lo-v.Start))) != nil {
				return abi.ENOMEM
			}
		} else {
			if hostMapAnon(c.host(lo), hi-lo, ProtRead|ProtWrite) != nil {
				return abi.ENOMEM
			}
			s.copyLinear(lo, hi, false, scratch, func(a uint64, src []byte) {
				copy(c.hostSlice(a, a+uint64(len(src))), src)
			})
			if hostProtect(c.host(lo), hi-lo, hostProt(v.Prot)) != nil {
				return abi.ENOMEM
			}
		}
	}
	// Linear in the parent, page table in the child (sharedTop keeps
	// shared host objects out of here). A file page the parent never
	// touched reads as zero there, so the child gets every page of a file
	// mapping rather than rereading the file.
	if lo, hi := max(v.Start, c.reserve), min(v.End, s.reserve); lo < hi && s.base != nil {
		s.copyLinear(lo, hi, v.file != nil, scratch, func(a uint64, src []byte) {
			for off := uint64(0); off < uint64(len(src)); off += pageSize {
				data := newPageData()
				copy(data[:], src[off:])
				vpn := (a + off) >> pageShift
				c.pt.set(vpn, &pte{vpn: vpn, data: data})
			}
		})
	}
	// The page-table part of both: shared pages are fully populated first
	// so that parent and child can never fault in separate copies of one
	// page.
	lo := max(v.Start, s.reserve)
	if lo >= v.End {
		return 0
	}
	if v.shared() {
		for a := lo; a < v.End; a += pageSize {
			p := s.resident(v, a)
			c.pt.set(p.vpn, p)
		}
		return 0
	}
	// Private pages are shared copy-on-write: both sides get one cow pte
	// (immutable, so it can be shared too), which the write TLB never
	// holds (Clone emptied the parent's).
	s.pt.walk(lo>>pageShift, v.End>>pageShift, func(vpn uint64, p *pte) {
		if !p.cow {
			p = &pte{vpn: vpn, data: p.data, cow: true}
			s.pt.set(vpn, p)
		}
		c.pt.set(vpn, p)
	})
	return 0
}

// copyLinear hands fn the parent's linear bytes of [lo, hi) that may be
// nonzero, in runs of whole pages (all of them if all is set), with
// PROT_NONE parts made host-readable for the duration. Callers hold s.mu.
func (s *Space) copyLinear(lo, hi uint64, all bool, scratch []uint64, fn func(a uint64, src []byte)) {
	s.withHostReadable(lo, hi-lo, func(src []byte) {
		if all {
			fn(lo, src)
			return
		}
		hostResident(s.host(lo), hi-lo, scratch, func(off, n uint64) {
			fn(lo+off, src[off:off+n])
		})
	})
}

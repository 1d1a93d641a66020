package mem

import "github.com/blink-go/blink/core/abi"

// Remap implements mremap(2) with MREMAP_MAYMOVE, MREMAP_FIXED and
// MREMAP_DONTUNMAP. old_len == 0 (duplicating a shared mapping) is not
// supported and returns EINVAL.
func (s *Space) Remap(old, oldLen, newLen uint64, flags int, newAddr uint64) (uint64, abi.Errno) {
	const known = abi.MREMAP_MAYMOVE | abi.MREMAP_FIXED | abi.MREMAP_DONTUNMAP
	if flags&^known != 0 {
		return 0, abi.EINVAL
	}
	if flags&abi.MREMAP_FIXED != 0 && flags&abi.MREMAP_MAYMOVE == 0 {
		return 0, abi.EINVAL
	}
	if flags&abi.MREMAP_DONTUNMAP != 0 && (flags&abi.MREMAP_MAYMOVE == 0 || oldLen != newLen) {
		return 0, abi.EINVAL
	}
	if old&pageMask != 0 {
		return 0, abi.EINVAL
	}
	oldLen, newLen = pageAlign(oldLen), pageAlign(newLen)
	if newLen == 0 || oldLen == 0 {
		return 0, abi.EINVAL
	}
	s.mu.Lock()
	var code []uint64
	addr, err := s.remapLocked(old, oldLen, newLen, flags, newAddr, &code)
	s.mu.Unlock()
	s.invalidate(code)
	return addr, err
}

func (s *Space) remapLocked(old, oldLen, newLen uint64, flags int, newAddr uint64, code *[]uint64) (uint64, abi.Errno) {
	if flags&(abi.MREMAP_FIXED|abi.MREMAP_DONTUNMAP) != 0 {
		fixed := flags&abi.MREMAP_FIXED != 0
		if fixed {
			if newAddr&pageMask != 0 || newLen > taskSize || newAddr > taskSize-newLen {
				return 0, abi.EINVAL
			}
			if old+oldLen > newAddr && newAddr+newLen > old {
				return 0, abi.EINVAL
			}
			*code = append(*code, s.unmapLocked(newAddr, newAddr+newLen)...)
		}
		if oldLen > newLen {
			*code = append(*code, s.unmapLocked(old+newLen, old+oldLen)...)
			oldLen = newLen
		}
		v, err := s.resizable(old, oldLen, newLen)
		if err != 0 {
			return 0, err
		}
		if !fixed {
			if newAddr, err = s.place(0, newLen); err != 0 {
				return 0, err
			}
		}
		return s.move(v, old, oldLen, newAddr, newLen, flags, code), 0
	}
	if oldLen >= newLen {
		if oldLen > newLen {
			*code = append(*code, s.unmapLocked(old+newLen, old+oldLen)...)
		}
		return old, 0
	}
	v, err := s.resizable(old, oldLen, newLen)
	if err != 0 {
		return 0, err
	}
	// Grow in place when the mapping ends at old+oldLen and the space after
	// it is free.
	if v.End == old+oldLen && old+newLen <= taskSize && old+newLen > old && s.hintFree(v.End, old+newLen-v.End) {
		grown := v.at(v.End)
		grown.obj.ref()
		grown.End = old + newLen
		if e := s.establishMore(&grown); e != 0 {
			grown.release()
			return 0, e
		}
		s.insert(grown)
		return old, 0
	}
	if flags&abi.MREMAP_MAYMOVE == 0 {
		return 0, abi.ENOMEM
	}
	newAddr, err = s.place(0, newLen)
	if err != 0 {
		return 0, err
	}
	return s.move(v, old, oldLen, newAddr, newLen, flags, code), 0
}

// resizable is vma_to_resize: [old, old+oldLen) must lie in one mapping.
// It returns a copy of the mapping.
func (s *Space) resizable(old, oldLen, newLen uint64) (vma, abi.Errno) {
	v := s.find(old)
	if v == nil || oldLen > v.End-old {
		return vma{}, abi.EFAULT
	}
	return *v, 0
}

// establishMore creates the memory of a grown tail of a mapping. Shared
// tails map the next part of the same host object, growing it first.
func (s *Space) establishMore(v *vma) abi.Errno {
	if v.obj == nil {
		return s.establish(v)
	}
	lo, hi, ok := s.linearPart(v.Start, v.End)
	if !ok {
		return 0
	}
	if v.obj.owned {
		hostTruncate(v.obj.fd, int64(v.objOff+(v.End-v.Start)))
	}
	if hostMapFD(s.host(lo), hi-lo, hostProt(v.Prot), v.obj.fd, int64(v.objOff+(lo-v.Start))) != nil {
		return abi.ENOMEM
	}
	return 0
}

// move relocates [old, old+oldLen) of mapping v to [newAddr,
// newAddr+newLen) (a free range) and returns newAddr. Contents move with
// the pages; a grown tail is filled as the mapping would be.
func (s *Space) move(v vma, old, oldLen, newAddr, newLen uint64, flags int, code *[]uint64) uint64 {
	src := v.at(old)
	src.End = old + oldLen
	nv := src
	nv.Start, nv.End = newAddr, newAddr+newLen
	nv.obj = nil
	if src.obj != nil {
		nv.obj = src.obj.ref()
		s.establishMore(&nv)
	} else {
		final := nv.Prot
		nv.Prot = ProtRead | ProtWrite
		s.establish(&nv)
		s.transfer(&src, &nv, oldLen)
		nv.Prot = final
		s.reprotect(&nv)
	}
	if flags&abi.MREMAP_DONTUNMAP != 0 {
		if !src.shared() {
			s.discard(s.find(old), old, old+oldLen)
		}
	} else {
		*code = append(*code, s.unmapLocked(old, old+oldLen)...)
	}
	s.insert(nv)
	s.flushTLB()
	return newAddr
}

// transfer copies n bytes of private contents from src to dst (whose
// memory is writable). Page-table pages are handed over, not copied, when
// both sides live in the page table.
func (s *Space) transfer(src, dst *vma, n uint64) {
	if src.Start >= s.reserve && dst.Start >= s.reserve {
		s.pt.walk(src.Start>>pageShift, (src.Start+n)>>pageShift, func(vpn uint64, p *pte) {
			nvpn := (dst.Start + vpn<<pageShift - src.Start) >> pageShift
			s.pt.set(nvpn, &pte{vpn: nvpn, data: p.data, cow: p.cow})
			s.pt.set(vpn, nil)
		})
		return
	}
	var buf [pageSize]byte
	for off := uint64(0); off < n; off += pageSize {
		s.readRaw(src, src.Start+off, buf[:])
		s.writeRaw(dst, dst.Start+off, buf[:])
	}
}

// writeRaw stores into guest memory ignoring guest protections; the linear
// part must be host-writable.
func (s *Space) writeRaw(v *vma, a uint64, src []byte) {
	for len(src) > 0 {
		var n int
		if a < s.reserve && s.base != nil {
			n = copy(s.hostSlice(a, min(a+uint64(len(src)), s.reserve)), src)
		} else {
			n = copy(s.writable(v, a).data[a&pageMask:], src)
		}
		src, a = src[n:], a+uint64(n)
	}
}

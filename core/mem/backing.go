package mem

import (
	"unsafe"

	"github.com/blink-go/blink/core/abi"
)

// This file turns VMA-list changes into changes of the memory behind them:
// host mmap/mprotect for the part of a range inside the Linear reservation,
// page-table edits for the part above it (or for everything in Virtual
// mode). Callers hold s.mu.

// linearPart clips [lo, hi) to the Linear reservation.
func (s *Space) linearPart(lo, hi uint64) (uint64, uint64, bool) {
	hi = min(hi, s.reserve)
	return lo, hi, s.base != nil && lo < hi
}

// hostProt is the host protection that mirrors guest prot: x86 pages are
// readable whenever present, and guest code is never executed by the host.
func hostProt(prot int) int {
	if prot == 0 {
		return 0
	}
	return ProtRead | prot&ProtWrite
}

func (s *Space) hostSlice(lo, hi uint64) []byte {
	return unsafe.Slice((*byte)(s.host(lo)), hi-lo)
}

// establish creates the memory of a new VMA (the range is already free).
func (s *Space) establish(v *vma) abi.Errno {
	lo, hi, ok := s.linearPart(v.Start, v.End)
	if !ok {
		return 0 // the page table fills lazily
	}
	hp := hostProt(v.Prot)
	if v.shared() {
		if hf, isHost := v.file.(interface{ HostFD() int }); isHost && v.file != nil {
			if hostMapFD(s.host(lo), hi-lo, hp, hf.HostFD(), v.Offset) == nil {
				v.obj = &shmObj{fd: hf.HostFD()}
				v.obj.refs.Store(1)
				return 0
			}
		}
		if fd, err := hostShm(v.End - v.Start); err == nil {
			if hostMapFD(s.host(lo), hi-lo, ProtRead|ProtWrite, fd, 0) != nil {
				hostCloseFD(fd)
				return abi.ENOMEM
			}
			v.obj = &shmObj{fd: fd, owned: true}
			v.obj.refs.Store(1)
			s.fillFile(v, lo, hi)
			if hostProtect(s.host(lo), hi-lo, hp) != nil {
				return abi.ENOMEM
			}
			return 0
		}
		// No host shared memory (non-Linux hosts): the mapping works but
		// is private to this Space after Clone.
	}
	if v.file == nil {
		if hostMapAnon(s.host(lo), hi-lo, hp) != nil {
			return abi.ENOMEM
		}
		return 0
	}
	if hostMapAnon(s.host(lo), hi-lo, ProtRead|ProtWrite) != nil {
		return abi.ENOMEM
	}
	s.fillFile(v, lo, hi)
	if hostProtect(s.host(lo), hi-lo, hp) != nil {
		return abi.ENOMEM
	}
	return 0
}

// fillFile copies the file contents of [lo, hi) (a writable, zeroed linear
// range of v) from v.file; bytes past end of file stay zero.
func (s *Space) fillFile(v *vma, lo, hi uint64) {
	if v.file == nil {
		return
	}
	buf := s.hostSlice(lo, hi)
	off := v.Offset + int64(lo-v.Start)
	for len(buf) > 0 {
		n, err := v.file.ReadAt(buf, off)
		if n <= 0 || err != nil {
			return
		}
		buf, off = buf[n:], off+int64(n)
	}
}

// teardown releases the memory of [lo, hi) (already carved from the list).
func (s *Space) teardown(lo, hi uint64) {
	if l, h, ok := s.linearPart(lo, hi); ok {
		hostDecommit(s.host(l), h-l)
	}
	if hi > s.reserve {
		s.pt.drop(max(lo, s.reserve), hi)
	}
}

// reprotect applies v's new protection to the host (Linear part).
func (s *Space) reprotect(v *vma) {
	if lo, hi, ok := s.linearPart(v.Start, v.End); ok {
		hostProtect(s.host(lo), hi-lo, hostProt(v.Prot))
	}
}

// discard implements MADV_DONTNEED on private memory [lo, hi) of v.
func (s *Space) discard(v *vma, lo, hi uint64) {
	if l, h, ok := s.linearPart(lo, hi); ok {
		if v.file == nil {
			hostMapAnon(s.host(l), h-l, hostProt(v.Prot))
		} else {
			hostMapAnon(s.host(l), h-l, ProtRead|ProtWrite)
			piece := v.at(l)
			s.fillFile(&piece, l, h)
			hostProtect(s.host(l), h-l, hostProt(v.Prot))
		}
	}
	if hi > s.reserve {
		s.pt.drop(max(lo, s.reserve), hi)
	}
}

// readRaw copies guest memory at a into dst ignoring guest protections
// (for mremap and fork). Unpopulated Virtual pages read as their initial
// contents.
func (s *Space) readRaw(v *vma, a uint64, dst []byte) {
	for len(dst) > 0 {
		var n int
		if a < s.reserve && s.base != nil {
			n = int(min(uint64(len(dst)), s.reserve-a))
			s.withHostReadable(a, uint64(n), func(src []byte) { copy(dst, src) })
		} else {
			n = copy(dst, s.resident(v, a).data[a&pageMask:])
		}
		dst, a = dst[n:], a+uint64(n)
	}
}

// withHostReadable runs fn on the linear bytes [a, a+n) after making any
// PROT_NONE parts host-readable, restoring the protections afterwards.
func (s *Space) withHostReadable(a, n uint64, fn func([]byte)) {
	end := a + n
	for i := s.index(a); i < len(s.vmas) && s.vmas[i].Start < end; i++ {
		v := &s.vmas[i]
		if v.Prot == 0 {
			lo, hi := max(v.Start, a), min(v.End, end)
			hostProtect(s.host(lo), hi-lo, ProtRead)
			defer hostProtect(s.host(lo), hi-lo, 0)
		}
	}
	fn(s.hostSlice(a, end))
}

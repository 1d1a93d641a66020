package mem

import (
	"encoding/binary"
	"math/bits"
	"sync/atomic"
	"unsafe"
)

// Atomics for LOCK-prefixed instructions and XCHG. Aligned 32/64-bit
// operands use the host's CAS directly on guest memory, so they are atomic
// against other guest threads' CASes and aligned plain stores; 8/16-bit
// operands use a CAS loop on the aligned 32-bit word holding them (which
// never crosses a page). Unaligned, page-crossing and 128-bit operands take
// s.amu and are atomic only against each other, as split locks are on
// hardware that does not lock the bus. All fault like writes, even when the
// compare fails, as x86 CMPXCHG always performs the write cycle.

var hostLE = binary.NativeEndian.Uint16([]byte{1, 0}) == 1

func le32(v uint32) uint32 {
	if hostLE {
		return v
	}
	return bits.ReverseBytes32(v)
}

func le64(v uint64) uint64 {
	if hostLE {
		return v
	}
	return bits.ReverseBytes64(v)
}

// word returns a host pointer to the n-byte aligned word at a (a must be
// n-aligned), checked for write access.
func (s *Space) word(a uint64) unsafe.Pointer {
	if a < s.end8 {
		return s.host(a)
	}
	return unsafe.Pointer(&s.span(a, true)[0])
}

func (s *Space) CAS32(a uint64, old, new uint32) (prev uint32, ok bool) {
	if a&3 != 0 {
		s.amu.Lock()
		defer s.amu.Unlock()
		prev = s.Read32(a)
		if prev == old {
			s.Write32(a, new)
			return prev, true
		}
		s.Write32(a, prev)
		return prev, false
	}
	p := (*uint32)(s.word(a))
	for {
		cur := atomic.LoadUint32(p)
		if le32(cur) != old {
			// x86 writes the old value back; a CAS with itself keeps the
			// write permission check without changing memory.
			if atomic.CompareAndSwapUint32(p, cur, cur) {
				return le32(cur), false
			}
			continue
		}
		if atomic.CompareAndSwapUint32(p, cur, le32(new)) {
			return old, true
		}
	}
}

func (s *Space) CAS64(a uint64, old, new uint64) (prev uint64, ok bool) {
	if a&7 != 0 {
		s.amu.Lock()
		defer s.amu.Unlock()
		prev = s.Read64(a)
		if prev == old {
			s.Write64(a, new)
			return prev, true
		}
		s.Write64(a, prev)
		return prev, false
	}
	p := (*uint64)(s.word(a))
	for {
		cur := atomic.LoadUint64(p)
		if le64(cur) != old {
			if atomic.CompareAndSwapUint64(p, cur, cur) {
				return le64(cur), false
			}
			continue
		}
		if atomic.CompareAndSwapUint64(p, cur, le64(new)) {
			return old, true
		}
	}
}

// casSub does an 8- or 16-bit CAS (width bits) inside the aligned 32-bit
// word containing a. On a big-endian host the two bytes of a 16-bit field
// sit in the word most significant first, the reverse of guest order, so
// values are byte-swapped on the way in and out.
func (s *Space) casSub(a uint64, width uint, old, new uint32) (uint32, bool) {
	shift := uint(a&3) * 8
	swap := !hostLE && width == 16
	if !hostLE {
		shift = 32 - width - shift
	}
	if swap {
		old, new = uint32(bits.ReverseBytes16(uint16(old))), uint32(bits.ReverseBytes16(uint16(new)))
	}
	mask := uint32(1)<<width - 1
	p := (*uint32)(s.word(a &^ 3))
	for {
		cur := atomic.LoadUint32(p)
		got := cur >> shift & mask
		next := cur
		if got == old {
			next = cur&^(mask<<shift) | new<<shift
		}
		if atomic.CompareAndSwapUint32(p, cur, next) {
			if swap {
				return uint32(bits.ReverseBytes16(uint16(got))), got == old
			}
			return got, got == old
		}
	}
}

func (s *Space) CAS8(a uint64, old, new uint8) (prev uint8, ok bool) {
	v, ok := s.casSub(a, 8, uint32(old), uint32(new))
	return uint8(v), ok
}

func (s *Space) CAS16(a uint64, old, new uint16) (prev uint16, ok bool) {
	if a&3 == 3 {
		s.amu.Lock()
		defer s.amu.Unlock()
		prev = s.Read16(a)
		if prev == old {
			s.Write16(a, new)
			return prev, true
		}
		s.Write16(a, prev)
		return prev, false
	}
	v, ok := s.casSub(a, 16, uint32(old), uint32(new))
	return uint16(v), ok
}

// CAS128 implements CMPXCHG16B (the engine raises #GP for a misaligned
// operand before calling it).
func (s *Space) CAS128(a, oldLo, oldHi, newLo, newHi uint64) (lo, hi uint64, ok bool) {
	s.amu.Lock()
	defer s.amu.Unlock()
	lo, hi = s.Read128(a)
	if lo == oldLo && hi == oldHi {
		s.Write128(a, newLo, newHi)
		return lo, hi, true
	}
	s.Write128(a, lo, hi)
	return lo, hi, false
}

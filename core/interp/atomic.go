package interp

import (
	"unsafe"

	"github.com/blink-go/blink/core/x86"
)

// cas compare-and-swaps the T at a through core/mem's CAS, which is atomic
// against other guest threads. LOCK-prefixed read-modify-write
// instructions are CAS loops over it: another thread's store between our
// load and our CAS makes us retry instead of being lost.
func cas[T word](m *x86.Machine, a uint64, old, new T) bool {
	switch unsafe.Sizeof(old) {
	case 1:
		_, ok := m.Mem.CAS8(a, uint8(old), uint8(new))
		return ok
	case 2:
		_, ok := m.Mem.CAS16(a, uint16(old), uint16(new))
		return ok
	case 4:
		_, ok := m.Mem.CAS32(a, uint32(old), uint32(new))
		return ok
	default:
		_, ok := m.Mem.CAS64(a, uint64(old), uint64(new))
		return ok
	}
}

// cas128 is CMPXCHG16B's primitive.
func cas128(m *x86.Machine, a uint64, oldLo, oldHi, newLo, newHi uint64) (lo, hi uint64, ok bool) {
	return m.Mem.CAS128(a, oldLo, oldHi, newLo, newHi)
}

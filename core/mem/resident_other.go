//go:build !linux

package mem

import "unsafe"

// hostResident reports the whole range: other hosts have no exact way to
// tell untouched pages from swapped-out ones (mincore(2) calls both
// "not resident"), so fork copies all of a private mapping there.
func hostResident(_ unsafe.Pointer, size uint64, _ []uint64, fn func(off, n uint64)) {
	fn(0, size)
}

// residentPrecise: without pagemap every range is reported whole.
func residentPrecise() bool { return false }

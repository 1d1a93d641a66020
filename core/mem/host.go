package mem

import "strconv"

// linearUnsupportedOn says why a host with pointers of ptrSize bytes and
// pages of hostPage bytes cannot back Linear mode ("" if it can). A 32-bit
// host cannot reserve a guest address space, and guest pages must be host
// pages so that every guest mprotect and munmap is a host call (arm64 hosts
// with 16 KiB or 64 KiB pages, ppc64le with 64 KiB, use Virtual mode).
func linearUnsupportedOn(ptrSize uintptr, hostPage int) string {
	if ptrSize != 8 {
		return "32-bit host"
	}
	if hostPage != pageSize {
		return "host page size " + strconv.Itoa(hostPage) + " is not 4096"
	}
	return ""
}

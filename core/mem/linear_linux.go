package mem

import "golang.org/x/sys/unix"

const mapNoReserve = unix.MAP_NORESERVE

// memfd makes the anonymous file behind MAP_SHARED memory, so that a
// forked Space can map the same pages.
func memfd() (int, error) { return unix.MemfdCreate("blink-shm", unix.MFD_CLOEXEC) }

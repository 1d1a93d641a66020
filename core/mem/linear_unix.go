//go:build linux || darwin || freebsd || netbsd || openbsd

package mem

import (
	"errors"
	"unsafe"

	"golang.org/x/sys/unix"
)

func linearUnsupported() string {
	return linearUnsupportedOn(unsafe.Sizeof(uintptr(0)), unix.Getpagesize())
}

func hostReserve(size uint64) (unsafe.Pointer, error) {
	return unix.MmapPtr(-1, 0, nil, uintptr(size), unix.PROT_NONE,
		unix.MAP_PRIVATE|unix.MAP_ANON|mapNoReserve)
}

func hostRelease(p unsafe.Pointer, size uint64) { unix.MunmapPtr(p, uintptr(size)) }

func hostMapAnon(p unsafe.Pointer, n uint64, prot int) error {
	_, err := unix.MmapPtr(-1, 0, p, uintptr(n), prot, unix.MAP_PRIVATE|unix.MAP_ANON|unix.MAP_FIXED)
	return err
}

func hostMapFD(p unsafe.Pointer, n uint64, prot, fd int, off int64) error {
	_, err := unix.MmapPtr(fd, off, p, uintptr(n), prot, unix.MAP_SHARED|unix.MAP_FIXED)
	return err
}

// hostDecommit returns [p, p+n) to the reservation: inaccessible and
// without backing memory.
func hostDecommit(p unsafe.Pointer, n uint64) {
	unix.MmapPtr(-1, 0, p, uintptr(n), unix.PROT_NONE, unix.MAP_PRIVATE|unix.MAP_ANON|unix.MAP_FIXED|mapNoReserve)
}

func hostProtect(p unsafe.Pointer, n uint64, prot int) error {
	return unix.Mprotect(unsafe.Slice((*byte)(p), n), prot)
}

func hostCloseFD(fd int) { unix.Close(fd) }

var errNoShm = errors.New("no host shared memory objects")

func hostShm(size uint64) (int, error) {
	fd, err := memfd()
	if err != nil {
		return -1, err
	}
	if err := unix.Ftruncate(fd, int64(size)); err != nil {
		unix.Close(fd)
		return -1, err
	}
	return fd, nil
}

func hostTruncate(fd int, size int64) error { return unix.Ftruncate(fd, size) }

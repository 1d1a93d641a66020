package mem

import (
	"runtime"
	"sync"
	"unsafe"

	"golang.org/x/sys/unix"
)

// pagemap is this process's /proc/self/pagemap, opened on first use. It
// is a handle on the host process, shared by every Space like the host
// address space it describes; -1 if it cannot be opened.
var pagemap struct {
	once sync.Once
	fd   int
}

const (
	pmPresent = 1 << 63
	pmSwapped = 1 << 62
)

// hostResident calls fn(off, n) for the runs of pages in the host range
// [p, p+size) that may hold data: present or swapped out. Pages never
// touched since they were mapped are reported absent; they read as zeros.
//
// It reads /proc/self/pagemap rather than calling mincore(2), because
// mincore reports a swapped-out anonymous page as not resident, and
// skipping it would lose its contents. Without pagemap (no /proc, or a
// kernel that refuses it) the whole range is reported.
func hostResident(p unsafe.Pointer, size uint64, buf []uint64, fn func(off, n uint64)) {
	if !residentPrecise() {
		fn(0, size)
		return
	}
	first := uint64(uintptr(p)) >> pageShift
	pages := size >> pageShift
	runStart, inRun := uint64(0), false
	for done := uint64(0); done < pages; {
		chunk := buf[:min(uint64(len(buf)), pages-done)]
		raw := unsafe.Slice((*byte)(unsafe.Pointer(&chunk[0])), len(chunk)*8)
		n, err := unix.Pread(pagemap.fd, raw, int64((first+done)*8))
		if err != nil || n != len(raw) {
			// Report everything not yet classified.
			if !inRun {
				runStart = done
			}
			fn(runStart<<pageShift, size-runStart<<pageShift)
			return
		}
		for i, e := range chunk {
			has := e&(pmPresent|pmSwapped) != 0
			switch {
			case has && !inRun:
				runStart, inRun = done+uint64(i), true
			case !has && inRun:
				fn(runStart<<pageShift, (done+uint64(i)-runStart)<<pageShift)
				inRun = false
			}
		}
		done += uint64(len(chunk))
	}
	if inRun {
		fn(runStart<<pageShift, (pages-runStart)<<pageShift)
	}
}

// residentPrecise reports whether hostResident can tell touched pages from
// untouched ones (it reports whole ranges otherwise).
//
// Only x86-64 hosts use it for now: under qemu-user (how CI runs the other
// architectures) the probe below was seen to pass while pagemap still
// misdescribed guest pages, and a wrong answer loses a forked child's data.
// Elsewhere fork copies whole mappings: slower, never wrong.
func residentPrecise() bool {
	if runtime.GOARCH != "amd64" {
		return false
	}
	pagemap.once.Do(func() {
		fd, err := unix.Open("/proc/self/pagemap", unix.O_RDONLY|unix.O_CLOEXEC, 0)
		if err != nil {
			fd = -1
		} else if !pagemapWorks(fd) {
			unix.Close(fd)
			fd = -1
		}
		pagemap.fd = fd
	})
	return pagemap.fd >= 0
}

// pagemapWorks checks, once, that pagemap describes this address space: a
// page just written must read as present and a page never touched as
// absent. Emulators such as qemu-user show the host's view at other
// addresses; trusting that would leave written pages uncopied.
func pagemapWorks(fd int) bool {
	const size = 2 << pageShift
	b, err := unix.Mmap(-1, 0, size, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANONYMOUS)
	if err != nil {
		return false
	}
	defer unix.Munmap(b)
	b[0] = 1
	var raw [16]byte
	first := uint64(uintptr(unsafe.Pointer(&b[0]))) >> pageShift
	if n, err := unix.Pread(fd, raw[:], int64(first*8)); err != nil || n != len(raw) {
		return false
	}
	touched := *(*uint64)(unsafe.Pointer(&raw[0]))
	untouched := *(*uint64)(unsafe.Pointer(&raw[8]))
	return touched&pmPresent != 0 && untouched&(pmPresent|pmSwapped) == 0
}

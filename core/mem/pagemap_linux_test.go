package mem

import (
	"runtime"
	"testing"

	"golang.org/x/sys/unix"
)

// On a real x86-64 Linux host the probe must accept pagemap, or fork
// silently falls back to copying every page.
func TestPagemapProbeAcceptsRealKernel(t *testing.T) {
	if runtime.GOARCH != "amd64" {
		t.Skip("only a native x86-64 host is known to have a faithful pagemap")
	}
	fd, err := unix.Open("/proc/self/pagemap", unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		t.Skipf("no pagemap: %v", err)
	}
	defer unix.Close(fd)
	if !pagemapWorks(fd) {
		t.Fatal("pagemap probe rejected the host kernel's pagemap")
	}
}

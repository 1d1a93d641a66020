package tmpfs

import (
	"os"

	"golang.org/x/sys/unix"
)

// hostBacking is anonymous shared memory: a memfd, as Linux's own shmem.
func hostBacking() (*os.File, error) {
	fd, err := unix.MemfdCreate("blink-tmpfs", unix.MFD_CLOEXEC)
	if err != nil {
		return nil, err
	}
	return os.NewFile(uintptr(fd), "blink-tmpfs"), nil
}

//go:build windows

package rootfs

import (
	"errors"
	"os"
	"time"

	"golang.org/x/sys/windows"
)

func mkfifo(p string, mode uint32) error { return errors.ErrUnsupported }

// lchtimes is a no-op: Windows symlinks are rare in unpacked roots (they
// need Developer Mode) and their times do not matter to the guest.
func lchtimes(p string, t time.Time) {}

func lockFile(f *os.File) (busy bool, err error) {
	ol := new(windows.Overlapped)
	err = windows.LockFileEx(windows.Handle(f.Fd()),
		windows.LOCKFILE_EXCLUSIVE_LOCK|windows.LOCKFILE_FAIL_IMMEDIATELY, 0, 1, 0, ol)
	if err == windows.ERROR_LOCK_VIOLATION || err == windows.ERROR_IO_PENDING {
		return true, nil
	}
	return false, err
}

func unlockFile(f *os.File) error {
	return windows.UnlockFileEx(windows.Handle(f.Fd()), 0, 1, 0, new(windows.Overlapped))
}

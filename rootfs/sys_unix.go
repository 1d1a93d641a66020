//go:build unix

package rootfs

import (
	"os"
	"time"

	"golang.org/x/sys/unix"
)

func mkfifo(p string, mode uint32) error { return unix.Mkfifo(p, mode) }

// lchtimes sets a symlink's own times; not following it matters, as the
// target may be absolute and so point at the host.
func lchtimes(p string, t time.Time) {
	ts := []unix.Timespec{unix.NsecToTimespec(t.UnixNano()), unix.NsecToTimespec(t.UnixNano())}
	unix.UtimesNanoAt(unix.AT_FDCWD, p, ts, unix.AT_SYMLINK_NOFOLLOW)
}

// lockFile takes an exclusive advisory lock without blocking; busy reports
// that another process (or another open of the file) holds it. flock locks
// belong to the open file description, so two opens in one process exclude
// each other as two processes do.
func lockFile(f *os.File) (busy bool, err error) {
	err = unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB)
	if err == unix.EWOULDBLOCK {
		return true, nil
	}
	return false, err
}

func unlockFile(f *os.File) error { return unix.Flock(int(f.Fd()), unix.LOCK_UN) }

//go:build !unix && !windows

package rootfs

import (
	"errors"
	"os"
	"time"
)

func mkfifo(p string, mode uint32) error { return errors.ErrUnsupported }

func lchtimes(p string, t time.Time) {}

// Hosts without file locking (wasm, plan9) run one blink at a time.
func lockFile(f *os.File) (busy bool, err error) { return false, nil }

func unlockFile(f *os.File) error { return nil }

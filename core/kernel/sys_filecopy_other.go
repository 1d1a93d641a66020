//go:build !linux

package kernel

import "github.com/blink-go/blink/core/abi"

// Other hosts' preallocation calls (F_PREALLOCATE, posix_fallocate) do not
// take Linux's modes; allocate emulates the visible ones instead.
func hostFallocate(fd int, mode uint32, off, n int64) abi.Errno { return abi.EOPNOTSUPP }

// Guest writes reach the host's files directly, and the host flushes
// them on its own schedule.
func hostSync() {}

func hostSyncfs(fd int) abi.Errno { return 0 }

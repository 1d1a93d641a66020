package hostfs

import (
	"github.com/blink-go/blink/core/abi"
)

// mknodat: macOS has no mknodat; devices and FIFOs cannot be made safely
// relative to a directory descriptor, so they are refused as on a Linux
// file system without ->mknod.
func mknodat(dfd int, name string, mode uint32, dev uint64) abi.Errno { return abi.EPERM }

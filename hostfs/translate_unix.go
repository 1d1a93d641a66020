//go:build linux || darwin || freebsd

package hostfs

import (
	"golang.org/x/sys/unix"

	"github.com/blink-go/blink/core/abi"
)

// HostErrno translates a host errno number, as getsockopt(SO_ERROR)
// reports one, into the guest's.
func HostErrno(e unix.Errno) abi.Errno { return errnoFromHost(e) }

// OpenFlags translates guest open(2) flags into the host's.
func OpenFlags(flags int) (int, abi.Errno) { return openFlags(flags) }

package hostfs

import "github.com/blink-go/blink/core/abi"

// The kernel's own host calls (the host terminal and stdio, sockets) need
// the same translations as this package's files; these are the one copy.

// Errno translates an error from a host call into the guest's errno
// (x86-64 Linux numbering); errors without one become EIO.
func Errno(err error) abi.Errno { return errnoOf(err) }

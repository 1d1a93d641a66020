//go:build darwin || freebsd

package kernel

import "golang.org/x/sys/unix"

// BSD hosts have SO_NOSIGPIPE instead of MSG_NOSIGNAL on every send.
const hostNoSignal = 0

func noSigpipe(fd int) { unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_NOSIGPIPE, 1) }

//go:build !(linux || darwin || freebsd)

package kernel

import "github.com/blink-go/blink/core/abi"

// Without a Unix host socket API (Windows), IP sockets are not offered.
func newInetSocket(t *Task, family, typ, proto int) (socketOps, abi.Errno) {
	t.k.log.Once("socket-inet", "socket: IP sockets are not supported on this host")
	return nil, abi.EAFNOSUPPORT
}

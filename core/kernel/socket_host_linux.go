package kernel

import "golang.org/x/sys/unix"

const (
	hostNoSignal    = unix.MSG_NOSIGNAL
	hostTCPKeepIdle = unix.TCP_KEEPIDLE
)

func noSigpipe(fd int) {}

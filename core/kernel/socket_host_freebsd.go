package kernel

import "golang.org/x/sys/unix"

const hostTCPKeepIdle = unix.TCP_KEEPIDLE

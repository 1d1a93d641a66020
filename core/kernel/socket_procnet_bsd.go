//go:build darwin || freebsd

package kernel

import (
	"github.com/blink-go/blink/core/abi"
)

// FIONREAD is _IOR('f', 127, int) on macOS and FreeBSD; x/sys/unix does
// not name it there.
const hostFIONREAD = 0x4004667f

// hostTCPInfo: the BSDs' TCP information structures differ from Linux's
// and between themselves; the state is derived from listening and peer
// instead (procSocket).
func hostTCPInfo(int) (tcpHostInfo, bool) { return tcpHostInfo{}, false }

// hostOutQueue: the BSDs keep the unsent byte count under different
// names (SO_NWRITE on macOS, FIONWRITE on FreeBSD); neither is the
// unacknowledged count Linux reports, so none is claimed.
func hostOutQueue(int) (int, abi.Errno) { return 0, abi.ENOTTY }

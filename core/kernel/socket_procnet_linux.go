package kernel

import (
	"golang.org/x/sys/unix"

	"github.com/blink-go/blink/core/abi"
)

const hostFIONREAD = unix.SIOCINQ

// hostTCPInfo reads a Linux host's TCP_INFO, whose states are Linux's own,
// and the queues as get_tcp4_sock computes them: for a listener the accept
// queue (tcpi_unacked), else SIOCINQ and SIOCOUTQ.
func hostTCPInfo(fd int) (tcpHostInfo, bool) {
	ti, err := unix.GetsockoptTCPInfo(fd, unix.IPPROTO_TCP, unix.TCP_INFO)
	if err != nil || ti.State == 0 {
		// 0 is no TCP state: qemu-user answers TCP_INFO without
		// filling it in. Fall back as on hosts without TCP_INFO.
		return tcpHostInfo{}, false
	}
	info := tcpHostInfo{state: int(ti.State), rto: ti.Rto, ato: ti.Ato, cwnd: ti.Snd_cwnd, ssthresh: int64(ti.Snd_ssthresh)}
	if ti.Snd_ssthresh >= 0x7fffffff { // TCP_INFINITE_SSTHRESH: still in initial slow start
		info.ssthresh = -1
	}
	if info.state == abi.TCP_LISTEN {
		// The fast-open queue's length stands where ssthresh is; blink
		// does not enable fast open. TCP_INFO stops before the timers
		// for a listener, whose retransmission timeout keeps its initial
		// second (TCP_TIMEOUT_INIT).
		info.rxq, info.ssthresh, info.rto, info.ato = uint64(ti.Unacked), 0, 1e6, 0
		return info, true
	}
	if n, err := unix.IoctlGetInt(fd, unix.SIOCINQ); err == nil {
		info.rxq = uint64(n)
	}
	if n, err := unix.IoctlGetInt(fd, unix.SIOCOUTQ); err == nil {
		info.txq = uint64(n)
	}
	return info, true
}

func hostOutQueue(fd int) (int, abi.Errno) {
	n, err := unix.IoctlGetInt(fd, unix.SIOCOUTQ)
	if err != nil {
		return 0, hostErrno(err)
	}
	return n, 0
}

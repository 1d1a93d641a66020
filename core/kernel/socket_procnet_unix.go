//go:build linux || darwin || freebsd

package kernel

import (
	"golang.org/x/sys/unix"

	"github.com/blink-go/blink/core/abi"
	"github.com/blink-go/blink/procfs"
)

// An IP socket is described from its host socket: addresses from
// getsockname and getpeername, the TCP state and queues from the host's
// TCP_INFO where it has one (hostTCPInfo, per host), else from whether it
// listens and whether it has a peer.

// tcpHostInfo is what a host reports of a TCP socket, in Linux's terms.
type tcpHostInfo struct {
	state    int    // Linux TCP state
	rto, ato uint32 // microseconds
	cwnd     uint32 // segments
	ssthresh int64  // -1 in initial slow start
	rxq, txq uint64 // bytes not yet read, not yet acknowledged (listeners: accept queue)
}

func (s *inetSocket) procSocket() (procfs.Socket, bool) {
	if s.closed.Load() {
		return procfs.Socket{}, false
	}
	ps := procfs.Socket{Family: s.family, Type: s.typ, Proto: s.proto, Ino: s.ino, Refs: 2}
	size := 4
	if s.family == abi.AF_INET6 {
		size = 16
	}
	ps.Local, ps.Remote = make([]byte, size), make([]byte, size)
	if sa, err := unix.Getsockname(s.fd); err == nil {
		ps.LocalPort = hostIP(sa, ps.Local)
	}
	peer, perr := unix.Getpeername(s.fd)
	if perr == nil {
		ps.RemPort = hostIP(peer, ps.Remote)
	}
	if s.typ != abi.SOCK_STREAM {
		// UDP: listed once it has a port; "connected" when it has a peer.
		ps.State = abi.TCP_CLOSE
		if perr == nil {
			ps.State = abi.TCP_ESTABLISHED
		}
		if n, err := unix.IoctlGetInt(s.fd, hostFIONREAD); err == nil {
			ps.RxQueue = uint64(n)
		}
		return ps, ps.LocalPort != 0
	}
	info, ok := hostTCPInfo(s.fd)
	if !ok {
		// Linux's values for a fresh socket: the initial one-second
		// retransmission timeout, ten segments of window, slow start.
		info = tcpHostInfo{state: abi.TCP_CLOSE, rto: 1e6, cwnd: 10, ssthresh: -1}
		if v, err := unix.GetsockoptInt(s.fd, unix.SOL_SOCKET, unix.SO_ACCEPTCONN); err == nil && v != 0 {
			info.state, info.ssthresh = abi.TCP_LISTEN, 0
		} else if perr == nil {
			info.state, info.ato = abi.TCP_ESTABLISHED, 40000
		}
		if info.state != abi.TCP_LISTEN {
			if n, err := unix.IoctlGetInt(s.fd, hostFIONREAD); err == nil {
				info.rxq = uint64(n)
			}
		}
	}
	// Linux hashes a TCP socket (and so lists it) once it listens or
	// connects; a socket merely created or bound is not in the tables.
	if info.state == abi.TCP_CLOSE {
		return ps, false
	}
	ps.State = info.state
	ps.RTO, ps.ATO, ps.Cwnd, ps.Ssthresh = info.rto, info.ato, info.cwnd, info.ssthresh
	ps.RxQueue, ps.TxQueue = info.rxq, info.txq
	if info.state == abi.TCP_LISTEN {
		ps.Refs = 1
	}
	return ps, true
}

// hostIP copies a host address's IP into ip (4 or 16 bytes, IPv4-mapped
// for an IPv6 socket) and returns the port.
func hostIP(sa unix.Sockaddr, ip []byte) uint16 {
	switch a := sa.(type) {
	case *unix.SockaddrInet4:
		copy(ip, a.Addr[:])
		return uint16(a.Port)
	case *unix.SockaddrInet6:
		if len(ip) == 16 {
			copy(ip, a.Addr[:])
		}
		return uint16(a.Port)
	}
	return 0
}

// inQueue is SIOCINQ (FIONREAD): bytes readable.
func (s *inetSocket) inQueue() (int, abi.Errno) {
	n, err := unix.IoctlGetInt(s.fd, hostFIONREAD)
	if err != nil {
		return 0, hostErrno(err)
	}
	return n, 0
}

// outQueue is SIOCOUTQ: bytes sent but not yet acknowledged.
func (s *inetSocket) outQueue() (int, abi.Errno) { return hostOutQueue(s.fd) }

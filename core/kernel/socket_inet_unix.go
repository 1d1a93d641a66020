//go:build linux || darwin || freebsd

package kernel

import (
	"encoding/binary"
	"sync/atomic"
	"time"

	"golang.org/x/sys/unix"

	"github.com/blink-go/blink/core/abi"
	"github.com/blink-go/blink/hostfs"
)

// AF_INET and AF_INET6 through host sockets. The host descriptor is
// always non-blocking; a blocking guest operation waits for the host's
// readiness with pollWait, which signals and exit_group interrupt.
// Addresses, flags and options are translated from Linux's numbering to
// the host's here, so the same code serves macOS and FreeBSD.

type inetSocket struct {
	fd     int
	family int
	typ    int
	proto  int
	ino    uint64
	// gen counts the guest's operations that found the socket not ready
	// (EAGAIN) or changed its state: after one, the next readiness is an
	// edge for epoll (the host's own edges are not visible to us).
	gen      atomic.Uint64
	closed   atomic.Bool
	rcvTimeo atomic.Int64 // SO_RCVTIMEO, ns (0: none)
	sndTimeo atomic.Int64
}

func newInetSocket(t *Task, family, typ, proto int) (socketOps, abi.Errno) {
	switch typ {
	case abi.SOCK_STREAM:
		if proto != 0 && proto != abi.IPPROTO_TCP {
			return nil, abi.EPROTONOSUPPORT
		}
		proto = abi.IPPROTO_TCP
	case abi.SOCK_DGRAM:
		if proto != 0 && proto != abi.IPPROTO_UDP {
			return nil, abi.EPROTONOSUPPORT
		}
		proto = abi.IPPROTO_UDP
	default:
		t.k.log.Once("socket-type", "socket: type %d of family %d is not supported", typ, family)
		return nil, abi.ESOCKTNOSUPPORT
	}
	hf := unix.AF_INET
	if family == abi.AF_INET6 {
		hf = unix.AF_INET6
	}
	ht := unix.SOCK_STREAM
	if typ == abi.SOCK_DGRAM {
		ht = unix.SOCK_DGRAM
	}
	fd, err := unix.Socket(hf, ht, proto)
	if err != nil {
		return nil, hostErrno(err)
	}
	unix.SetNonblock(fd, true)
	unix.CloseOnExec(fd)
	noSigpipe(fd)
	return &inetSocket{fd: fd, family: family, typ: typ, proto: proto, ino: sockInodes.Add(1) + 5000}, 0
}

// toHostAddr decodes a Linux sockaddr_in or sockaddr_in6.
func (s *inetSocket) toHostAddr(sa []byte) (unix.Sockaddr, abi.Errno) {
	if len(sa) < 2 {
		return nil, abi.EINVAL
	}
	fam := int(binary.LittleEndian.Uint16(sa))
	switch fam {
	case abi.AF_INET:
		if len(sa) < abi.SockaddrInSize {
			return nil, abi.EINVAL
		}
		if s.family != abi.AF_INET {
			// An IPv6 socket takes IPv4 addresses only as mapped ones.
			return nil, abi.EAFNOSUPPORT
		}
		a := &unix.SockaddrInet4{Port: int(binary.BigEndian.Uint16(sa[2:]))}
		copy(a.Addr[:], sa[4:8])
		return a, 0
	case abi.AF_INET6:
		if len(sa) < 24 {
			return nil, abi.EINVAL
		}
		if s.family != abi.AF_INET6 {
			return nil, abi.EAFNOSUPPORT
		}
		a := &unix.SockaddrInet6{Port: int(binary.BigEndian.Uint16(sa[2:]))}
		copy(a.Addr[:], sa[8:24])
		if len(sa) >= abi.SockaddrIn6Size {
			a.ZoneId = binary.LittleEndian.Uint32(sa[24:])
		}
		return a, 0
	}
	return nil, abi.EAFNOSUPPORT
}

// fromHostAddr encodes a host address in Linux's layout.
func fromHostAddr(sa unix.Sockaddr) []byte {
	switch a := sa.(type) {
	case *unix.SockaddrInet4:
		b := make([]byte, abi.SockaddrInSize)
		binary.LittleEndian.PutUint16(b, abi.AF_INET)
		binary.BigEndian.PutUint16(b[2:], uint16(a.Port))
		copy(b[4:], a.Addr[:])
		return b
	case *unix.SockaddrInet6:
		b := make([]byte, abi.SockaddrIn6Size)
		binary.LittleEndian.PutUint16(b, abi.AF_INET6)
		binary.BigEndian.PutUint16(b[2:], uint16(a.Port))
		copy(b[8:], a.Addr[:])
		binary.LittleEndian.PutUint32(b[24:], a.ZoneId)
		return b
	}
	return []byte{abi.AF_UNSPEC, 0}
}

// wait blocks until the host descriptor has one of events (or the
// timeout in ns passes, 0: none).
func (s *inetSocket) wait(t *Task, events uint32, timeout int64) abi.Errno {
	var deadline time.Time
	if timeout > 0 {
		deadline = time.Now().Add(time.Duration(timeout))
	}
	ready := func() bool { return hostReadiness(s.fd, events|pollAlways) != 0 }
	reg := func(r *pollRegs) { r.addHost(s.fd, events) }
	switch t.pollWait(deadline, reg, ready) {
	case waitInterrupted:
		return errRestartSys
	case waitTimedOut:
		return abi.EAGAIN
	}
	return 0
}

func (s *inetSocket) bind(t *Task, sa []byte) abi.Errno {
	s.gen.Add(1)
	ha, e := s.toHostAddr(sa)
	if e != 0 {
		return e
	}
	return hostErrno(unix.Bind(s.fd, ha))
}

func (s *inetSocket) listen(t *Task, backlog int) abi.Errno {
	s.gen.Add(1)
	return hostErrno(unix.Listen(s.fd, backlog))
}

func (s *inetSocket) accept(t *Task, nonblock bool) (socketOps, []byte, abi.Errno) {
	for {
		nfd, sa, err := unix.Accept(s.fd)
		if err == nil {
			unix.SetNonblock(nfd, true)
			unix.CloseOnExec(nfd)
			noSigpipe(nfd)
			ns := &inetSocket{fd: nfd, family: s.family, typ: s.typ, proto: s.proto,
				ino: sockInodes.Add(1) + 5000}
			return ns, fromHostAddr(sa), 0
		}
		if err == unix.EINTR || err == unix.ECONNABORTED {
			continue
		}
		if err == unix.EAGAIN {
			s.gen.Add(1)
		}
		if err != unix.EAGAIN || nonblock {
			return nil, nil, hostErrno(err)
		}
		if e := s.wait(t, abi.POLLIN, s.rcvTimeo.Load()); e != 0 {
			return nil, nil, e
		}
	}
}

func (s *inetSocket) connect(t *Task, sa []byte, nonblock bool) abi.Errno {
	s.gen.Add(1)
	ha, e := s.toHostAddr(sa)
	if e != 0 {
		return e
	}
	err := unix.Connect(s.fd, ha)
	if err == nil || s.typ == abi.SOCK_DGRAM {
		return hostErrno(err)
	}
	if err != unix.EINPROGRESS && err != unix.EALREADY && err != unix.EINTR {
		return hostErrno(err)
	}
	if nonblock {
		return hostErrno(err)
	}
	if e := s.wait(t, abi.POLLOUT, s.sndTimeo.Load()); e != 0 {
		if e == abi.EAGAIN {
			return abi.EINPROGRESS
		}
		return e
	}
	soerr, gerr := unix.GetsockoptInt(s.fd, unix.SOL_SOCKET, unix.SO_ERROR)
	if gerr != nil {
		return hostErrno(gerr)
	}
	if soerr != 0 {
		return hostErrno(unix.Errno(soerr))
	}
	return 0
}

func (s *inetSocket) shutdown(how int) abi.Errno {
	s.gen.Add(1)
	h := unix.SHUT_RDWR
	switch how {
	case abi.SHUT_RD:
		h = unix.SHUT_RD
	case abi.SHUT_WR:
		h = unix.SHUT_WR
	}
	return hostErrno(unix.Shutdown(s.fd, h))
}

// hostMsgFlags translates the flags a host call should see; blocking is
// handled here (MSG_DONTWAIT never reaches the host).
func hostMsgFlags(flags int) int {
	h := 0
	if flags&abi.MSG_PEEK != 0 {
		h |= unix.MSG_PEEK
	}
	if flags&abi.MSG_OOB != 0 {
		h |= unix.MSG_OOB
	}
	if flags&abi.MSG_TRUNC != 0 {
		h |= unix.MSG_TRUNC
	}
	return h
}

func (s *inetSocket) sendmsg(t *Task, data []byte, to []byte, rights []*Description, flags int, nonblock bool) (int, abi.Errno) {
	closeAll(rights) // descriptors cannot travel over IP
	var ha unix.Sockaddr
	if to != nil && s.typ == abi.SOCK_DGRAM {
		var e abi.Errno
		if ha, e = s.toHostAddr(to); e != 0 {
			return 0, e
		}
	}
	sent := 0
	for {
		n, err := unix.SendmsgN(s.fd, data[sent:], nil, ha, hostMsgFlags(flags&abi.MSG_OOB)|hostNoSignal)
		if n > 0 {
			sent += n
		}
		switch {
		case err == unix.EINTR:
			continue
		case err == nil && (sent == len(data) || s.typ == abi.SOCK_DGRAM):
			return sent, 0
		case err != nil && err != unix.EAGAIN:
			if sent > 0 {
				return sent, 0
			}
			return 0, hostErrno(err)
		}
		s.gen.Add(1)
		if nonblock {
			if sent > 0 {
				return sent, 0
			}
			return 0, abi.EAGAIN
		}
		if e := s.wait(t, abi.POLLOUT, s.sndTimeo.Load()); e != 0 {
			if sent > 0 {
				return sent, 0
			}
			return 0, e
		}
	}
}

func (s *inetSocket) recvmsg(t *Task, buf []byte, flags int, nonblock bool) (int, []byte, []*Description, []byte, int, abi.Errno) {
	got := 0
	for {
		n, _, rflags, from, err := unix.Recvmsg(s.fd, buf[got:], nil, hostMsgFlags(flags))
		if err == unix.EINTR {
			continue
		}
		if err == nil {
			mflags := 0
			if rflags&unix.MSG_TRUNC != 0 {
				mflags |= abi.MSG_TRUNC
			}
			got += n
			if flags&abi.MSG_WAITALL != 0 && s.typ == abi.SOCK_STREAM && n > 0 && got < len(buf) && !nonblock {
				continue
			}
			var sa []byte
			if from != nil {
				sa = fromHostAddr(from)
			}
			return got, sa, nil, nil, mflags, 0
		}
		if err != unix.EAGAIN {
			if got > 0 {
				return got, nil, nil, nil, 0, 0
			}
			return 0, nil, nil, nil, 0, hostErrno(err)
		}
		s.gen.Add(1)
		if nonblock || got > 0 && flags&abi.MSG_WAITALL == 0 {
			if got > 0 {
				return got, nil, nil, nil, 0, 0
			}
			return 0, nil, nil, nil, 0, abi.EAGAIN
		}
		if e := s.wait(t, abi.POLLIN, s.rcvTimeo.Load()); e != 0 {
			if got > 0 {
				return got, nil, nil, nil, 0, 0
			}
			return 0, nil, nil, nil, 0, e
		}
	}
}

func (s *inetSocket) sockname() []byte {
	sa, err := unix.Getsockname(s.fd)
	if err != nil {
		return []byte{byte(s.family), 0}
	}
	return fromHostAddr(sa)
}

func (s *inetSocket) peername() ([]byte, abi.Errno) {
	sa, err := unix.Getpeername(s.fd)
	if err != nil {
		return nil, hostErrno(err)
	}
	return fromHostAddr(sa), 0
}

// hostOpt maps a Linux (level, name) with an int value to the host's.
func hostOpt(level, name int) (int, int, bool) {
	switch level {
	case abi.SOL_SOCKET:
		m := map[int]int{abi.SO_REUSEADDR: unix.SO_REUSEADDR, abi.SO_REUSEPORT: unix.SO_REUSEPORT,
			abi.SO_KEEPALIVE: unix.SO_KEEPALIVE, abi.SO_BROADCAST: unix.SO_BROADCAST,
			abi.SO_SNDBUF: unix.SO_SNDBUF, abi.SO_RCVBUF: unix.SO_RCVBUF,
			abi.SO_SNDBUFFORCE: unix.SO_SNDBUF, abi.SO_RCVBUFFORCE: unix.SO_RCVBUF,
			abi.SO_ERROR: unix.SO_ERROR, abi.SO_OOBINLINE: unix.SO_OOBINLINE,
			abi.SO_DONTROUTE: unix.SO_DONTROUTE, abi.SO_RCVLOWAT: unix.SO_RCVLOWAT}
		if h, ok := m[name]; ok {
			return unix.SOL_SOCKET, h, true
		}
	case abi.IPPROTO_TCP:
		m := map[int]int{abi.TCP_NODELAY: unix.TCP_NODELAY, abi.TCP_MAXSEG: unix.TCP_MAXSEG,
			abi.TCP_KEEPINTVL: unix.TCP_KEEPINTVL, abi.TCP_KEEPCNT: unix.TCP_KEEPCNT,
			abi.TCP_KEEPIDLE: hostTCPKeepIdle}
		if h, ok := m[name]; ok {
			return unix.IPPROTO_TCP, h, true
		}
	case abi.IPPROTO_IP:
		m := map[int]int{abi.IP_TOS: unix.IP_TOS, abi.IP_TTL: unix.IP_TTL,
			abi.IP_MULTICAST_TTL: unix.IP_MULTICAST_TTL, abi.IP_MULTICAST_LOOP: unix.IP_MULTICAST_LOOP}
		if h, ok := m[name]; ok {
			return unix.IPPROTO_IP, h, true
		}
	case abi.IPPROTO_IPV6:
		m := map[int]int{abi.IPV6_V6ONLY: unix.IPV6_V6ONLY, abi.IPV6_UNICAST_HOPS: unix.IPV6_UNICAST_HOPS}
		if h, ok := m[name]; ok {
			return unix.IPPROTO_IPV6, h, true
		}
	}
	return 0, 0, false
}

func (s *inetSocket) getsockopt(t *Task, level, name int) ([]byte, abi.Errno) {
	if level == abi.SOL_SOCKET {
		switch name {
		case abi.SO_TYPE:
			return intOpt(int32(s.typ)), 0
		case abi.SO_DOMAIN:
			return intOpt(int32(s.family)), 0
		case abi.SO_PROTOCOL:
			return intOpt(int32(s.proto)), 0
		case abi.SO_ACCEPTCONN:
			v, err := unix.GetsockoptInt(s.fd, unix.SOL_SOCKET, unix.SO_ACCEPTCONN)
			if err != nil {
				return nil, hostErrno(err)
			}
			return intOpt(int32(v)), 0
		case abi.SO_RCVTIMEO, abi.SO_SNDTIMEO:
			v := s.rcvTimeo.Load()
			if name == abi.SO_SNDTIMEO {
				v = s.sndTimeo.Load()
			}
			b := make([]byte, 16)
			le64(b, uint64(v/1e9))
			le64(b[8:], uint64(v%1e9/1e3))
			return b, 0
		case abi.SO_LINGER:
			l, err := unix.GetsockoptLinger(s.fd, unix.SOL_SOCKET, unix.SO_LINGER)
			if err != nil {
				return nil, hostErrno(err)
			}
			b := make([]byte, 8)
			le32(b, uint32(l.Onoff))
			le32(b[4:], uint32(l.Linger))
			return b, 0
		case abi.SO_ERROR:
			v, err := unix.GetsockoptInt(s.fd, unix.SOL_SOCKET, unix.SO_ERROR)
			if err != nil {
				return nil, hostErrno(err)
			}
			if v != 0 {
				v = int(hostfs.HostErrno(unix.Errno(v)))
			}
			return intOpt(int32(v)), 0
		}
	}
	hl, hn, ok := hostOpt(level, name)
	if !ok {
		return nil, abi.ENOPROTOOPT
	}
	v, err := unix.GetsockoptInt(s.fd, hl, hn)
	if err != nil {
		return nil, hostErrno(err)
	}
	return intOpt(int32(v)), 0
}

func (s *inetSocket) setsockopt(t *Task, level, name int, val []byte) abi.Errno {
	if level == abi.SOL_SOCKET {
		switch name {
		case abi.SO_RCVTIMEO, abi.SO_SNDTIMEO:
			if len(val) < 16 {
				return abi.EINVAL
			}
			ns := int64(rd64(val))*1e9 + int64(rd64(val[8:]))*1e3
			if name == abi.SO_RCVTIMEO {
				s.rcvTimeo.Store(ns)
			} else {
				s.sndTimeo.Store(ns)
			}
			return 0
		case abi.SO_LINGER:
			if len(val) < 8 {
				return abi.EINVAL
			}
			return hostErrno(unix.SetsockoptLinger(s.fd, unix.SOL_SOCKET, unix.SO_LINGER,
				&unix.Linger{Onoff: int32(rd32(val)), Linger: int32(rd32(val[4:]))}))
		}
	}
	hl, hn, ok := hostOpt(level, name)
	if !ok {
		// Options with no host meaning (SO_PRIORITY, IP_RECVERR...) are
		// accepted, as a kernel without the feature would mostly do.
		t.k.log.Once("sockopt:"+itoa(int64(level))+":"+itoa(int64(name)),
			"setsockopt: level %d option %d ignored", level, name)
		return 0
	}
	if len(val) < 4 {
		return abi.EINVAL
	}
	return hostErrno(unix.SetsockoptInt(s.fd, hl, hn, int(int32(rd32(val)))))
}

func (s *inetSocket) ReadTask(t *Task, b []byte, nonblock bool) (int, abi.Errno) {
	n, _, _, _, _, e := s.recvmsg(t, b, 0, nonblock)
	return n, e
}

func (s *inetSocket) WriteTask(t *Task, b []byte, nonblock bool) (int, abi.Errno) {
	return s.sendmsg(t, b, nil, nil, 0, nonblock)
}

func (s *inetSocket) Read(b []byte) (int, abi.Errno)  { return s.ReadTask(nil, b, true) }
func (s *inetSocket) Write(b []byte) (int, abi.Errno) { return s.WriteTask(nil, b, true) }

func (s *inetSocket) Pread([]byte, int64) (int, abi.Errno)  { return 0, abi.ESPIPE }
func (s *inetSocket) Pwrite([]byte, int64) (int, abi.Errno) { return 0, abi.ESPIPE }
func (s *inetSocket) Lseek(int64, int) (int64, abi.Errno)   { return 0, abi.ESPIPE }
func (s *inetSocket) Path() string                          { return "socket:[" + itoa(int64(s.ino)) + "]" }
func (s *inetSocket) Stat() (Stat, abi.Errno) {
	return Stat{Dev: 0x8, Ino: s.ino, Nlink: 1, Mode: abi.S_IFSOCK | 0o777, Blksize: 4096}, 0
}

func (s *inetSocket) Close() abi.Errno {
	if s.closed.Swap(true) {
		return 0
	}
	return hostErrno(unix.Close(s.fd))
}

func (s *inetSocket) Readiness(t *Task, mask uint32) uint32 {
	return hostReadiness(s.fd, mask)
}

func (s *inetSocket) PollRegister(r *pollRegs, mask uint32) { r.addHost(s.fd, mask) }
func (s *inetSocket) PollGen(uint32) uint64                 { return s.gen.Load() }

package kernel

import (
	"encoding/binary"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/blink-go/blink/core/abi"
	"github.com/blink-go/blink/procfs"
)

// AF_NETLINK, NETLINK_ROUTE (netlink(7), rtnetlink(7)), in the kernel: a
// guest's `ip addr`, `ip route`, getifaddrs() and if_nameindex() ask
// rtnetlink about the network, and blink answers from the host network
// model (socket_ifreq.go). It is not a host netlink socket: that exists
// only on Linux, and the guest must not be able to change the host's
// configuration. So this is portable, and requests that would change
// something (RTM_NEW*, RTM_DEL*, RTM_SET*) fail with EPERM, as for a
// process without CAP_NET_ADMIN.
//
// What follows Linux's af_netlink.c and rtnetlink.c:
//   - each socket has a port id, unique in the kernel: bind with nl_pid
//     0, or the first send, picks the process's PID, or a negative
//     number when that is taken;
//   - a datagram sent to the kernel may hold several requests; each is
//     answered in order, and acknowledged (NLMSG_ERROR with error 0) when
//     it asks (NLM_F_ACK) or fails (NLMSG_ERROR with -errno and the
//     request copied back);
//   - a dump (NLM_F_DUMP) answers with NLM_F_MULTI messages, about a page
//     of them per datagram, then NLMSG_DONE in a datagram of its own; it
//     is never acknowledged;
//   - replies carry the request's sequence number and the socket's port
//     id, and come from port 0.
//
// Answered: RTM_GETLINK (a dump, or one link by index or name; a dump
// for AF_INET6 gets IPv6's shorter link messages), RTM_GETADDR (a dump,
// all families or one), RTM_GETROUTE (a dump of every table, or the
// route to one destination as `ip route get` asks), RTM_GETRULE and
// RTM_GETNEIGH dumps (socket_netlink_policy.go). Other requests for
// information (queue disciplines, neighbour tables...) fail with
// EOPNOTSUPP.
//
// Multicast groups can be joined, but no notifications are sent: blink
// does not watch the host's network for changes. NETLINK_PKTINFO is
// accepted but adds no control message.
//
// Only NETLINK_ROUTE exists; other protocols are EPROTONOSUPPORT, as on a
// kernel built without them.

// nlDumpSize is how much of a dump goes in one datagram: Linux's
// NLMSG_GOODSIZE, a page less the socket buffer's overhead.
const nlDumpSize = 4096 - 320

// nlDefaultBuf is the default SO_RCVBUF and SO_SNDBUF, and the largest
// value setsockopt takes before doubling it: net.core.rmem_default and
// rmem_max (and their wmem twins) on a usual Linux system.
const nlDefaultBuf = 212992

type netlinkSocket struct {
	k     *Kernel
	typ   int
	proto int
	ino   uint64
	uid   uint32

	mu        sync.Mutex
	portid    uint32
	bound     bool
	groups    uint32
	dstPortid uint32
	dstGroups uint32
	rq        [][]byte // datagrams for the guest, oldest first
	rbytes    int
	err       abi.Errno // sk_err: a reply was dropped (ENOBUFS)
	closed    bool
	pktinfo   bool
	capAck    bool
	extAck    bool
	strict    bool
	noENOBUFS bool
	passcred  bool
	rcvbuf    int
	sndbuf    int
	q         waitQueue
	gen       atomic.Uint64 // arrivals (POLLIN edges)
	rcvTimeo  time.Duration
	sndTimeo  time.Duration
}

// nlPorts maps each kernel's bound port ids to their sockets. A kernel's
// table exists only while it has bound netlink sockets, so kernels that
// end leave nothing behind.
var nlPorts struct {
	mu     sync.Mutex
	tables map[*Kernel]*nlTable
}

type nlTable struct {
	ports map[uint32]*netlinkSocket
	rover int32 // next negative port id to try after a collision
}

func newNetlinkSocket(t *Task, typ, proto int) (socketOps, abi.Errno) {
	if typ != abi.SOCK_RAW && typ != abi.SOCK_DGRAM {
		return nil, abi.ESOCKTNOSUPPORT
	}
	if proto < 0 || proto >= abi.NETLINK_MAX_LINKS {
		return nil, abi.EPROTONOSUPPORT
	}
	if proto != abi.NETLINK_ROUTE {
		t.k.log.Once("netlink-proto:"+itoa(int64(proto)), "socket: netlink protocol %d is not supported", proto)
		return nil, abi.EPROTONOSUPPORT
	}
	return &netlinkSocket{k: t.k, typ: typ, proto: proto, ino: sockInodes.Add(1) + 5000,
		uid: t.proc.creds.EUID, rcvbuf: nlDefaultBuf, sndbuf: nlDefaultBuf}, 0
}

// nlAlign rounds a netlink length up to NLMSG_ALIGNTO (also RTA_ALIGNTO).
func nlAlign(n int) int { return (n + abi.NLMSG_ALIGNTO - 1) &^ (abi.NLMSG_ALIGNTO - 1) }

// insert binds s to portid (0: pick one as netlink_autobind does).
func (s *netlinkSocket) insert(t *Task, portid uint32) abi.Errno {
	nlPorts.mu.Lock()
	defer nlPorts.mu.Unlock()
	if s.bound {
		return 0
	}
	if nlPorts.tables == nil {
		nlPorts.tables = make(map[*Kernel]*nlTable)
	}
	tab := nlPorts.tables[s.k]
	if tab == nil {
		tab = &nlTable{ports: make(map[uint32]*netlinkSocket), rover: -4097}
		nlPorts.tables[s.k] = tab
	}
	if portid != 0 {
		if tab.ports[portid] != nil {
			return abi.EADDRINUSE
		}
	} else {
		portid = uint32(t.proc.pid)
		for tab.ports[portid] != nil {
			portid = uint32(tab.rover)
			tab.rover--
			if tab.rover > -4097 { // wrapped around
				tab.rover = -4097
			}
		}
	}
	tab.ports[portid] = s
	s.mu.Lock()
	s.portid, s.bound = portid, true
	s.mu.Unlock()
	return 0
}

func (s *netlinkSocket) remove() {
	nlPorts.mu.Lock()
	defer nlPorts.mu.Unlock()
	tab := nlPorts.tables[s.k]
	if tab == nil || !s.bound || tab.ports[s.portid] != s {
		return
	}
	delete(tab.ports, s.portid)
	if len(tab.ports) == 0 {
		delete(nlPorts.tables, s.k)
	}
}

// nlAddr decodes a sockaddr_nl.
func nlAddr(sa []byte) (pid, groups uint32, e abi.Errno) {
	if len(sa) < abi.SockaddrNlSize || binary.LittleEndian.Uint16(sa) != abi.AF_NETLINK {
		return 0, 0, abi.EINVAL
	}
	return rd32(sa[4:]), rd32(sa[8:]), 0
}

func nlSockaddr(pid, groups uint32) []byte {
	b := make([]byte, abi.SockaddrNlSize)
	le16(b, abi.AF_NETLINK)
	le32(b[4:], pid)
	le32(b[8:], groups)
	return b
}

func (s *netlinkSocket) bind(t *Task, sa []byte) abi.Errno {
	pid, groups, e := nlAddr(sa)
	if e != 0 {
		return e
	}
	s.mu.Lock()
	bound, cur := s.bound, s.portid
	s.mu.Unlock()
	if bound && pid != cur {
		return abi.EINVAL
	}
	if !bound {
		if e := s.insert(t, pid); e != 0 {
			return e
		}
	}
	// rtnetlink lets anyone listen to its groups (NL_CFG_F_NONROOT_RECV).
	s.mu.Lock()
	s.groups = groups
	s.mu.Unlock()
	return 0
}

func (s *netlinkSocket) listen(*Task, int) abi.Errno { return abi.EOPNOTSUPP }

func (s *netlinkSocket) accept(*Task, bool) (socketOps, []byte, abi.Errno) {
	return nil, nil, abi.EOPNOTSUPP
}

func (s *netlinkSocket) connect(t *Task, sa []byte, nonblock bool) abi.Errno {
	if len(sa) >= 2 && binary.LittleEndian.Uint16(sa) == abi.AF_UNSPEC {
		s.mu.Lock()
		s.dstPortid, s.dstGroups = 0, 0
		s.mu.Unlock()
		return 0
	}
	pid, groups, e := nlAddr(sa)
	if e != 0 {
		return e
	}
	if groups != 0 {
		return abi.EPERM // sending to rtnetlink's groups needs CAP_NET_ADMIN
	}
	if e := s.insert(t, 0); e != 0 {
		return e
	}
	s.mu.Lock()
	s.dstPortid, s.dstGroups = pid, groups
	s.mu.Unlock()
	return 0
}

func (s *netlinkSocket) shutdown(int) abi.Errno { return abi.EOPNOTSUPP }

func (s *netlinkSocket) sockname() []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return nlSockaddr(s.portid, s.groups)
}

// peername succeeds unconnected too, naming port 0 (netlink_getname).
func (s *netlinkSocket) peername() ([]byte, abi.Errno) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return nlSockaddr(s.dstPortid, s.dstGroups), 0
}

func (s *netlinkSocket) sendmsg(t *Task, data []byte, to []byte, rights []*Description, flags int, nonblock bool) (int, abi.Errno) {
	closeAll(rights) // SCM_RIGHTS means nothing to the kernel end
	if flags&abi.MSG_OOB != 0 {
		return 0, abi.EOPNOTSUPP
	}
	s.mu.Lock()
	dst, groups := s.dstPortid, s.dstGroups
	sndbuf := s.sndbuf
	s.mu.Unlock()
	if to != nil {
		var e abi.Errno
		if dst, groups, e = nlAddr(to); e != 0 {
			return 0, e
		}
	}
	// Unicast to another process's socket, or to a group, is for
	// privileged senders only in rtnetlink (no NL_CFG_F_NONROOT_SEND).
	if dst != 0 || groups != 0 {
		return 0, abi.EPERM
	}
	if e := s.insert(t, 0); e != 0 {
		return 0, e
	}
	if len(data) > sndbuf-32 {
		return 0, abi.EMSGSIZE
	}
	s.rtnlReceive(data)
	return len(data), 0
}

func (s *netlinkSocket) recvmsg(t *Task, buf []byte, flags int, nonblock bool) (int, []byte, []*Description, []byte, int, abi.Errno) {
	if flags&abi.MSG_OOB != 0 {
		return 0, nil, nil, nil, 0, abi.EOPNOTSUPP
	}
	var msg []byte
	var err abi.Errno
	ready := func() bool {
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.err != 0 {
			err, s.err = s.err, 0
			return true
		}
		if len(s.rq) == 0 {
			if nonblock {
				err = abi.EAGAIN
				return true
			}
			return false
		}
		msg = s.rq[0]
		if flags&abi.MSG_PEEK == 0 {
			s.rq[0] = nil
			s.rq = s.rq[1:]
			s.rbytes -= len(msg)
		}
		return true
	}
	s.mu.Lock()
	timeo := s.rcvTimeo
	s.mu.Unlock()
	var deadline time.Time
	if timeo > 0 {
		deadline = time.Now().Add(timeo)
	}
	switch t.waitFor(&s.q, deadline, ready) {
	case waitInterrupted:
		if timeo > 0 {
			return 0, nil, nil, nil, 0, abi.EINTR // sk_rcvtimeo: not restarted
		}
		return 0, nil, nil, nil, 0, errRestartSys
	case waitTimedOut:
		return 0, nil, nil, nil, 0, abi.EAGAIN
	}
	if err != 0 {
		return 0, nil, nil, nil, 0, err
	}
	copy(buf, msg)
	var creds []byte
	s.mu.Lock()
	if s.passcred {
		creds = ucred{0, 0, 0}.bytes() // from the kernel
	}
	s.mu.Unlock()
	return len(msg), nlSockaddr(0, 0), nil, creds, 0, 0
}

// queue adds datagrams for the guest. Replies that are not part of a dump
// are dropped when the receive buffer is full, and the next receive fails
// with ENOBUFS, as netlink_unicast does; a dump is generated as the guest
// reads on Linux, so it never overflows, and is queued whole here.
func (s *netlinkSocket) queue(dgrams [][]byte, dump bool) {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	for _, d := range dgrams {
		if !dump && s.rbytes+len(d) > s.rcvbuf {
			if !s.noENOBUFS {
				s.err = abi.ENOBUFS
			}
			continue
		}
		s.rq = append(s.rq, d)
		s.rbytes += len(d)
	}
	s.gen.Add(1)
	s.mu.Unlock()
	s.q.notify()
}

func (s *netlinkSocket) getsockopt(t *Task, level, name int) ([]byte, abi.Errno) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch level {
	case abi.SOL_SOCKET:
		switch name {
		case abi.SO_TYPE:
			return intOpt(int32(s.typ)), 0
		case abi.SO_DOMAIN:
			return intOpt(abi.AF_NETLINK), 0
		case abi.SO_PROTOCOL:
			return intOpt(int32(s.proto)), 0
		case abi.SO_ERROR:
			e := s.err
			s.err = 0
			return intOpt(int32(e)), 0
		case abi.SO_RCVBUF:
			return intOpt(int32(s.rcvbuf)), 0
		case abi.SO_SNDBUF:
			return intOpt(int32(s.sndbuf)), 0
		case abi.SO_PASSCRED:
			return intOpt(b2i(s.passcred)), 0
		case abi.SO_ACCEPTCONN, abi.SO_REUSEADDR, abi.SO_KEEPALIVE, abi.SO_BROADCAST:
			return intOpt(0), 0
		case abi.SO_RCVTIMEO, abi.SO_SNDTIMEO:
			v := s.rcvTimeo
			if name == abi.SO_SNDTIMEO {
				v = s.sndTimeo
			}
			b := make([]byte, 16)
			le64(b, uint64(v/time.Second))
			le64(b[8:], uint64(v%time.Second/time.Microsecond))
			return b, 0
		}
		return nil, abi.ENOPROTOOPT
	case abi.SOL_NETLINK:
		switch name {
		case abi.NETLINK_PKTINFO:
			return intOpt(b2i(s.pktinfo)), 0
		case abi.NETLINK_BROADCAST_ERROR, abi.NETLINK_LISTEN_ALL_NSID:
			return intOpt(0), 0
		case abi.NETLINK_NO_ENOBUFS:
			return intOpt(b2i(s.noENOBUFS)), 0
		case abi.NETLINK_CAP_ACK:
			return intOpt(b2i(s.capAck)), 0
		case abi.NETLINK_EXT_ACK:
			return intOpt(b2i(s.extAck)), 0
		case abi.NETLINK_GET_STRICT_CHK:
			return intOpt(b2i(s.strict)), 0
		case abi.NETLINK_LIST_MEMBERSHIPS:
			return intOpt(int32(s.groups)), 0
		}
		return nil, abi.ENOPROTOOPT
	}
	return nil, abi.ENOPROTOOPT
}

func (s *netlinkSocket) setsockopt(t *Task, level, name int, val []byte) abi.Errno {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch level {
	case abi.SOL_SOCKET:
		switch name {
		case abi.SO_RCVTIMEO, abi.SO_SNDTIMEO:
			if len(val) < 16 {
				return abi.EINVAL
			}
			d := time.Duration(rd64(val))*time.Second + time.Duration(rd64(val[8:]))*time.Microsecond
			if name == abi.SO_RCVTIMEO {
				s.rcvTimeo = d
			} else {
				s.sndTimeo = d
			}
			return 0
		}
		if len(val) < 4 {
			return abi.EINVAL
		}
		v := int(int32(rd32(val)))
		switch name {
		case abi.SO_RCVBUF, abi.SO_SNDBUF, abi.SO_RCVBUFFORCE, abi.SO_SNDBUFFORCE:
			// sock_setsockopt: at most net.core.[rw]mem_max (the FORCE
			// variants need CAP_NET_ADMIN, which the guest lacks), at
			// least SOCK_MIN_RCVBUF, then doubled for overhead.
			n := min(max(v, 0), nlDefaultBuf) * 2
			if name == abi.SO_RCVBUF || name == abi.SO_RCVBUFFORCE {
				s.rcvbuf = max(n, 2304)
			} else {
				s.sndbuf = max(n, 4608)
			}
			return 0
		case abi.SO_PASSCRED:
			s.passcred = v != 0
			return 0
		case abi.SO_REUSEADDR, abi.SO_KEEPALIVE, abi.SO_BROADCAST:
			return 0
		}
		return abi.ENOPROTOOPT
	case abi.SOL_NETLINK:
		if len(val) < 4 {
			return abi.EINVAL
		}
		v := rd32(val)
		switch name {
		case abi.NETLINK_PKTINFO:
			s.pktinfo = v != 0
		case abi.NETLINK_ADD_MEMBERSHIP, abi.NETLINK_DROP_MEMBERSHIP:
			if v == 0 {
				return abi.EINVAL
			}
			if v <= 32 {
				if name == abi.NETLINK_ADD_MEMBERSHIP {
					s.groups |= 1 << (v - 1)
				} else {
					s.groups &^= 1 << (v - 1)
				}
			}
		case abi.NETLINK_BROADCAST_ERROR, abi.NETLINK_LISTEN_ALL_NSID:
		case abi.NETLINK_NO_ENOBUFS:
			s.noENOBUFS = v != 0
		case abi.NETLINK_CAP_ACK:
			s.capAck = v != 0
		case abi.NETLINK_EXT_ACK:
			s.extAck = v != 0
		case abi.NETLINK_GET_STRICT_CHK:
			s.strict = v != 0
		default:
			return abi.ENOPROTOOPT
		}
		return 0
	}
	return abi.ENOPROTOOPT
}

func (s *netlinkSocket) ReadTask(t *Task, b []byte, nonblock bool) (int, abi.Errno) {
	n, _, _, _, _, e := s.recvmsg(t, b, 0, nonblock)
	return min(n, len(b)), e
}

// WriteTask is send(2) without an address; requests are answered before
// it returns, so b is not kept.
func (s *netlinkSocket) WriteTask(t *Task, b []byte, nonblock bool) (int, abi.Errno) {
	return s.sendmsg(t, b, nil, nil, 0, nonblock)
}

func (s *netlinkSocket) Read(b []byte) (int, abi.Errno)        { return 0, abi.EAGAIN }
func (s *netlinkSocket) Write(b []byte) (int, abi.Errno)       { return 0, abi.EAGAIN }
func (s *netlinkSocket) Pread([]byte, int64) (int, abi.Errno)  { return 0, abi.ESPIPE }
func (s *netlinkSocket) Pwrite([]byte, int64) (int, abi.Errno) { return 0, abi.ESPIPE }
func (s *netlinkSocket) Lseek(int64, int) (int64, abi.Errno)   { return 0, abi.ESPIPE }
func (s *netlinkSocket) Path() string                          { return "socket:[" + itoa(int64(s.ino)) + "]" }
func (s *netlinkSocket) Stat() (Stat, abi.Errno) {
	return Stat{Dev: 0x8, Ino: s.ino, Nlink: 1, Mode: abi.S_IFSOCK | 0o777, UID: s.uid, Blksize: 4096}, 0
}

func (s *netlinkSocket) Close() abi.Errno {
	s.remove()
	s.mu.Lock()
	s.closed = true
	s.rq, s.rbytes = nil, 0
	s.mu.Unlock()
	s.q.notify()
	return 0
}

func (s *netlinkSocket) Readiness(t *Task, mask uint32) uint32 {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := uint32(abi.POLLOUT | abi.POLLWRNORM | abi.POLLWRBAND)
	if len(s.rq) > 0 {
		r |= abi.POLLIN | abi.POLLRDNORM
	}
	if s.err != 0 {
		r |= abi.POLLERR
	}
	return r
}

func (s *netlinkSocket) PollRegister(r *pollRegs, mask uint32) { r.addQueue(&s.q) }
func (s *netlinkSocket) PollGen(uint32) uint64                 { return s.gen.Load() }

// procSocket describes the socket for /proc/net/netlink.
func (s *netlinkSocket) procSocket() (procfs.Socket, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return procfs.Socket{Family: abi.AF_NETLINK, Type: s.typ, Proto: s.proto, Ino: s.ino, UID: s.uid,
		PortID: s.portid, Groups: s.groups, RxQueue: uint64(s.rbytes), Refs: 2}, true
}

// rtnetlink: the kernel end.

// nlWriter builds netlink messages in the guest's (little-endian) layout.
type nlWriter struct {
	b     []byte
	start int
}

// begin starts a message; end fills in its length.
func (w *nlWriter) begin(typ, flags uint16, seq, pid uint32) {
	w.start = len(w.b)
	var h [abi.NlmsghdrSize]byte
	le16(h[4:], typ)
	le16(h[6:], flags)
	le32(h[8:], seq)
	le32(h[12:], pid)
	w.b = append(w.b, h[:]...)
}

func (w *nlWriter) end() []byte {
	le32(w.b[w.start:], uint32(len(w.b)-w.start))
	return w.b[w.start:]
}

func (w *nlWriter) put(p []byte) {
	w.b = append(w.b, p...)
	for len(w.b)%abi.NLMSG_ALIGNTO != 0 {
		w.b = append(w.b, 0)
	}
}

func (w *nlWriter) attr(typ uint16, p []byte) {
	var h [abi.RtattrSize]byte
	le16(h[:], uint16(abi.RtattrSize+len(p)))
	le16(h[2:], typ)
	w.b = append(w.b, h[:]...)
	w.put(p)
}

func (w *nlWriter) u8(typ uint16, v uint8) { w.attr(typ, []byte{v}) }

func (w *nlWriter) u32(typ uint16, v uint32) {
	var b [4]byte
	le32(b[:], v)
	w.attr(typ, b[:])
}

func (w *nlWriter) str(typ uint16, s string) { w.attr(typ, append([]byte(s), 0)) }

// rtnlReceive is netlink_rcv_skb with rtnetlink_rcv_msg: it answers each
// request in data.
func (s *netlinkSocket) rtnlReceive(data []byte) {
	s.mu.Lock()
	portid, capAck := s.portid, s.capAck
	s.mu.Unlock()
	for len(data) >= abi.NlmsghdrSize {
		l := int(rd32(data))
		if l < abi.NlmsghdrSize || l > len(data) {
			return
		}
		msg := data[:l]
		typ, flags, seq := binary.LittleEndian.Uint16(msg[4:]), binary.LittleEndian.Uint16(msg[6:]), rd32(msg[8:])
		var err abi.Errno
		acked := true
		if flags&abi.NLM_F_REQUEST != 0 && typ >= abi.NLMSG_MIN_TYPE {
			var replies [][]byte
			var dump bool
			replies, dump, err = rtnlRequest(msg, portid)
			if replies != nil {
				s.queue(replies, dump)
			}
			acked = !dump || err != 0
		}
		if acked && (flags&abi.NLM_F_ACK != 0 || err != 0) {
			s.queue([][]byte{nlAck(msg, err, seq, portid, capAck)}, false)
		}
		data = data[min(nlAlign(l), len(data)):]
	}
}

// nlAck is netlink_ack: NLMSG_ERROR with the error (0 for an ack) and
// the request's header, or the whole request for an error unless the
// socket asked for capped acks (NETLINK_CAP_ACK); a message with only
// the header says so with NLM_F_CAPPED, as Linux does since 4.12.
func nlAck(req []byte, err abi.Errno, seq, portid uint32, capAck bool) []byte {
	var w nlWriter
	var flags uint16
	body := req
	if err == 0 || capAck {
		body, flags = req[:abi.NlmsghdrSize], abi.NLM_F_CAPPED
	}
	w.begin(abi.NLMSG_ERROR, flags, seq, portid)
	var e [4]byte
	le32(e[:], uint32(-int32(err)))
	w.b = append(w.b, e[:]...)
	w.put(body)
	return w.end()
}

// rtnlRequest answers one rtnetlink request: the reply datagrams, whether
// it was a dump (so it gets no ack), and an error for the ack.
func rtnlRequest(msg []byte, portid uint32) ([][]byte, bool, abi.Errno) {
	typ, flags, seq := binary.LittleEndian.Uint16(msg[4:]), binary.LittleEndian.Uint16(msg[6:]), rd32(msg[8:])
	if typ > abi.RTM_MAX {
		return nil, false, abi.EOPNOTSUPP
	}
	body := msg[abi.NlmsghdrSize:]
	if len(body) < abi.RtgenmsgSize {
		return nil, false, 0 // rtnetlink ignores a request without even a family
	}
	family := int(body[0])
	// Changes need CAP_NET_ADMIN, checked before whether the message type
	// has a handler at all.
	if (typ-abi.RTM_BASE)&3 != 2 {
		return nil, false, abi.EPERM
	}
	dump := flags&abi.NLM_F_DUMP == abi.NLM_F_DUMP
	switch typ {
	case abi.RTM_GETLINK:
		if dump {
			n := hostNetwork(false)
			var msgs [][]byte
			for i := range n.Links {
				l := &n.Links[i]
				if family != abi.AF_INET6 {
					msgs = append(msgs, linkMsg(l, abi.NLM_F_MULTI, seq, portid))
				} else if l.MTU >= ipv6MinMTU {
					msgs = append(msgs, inet6LinkMsg(l, abi.NLM_F_MULTI, seq, portid))
				}
			}
			return nlDump(msgs, seq, portid), true, 0
		}
		return getLink(body, seq, portid)
	case abi.RTM_GETADDR:
		if !dump {
			return nil, false, abi.EOPNOTSUPP
		}
		n := hostNetwork(false)
		var msgs [][]byte
		for _, fam := range dumpFamilies(family) {
			for _, l := range n.Links {
				for i := range l.Addrs {
					if l.Addrs[i].Family == fam {
						msgs = append(msgs, addrMsg(&l, &l.Addrs[i], abi.NLM_F_MULTI, seq, portid))
					}
				}
			}
		}
		return nlDump(msgs, seq, portid), true, 0
	case abi.RTM_GETROUTE:
		if !dump {
			return getRoute(body, seq, portid)
		}
		n := hostNetwork(true)
		var msgs [][]byte
		for _, fam := range dumpFamilies(family) {
			for i := range n.Routes {
				if n.Routes[i].Family == fam {
					msgs = append(msgs, routeMsg(&n.Routes[i], abi.RTM_NEWROUTE, abi.NLM_F_MULTI, seq, portid))
				}
			}
		}
		return nlDump(msgs, seq, portid), true, 0
	case abi.RTM_GETRULE, abi.RTM_GETNEIGH:
		if !dump {
			return nil, false, abi.EOPNOTSUPP
		}
		return policyDump(typ, family, seq, portid), true, 0 // socket_netlink_policy.go
	}
	return nil, false, abi.EOPNOTSUPP
}

// dumpFamilies is which address families a dump for family covers:
// rtnetlink falls back to every family (in number order) for one that has
// no handler of its own.
func dumpFamilies(family int) []int {
	switch family {
	case abi.AF_INET, abi.AF_INET6:
		return []int{family}
	case 128, 129: // RTNL_FAMILY_IPMR, RTNL_FAMILY_IP6MR: no multicast routing
		return nil
	}
	return []int{abi.AF_INET, abi.AF_INET6}
}

// nlDump packs a dump's messages into datagrams and ends it with
// NLMSG_DONE, alone in the last datagram as netlink_dump sends it.
func nlDump(msgs [][]byte, seq, portid uint32) [][]byte {
	var out [][]byte
	var cur []byte
	for _, m := range msgs {
		if len(cur) > 0 && len(cur)+len(m) > nlDumpSize {
			out = append(out, cur)
			cur = nil
		}
		cur = append(cur, m...)
	}
	if len(cur) > 0 {
		out = append(out, cur)
	}
	var w nlWriter
	w.begin(abi.NLMSG_DONE, abi.NLM_F_MULTI, seq, portid)
	w.put([]byte{0, 0, 0, 0})
	return append(out, w.end())
}

// getLink is rtnl_getlink: one link by index or IFLA_IFNAME.
func getLink(body []byte, seq, portid uint32) ([][]byte, bool, abi.Errno) {
	if len(body) < abi.IfinfomsgSize {
		return nil, false, abi.EINVAL
	}
	index := int(int32(rd32(body[4:])))
	var name string
	hasName := false
	for at := body[abi.IfinfomsgSize:]; len(at) >= abi.RtattrSize; {
		l := int(binary.LittleEndian.Uint16(at))
		if l < abi.RtattrSize || l > len(at) {
			break
		}
		if binary.LittleEndian.Uint16(at[2:])&abi.NLA_TYPE_MASK == abi.IFLA_IFNAME {
			name, hasName = cstring(at[abi.RtattrSize:l]), true
		}
		at = at[min(nlAlign(l), len(at)):]
	}
	n := hostNetwork(false)
	var l *procfs.Link
	switch {
	case index > 0:
		l = linkByIndex(&n, index)
	case hasName:
		l = linkByName(&n, name)
	default:
		return nil, false, abi.EINVAL
	}
	if l == nil {
		return nil, false, abi.ENODEV
	}
	return [][]byte{linkMsg(l, 0, seq, portid)}, false, 0
}

// linkHeader starts an RTM_NEWLINK message for l as family describes it:
// the ifinfomsg and the interface name, which every such message carries.
func (w *nlWriter) linkHeader(family uint8, l *procfs.Link, flags uint16, seq, portid uint32) {
	w.begin(abi.RTM_NEWLINK, flags, seq, portid)
	var ifi [abi.IfinfomsgSize]byte
	ifi[0] = family
	le16(ifi[2:], l.Type)
	le32(ifi[4:], uint32(l.Index))
	le32(ifi[8:], l.Flags)
	w.put(ifi[:])
	w.str(abi.IFLA_IFNAME, l.Name)
}

// linkMsg is RTM_NEWLINK for l, with rtnl_fill_ifinfo's attributes.
func linkMsg(l *procfs.Link, flags uint16, seq, portid uint32) []byte {
	var w nlWriter
	w.linkHeader(abi.AF_UNSPEC, l, flags, seq, portid)
	w.u32(abi.IFLA_TXQLEN, l.TxQLen)
	w.u8(abi.IFLA_OPERSTATE, l.OperState)
	w.u8(abi.IFLA_LINKMODE, l.LinkMode)
	w.u32(abi.IFLA_MTU, l.MTU)
	w.u32(abi.IFLA_GROUP, l.Group)
	w.u32(abi.IFLA_PROMISCUITY, 0)
	w.u32(abi.IFLA_NUM_TX_QUEUES, l.NumTxQ)
	w.u32(abi.IFLA_NUM_RX_QUEUES, l.NumRxQ)
	w.u8(abi.IFLA_CARRIER, l.Carrier)
	if l.Qdisc != "" {
		w.str(abi.IFLA_QDISC, l.Qdisc)
	}
	var m [abi.RtnlLinkIfmapSize]byte
	le64(m[0:], l.Map.MemStart)
	le64(m[8:], l.Map.MemEnd)
	le64(m[16:], l.Map.BaseAddr)
	le16(m[24:], l.Map.IRQ)
	m[26], m[27] = l.Map.DMA, l.Map.Port
	w.attr(abi.IFLA_MAP, m[:])
	if len(l.HWAddr) > 0 {
		w.attr(abi.IFLA_ADDRESS, l.HWAddr)
	}
	if len(l.Broadcast) > 0 {
		w.attr(abi.IFLA_BROADCAST, l.Broadcast)
	}
	var s64 [abi.RtnlLinkStats64Size]byte
	var s32 [abi.RtnlLinkStatsSize]byte
	for i, v := range l.Stats {
		le64(s64[8*i:], v)
		le32(s32[4*i:], uint32(v))
	}
	w.attr(abi.IFLA_STATS64, s64[:])
	w.attr(abi.IFLA_STATS, s32[:])
	return w.end()
}

// ipv6MinMTU is IPV6_MIN_MTU: Linux gives a device IPv6 (an inet6_dev)
// only if its MTU is at least this.
const ipv6MinMTU = 1280

// inet6LinkMsg is RTM_NEWLINK as IPv6 describes a link
// (inet6_fill_ifinfo), the answer to a link dump for AF_INET6: the
// family's own, shorter message. IFLA_PROTINFO, IPv6's per-device
// settings and counters, is left out: the host's are not known.
func inet6LinkMsg(l *procfs.Link, flags uint16, seq, portid uint32) []byte {
	var w nlWriter
	w.linkHeader(abi.AF_INET6, l, flags, seq, portid)
	if len(l.HWAddr) > 0 {
		w.attr(abi.IFLA_ADDRESS, l.HWAddr)
	}
	w.u32(abi.IFLA_MTU, l.MTU)
	w.u8(abi.IFLA_OPERSTATE, l.OperState)
	return w.end()
}

// addrMsg is RTM_NEWADDR for a (inet_fill_ifaddr, inet6_fill_ifaddr).
func addrMsg(l *procfs.Link, a *procfs.Addr, flags uint16, seq, portid uint32) []byte {
	var w nlWriter
	w.begin(abi.RTM_NEWADDR, flags, seq, portid)
	ifa := [abi.IfaddrmsgSize]byte{byte(a.Family), byte(a.PrefixLen), byte(a.Flags), a.Scope}
	le32(ifa[4:], uint32(l.Index))
	w.put(ifa[:])
	var ci [abi.IfaCacheinfoSize]byte
	le32(ci[0:], a.Preferred)
	le32(ci[4:], a.Valid)
	le32(ci[8:], a.CStamp)
	le32(ci[12:], a.TStamp)
	if a.Family == abi.AF_INET {
		addr := a.Local
		if a.Peer != nil {
			addr = a.Peer
		}
		w.attr(abi.IFA_ADDRESS, addr)
		w.attr(abi.IFA_LOCAL, a.Local)
		if a.Broadcast != nil {
			w.attr(abi.IFA_BROADCAST, a.Broadcast)
		}
		if a.Label != "" {
			w.str(abi.IFA_LABEL, a.Label)
		}
		w.u32(abi.IFA_FLAGS, a.Flags)
		w.attr(abi.IFA_CACHEINFO, ci[:])
		return w.end()
	}
	if a.Peer != nil {
		w.attr(abi.IFA_LOCAL, a.Local)
		w.attr(abi.IFA_ADDRESS, a.Peer)
	} else {
		w.attr(abi.IFA_ADDRESS, a.Local)
	}
	w.attr(abi.IFA_CACHEINFO, ci[:])
	w.u32(abi.IFA_FLAGS, a.Flags)
	return w.end()
}

// routeMsg is RTM_NEWROUTE for r (fib_dump_info, rt6_fill_node).
func routeMsg(r *procfs.Route, typ, flags uint16, seq, portid uint32) []byte {
	var w nlWriter
	w.begin(typ, flags, seq, portid)
	table := r.Table
	if table > 255 {
		table = abi.RT_TABLE_COMPAT
	}
	rtm := [abi.RtmsgSize]byte{byte(r.Family), r.DstLen, r.SrcLen, r.Tos, byte(table), r.Protocol, r.Scope, r.Type}
	le32(rtm[8:], r.Flags)
	w.put(rtm[:])
	w.u32(abi.RTA_TABLE, r.Table)
	if r.Dst != nil {
		w.attr(abi.RTA_DST, r.Dst)
	}
	if r.Src != nil {
		w.attr(abi.RTA_SRC, r.Src)
	}
	if r.HasPriority {
		w.u32(abi.RTA_PRIORITY, r.Priority)
	}
	if r.PrefSrc != nil {
		w.attr(abi.RTA_PREFSRC, r.PrefSrc)
	}
	if r.Gateway != nil {
		w.attr(abi.RTA_GATEWAY, r.Gateway)
	}
	if r.OIF != 0 {
		w.u32(abi.RTA_OIF, uint32(r.OIF))
	}
	if r.CacheInfo != nil {
		var ci [abi.RtaCacheinfoSize]byte
		for i, v := range r.CacheInfo {
			le32(ci[4*i:], v)
		}
		w.attr(abi.RTA_CACHEINFO, ci[:])
	}
	if r.HasPref {
		w.u8(abi.RTA_PREF, r.Pref)
	}
	return w.end()
}

// getRoute is `ip route get`: the route a packet to RTA_DST would take,
// found as the host's FIB would for the common case (the longest prefix
// of the local, then the main table; no policy rules, marks or
// interfaces given in the request).
func getRoute(body []byte, seq, portid uint32) ([][]byte, bool, abi.Errno) {
	if len(body) < abi.RtmsgSize {
		return nil, false, abi.EINVAL
	}
	family := int(body[0])
	var dst []byte
	for at := body[abi.RtmsgSize:]; len(at) >= abi.RtattrSize; {
		l := int(binary.LittleEndian.Uint16(at))
		if l < abi.RtattrSize || l > len(at) {
			break
		}
		if binary.LittleEndian.Uint16(at[2:])&abi.NLA_TYPE_MASK == abi.RTA_DST {
			dst = append([]byte(nil), at[abi.RtattrSize:l]...)
		}
		at = at[min(nlAlign(l), len(at)):]
	}
	size := 4
	if family == abi.AF_INET6 {
		size = 16
	} else if family != abi.AF_INET {
		return nil, false, abi.EAFNOSUPPORT
	}
	if dst == nil {
		dst = make([]byte, size)
	}
	if len(dst) != size {
		return nil, false, abi.EINVAL
	}
	n := hostNetwork(true)
	// IPv4 looks in the local and main tables at once (Linux merges them
	// while there are no policy rules); IPv6 in the local table, then in
	// the main one (the default rules).
	tables := [][]uint32{{abi.RT_TABLE_LOCAL, abi.RT_TABLE_MAIN}}
	if family == abi.AF_INET6 {
		tables = [][]uint32{{abi.RT_TABLE_LOCAL}, {abi.RT_TABLE_MAIN}}
	}
	var best *procfs.Route
	for _, set := range tables {
		for i := range n.Routes {
			r := &n.Routes[i]
			if r.Family != family || (r.Table != set[0] && (len(set) < 2 || r.Table != set[1])) {
				continue
			}
			pfx := make([]byte, size)
			copy(pfx, r.Dst)
			mask := net.CIDRMask(int(r.DstLen), 8*size)
			if !net.IP(dst).Mask(mask).Equal(net.IP(pfx).Mask(mask)) {
				continue
			}
			if best == nil || r.DstLen > best.DstLen || r.DstLen == best.DstLen && r.Priority < best.Priority {
				best = r
			}
		}
		if best != nil {
			break
		}
	}
	if best == nil {
		return nil, false, abi.ENETUNREACH
	}
	// IPv4 (rt_fill_info): the answer is a clone of the route, reported
	// in the main table (the merged one), with no protocol; traffic to a
	// local address goes through the loopback device; broadcast and
	// multicast destinations go straight out, not via a gateway. IPv6
	// sends local traffic through loopback too.
	out := procfs.Route{Family: family, DstLen: uint8(8 * size), Table: abi.RT_TABLE_MAIN, Protocol: abi.RTPROT_UNSPEC,
		Type: best.Type, Flags: abi.RTM_F_CLONED, Dst: dst, Gateway: best.Gateway, OIF: best.OIF,
		PrefSrc: best.PrefSrc}
	loopback := 0
	for _, l := range n.Links {
		if l.Flags&abi.IFF_LOOPBACK != 0 {
			loopback = l.Index
			break
		}
	}
	if family == abi.AF_INET {
		ip := net.IP(dst)
		switch {
		case ip.Equal(net.IPv4zero):
			// ip_route_output_key_hash: no destination means this host.
			out.Type, out.Gateway, out.OIF, out.PrefSrc = abi.RTN_LOCAL, nil, loopback, []byte{127, 0, 0, 1}
		case ip.Equal(net.IPv4bcast):
			out.Type, out.Gateway = abi.RTN_BROADCAST, nil
		case ip.IsMulticast():
			out.Type, out.Gateway = abi.RTN_MULTICAST, nil
		case best.Type == abi.RTN_BROADCAST:
			out.Gateway = nil
		case best.Type == abi.RTN_LOCAL:
			out.OIF = loopback
		}
	} else {
		if best.Type == abi.RTN_LOCAL {
			out.OIF = loopback
		}
		// IPv6 (rt6_fill_node): the route found itself, with the lookup's
		// source address (unspecified) as a host prefix.
		out.Table, out.Protocol, out.Flags = best.Table, best.Protocol, 0
		out.Src, out.SrcLen = make([]byte, 16), 128
		out.Priority, out.HasPriority = best.Priority, true
		out.CacheInfo = make([]uint32, 8)
		out.Pref, out.HasPref = best.Pref, true
	}
	if out.PrefSrc == nil {
		out.PrefSrc = sourceFor(&n, out.OIF, family, dst)
	}
	return [][]byte{routeMsg(&out, abi.RTM_NEWROUTE, 0, seq, portid)}, false, 0
}

// sourceFor picks the source address for a packet to dst out of link
// oif: an address of the family whose scope is the destination's (so a
// link-local one for a link-local or link-scope multicast destination),
// else the first global one, else the first.
func sourceFor(n *procfs.Network, oif, family int, dst []byte) []byte {
	l := linkByIndex(n, oif)
	if l == nil {
		return nil
	}
	want := uint8(abi.RT_SCOPE_UNIVERSE)
	if ip := net.IP(dst); ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() || ip.IsInterfaceLocalMulticast() {
		want = abi.RT_SCOPE_LINK
	}
	var first, global []byte
	for _, a := range l.Addrs {
		if a.Family != family {
			continue
		}
		if a.Scope == want {
			return a.Local
		}
		if first == nil {
			first = a.Local
		}
		if global == nil && a.Scope == abi.RT_SCOPE_UNIVERSE {
			global = a.Local
		}
	}
	if global != nil {
		return global
	}
	return first
}

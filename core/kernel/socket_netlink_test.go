package kernel

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"net"
	"sort"
	"strings"
	"testing"

	"github.com/blink-go/blink/core/abi"
	"github.com/blink-go/blink/procfs"
)

// Guest addresses used by the netlink tests, inside scratch.
const (
	nlAddrBuf = scratch          // a sockaddr_nl
	nlLenBuf  = scratch + 0x40   // a socklen_t
	nlReqBuf  = scratch + 0x100  // requests
	nlRecvBuf = scratch + 0x2000 // replies
	nlRecvLen = 0x8000
)

type nlMsg struct {
	typ, flags uint16
	seq, pid   uint32
	body       []byte
}

func parseNl(t *testing.T, b []byte) []nlMsg {
	t.Helper()
	var out []nlMsg
	for len(b) > 0 {
		if len(b) < abi.NlmsghdrSize {
			t.Fatalf("%d stray bytes after the messages", len(b))
		}
		l := int(rd32(b))
		if l < abi.NlmsghdrSize || l > len(b) {
			t.Fatalf("bad nlmsg_len %d of %d", l, len(b))
		}
		out = append(out, nlMsg{binary.LittleEndian.Uint16(b[4:]), binary.LittleEndian.Uint16(b[6:]), rd32(b[8:]), rd32(b[12:]), b[abi.NlmsghdrSize:l]})
		b = b[min(nlAlign(l), len(b)):]
	}
	return out
}

func nlAttrs(b []byte) map[uint16][]byte {
	m := map[uint16][]byte{}
	for len(b) >= abi.RtattrSize {
		l := int(binary.LittleEndian.Uint16(b))
		if l < abi.RtattrSize || l > len(b) {
			break
		}
		m[binary.LittleEndian.Uint16(b[2:])] = b[abi.RtattrSize:l]
		b = b[min(nlAlign(l), len(b)):]
	}
	return m
}

// nlSocket opens a bound NETLINK_ROUTE socket and returns it and its port.
func nlSocket(e *env) (fd uint64, port uint32) {
	e.t.Helper()
	fd = uint64(e.ok(abi.SYS_SOCKET, abi.AF_NETLINK, abi.SOCK_RAW|abi.SOCK_CLOEXEC, abi.NETLINK_ROUTE))
	e.m.Mem.CopyOut(nlAddrBuf, nlSockaddr(0, 0))
	e.ok(abi.SYS_BIND, fd, nlAddrBuf, abi.SockaddrNlSize)
	e.m.Mem.CopyOut(nlLenBuf, []byte{abi.SockaddrNlSize, 0, 0, 0})
	e.ok(abi.SYS_GETSOCKNAME, fd, nlAddrBuf, nlLenBuf)
	sa := e.mem(nlAddrBuf, abi.SockaddrNlSize)
	if binary.LittleEndian.Uint16(sa) != abi.AF_NETLINK {
		e.t.Fatalf("getsockname family %x", sa)
	}
	return fd, rd32(sa[4:])
}

// nlRequest sends one request of typ with body.
func nlRequest(e *env, fd uint64, typ, flags uint16, seq uint32, body []byte) {
	e.t.Helper()
	msg := make([]byte, abi.NlmsghdrSize, abi.NlmsghdrSize+len(body))
	le32(msg, uint32(abi.NlmsghdrSize+len(body)))
	le16(msg[4:], typ)
	le16(msg[6:], flags)
	le32(msg[8:], seq)
	msg = append(msg, body...)
	e.m.Mem.CopyOut(nlReqBuf, msg)
	e.m.Mem.CopyOut(nlAddrBuf, nlSockaddr(0, 0))
	if n := e.ok(abi.SYS_SENDTO, fd, nlReqBuf, uint64(len(msg)), 0, nlAddrBuf, abi.SockaddrNlSize); n != int64(len(msg)) {
		e.t.Fatalf("sendto = %d, want %d", n, len(msg))
	}
}

// nlRecv reads one datagram without waiting, checking it comes from the
// kernel (port 0).
func nlRecv(e *env, fd uint64) []nlMsg {
	e.t.Helper()
	e.m.Mem.CopyOut(nlLenBuf, []byte{abi.SockaddrNlSize, 0, 0, 0})
	n := e.ok(abi.SYS_RECVFROM, fd, nlRecvBuf, nlRecvLen, abi.MSG_DONTWAIT, nlAddrBuf, nlLenBuf)
	if from := e.mem(nlAddrBuf, abi.SockaddrNlSize); !bytes.Equal(from, nlSockaddr(0, 0)) {
		e.t.Errorf("reply from %x, want the kernel", from)
	}
	return parseNl(e.t, e.mem(nlRecvBuf, int(n)))
}

// nlDumpAll reads a whole dump, checking framing, and returns its
// messages without NLMSG_DONE.
func nlDumpAll(e *env, fd uint64, seq, port uint32, typ uint16) []nlMsg {
	e.t.Helper()
	var all []nlMsg
	for range 1000 {
		for _, m := range nlRecv(e, fd) {
			if m.seq != seq || m.pid != port {
				e.t.Fatalf("reply seq %d pid %d, want %d %d", m.seq, m.pid, seq, port)
			}
			if m.flags&abi.NLM_F_MULTI == 0 {
				e.t.Fatalf("dump message without NLM_F_MULTI: %+v", m)
			}
			if m.typ == abi.NLMSG_DONE {
				if len(m.body) != 4 || rd32(m.body) != 0 {
					e.t.Fatalf("NLMSG_DONE body %x", m.body)
				}
				return all
			}
			if m.typ != typ {
				e.t.Fatalf("dump message type %d, want %d", m.typ, typ)
			}
			all = append(all, m)
		}
	}
	e.t.Fatal("no NLMSG_DONE")
	return nil
}

func TestNetlinkSocket(t *testing.T) {
	e := newEnv(t, Config{})
	if got := e.errno(abi.SYS_SOCKET, abi.AF_NETLINK, abi.SOCK_RAW, 16); got != abi.EPROTONOSUPPORT {
		t.Errorf("NETLINK_GENERIC = %v, want EPROTONOSUPPORT", got)
	}
	if got := e.errno(abi.SYS_SOCKET, abi.AF_NETLINK, abi.SOCK_STREAM, 0); got != abi.ESOCKTNOSUPPORT {
		t.Errorf("SOCK_STREAM = %v, want ESOCKTNOSUPPORT", got)
	}
	if got := e.errno(abi.SYS_SOCKETPAIR, abi.AF_NETLINK, abi.SOCK_RAW, 0, scratch); got != abi.EOPNOTSUPP {
		t.Errorf("socketpair = %v, want EOPNOTSUPP", got)
	}
	fd, port := nlSocket(e)
	if port != uint32(e.p.pid) {
		t.Errorf("autobound port %d, want the pid %d", port, e.p.pid)
	}
	// The PID is taken now: the next socket gets a negative port, and
	// binding to a taken port fails.
	fd2, port2 := nlSocket(e)
	if int32(port2) >= 0 {
		t.Errorf("second port %d, want a negative one", int32(port2))
	}
	fd3 := uint64(e.ok(abi.SYS_SOCKET, abi.AF_NETLINK, abi.SOCK_DGRAM, 0))
	e.m.Mem.CopyOut(nlAddrBuf, nlSockaddr(port, 0))
	if got := e.errno(abi.SYS_BIND, fd3, nlAddrBuf, abi.SockaddrNlSize); got != abi.EADDRINUSE {
		t.Errorf("bind to a taken port = %v, want EADDRINUSE", got)
	}
	e.m.Mem.CopyOut(nlAddrBuf, nlSockaddr(4242, 1))
	e.ok(abi.SYS_BIND, fd3, nlAddrBuf, abi.SockaddrNlSize)
	e.m.Mem.CopyOut(nlLenBuf, []byte{abi.SockaddrNlSize, 0, 0, 0})
	e.ok(abi.SYS_GETSOCKNAME, fd3, nlAddrBuf, nlLenBuf)
	if got := e.mem(nlAddrBuf, abi.SockaddrNlSize); !bytes.Equal(got, nlSockaddr(4242, 1)) {
		t.Errorf("getsockname after bind(4242, groups 1) = %x", got)
	}
	e.m.Mem.CopyOut(nlAddrBuf, nlSockaddr(4243, 0))
	if got := e.errno(abi.SYS_BIND, fd3, nlAddrBuf, abi.SockaddrNlSize); got != abi.EINVAL {
		t.Errorf("rebinding to another port = %v, want EINVAL", got)
	}
	if got := e.errno(abi.SYS_BIND, fd3, nlAddrBuf, 8); got != abi.EINVAL {
		t.Errorf("short sockaddr = %v, want EINVAL", got)
	}
	// Unconnected, the peer is the kernel.
	e.m.Mem.CopyOut(nlLenBuf, []byte{abi.SockaddrNlSize, 0, 0, 0})
	e.ok(abi.SYS_GETPEERNAME, fd3, nlAddrBuf, nlLenBuf)
	if got := e.mem(nlAddrBuf, abi.SockaddrNlSize); !bytes.Equal(got, nlSockaddr(0, 0)) {
		t.Errorf("getpeername = %x", got)
	}
	// Sending to another process's port is for privileged senders.
	e.m.Mem.CopyOut(nlAddrBuf, nlSockaddr(port, 0))
	if got := e.errno(abi.SYS_SENDTO, fd3, nlReqBuf, 16, 0, nlAddrBuf, abi.SockaddrNlSize); got != abi.EPERM {
		t.Errorf("sendto another port = %v, want EPERM", got)
	}
	// /proc/self/fd names it as a socket.
	if d, err := e.p.fds.get(int32(fd)); err == 0 {
		if p := d.File.Path(); !strings.HasPrefix(p, "socket:[") {
			t.Errorf("path %q", p)
		}
		d.decRef()
	}
	for _, f := range []uint64{fd, fd2, fd3} {
		e.ok(abi.SYS_CLOSE, f)
	}
	// Closed sockets free their ports.
	if _, p := nlSocket(e); p != uint32(e.p.pid) {
		t.Errorf("port after closing = %d, want %d", p, e.p.pid)
	}
}

func TestNetlinkDumps(t *testing.T) {
	e := newEnv(t, Config{})
	fd, port := nlSocket(e)
	n := hostNetwork(true)
	if len(n.Links) == 0 {
		t.Skip("the host reports no network interfaces")
	}

	// Nothing to read yet: EAGAIN, and poll says not readable.
	if got := e.errno(abi.SYS_RECVFROM, fd, nlRecvBuf, nlRecvLen, abi.MSG_DONTWAIT, 0, 0); got != abi.EAGAIN {
		t.Errorf("empty recv = %v, want EAGAIN", got)
	}
	pfd := make([]byte, 8)
	le32(pfd, uint32(fd))
	le16(pfd[4:], abi.POLLIN|abi.POLLOUT)
	e.m.Mem.CopyOut(scratch+0x80, pfd)
	e.ok(abi.SYS_POLL, scratch+0x80, 1, 0)
	if rev := binary.LittleEndian.Uint16(e.mem(scratch+0x86, 2)); rev != abi.POLLOUT {
		t.Errorf("poll before a request: %#x, want POLLOUT", rev)
	}

	// Edge-triggered epoll sees the replies arrive.
	ep := uint64(e.ok(abi.SYS_EPOLL_CREATE1, 0))
	ev := make([]byte, abi.EpollEventSize)
	le32(ev, abi.EPOLLIN|abi.EPOLLET)
	e.m.Mem.CopyOut(scratch+0xc0, ev)
	e.ok(abi.SYS_EPOLL_CTL, ep, abi.EPOLL_CTL_ADD, fd, scratch+0xc0)
	if n := e.ok(abi.SYS_EPOLL_WAIT, ep, scratch+0xc0, 4, 0); n != 0 {
		t.Errorf("epoll before a request: %d events", n)
	}

	ifi := make([]byte, abi.IfinfomsgSize)
	nlRequest(e, fd, abi.RTM_GETLINK, abi.NLM_F_REQUEST|abi.NLM_F_DUMP|abi.NLM_F_ACK, 7, ifi)
	e.ok(abi.SYS_POLL, scratch+0x80, 1, 0)
	if rev := binary.LittleEndian.Uint16(e.mem(scratch+0x86, 2)); rev&abi.POLLIN == 0 {
		t.Errorf("poll after a request: %#x, want POLLIN", rev)
	}
	if n := e.ok(abi.SYS_EPOLL_WAIT, ep, scratch+0xc0, 4, 0); n != 1 || rd32(e.mem(scratch+0xc0, 4))&abi.EPOLLIN == 0 {
		t.Errorf("epoll after a request: %d events", n)
	}
	if n := e.ok(abi.SYS_EPOLL_WAIT, ep, scratch+0xc0, 4, 0); n != 0 {
		t.Errorf("edge-triggered epoll reported the same replies twice")
	}
	e.ok(abi.SYS_CLOSE, ep)
	links := nlDumpAll(e, fd, 7, port, abi.RTM_NEWLINK)
	if len(links) != len(n.Links) {
		t.Fatalf("%d links dumped, host has %d", len(links), len(n.Links))
	}
	var loName string
	for i, m := range links {
		index := int(int32(rd32(m.body[4:])))
		at := nlAttrs(m.body[abi.IfinfomsgSize:])
		name := cstring(at[abi.IFLA_IFNAME])
		if index != n.Links[i].Index || name != n.Links[i].Name {
			t.Errorf("link %d: %d %q, want %d %q", i, index, name, n.Links[i].Index, n.Links[i].Name)
		}
		if len(at[abi.IFLA_MTU]) != 4 || len(at[abi.IFLA_STATS64]) != abi.RtnlLinkStats64Size || len(at[abi.IFLA_OPERSTATE]) != 1 {
			t.Errorf("link %s: attributes %v", name, at)
		}
		if flags := rd32(m.body[8:]); flags&abi.IFF_LOOPBACK != 0 && loName == "" {
			loName = name
		}
	}
	// A dump is never acknowledged, even with NLM_F_ACK.
	if got := e.errno(abi.SYS_RECVFROM, fd, nlRecvBuf, nlRecvLen, abi.MSG_DONTWAIT, 0, 0); got != abi.EAGAIN {
		t.Errorf("after the dump: %v, want EAGAIN (no ack)", got)
	}

	// Addresses: IPv4 ones first, each with its link's index.
	nlRequest(e, fd, abi.RTM_GETADDR, abi.NLM_F_REQUEST|abi.NLM_F_DUMP, 8, make([]byte, abi.IfaddrmsgSize))
	addrs := nlDumpAll(e, fd, 8, port, abi.RTM_NEWADDR)
	want := 0
	for _, l := range n.Links {
		want += len(l.Addrs)
	}
	if len(addrs) != want {
		t.Errorf("%d addresses dumped, host has %d", len(addrs), want)
	}
	sawV6 := false
	for _, m := range addrs {
		switch m.body[0] {
		case abi.AF_INET:
			if sawV6 {
				t.Error("an IPv4 address after an IPv6 one")
			}
			at := nlAttrs(m.body[abi.IfaddrmsgSize:])
			if len(at[abi.IFA_LOCAL]) != 4 || len(at[abi.IFA_CACHEINFO]) != abi.IfaCacheinfoSize {
				t.Errorf("IPv4 address attributes %v", at)
			}
		case abi.AF_INET6:
			sawV6 = true
		default:
			t.Errorf("address family %d", m.body[0])
		}
	}
	// Only IPv6, when asked.
	nlRequest(e, fd, abi.RTM_GETADDR, abi.NLM_F_REQUEST|abi.NLM_F_DUMP, 9, []byte{abi.AF_INET6, 0, 0, 0, 0, 0, 0, 0})
	for _, m := range nlDumpAll(e, fd, 9, port, abi.RTM_NEWADDR) {
		if m.body[0] != abi.AF_INET6 {
			t.Errorf("AF_INET6 dump has family %d", m.body[0])
		}
	}
	nlRequest(e, fd, abi.RTM_GETROUTE, abi.NLM_F_REQUEST|abi.NLM_F_DUMP, 10, make([]byte, abi.RtmsgSize))
	if routes := nlDumpAll(e, fd, 10, port, abi.RTM_NEWROUTE); len(routes) != len(n.Routes) {
		t.Errorf("%d routes dumped, host has %d", len(routes), len(n.Routes))
	}

	// One link by name, acknowledged: the link, then an ack carrying
	// the request's header.
	if loName != "" {
		name := make([]byte, 4, 32)
		le16(name, uint16(4+len(loName)+1))
		le16(name[2:], abi.IFLA_IFNAME)
		name = append(name, loName...)
		name = append(name, 0)
		for len(name)%4 != 0 {
			name = append(name, 0)
		}
		nlRequest(e, fd, abi.RTM_GETLINK, abi.NLM_F_REQUEST|abi.NLM_F_ACK, 11, append(make([]byte, abi.IfinfomsgSize), name...))
		got := nlRecv(e, fd)
		if len(got) != 1 || got[0].typ != abi.RTM_NEWLINK || got[0].flags != 0 || got[0].seq != 11 {
			t.Fatalf("getlink reply %+v", got)
		}
		ack := nlRecv(e, fd)
		if len(ack) != 1 || ack[0].typ != abi.NLMSG_ERROR || rd32(ack[0].body) != 0 || len(ack[0].body) != 4+abi.NlmsghdrSize ||
			ack[0].flags != abi.NLM_F_CAPPED {
			t.Fatalf("ack %+v", ack)
		}
	}
	// An unknown link is ENODEV; the error carries the whole request.
	nlRequest(e, fd, abi.RTM_GETLINK, abi.NLM_F_REQUEST, 12, []byte{0, 0, 0, 0, 0xff, 0xff, 0xff, 0x7f, 0, 0, 0, 0, 0, 0, 0, 0})
	errs := nlRecv(e, fd)
	if len(errs) != 1 || errs[0].typ != abi.NLMSG_ERROR || int32(rd32(errs[0].body)) != -int32(abi.ENODEV) ||
		len(errs[0].body) != 4+abi.NlmsghdrSize+abi.IfinfomsgSize {
		t.Fatalf("unknown link: %+v", errs)
	}
	// Changes are refused; two requests in one datagram are answered in
	// order.
	two := make([]byte, 0, 64)
	for i, typ := range []uint16{abi.RTM_NEWADDR, abi.RTM_DELROUTE} {
		m := make([]byte, abi.NlmsghdrSize+abi.IfaddrmsgSize)
		le32(m, uint32(len(m)))
		le16(m[4:], typ)
		le16(m[6:], abi.NLM_F_REQUEST|abi.NLM_F_ACK)
		le32(m[8:], uint32(20+i))
		two = append(two, m...)
	}
	e.m.Mem.CopyOut(nlReqBuf, two)
	e.ok(abi.SYS_SENDTO, fd, nlReqBuf, uint64(len(two)), 0, 0, 0)
	for i := range 2 {
		got := nlRecv(e, fd)
		if len(got) != 1 || got[0].typ != abi.NLMSG_ERROR || got[0].seq != uint32(20+i) || int32(rd32(got[0].body)) != -int32(abi.EPERM) {
			t.Errorf("change request %d: %+v", i, got)
		}
	}
	// A short receive buffer truncates the datagram (MSG_TRUNC gives
	// its length) and the rest is gone.
	nlRequest(e, fd, abi.RTM_GETLINK, abi.NLM_F_REQUEST|abi.NLM_F_DUMP, 13, ifi)
	full := e.ok(abi.SYS_RECVFROM, fd, nlRecvBuf, 16, abi.MSG_DONTWAIT|abi.MSG_PEEK|abi.MSG_TRUNC, 0, 0)
	if full <= 16 {
		t.Errorf("MSG_TRUNC peek gave %d", full)
	}
	if got := e.ok(abi.SYS_RECVFROM, fd, nlRecvBuf, 16, abi.MSG_DONTWAIT, 0, 0); got != 16 {
		t.Errorf("short read = %d", got)
	}
	if got := nlRecv(e, fd); len(got) != 1 || got[0].typ != abi.NLMSG_DONE {
		t.Errorf("after the truncated datagram: %+v", got)
	}
}

func TestInterfaceIoctls(t *testing.T) {
	e := newEnv(t, Config{})
	n := hostNetwork(false)
	var l procfs.Link
	for _, x := range n.Links {
		if x.Flags&abi.IFF_LOOPBACK != 0 {
			l = x
			break
		}
	}
	if l.Name == "" {
		t.Skip("the host has no loopback interface")
	}
	fd := uint64(e.ok(abi.SYS_SOCKET, abi.AF_UNIX, abi.SOCK_DGRAM, 0))
	ifr := func(name string) uint64 {
		b := make([]byte, abi.IfreqSize)
		copy(b, name)
		e.m.Mem.CopyOut(scratch, b)
		return scratch
	}
	e.ok(abi.SYS_IOCTL, fd, abi.SIOCGIFFLAGS, ifr(l.Name))
	if got := binary.LittleEndian.Uint16(e.mem(scratch+16, 2)); uint32(got) != l.Flags&0xffff || got&abi.IFF_UP == 0 {
		t.Errorf("SIOCGIFFLAGS %#x, want %#x", got, l.Flags&0xffff)
	}
	e.ok(abi.SYS_IOCTL, fd, abi.SIOCGIFINDEX, ifr(l.Name))
	if got := rd32(e.mem(scratch+16, 4)); int(got) != l.Index {
		t.Errorf("SIOCGIFINDEX %d, want %d", got, l.Index)
	}
	e.ok(abi.SYS_IOCTL, fd, abi.SIOCGIFMTU, ifr(l.Name))
	if got := rd32(e.mem(scratch+16, 4)); got != l.MTU {
		t.Errorf("SIOCGIFMTU %d, want %d", got, l.MTU)
	}
	e.ok(abi.SYS_IOCTL, fd, abi.SIOCGIFHWADDR, ifr(l.Name))
	if got := binary.LittleEndian.Uint16(e.mem(scratch+16, 2)); got != abi.ARPHRD_LOOPBACK {
		t.Errorf("SIOCGIFHWADDR family %d", got)
	}
	b := make([]byte, abi.IfreqSize)
	le32(b[16:], uint32(l.Index))
	e.m.Mem.CopyOut(scratch, b)
	e.ok(abi.SYS_IOCTL, fd, abi.SIOCGIFNAME, scratch)
	if got := cstring(e.mem(scratch, 16)); got != l.Name {
		t.Errorf("SIOCGIFNAME %q, want %q", got, l.Name)
	}
	if got := e.errno(abi.SYS_IOCTL, fd, abi.SIOCGIFFLAGS, ifr("nosuch0")); got != abi.ENODEV {
		t.Errorf("unknown interface: %v, want ENODEV", got)
	}
	if got := e.errno(abi.SYS_IOCTL, fd, abi.SIOCSIFFLAGS, ifr(l.Name)); got != abi.EPERM {
		t.Errorf("SIOCSIFFLAGS: %v, want EPERM", got)
	}
	// The IPv4 address requests are AF_INET's.
	if got := e.errno(abi.SYS_IOCTL, fd, abi.SIOCGIFADDR, ifr(l.Name)); got != abi.ENOTTY {
		t.Errorf("SIOCGIFADDR on AF_UNIX: %v, want ENOTTY", got)
	}

	// SIOCGIFCONF: the length needed, then one ifreq per IPv4 address.
	var v4 []string
	for _, ln := range n.Links {
		for _, a := range ln.Addrs {
			if a.Family == abi.AF_INET {
				v4 = append(v4, a.Label+"="+net.IP(a.Local).String())
			}
		}
	}
	conf := make([]byte, abi.IfconfSize)
	e.m.Mem.CopyOut(scratch+0x100, conf)
	e.ok(abi.SYS_IOCTL, fd, abi.SIOCGIFCONF, scratch+0x100)
	if got := rd32(e.mem(scratch+0x100, 4)); int(got) != len(v4)*abi.IfreqSize {
		t.Errorf("SIOCGIFCONF length %d, want %d", got, len(v4)*abi.IfreqSize)
	}
	le32(conf, 0x1000)
	le64(conf[8:], scratch+0x1000)
	e.m.Mem.CopyOut(scratch+0x100, conf)
	e.ok(abi.SYS_IOCTL, fd, abi.SIOCGIFCONF, scratch+0x100)
	got := int(rd32(e.mem(scratch+0x100, 4)))
	var list []string
	for off := 0; off < got; off += abi.IfreqSize {
		r := e.mem(scratch+0x1000+uint64(off), abi.IfreqSize)
		list = append(list, cstring(r[:16])+"="+net.IP(r[20:24]).String())
	}
	if strings.Join(list, " ") != strings.Join(v4, " ") {
		t.Errorf("SIOCGIFCONF %v, want %v", list, v4)
	}
	e.ok(abi.SYS_CLOSE, fd)

	// On an IPv4 socket, the loopback's address and mask.
	ifd := e.sys(abi.SYS_SOCKET, abi.AF_INET, abi.SOCK_DGRAM, 0)
	if ifd < 0 {
		return // no IP sockets on this host
	}
	for _, a := range l.Addrs {
		if a.Family != abi.AF_INET {
			continue
		}
		e.ok(abi.SYS_IOCTL, uint64(ifd), abi.SIOCGIFADDR, ifr(a.Label))
		if got := net.IP(e.mem(scratch+20, 4)); !got.Equal(net.IP(a.Local)) {
			t.Errorf("SIOCGIFADDR %v, want %v", got, net.IP(a.Local))
		}
		e.ok(abi.SYS_IOCTL, uint64(ifd), abi.SIOCGIFNETMASK, ifr(a.Label))
		if got := net.IPMask(e.mem(scratch+20, 4)); got.String() != net.CIDRMask(a.PrefixLen, 32).String() {
			t.Errorf("SIOCGIFNETMASK %v", got)
		}
		if got := e.errno(abi.SYS_IOCTL, uint64(ifd), abi.SIOCSIFADDR, ifr(a.Label)); got != abi.EPERM {
			t.Errorf("SIOCSIFADDR: %v, want EPERM", got)
		}
		break
	}
	e.ok(abi.SYS_CLOSE, uint64(ifd))
}

func TestProcNetSockets(t *testing.T) {
	e := newEnv(t, Config{})
	e.ok(abi.SYS_SOCKETPAIR, abi.AF_UNIX, abi.SOCK_STREAM, 0, scratch)
	fds := e.mem(scratch, 8)
	nl, port := nlSocket(e)
	socks := procSource{e.k}.Sockets()
	var unixConnected, netlink int
	for _, s := range socks {
		switch s.Family {
		case abi.AF_UNIX:
			if s.State == abi.TCP_ESTABLISHED && s.Type == abi.SOCK_STREAM {
				unixConnected++
			}
		case abi.AF_NETLINK:
			netlink++
			if s.PortID != port {
				t.Errorf("netlink port %d, want %d", s.PortID, port)
			}
		}
	}
	if unixConnected != 2 || netlink != 1 {
		t.Errorf("sockets %+v", socks)
	}
	e.ok(abi.SYS_CLOSE, uint64(rd32(fds)))
	e.ok(abi.SYS_CLOSE, uint64(rd32(fds[4:])))
	e.ok(abi.SYS_CLOSE, nl)

	// A listening TCP socket on loopback is listed with its port.
	fd := e.sys(abi.SYS_SOCKET, abi.AF_INET, abi.SOCK_STREAM, 0)
	if fd < 0 {
		return
	}
	sa := make([]byte, abi.SockaddrInSize)
	le16(sa, abi.AF_INET)
	copy(sa[4:], []byte{127, 0, 0, 1})
	e.m.Mem.CopyOut(scratch, sa)
	e.ok(abi.SYS_BIND, uint64(fd), scratch, abi.SockaddrInSize)
	// Bound but not listening: Linux does not list it.
	for _, s := range (procSource{e.k}).Sockets() {
		if s.Family == abi.AF_INET {
			t.Errorf("bound, not listening, socket listed: %+v", s)
		}
	}
	e.ok(abi.SYS_LISTEN, uint64(fd), 5)
	e.m.Mem.CopyOut(scratch+0x40, []byte{abi.SockaddrInSize, 0, 0, 0})
	e.ok(abi.SYS_GETSOCKNAME, uint64(fd), scratch, scratch+0x40)
	wantPort := binary.BigEndian.Uint16(e.mem(scratch+2, 2))
	found := false
	for _, s := range (procSource{e.k}).Sockets() {
		if s.Family == abi.AF_INET && s.Type == abi.SOCK_STREAM {
			found = true
			if s.State != abi.TCP_LISTEN || s.LocalPort != wantPort || !bytes.Equal(s.Local, []byte{127, 0, 0, 1}) {
				t.Errorf("listener %+v, want port %d", s, wantPort)
			}
		}
	}
	if !found {
		t.Error("the listening socket is not listed")
	}
	e.ok(abi.SYS_CLOSE, uint64(fd))
}

// TestPortableNetwork checks the description built from Go's net package
// (what non-Linux hosts use) against the one from the host's rtnetlink,
// where there is one: the same interfaces and addresses, and derived
// routes that the host has too.
func TestPortableNetwork(t *testing.T) {
	p := portableNetwork(true)
	h, ok := readHostNetwork(true)
	if !ok {
		t.Skip("no host rtnetlink to compare with")
	}
	if len(p.Links) == 0 {
		// qemu-user (the CI cross stage) does not carry Go's own
		// rtnetlink request, which net.Interfaces makes, through.
		t.Skip("net.Interfaces sees no interfaces here")
	}
	key := func(n procfs.Network) string {
		var b strings.Builder
		for _, l := range n.Links {
			fmt.Fprintf(&b, "%d %s mtu %d up %v lo %v:", l.Index, l.Name, l.MTU, l.Flags&abi.IFF_UP != 0, l.Flags&abi.IFF_LOOPBACK != 0)
			for _, a := range l.Addrs {
				fmt.Fprintf(&b, " %v/%d scope %d", net.IP(a.Local), a.PrefixLen, a.Scope)
			}
			b.WriteByte('\n')
		}
		return b.String()
	}
	// Linux's order of one link's addresses within a family is its own;
	// compare them as sets.
	sorted := func(n procfs.Network) procfs.Network {
		for i := range n.Links {
			as := n.Links[i].Addrs
			sort.SliceStable(as, func(a, b int) bool {
				if as[a].Family != as[b].Family {
					return as[a].Family < as[b].Family
				}
				return bytes.Compare(as[a].Local, as[b].Local) < 0
			})
		}
		return n
	}
	if a, b := key(sorted(p)), key(sorted(h)); a != b {
		t.Errorf("portable:\n%s\nrtnetlink:\n%s", a, b)
	}
	rk := func(r procfs.Route) string {
		return fmt.Sprintf("%d t%d type%d %v/%d dev%d", r.Family, r.Table, r.Type, net.IP(r.Dst), r.DstLen, r.OIF)
	}
	have := map[string]bool{}
	for _, r := range h.Routes {
		have[rk(r)] = true
	}
	for _, r := range p.Routes {
		if !have[rk(r)] {
			t.Errorf("derived route %s is not the host's", rk(r))
		}
	}
}

package kernel

import (
	"bytes"
	"encoding/binary"
	"net"
	"sort"

	"github.com/blink-go/blink/core/abi"
	"github.com/blink-go/blink/procfs"
)

// Interface ioctls on sockets (netdevice(7)) and the host network model
// they share with rtnetlink (socket_netlink.go) and /proc/net.
//
// The guest shares the host's network: its sockets are host sockets, so
// the interfaces it sees are the host's. hostNetwork describes them as
// Linux's rtnetlink would. On a Linux host it asks the host's rtnetlink
// (socket_ifreq_linux.go), which gives every detail (flags, queue
// discipline, counters, address lifetimes, all routing tables); elsewhere,
// or when that fails, Go's net.Interfaces gives names, flags, MTUs,
// hardware and IP addresses, and the routes the Linux kernel would derive
// from those addresses are added (a default route cannot be learned
// portably, so there is none).
//
// The guest may look but not touch: every request that would change an
// interface or a route fails with EPERM, as for a process without
// CAP_NET_ADMIN, which blink's fake root does not have on the host.

// hostNetwork returns the host's interfaces with their addresses and,
// when routes is set, the routes. It is read afresh on each call: it is
// cheap, and interfaces come and go.
func hostNetwork(routes bool) procfs.Network {
	if n, ok := readHostNetwork(routes); ok {
		return n
	}
	return portableNetwork(routes)
}

// portableNetwork builds the model from Go's net package.
func portableNetwork(routes bool) procfs.Network {
	var n procfs.Network
	ifs, err := net.Interfaces()
	if err != nil {
		ifs = nil
	}
	sort.Slice(ifs, func(i, j int) bool { return ifs[i].Index < ifs[j].Index })
	for _, fi := range ifs {
		l := procfs.Link{Index: fi.Index, Name: fi.Name, MTU: uint32(max(fi.MTU, 0)), TxQLen: 1000,
			NumTxQ: 1, NumRxQ: 1, OperState: abi.IF_OPER_DOWN}
		// Linux names fit IFNAMSIZ; some hosts' (Windows': "Ethernet 2",
		// "Loopback Pseudo-Interface 1") do not, and would not fit an
		// ifreq.
		if len(l.Name) > abi.IFNAMSIZ-1 {
			l.Name = l.Name[:abi.IFNAMSIZ-1]
		}
		for _, m := range []struct {
			g net.Flags
			f uint32
		}{{net.FlagUp, abi.IFF_UP}, {net.FlagBroadcast, abi.IFF_BROADCAST}, {net.FlagLoopback, abi.IFF_LOOPBACK},
			{net.FlagPointToPoint, abi.IFF_POINTOPOINT}, {net.FlagMulticast, abi.IFF_MULTICAST},
			{net.FlagRunning, abi.IFF_RUNNING | abi.IFF_LOWER_UP}} {
			if fi.Flags&m.g != 0 {
				l.Flags |= m.f
			}
		}
		if l.Flags&abi.IFF_RUNNING != 0 {
			l.OperState, l.Carrier = abi.IF_OPER_UP, 1
		}
		switch {
		case fi.Flags&net.FlagLoopback != 0:
			// Linux's lo: an all-zero Ethernet-sized address, and no
			// operational state driver ("state UNKNOWN").
			l.Type, l.HWAddr, l.Broadcast = abi.ARPHRD_LOOPBACK, make([]byte, 6), make([]byte, 6)
			l.OperState = abi.IF_OPER_UNKNOWN
			l.Flags &^= abi.IFF_BROADCAST | abi.IFF_MULTICAST
		case len(fi.HardwareAddr) == 6:
			l.Type, l.HWAddr = abi.ARPHRD_ETHER, append([]byte(nil), fi.HardwareAddr...)
			l.Broadcast = []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}
		default:
			l.Type = abi.ARPHRD_NONE
			l.Flags |= abi.IFF_NOARP
		}
		addrs, _ := fi.Addrs()
		for _, a := range addrs {
			ipn, ok := a.(*net.IPNet)
			if !ok {
				continue
			}
			ones, bits := ipn.Mask.Size()
			ad := procfs.Addr{Family: abi.AF_INET6, PrefixLen: ones, Flags: abi.IFA_F_PERMANENT,
				Preferred: 0xffffffff, Valid: 0xffffffff}
			if ip4 := ipn.IP.To4(); ip4 != nil && bits == 32 {
				ad.Family, ad.Local, ad.Label = abi.AF_INET, append([]byte(nil), ip4...), l.Name
				if l.Flags&abi.IFF_BROADCAST != 0 && ones < 31 {
					b := make([]byte, 4)
					for i := range b {
						b[i] = ip4[i] | ^ipn.Mask[i]
					}
					ad.Broadcast = b
				}
			} else if ip16 := ipn.IP.To16(); ip16 != nil && bits == 128 {
				ad.Local = append([]byte(nil), ip16...)
			} else {
				continue
			}
			switch ip := net.IP(ad.Local); {
			case ip.IsLoopback():
				ad.Scope = abi.RT_SCOPE_HOST
			case ad.Family == abi.AF_INET6 && ip.IsLinkLocalUnicast():
				ad.Scope = abi.RT_SCOPE_LINK
			}
			l.Addrs = append(l.Addrs, ad)
		}
		// Linux lists a link's IPv4 addresses before its IPv6 ones.
		sort.SliceStable(l.Addrs, func(i, j int) bool { return l.Addrs[i].Family < l.Addrs[j].Family })
		n.Links = append(n.Links, l)
	}
	if routes {
		n.Routes = derivedRoutes(n.Links)
	}
	return n
}

// derivedRoutes are the routes Linux adds by itself for the addresses of
// links that are up (fib_add_ifaddr for IPv4, addrconf for IPv6): a
// local route for each address, a prefix route to its subnet, the subnet's
// broadcast address, and IPv6 multicast. Listed as a dump lists them:
// IPv4 main then local table, then IPv6 main then local, each by
// destination.
func derivedRoutes(links []procfs.Link) []procfs.Route {
	var rs []procfs.Route
	for _, l := range links {
		if l.Flags&abi.IFF_UP == 0 {
			continue
		}
		lo := l.Flags&abi.IFF_LOOPBACK != 0
		for _, a := range l.Addrs {
			bits := 8 * len(a.Local)
			mask := net.CIDRMask(a.PrefixLen, bits)
			subnet := []byte(net.IP(a.Local).Mask(mask))
			r := procfs.Route{Family: a.Family, Protocol: abi.RTPROT_KERNEL, OIF: l.Index}
			if a.Family == abi.AF_INET {
				r.PrefSrc = a.Local
				local := r
				local.Table, local.Type, local.Scope = abi.RT_TABLE_LOCAL, abi.RTN_LOCAL, abi.RT_SCOPE_HOST
				local.DstLen, local.Dst = 32, a.Local
				rs = append(rs, local)
				if a.PrefixLen < 32 {
					p := r
					p.DstLen, p.Dst = uint8(a.PrefixLen), subnet
					if lo {
						p.Table, p.Type, p.Scope = abi.RT_TABLE_LOCAL, abi.RTN_LOCAL, abi.RT_SCOPE_HOST
					} else {
						p.Table, p.Type, p.Scope = abi.RT_TABLE_MAIN, abi.RTN_UNICAST, abi.RT_SCOPE_LINK
					}
					rs = append(rs, p)
				}
				if a.PrefixLen < 31 {
					b := r
					b.Table, b.Type, b.Scope = abi.RT_TABLE_LOCAL, abi.RTN_BROADCAST, abi.RT_SCOPE_LINK
					b.DstLen, b.Dst = 32, make([]byte, 4)
					for i := range b.Dst {
						b.Dst[i] = subnet[i] | ^mask[i]
					}
					rs = append(rs, b)
				}
				continue
			}
			r.HasPriority, r.HasPref = true, true
			r.CacheInfo = make([]uint32, 8)
			local := r
			local.Table, local.Type, local.DstLen, local.Dst = abi.RT_TABLE_LOCAL, abi.RTN_LOCAL, 128, a.Local
			rs = append(rs, local)
			if a.PrefixLen < 128 {
				p := r
				p.Table, p.Type, p.Priority = abi.RT_TABLE_MAIN, abi.RTN_UNICAST, 256
				p.DstLen, p.Dst = uint8(a.PrefixLen), subnet
				rs = append(rs, p)
			}
		}
		if !lo && l.Flags&abi.IFF_MULTICAST != 0 {
			for _, a := range l.Addrs {
				if a.Family == abi.AF_INET6 {
					rs = append(rs, procfs.Route{Family: abi.AF_INET6, DstLen: 8, Dst: net.ParseIP("ff00::"),
						Table: abi.RT_TABLE_LOCAL, Protocol: abi.RTPROT_KERNEL, Type: abi.RTN_MULTICAST, OIF: l.Index,
						Priority: 256, HasPriority: true, HasPref: true, CacheInfo: make([]uint32, 8)})
					break
				}
			}
		}
	}
	rank := func(r procfs.Route) int {
		n := 0
		if r.Family == abi.AF_INET6 {
			n = 2
		}
		if r.Table == abi.RT_TABLE_LOCAL {
			n++
		}
		return n
	}
	sort.SliceStable(rs, func(i, j int) bool {
		a, b := rs[i], rs[j]
		if ra, rb := rank(a), rank(b); ra != rb {
			return ra < rb
		}
		if c := bytes.Compare(a.Dst, b.Dst); c != 0 {
			return c < 0
		}
		return a.DstLen < b.DstLen
	})
	// The same route can come from two addresses (two addresses in one
	// subnet): Linux keeps one.
	out := rs[:0]
	for i, r := range rs {
		if i > 0 {
			p := rs[i-1]
			if rank(p) == rank(r) && bytes.Equal(p.Dst, r.Dst) && p.DstLen == r.DstLen && p.Type == r.Type && p.OIF == r.OIF {
				continue
			}
		}
		out = append(out, r)
	}
	return out
}

// linkByName finds an interface by name.
func linkByName(n *procfs.Network, name string) *procfs.Link {
	for i := range n.Links {
		if n.Links[i].Name == name {
			return &n.Links[i]
		}
	}
	return nil
}

func linkByIndex(n *procfs.Network, index int) *procfs.Link {
	for i := range n.Links {
		if n.Links[i].Index == index {
			return &n.Links[i]
		}
	}
	return nil
}

// socketFamily is the Linux address family of a socket.
func socketFamily(t *Task, s socketOps) int {
	if v, e := s.getsockopt(t, abi.SOL_SOCKET, abi.SO_DOMAIN); e == 0 && len(v) >= 4 {
		return int(int32(rd32(v)))
	}
	return abi.AF_UNSPEC
}

// socketIoctl answers the ioctls Linux's sockets understand whatever
// their protocol (sock_ioctl, dev_ioctl) and the IPv4 address ones of
// AF_INET sockets (devinet_ioctl); ok is false when d is not a socket or
// req is not one of them.
func (t *Task) socketIoctl(d *Description, req uint32, arg uint64) (rv uint64, e abi.Errno, ok bool) {
	s, isSock := d.File.(socketOps)
	if !isSock {
		return 0, 0, false
	}
	switch req {
	case abi.SIOCGIFCONF:
		return 0, t.ifconf(arg), true
	case abi.SIOCGIFNAME, abi.SIOCGIFFLAGS, abi.SIOCGIFMETRIC, abi.SIOCGIFMTU, abi.SIOCGIFHWADDR,
		abi.SIOCGIFINDEX, abi.SIOCGIFTXQLEN, abi.SIOCGIFMAP:
		return 0, t.ifreqGet(req, arg), true
	case abi.SIOCSIFFLAGS, abi.SIOCSIFMETRIC, abi.SIOCSIFMTU, abi.SIOCSIFHWADDR, abi.SIOCSIFTXQLEN,
		abi.SIOCSIFMAP, abi.SIOCSIFNAME, abi.SIOCADDMULTI, abi.SIOCDELMULTI, abi.SIOCSIFHWBROADCAST,
		abi.SIOCSIFPFLAGS, abi.SIOCSIFLINK:
		// dev_ioctl checks CAP_NET_ADMIN before looking at the request.
		return 0, abi.EPERM, true
	case abi.SIOCGIFADDR, abi.SIOCGIFDSTADDR, abi.SIOCGIFBRDADDR, abi.SIOCGIFNETMASK:
		if socketFamily(t, s) != abi.AF_INET {
			return 0, abi.ENOTTY, true
		}
		return 0, t.ifreqInet(req, arg), true
	case abi.SIOCSIFADDR, abi.SIOCSIFDSTADDR, abi.SIOCSIFBRDADDR, abi.SIOCSIFNETMASK, abi.SIOCDIFADDR,
		abi.SIOCADDRT, abi.SIOCDELRT:
		// The protocol that knows the request checks CAP_NET_ADMIN
		// first (inet_ioctl, inet6_ioctl); for the others, and other
		// families, the request reaches dev_ioctl, which does not know
		// it.
		known := false
		switch socketFamily(t, s) {
		case abi.AF_INET:
			known = req != abi.SIOCDIFADDR
		case abi.AF_INET6:
			known = req == abi.SIOCSIFADDR || req == abi.SIOCDIFADDR || req == abi.SIOCSIFDSTADDR ||
				req == abi.SIOCADDRT || req == abi.SIOCDELRT
		}
		if known {
			return 0, abi.EPERM, true
		}
		return 0, abi.ENOTTY, true
	case abi.SIOCOUTQ:
		if q, ok := s.(interface{ outQueue() (int, abi.Errno) }); ok {
			n, e := q.outQueue()
			if e != 0 {
				return 0, e, true
			}
			return 0, t.writeU32(arg, uint32(n)), true
		}
	case abi.SIOCINQ:
		if q, ok := s.(interface{ inQueue() (int, abi.Errno) }); ok {
			n, e := q.inQueue()
			if e != 0 {
				return 0, e, true
			}
			return 0, t.writeU32(arg, uint32(n)), true
		}
	}
	return 0, 0, false
}

// ifreqName reads a struct ifreq and its interface name (NUL-terminated
// within IFNAMSIZ, as dev_ioctl forces).
func (t *Task) ifreqName(arg uint64) ([]byte, string, abi.Errno) {
	ifr := make([]byte, abi.IfreqSize)
	if e := t.copyIn(arg, ifr); e != 0 {
		return nil, "", e
	}
	ifr[abi.IFNAMSIZ-1] = 0
	name := ifr[:abi.IFNAMSIZ]
	if i := bytes.IndexByte(name, 0); i >= 0 {
		name = name[:i]
	}
	return ifr, string(name), 0
}

// ifreqGet answers the device requests of dev_ioctl.
func (t *Task) ifreqGet(req uint32, arg uint64) abi.Errno {
	ifr, name, e := t.ifreqName(arg)
	if e != 0 {
		return e
	}
	n := hostNetwork(false)
	if req == abi.SIOCGIFNAME {
		l := linkByIndex(&n, int(int32(rd32(ifr[abi.IFNAMSIZ:]))))
		if l == nil {
			return abi.ENODEV
		}
		clear(ifr[:abi.IFNAMSIZ])
		copy(ifr[:abi.IFNAMSIZ-1], l.Name)
		return t.copyOut(arg, ifr)
	}
	l := linkByName(&n, name)
	if l == nil {
		return abi.ENODEV
	}
	u := ifr[abi.IFNAMSIZ:]
	switch req {
	case abi.SIOCGIFFLAGS:
		// ifr_flags is a short: IFF_LOWER_UP and IFF_DORMANT do not fit.
		le16(u, uint16(l.Flags))
	case abi.SIOCGIFMETRIC:
		le32(u, 0) // Linux keeps no interface metric
	case abi.SIOCGIFMTU:
		le32(u, l.MTU)
	case abi.SIOCGIFINDEX:
		le32(u, uint32(l.Index))
	case abi.SIOCGIFTXQLEN:
		le32(u, l.TxQLen)
	case abi.SIOCGIFHWADDR:
		clear(u[:16])
		le16(u, l.Type)
		copy(u[2:16], l.HWAddr)
	case abi.SIOCGIFMAP:
		clear(u)
		le64(u, l.Map.MemStart)
		le64(u[8:], l.Map.MemEnd)
		le16(u[16:], uint16(l.Map.BaseAddr))
		u[18], u[19], u[20] = byte(l.Map.IRQ), l.Map.DMA, l.Map.Port
	}
	return t.copyOut(arg, ifr)
}

// ifreqInet answers devinet_ioctl's requests: the name may carry an
// alias label ("eth0:1"); with an AF_INET address in the request, the
// address with that label and that local address is preferred.
func (t *Task) ifreqInet(req uint32, arg uint64) abi.Errno {
	ifr, name, e := t.ifreqName(arg)
	if e != 0 {
		return e
	}
	dev, _, _ := bytes.Cut([]byte(name), []byte(":"))
	n := hostNetwork(false)
	l := linkByName(&n, string(dev))
	if l == nil {
		return abi.ENODEV
	}
	u := ifr[abi.IFNAMSIZ:]
	var want []byte
	if binary.LittleEndian.Uint16(u) == abi.AF_INET {
		want = append([]byte(nil), u[4:8]...)
	}
	var found *procfs.Addr
	for pass := 0; pass < 2 && found == nil; pass++ {
		for i := range l.Addrs {
			a := &l.Addrs[i]
			if a.Family != abi.AF_INET || a.Label != name {
				continue
			}
			if pass == 0 && (want == nil || !bytes.Equal(a.Local, want)) {
				continue
			}
			found = a
			break
		}
	}
	if found == nil {
		return abi.EADDRNOTAVAIL
	}
	var ip []byte
	switch req {
	case abi.SIOCGIFADDR:
		ip = found.Local
	case abi.SIOCGIFDSTADDR:
		ip = found.Local
		if found.Peer != nil {
			ip = found.Peer
		}
	case abi.SIOCGIFBRDADDR:
		ip = found.Broadcast
	case abi.SIOCGIFNETMASK:
		ip = net.CIDRMask(found.PrefixLen, 32)
	}
	clear(u[:16])
	le16(u, abi.AF_INET)
	copy(u[4:8], ip)
	return t.copyOut(arg, ifr)
}

// ifconf is SIOCGIFCONF (dev_ifconf, inet_gifconf): one ifreq per IPv4
// address, named by its label; with a null buffer, the length needed.
func (t *Task) ifconf(arg uint64) abi.Errno {
	var hdr [abi.IfconfSize]byte
	if e := t.copyIn(arg, hdr[:]); e != 0 {
		return e
	}
	room := int(int32(rd32(hdr[:])))
	buf := rd64(hdr[8:])
	n := hostNetwork(false)
	total := 0
	for _, l := range n.Links {
		for _, a := range l.Addrs {
			if a.Family != abi.AF_INET {
				continue
			}
			if buf == 0 {
				total += abi.IfreqSize
				continue
			}
			if room-total < abi.IfreqSize {
				break
			}
			ifr := make([]byte, abi.IfreqSize)
			copy(ifr[:abi.IFNAMSIZ-1], a.Label)
			le16(ifr[abi.IFNAMSIZ:], abi.AF_INET)
			copy(ifr[abi.IFNAMSIZ+4:], a.Local)
			if e := t.copyOut(buf+uint64(total), ifr); e != 0 {
				return e
			}
			total += abi.IfreqSize
		}
	}
	return t.writeU32(arg, uint32(total))
}

// cstring is b up to its first NUL.
func cstring(b []byte) string {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		return string(b[:i])
	}
	return string(b)
}

// inQueue is SIOCINQ for AF_UNIX (unix_inq_len): a stream's queued bytes,
// a datagram socket's next datagram; EINVAL for a listener.
func (s *unixSocket) inQueue() (int, abi.Errno) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.listening:
		return 0, abi.EINVAL
	case s.typ == abi.SOCK_DGRAM:
		if len(s.rq) == 0 {
			return 0, 0
		}
		return len(s.rq[0].data), 0
	}
	return s.rbytes, 0
}

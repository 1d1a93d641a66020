package kernel

import (
	"encoding/binary"
	"os"
	"sync/atomic"

	"golang.org/x/sys/unix"

	"github.com/blink-go/blink/core/abi"
	"github.com/blink-go/blink/procfs"
)

// On a Linux host the network model comes from the host's own rtnetlink,
// so the guest sees exactly what a process in a chroot would: every flag,
// the queue discipline, counters, address lifetimes and all routing
// tables. The host's messages are in the host's byte order (this may be a
// big-endian machine); the model holds values, and socket_netlink.go
// encodes them for the x86-64 guest.

var hostRtnlSeq atomic.Uint32

// readHostNetwork dumps links, addresses and, if asked, routes from the
// host; ok is false when the host's rtnetlink cannot be used (a sandbox
// without AF_NETLINK), so the caller falls back to Go's net package.
func readHostNetwork(routes bool) (procfs.Network, bool) {
	var n procfs.Network
	links, err := hostRtnlDump(unix.RTM_GETLINK)
	if err != nil {
		return n, false
	}
	for _, m := range links {
		if l, ok := parseHostLink(m); ok {
			n.Links = append(n.Links, l)
		}
	}
	addrs, err := hostRtnlDump(unix.RTM_GETADDR)
	if err != nil {
		return n, false
	}
	for _, m := range addrs {
		a, index, ok := parseHostAddr(m)
		if !ok {
			continue
		}
		if l := linkByIndex(&n, index); l != nil {
			l.Addrs = append(l.Addrs, a)
		}
	}
	if routes {
		rs, err := hostRtnlDump(unix.RTM_GETROUTE)
		if err != nil {
			n.Routes = derivedRoutes(n.Links)
			return n, true
		}
		for _, m := range rs {
			if r, ok := parseHostRoute(m); ok {
				n.Routes = append(n.Routes, r)
			}
		}
	}
	return n, true
}

// hostRtnlDump sends one dump request for every address family and
// returns the payloads of the answer's messages of the matching type
// (RTM_NEW* = request type - 2), each with its message type's fixed
// header first.
func hostRtnlDump(typ uint16) ([][]byte, error) {
	fd, err := unix.Socket(unix.AF_NETLINK, unix.SOCK_RAW|unix.SOCK_CLOEXEC, unix.NETLINK_ROUTE)
	if err != nil {
		return nil, err
	}
	defer unix.Close(fd)
	// The kernel answers at once; the timeout only guards against a
	// host that never does.
	unix.SetsockoptTimeval(fd, unix.SOL_SOCKET, unix.SO_RCVTIMEO, &unix.Timeval{Sec: 2})
	if err := unix.Bind(fd, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
		return nil, err
	}
	seq := hostRtnlSeq.Add(1)
	ne := binary.NativeEndian
	req := make([]byte, unix.NLMSG_HDRLEN+unix.SizeofRtGenmsg+3) // rtgenmsg, padded to 4
	ne.PutUint32(req[0:], uint32(len(req)))
	ne.PutUint16(req[4:], typ)
	ne.PutUint16(req[6:], unix.NLM_F_REQUEST|unix.NLM_F_DUMP)
	ne.PutUint32(req[8:], seq)
	req[16] = unix.AF_UNSPEC
	if err := unix.Sendto(fd, req, 0, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
		return nil, err
	}
	var out [][]byte
	buf := make([]byte, 64<<10)
	for {
		nr, _, err := unix.Recvfrom(fd, buf, 0)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return nil, err
		}
		b := buf[:nr]
		for len(b) >= unix.NLMSG_HDRLEN {
			l := int(ne.Uint32(b))
			if l < unix.NLMSG_HDRLEN || l > len(b) {
				return nil, unix.EINVAL
			}
			mt := ne.Uint16(b[4:])
			mseq := ne.Uint32(b[8:])
			body := b[unix.NLMSG_HDRLEN:l]
			if mseq == seq {
				switch mt {
				case unix.NLMSG_DONE:
					return out, nil
				case unix.NLMSG_ERROR:
					if len(body) >= 4 {
						if en := int32(ne.Uint32(body)); en < 0 {
							return nil, unix.Errno(-en)
						}
					}
					return out, nil
				case typ - 2:
					out = append(out, append([]byte(nil), body...))
				}
			}
			b = b[min(nlAlign(l), len(b)):]
		}
	}
}

// hostAttrs splits rtattrs (in host order) into type -> payload, the
// last one of a type winning.
func hostAttrs(b []byte) map[uint16][]byte {
	ne := binary.NativeEndian
	m := map[uint16][]byte{}
	for len(b) >= unix.SizeofRtAttr {
		l := int(ne.Uint16(b))
		if l < unix.SizeofRtAttr || l > len(b) {
			break
		}
		m[ne.Uint16(b[2:])&abi.NLA_TYPE_MASK] = b[unix.SizeofRtAttr:l] // without NLA_F_NESTED, NLA_F_NET_BYTEORDER
		b = b[min(nlAlign(l), len(b)):]
	}
	return m
}

func hostU32(b []byte) (uint32, bool) {
	if len(b) < 4 {
		return 0, false
	}
	return binary.NativeEndian.Uint32(b), true
}

func hostU8(b []byte) uint8 {
	if len(b) < 1 {
		return 0
	}
	return b[0]
}

func parseHostLink(m []byte) (procfs.Link, bool) {
	ne := binary.NativeEndian
	if len(m) < unix.SizeofIfInfomsg {
		return procfs.Link{}, false
	}
	l := procfs.Link{Type: ne.Uint16(m[2:]), Index: int(int32(ne.Uint32(m[4:]))), Flags: ne.Uint32(m[8:])}
	at := hostAttrs(m[unix.SizeofIfInfomsg:])
	l.Name = cstring(at[unix.IFLA_IFNAME])
	l.MTU, _ = hostU32(at[unix.IFLA_MTU])
	l.TxQLen, _ = hostU32(at[unix.IFLA_TXQLEN])
	l.Group, _ = hostU32(at[unix.IFLA_GROUP])
	l.NumTxQ, _ = hostU32(at[unix.IFLA_NUM_TX_QUEUES])
	l.NumRxQ, _ = hostU32(at[unix.IFLA_NUM_RX_QUEUES])
	l.Qdisc = cstring(at[unix.IFLA_QDISC])
	l.OperState = hostU8(at[unix.IFLA_OPERSTATE])
	l.LinkMode = hostU8(at[unix.IFLA_LINKMODE])
	l.Carrier = hostU8(at[unix.IFLA_CARRIER])
	if a := at[unix.IFLA_ADDRESS]; a != nil {
		l.HWAddr = append([]byte(nil), a...)
	}
	if a := at[unix.IFLA_BROADCAST]; a != nil {
		l.Broadcast = append([]byte(nil), a...)
	}
	if mp := at[unix.IFLA_MAP]; len(mp) >= 27 {
		l.Map = procfs.LinkMap{MemStart: ne.Uint64(mp), MemEnd: ne.Uint64(mp[8:]), BaseAddr: ne.Uint64(mp[16:]),
			IRQ: ne.Uint16(mp[24:]), DMA: mp[26]}
		if len(mp) >= 28 {
			l.Map.Port = mp[27]
		}
	}
	if st := at[unix.IFLA_STATS64]; st != nil {
		for i := 0; i < len(l.Stats) && 8*i+8 <= len(st); i++ {
			l.Stats[i] = ne.Uint64(st[8*i:])
		}
	} else if st := at[unix.IFLA_STATS]; st != nil {
		for i := 0; i < len(l.Stats) && 4*i+4 <= len(st); i++ {
			l.Stats[i] = uint64(ne.Uint32(st[4*i:]))
		}
	}
	return l, l.Name != ""
}

func parseHostAddr(m []byte) (procfs.Addr, int, bool) {
	ne := binary.NativeEndian
	if len(m) < unix.SizeofIfAddrmsg {
		return procfs.Addr{}, 0, false
	}
	a := procfs.Addr{PrefixLen: int(m[1]), Flags: uint32(m[2]), Scope: m[3]}
	switch m[0] {
	case unix.AF_INET:
		a.Family = abi.AF_INET
	case unix.AF_INET6:
		a.Family = abi.AF_INET6
	default:
		return a, 0, false
	}
	index := int(int32(ne.Uint32(m[4:])))
	at := hostAttrs(m[unix.SizeofIfAddrmsg:])
	local, addr := at[unix.IFA_LOCAL], at[unix.IFA_ADDRESS]
	switch {
	case local != nil:
		a.Local = append([]byte(nil), local...)
		if addr != nil && string(addr) != string(local) {
			a.Peer = append([]byte(nil), addr...)
		}
	case addr != nil:
		a.Local = append([]byte(nil), addr...)
	default:
		return a, 0, false
	}
	if b := at[unix.IFA_BROADCAST]; b != nil {
		a.Broadcast = append([]byte(nil), b...)
	}
	a.Label = cstring(at[unix.IFA_LABEL])
	if f, ok := hostU32(at[unix.IFA_FLAGS]); ok {
		a.Flags = f
	}
	a.Preferred, a.Valid = 0xffffffff, 0xffffffff
	if ci := at[unix.IFA_CACHEINFO]; len(ci) >= 16 {
		a.Preferred, a.Valid = ne.Uint32(ci), ne.Uint32(ci[4:])
		a.CStamp, a.TStamp = ne.Uint32(ci[8:]), ne.Uint32(ci[12:])
	}
	return a, index, true
}

func parseHostRoute(m []byte) (procfs.Route, bool) {
	ne := binary.NativeEndian
	if len(m) < unix.SizeofRtMsg {
		return procfs.Route{}, false
	}
	r := procfs.Route{DstLen: m[1], SrcLen: m[2], Tos: m[3], Table: uint32(m[4]), Protocol: m[5], Scope: m[6],
		Type: m[7], Flags: ne.Uint32(m[8:])}
	switch m[0] {
	case unix.AF_INET:
		r.Family = abi.AF_INET
	case unix.AF_INET6:
		r.Family = abi.AF_INET6
	default:
		return r, false
	}
	at := hostAttrs(m[unix.SizeofRtMsg:])
	if v, ok := hostU32(at[unix.RTA_TABLE]); ok {
		r.Table = v
	}
	dup := func(b []byte) []byte {
		if b == nil {
			return nil
		}
		return append([]byte(nil), b...)
	}
	r.Dst, r.Src, r.Gateway, r.PrefSrc = dup(at[unix.RTA_DST]), dup(at[unix.RTA_SRC]), dup(at[unix.RTA_GATEWAY]), dup(at[unix.RTA_PREFSRC])
	if v, ok := hostU32(at[unix.RTA_OIF]); ok {
		r.OIF = int(int32(v))
	}
	r.Priority, r.HasPriority = hostU32(at[unix.RTA_PRIORITY])
	if p := at[unix.RTA_PREF]; len(p) >= 1 {
		r.Pref, r.HasPref = p[0], true
	}
	if ci := at[unix.RTA_CACHEINFO]; len(ci) >= 32 {
		r.CacheInfo = make([]uint32, 8)
		for i := range r.CacheInfo {
			r.CacheInfo[i] = ne.Uint32(ci[4*i:])
		}
	}
	return r, true
}

// readHostProcNet adds the host's /proc/net files that rtnetlink cannot
// reproduce (procfs.Network.IfInet6, IPv6Route).
func readHostProcNet(n *procfs.Network) {
	if b, err := os.ReadFile("/proc/net/if_inet6"); err == nil {
		n.IfInet6 = b
	}
	if b, err := os.ReadFile("/proc/net/ipv6_route"); err == nil {
		n.IPv6Route = b
	}
}

// hostRtnlObjects dumps the host's rules or neighbours (RTM_GETRULE,
// RTM_GETNEIGH) and re-encodes them for the guest.
func hostRtnlObjects(typ uint16) ([][]byte, bool) {
	raw, err := hostRtnlDump(typ)
	if err != nil {
		return nil, false
	}
	layout := &ruleLayout
	if typ == unix.RTM_GETNEIGH {
		layout = &neighLayout
	}
	var out [][]byte
	for _, m := range raw {
		if g, ok := layout.toGuest(m, binary.NativeEndian); ok {
			out = append(out, g)
		}
	}
	return out, true
}

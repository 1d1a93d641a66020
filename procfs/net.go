package procfs

import (
	"bytes"
	"fmt"
	"net"
	"sort"

	"github.com/blink-go/blink/core/abi"
)

// /proc/net: the guest's sockets (tcp, tcp6, udp, udp6, unix, netlink) in
// the formats of Linux's seq_file handlers, and the host's interfaces and
// routes (dev, route, if_inet6, ipv6_route), from the Source's NetSource.
// A Source without one shows a loopback interface with no traffic and no
// sockets.
//
// Addresses print as Linux prints them: each 32-bit word of the address
// in network order, read as an x86-64 (little-endian) integer, in hex; so
// 127.0.0.1 is 0100007F. Ports are plain numbers in hex. Kernel pointers
// print as zeros, as for a reader kptr_restrict hides them from.

func (f *FS) netDir() *Dir {
	ro := func(name string, gen genFunc) Entry {
		return Entry{name, f.file("/net/"+name, 0o444, gen)}
	}
	text := func(s string) genFunc {
		return func(b *bytes.Buffer) abi.Errno { b.WriteString(s); return 0 }
	}
	return f.dir("/net",
		ro("dev", f.genNetDev),
		ro("route", f.genNetRoute),
		ro("if_inet6", f.genIfInet6),
		ro("ipv6_route", f.genIPv6Route),
		ro("tcp", func(b *bytes.Buffer) abi.Errno { return f.genTCP(b, abi.AF_INET) }),
		ro("tcp6", func(b *bytes.Buffer) abi.Errno { return f.genTCP(b, abi.AF_INET6) }),
		ro("udp", func(b *bytes.Buffer) abi.Errno { return f.genUDP(b, abi.AF_INET) }),
		ro("udp6", func(b *bytes.Buffer) abi.Errno { return f.genUDP(b, abi.AF_INET6) }),
		// Raw IP sockets are not offered to the guest: the tables are
		// always empty.
		ro("raw", text("  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops\n")),
		ro("raw6", text("  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops\n")),
		ro("unix", f.genUnix),
		ro("netlink", f.genNetlink),
	)
}

// network is the machine's network, or a lone loopback.
func (f *FS) network() Network {
	if ns, ok := f.src.(NetSource); ok {
		return ns.Network()
	}
	return Network{Links: []Link{{Index: 1, Name: "lo", Type: abi.ARPHRD_LOOPBACK,
		Flags: abi.IFF_UP | abi.IFF_LOOPBACK | abi.IFF_RUNNING | abi.IFF_LOWER_UP, MTU: 65536,
		Addrs: []Addr{{Family: abi.AF_INET, Local: []byte{127, 0, 0, 1}, PrefixLen: 8, Scope: abi.RT_SCOPE_HOST}}}}}
}

func (f *FS) sockets() []Socket {
	if ns, ok := f.src.(NetSource); ok {
		return ns.Sockets()
	}
	return nil
}

// genNetDev is dev_seq_show: each interface's counters.
func (f *FS) genNetDev(b *bytes.Buffer) abi.Errno {
	b.WriteString("Inter-|   Receive                                                |  Transmit\n" +
		" face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n")
	for _, l := range f.network().Links {
		s := &l.Stats
		// Indexes into rtnl_link_stats64 (LinkStats).
		const (
			rxPackets, txPackets, rxBytes, txBytes, rxErrors, txErrors, rxDropped, txDropped = 0, 1, 2, 3, 4, 5, 6, 7
			multicast, collisions, rxLength, rxOver, rxCRC, rxFrame, rxFIFO, rxMissed        = 8, 9, 10, 11, 12, 13, 14, 15
			txAborted, txCarrier, txFIFO, txHeartbeat, txWindow, rxCompressed, txCompressed  = 16, 17, 18, 19, 20, 21, 22
		)
		fmt.Fprintf(b, "%6s: %7d %7d %4d %4d %4d %5d %10d %9d %8d %7d %4d %4d %4d %5d %7d %10d\n",
			l.Name, s[rxBytes], s[rxPackets], s[rxErrors], s[rxDropped]+s[rxMissed], s[rxFIFO],
			s[rxLength]+s[rxOver]+s[rxCRC]+s[rxFrame], s[rxCompressed], s[multicast],
			s[txBytes], s[txPackets], s[txErrors], s[txDropped], s[txFIFO], s[collisions],
			s[txCarrier]+s[txAborted]+s[txWindow]+s[txHeartbeat], s[txCompressed])
	}
	return 0
}

// hex32 prints 4 bytes in network order as Linux's %08X of the __be32
// on a little-endian machine.
func hex32(ip []byte) string {
	var w [4]byte
	copy(w[:], ip)
	return fmt.Sprintf("%02X%02X%02X%02X", w[3], w[2], w[1], w[0])
}

// hex128 prints an IPv6 address as four such words.
func hex128(ip []byte) string {
	var w [16]byte
	copy(w[:], ip)
	return hex32(w[0:4]) + hex32(w[4:8]) + hex32(w[8:12]) + hex32(w[12:16])
}

// genNetRoute is fib_route_seq_show: the main IPv4 table, without its
// broadcast and multicast entries, each line padded to 127 columns.
func (f *FS) genNetRoute(b *bytes.Buffer) abi.Errno {
	fmt.Fprintf(b, "%-127s\n", "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT")
	n := f.network()
	names := map[int]string{}
	for _, l := range n.Links {
		names[l.Index] = l.Name
	}
	for _, r := range n.Routes {
		if r.Family != abi.AF_INET || r.Table != abi.RT_TABLE_MAIN || r.Type == abi.RTN_BROADCAST || r.Type == abi.RTN_MULTICAST {
			continue
		}
		flags := 0
		if r.Type == abi.RTN_UNREACHABLE || r.Type == abi.RTN_PROHIBIT {
			flags = abi.RTF_REJECT
		}
		if r.Gateway != nil && !net.IP(r.Gateway).Equal(net.IPv4zero) {
			flags |= abi.RTF_GATEWAY
		}
		if r.DstLen == 32 {
			flags |= abi.RTF_HOST
		}
		flags |= abi.RTF_UP
		dev := names[r.OIF]
		if dev == "" {
			dev = "*"
		}
		line := fmt.Sprintf("%s\t%s\t%s\t%04X\t%d\t%d\t%d\t%s\t%d\t%d\t%d", dev, hex32(r.Dst), hex32(r.Gateway), flags,
			0, 0, r.Priority, hex32(net.CIDRMask(int(r.DstLen), 32)), 0, 0, 0)
		fmt.Fprintf(b, "%-127s\n", line)
	}
	return 0
}

// genIfInet6 is if6_seq_show: address, interface index, prefix length,
// scope (the IPV6_ADDR_* class: 10 loopback, 20 link, 40 site, 00
// global), flags and name; or a Linux host's own file (Network.IfInet6).
func (f *FS) genIfInet6(b *bytes.Buffer) abi.Errno {
	n := f.network()
	if n.IfInet6 != nil {
		b.Write(n.IfInet6)
		return 0
	}
	for _, l := range n.Links {
		for _, a := range l.Addrs {
			if a.Family != abi.AF_INET6 {
				continue
			}
			ip := net.IP(a.Local)
			scope := 0x00
			switch {
			case ip.IsLoopback():
				scope = 0x10
			case ip.IsLinkLocalUnicast():
				scope = 0x20
			case a.Scope == abi.RT_SCOPE_SITE:
				scope = 0x40
			}
			fmt.Fprintf(b, "%032x %02x %02x %02x %02x %8s\n", []byte(ip.To16()), l.Index, a.PrefixLen, scope, uint8(a.Flags), l.Name)
		}
	}
	return 0
}

// genIPv6Route is ipv6_route_seq_show: every IPv6 route of every table;
// or a Linux host's own file (Network.IPv6Route). Reference counts are
// unknown (1), and of the flags only RTF_UP, RTF_GATEWAY and, for local
// routes, RTF_LOCAL|RTF_NONEXTHOP are derived.
func (f *FS) genIPv6Route(b *bytes.Buffer) abi.Errno {
	n := f.network()
	if n.IPv6Route != nil {
		b.Write(n.IPv6Route)
		return 0
	}
	names := map[int]string{}
	for _, l := range n.Links {
		names[l.Index] = l.Name
	}
	zero := make([]byte, 16)
	for _, r := range n.Routes {
		if r.Family != abi.AF_INET6 {
			continue
		}
		dst, src, gw := zero, zero, zero
		if r.Dst != nil {
			dst = r.Dst
		}
		if r.Src != nil {
			src = r.Src
		}
		flags := uint32(abi.RTF_UP)
		if r.Gateway != nil {
			gw = r.Gateway
			flags |= abi.RTF_GATEWAY
		}
		if r.Type == abi.RTN_LOCAL {
			flags |= 0x80000000 | 0x00200000 // RTF_LOCAL | RTF_NONEXTHOP
		}
		fmt.Fprintf(b, "%032x %02x %032x %02x %032x %08x %08x %08x %08x %8s\n", dst, r.DstLen, src, r.SrcLen, gw,
			r.Priority, 1, 0, flags, names[r.OIF])
	}
	return 0
}

// socketsOf lists the sockets of a family and type, listeners first and
// each group by inode, as Linux walks its listening hash before the
// established one.
func (f *FS) socketsOf(family, typ int) []Socket {
	var out []Socket
	for _, s := range f.sockets() {
		if s.Family == family && s.Type == typ {
			out = append(out, s)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		li, lj := out[i].State == abi.TCP_LISTEN, out[j].State == abi.TCP_LISTEN
		if li != lj {
			return li
		}
		return out[i].Ino < out[j].Ino
	})
	return out
}

// clockT converts microseconds to clock ticks (USER_HZ).
func clockT(us uint32) uint64 { return uint64(us) / (1e6 / userHZ) }

// genTCP is tcp4_seq_show (lines padded to 149 columns) and
// tcp6_seq_show. Timers are not known and show as inactive.
func (f *FS) genTCP(b *bytes.Buffer, family int) abi.Errno {
	v6 := family == abi.AF_INET6
	if v6 {
		b.WriteString("  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n")
	} else {
		fmt.Fprintf(b, "%-149s\n", "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode")
	}
	for i, s := range f.socketsOf(family, abi.SOCK_STREAM) {
		addr := hex32
		if v6 {
			addr = hex128
		}
		line := fmt.Sprintf("%4d: %s:%04X %s:%04X %02X %08X:%08X %02X:%08X %08X %5d %8d %d %d %016x %d %d %d %d %d",
			i, addr(s.Local), s.LocalPort, addr(s.Remote), s.RemPort, s.State, uint32(s.TxQueue), uint32(s.RxQueue),
			0, 0, 0, s.UID, 0, s.Ino, s.Refs, 0, clockT(s.RTO), clockT(s.ATO), 0, s.Cwnd, s.Ssthresh)
		if v6 {
			b.WriteString(line + "\n")
		} else {
			fmt.Fprintf(b, "%-149s\n", line)
		}
	}
	return 0
}

// genUDP is udp4_seq_show (lines padded to 127 columns) and
// udp6_seq_show. The first column is Linux's hash bucket, which depends
// on a per-boot random value; the port stands in for it.
func (f *FS) genUDP(b *bytes.Buffer, family int) abi.Errno {
	v6 := family == abi.AF_INET6
	if v6 {
		b.WriteString("  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops\n")
	} else {
		fmt.Fprintf(b, "%-127s\n", "   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops")
	}
	socks := f.socketsOf(family, abi.SOCK_DGRAM)
	sort.SliceStable(socks, func(i, j int) bool { return socks[i].LocalPort < socks[j].LocalPort })
	for _, s := range socks {
		addr := hex32
		if v6 {
			addr = hex128
		}
		line := fmt.Sprintf("%5d: %s:%04X %s:%04X %02X %08X:%08X %02X:%08X %08X %5d %8d %d %d %016x %d",
			s.LocalPort, addr(s.Local), s.LocalPort, addr(s.Remote), s.RemPort, s.State, uint32(s.TxQueue),
			uint32(s.RxQueue), 0, 0, 0, s.UID, 0, s.Ino, s.Refs, 0, 0)
		if v6 {
			b.WriteString(line + "\n")
		} else {
			fmt.Fprintf(b, "%-127s\n", line)
		}
	}
	return 0
}

// genUnix is unix_seq_show: listening sockets flagged __SO_ACCEPTCON,
// the socket state SS_CONNECTED (3) or SS_UNCONNECTED (1), and the bound
// name.
func (f *FS) genUnix(b *bytes.Buffer) abi.Errno {
	b.WriteString("Num       RefCount Protocol Flags    Type St Inode Path\n")
	var socks []Socket
	for _, s := range f.sockets() {
		if s.Family == abi.AF_UNIX {
			socks = append(socks, s)
		}
	}
	sort.Slice(socks, func(i, j int) bool { return socks[i].Ino < socks[j].Ino })
	for _, s := range socks {
		flags, st := 0, 1
		if s.State == abi.TCP_LISTEN {
			flags = 1 << 16
		}
		if s.State == abi.TCP_ESTABLISHED {
			st = 3
		}
		fmt.Fprintf(b, "%016x: %08X %08X %08X %04X %02X %5d", 0, s.Refs, 0, flags, s.Type, st, s.Ino)
		if s.Path != "" {
			b.WriteString(" " + s.Path)
		}
		b.WriteByte('\n')
	}
	return 0
}

// genNetlink is netlink_seq_show.
func (f *FS) genNetlink(b *bytes.Buffer) abi.Errno {
	b.WriteString("sk               Eth Pid        Groups   Rmem     Wmem     Dump  Locks    Drops    Inode\n")
	var socks []Socket
	for _, s := range f.sockets() {
		if s.Family == abi.AF_NETLINK {
			socks = append(socks, s)
		}
	}
	sort.Slice(socks, func(i, j int) bool { return socks[i].Ino < socks[j].Ino })
	for _, s := range socks {
		fmt.Fprintf(b, "%016x %-3d %-10d %08x %-8d %-8d %-5d %-8d %-8d %-8d\n",
			0, s.Proto, s.PortID, s.Groups, s.RxQueue, 0, 0, s.Refs, 0, s.Ino)
	}
	return 0
}

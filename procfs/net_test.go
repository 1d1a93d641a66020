package procfs

import (
	"regexp"
	"strings"
	"testing"

	"github.com/blink-go/blink/core/abi"
)

// netSource is fakeSource with a network and sockets.
type netSource struct {
	*fakeSource
	socks []Socket
	net   Network
}

func (s *netSource) Sockets() []Socket { return s.socks }
func (s *netSource) Network() Network  { return s.net }

// The machine the Linux samples in testdata/linux were taken on: eth0
// with 192.0.2.2/24 and a default route via 192.0.2.1, one listener on
// port 2024 (inode 1076), two connected AF_UNIX sockets.
func newNetFS(t *testing.T) *FS {
	t.Helper()
	base, src := newTestFS(t)
	ns := &netSource{fakeSource: src}
	ns.net.Links = []Link{
		{Index: 1, Name: "lo", Type: abi.ARPHRD_LOOPBACK, Flags: abi.IFF_UP | abi.IFF_LOOPBACK | abi.IFF_RUNNING, MTU: 65536,
			Stats: LinkStats{9312, 9312, 255210676, 255210676}},
		{Index: 2, Name: "eth0", Type: abi.ARPHRD_ETHER, Flags: abi.IFF_UP | abi.IFF_BROADCAST | abi.IFF_RUNNING, MTU: 1500,
			Addrs: []Addr{{Family: abi.AF_INET6, Local: []byte{0xfe, 0x80, 15: 1}, PrefixLen: 64, Scope: abi.RT_SCOPE_LINK, Flags: abi.IFA_F_PERMANENT}}},
	}
	ns.net.Routes = []Route{
		{Family: abi.AF_INET, Table: abi.RT_TABLE_MAIN, Type: abi.RTN_UNICAST, Gateway: []byte{192, 0, 2, 1}, OIF: 2},
		{Family: abi.AF_INET, Table: abi.RT_TABLE_MAIN, Type: abi.RTN_UNICAST, Dst: []byte{192, 0, 2, 0}, DstLen: 24, OIF: 2,
			PrefSrc: []byte{192, 0, 2, 2}, Scope: abi.RT_SCOPE_LINK},
		{Family: abi.AF_INET, Table: abi.RT_TABLE_LOCAL, Type: abi.RTN_LOCAL, Dst: []byte{192, 0, 2, 2}, DstLen: 32, OIF: 2},
		{Family: abi.AF_INET, Table: abi.RT_TABLE_MAIN, Type: abi.RTN_BROADCAST, Dst: []byte{192, 0, 2, 255}, DstLen: 32, OIF: 2},
	}
	ns.socks = []Socket{
		{Family: abi.AF_UNIX, Type: abi.SOCK_STREAM, Ino: 1073, State: abi.TCP_ESTABLISHED, Refs: 3},
		{Family: abi.AF_UNIX, Type: abi.SOCK_STREAM, Ino: 1072, State: abi.TCP_ESTABLISHED, Refs: 3},
		{Family: abi.AF_INET, Type: abi.SOCK_STREAM, Proto: abi.IPPROTO_TCP, Ino: 1076, State: abi.TCP_LISTEN, Refs: 1,
			Local: []byte{0, 0, 0, 0}, Remote: []byte{0, 0, 0, 0}, LocalPort: 2024, RTO: 1e6, Cwnd: 10},
		{Family: abi.AF_INET6, Type: abi.SOCK_DGRAM, Proto: abi.IPPROTO_UDP, Ino: 9, State: abi.TCP_CLOSE, Refs: 2,
			Local: make([]byte, 16), Remote: make([]byte, 16), LocalPort: 53},
		{Family: abi.AF_UNIX, Type: abi.SOCK_DGRAM, Ino: 5, State: abi.TCP_CLOSE, Refs: 2, Path: "@journal@x"},
		{Family: abi.AF_NETLINK, Type: abi.SOCK_RAW, Ino: 7, PortID: 42, Refs: 2},
	}
	cfg := base.cfg
	cfg.Src = ns
	return New(cfg)
}

// hidePointers blanks the kernel addresses Linux printed in its samples
// (blink prints zeros, as for a reader without CAP_SYSLOG).
var kernelPointer = regexp.MustCompile(`\b[0-9a-f]{16}\b`)

func hidePointers(s string) string { return kernelPointer.ReplaceAllString(s, "0000000000000000") }

func TestNetFilesMatchLinux(t *testing.T) {
	f := newNetFS(t)
	for _, c := range []struct{ ours, linux string }{
		{"/net/tcp", "net_tcp"}, {"/net/route", "net_route"}, {"/net/unix", "net_unix"},
	} {
		got, want := read(t, f, c.ours), hidePointers(sample(t, c.linux))
		// Linux's unix list is in hash order; ours is by inode.
		if c.ours == "/net/unix" {
			lines := strings.Split(want, "\n")
			lines[1], lines[2] = lines[2], lines[1]
			want = strings.Join(lines, "\n")
			// Our fake also has an abstract datagram socket.
			want = strings.Replace(want, "Path\n", "Path\n0000000000000000: 00000002 00000000 00000000 0002 01     5 @journal@x\n", 1)
		}
		if got != want {
			t.Errorf("%s:\n%q\nLinux:\n%q", c.ours, got, want)
		}
	}
	dev := strings.Split(read(t, f, "/net/dev"), "\n")
	if ldev := strings.Split(sample(t, "net_dev"), "\n"); dev[2] != ldev[2] {
		t.Errorf("net/dev lo:\n%q\nLinux:\n%q", dev[2], ldev[2])
	}
	if got := read(t, f, "/net/udp6"); !strings.Contains(got, "\n   53: 00000000000000000000000000000000:0035 00000000000000000000000000000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 9 2 0000000000000000 0\n") {
		t.Errorf("udp6:\n%s", got)
	}
	if got := read(t, f, "/net/if_inet6"); got != "fe800000000000000000000000000001 02 40 20 80     eth0\n" {
		t.Errorf("if_inet6 %q", got)
	}
	if got := read(t, f, "/net/netlink"); !strings.HasSuffix(got, "\n0000000000000000 0   42         00000000 0        0        0     2        0        7       \n") {
		t.Errorf("netlink %q", got)
	}
	// Lines of tcp and udp are padded as Linux pads them.
	for _, l := range strings.Split(strings.TrimSuffix(read(t, f, "/net/udp"), "\n"), "\n") {
		if len(l) != 127 {
			t.Errorf("udp line of %d columns: %q", len(l), l)
		}
	}
}

// Without a NetSource, /proc/net shows a quiet loopback and no sockets.
func TestNetFilesWithoutNetSource(t *testing.T) {
	f, _ := newTestFS(t)
	if got := read(t, f, "/net/tcp"); strings.Count(got, "\n") != 1 {
		t.Errorf("tcp %q", got)
	}
	if got := read(t, f, "/net/if_inet6"); got != "" {
		t.Errorf("if_inet6 %q", got)
	}
}

package procfs

import (
	"time"

	"github.com/blink-go/blink/core/abi"
	"github.com/blink-go/blink/core/mem"
	"github.com/blink-go/blink/fs/vfs"
)

// Source is what procfs needs from the kernel, so that procfs does not
// import it: the kernel (core/kernel/procinfo.go) implements it, tests
// use a fake. Every method returns a snapshot taken under the kernel's
// locks; ok is false for a process that no longer exists.
type Source interface {
	// Caller returns the process and thread a vfs.Context.Caller names
	// (0, 0 when nobody in particular asks).
	Caller(c any) (pid, tid int)
	// PIDs lists every process, zombies included, in ascending order.
	PIDs() []int
	Proc(pid int) (Proc, bool)
	// Cmdline and Environ are the bytes of the argument and environment
	// areas of the process's memory, NUL-separated as there.
	Cmdline(pid int) ([]byte, bool)
	Environ(pid int) ([]byte, bool)
	Maps(pid int) ([]mem.Mapping, bool)
	FDs(pid int) ([]FD, bool)
	// Cwd and Root are the process's directories as VFS locations.
	Cwd(pid int) (vfs.Location, bool)
	Root(pid int) (vfs.Location, bool)
	// SetComm renames a process (writing /proc/[pid]/comm).
	SetComm(pid int, comm string) abi.Errno
	// SetOOMScoreAdj records /proc/[pid]/oom_score_adj.
	SetOOMScoreAdj(pid int, v int) abi.Errno
	System() System
	// VFS is the mount table, for mounts and mountinfo.
	VFS() *vfs.VFS
}

// Proc is one process, as /proc/[pid]/stat and status describe it.
type Proc struct {
	PID, PPID, PGID, SID int
	TPGID                int    // foreground group of the controlling tty, -1 without
	TTY                  uint64 // controlling terminal device (Linux encoding), 0 without
	TIDs                 []int
	Comm                 string
	State                byte // 'R', 'S', 'T', 'Z' ...
	Nice                 int  // -20..19; stat shows priority 20+Nice
	UID, GID             [4]uint32
	Groups               []uint32
	Umask                uint32
	Start                time.Duration // after boot
	UTime, STime         time.Duration // CPU time of the process (or, with ForThread, the thread)
	CUTime, CSTime       time.Duration // of its reaped children
	NoNewPrivs           bool          // the group leader's, or with ForThread a thread's
	// CapInh, CapPrm, CapEff and CapBnd are the capability sets.
	CapInh, CapPrm, CapEff, CapBnd uint64
	SigPnd, ShdPnd                 uint64
	SigBlk, SigIgn                 uint64
	SigCgt                         uint64
	SigQ                           int
	Rlimits                        [abi.RLIM_NLIMITS][2]uint64
	Exe                            string
	FDSize                         int
	ExitSignal                     int
	OOMScoreAdj                    int
	Brk                            uint64 // program break end
	StartBrk                       uint64
	// ArgStart..EnvEnd are mm->arg_start... for stat's fields 48-51.
	ArgStart, ArgEnd, EnvStart, EnvEnd uint64
	StartStack                         uint64
	MinFlt                             uint64

	// CPUs is the affinity mask, bit n for CPU n; nil means every CPU.
	// CPUs and Comm are the group leader's, or with ForThread a thread's.
	CPUs []uint64
	// Threads are what each of TIDs has of its own, in the same order
	// (may be left empty: the process's values then stand for every
	// thread).
	Threads []Thread
}

// Thread is what one thread of a process has of its own.
type Thread struct {
	TID          int
	Comm         string
	CPUs         []uint64 // as Proc.CPUs
	State        byte     // 'R' or 'S'; the process's 'T' or 'Z' wins
	UTime, STime time.Duration
	NoNewPrivs   bool // prctl(PR_SET_NO_NEW_PRIVS) is per thread
}

// ForThread makes p describe thread tid (PR_SET_NAME, sched_setaffinity,
// run state and CPU time are per thread) where Threads knows it.
func (p *Proc) ForThread(tid int) {
	for _, t := range p.Threads {
		if t.TID == tid {
			p.Comm, p.CPUs = t.Comm, t.CPUs
			p.UTime, p.STime = t.UTime, t.STime
			p.NoNewPrivs = t.NoNewPrivs
			if p.State == 'R' || p.State == 'S' {
				p.State = t.State
			}
		}
	}
}

// FD is one descriptor of a process.
type FD struct {
	Num   int
	Flags int   // open(2) access mode and status flags, O_CLOEXEC if set
	Pos   int64 // file offset, 0 where it has none
	// Target is what readlink answers: a path, pipe:[N], socket:[N] or
	// anon_inode:[eventfd].
	Target string
	// Loc is where the file is in the tree, zero for files outside it
	// (pipes, sockets, host stdio), which Node stands for instead.
	Loc  vfs.Location
	Node vfs.Node
	Ino  uint64
	// MntID is the mount's id for fdinfo; 0 outside the tree.
	MntID int
}

// System is machine-wide state the kernel knows.
type System struct {
	Boot       time.Time // wall clock at boot, for btime
	Uptime     time.Duration
	Forks      uint64 // processes created since boot
	Running    int
	Blocked    int
	Hostname   string
	Domainname string
	Release    string // uname -r
	Version    string // uname -v
	LastPID    int
}

// NetSource is what /proc/net needs, for Sources that know it (the
// kernel does; a Source without it shows empty tables and a bare
// loopback). It is a separate interface so that Sources written before
// /proc/net listed anything need not change.
type NetSource interface {
	// Sockets lists the guest's sockets, each once however many
	// descriptors of however many processes refer to it.
	Sockets() []Socket
	// Network describes the machine's interfaces, addresses and routes
	// (the host's: the guest shares its network).
	Network() Network
}

// Socket is one guest socket as /proc/net/{tcp,udp,unix,netlink} show it.
// Addresses are raw bytes in network order (4 bytes for AF_INET, 16 for
// AF_INET6); families, types and states use Linux's numbering.
type Socket struct {
	Family, Type, Proto int
	Ino                 uint64
	UID                 uint32
	// State is the TCP state (abi TCP_* numbering: 1 established ... 10
	// listen, 7 close), also used for UDP (7 unconnected, 1 connected)
	// and AF_UNIX (10 listening, 1 connected, 7 otherwise).
	State              int
	Local, Remote      []byte
	LocalPort, RemPort uint16
	TxQueue, RxQueue   uint64
	// TCP details from the host where it reports them (TCP_INFO):
	// retransmission and delayed-ack timeouts in microseconds, the
	// congestion window and the slow-start threshold (-1 while in
	// initial slow start).
	RTO, ATO uint32
	Cwnd     uint32
	Ssthresh int64
	// AF_UNIX: the bound name as /proc/net/unix prints it ("@..." for an
	// abstract one, "" when unbound) and the socket's reference count.
	Path string
	Refs int
	// AF_NETLINK: the port id and multicast groups.
	PortID, Groups uint32
}

// Network is the machine's network configuration as rtnetlink reports it.
type Network struct {
	Links  []Link
	Routes []Route
	// IfInet6 and IPv6Route are a Linux host's own /proc/net/if_inet6 and
	// ipv6_route, shown as they are: Linux lists IPv6 addresses in the
	// order of a per-boot hash and keeps IPv6 route flags rtnetlink does
	// not report. Nil elsewhere: the files are generated.
	IfInet6, IPv6Route []byte
}

// Link is one network interface, as RTM_NEWLINK describes it.
type Link struct {
	Index     int
	Name      string
	Type      uint16 // ARPHRD_*
	Flags     uint32 // IFF_*, as dev_get_flags reports them (RUNNING, LOWER_UP included)
	MTU       uint32
	TxQLen    uint32
	Qdisc     string // "" when unknown
	OperState uint8  // IF_OPER_*
	LinkMode  uint8
	Carrier   uint8
	Group     uint32
	NumTxQ    uint32
	NumRxQ    uint32
	HWAddr    []byte
	Broadcast []byte
	// Map is struct rtnl_link_ifmap: mem_start, mem_end, base_addr, irq,
	// dma, port.
	Map   LinkMap
	Stats LinkStats
	Addrs []Addr
}

// LinkMap is the device's I/O resources (SIOCGIFMAP, IFLA_MAP).
type LinkMap struct {
	MemStart, MemEnd, BaseAddr uint64
	IRQ                        uint16
	DMA, Port                  uint8
}

// LinkStats is struct rtnl_link_stats64, field for field: rx_packets,
// tx_packets, rx_bytes, tx_bytes, rx_errors, tx_errors, rx_dropped,
// tx_dropped, multicast, collisions, rx_length_errors, rx_over_errors,
// rx_crc_errors, rx_frame_errors, rx_fifo_errors, rx_missed_errors,
// tx_aborted_errors, tx_carrier_errors, tx_fifo_errors,
// tx_heartbeat_errors, tx_window_errors, rx_compressed, tx_compressed,
// rx_nohandler.
type LinkStats [24]uint64

// Addr is one interface address, as RTM_NEWADDR describes it.
type Addr struct {
	Family    int    // AF_INET or AF_INET6
	Local     []byte // the address (IFA_LOCAL)
	Peer      []byte // the other end of a point-to-point link, nil without
	PrefixLen int
	Broadcast []byte // IPv4 broadcast, nil without
	Scope     uint8  // RT_SCOPE_*
	Flags     uint32 // IFA_F_*
	Label     string // IPv4 label (the interface's name, or name:alias)
	// Lifetimes in seconds (0xffffffff: forever) and creation and update
	// times in hundredths of a second since boot (struct ifa_cacheinfo).
	Preferred, Valid uint32
	CStamp, TStamp   uint32
}

// Route is one route, as RTM_NEWROUTE describes it.
type Route struct {
	Family                     int // AF_INET or AF_INET6
	DstLen, SrcLen, Tos        uint8
	Table                      uint32 // RT_TABLE_*
	Protocol, Scope, Type      uint8  // RTPROT_*, RT_SCOPE_*, RTN_*
	Flags                      uint32
	Dst, Src, Gateway, PrefSrc []byte // nil when absent
	OIF                        int    // 0 when absent
	Priority                   uint32
	HasPriority                bool
	Pref                       uint8 // IPv6 router preference (RTA_PREF)
	HasPref                    bool
	// CacheInfo is struct rta_cacheinfo's eight words for IPv6 routes
	// (clntref, lastuse, expires, error, used, id, ts, tsage), nil
	// without.
	CacheInfo []uint32
}

package kernel

import (
	"sort"

	"github.com/blink-go/blink/core/abi"
	"github.com/blink-go/blink/procfs"
)

// The kernel's side of /proc/net (procfs.NetSource): the guest's sockets,
// found in every process's descriptor table, and the host network model.
// Linux lists the sockets of a network namespace; the guest's namespace
// is, in effect, its own sockets on the host's interfaces.

// procNetSocket is a socket that can describe itself for /proc/net; ok
// is false for one Linux would not list (a TCP socket neither listening
// nor connected, a UDP socket with no port).
type procNetSocket interface {
	procSocket() (s procfs.Socket, ok bool)
}

func (s procSource) Network() procfs.Network {
	n := hostNetwork(true)
	readHostProcNet(&n)
	return n
}

func (s procSource) Sockets() []procfs.Socket {
	k := s.k
	k.mu.Lock()
	procs := make([]*Process, 0, len(k.procs))
	for _, p := range k.procs {
		procs = append(procs, p)
	}
	k.mu.Unlock()
	sort.Slice(procs, func(i, j int) bool { return procs[i].pid < procs[j].pid })
	type held struct {
		d   *Description
		uid uint32
	}
	var all []held
	seen := map[File]bool{}
	for _, p := range procs {
		p.mu.Lock()
		uid := p.creds.EUID
		p.mu.Unlock()
		// A reference on each description keeps its socket (and a host
		// socket's descriptor number) alive while it is described.
		p.fds.mu.Lock()
		for _, e := range p.fds.fds {
			if e.d == nil || seen[e.d.File] {
				continue
			}
			if _, ok := e.d.File.(procNetSocket); ok {
				seen[e.d.File] = true
				e.d.incRef()
				all = append(all, held{e.d, uid})
			}
		}
		p.fds.mu.Unlock()
	}
	out := make([]procfs.Socket, 0, len(all))
	for _, h := range all {
		ps, ok := h.d.File.(procNetSocket).procSocket()
		if ok {
			if ps.Family != abi.AF_UNIX && ps.Family != abi.AF_NETLINK {
				// sock_i_uid: the creator's; the first process holding
				// the socket stands in for it.
				ps.UID = h.uid
			}
			out = append(out, ps)
		}
		h.d.decRef()
	}
	return out
}

// procSocket describes an AF_UNIX socket as unix_seq_show does.
func (s *unixSocket) procSocket() (procfs.Socket, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ps := procfs.Socket{Family: abi.AF_UNIX, Type: s.typ, Ino: s.ino, UID: s.cred.uid, State: abi.TCP_CLOSE, Refs: 2}
	switch {
	case s.listening:
		ps.State = abi.TCP_LISTEN
	case s.peer != nil:
		ps.State = abi.TCP_ESTABLISHED
		ps.Refs = 3 // the peer holds one too
	}
	ps.RxQueue = uint64(s.rbytes)
	if n := s.name; len(n) > 2 {
		p := n[2:]
		if p[0] == 0 {
			// Abstract: '@' for the leading NUL, and for any other NUL.
			b := []byte(string(p))
			for i := range b {
				if b[i] == 0 {
					b[i] = '@'
				}
			}
			ps.Path = string(b)
		} else {
			ps.Path = cstring(p)
		}
	}
	return ps, true
}

package kernel

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/blink-go/blink/core/abi"
)

// AF_UNIX sockets, in the kernel (unix(7)): SOCK_STREAM, SOCK_SEQPACKET
// and SOCK_DGRAM between guest processes, with SCM_RIGHTS (descriptions
// travel with their reference), SO_PEERCRED and SO_PASSCRED.
//
// Names: an abstract name (sun_path starting with NUL) lives in
// sockTable.abstract; a path name makes a socket file through the VFS
// (MknodFS), so a socket bound inside the rootfs appears there, and is
// found again by that file's device and inode. Connecting to a path with
// no guest listener is ECONNREFUSED: host daemons' sockets are not
// reachable (yet).
//
// Locking: each socket's mu guards its receive queue, backlog and state.
// A sender locks only the receiver; connect locks the listener, then the
// client, never the other way.

const unixStreamCap = 256 << 10 // receive queue bytes before senders block
const unixDgramMax = 512        // queued datagrams before senders block

type ucred struct{ pid, uid, gid uint32 }

func (c ucred) bytes() []byte {
	b := make([]byte, abi.UcredSize)
	le32(b, c.pid)
	le32(b[4:], c.uid)
	le32(b[8:], c.gid)
	return b
}

type unixMsg struct {
	data   []byte
	rights []*Description
	from   []byte
	cred   ucred
}

type unixSocket struct {
	k    *Kernel
	typ  int
	ino  uint64
	cred ucred // the creator's, for peers' SO_PEERCRED

	mu         sync.Mutex
	name       []byte // bound address, nil if unbound
	bindKey    any
	peer       *unixSocket
	peerName   []byte
	peerCred   ucred
	hasPeer    bool // connected at some point (stream/seqpacket)
	listening  bool
	backlog    []*unixSocket
	maxBacklog int
	rq         []unixMsg
	rbytes     int
	rshut      bool // SHUT_RD here, or the peer shut its writing side
	wshut      bool // SHUT_WR here
	peerGone   bool // the peer closed
	closed     bool
	passcred   bool
	q          waitQueue     // readers, writers to this socket, acceptors, pollers
	gen        atomic.Uint64 // arrivals and state changes (POLLIN edges)
	deq        atomic.Uint64 // dequeues (POLLOUT edges for the peer)
	sndTimeout time.Duration
	rcvTimeout time.Duration
}

// sockTable holds the bound AF_UNIX names of one kernel.
type sockTable struct {
	mu       sync.Mutex
	abstract map[string]*unixSocket
	paths    map[any]*unixSocket
}

var sockInodes atomic.Uint64

func newUnix(t *Task, typ int) *unixSocket {
	p := t.proc
	return &unixSocket{k: t.k, typ: typ, ino: sockInodes.Add(1) + 5000,
		cred: ucred{uint32(p.pid), p.creds.EUID, p.creds.EGID}}
}

func newUnixSocket(t *Task, typ, proto int) (socketOps, abi.Errno) {
	if proto != 0 && proto != abi.AF_UNIX {
		return nil, abi.EPROTONOSUPPORT
	}
	switch typ {
	case abi.SOCK_STREAM, abi.SOCK_DGRAM, abi.SOCK_SEQPACKET:
	default:
		return nil, abi.ESOCKTNOSUPPORT
	}
	return newUnix(t, typ), 0
}

func newUnixPair(t *Task, typ, proto int) (socketOps, socketOps, abi.Errno) {
	s, e := newUnixSocket(t, typ, proto)
	if e != 0 {
		return nil, nil, e
	}
	x := s.(*unixSocket)
	y := newUnix(t, typ)
	x.peer, y.peer = y, x
	x.peerCred, y.peerCred = y.cred, x.cred
	x.hasPeer, y.hasPeer = true, true
	return x, y, 0
}

var unixUnnamed = []byte{abi.AF_UNIX, 0}

func (s *unixSocket) sockname() []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.name == nil {
		return unixUnnamed
	}
	return s.name
}

func (s *unixSocket) peername() ([]byte, abi.Errno) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.peer == nil && !s.hasPeer {
		return nil, abi.ENOTCONN
	}
	if s.peerName == nil {
		return unixUnnamed, 0
	}
	return s.peerName, 0
}

// unixName decodes a sockaddr_un into the abstract name or path it names,
// and the canonical address to report.
func unixName(sa []byte) (abstract bool, name string, canon []byte, e abi.Errno) {
	if len(sa) < 2 || int(sa[0])|int(sa[1])<<8 != abi.AF_UNIX {
		return false, "", nil, abi.EINVAL
	}
	if len(sa) > abi.SockaddrUnSize {
		return false, "", nil, abi.EINVAL
	}
	p := sa[2:]
	if len(p) == 0 {
		return false, "", nil, abi.EINVAL
	}
	if p[0] == 0 {
		return true, string(p[1:]), append([]byte(nil), sa...), 0
	}
	for i, c := range p {
		if c == 0 {
			p = p[:i]
			break
		}
	}
	canon = append([]byte{abi.AF_UNIX, 0}, p...)
	canon = append(canon, 0)
	return false, string(p), canon, 0
}

// lookupPath finds the file a path names (dev, ino), following symlinks.
func (t *Task) sockPathKey(path string) (any, abi.Errno) {
	at, rel, e := t.at(abi.AT_FDCWD, path)
	if e != 0 {
		return nil, e
	}
	defer rel()
	st, e := t.k.fs.Stat(t.proc.fsCtx(), at, path, 0)
	if e != 0 {
		return nil, e
	}
	if st.Mode&abi.S_IFMT != abi.S_IFSOCK {
		return nil, abi.ECONNREFUSED
	}
	return [2]uint64{st.Dev, st.Ino}, 0
}

func (s *unixSocket) bind(t *Task, sa []byte) abi.Errno {
	abstract, name, canon, e := unixName(sa)
	if e != 0 {
		return e
	}
	s.mu.Lock()
	bound := s.name != nil
	s.mu.Unlock()
	if bound {
		return abi.EINVAL
	}
	st := &s.k.sockets
	var key any
	if abstract {
		st.mu.Lock()
		if st.abstract[name] != nil {
			st.mu.Unlock()
			return abi.EADDRINUSE
		}
		if st.abstract == nil {
			st.abstract = make(map[string]*unixSocket)
		}
		st.abstract[name] = s
		st.mu.Unlock()
		key = name
	} else {
		mk, ok := t.k.fs.(MknodFS)
		if !ok {
			return abi.EPERM
		}
		at, rel, e := t.at(abi.AT_FDCWD, name)
		if e != 0 {
			return e
		}
		e = mk.Mknod(t.proc.fsCtx(), at, name, abi.S_IFSOCK|(0o777&^t.proc.umask), 0)
		rel()
		if e == abi.EEXIST {
			return abi.EADDRINUSE
		}
		if e != 0 {
			return e
		}
		if key, e = t.sockPathKey(name); e != 0 {
			return e
		}
		st.mu.Lock()
		if st.paths == nil {
			st.paths = make(map[any]*unixSocket)
		}
		st.paths[key] = s
		st.mu.Unlock()
	}
	s.mu.Lock()
	s.name, s.bindKey = canon, key
	s.mu.Unlock()
	return 0
}

func (s *unixSocket) unbind() {
	s.mu.Lock()
	key := s.bindKey
	s.bindKey = nil
	s.mu.Unlock()
	if key == nil {
		return
	}
	st := &s.k.sockets
	st.mu.Lock()
	if n, ok := key.(string); ok {
		if st.abstract[n] == s {
			delete(st.abstract, n)
		}
	} else if st.paths[key] == s {
		delete(st.paths, key)
	}
	st.mu.Unlock()
}

// lookup finds the socket bound to sa.
func (t *Task) unixLookup(sa []byte) (*unixSocket, abi.Errno) {
	abstract, name, _, e := unixName(sa)
	if e != 0 {
		return nil, e
	}
	st := &t.k.sockets
	if abstract {
		st.mu.Lock()
		defer st.mu.Unlock()
		if s := st.abstract[name]; s != nil {
			return s, 0
		}
		return nil, abi.ECONNREFUSED
	}
	key, e := t.sockPathKey(name)
	if e != 0 {
		return nil, e
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	if s := st.paths[key]; s != nil {
		return s, 0
	}
	return nil, abi.ECONNREFUSED
}

func (s *unixSocket) listen(t *Task, backlog int) abi.Errno {
	if s.typ == abi.SOCK_DGRAM {
		return abi.EOPNOTSUPP
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.name == nil {
		return abi.EINVAL // Linux autobinds; guests bind first in practice
	}
	if s.peer != nil || s.hasPeer {
		return abi.EINVAL
	}
	s.listening = true
	s.maxBacklog = max(backlog, 1)
	p := t.proc
	s.cred = ucred{uint32(p.pid), p.creds.EUID, p.creds.EGID}
	return 0
}

func (s *unixSocket) accept(t *Task, nonblock bool) (socketOps, []byte, abi.Errno) {
	var c *unixSocket
	var err abi.Errno
	ready := func() bool {
		s.mu.Lock()
		defer s.mu.Unlock()
		if !s.listening {
			err = abi.EINVAL
			return true
		}
		if len(s.backlog) > 0 {
			c = s.backlog[0]
			s.backlog = s.backlog[1:]
			s.deq.Add(1)
			return true
		}
		if nonblock {
			err = abi.EAGAIN
			return true
		}
		return false
	}
	if t.waitFor(&s.q, time.Time{}, ready) == waitInterrupted {
		return nil, nil, errRestartSys
	}
	s.q.notify() // connectors waiting for backlog room
	if err != 0 {
		return nil, nil, err
	}
	c.mu.Lock()
	pn := c.peerName
	c.mu.Unlock()
	if pn == nil {
		pn = unixUnnamed
	}
	return c, pn, 0
}

func (s *unixSocket) connect(t *Task, sa []byte, nonblock bool) abi.Errno {
	if s.typ == abi.SOCK_DGRAM {
		if len(sa) >= 2 && sa[0] == abi.AF_UNSPEC && sa[1] == 0 {
			s.mu.Lock()
			s.peer, s.peerName = nil, nil
			s.mu.Unlock()
			return 0
		}
		l, e := t.unixLookup(sa)
		if e != 0 {
			return e
		}
		if l.typ != s.typ {
			return abi.EPROTOTYPE
		}
		l.mu.Lock()
		name, cred := l.name, l.cred
		l.mu.Unlock()
		s.mu.Lock()
		s.peer, s.peerName, s.peerCred = l, name, cred
		s.mu.Unlock()
		return 0
	}
	s.mu.Lock()
	switch {
	case s.listening:
		s.mu.Unlock()
		return abi.EINVAL
	case s.peer != nil || s.hasPeer:
		s.mu.Unlock()
		return abi.EISCONN
	}
	myName := s.name
	s.mu.Unlock()
	l, e := t.unixLookup(sa)
	if e != 0 {
		return e
	}
	if l.typ != s.typ {
		return abi.EPROTOTYPE
	}
	srv := newUnix(t, s.typ)
	var err abi.Errno
	ready := func() bool {
		l.mu.Lock()
		defer l.mu.Unlock()
		if !l.listening || l.closed {
			err = abi.ECONNREFUSED
			return true
		}
		if len(l.backlog) >= l.maxBacklog {
			if nonblock {
				err = abi.EAGAIN
				return true
			}
			return false
		}
		srv.name, srv.cred = l.name, l.cred
		srv.peer, srv.peerName, srv.peerCred, srv.hasPeer = s, myName, s.cred, true
		s.mu.Lock()
		s.peer, s.peerName, s.peerCred, s.hasPeer = srv, l.name, l.cred, true
		s.mu.Unlock()
		l.backlog = append(l.backlog, srv)
		l.gen.Add(1)
		return true
	}
	if t.waitFor(&l.q, time.Time{}, ready) == waitInterrupted {
		return errRestartSys
	}
	if err != 0 {
		return err
	}
	l.q.notify()
	s.gen.Add(1)
	s.q.notify()
	return 0
}

func (s *unixSocket) shutdown(how int) abi.Errno {
	s.mu.Lock()
	if s.peer == nil && !s.hasPeer && s.typ != abi.SOCK_DGRAM {
		s.mu.Unlock()
		return abi.ENOTCONN
	}
	peer := s.peer
	if how != abi.SHUT_WR {
		s.rshut = true
	}
	if how != abi.SHUT_RD {
		s.wshut = true
	}
	s.gen.Add(1)
	s.mu.Unlock()
	s.q.notify()
	if peer != nil && how != abi.SHUT_RD && s.typ != abi.SOCK_DGRAM {
		peer.mu.Lock()
		peer.rshut = true
		peer.gen.Add(1)
		peer.mu.Unlock()
		peer.q.notify()
	}
	return 0
}

func (s *unixSocket) sendmsg(t *Task, data []byte, to []byte, rights []*Description, flags int, nonblock bool) (int, abi.Errno) {
	s.mu.Lock()
	dst, wshut, name := s.peer, s.wshut, s.name
	passcred := s.passcred
	s.mu.Unlock()
	_ = passcred
	if wshut {
		return 0, abi.EPIPE
	}
	p := t.proc
	cred := ucred{uint32(p.pid), p.creds.EUID, p.creds.EGID}
	if s.typ == abi.SOCK_DGRAM {
		if to != nil {
			var e abi.Errno
			if dst, e = t.unixLookup(to); e != 0 {
				return 0, e
			}
			if dst.typ != s.typ {
				return 0, abi.EPROTOTYPE
			}
		}
		if dst == nil {
			return 0, abi.ENOTCONN
		}
		if len(data) > unixStreamCap {
			return 0, abi.EMSGSIZE
		}
		if name == nil {
			name = unixUnnamed
		}
		var err abi.Errno
		ready := func() bool {
			dst.mu.Lock()
			defer dst.mu.Unlock()
			if dst.closed {
				err = abi.ECONNREFUSED
				return true
			}
			if dst.rshut {
				err = abi.EPIPE
				return true
			}
			if len(dst.rq) >= unixDgramMax {
				if nonblock {
					err = abi.EAGAIN
					return true
				}
				return false
			}
			dst.rq = append(dst.rq, unixMsg{data: data, rights: rights, from: name, cred: cred})
			dst.rbytes += len(data)
			dst.gen.Add(1)
			return true
		}
		if t.waitFor(&dst.q, time.Time{}, ready) == waitInterrupted {
			return 0, errRestartSys
		}
		if err != 0 {
			return 0, err
		}
		dst.q.notify()
		return len(data), 0
	}
	if to != nil && dst == nil {
		return 0, abi.EOPNOTSUPP
	}
	if dst == nil {
		if s.hasPeer {
			return 0, abi.EPIPE
		}
		return 0, abi.ENOTCONN
	}
	if s.typ == abi.SOCK_SEQPACKET && len(data) > unixStreamCap {
		return 0, abi.EMSGSIZE
	}
	sent := 0
	var err abi.Errno
	ready := func() bool {
		dst.mu.Lock()
		defer dst.mu.Unlock()
		if dst.closed || dst.rshut {
			err = abi.EPIPE
			return true
		}
		room := unixStreamCap - dst.rbytes
		need := len(data) - sent
		if s.typ == abi.SOCK_SEQPACKET && room < need || room <= 0 {
			if nonblock {
				if sent == 0 {
					err = abi.EAGAIN
				}
				return true
			}
			return false
		}
		n := min(need, room)
		m := unixMsg{data: data[sent : sent+n], cred: cred}
		if sent == 0 {
			m.rights = rights
		}
		dst.rq = append(dst.rq, m)
		dst.rbytes += n
		dst.gen.Add(1)
		sent += n
		dst.q.notify()
		return sent == len(data) || nonblock
	}
	if t.waitFor(&dst.q, time.Time{}, ready) == waitInterrupted {
		if sent > 0 {
			return sent, 0
		}
		return 0, errRestartSys
	}
	if sent > 0 {
		return sent, 0
	}
	return 0, err
}

func (s *unixSocket) recvmsg(t *Task, buf []byte, flags int, nonblock bool) (int, []byte, []*Description, []byte, int, abi.Errno) {
	var n int
	var from []byte
	var rights []*Description
	var creds []byte
	var err abi.Errno
	peek := flags&abi.MSG_PEEK != 0
	ready := func() bool {
		s.mu.Lock()
		defer s.mu.Unlock()
		if len(s.rq) == 0 {
			if s.rshut || s.peerGone || s.typ != abi.SOCK_DGRAM && s.peer == nil && s.hasPeer {
				return true // EOF
			}
			if s.typ != abi.SOCK_DGRAM && s.peer == nil {
				err = abi.EINVAL
				if s.typ == abi.SOCK_STREAM || s.typ == abi.SOCK_SEQPACKET {
					err = abi.ENOTCONN
				}
				return true
			}
			if nonblock {
				err = abi.EAGAIN
				return true
			}
			return false
		}
		if s.passcred {
			creds = s.rq[0].cred.bytes()
		}
		if s.typ != abi.SOCK_STREAM {
			m := s.rq[0]
			n = len(m.data)
			copy(buf, m.data)
			from = m.from
			if !peek {
				rights = m.rights
				s.rq = s.rq[1:]
				s.rbytes -= len(m.data)
			}
		} else {
			for i := 0; len(s.rq) > i && n < len(buf); {
				m := &s.rq[i]
				if n > 0 && m.rights != nil {
					break // a message carrying descriptors starts a new read
				}
				c := copy(buf[n:], m.data)
				n += c
				if peek {
					i++
					continue
				}
				if m.rights != nil {
					rights = m.rights
					m.rights = nil
				}
				m.data = m.data[c:]
				s.rbytes -= c
				if len(m.data) == 0 {
					s.rq = s.rq[1:]
				}
			}
		}
		if len(s.rq) == 0 {
			s.rq = nil
		}
		s.deq.Add(1)
		return true
	}
	if t.waitFor(&s.q, time.Time{}, ready) == waitInterrupted {
		return 0, nil, nil, nil, 0, errRestartSys
	}
	if err != 0 {
		return 0, nil, nil, nil, 0, err
	}
	s.q.notify() // writers waiting for room
	if s.typ == abi.SOCK_STREAM {
		from = nil
	}
	return n, from, rights, creds, 0, 0
}

func (s *unixSocket) ReadTask(t *Task, b []byte, nonblock bool) (int, abi.Errno) {
	n, _, rights, _, _, e := s.recvmsg(t, b, 0, nonblock)
	closeAll(rights)
	return min(n, len(b)), e
}

func (s *unixSocket) WriteTask(t *Task, b []byte, nonblock bool) (int, abi.Errno) {
	if s.typ == abi.SOCK_DGRAM && s.peer == nil {
		return 0, abi.ENOTCONN
	}
	return s.sendmsg(t, append([]byte(nil), b...), nil, nil, 0, nonblock)
}

func (s *unixSocket) Read(b []byte) (int, abi.Errno)  { return 0, abi.EAGAIN }
func (s *unixSocket) Write(b []byte) (int, abi.Errno) { return 0, abi.EAGAIN }

func (s *unixSocket) Pread([]byte, int64) (int, abi.Errno)  { return 0, abi.ESPIPE }
func (s *unixSocket) Pwrite([]byte, int64) (int, abi.Errno) { return 0, abi.ESPIPE }
func (s *unixSocket) Lseek(int64, int) (int64, abi.Errno)   { return 0, abi.ESPIPE }
func (s *unixSocket) Path() string                          { return "socket:[" + itoa(int64(s.ino)) + "]" }
func (s *unixSocket) Stat() (Stat, abi.Errno) {
	return Stat{Dev: 0x8, Ino: s.ino, Nlink: 1, Mode: abi.S_IFSOCK | 0o777,
		UID: s.cred.uid, GID: s.cred.gid, Blksize: 4096}, 0
}

func (s *unixSocket) Close() abi.Errno {
	s.unbind()
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return 0
	}
	s.closed = true
	peer := s.peer
	s.peer = nil
	backlog := s.backlog
	s.backlog = nil
	rq := s.rq
	s.rq = nil
	s.mu.Unlock()
	for _, m := range rq {
		closeAll(m.rights)
	}
	for _, c := range backlog {
		c.Close()
	}
	if peer != nil && s.typ != abi.SOCK_DGRAM {
		peer.mu.Lock()
		if peer.peer == s {
			peer.peer = nil
		}
		peer.peerGone = true
		peer.gen.Add(1)
		peer.mu.Unlock()
		peer.q.notify()
	}
	s.q.notify()
	return 0
}

func (s *unixSocket) Readiness(t *Task, mask uint32) uint32 {
	s.mu.Lock()
	defer s.mu.Unlock()
	var r uint32
	if len(s.rq) > 0 || s.listening && len(s.backlog) > 0 {
		r |= abi.POLLIN | abi.POLLRDNORM
	}
	if s.rshut || s.peerGone {
		r |= abi.POLLIN | abi.POLLRDNORM | abi.POLLRDHUP
	}
	if s.peerGone || s.rshut && s.wshut {
		r |= abi.POLLHUP
	}
	if s.listening {
		return r
	}
	if s.typ != abi.SOCK_DGRAM && s.peer == nil && !s.hasPeer {
		return r | abi.POLLHUP
	}
	if s.wshut {
		return r
	}
	if dst := s.peer; dst != nil {
		if dst.writable(s.typ) {
			r |= abi.POLLOUT | abi.POLLWRNORM
		}
	} else {
		r |= abi.POLLOUT | abi.POLLWRNORM
	}
	return r
}

// writable reports room in the receive queue (locking it: the caller
// holds its own socket's lock only, and locks never nest the other way
// round except here, where the peer's is taken second and held briefly;
// senders never hold their own lock while taking the peer's).
func (s *unixSocket) writable(typ int) bool {
	if !s.mu.TryLock() {
		return true // contended: report writable, a write re-checks
	}
	defer s.mu.Unlock()
	if typ == abi.SOCK_DGRAM {
		return len(s.rq) < unixDgramMax
	}
	return s.rbytes < unixStreamCap
}

func (s *unixSocket) PollRegister(r *pollRegs, mask uint32) {
	r.addQueue(&s.q)
	s.mu.Lock()
	peer := s.peer
	s.mu.Unlock()
	if peer != nil && mask&abi.POLLOUT != 0 {
		r.addQueue(&peer.q)
	}
}

func (s *unixSocket) PollGen(mask uint32) uint64 {
	g := s.gen.Load()
	if mask&abi.POLLOUT != 0 {
		s.mu.Lock()
		peer := s.peer
		s.mu.Unlock()
		if peer != nil {
			g += peer.deq.Load()
		}
	}
	return g
}

func (s *unixSocket) getsockopt(t *Task, level, name int) ([]byte, abi.Errno) {
	if level != abi.SOL_SOCKET {
		return nil, abi.EOPNOTSUPP
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	switch name {
	case abi.SO_TYPE:
		return intOpt(int32(s.typ)), 0
	case abi.SO_DOMAIN:
		return intOpt(abi.AF_UNIX), 0
	case abi.SO_PROTOCOL, abi.SO_ERROR:
		return intOpt(0), 0
	case abi.SO_ACCEPTCONN:
		return intOpt(b2i(s.listening)), 0
	case abi.SO_PEERCRED:
		if !s.hasPeer && s.peer == nil {
			return ucred{0, ^uint32(0), ^uint32(0)}.bytes(), 0
		}
		return s.peerCred.bytes(), 0
	case abi.SO_PASSCRED:
		return intOpt(b2i(s.passcred)), 0
	case abi.SO_SNDBUF, abi.SO_RCVBUF:
		return intOpt(unixStreamCap), 0
	case abi.SO_REUSEADDR, abi.SO_KEEPALIVE, abi.SO_BROADCAST:
		return intOpt(0), 0
	}
	return nil, abi.ENOPROTOOPT
}

func (s *unixSocket) setsockopt(t *Task, level, name int, val []byte) abi.Errno {
	if level != abi.SOL_SOCKET {
		return abi.EOPNOTSUPP
	}
	switch name {
	case abi.SO_PASSCRED:
		if len(val) < 4 {
			return abi.EINVAL
		}
		s.mu.Lock()
		s.passcred = rd32(val) != 0
		s.mu.Unlock()
		return 0
	case abi.SO_SNDBUF, abi.SO_RCVBUF, abi.SO_REUSEADDR, abi.SO_KEEPALIVE, abi.SO_BROADCAST,
		abi.SO_SNDBUFFORCE, abi.SO_RCVBUFFORCE, abi.SO_RCVTIMEO, abi.SO_SNDTIMEO, abi.SO_LINGER:
		return 0 // accepted; the in-kernel buffers have fixed sizes
	}
	return abi.ENOPROTOOPT
}

func b2i(b bool) int32 {
	if b {
		return 1
	}
	return 0
}

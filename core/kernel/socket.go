package kernel

import (
	"github.com/blink-go/blink/core/abi"
)

// Sockets: the syscall layer. Families implement socketOps:
//   - AF_UNIX (socket_unix.go) lives in the kernel, between guest
//     processes: descriptors pass as Descriptions (SCM_RIGHTS), peers'
//     credentials are the guest's (SO_PEERCRED), and names are bound in
//     the VFS (a socket file in the rootfs) or in the kernel's abstract
//     namespace.
//   - AF_INET and AF_INET6 (socket_inet_unix.go) are host sockets, always
//     non-blocking on the host; a blocking guest call waits for host
//     readiness interruptibly (poll.go), so signals and exit_group are
//     never held up by the network.
//   - AF_NETLINK (socket_netlink.go) is rtnetlink in the kernel,
//     answering from the host's network description (socket_ifreq.go).
//   - Other families fail with EAFNOSUPPORT and one log line.
//
// Addresses cross this layer as raw Linux sockaddr bytes; each family
// decodes its own.

type socketOps interface {
	File
	taskFile
	pollFile
	bind(t *Task, addr []byte) abi.Errno
	listen(t *Task, backlog int) abi.Errno
	accept(t *Task, nonblock bool) (socketOps, []byte, abi.Errno)
	connect(t *Task, addr []byte, nonblock bool) abi.Errno
	shutdown(how int) abi.Errno
	// sendmsg sends data (to: destination address or nil) with the
	// descriptors of an SCM_RIGHTS message.
	sendmsg(t *Task, data []byte, to []byte, rights []*Description, flags int, nonblock bool) (int, abi.Errno)
	// recvmsg fills buf; n is the message's full length for MSG_TRUNC.
	recvmsg(t *Task, buf []byte, flags int, nonblock bool) (n int, from []byte, rights []*Description, creds []byte, mflags int, e abi.Errno)
	sockname() []byte
	peername() ([]byte, abi.Errno)
	getsockopt(t *Task, level, name int) ([]byte, abi.Errno)
	setsockopt(t *Task, level, name int, val []byte) abi.Errno
}

func (t *Task) socketOf(fd uint64) (socketOps, *Description, abi.Errno) {
	d, e := t.getFD(fd)
	if e != 0 {
		return nil, nil, e
	}
	s, ok := d.File.(socketOps)
	if !ok {
		d.decRef()
		return nil, nil, abi.ENOTSOCK
	}
	return s, d, 0
}

func nonblocking(d *Description, flags int) bool {
	return d.flags&abi.O_NONBLOCK != 0 || flags&abi.MSG_DONTWAIT != 0
}

func sysSocket(t *Task, a *Args) (uint64, abi.Errno) {
	family, typ, proto := int(int32(a[0])), int(int32(a[1])), int(int32(a[2]))
	flags := typ &^ abi.SOCK_TYPE_MASK
	if flags&^(abi.SOCK_NONBLOCK|abi.SOCK_CLOEXEC) != 0 {
		return 0, abi.EINVAL
	}
	typ &= abi.SOCK_TYPE_MASK
	s, e := t.newSocket(family, typ, proto)
	if e != 0 {
		return 0, e
	}
	return t.installNew(s, flags)
}

func (t *Task) newSocket(family, typ, proto int) (socketOps, abi.Errno) {
	switch family {
	case abi.AF_UNIX:
		return newUnixSocket(t, typ, proto)
	case abi.AF_INET, abi.AF_INET6:
		return newInetSocket(t, family, typ, proto)
	case abi.AF_NETLINK:
		return newNetlinkSocket(t, typ, proto) // socket_netlink.go
	}
	t.k.log.Once("socket-family:"+itoa(int64(family)), "socket: address family %d is not supported", family)
	return nil, abi.EAFNOSUPPORT
}

func sysSocketpair(t *Task, a *Args) (uint64, abi.Errno) {
	family, typ, proto := int(int32(a[0])), int(int32(a[1])), int(int32(a[2]))
	flags := typ &^ abi.SOCK_TYPE_MASK
	if flags&^(abi.SOCK_NONBLOCK|abi.SOCK_CLOEXEC) != 0 {
		return 0, abi.EINVAL
	}
	if family != abi.AF_UNIX {
		if family == abi.AF_INET || family == abi.AF_INET6 || family == abi.AF_NETLINK {
			return 0, abi.EOPNOTSUPP
		}
		return 0, abi.EAFNOSUPPORT
	}
	x, y, e := newUnixPair(t, typ&abi.SOCK_TYPE_MASK, proto)
	if e != 0 {
		return 0, e
	}
	fd1, e := t.installNew(x, flags)
	if e != 0 {
		y.Close()
		return 0, e
	}
	fd2, e := t.installNew(y, flags)
	if e != 0 {
		t.closeFD(int32(fd1))
		return 0, e
	}
	var b [8]byte
	le32(b[:], uint32(fd1))
	le32(b[4:], uint32(fd2))
	if e := t.copyOut(a[3], b[:]); e != 0 {
		t.closeFD(int32(fd1))
		t.closeFD(int32(fd2))
		return 0, e
	}
	return 0, 0
}

func (t *Task) closeFD(fd int32) {
	if d, e := t.proc.fds.remove(fd); e == 0 {
		d.decRef()
	}
}

// readSockaddr copies in a sockaddr of length n.
func (t *Task) readSockaddr(addr, n uint64) ([]byte, abi.Errno) {
	if n > 128 || int64(n) < 0 {
		return nil, abi.EINVAL
	}
	b := make([]byte, n)
	if e := t.copyIn(addr, b); e != 0 {
		return nil, e
	}
	return b, 0
}

// writeSockaddr stores sa at addr with the value-result length at lenAddr
// (truncating as Linux's move_addr_to_user).
func (t *Task) writeSockaddr(sa []byte, addr, lenAddr uint64) abi.Errno {
	if addr == 0 || lenAddr == 0 {
		return 0
	}
	var lb [4]byte
	if e := t.copyIn(lenAddr, lb[:]); e != 0 {
		return e
	}
	max := int32(rd32(lb[:]))
	if max < 0 {
		return abi.EINVAL
	}
	n := min(int(max), len(sa))
	if e := t.copyOut(addr, sa[:n]); e != 0 {
		return e
	}
	le32(lb[:], uint32(len(sa)))
	return t.copyOut(lenAddr, lb[:])
}

func sysBind(t *Task, a *Args) (uint64, abi.Errno) {
	s, d, e := t.socketOf(a[0])
	if e != 0 {
		return 0, e
	}
	defer d.decRef()
	sa, e := t.readSockaddr(a[1], a[2])
	if e != 0 {
		return 0, e
	}
	return 0, s.bind(t, sa)
}

func sysListen(t *Task, a *Args) (uint64, abi.Errno) {
	s, d, e := t.socketOf(a[0])
	if e != 0 {
		return 0, e
	}
	defer d.decRef()
	backlog := int(int32(a[1]))
	if backlog < 0 || backlog > abi.SOMAXCONN {
		backlog = abi.SOMAXCONN
	}
	return 0, s.listen(t, backlog)
}

func sysAccept(t *Task, a *Args) (uint64, abi.Errno) { return t.accept4(a[0], a[1], a[2], 0) }

func sysAccept4(t *Task, a *Args) (uint64, abi.Errno) {
	return t.accept4(a[0], a[1], a[2], int(int32(a[3])))
}

func (t *Task) accept4(fd, addr, lenAddr uint64, flags int) (uint64, abi.Errno) {
	if flags&^(abi.SOCK_NONBLOCK|abi.SOCK_CLOEXEC) != 0 {
		return 0, abi.EINVAL
	}
	s, d, e := t.socketOf(fd)
	if e != 0 {
		return 0, e
	}
	defer d.decRef()
	ns, peer, e := s.accept(t, nonblocking(d, 0))
	if e != 0 {
		return 0, e
	}
	nfd, e := t.installNew(ns, flags)
	if e != 0 {
		return 0, e
	}
	if e := t.writeSockaddr(peer, addr, lenAddr); e != 0 {
		// Linux has consumed the connection; the descriptor stays.
		return nfd, 0
	}
	return nfd, 0
}

func sysConnect(t *Task, a *Args) (uint64, abi.Errno) {
	s, d, e := t.socketOf(a[0])
	if e != 0 {
		return 0, e
	}
	defer d.decRef()
	sa, e := t.readSockaddr(a[1], a[2])
	if e != 0 {
		return 0, e
	}
	return 0, s.connect(t, sa, nonblocking(d, 0))
}

func sysShutdown(t *Task, a *Args) (uint64, abi.Errno) {
	s, d, e := t.socketOf(a[0])
	if e != 0 {
		return 0, e
	}
	defer d.decRef()
	how := int(int32(a[1]))
	if how < abi.SHUT_RD || how > abi.SHUT_RDWR {
		return 0, abi.EINVAL
	}
	return 0, s.shutdown(how)
}

func sysGetsockname(t *Task, a *Args) (uint64, abi.Errno) {
	s, d, e := t.socketOf(a[0])
	if e != 0 {
		return 0, e
	}
	defer d.decRef()
	return 0, t.writeSockaddr(s.sockname(), a[1], a[2])
}

func sysGetpeername(t *Task, a *Args) (uint64, abi.Errno) {
	s, d, e := t.socketOf(a[0])
	if e != 0 {
		return 0, e
	}
	defer d.decRef()
	sa, e := s.peername()
	if e != 0 {
		return 0, e
	}
	return 0, t.writeSockaddr(sa, a[1], a[2])
}

func sysSetsockopt(t *Task, a *Args) (uint64, abi.Errno) {
	s, d, e := t.socketOf(a[0])
	if e != 0 {
		return 0, e
	}
	defer d.decRef()
	n := int(int32(a[4]))
	if n < 0 || n > 4096 {
		return 0, abi.EINVAL
	}
	val := make([]byte, n)
	if e := t.copyIn(a[3], val); e != 0 {
		return 0, e
	}
	return 0, s.setsockopt(t, int(int32(a[1])), int(int32(a[2])), val)
}

func sysGetsockopt(t *Task, a *Args) (uint64, abi.Errno) {
	s, d, e := t.socketOf(a[0])
	if e != 0 {
		return 0, e
	}
	defer d.decRef()
	var lb [4]byte
	if e := t.copyIn(a[4], lb[:]); e != 0 {
		return 0, e
	}
	max := int32(rd32(lb[:]))
	if max < 0 {
		return 0, abi.EINVAL
	}
	level, name := int(int32(a[1])), int(int32(a[2]))
	var val []byte
	if level == abi.SOL_SOCKET && name == abi.SO_TYPE || level == abi.SOL_SOCKET && name == abi.SO_DOMAIN {
		val, e = s.getsockopt(t, level, name)
	} else {
		val, e = s.getsockopt(t, level, name)
	}
	if e != 0 {
		return 0, e
	}
	n := min(int(max), len(val))
	if e := t.copyOut(a[3], val[:n]); e != 0 {
		return 0, e
	}
	le32(lb[:], uint32(n))
	return 0, t.copyOut(a[4], lb[:])
}

func intOpt(v int32) []byte {
	var b [4]byte
	le32(b[:], uint32(v))
	return b[:]
}

func sysSendto(t *Task, a *Args) (uint64, abi.Errno) {
	s, d, e := t.socketOf(a[0])
	if e != 0 {
		return 0, e
	}
	defer d.decRef()
	n := a[2]
	if n > 1<<30 {
		n = 1 << 30
	}
	buf := make([]byte, n)
	if e := t.copyIn(a[1], buf); e != 0 {
		return 0, e
	}
	var to []byte
	if a[4] != 0 {
		if to, e = t.readSockaddr(a[4], a[5]); e != 0 {
			return 0, e
		}
	}
	flags := int(int32(a[3]))
	sent, e := s.sendmsg(t, buf, to, nil, flags, nonblocking(d, flags))
	return t.sendResult(sent, e, flags)
}

// sendResult raises SIGPIPE for EPIPE unless MSG_NOSIGNAL.
func (t *Task) sendResult(n int, e abi.Errno, flags int) (uint64, abi.Errno) {
	if e == abi.EPIPE && flags&abi.MSG_NOSIGNAL == 0 {
		t.sendSignal(abi.SIGPIPE)
	}
	if e != 0 {
		return 0, e
	}
	return uint64(n), 0
}

func sysRecvfrom(t *Task, a *Args) (uint64, abi.Errno) {
	s, d, e := t.socketOf(a[0])
	if e != 0 {
		return 0, e
	}
	defer d.decRef()
	size := a[2]
	if size > 1<<30 {
		size = 1 << 30
	}
	buf := make([]byte, size)
	flags := int(int32(a[3]))
	n, from, rights, _, _, e := s.recvmsg(t, buf, flags, nonblocking(d, flags))
	closeAll(rights)
	if e != 0 {
		return 0, e
	}
	got := min(n, len(buf))
	if e := t.copyOut(a[1], buf[:got]); e != 0 {
		return 0, e
	}
	if from != nil {
		t.writeSockaddr(from, a[4], a[5])
	} else if a[5] != 0 {
		var lb [4]byte
		t.copyOut(a[5], lb[:])
	}
	if flags&abi.MSG_TRUNC != 0 {
		return uint64(n), 0
	}
	return uint64(got), 0
}

func closeAll(ds []*Description) {
	for _, d := range ds {
		d.decRef()
	}
}

// msghdr is struct msghdr as the guest laid it out.
type msghdr struct {
	name, namelen, iov, iovlen, control, controllen uint64
	flags                                           uint32
}

func (t *Task) readMsghdr(addr uint64) (msghdr, abi.Errno) {
	var b [abi.MsghdrSize]byte
	if e := t.copyIn(addr, b[:]); e != 0 {
		return msghdr{}, e
	}
	return msghdr{name: rd64(b[0:]), namelen: uint64(rd32(b[8:])), iov: rd64(b[16:]),
		iovlen: rd64(b[24:]), control: rd64(b[32:]), controllen: rd64(b[40:]),
		flags: rd32(b[48:])}, 0
}

func sysSendmsg(t *Task, a *Args) (uint64, abi.Errno) {
	s, d, e := t.socketOf(a[0])
	if e != 0 {
		return 0, e
	}
	defer d.decRef()
	flags := int(int32(a[2]))
	n, e := t.sendmsg(s, d, a[1], flags)
	return t.sendResult(n, e, flags)
}

func (t *Task) sendmsg(s socketOps, d *Description, addr uint64, flags int) (int, abi.Errno) {
	mh, e := t.readMsghdr(addr)
	if e != 0 {
		return 0, e
	}
	iovs, e := t.readIovecs(mh.iov, mh.iovlen)
	if e != 0 {
		return 0, e
	}
	var data []byte
	for _, v := range iovs {
		if len(data)+int(v[1]) > 1<<30 {
			return 0, abi.EMSGSIZE
		}
		chunk := make([]byte, v[1])
		if e := t.copyIn(v[0], chunk); e != 0 {
			return 0, e
		}
		data = append(data, chunk...)
	}
	var to []byte
	if mh.name != 0 && mh.namelen != 0 {
		if to, e = t.readSockaddr(mh.name, mh.namelen); e != 0 {
			return 0, e
		}
	}
	var rights []*Description
	if mh.controllen != 0 {
		if mh.controllen > 1<<16 {
			return 0, abi.ENOBUFS
		}
		ctl := make([]byte, mh.controllen)
		if e := t.copyIn(mh.control, ctl); e != 0 {
			return 0, e
		}
		if rights, e = t.parseRights(ctl); e != 0 {
			return 0, e
		}
	}
	n, e := s.sendmsg(t, data, to, rights, flags, nonblocking(d, flags))
	if e != 0 {
		closeAll(rights)
	}
	return n, e
}

// parseRights walks the control messages and takes a reference on each
// descriptor of SCM_RIGHTS. SCM_CREDENTIALS is accepted and ignored (the
// kernel always reports the true sender).
func (t *Task) parseRights(ctl []byte) ([]*Description, abi.Errno) {
	var rights []*Description
	for len(ctl) >= abi.CmsghdrSize {
		clen := rd64(ctl)
		level, typ := int32(rd32(ctl[8:])), int32(rd32(ctl[12:]))
		if clen < abi.CmsghdrSize || clen > uint64(len(ctl)) {
			closeAll(rights)
			return nil, abi.EINVAL
		}
		if level == abi.SOL_SOCKET && typ == abi.SCM_RIGHTS {
			body := ctl[abi.CmsghdrSize:clen]
			if len(body)/4+len(rights) > 253 { // SCM_MAX_FD
				closeAll(rights)
				return nil, abi.EINVAL
			}
			for i := 0; i+4 <= len(body); i += 4 {
				d, e := t.proc.fds.get(int32(rd32(body[i:])))
				if e != 0 {
					closeAll(rights)
					return nil, abi.EBADF
				}
				rights = append(rights, d)
			}
		}
		step := (clen + 7) &^ 7
		if step >= uint64(len(ctl)) {
			break
		}
		ctl = ctl[step:]
	}
	return rights, 0
}

func sysRecvmsg(t *Task, a *Args) (uint64, abi.Errno) {
	s, d, e := t.socketOf(a[0])
	if e != 0 {
		return 0, e
	}
	defer d.decRef()
	n, e := t.recvmsg(s, d, a[1], int(int32(a[2])))
	return uint64(n), e
}

func (t *Task) recvmsg(s socketOps, d *Description, addr uint64, flags int) (int, abi.Errno) {
	mh, e := t.readMsghdr(addr)
	if e != 0 {
		return 0, e
	}
	iovs, e := t.readIovecs(mh.iov, mh.iovlen)
	if e != 0 {
		return 0, e
	}
	total := 0
	for _, v := range iovs {
		total += int(v[1])
	}
	buf := make([]byte, min(total, 1<<30))
	n, from, rights, creds, mflags, e := s.recvmsg(t, buf, flags, nonblocking(d, flags))
	if e != 0 {
		return 0, e
	}
	got := min(n, len(buf))
	rest := buf[:got]
	for _, v := range iovs {
		c := min(int(v[1]), len(rest))
		if c == 0 {
			break
		}
		if e := t.copyOut(v[0], rest[:c]); e != 0 {
			closeAll(rights)
			return 0, e
		}
		rest = rest[c:]
	}
	if n > got {
		mflags |= abi.MSG_TRUNC
	}
	// Control messages: SCM_RIGHTS, then SCM_CREDENTIALS.
	var ctl []byte
	if len(rights) > 0 {
		if mh.control == 0 || mh.controllen < abi.CmsghdrSize+4 {
			closeAll(rights)
			mflags |= abi.MSG_CTRUNC
		} else {
			fit := min(len(rights), int(mh.controllen-abi.CmsghdrSize)/4)
			cm := make([]byte, abi.CmsghdrSize+4*fit)
			le64(cm, uint64(len(cm)))
			le32(cm[8:], abi.SOL_SOCKET)
			le32(cm[12:], abi.SCM_RIGHTS)
			for i, rd := range rights {
				if i >= fit {
					rd.decRef()
					mflags |= abi.MSG_CTRUNC
					continue
				}
				fd, e := t.proc.fds.alloc(rd, 0, flags&abi.MSG_CMSG_CLOEXEC != 0)
				if e != 0 {
					rd.decRef()
					mflags |= abi.MSG_CTRUNC
					fd = -1
				}
				le32(cm[abi.CmsghdrSize+4*i:], uint32(fd))
			}
			ctl = append(ctl, cm...)
			for len(ctl)%8 != 0 {
				ctl = append(ctl, 0)
			}
		}
	}
	if creds != nil && mh.control != 0 && mh.controllen >= uint64(len(ctl))+abi.CmsghdrSize+abi.UcredSize {
		cm := make([]byte, abi.CmsghdrSize+abi.UcredSize)
		le64(cm, uint64(len(cm)))
		le32(cm[8:], abi.SOL_SOCKET)
		le32(cm[12:], abi.SCM_CREDENTIALS)
		copy(cm[abi.CmsghdrSize:], creds)
		ctl = append(ctl, cm...)
	}
	if len(ctl) > 0 {
		if e := t.copyOut(mh.control, ctl[:min(len(ctl), int(mh.controllen))]); e != 0 {
			return 0, e
		}
	}
	// msg_namelen, msg_controllen and msg_flags are written back.
	var nl [4]byte
	if mh.name != 0 && from != nil {
		c := min(len(from), int(mh.namelen))
		if e := t.copyOut(mh.name, from[:c]); e != 0 {
			return 0, e
		}
		le32(nl[:], uint32(len(from)))
	}
	if e := t.copyOut(addr+8, nl[:]); e != 0 {
		return 0, e
	}
	var cl [8]byte
	le64(cl[:], uint64(min(len(ctl), int(mh.controllen))))
	if e := t.copyOut(addr+40, cl[:]); e != 0 {
		return 0, e
	}
	var fl [4]byte
	le32(fl[:], uint32(mflags))
	if e := t.copyOut(addr+48, fl[:]); e != 0 {
		return 0, e
	}
	if flags&abi.MSG_TRUNC != 0 {
		return n, 0
	}
	return got, 0
}

// sysSendmmsg sends each message of the vector in turn; the count sent so
// far is returned when a later one fails.
func sysSendmmsg(t *Task, a *Args) (uint64, abi.Errno) {
	s, d, e := t.socketOf(a[0])
	if e != 0 {
		return 0, e
	}
	defer d.decRef()
	vlen := min(a[2], 1024) // UIO_MAXIOV
	flags := int(int32(a[3]))
	var i uint64
	for ; i < vlen; i++ {
		h := a[1] + i*abi.MmsghdrSize
		n, e := t.sendmsg(s, d, h, flags)
		if e != 0 {
			if i == 0 {
				return t.sendResult(0, e, flags)
			}
			break
		}
		var b [4]byte
		le32(b[:], uint32(n))
		if e := t.copyOut(h+abi.MsghdrSize, b[:]); e != 0 {
			return 0, e
		}
	}
	return i, 0
}

func sysRecvmmsg(t *Task, a *Args) (uint64, abi.Errno) {
	s, d, e := t.socketOf(a[0])
	if e != 0 {
		return 0, e
	}
	defer d.decRef()
	vlen := min(a[2], 1024)
	flags := int(int32(a[3]))
	var i uint64
	for ; i < vlen; i++ {
		h := a[1] + i*abi.MmsghdrSize
		f := flags
		if i > 0 && flags&abi.MSG_WAITFORONE != 0 {
			f |= abi.MSG_DONTWAIT
		}
		n, e := t.recvmsg(s, d, h, f&^abi.MSG_WAITFORONE)
		if e != 0 {
			if i == 0 {
				return 0, e
			}
			break
		}
		var b [4]byte
		le32(b[:], uint32(n))
		if e := t.copyOut(h+abi.MsghdrSize, b[:]); e != 0 {
			return 0, e
		}
	}
	return i, 0
}

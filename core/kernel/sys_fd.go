package kernel

import (
	"github.com/blink-go/blink/core/abi"
)

// Descriptor management: dup, dup2, dup3, fcntl, pipe, pipe2, ioctl.

func sysDup(t *Task, a *Args) (uint64, abi.Errno) {
	d, e := t.getFD(a[0])
	if e != 0 {
		return 0, e
	}
	fd, e := t.proc.fds.alloc(d, 0, false)
	if e != 0 {
		d.decRef()
		return 0, e
	}
	return uint64(fd), 0
}

func sysDup2(t *Task, a *Args) (uint64, abi.Errno) {
	if int32(a[0]) == int32(a[1]) {
		// dup2(fd, fd) only validates fd.
		d, e := t.getFD(a[0])
		if e != 0 {
			return 0, e
		}
		d.decRef()
		return a[1], 0
	}
	return t.dup3(a[0], a[1], 0)
}

func sysDup3(t *Task, a *Args) (uint64, abi.Errno) {
	flags := int(int32(a[2]))
	if flags&^abi.O_CLOEXEC != 0 || int32(a[0]) == int32(a[1]) {
		return 0, abi.EINVAL
	}
	return t.dup3(a[0], a[1], flags)
}

func (t *Task) dup3(oldfd, newfd uint64, flags int) (uint64, abi.Errno) {
	d, e := t.getFD(oldfd)
	if e != 0 {
		return 0, e
	}
	if int32(newfd) < 0 {
		d.decRef()
		return 0, abi.EBADF
	}
	if e := t.proc.fds.install(int(int32(newfd)), d, flags&abi.O_CLOEXEC != 0); e != 0 {
		d.decRef()
		return 0, e
	}
	return uint64(uint32(newfd)), 0
}

// settableFlags are what F_SETFL may change; the access mode and creation
// flags are ignored, as on Linux.
const settableFlags = abi.O_APPEND | abi.O_ASYNC | abi.O_DIRECT | abi.O_NOATIME | abi.O_NONBLOCK

func sysFcntl(t *Task, a *Args) (uint64, abi.Errno) {
	fd := int32(a[0])
	d, e := t.proc.fds.get(fd)
	if e != 0 {
		return 0, e
	}
	defer d.decRef()
	cmd := int(int32(a[1]))
	if d.flags&abi.O_PATH != 0 {
		switch cmd {
		case abi.F_DUPFD, abi.F_DUPFD_CLOEXEC, abi.F_GETFD, abi.F_SETFD, abi.F_GETFL:
		default:
			return 0, abi.EBADF
		}
	}
	switch cmd {
	case abi.F_DUPFD, abi.F_DUPFD_CLOEXEC:
		min := int64(int32(a[2]))
		if min < 0 || uint64(min) >= t.proc.nofile() {
			return 0, abi.EINVAL
		}
		d.incRef()
		nfd, e := t.proc.fds.alloc(d, int(min), cmd == abi.F_DUPFD_CLOEXEC)
		if e != 0 {
			d.decRef()
			return 0, e
		}
		return uint64(nfd), 0
	case abi.F_GETFD:
		ce, e := t.proc.fds.cloexec(fd)
		if ce {
			return abi.FD_CLOEXEC, e
		}
		return 0, e
	case abi.F_SETFD:
		return 0, t.proc.fds.setCloexec(fd, a[2]&abi.FD_CLOEXEC != 0)
	case abi.F_GETFL:
		t.proc.mu.Lock()
		fl := d.flags
		t.proc.mu.Unlock()
		return uint64(fl | abi.O_LARGEFILE), 0
	case abi.F_SETFL:
		arg := int(int32(a[2]))
		t.proc.mu.Lock()
		nfl := d.flags&^settableFlags | arg&settableFlags
		t.proc.mu.Unlock()
		if ff, ok := d.File.(FlagsFile); ok {
			if e := ff.SetFlags(nfl); e != 0 {
				return 0, e
			}
		}
		t.proc.mu.Lock()
		d.flags = nfl
		t.proc.mu.Unlock()
		return 0, 0
	case abi.F_GETLK, abi.F_SETLK, abi.F_SETLKW:
		return t.fcntlLock(d, cmd, a[2]) // locks.go
	case abi.F_OFD_GETLK, abi.F_OFD_SETLK, abi.F_OFD_SETLKW:
		t.k.log.Once("fcntl-lock", "open file description locks are not supported yet")
		return 0, abi.ENOLCK
	case abi.F_GETOWN, abi.F_SETOWN, abi.F_GETSIG, abi.F_SETSIG, abi.F_GETLEASE, abi.F_SETLEASE,
		abi.F_NOTIFY, abi.F_GETPIPE_SZ, abi.F_SETPIPE_SZ, abi.F_ADD_SEALS, abi.F_GET_SEALS,
		abi.F_GETOWN_EX, abi.F_SETOWN_EX:
		t.k.log.Once("fcntl-"+itoa(int64(cmd)), "unsupported fcntl command %d", cmd)
		return 0, abi.EINVAL
	}
	return 0, abi.EINVAL
}

func sysPipe(t *Task, a *Args) (uint64, abi.Errno) { return t.pipe2(a[0], 0) }

func sysPipe2(t *Task, a *Args) (uint64, abi.Errno) { return t.pipe2(a[0], int(int32(a[1]))) }

func (t *Task) pipe2(addr uint64, flags int) (uint64, abi.Errno) {
	if flags&^(abi.O_CLOEXEC|abi.O_NONBLOCK|abi.O_DIRECT) != 0 {
		return 0, abi.EINVAL
	}
	// Kernel pipes (pipe.go): blocking on them is interruptible.
	r, w := newPipe(t.proc.creds.EUID, t.proc.creds.EGID)
	status := flags & (abi.O_NONBLOCK | abi.O_DIRECT)
	cloexec := flags&abi.O_CLOEXEC != 0
	rd := newDescription(r, abi.O_RDONLY|status)
	wd := newDescription(w, abi.O_WRONLY|status)
	rfd, e := t.proc.fds.alloc(rd, 0, cloexec)
	if e != 0 {
		rd.decRef()
		wd.decRef()
		return 0, e
	}
	wfd, e := t.proc.fds.alloc(wd, 0, cloexec)
	if e != 0 {
		t.proc.fds.remove(int32(rfd))
		rd.decRef()
		wd.decRef()
		return 0, e
	}
	var b [8]byte
	le32(b[0:], uint32(rfd))
	le32(b[4:], uint32(wfd))
	if e := t.copyOut(addr, b[:]); e != 0 {
		// Linux allocates both descriptors only after a successful copy;
		// undo so the guest sees no leak.
		t.proc.fds.remove(int32(rfd))
		t.proc.fds.remove(int32(wfd))
		rd.decRef()
		wd.decRef()
		return 0, e
	}
	return 0, 0
}

func sysIoctl(t *Task, a *Args) (uint64, abi.Errno) {
	fd := int32(a[0])
	d, e := t.proc.fds.get(fd)
	if e != 0 {
		return 0, e
	}
	defer d.decRef()
	if d.flags&abi.O_PATH != 0 {
		return 0, abi.EBADF
	}
	req := uint32(a[1])
	arg := a[2]
	switch req {
	case abi.FIOCLEX:
		return 0, t.proc.fds.setCloexec(fd, true)
	case abi.FIONCLEX:
		return 0, t.proc.fds.setCloexec(fd, false)
	case abi.FIONBIO:
		var b [4]byte
		if e := t.copyIn(arg, b[:]); e != 0 {
			return 0, e
		}
		t.proc.mu.Lock()
		nfl := d.flags &^ abi.O_NONBLOCK
		if rd32(b[:]) != 0 {
			nfl |= abi.O_NONBLOCK
		}
		t.proc.mu.Unlock()
		if ff, ok := d.File.(FlagsFile); ok {
			if e := ff.SetFlags(nfl); e != 0 {
				return 0, e
			}
		}
		t.proc.mu.Lock()
		d.flags = nfl
		t.proc.mu.Unlock()
		return 0, 0
	}
	if rv, e, ok := t.socketIoctl(d, req, arg); ok { // socket_ifreq.go
		return rv, e
	}
	if rv, e, ok := t.ttyIoctl(d, req, arg); ok { // tty.go
		return rv, e
	}
	// Linux answers ENOTTY for any request a file does not know.
	t.k.log.Once("ioctl-"+itoa(int64(req)), "unsupported ioctl 0x%x", req)
	return 0, abi.ENOTTY
}

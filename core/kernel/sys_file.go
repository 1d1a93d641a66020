package kernel

import (
	"github.com/blink-go/blink/core/abi"
)

// File descriptor I/O: read, write and their vector and positional forms,
// open, close, lseek.

func (t *Task) getFD(fd uint64) (*Description, abi.Errno) { return t.proc.fds.get(int32(fd)) }

func readable(d *Description) bool {
	return d.flags&abi.O_PATH == 0 && d.flags&abi.O_ACCMODE != abi.O_WRONLY
}

func writable(d *Description) bool {
	return d.flags&abi.O_PATH == 0 && d.flags&abi.O_ACCMODE != abi.O_RDONLY
}

// isRegular tells whether transfers may be split into several host calls
// without changing their meaning (a pipe or terminal would block).
func (d *Description) isRegular() bool {
	k := d.kind.Load()
	if k == 0 {
		k = kindOther
		if st, e := d.File.Stat(); e == 0 && st.Mode&abi.S_IFMT == abi.S_IFREG {
			k = kindRegular
		}
		d.kind.Store(k) // threads sharing d compute the same value
	}
	return k == kindRegular
}

const (
	kindRegular = 1 + iota
	kindOther
)

func sysRead(t *Task, a *Args) (uint64, abi.Errno) {
	d, e := t.getFD(a[0])
	if e != 0 {
		return 0, e
	}
	defer d.decRef()
	if !readable(d) {
		return 0, abi.EBADF
	}
	return t.readTo(d, a[1], a[2], -1)
}

func sysPread64(t *Task, a *Args) (uint64, abi.Errno) {
	d, e := t.getFD(a[0])
	if e != 0 {
		return 0, e
	}
	defer d.decRef()
	if !readable(d) {
		return 0, abi.EBADF
	}
	if int64(a[3]) < 0 {
		return 0, abi.EINVAL
	}
	return t.readTo(d, a[1], a[2], int64(a[3]))
}

// readTo reads up to n bytes into guest memory at buf; off < 0 means the
// file position. The buffer is checked first so a bad one costs no input.
func (t *Task) readTo(d *Description, buf, n uint64, off int64) (uint64, abi.Errno) {
	n = min(n, maxRW)
	if n == 0 {
		// Linux still calls the file's read, so directories say EISDIR.
		_, e := t.fileRead(d, nil, off)
		return 0, e
	}
	n = t.writablePrefix(buf, n)
	if n == 0 {
		return 0, abi.EFAULT
	}
	total := uint64(0)
	for total < n {
		chunk := t.scratchBuf(int(min(n-total, ioChunk)))
		got, e := t.fileRead(d, chunk, off)
		if e != 0 {
			if total > 0 {
				break
			}
			return 0, e
		}
		if e := t.copyOut(buf+total, chunk[:got]); e != 0 {
			return total, e
		}
		total += uint64(got)
		if off >= 0 {
			off += int64(got)
		}
		if got < len(chunk) || !d.isRegular() {
			break
		}
	}
	return total, 0
}

func (t *Task) fileRead(d *Description, p []byte, off int64) (int, abi.Errno) {
	if tf, ok := asTaskFile(d.File); ok && off < 0 {
		return tf.ReadTask(t, p, d.flags&abi.O_NONBLOCK != 0) // may block (pipe.go)
	}
	if off >= 0 {
		return d.File.Pread(p, off)
	}
	if !d.isRegular() {
		// A host FIFO, socket or device: wait for input interruptibly
		// instead of blocking in the host's read.
		if e := t.waitHostReadable(d, abi.POLLIN); e != 0 {
			return 0, e
		}
	}
	return d.File.Read(p)
}

func (t *Task) fileWrite(d *Description, p []byte, off int64) (int, abi.Errno) {
	if tf, ok := asTaskFile(d.File); ok && off < 0 {
		return tf.WriteTask(t, p, d.flags&abi.O_NONBLOCK != 0) // may block (pipe.go)
	}
	if off >= 0 {
		return d.File.Pwrite(p, off)
	}
	return d.File.Write(p)
}

func sysWrite(t *Task, a *Args) (uint64, abi.Errno) {
	d, e := t.getFD(a[0])
	if e != 0 {
		return 0, e
	}
	defer d.decRef()
	if !writable(d) {
		return 0, abi.EBADF
	}
	return t.writeFrom(d, a[1], a[2], -1)
}

func sysPwrite64(t *Task, a *Args) (uint64, abi.Errno) {
	d, e := t.getFD(a[0])
	if e != 0 {
		return 0, e
	}
	defer d.decRef()
	if !writable(d) {
		return 0, abi.EBADF
	}
	if int64(a[3]) < 0 {
		return 0, abi.EINVAL
	}
	return t.writeFrom(d, a[1], a[2], int64(a[3]))
}

// writeErr is the error of a write that moved nothing: EPIPE also raises
// SIGPIPE, as pipe_write and the socket layer do. (A write that moved
// something returns its count instead.)
func (t *Task) writeErr(e abi.Errno) abi.Errno {
	if e == abi.EPIPE {
		t.sendSignal(abi.SIGPIPE)
	}
	return e
}

// writeFrom writes n bytes from guest memory at buf. A fault part-way
// writes the readable prefix, as copy_from_user does; one at the start is
// EFAULT.
func (t *Task) writeFrom(d *Description, buf, n uint64, off int64) (uint64, abi.Errno) {
	n = min(n, maxRW)
	if n == 0 {
		_, e := t.fileWrite(d, nil, off)
		return 0, e
	}
	if buf+n < buf || buf+n > abi.TaskSizeMax+pageSize {
		return 0, abi.EFAULT
	}
	total := uint64(0)
	for total < n {
		chunk := t.scratchBuf(int(min(n-total, ioChunk)))
		got := t.copyInPrefix(buf+total, chunk)
		if got == 0 {
			if total > 0 {
				break
			}
			return 0, abi.EFAULT
		}
		w, e := t.fileWrite(d, chunk[:got], off)
		if e != 0 {
			if total > 0 {
				break
			}
			return 0, t.writeErr(e)
		}
		total += uint64(w)
		if off >= 0 {
			off += int64(w)
		}
		if w < got || got < len(chunk) {
			break
		}
	}
	return total, 0
}

const iovMax = 1024

// readIovecs reads a guest iovec array, with Linux's checks: more than
// IOV_MAX entries or a length sum overflowing ssize_t is EINVAL.
func (t *Task) readIovecs(addr, cnt uint64) ([][2]uint64, abi.Errno) {
	if cnt > iovMax {
		return nil, abi.EINVAL
	}
	if cnt == 0 {
		return nil, 0
	}
	raw := t.scratchBuf(int(cnt) * 16)
	if e := t.copyIn(addr, raw); e != 0 {
		return nil, e
	}
	iov := t.iovs[:0]
	var sum uint64
	for i := range int(cnt) {
		base, n := rd64(raw[i*16:]), rd64(raw[i*16+8:])
		if int64(n) < 0 || sum+n > 1<<63-1 {
			return nil, abi.EINVAL
		}
		sum += n
		iov = append(iov, [2]uint64{base, n})
	}
	t.iovs = iov
	return iov, 0
}

func sysReadv(t *Task, a *Args) (uint64, abi.Errno) { return t.readv(a, -1) }

func sysPreadv(t *Task, a *Args) (uint64, abi.Errno) {
	if int64(a[3]) < 0 {
		return 0, abi.EINVAL
	}
	return t.readv(a, int64(a[3]))
}

// vectorFD is the common start of readv and writev: the descriptor (a
// reference the caller drops), its access mode checked by ok, then the
// iovec array, in the order Linux checks them.
func (t *Task) vectorFD(a *Args, ok func(*Description) bool) (*Description, [][2]uint64, abi.Errno) {
	d, e := t.getFD(a[0])
	if e != 0 {
		return nil, nil, e
	}
	if !ok(d) {
		d.decRef()
		return nil, nil, abi.EBADF
	}
	iov, e := t.readIovecs(a[1], a[2])
	if e != 0 {
		d.decRef()
		return nil, nil, e
	}
	return d, iov, 0
}

// readv reads segment by segment; a short segment ends the call, which
// matches Linux for everything except a pipe holding more data than the
// first segment (Linux would fill later segments too).
func (t *Task) readv(a *Args, off int64) (uint64, abi.Errno) {
	d, iov, e := t.vectorFD(a, readable)
	if e != 0 {
		return 0, e
	}
	defer d.decRef()
	total := uint64(0)
	for _, v := range iov {
		if v[1] == 0 {
			continue
		}
		if total+v[1] > maxRW {
			v[1] = maxRW - total
		}
		n, e := t.readTo(d, v[0], v[1], off)
		if e != 0 {
			if total > 0 {
				break
			}
			return 0, e
		}
		total += n
		if off >= 0 {
			off += int64(n)
		}
		if n < v[1] || total >= maxRW {
			break
		}
	}
	return total, 0
}

func sysWritev(t *Task, a *Args) (uint64, abi.Errno) { return t.writev(a, -1) }

func sysPwritev(t *Task, a *Args) (uint64, abi.Errno) {
	if int64(a[3]) < 0 {
		return 0, abi.EINVAL
	}
	return t.writev(a, int64(a[3]))
}

// writev gathers the segments into one buffer and writes once, so a
// message to a pipe or terminal is not split (atomic up to PIPE_BUF, as
// on Linux).
func (t *Task) writev(a *Args, off int64) (uint64, abi.Errno) {
	d, iov, e := t.vectorFD(a, writable)
	if e != 0 {
		return 0, e
	}
	defer d.decRef()
	var sum uint64
	for _, v := range iov {
		sum += v[1]
	}
	sum = min(sum, maxRW)
	if sum == 0 {
		_, e := t.fileWrite(d, nil, off)
		return 0, e
	}
	total := uint64(0)
	i, segOff := 0, uint64(0)
	for total < sum {
		chunk := t.scratchBuf(int(min(sum-total, ioChunk)))
		fill := 0
		for fill < len(chunk) && i < len(iov) {
			v := iov[i]
			n := min(uint64(len(chunk)-fill), v[1]-segOff)
			got := t.copyInPrefix(v[0]+segOff, chunk[fill:fill+int(n)])
			fill += got
			segOff += uint64(got)
			if uint64(got) < n {
				i = len(iov) // fault: stop gathering
				break
			}
			if segOff == v[1] {
				i, segOff = i+1, 0
			}
		}
		if fill == 0 {
			if total > 0 {
				break
			}
			return 0, abi.EFAULT
		}
		w, e := t.fileWrite(d, chunk[:fill], off)
		if e != 0 {
			if total > 0 {
				break
			}
			return 0, t.writeErr(e)
		}
		total += uint64(w)
		if off >= 0 {
			off += int64(w)
		}
		if w < fill || fill < len(chunk) {
			break
		}
	}
	return total, 0
}

func sysLseek(t *Task, a *Args) (uint64, abi.Errno) {
	d, e := t.getFD(a[0])
	if e != 0 {
		return 0, e
	}
	defer d.decRef()
	whence := uint32(a[2])
	if whence > abi.SEEK_HOLE {
		return 0, abi.EINVAL
	}
	if d.flags&abi.O_PATH != 0 {
		return 0, abi.EBADF
	}
	n, e := d.File.Lseek(int64(a[1]), int(whence))
	return uint64(n), e
}

// openFlagsValid applies build_open_flags' checks; unknown bits are
// ignored, as open(2) does.
func openFlagsValid(flags int) abi.Errno {
	if flags&abi.O_TMPFILE == abi.O_TMPFILE {
		if flags&abi.O_CREAT != 0 || flags&abi.O_ACCMODE == abi.O_RDONLY {
			return abi.EINVAL
		}
	}
	return 0
}

func sysOpen(t *Task, a *Args) (uint64, abi.Errno) {
	return t.openat(abi.AT_FDCWD, a[0], int(int32(a[1])), uint32(a[2]))
}

func sysOpenat(t *Task, a *Args) (uint64, abi.Errno) {
	return t.openat(int32(a[0]), a[1], int(int32(a[2])), uint32(a[3]))
}

func sysCreat(t *Task, a *Args) (uint64, abi.Errno) {
	return t.openat(abi.AT_FDCWD, a[0], abi.O_CREAT|abi.O_WRONLY|abi.O_TRUNC, uint32(a[1]))
}

func (t *Task) openat(dirfd int32, pathAddr uint64, flags int, mode uint32) (uint64, abi.Errno) {
	if e := openFlagsValid(flags); e != 0 {
		return 0, e
	}
	if flags&abi.O_PATH != 0 {
		flags &= abi.O_PATH | abi.O_DIRECTORY | abi.O_NOFOLLOW | abi.O_CLOEXEC
	}
	if flags&(abi.O_CREAT|abi.O_TMPFILE) != 0 {
		mode = mode & 0o7777 &^ t.proc.umask
	} else {
		mode = 0
	}
	p, e := t.readPath(pathAddr)
	if e != 0 {
		return 0, e
	}
	if p == "" {
		return 0, abi.ENOENT
	}
	at, release, e := t.at(dirfd, p)
	if e != 0 {
		return 0, e
	}
	defer release()
	f, e := t.k.fs.Open(t.proc.fsCtx(), at, p, flags&^abi.O_CLOEXEC, mode)
	if e != 0 {
		return 0, e
	}
	fd, e := t.proc.fds.alloc(newDescription(f, flags), 0, flags&abi.O_CLOEXEC != 0)
	if e != 0 {
		f.Close()
		return 0, e
	}
	return uint64(fd), 0
}

// at returns the directory a relative path starts from: the cwd for
// AT_FDCWD, else dirfd's file. Absolute paths ignore dirfd entirely, even
// an invalid one, as Linux does.
func (t *Task) at(dirfd int32, p string) (File, func(), abi.Errno) {
	if len(p) > 0 && p[0] == '/' {
		return nil, noRelease, 0
	}
	if dirfd == abi.AT_FDCWD {
		t.proc.mu.Lock()
		cwd := t.proc.cwd
		t.proc.mu.Unlock()
		return cwd, noRelease, 0
	}
	d, e := t.proc.fds.get(dirfd)
	if e != 0 {
		return nil, noRelease, e
	}
	return d.File, func() { d.decRef() }, 0
}

func noRelease() {}

func sysClose(t *Task, a *Args) (uint64, abi.Errno) {
	d, e := t.proc.fds.remove(int32(a[0]))
	if e != 0 {
		return 0, e
	}
	t.k.releaseLocks(t.proc, d) // POSIX: any close drops the process's record locks
	return 0, d.decRef()
}

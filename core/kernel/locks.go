package kernel

import (
	"sync"
	"time"

	"github.com/blink-go/blink/core/abi"
)

// POSIX advisory record locks (fcntl F_GETLK/F_SETLK/F_SETLKW) between
// guest processes. They live in the kernel, keyed by the file's device and
// inode, and are owned by processes: a process's locks never conflict with
// each other, a new lock replaces its own overlapping ones, and closing
// any descriptor of the file (or exiting) drops all of the process's locks
// on it, as POSIX specifies. Host processes outside blink do not see them.

const offsetMax = 1<<63 - 1 // OFFSET_MAX: a lock "to the end of the file"

type fileKey struct{ dev, ino uint64 }

type posixLock struct {
	owner      *Process
	typ        int16 // F_RDLCK or F_WRLCK
	start, end int64 // inclusive
}

type lockTable struct {
	mu    sync.Mutex
	files map[fileKey][]posixLock
	// waitsFor records which process a blocked F_SETLKW waits for, for
	// deadlock detection.
	waitsFor map[*Process]*Process
	wq       waitQueue
}

func (lt *lockTable) init() {
	if lt.files == nil {
		lt.files = make(map[fileKey][]posixLock)
		lt.waitsFor = make(map[*Process]*Process)
	}
}

func lockKey(d *Description) (fileKey, abi.Errno) {
	st, e := d.File.Stat()
	if e != 0 {
		return fileKey{}, e
	}
	return fileKey{st.Dev, st.Ino}, 0
}

// conflict returns a lock of another owner that l conflicts with.
func (lt *lockTable) conflict(k fileKey, l *posixLock) *posixLock {
	for i := range lt.files[k] {
		o := &lt.files[k][i]
		if o.owner == l.owner || o.end < l.start || l.end < o.start {
			continue
		}
		if o.typ == abi.F_WRLCK || l.typ == abi.F_WRLCK {
			return o
		}
	}
	return nil
}

// apply sets (or with F_UNLCK clears) l's range for its owner.
func (lt *lockTable) apply(k fileKey, l posixLock) {
	var out []posixLock
	for _, o := range lt.files[k] {
		if o.owner != l.owner || o.end < l.start || l.end < o.start {
			// Merge with an adjacent or overlapping lock of the same type.
			if o.owner == l.owner && o.typ == l.typ && l.typ != abi.F_UNLCK &&
				(o.end != offsetMax && o.end+1 == l.start || l.end != offsetMax && l.end+1 == o.start) {
				l.start, l.end = min(l.start, o.start), max(l.end, o.end)
				continue
			}
			out = append(out, o)
			continue
		}
		if o.typ == l.typ && l.typ != abi.F_UNLCK {
			l.start, l.end = min(l.start, o.start), max(l.end, o.end)
			continue
		}
		// Keep the parts of o outside l.
		if o.start < l.start {
			out = append(out, posixLock{o.owner, o.typ, o.start, l.start - 1})
		}
		if o.end > l.end {
			out = append(out, posixLock{o.owner, o.typ, l.end + 1, o.end})
		}
	}
	if l.typ != abi.F_UNLCK {
		out = append(out, l)
	}
	if len(out) == 0 {
		delete(lt.files, k)
	} else {
		lt.files[k] = out
	}
}

// releaseFile drops p's locks on the file of d (close of any descriptor).
func (k *Kernel) releaseLocks(p *Process, d *Description) {
	lt := &k.locks
	lt.mu.Lock()
	if len(lt.files) == 0 {
		lt.mu.Unlock()
		return
	}
	lt.mu.Unlock()
	key, e := lockKey(d)
	if e != 0 {
		return
	}
	lt.mu.Lock()
	lt.apply(key, posixLock{owner: p, typ: abi.F_UNLCK, start: 0, end: offsetMax})
	lt.mu.Unlock()
	lt.wq.notify()
}

// releaseAllLocks drops every lock p holds (exit).
func (k *Kernel) releaseAllLocks(p *Process) {
	lt := &k.locks
	lt.mu.Lock()
	for key := range lt.files {
		lt.apply(key, posixLock{owner: p, typ: abi.F_UNLCK, start: 0, end: offsetMax})
	}
	delete(lt.waitsFor, p)
	lt.mu.Unlock()
	lt.wq.notify()
}

// fcntlLock implements F_GETLK, F_SETLK and F_SETLKW on struct flock.
func (t *Task) fcntlLock(d *Description, cmd int, addr uint64) (uint64, abi.Errno) {
	var b [32]byte
	if e := t.copyIn(addr, b[:]); e != 0 {
		return 0, e
	}
	typ := int16(le16get(b[0:]))
	whence := int16(le16get(b[2:]))
	start, length := int64(rd64(b[8:])), int64(rd64(b[16:]))
	var base int64
	switch whence {
	case abi.SEEK_SET:
	case abi.SEEK_CUR:
		cur, e := d.File.Lseek(0, abi.SEEK_CUR)
		if e != 0 {
			return 0, e
		}
		base = cur
	case abi.SEEK_END:
		st, e := d.File.Stat()
		if e != 0 {
			return 0, e
		}
		base = st.Size
	default:
		return 0, abi.EINVAL
	}
	start += base
	end := int64(offsetMax)
	switch {
	case length > 0:
		if start > offsetMax-(length-1) {
			return 0, abi.EOVERFLOW
		}
		end = start + length - 1
	case length < 0:
		end = start - 1
		start += length
	}
	if start < 0 {
		return 0, abi.EINVAL
	}
	switch typ {
	case abi.F_RDLCK, abi.F_WRLCK, abi.F_UNLCK:
	default:
		return 0, abi.EINVAL
	}
	key, e := lockKey(d)
	if e != 0 {
		return 0, e
	}
	p := t.proc
	l := posixLock{owner: p, typ: typ, start: start, end: end}
	lt := &t.k.locks
	if cmd == abi.F_GETLK {
		if typ == abi.F_UNLCK {
			return 0, abi.EINVAL
		}
		lt.mu.Lock()
		lt.init()
		c := lt.conflict(key, &l)
		var o posixLock
		if c != nil {
			o = *c
		}
		lt.mu.Unlock()
		if c == nil {
			le16(b[0:], abi.F_UNLCK)
		} else {
			le16(b[0:], uint16(o.typ))
			le16(b[2:], abi.SEEK_SET)
			le64(b[8:], uint64(o.start))
			n := int64(0)
			if o.end != offsetMax {
				n = o.end - o.start + 1
			}
			le64(b[16:], uint64(n))
			le32(b[24:], uint32(o.owner.pid))
		}
		return 0, t.copyOut(addr, b[:])
	}
	if typ == abi.F_RDLCK && !readable(d) || typ == abi.F_WRLCK && !writable(d) {
		return 0, abi.EBADF
	}
	var err abi.Errno
	ready := func() bool {
		lt.mu.Lock()
		defer lt.mu.Unlock()
		lt.init()
		if typ != abi.F_UNLCK {
			if c := lt.conflict(key, &l); c != nil {
				if cmd == abi.F_SETLK {
					err = abi.EAGAIN
					return true
				}
				// Deadlock: the holder (transitively) waits for us.
				for q := c.owner; q != nil; q = lt.waitsFor[q] {
					if q == p {
						err = abi.EDEADLK
						delete(lt.waitsFor, p)
						return true
					}
				}
				lt.waitsFor[p] = c.owner
				return false
			}
		}
		delete(lt.waitsFor, p)
		lt.apply(key, l)
		return true
	}
	if t.waitFor(&lt.wq, time.Time{}, ready) == waitInterrupted {
		lt.mu.Lock()
		delete(lt.waitsFor, p)
		lt.mu.Unlock()
		return 0, errRestartSys
	}
	if err == 0 {
		lt.wq.notify()
	}
	return 0, err
}

func le16get(b []byte) uint16 { return uint16(b[0]) | uint16(b[1])<<8 }

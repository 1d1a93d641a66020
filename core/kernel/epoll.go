package kernel

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/blink-go/blink/core/abi"
)

// epoll(7). An epoll instance keeps its interest list in registration
// order and computes readiness when asked (poll.go's readiness), rather
// than keeping a ready list fed by callbacks: sets are small, and one code
// path then serves kernel objects and host descriptors alike.
//
// Level-triggered items are reported while ready. Edge-triggered ones are
// reported when something happened since the last report: the file's
// change count moved (pollGen), or ready bits appeared that were not
// ready at the last look. EPOLLONESHOT disables an item after one report
// until EPOLL_CTL_MOD. EPOLLEXCLUSIVE is accepted (wake-ups here are
// never a thundering herd beyond the tasks that wait on one instance).
//
// As on Linux, an item is keyed by (descriptor number, description) and
// disappears when the description is closed for good; the instance holds
// no reference of its own (the interest list keeps a weak entry that is
// dropped when the description's last reference goes).

type epollItem struct {
	fd        int32
	d         *Description
	events    uint32
	data      uint64
	disabled  bool // EPOLLONESHOT fired
	lastGen   uint64
	lastReady uint32
}

type epollFile struct {
	anonFile
	mu    sync.Mutex
	items []*epollItem
	q     waitQueue // poll and epoll_wait on this instance
	gen   atomic.Uint64
	depth int // nesting guard for epoll in epoll
}

func sysEpollCreate(t *Task, a *Args) (uint64, abi.Errno) {
	if int32(a[0]) <= 0 {
		return 0, abi.EINVAL
	}
	return t.installNew(&epollFile{anonFile: newAnon("[eventpoll]")}, 0)
}

func sysEpollCreate1(t *Task, a *Args) (uint64, abi.Errno) {
	flags := int(int32(a[0]))
	if flags&^abi.EPOLL_CLOEXEC != 0 {
		return 0, abi.EINVAL
	}
	return t.installNew(&epollFile{anonFile: newAnon("[eventpoll]")}, flags)
}

func (ep *epollFile) Read([]byte) (int, abi.Errno)  { return 0, abi.EINVAL }
func (ep *epollFile) Write([]byte) (int, abi.Errno) { return 0, abi.EINVAL }
func (ep *epollFile) Close() abi.Errno {
	ep.mu.Lock()
	ep.items = nil
	ep.mu.Unlock()
	return 0
}

func sysEpollCtl(t *Task, a *Args) (uint64, abi.Errno) {
	epfd, op, fd := int32(a[0]), int(int32(a[1])), int32(a[2])
	var events uint32
	var data uint64
	if op != abi.EPOLL_CTL_DEL {
		var b [abi.EpollEventSize]byte
		if e := t.copyIn(a[3], b[:]); e != 0 {
			return 0, e
		}
		events, data = rd32(b[:]), rd64(b[4:])
	}
	ed, e := t.proc.fds.get(epfd)
	if e != 0 {
		return 0, e
	}
	defer ed.decRef()
	d, e := t.proc.fds.get(fd)
	if e != 0 {
		return 0, e
	}
	defer d.decRef()
	ep, ok := ed.File.(*epollFile)
	if !ok || d == ed {
		return 0, abi.EINVAL
	}
	if !pollable(d) {
		return 0, abi.EPERM // regular files and directories
	}
	if inner, ok := d.File.(*epollFile); ok && inner.contains(ep, 0) {
		return 0, abi.ELOOP
	}
	ep.mu.Lock()
	defer ep.mu.Unlock()
	var it *epollItem
	idx := -1
	for i, x := range ep.items {
		if x.fd == fd && x.d == d {
			it, idx = x, i
			break
		}
	}
	switch op {
	case abi.EPOLL_CTL_ADD:
		if it != nil {
			return 0, abi.EEXIST
		}
		ep.items = append(ep.items, &epollItem{fd: fd, d: d, events: events, data: data,
			lastGen: ^uint64(0)})
	case abi.EPOLL_CTL_MOD:
		if it == nil {
			return 0, abi.ENOENT
		}
		if it.events&abi.EPOLLEXCLUSIVE != 0 || events&abi.EPOLLEXCLUSIVE != 0 {
			return 0, abi.EINVAL
		}
		it.events, it.data, it.disabled = events, data, false
		it.lastGen, it.lastReady = ^uint64(0), 0
	case abi.EPOLL_CTL_DEL:
		if it == nil {
			return 0, abi.ENOENT
		}
		ep.items = append(ep.items[:idx], ep.items[idx+1:]...)
	default:
		return 0, abi.EINVAL
	}
	ep.gen.Add(1)
	ep.q.notify()
	return 0, 0
}

// pollable reports whether epoll accepts d: Linux refuses files without a
// poll method (regular files, directories) with EPERM.
func pollable(d *Description) bool {
	if _, ok := d.File.(pollFile); ok {
		return true
	}
	_, ok := hostPollable(d.File)
	return ok
}

// contains reports whether target is ep or is watched by ep, directly or
// through nested instances (EPOLL_CTL_ADD's loop check).
func (ep *epollFile) contains(target *epollFile, depth int) bool {
	if ep == target {
		return true
	}
	if depth > 5 {
		return true // EP_MAX_NESTS
	}
	ep.mu.Lock()
	items := append([]*epollItem(nil), ep.items...)
	ep.mu.Unlock()
	for _, it := range items {
		if inner, ok := it.d.File.(*epollFile); ok && inner.contains(target, depth+1) {
			return true
		}
	}
	return false
}

// live drops items whose description was closed everywhere. Called with
// ep.mu held.
func (ep *epollFile) liveLocked() {
	n := 0
	for _, it := range ep.items {
		if it.d.refs.Load() > 0 {
			ep.items[n] = it
			n++
		}
	}
	clear(ep.items[n:])
	ep.items = ep.items[:n]
}

// collect fills out with up to max ready events and updates edge and
// one-shot state.
func (ep *epollFile) collect(t *Task, out []byte, max int) int {
	ep.mu.Lock()
	defer ep.mu.Unlock()
	ep.liveLocked()
	n := 0
	for _, it := range ep.items {
		if n >= max {
			break
		}
		if it.disabled {
			continue
		}
		mask := it.events&^(abi.EPOLLET|abi.EPOLLONESHOT|abi.EPOLLEXCLUSIVE|abi.EPOLLWAKEUP) | pollAlways
		r := t.readiness(it.d, mask)
		if it.events&abi.EPOLLET != 0 {
			g, _ := pollGen(it.d, mask)
			if r == 0 {
				it.lastReady = 0
				continue
			}
			if g == it.lastGen && r&^it.lastReady == 0 {
				continue
			}
			it.lastGen, it.lastReady = g, r
		} else if r == 0 {
			continue
		}
		if it.events&abi.EPOLLONESHOT != 0 {
			it.disabled = true
		}
		if out != nil {
			le32(out[n*abi.EpollEventSize:], r)
			le64(out[n*abi.EpollEventSize+4:], it.data)
		}
		n++
	}
	return n
}

// hasReady is the instance's own readiness (POLLIN when an event is
// available), without consuming edges.
func (ep *epollFile) hasReady(t *Task) bool {
	ep.mu.Lock()
	defer ep.mu.Unlock()
	if ep.depth > 4 {
		return false
	}
	ep.depth++
	defer func() { ep.depth-- }()
	for _, it := range ep.items {
		if it.disabled || it.d.refs.Load() <= 0 {
			continue
		}
		mask := it.events&^(abi.EPOLLET|abi.EPOLLONESHOT|abi.EPOLLEXCLUSIVE|abi.EPOLLWAKEUP) | pollAlways
		r := t.readiness(it.d, mask)
		if r == 0 {
			continue
		}
		if it.events&abi.EPOLLET != 0 {
			g, _ := pollGen(it.d, mask)
			if g == it.lastGen && r&^it.lastReady == 0 {
				continue
			}
		}
		return true
	}
	return false
}

func (ep *epollFile) Readiness(t *Task, mask uint32) uint32 {
	if ep.hasReady(t) {
		return abi.POLLIN | abi.POLLRDNORM
	}
	return 0
}

// PollRegister watches every item. For an edge-triggered item whose
// ready bits were already reported, a host descriptor is asked only for
// the other bits, or a writable socket would wake the waiter forever.
func (ep *epollFile) PollRegister(r *pollRegs, mask uint32) {
	ep.mu.Lock()
	defer ep.mu.Unlock()
	if ep.depth > 4 {
		return
	}
	ep.depth++
	defer func() { ep.depth-- }()
	r.addQueue(&ep.q)
	for _, it := range ep.items {
		if it.disabled || it.d.refs.Load() <= 0 {
			continue
		}
		ev := it.events&^(abi.EPOLLET|abi.EPOLLONESHOT|abi.EPOLLEXCLUSIVE|abi.EPOLLWAKEUP) | pollAlways
		if it.events&abi.EPOLLET != 0 {
			if g, ok := pollGen(it.d, ev); !ok || g == it.lastGen {
				ev &^= it.lastReady
			}
		}
		if pf, ok := it.d.File.(pollFile); ok {
			pf.PollRegister(r, ev)
		} else if fd, ok := hostPollable(it.d.File); ok {
			r.addHost(fd, ev)
		}
	}
}

func (ep *epollFile) PollGen(uint32) uint64 { return ep.gen.Load() }

func sysEpollWait(t *Task, a *Args) (uint64, abi.Errno) {
	return t.epollWait(int32(a[0]), a[1], int(int32(a[2])), int(int32(a[3])), 0, 0)
}

func sysEpollPwait(t *Task, a *Args) (uint64, abi.Errno) {
	return t.epollWait(int32(a[0]), a[1], int(int32(a[2])), int(int32(a[3])), a[4], a[5])
}

func sysEpollPwait2(t *Task, a *Args) (uint64, abi.Errno) {
	ms := -1
	if a[3] != 0 {
		ts, e := t.getTimespec(a[3])
		if e != 0 {
			return 0, e
		}
		if ts.Sec < 0 || ts.Nsec < 0 || ts.Nsec >= 1e9 {
			return 0, abi.EINVAL
		}
		d := time.Duration(ts.Sec)*time.Second + time.Duration(ts.Nsec)
		ms = int((d + time.Millisecond - 1) / time.Millisecond)
	}
	return t.epollWait(int32(a[0]), a[1], int(int32(a[2])), ms, a[4], a[5])
}

func (t *Task) epollWait(epfd int32, events uint64, max, ms int, sigmask, sigsize uint64) (uint64, abi.Errno) {
	if max <= 0 || max > abi.EP_MAX_EVENTS {
		return 0, abi.EINVAL
	}
	d, e := t.proc.fds.get(epfd)
	if e != 0 {
		return 0, e
	}
	defer d.decRef()
	ep, ok := d.File.(*epollFile)
	if !ok {
		return 0, abi.EINVAL
	}
	if t.writablePrefix(events, uint64(max)*abi.EpollEventSize) < uint64(max)*abi.EpollEventSize {
		return 0, abi.EFAULT
	}
	if e := t.tempMask(sigmask, sigsize); e != 0 {
		return 0, e
	}
	var deadline time.Time
	if ms >= 0 {
		deadline = time.Now().Add(time.Duration(ms) * time.Millisecond)
	}
	out := make([]byte, min(max, 1024)*abi.EpollEventSize)
	n := 0
	ready := func() bool {
		n = ep.collect(t, out, min(max, 1024))
		return n > 0
	}
	reg := func(r *pollRegs) { ep.PollRegister(r, abi.POLLIN) }
	if ms == 0 {
		ready()
	} else if t.pollWait(deadline, reg, ready) == waitInterrupted {
		return 0, abi.EINTR
	}
	if n == 0 {
		return 0, 0
	}
	return uint64(n), t.copyOut(events, out[:n*abi.EpollEventSize])
}

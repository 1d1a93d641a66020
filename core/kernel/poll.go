package kernel

import (
	"time"

	"github.com/blink-go/blink/core/abi"
)

// Readiness: one mechanism behind poll, select, epoll and blocking reads.
//
// A File reports readiness in one of three ways:
//   - pollFile: kernel objects (pipes, eventfd, timerfd, signalfd, epoll,
//     AF_UNIX sockets) compute their events and name the wait queues they
//     notify when those may change;
//   - a host descriptor (terminals, host sockets, FIFOs on the host): the
//     host's poll(2) answers, and a blocked task sleeps in the host's poll
//     on those descriptors plus its own wake pipe (poll_unix.go), so
//     signals, exit_group and kernel objects still wake it;
//   - anything else (regular files, directories) is always ready for
//     reading and writing, as on Linux.
//
// A waiting task registers on every queue and host descriptor of the set,
// then re-checks readiness before it sleeps, so no wake-up is lost
// (block.go's rule). Edge-triggered epoll needs to know that something
// happened since the last report: files may count their state changes
// (pollGen); without a count a change of the ready bits is the edge.

// pollFile is a File that computes its own readiness.
type pollFile interface {
	// Readiness returns the events among mask that hold now; POLLERR and
	// POLLHUP are reported whatever the mask. t is the asking task (for
	// signalfd, whose readiness is per thread).
	Readiness(t *Task, mask uint32) uint32
	// PollRegister reports the queues to wait on (and host descriptors,
	// for files that wrap some).
	PollRegister(r *pollRegs, mask uint32)
}

// pollGenFile counts the state changes that may make events of mask
// newly true (data arriving for POLLIN, room appearing for POLLOUT), for
// edge-triggered epoll. Consuming data is not an edge for POLLIN.
type pollGenFile interface {
	PollGen(mask uint32) uint64
}

// pollRegs collects what a waiting task must watch.
type pollRegs struct {
	queues []*waitQueue
	host   []hostPollFD
}

type hostPollFD struct {
	fd     int
	events uint32
}

func (r *pollRegs) reset() {
	clear(r.queues)
	r.queues = r.queues[:0]
	r.host = r.host[:0]
}

func (r *pollRegs) addQueue(q *waitQueue) { r.queues = append(r.queues, q) }

func (r *pollRegs) addHost(fd int, events uint32) {
	r.host = append(r.host, hostPollFD{fd, events})
}

const pollAlways = abi.POLLERR | abi.POLLHUP

// readiness returns the events of d among mask.
func (t *Task) readiness(d *Description, mask uint32) uint32 {
	mask |= pollAlways
	switch f := d.File.(type) {
	case pollFile:
		return f.Readiness(t, mask) & mask
	}
	if fd, ok := hostPollable(d.File); ok {
		return hostReadiness(fd, mask) & mask
	}
	return (abi.POLLIN | abi.POLLOUT | abi.POLLRDNORM | abi.POLLWRNORM) & mask
}

// register adds what a wait for mask on d must watch.
func (t *Task) register(r *pollRegs, d *Description, mask uint32) {
	switch f := d.File.(type) {
	case pollFile:
		f.PollRegister(r, mask)
		return
	}
	if fd, ok := hostPollable(d.File); ok {
		r.addHost(fd, mask)
	}
}

// pollGen returns d's change count, and whether it keeps one.
func pollGen(d *Description, mask uint32) (uint64, bool) {
	if g, ok := d.File.(pollGenFile); ok {
		return g.PollGen(mask), true
	}
	return 0, false
}

// hostPollable returns the host descriptor behind f when its readiness
// must come from the host: not a regular file or directory, which are
// always ready.
func hostPollable(f File) (int, bool) {
	fd := hostFDOf(f)
	if fd < 0 {
		return -1, false
	}
	st, e := f.Stat()
	if e == 0 && (st.Mode&abi.S_IFMT == abi.S_IFREG || st.Mode&abi.S_IFMT == abi.S_IFDIR) {
		return -1, false
	}
	return fd, true
}

// hostFDOf returns the host descriptor a file wraps, or -1.
func hostFDOf(f File) int {
	switch h := f.(type) {
	case interface{ HostFD() int }:
		return h.HostFD()
	case *vfsFile:
		if hf, ok := h.File.Impl().(interface{ HostFD() int }); ok {
			return hf.HostFD()
		}
	}
	if tf := ttyOf(f); tf != nil {
		if h, ok := any(tf).(interface{ HostFD() int }); ok {
			return h.HostFD()
		}
	}
	return -1
}

// pollWait blocks until ready returns true, the deadline passes (zero:
// none) or a signal interrupts. reg fills in what to watch; it is called
// again on each round, since sets can change (epoll_ctl from another
// thread).
func (t *Task) pollWait(deadline time.Time, reg func(r *pollRegs), ready func() bool) waitResult {
	var timer *time.Timer
	defer func() {
		if timer != nil {
			timer.Stop()
		}
	}()
	r := &t.pollRegs
	for {
		if ready() {
			return waitReady
		}
		if t.interrupted() {
			return waitInterrupted
		}
		var d time.Duration = -1
		if !deadline.IsZero() {
			if d = time.Until(deadline); d <= 0 {
				return waitTimedOut
			}
		}
		r.reset()
		reg(r)
		for _, q := range r.queues {
			q.add(t)
		}
		if ready() {
			for _, q := range r.queues {
				q.remove(t)
			}
			return waitReady
		}
		if len(r.host) > 0 {
			t.hostWait(r.host, d)
		} else {
			var timeout <-chan time.Time
			if d >= 0 {
				if timer == nil {
					timer = time.NewTimer(d)
				} else {
					timer.Reset(d)
				}
				timeout = timer.C
			}
			prev := t.goIdle()
			select {
			case <-t.wake:
			case <-timeout:
			}
			t.goBusy(prev)
		}
		for _, q := range r.queues {
			q.remove(t)
		}
	}
}

// waitHostReadable blocks a read on a host descriptor (terminal, FIFO,
// socket) until it has input, interruptibly, so that a blocking host read
// never holds up signals or exit.
func (t *Task) waitHostReadable(d *Description, events uint32) abi.Errno {
	fd, ok := hostPollable(d.File)
	if !ok || d.flags&abi.O_NONBLOCK != 0 {
		return 0
	}
	ready := func() bool { return hostReadiness(fd, events|pollAlways) != 0 }
	reg := func(r *pollRegs) { r.addHost(fd, events) }
	if t.pollWait(time.Time{}, reg, ready) == waitInterrupted {
		return errRestartSys
	}
	return 0
}

// pollfd layout: int fd; short events; short revents.
const pollfdSize = 8

func sysPoll(t *Task, a *Args) (uint64, abi.Errno) {
	ms := int64(int32(a[2]))
	var deadline time.Time
	if ms >= 0 {
		deadline = time.Now().Add(time.Duration(ms) * time.Millisecond)
	}
	// Interrupted, poll returns EINTR once a handler has run, whatever
	// SA_RESTART says (ERESTART_RESTARTBLOCK), as select and epoll_wait.
	return t.poll(a[0], a[1], deadline)
}

func sysPpoll(t *Task, a *Args) (uint64, abi.Errno) {
	var deadline time.Time
	if a[2] != 0 {
		ts, e := t.getTimespec(a[2])
		if e != 0 {
			return 0, e
		}
		if ts.Sec < 0 || ts.Nsec < 0 || ts.Nsec >= 1e9 {
			return 0, abi.EINVAL
		}
		deadline = time.Now().Add(time.Duration(ts.Sec)*time.Second + time.Duration(ts.Nsec))
	}
	if e := t.tempMask(a[3], a[4]); e != 0 {
		return 0, e
	}
	n, e := t.poll(a[0], a[1], deadline)
	if e == 0 && a[2] != 0 {
		left := max(time.Until(deadline), 0)
		t.putTimespec(a[2], durTimespec(left))
	}
	return n, e
}

// tempMask installs a sigmask for the duration of a ppoll, pselect6 or
// epoll_pwait, restored when the syscall returns (or by the handler's
// sigreturn when a signal interrupts it, as with rt_sigsuspend).
func (t *Task) tempMask(addr, size uint64) abi.Errno {
	if addr == 0 {
		return 0
	}
	if size != abi.SigsetSize {
		return abi.EINVAL
	}
	set, e := t.readU64(addr)
	if e != 0 {
		return e
	}
	t.savedMask, t.haveSaved = t.sigmask, true
	t.setMask(set)
	return 0
}

func (t *Task) poll(addr, nfds uint64, deadline time.Time) (uint64, abi.Errno) {
	if nfds > t.proc.nofile() {
		return 0, abi.EINVAL
	}
	buf := make([]byte, nfds*pollfdSize)
	if e := t.copyIn(addr, buf); e != 0 {
		return 0, e
	}
	type ent struct {
		d      *Description
		events uint32
	}
	ents := make([]ent, nfds)
	for i := range ents {
		fd := int32(rd32(buf[i*pollfdSize:]))
		if fd < 0 {
			continue
		}
		d, e := t.proc.fds.get(fd)
		if e != 0 {
			continue // POLLNVAL below
		}
		ents[i] = ent{d, uint32(uint16(buf[i*pollfdSize+4]) | uint16(buf[i*pollfdSize+5])<<8)}
	}
	defer func() {
		for _, en := range ents {
			if en.d != nil {
				en.d.decRef()
			}
		}
	}()
	var count uint64
	ready := func() bool {
		count = 0
		for i, en := range ents {
			var rev uint32
			fd := int32(rd32(buf[i*pollfdSize:]))
			switch {
			case fd < 0:
			case en.d == nil:
				rev = abi.POLLNVAL
			default:
				rev = t.readiness(en.d, en.events)
			}
			le16(buf[i*pollfdSize+6:], uint16(rev))
			if rev != 0 {
				count++
			}
		}
		return count > 0
	}
	reg := func(r *pollRegs) {
		for _, en := range ents {
			if en.d != nil {
				t.register(r, en.d, en.events|pollAlways)
			}
		}
	}
	res := t.pollWait(deadline, reg, ready)
	if res == waitInterrupted {
		return 0, abi.EINTR
	}
	if e := t.copyOut(addr, buf); e != 0 {
		return 0, e
	}
	return count, 0
}

package kernel

import (
	"time"

	"github.com/blink-go/blink/core/abi"
)

// select(2) and pselect6(2), on poll.go's readiness: a descriptor is
// readable for POLLIN|POLLHUP|POLLERR, writable for POLLOUT|POLLERR, and
// exceptional for POLLPRI, as Linux's fs/select.c maps them.

const (
	selIn  = abi.POLLIN | abi.POLLRDNORM | abi.POLLRDBAND | abi.POLLHUP | abi.POLLERR
	selOut = abi.POLLOUT | abi.POLLWRNORM | abi.POLLWRBAND | abi.POLLERR
	selEx  = abi.POLLPRI
)

func sysSelect(t *Task, a *Args) (uint64, abi.Errno) {
	var deadline time.Time
	if a[4] != 0 {
		var b [16]byte
		if e := t.copyIn(a[4], b[:]); e != 0 {
			return 0, e
		}
		sec, usec := int64(rd64(b[:])), int64(rd64(b[8:]))
		if sec < 0 || usec < 0 {
			return 0, abi.EINVAL
		}
		deadline = time.Now().Add(time.Duration(sec)*time.Second + time.Duration(usec)*time.Microsecond)
	}
	n, e := t.doSelect(int(int32(a[0])), a[1], a[2], a[3], deadline)
	if a[4] != 0 && (e == 0 || e == abi.EINTR) {
		// Linux writes the time left back into the timeval.
		left := max(time.Until(deadline), 0)
		var b [16]byte
		le64(b[:], uint64(left/time.Second))
		le64(b[8:], uint64(left%time.Second/time.Microsecond))
		t.copyOut(a[4], b[:])
	}
	return n, e
}

func sysPselect6(t *Task, a *Args) (uint64, abi.Errno) {
	var deadline time.Time
	if a[4] != 0 {
		ts, e := t.getTimespec(a[4])
		if e != 0 {
			return 0, e
		}
		if ts.Sec < 0 || ts.Nsec < 0 || ts.Nsec >= 1e9 {
			return 0, abi.EINVAL
		}
		deadline = time.Now().Add(time.Duration(ts.Sec)*time.Second + time.Duration(ts.Nsec))
	}
	if a[5] != 0 {
		// struct { const sigset_t *ss; size_t ss_len; }
		var b [16]byte
		if e := t.copyIn(a[5], b[:]); e != 0 {
			return 0, e
		}
		if e := t.tempMask(rd64(b[:]), rd64(b[8:])); e != 0 {
			return 0, e
		}
	}
	n, e := t.doSelect(int(int32(a[0])), a[1], a[2], a[3], deadline)
	if a[4] != 0 && (e == 0 || e == abi.EINTR) {
		t.putTimespec(a[4], durTimespec(max(time.Until(deadline), 0)))
	}
	return n, e
}

func (t *Task) doSelect(nfds int, rAddr, wAddr, xAddr uint64, deadline time.Time) (uint64, abi.Errno) {
	if nfds < 0 {
		return 0, abi.EINVAL
	}
	if uint64(nfds) > t.proc.nofile() {
		nfds = int(t.proc.nofile())
	}
	words := (nfds + 63) / 64
	var sets [3][]uint64
	for i, addr := range []uint64{rAddr, wAddr, xAddr} {
		if addr == 0 {
			continue
		}
		b := make([]byte, words*8)
		if e := t.copyIn(addr, b); e != 0 {
			return 0, e
		}
		sets[i] = make([]uint64, words)
		for w := range sets[i] {
			sets[i][w] = rd64(b[8*w:])
		}
		// Bits at or above nfds are ignored (and cleared on return).
		if nfds%64 != 0 {
			sets[i][words-1] &= 1<<(nfds%64) - 1
		}
	}
	type ent struct {
		fd     int
		d      *Description
		events uint32
	}
	var ents []ent
	defer func() {
		for _, en := range ents {
			en.d.decRef()
		}
	}()
	for fd := 0; fd < nfds; fd++ {
		var ev uint32
		bit := uint64(1) << (fd % 64)
		if sets[0] != nil && sets[0][fd/64]&bit != 0 {
			ev |= selIn
		}
		if sets[1] != nil && sets[1][fd/64]&bit != 0 {
			ev |= selOut
		}
		if sets[2] != nil && sets[2][fd/64]&bit != 0 {
			ev |= selEx
		}
		if ev == 0 {
			continue
		}
		d, e := t.proc.fds.get(int32(fd))
		if e != 0 {
			return 0, abi.EBADF
		}
		ents = append(ents, ent{fd, d, ev})
	}
	var out [3][]uint64
	for i := range out {
		if sets[i] != nil {
			out[i] = make([]uint64, words)
		}
	}
	var count uint64
	ready := func() bool {
		count = 0
		for i := range out {
			clear(out[i])
		}
		for _, en := range ents {
			r := t.readiness(en.d, en.events)
			bit := uint64(1) << (en.fd % 64)
			if r&selIn != 0 && en.events&abi.POLLIN != 0 {
				out[0][en.fd/64] |= bit
				count++
			}
			if r&selOut != 0 && en.events&abi.POLLOUT != 0 {
				out[1][en.fd/64] |= bit
				count++
			}
			if r&selEx != 0 && en.events&abi.POLLPRI != 0 {
				out[2][en.fd/64] |= bit
				count++
			}
		}
		return count > 0
	}
	reg := func(r *pollRegs) {
		for _, en := range ents {
			t.register(r, en.d, en.events)
		}
	}
	if t.pollWait(deadline, reg, ready) == waitInterrupted {
		return 0, abi.EINTR
	}
	for i, addr := range []uint64{rAddr, wAddr, xAddr} {
		if addr == 0 {
			continue
		}
		b := make([]byte, words*8)
		for w, v := range out[i] {
			le64(b[8*w:], v)
		}
		if e := t.copyOut(addr, b); e != 0 {
			return 0, e
		}
	}
	return count, 0
}

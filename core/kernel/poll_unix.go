//go:build linux || darwin || freebsd

package kernel

import (
	"time"

	"golang.org/x/sys/unix"
)

// hostReadiness asks the host which of events hold on fd now.
func hostReadiness(fd int, events uint32) uint32 {
	pfd := []unix.PollFd{{Fd: int32(fd), Events: int16(events)}}
	for {
		n, err := unix.Poll(pfd, 0)
		if err == unix.EINTR {
			continue
		}
		if err != nil || n == 0 {
			return 0
		}
		return uint32(uint16(pfd[0].Revents))
	}
}

// hostWait sleeps in the host's poll(2) on fds and the task's wake pipe
// for at most d (negative: no limit). Anything that pokes the task while
// it is in here writes to the pipe (Task.poke), so kernel objects,
// signals and exit_group wake it as they wake a channel wait.
func (t *Task) hostWait(fds []hostPollFD, d time.Duration) {
	defer t.goBusy(t.goIdle())
	if t.wakeR == 0 {
		var p [2]int
		if err := unix.Pipe(p[:]); err != nil {
			t.wakeR = -1
			// No pipe: fall back to short sleeps on the wake channel.
			select {
			case <-t.wake:
			case <-time.After(10 * time.Millisecond):
			}
			return
		}
		unix.SetNonblock(p[0], true)
		unix.SetNonblock(p[1], true)
		unix.CloseOnExec(p[0])
		unix.CloseOnExec(p[1])
		t.wakeMu.Lock()
		t.wakeR, t.wakeW = p[0], p[1]
		t.wakeMu.Unlock()
	}
	if t.wakeR < 0 {
		select {
		case <-t.wake:
		case <-time.After(10 * time.Millisecond):
		}
		return
	}
	pfds := make([]unix.PollFd, 0, len(fds)+1)
	for _, f := range fds {
		pfds = append(pfds, unix.PollFd{Fd: int32(f.fd), Events: int16(f.events)})
	}
	pfds = append(pfds, unix.PollFd{Fd: int32(t.wakeR), Events: unix.POLLIN})
	ms := -1
	if d >= 0 {
		ms = int((d + time.Millisecond - 1) / time.Millisecond)
	}
	t.inHostPoll.Store(true)
	select {
	case <-t.wake:
		// Poked before we got here: do not sleep.
	default:
		unix.Poll(pfds, ms)
	}
	t.inHostPoll.Store(false)
	var b [64]byte
	for {
		if n, err := unix.Read(t.wakeR, b[:]); n <= 0 || err != nil {
			break
		}
	}
}

// wakeHostPoll interrupts hostWait.
func (t *Task) wakeHostPoll() {
	t.wakeMu.Lock()
	if w := t.wakeW; w > 0 {
		unix.Write(w, []byte{0})
	}
	t.wakeMu.Unlock()
}

// closeWakePipe releases the wake pipe when the task ends.
func (t *Task) closeWakePipe() {
	t.wakeMu.Lock()
	if t.wakeR > 0 {
		unix.Close(t.wakeR)
		unix.Close(t.wakeW)
	}
	t.wakeR, t.wakeW = -1, -1
	t.wakeMu.Unlock()
}

//go:build !(linux || darwin || freebsd)

package kernel

import "time"

// Without host poll(2) (Windows) host descriptors count as always ready.

func hostReadiness(fd int, events uint32) uint32 { return events }

func (t *Task) hostWait(fds []hostPollFD, d time.Duration) {
	defer t.goBusy(t.goIdle())
	if d < 0 || d > 10*time.Millisecond {
		d = 10 * time.Millisecond
	}
	select {
	case <-t.wake:
	case <-time.After(d):
	}
}

func (t *Task) wakeHostPoll() {}

func (t *Task) closeWakePipe() {}

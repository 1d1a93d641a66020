package kernel

import (
	"time"

	"github.com/blink-go/blink/core/abi"
)

// Clocks and sleeping.

// clockNow reads a Linux clock. Wall clocks come from the host's realtime
// clock; monotonic ones from Go's monotonic reading since kernel start,
// offset by the host uptime where the host tells it, so values look like a
// real boot clock; CPU clocks from the host's process CPU time.
func (k *Kernel) clockNow(id int32) (Timespec, abi.Errno) {
	switch id {
	case abi.CLOCK_REALTIME, abi.CLOCK_REALTIME_COARSE, abi.CLOCK_REALTIME_ALARM:
		n := time.Now()
		return Timespec{Sec: n.Unix(), Nsec: int64(n.Nanosecond())}, 0
	case abi.CLOCK_TAI:
		// TAI is 37 s ahead of UTC since 2017 (Linux reports the offset
		// set by NTP; without one it equals REALTIME, as here).
		n := time.Now()
		return Timespec{Sec: n.Unix(), Nsec: int64(n.Nanosecond())}, 0
	case abi.CLOCK_MONOTONIC, abi.CLOCK_MONOTONIC_RAW, abi.CLOCK_MONOTONIC_COARSE,
		abi.CLOCK_BOOTTIME, abi.CLOCK_BOOTTIME_ALARM:
		return durTimespec(k.monoBase + k.uptime()), 0
	}
	// The CPU-time clocks belong to a task: Task.clockNow (cputime.go).
	return Timespec{}, abi.EINVAL
}

func durTimespec(d time.Duration) Timespec {
	return Timespec{Sec: int64(d / time.Second), Nsec: int64(d % time.Second)}
}

func clockRes(id int32) (Timespec, abi.Errno) {
	switch id {
	case abi.CLOCK_REALTIME_COARSE, abi.CLOCK_MONOTONIC_COARSE:
		return Timespec{Sec: 0, Nsec: 4000000}, 0 // one jiffy at HZ=250
	case abi.CLOCK_REALTIME, abi.CLOCK_MONOTONIC, abi.CLOCK_MONOTONIC_RAW, abi.CLOCK_BOOTTIME,
		abi.CLOCK_TAI, abi.CLOCK_PROCESS_CPUTIME_ID, abi.CLOCK_THREAD_CPUTIME_ID,
		abi.CLOCK_REALTIME_ALARM, abi.CLOCK_BOOTTIME_ALARM:
		return Timespec{Sec: 0, Nsec: 1}, 0
	}
	return Timespec{}, abi.EINVAL
}

func (t *Task) putTimespec(addr uint64, ts Timespec) abi.Errno {
	var b [16]byte
	putTimespec(b[:], ts)
	return t.copyOut(addr, b[:])
}

func (t *Task) getTimespec(addr uint64) (Timespec, abi.Errno) {
	var b [16]byte
	if e := t.copyIn(addr, b[:]); e != 0 {
		return Timespec{}, e
	}
	return Timespec{Sec: int64(rd64(b[:])), Nsec: int64(rd64(b[8:]))}, 0
}

func sysClockGettime(t *Task, a *Args) (uint64, abi.Errno) {
	ts, e := t.clockNow(int32(a[0]))
	if e != 0 {
		return 0, e
	}
	return 0, t.putTimespec(a[1], ts)
}

func sysClockGetres(t *Task, a *Args) (uint64, abi.Errno) {
	id := int32(a[0])
	ts, e := clockRes(id)
	if id < 0 {
		ts, e = t.cpuClockRes(id)
	}
	if e != 0 || a[1] == 0 {
		return 0, e
	}
	return 0, t.putTimespec(a[1], ts)
}

func sysGettimeofday(t *Task, a *Args) (uint64, abi.Errno) {
	if a[0] != 0 {
		n := time.Now()
		if e := t.putTimespec(a[0], Timespec{Sec: n.Unix(), Nsec: int64(n.Nanosecond() / 1000)}); e != 0 {
			return 0, e
		}
	}
	if a[1] != 0 {
		// The kernel's timezone is almost always zero (UTC).
		var tz [abi.TimezoneSize]byte
		if e := t.copyOut(a[1], tz[:]); e != 0 {
			return 0, e
		}
	}
	return 0, 0
}

func sysTime(t *Task, a *Args) (uint64, abi.Errno) {
	now := uint64(time.Now().Unix())
	if a[0] != 0 {
		if e := t.writeU64(a[0], now); e != 0 {
			return 0, e
		}
	}
	return now, 0
}

func sysNanosleep(t *Task, a *Args) (uint64, abi.Errno) {
	ts, e := t.getTimespec(a[0])
	if e != 0 {
		return 0, e
	}
	if ts.Sec < 0 || ts.Nsec < 0 || ts.Nsec >= 1e9 {
		return 0, abi.EINVAL
	}
	return 0, t.sleep(time.Duration(ts.Sec)*time.Second+time.Duration(ts.Nsec), a[1])
}

func sysClockNanosleep(t *Task, a *Args) (uint64, abi.Errno) {
	id, flags := int32(a[0]), int(int32(a[1]))
	switch id {
	case abi.CLOCK_REALTIME, abi.CLOCK_MONOTONIC, abi.CLOCK_BOOTTIME, abi.CLOCK_TAI,
		abi.CLOCK_PROCESS_CPUTIME_ID:
	case abi.CLOCK_THREAD_CPUTIME_ID:
		return 0, abi.EINVAL
	default:
		if _, e := clockRes(id); e != 0 {
			return 0, abi.EINVAL
		}
		return 0, abi.ENOTSUP
	}
	ts, e := t.getTimespec(a[2])
	if e != 0 {
		return 0, e
	}
	if ts.Sec < 0 || ts.Nsec < 0 || ts.Nsec >= 1e9 {
		return 0, abi.EINVAL
	}
	d := time.Duration(ts.Sec)*time.Second + time.Duration(ts.Nsec)
	if flags&abi.TIMER_ABSTIME != 0 {
		now, _ := t.clockNow(id)
		d -= time.Duration(now.Sec)*time.Second + time.Duration(now.Nsec)
		if d <= 0 {
			return 0, 0
		}
		return 0, t.sleep(d, 0)
	}
	return 0, t.sleep(d, a[3])
}

// sleep waits for d. A signal whose handler must run ends it with EINTR
// and the remaining time written to rem (nanosleep never restarts after a
// handler; signals without one do not disturb it).
func (t *Task) sleep(d time.Duration, rem uint64) abi.Errno {
	if d <= 0 {
		return 0
	}
	deadline := time.Now().Add(d)
	if t.waitFor(nil, deadline, func() bool { return false }) != waitInterrupted {
		return 0
	}
	if rem != 0 {
		left := max(time.Until(deadline), 0)
		if e := t.putTimespec(rem, durTimespec(left)); e != 0 {
			return e
		}
	}
	return abi.EINTR
}

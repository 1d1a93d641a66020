//go:build linux || darwin || freebsd

package kernel

import (
	"os"
	"time"

	"golang.org/x/sys/unix"

	"github.com/blink-go/blink/core/abi"
)

// hostProcessIDs gives the first guest process the host's parent, group and
// session, so job control and `ps` agree with what the guest sees.
func hostProcessIDs(pid int) (ppid, pgid, sid int) {
	g, err := unix.Getpgid(0)
	if err != nil {
		g = 0
	}
	s, err := unix.Getsid(0)
	if err != nil {
		s = 0
	}
	pgid, sid = guestGroupIDs(pid, g, s)
	return os.Getppid(), pgid, sid
}

func hostCredentials() Credentials {
	uid, euid, gid, egid := uint32(os.Getuid()), uint32(os.Geteuid()), uint32(os.Getgid()), uint32(os.Getegid())
	c := Credentials{RUID: uid, EUID: euid, SUID: euid, RGID: gid, EGID: egid, SGID: egid}
	if gs, err := unix.Getgroups(); err == nil {
		for _, g := range gs {
			c.Groups = append(c.Groups, uint32(g))
		}
	}
	return c
}

// hostStatusFlags reads O_APPEND/O_NONBLOCK of an inherited descriptor.
func hostStatusFlags(f File) int {
	h, ok := f.(*hostFile)
	if !ok {
		return 0
	}
	fl, err := unix.FcntlInt(uintptr(h.fd), unix.F_GETFL, 0)
	if err != nil {
		return 0
	}
	out := 0
	if fl&unix.O_APPEND != 0 {
		out |= abi.O_APPEND
	}
	if fl&unix.O_NONBLOCK != 0 {
		out |= abi.O_NONBLOCK
	}
	return out
}

// hostUmask takes the host's umask for the first guest process and clears
// it on the host: the kernel applies the guest's own umask before every
// host create, so the host's must not apply a second time.
func hostUmask() uint32 { return uint32(unix.Umask(0)) }

func hostMonotonic() time.Duration {
	var ts unix.Timespec
	if unix.ClockGettime(unix.CLOCK_MONOTONIC, &ts) != nil {
		return 0
	}
	return time.Duration(ts.Nano())
}

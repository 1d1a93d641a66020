package kernel

import "github.com/blink-go/blink/core/abi"

// Changing credentials: setuid(2) and relatives, setgroups(2). A caller
// with effective uid 0 has CAP_SETUID/CAP_SETGID (under -C that is the
// fake root); anyone else may only move among the ids it already holds,
// with Linux's exact rules per call. Credentials are per process here;
// libcs already apply them to every thread (the setxid broadcast).

const ngroupsMax = 65536

// keep is the "-1: leave unchanged" argument.
const keep = ^uint32(0)

func (t *Task) setCreds(f func(c *Credentials, privileged bool) abi.Errno) abi.Errno {
	p := t.proc
	p.mu.Lock()
	defer p.mu.Unlock()
	c := p.creds
	c.Groups = append([]uint32(nil), p.creds.Groups...)
	if e := f(&c, p.creds.EUID == 0); e != 0 {
		return e
	}
	t.credsChangedLocked(&p.creds, &c) // dumpable, pdeathsig (sys_prctl.go)
	p.creds = c
	return 0
}

// oneOf reports whether v is one of the ids the caller holds.
func oneOf(v uint32, ids ...uint32) bool {
	for _, id := range ids {
		if v == id {
			return true
		}
	}
	return false
}

func sysSetuid(t *Task, a *Args) (uint64, abi.Errno) {
	uid := uint32(a[0])
	if uid == keep {
		return 0, abi.EINVAL
	}
	return 0, t.setCreds(func(c *Credentials, priv bool) abi.Errno {
		switch {
		case priv:
			c.RUID, c.EUID, c.SUID = uid, uid, uid
		case oneOf(uid, c.RUID, c.SUID):
			c.EUID = uid
		default:
			return abi.EPERM
		}
		return 0
	})
}

func sysSetgid(t *Task, a *Args) (uint64, abi.Errno) {
	gid := uint32(a[0])
	if gid == keep {
		return 0, abi.EINVAL
	}
	return 0, t.setCreds(func(c *Credentials, priv bool) abi.Errno {
		switch {
		case priv:
			c.RGID, c.EGID, c.SGID = gid, gid, gid
		case oneOf(gid, c.RGID, c.SGID):
			c.EGID = gid
		default:
			return abi.EPERM
		}
		return 0
	})
}

// setre updates real and effective ids; the saved id follows the new
// effective one when the real id is set or the effective one moves away
// from the old real id.
func setre(r, e uint32, real, eff, saved *uint32, priv bool) abi.Errno {
	if !priv && (r != keep && !oneOf(r, *real, *eff) || e != keep && !oneOf(e, *real, *eff, *saved)) {
		return abi.EPERM
	}
	oldReal := *real
	if r != keep {
		*real = r
	}
	if e != keep {
		*eff = e
	}
	if r != keep || e != keep && e != oldReal {
		*saved = *eff
	}
	return 0
}

func sysSetreuid(t *Task, a *Args) (uint64, abi.Errno) {
	return 0, t.setCreds(func(c *Credentials, priv bool) abi.Errno {
		return setre(uint32(a[0]), uint32(a[1]), &c.RUID, &c.EUID, &c.SUID, priv)
	})
}

func sysSetregid(t *Task, a *Args) (uint64, abi.Errno) {
	return 0, t.setCreds(func(c *Credentials, priv bool) abi.Errno {
		return setre(uint32(a[0]), uint32(a[1]), &c.RGID, &c.EGID, &c.SGID, priv)
	})
}

func setres(r, e, s uint32, real, eff, saved *uint32, priv bool) abi.Errno {
	if !priv {
		for _, v := range [...]uint32{r, e, s} {
			if v != keep && !oneOf(v, *real, *eff, *saved) {
				return abi.EPERM
			}
		}
	}
	if r != keep {
		*real = r
	}
	if e != keep {
		*eff = e
	}
	if s != keep {
		*saved = s
	}
	return 0
}

func sysSetresuid(t *Task, a *Args) (uint64, abi.Errno) {
	return 0, t.setCreds(func(c *Credentials, priv bool) abi.Errno {
		return setres(uint32(a[0]), uint32(a[1]), uint32(a[2]), &c.RUID, &c.EUID, &c.SUID, priv)
	})
}

func sysSetresgid(t *Task, a *Args) (uint64, abi.Errno) {
	return 0, t.setCreds(func(c *Credentials, priv bool) abi.Errno {
		return setres(uint32(a[0]), uint32(a[1]), uint32(a[2]), &c.RGID, &c.EGID, &c.SGID, priv)
	})
}

func sysSetgroups(t *Task, a *Args) (uint64, abi.Errno) {
	n := int32(a[0])
	if n < 0 || n > ngroupsMax {
		return 0, abi.EINVAL
	}
	b := make([]byte, 4*int(n))
	if n > 0 {
		if e := t.copyIn(a[1], b); e != 0 {
			return 0, e
		}
	}
	groups := make([]uint32, n)
	for i := range groups {
		groups[i] = uint32(b[4*i]) | uint32(b[4*i+1])<<8 | uint32(b[4*i+2])<<16 | uint32(b[4*i+3])<<24
	}
	return 0, t.setCreds(func(c *Credentials, priv bool) abi.Errno {
		if !priv {
			return abi.EPERM
		}
		c.Groups = groups
		return 0
	})
}

// setfsuid/setfsgid: the file-system ids follow the effective ids here,
// so these report the current one and change nothing (Linux also returns
// the old value and never an error).
func sysSetfsuid(t *Task, a *Args) (uint64, abi.Errno) {
	t.proc.mu.Lock()
	defer t.proc.mu.Unlock()
	return uint64(t.proc.creds.EUID), 0
}

func sysSetfsgid(t *Task, a *Args) (uint64, abi.Errno) {
	t.proc.mu.Lock()
	defer t.proc.mu.Unlock()
	return uint64(t.proc.creds.EGID), 0
}

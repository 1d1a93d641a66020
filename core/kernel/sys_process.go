package kernel

import (
	"github.com/blink-go/blink/core/abi"
)

// Process and thread identity, exit, arch_prctl and the thread-library
// registrations (set_tid_address, robust lists).

func sysGetpid(t *Task, a *Args) (uint64, abi.Errno)  { return uint64(t.proc.pid), 0 }
func sysGettid(t *Task, a *Args) (uint64, abi.Errno)  { return uint64(t.tid), 0 }
func sysGetppid(t *Task, a *Args) (uint64, abi.Errno) { return uint64(t.proc.ppid), 0 }

func sysGetuid(t *Task, a *Args) (uint64, abi.Errno)  { return uint64(t.proc.creds.RUID), 0 }
func sysGeteuid(t *Task, a *Args) (uint64, abi.Errno) { return uint64(t.proc.creds.EUID), 0 }
func sysGetgid(t *Task, a *Args) (uint64, abi.Errno)  { return uint64(t.proc.creds.RGID), 0 }
func sysGetegid(t *Task, a *Args) (uint64, abi.Errno) { return uint64(t.proc.creds.EGID), 0 }

func sysGetresuid(t *Task, a *Args) (uint64, abi.Errno) {
	c := &t.proc.creds
	return t.putIDs(a, c.RUID, c.EUID, c.SUID)
}

func sysGetresgid(t *Task, a *Args) (uint64, abi.Errno) {
	c := &t.proc.creds
	return t.putIDs(a, c.RGID, c.EGID, c.SGID)
}

func (t *Task) putIDs(a *Args, ids ...uint32) (uint64, abi.Errno) {
	for i, id := range ids {
		if e := t.writeU32(a[i], id); e != 0 {
			return 0, e
		}
	}
	return 0, 0
}

func sysGetgroups(t *Task, a *Args) (uint64, abi.Errno) {
	size := int32(a[0])
	groups := t.proc.creds.Groups
	if size < 0 {
		return 0, abi.EINVAL
	}
	if size == 0 {
		return uint64(len(groups)), 0
	}
	if int(size) < len(groups) {
		return 0, abi.EINVAL
	}
	b := make([]byte, 4*len(groups))
	for i, g := range groups {
		le32(b[4*i:], g)
	}
	return uint64(len(groups)), t.copyOut(a[1], b)
}

func sysGetpgrp(t *Task, a *Args) (uint64, abi.Errno) { return uint64(t.proc.pgid), 0 }

func (t *Task) known(pid int32) bool { return pid == 0 || int(pid) == t.proc.pid }

func sysGetpgid(t *Task, a *Args) (uint64, abi.Errno) {
	if !t.known(int32(a[0])) {
		return 0, abi.ESRCH
	}
	return uint64(t.proc.pgid), 0
}

func sysGetsid(t *Task, a *Args) (uint64, abi.Errno) {
	if !t.known(int32(a[0])) {
		return 0, abi.ESRCH
	}
	return uint64(t.proc.sid), 0
}

// sysSetpgid records the new group; a session leader may not move, and the
// group id must be this process's own (no other groups exist yet).
func sysSetpgid(t *Task, a *Args) (uint64, abi.Errno) {
	pid, pgid := int32(a[0]), int32(a[1])
	if pgid < 0 {
		return 0, abi.EINVAL
	}
	if !t.known(pid) {
		return 0, abi.ESRCH
	}
	if t.proc.sid == t.proc.pid {
		return 0, abi.EPERM
	}
	if pgid == 0 {
		pgid = int32(t.proc.pid)
	}
	if int(pgid) != t.proc.pid && int(pgid) != t.proc.pgid {
		return 0, abi.EPERM
	}
	t.proc.pgid = int(pgid)
	return 0, 0
}

func sysSetsid(t *Task, a *Args) (uint64, abi.Errno) {
	if t.proc.pgid == t.proc.pid {
		return 0, abi.EPERM
	}
	t.proc.sid, t.proc.pgid = t.proc.pid, t.proc.pid
	return uint64(t.proc.pid), 0
}

// sysExit ends the thread; with one thread that ends the process.
func sysExit(t *Task, a *Args) (uint64, abi.Errno) {
	t.proc.mu.Lock()
	alive := 0
	for _, tk := range t.proc.tasks {
		if !tk.exited {
			alive++
		}
	}
	t.proc.mu.Unlock()
	if alive <= 1 {
		t.proc.exitGroup(int(a[0]), 0)
		return 0, 0
	}
	t.exited = true
	t.m.Stop = true
	return 0, 0
}

func sysExitGroup(t *Task, a *Args) (uint64, abi.Errno) {
	t.proc.exitGroup(int(a[0]), 0)
	return 0, 0
}

func sysWait4(t *Task, a *Args) (uint64, abi.Errno) {
	if a[2]&^(1|2|8|0x01000000|0x20000000|0x40000000|0x80000000) != 0 {
		return 0, abi.EINVAL // WNOHANG|WUNTRACED|WCONTINUED|__WNOTHREAD|__WALL|__WCLONE
	}
	return 0, abi.ECHILD
}

func sysArchPrctl(t *Task, a *Args) (uint64, abi.Errno) {
	switch a[0] {
	case abi.ARCH_SET_FS:
		if a[1] >= abi.TaskSizeMax {
			return 0, abi.EPERM
		}
		t.m.FSBase = a[1]
	case abi.ARCH_SET_GS:
		if a[1] >= abi.TaskSizeMax {
			return 0, abi.EPERM
		}
		t.m.GSBase = a[1]
	case abi.ARCH_GET_FS:
		return 0, t.writeU64(a[1], t.m.FSBase)
	case abi.ARCH_GET_GS:
		return 0, t.writeU64(a[1], t.m.GSBase)
	default:
		return 0, abi.EINVAL
	}
	return 0, 0
}

func sysSetTidAddress(t *Task, a *Args) (uint64, abi.Errno) {
	t.clearChildTID = a[0]
	return uint64(t.tid), 0
}

// robustListHeadSize is sizeof(struct robust_list_head) on x86-64.
const robustListHeadSize = 24

func sysSetRobustList(t *Task, a *Args) (uint64, abi.Errno) {
	if a[1] != robustListHeadSize {
		return 0, abi.EINVAL
	}
	t.robustList, t.robustLen = a[0], a[1]
	return 0, 0
}

func sysGetRobustList(t *Task, a *Args) (uint64, abi.Errno) {
	pid := int32(a[0])
	if pid != 0 && int(pid) != t.tid {
		return 0, abi.ESRCH
	}
	if e := t.writeU64(a[2], robustListHeadSize); e != 0 {
		return 0, e
	}
	return 0, t.writeU64(a[1], t.robustList)
}

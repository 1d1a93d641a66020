package kernel

import (
	"github.com/blink-go/blink/core/abi"
)

// Process and thread identity, exit, arch_prctl and the thread-library
// registrations (set_tid_address, robust lists).

func sysGetpid(t *Task, a *Args) (uint64, abi.Errno) { return uint64(t.proc.pid), 0 }
func sysGettid(t *Task, a *Args) (uint64, abi.Errno) { return uint64(t.tid), 0 }

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

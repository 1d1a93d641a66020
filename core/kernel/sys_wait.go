package kernel

import (
	"time"

	"github.com/blink-go/blink/core/abi"
)

// wait4 and waitid.

// waitReq is what a wait call asks for.
type waitReq struct {
	idtype  int // P_ALL, P_PID, P_PGID
	id      int
	options uint32 // WEXITED, WSTOPPED, WCONTINUED, WNOHANG, WNOWAIT, __WALL, __WCLONE
}

// waitHit is a child state change found by a wait.
type waitHit struct {
	pid    int
	uid    uint32
	status int      // wait4 status word
	code   int32    // CLD_* for waitid
	si     int32    // si_status for waitid
	cpu    cpuTimes // the child's CPU time, for the rusage (sys_rusage.go)
}

// eligible applies the pid/pgid selection and Linux's __WCLONE rule: a
// "clone" child is one whose exit signal is not SIGCHLD.
func (r *waitReq) eligible(c *Process) bool {
	switch r.idtype {
	case abi.P_PID:
		if c.pid != r.id {
			return false
		}
	case abi.P_PGID:
		if c.pgid != r.id {
			return false
		}
	}
	if r.options&abi.WALL != 0 {
		return true
	}
	clone := c.exitSignal != abi.SIGCHLD
	return clone == (r.options&abi.WCLONE != 0)
}

// scanLocked looks for a reportable child. It returns ECHILD when no
// child matches at all. Called with k.mu held.
func (k *Kernel) scanLocked(p *Process, r *waitReq) (waitHit, bool, abi.Errno) {
	any := false
	for _, c := range p.children {
		if !r.eligible(c) {
			continue
		}
		any = true
		switch {
		case c.zombie && r.options&abi.WEXITED != 0:
			code, st := c.cldInfo()
			h := waitHit{pid: c.pid, uid: c.creds.RUID, status: c.waitStatus(), code: code, si: st,
				cpu: c.totalCPULocked()}
			if r.options&abi.WNOWAIT == 0 {
				p.usage.children.add(h.cpu)
				k.reapLocked(c)
			}
			return h, true, 0
		case c.stopped && c.reportStop && r.options&abi.WSTOPPED != 0:
			if r.options&abi.WNOWAIT == 0 {
				c.reportStop = false
			}
			return waitHit{pid: c.pid, uid: c.creds.RUID, status: c.stopSig<<8 | 0x7f,
				code: abi.CLD_STOPPED, si: int32(c.stopSig), cpu: c.totalCPULocked()}, true, 0
		case c.reportCont && r.options&abi.WCONTINUED != 0:
			if r.options&abi.WNOWAIT == 0 {
				c.reportCont = false
			}
			return waitHit{pid: c.pid, uid: c.creds.RUID, status: 0xffff,
				code: abi.CLD_CONTINUED, si: abi.SIGCONT}, true, 0
		}
	}
	if !any {
		return waitHit{}, false, abi.ECHILD
	}
	return waitHit{}, false, 0
}

// wait blocks until a child matching r changes state (unless WNOHANG).
// An interrupting signal gives ERESTARTSYS: wait4 restarts under
// SA_RESTART, as on Linux.
func (t *Task) wait(r *waitReq) (waitHit, bool, abi.Errno) {
	k, p := t.k, t.proc
	var hit waitHit
	var found bool
	var err abi.Errno
	ready := func() bool {
		k.mu.Lock()
		hit, found, err = k.scanLocked(p, r)
		k.mu.Unlock()
		return found || err != 0 || r.options&abi.WNOHANG != 0
	}
	if t.waitFor(&p.childWait, time.Time{}, ready) == waitInterrupted {
		return waitHit{}, false, errRestartSys
	}
	return hit, found, err
}

func sysWait4(t *Task, a *Args) (uint64, abi.Errno) {
	pid := int32(a[0])
	opts := uint32(a[2])
	if opts&^(abi.WNOHANG|abi.WUNTRACED|abi.WCONTINUED|abi.WNOTHREAD|abi.WALL|abi.WCLONE) != 0 {
		return 0, abi.EINVAL
	}
	r := waitReq{options: opts | abi.WEXITED}
	switch {
	case pid == -1:
		r.idtype = abi.P_ALL
	case pid < -1:
		r.idtype, r.id = abi.P_PGID, int(-pid)
	case pid == 0:
		t.k.mu.Lock()
		r.idtype, r.id = abi.P_PGID, t.proc.pgid
		t.k.mu.Unlock()
	default:
		r.idtype, r.id = abi.P_PID, int(pid)
	}
	hit, found, e := t.wait(&r)
	if e != 0 || !found {
		return 0, e
	}
	if a[1] != 0 {
		if e := t.writeU32(a[1], uint32(hit.status)); e != 0 {
			return 0, e
		}
	}
	if a[3] != 0 {
		if e := t.putRusage(a[3], hit.cpu); e != 0 {
			return 0, e
		}
	}
	return uint64(hit.pid), 0
}

func sysWaitid(t *Task, a *Args) (uint64, abi.Errno) {
	idtype, id := int(int32(a[0])), int(int32(a[1]))
	opts := uint32(a[3])
	if opts&^(abi.WNOHANG|abi.WNOWAIT|abi.WEXITED|abi.WSTOPPED|abi.WCONTINUED|abi.WNOTHREAD|abi.WALL|abi.WCLONE) != 0 {
		return 0, abi.EINVAL
	}
	if opts&(abi.WEXITED|abi.WSTOPPED|abi.WCONTINUED) == 0 {
		return 0, abi.EINVAL
	}
	r := waitReq{idtype: idtype, id: id, options: opts}
	switch idtype {
	case abi.P_ALL:
	case abi.P_PID:
		if id <= 0 {
			return 0, abi.EINVAL
		}
	case abi.P_PGID:
		if id < 0 {
			return 0, abi.EINVAL
		}
		if id == 0 {
			t.k.mu.Lock()
			r.id = t.proc.pgid
			t.k.mu.Unlock()
		}
	default:
		// P_PIDFD needs pidfds, which blink does not have.
		return 0, abi.EINVAL
	}
	hit, found, e := t.wait(&r)
	if e != 0 {
		return 0, e
	}
	if a[2] != 0 {
		// Linux writes these fields only: with WNOHANG and nothing to
		// report they are all zero.
		var b [28]byte
		if found {
			le32(b[0:], abi.SIGCHLD)
			le32(b[8:], uint32(hit.code))
			le32(b[16:], uint32(hit.pid))
			le32(b[20:], hit.uid)
			le32(b[24:], uint32(hit.si))
		}
		if e := t.copyOut(a[2], b[:]); e != 0 {
			return 0, e
		}
	}
	if a[4] != 0 {
		// Zero when nothing was reported (WNOHANG), as on Linux.
		if e := t.putRusage(a[4], hit.cpu); e != 0 {
			return 0, e
		}
	}
	return 0, 0
}

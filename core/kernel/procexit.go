package kernel

import (
	"github.com/blink-go/blink/core/abi"
)

// Process exit, zombies, orphan reparenting and the virtual init.
//
// Life cycle: a process runs until its last task ends (exit_group, a
// fatal signal). It then releases its descriptors and memory at once (so
// pipe readers see EOF before the parent hears of the death, as with
// Linux's exit_files before exit_notify), becomes a zombie holding only
// its wait status, sends its exit signal to its parent and wakes the
// parent's waiters. wait4/waitid reap it. Its children go to the virtual
// init (PID 1), which reaps them as soon as they become zombies. A parent
// that ignores SIGCHLD or set SA_NOCLDWAIT has its children reaped
// automatically, as POSIX specifies.

// newInit returns the virtual init: a process without tasks that owns
// PID 1, adopts orphans and reaps them.
func newInit(k *Kernel) *Process {
	p := &Process{k: k, pid: 1, pgid: 1, sid: 1}
	return p
}

// exit ends the task; the last task of a process ends the process.
func (t *Task) exit() {
	p := t.proc
	k := t.k
	t.exited.Store(true)
	t.goIdle()
	t.exitThread()
	t.closeWakePipe()
	k.mu.Lock()
	p.mu.Lock()
	p.live--
	last := p.live <= 0
	if !last {
		for i, tk := range p.tasks {
			if tk == t {
				p.tasks = append(p.tasks[:i], p.tasks[i+1:]...)
				p.usage.exited.add(t.cpu.read())
				break
			}
		}
	} else if !p.exited {
		// The last thread left through exit(2): its status is the
		// process's.
		p.exited = true
		p.exitStatus = t.exitCode & 0xff
	}
	p.mu.Unlock()
	if k.threads[t.tid] == t {
		delete(k.threads, t.tid)
	}
	if !last {
		k.threadEndedLocked(t)
		k.procExited.Broadcast() // execve may wait for the other threads
		k.mu.Unlock()
		return
	}
	p.dying = true
	k.armLocked(p, 0, 0)
	k.mu.Unlock()
	k.stopProcessTimers(p)
	p.releaseResources()
	k.mu.Lock()
	k.SessionLeaderExitLocked(p) // tty.go: disassociate_ctty, after the files close as in do_exit
	k.exitNotifyLocked(p)
	k.mu.Unlock()
}

// releaseResources frees what a process holds besides its wait status.
func (p *Process) releaseResources() {
	p.k.releaseAllLocks(p)
	p.k.shmDetachAll(p)
	p.fds.closeAll()
	p.mu.Lock()
	mapped := p.mapped
	p.mapped = nil
	cwd := p.cwd
	p.cwd = nil
	space := p.Space
	p.mu.Unlock()
	flushShared(space, 0, ^uint64(0))
	for _, d := range mapped {
		d.decRef()
	}
	if cwd != nil {
		cwd.Close()
	}
	if space != nil && (p.vmShare == nil || p.vmShare.Add(-1) == 0) {
		space.Close()
	}
}

// waitStatus is the status word wait4 reports for a zombie.
func (p *Process) waitStatus() int {
	if p.killedBy != 0 {
		s := p.killedBy
		if p.coreDumped {
			s |= 0x80
		}
		return s
	}
	return p.exitStatus << 8
}

// cldInfo is the (si_code, si_status) pair describing a zombie.
func (p *Process) cldInfo() (int32, int32) {
	switch {
	case p.killedBy != 0 && p.coreDumped:
		return abi.CLD_DUMPED, int32(p.killedBy)
	case p.killedBy != 0:
		return abi.CLD_KILLED, int32(p.killedBy)
	}
	return abi.CLD_EXITED, int32(p.exitStatus)
}

// exitNotifyLocked turns p into a zombie, hands its children to a
// subreaper or init and tells its parent. Called with k.mu held.
func (k *Kernel) exitNotifyLocked(p *Process) {
	p.zombie = true
	if p.vforkDone != nil {
		close(p.vforkDone)
		p.vforkDone = nil
	}
	k.reparentChildrenLocked(p)
	k.orphanCheckLocked(p)
	k.notifyDeathLocked(p)
}

// threadEndedLocked is forget_original_parent for a thread that ends
// while others of its process go on: the children it created (Linux's
// real_parent is a thread) pass to a live thread of the process, and those
// that asked for PR_SET_PDEATHSIG get their signal. With no live thread
// left (exit_group under way) they wait for the last thread's exit, which
// hands them to another process. Called with k.mu held.
func (k *Kernel) threadEndedLocked(t *Task) {
	p := t.proc
	heir := 0
	for _, tk := range p.tasks {
		if tk != t && !tk.exited.Load() {
			heir = tk.tid
			break
		}
	}
	if heir == 0 {
		return
	}
	for _, c := range p.children {
		if c.prctl.parentTID == t.tid {
			c.prctl.parentTID = heir
			k.parentDiedLocked(c, p)
		}
	}
}

// reparentChildrenLocked gives the children of an ending process to the
// nearest live ancestor that made itself a child subreaper
// (PR_SET_CHILD_SUBREAPER), or else to init, after sending the
// parent-death signals they asked for. As Linux's reparent_leader does, a
// reparented child's exit signal becomes SIGCHLD, and one that is already
// a zombie is reported to its new parent (init reaps it at once). Called
// with k.mu held.
func (k *Kernel) reparentChildrenLocked(p *Process) {
	reaper := k.init
	for r := p.parent; r != nil && r != k.init; r = r.parent {
		if r.prctl.subreaper && !r.dying && !r.zombie {
			reaper = r
			break
		}
	}
	heir := 0
	for _, tk := range reaper.tasks {
		if !tk.exited.Load() {
			heir = tk.tid
			break
		}
	}
	children := p.children
	p.children = nil
	for _, c := range children {
		k.parentDiedLocked(c, p)
		c.parent, c.ppid = reaper, reaper.pid
		c.prctl.parentTID = heir
		c.exitSignal = abi.SIGCHLD
		reaper.children = append(reaper.children, c)
		if c.zombie {
			k.notifyDeathLocked(c)
		}
	}
}

// notifyDeathLocked tells the parent of the zombie p: its exit signal
// (unless the parent reaps automatically) and a wake-up of its waiters;
// init, or the host for the first process, reaps it at once. Called with
// k.mu held.
func (k *Kernel) notifyDeathLocked(p *Process) {
	par := p.parent
	if par == nil || par == k.init {
		// The first process's parent is on the host (blink's caller sees
		// the status through Exec); init reaps at once.
		k.reapLocked(p)
		k.procExited.Broadcast()
		return
	}
	code, status := p.cldInfo()
	autoReap := par.actions[abi.SIGCHLD].Handler == abi.SIG_IGN ||
		par.actions[abi.SIGCHLD].Flags&abi.SA_NOCLDWAIT != 0
	if p.exitSignal != 0 && !(autoReap && p.exitSignal == abi.SIGCHLD) {
		cpu := p.ownCPULocked()
		k.sendLocked(par, nil, &Siginfo{Signo: int32(p.exitSignal), Code: code,
			Pid: int32(p.pid), UID: p.creds.RUID, Status: status,
			Utime: nsToTicks(cpu.user), Stime: nsToTicks(cpu.sys)})
	}
	if autoReap {
		k.reapLocked(p)
	}
	par.childWait.notify()
	k.procExited.Broadcast()
}

// reapLocked removes a zombie for good. Called with k.mu held.
func (k *Kernel) reapLocked(p *Process) {
	if par := p.parent; par != nil {
		for i, c := range par.children {
			if c == p {
				par.children = append(par.children[:i], par.children[i+1:]...)
				break
			}
		}
	}
	if k.procs[p.pid] == p {
		delete(k.procs, p.pid)
	}
	k.procExited.Broadcast()
}

// notifyParentLocked tells p's parent that p stopped or continued
// (SIGCHLD with CLD_STOPPED/CLD_CONTINUED unless SA_NOCLDSTOP), and wakes
// its waiters. Called with k.mu held.
func (k *Kernel) notifyParentLocked(p *Process, code int32, sig int) {
	par := p.parent
	if par == nil || par == k.init {
		return
	}
	if par.actions[abi.SIGCHLD].Flags&abi.SA_NOCLDSTOP == 0 {
		cpu := p.ownCPULocked()
		k.sendLocked(par, nil, &Siginfo{Signo: abi.SIGCHLD, Code: code,
			Pid: int32(p.pid), UID: p.creds.RUID, Status: int32(sig),
			Utime: nsToTicks(cpu.user), Stime: nsToTicks(cpu.sys)})
	}
	par.childWait.notify()
}

// orphanedPgrpLocked reports whether process group pgid is orphaned: no
// member has a parent in the same session but another group (POSIX).
func (k *Kernel) orphanedPgrpLocked(pgid int) bool {
	for _, q := range k.procs {
		if q.pgid != pgid || q.zombie {
			continue
		}
		par := q.parent
		if par != nil && par != k.init && par.pgid != pgid && par.sid == q.sid {
			return false
		}
		if par == nil && q.hostSession {
			// The first process's parent (a shell on the host) is in
			// another group of its session as far as job control goes.
			return false
		}
	}
	return true
}

// orphanCheckLocked implements POSIX's rule for a group orphaned by p's
// exit: if it has stopped members, each gets SIGHUP then SIGCONT, so a
// stopped job nobody can resume does not stay stopped forever.
func (k *Kernel) orphanCheckLocked(p *Process) {
	groups := map[int]bool{}
	for _, c := range k.procs {
		if c.parent == k.init || c.pgid == p.pgid {
			groups[c.pgid] = true
		}
	}
	for pg := range groups {
		if pg == 0 || !k.orphanedPgrpLocked(pg) {
			continue
		}
		stopped := false
		for _, q := range k.procs {
			if q.pgid == pg && !q.zombie && (q.stopped || q.stopping) {
				stopped = true
			}
		}
		if !stopped {
			continue
		}
		for _, q := range k.procs {
			if q.pgid == pg && !q.zombie && q != p {
				k.sendLocked(q, nil, &Siginfo{Signo: abi.SIGHUP, Code: abi.SI_KERNEL})
				k.sendLocked(q, nil, &Siginfo{Signo: abi.SIGCONT, Code: abi.SI_KERNEL})
			}
		}
	}
}

// KillAll ends every guest process (blink itself is being killed) and
// waits until they are gone, so host resources are released.
func (k *Kernel) KillAll(sig int) {
	k.mu.Lock()
	for _, p := range k.procs {
		if p != k.init && !p.zombie {
			k.killLocked(p, sig)
		}
	}
	for {
		live := 0
		for _, p := range k.procs {
			if p != k.init && !p.zombie && len(p.tasks) > 0 && p.running {
				live++
			}
		}
		if live == 0 {
			break
		}
		k.procExited.Wait()
	}
	k.mu.Unlock()
}

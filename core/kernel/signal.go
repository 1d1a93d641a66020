package kernel

import (
	"github.com/blink-go/blink/core/abi"
	"github.com/blink-go/blink/core/vm"
	"github.com/blink-go/blink/core/x86"
)

// Signal generation, queueing and the choice of what to do with each
// signal; sigframe.go builds the handler frames.
//
// Invariants:
//   - Signal queues (Task.pending, Process.shared), dispositions
//     (Process.actions), masks as seen by senders (Task.sigmask) and the
//     stop state live under Kernel.mu. Only a task's own goroutine changes
//     its mask, and it does so holding Kernel.mu, so it may read the mask
//     without the lock.
//   - Task.hint is true whenever an unblocked signal may be pending for the
//     task (or its process is stopping or dying); it is the only thing the
//     syscall path reads without the lock. recalc keeps it exact.
//   - A sender sets the target's Machine.Stop and pokes its wake channel,
//     so a running task notices at the next block boundary and a blocked
//     one returns from its wait.

// Siginfo is a queued signal's siginfo_t, in fields; marshal lays it out
// the way Linux's copy_siginfo_to_user does for the signal's class.
type Siginfo struct {
	Signo, Errno, Code int32
	Pid                int32
	UID                uint32
	Status             int32
	Addr               uint64 // fault address (SIGSEGV/SIGBUS/SIGILL/SIGFPE/SIGTRAP)
	Value              uint64 // sigval of sigqueue and timers
	Utime, Stime       int64  // SIGCHLD, in clock ticks

	// Trap details go to the sigcontext (trapno, err, cr2), not siginfo.
	Trapno, Err, Cr2 uint64
}

// marshal writes the 128-byte siginfo_t.
func (si *Siginfo) marshal(b []byte) {
	clear(b[:abi.SiginfoSize])
	le32(b[0:], uint32(si.Signo))
	le32(b[4:], uint32(si.Errno))
	le32(b[8:], uint32(si.Code))
	switch {
	case si.Code > 0 && si.Code < abi.SI_KERNEL && isFaultSignal(int(si.Signo)):
		le64(b[16:], si.Addr) // _sigfault
	case si.Code > 0 && si.Code < abi.SI_KERNEL && si.Signo == abi.SIGCHLD:
		le32(b[16:], uint32(si.Pid)) // _sigchld
		le32(b[20:], si.UID)
		le32(b[24:], uint32(si.Status))
		le64(b[32:], uint64(si.Utime))
		le64(b[40:], uint64(si.Stime))
	case si.Code == abi.SI_KERNEL && isFaultSignal(int(si.Signo)):
		le64(b[16:], si.Addr) // #GP: si_addr is 0
	case si.Code == abi.SI_TIMER:
		le32(b[16:], uint32(si.Pid)) // si_tid
		le32(b[20:], si.UID)         // si_overrun
		le64(b[24:], si.Value)
	default: // _kill and _rt: pid, uid, value
		le32(b[16:], uint32(si.Pid))
		le32(b[20:], si.UID)
		le64(b[24:], si.Value)
	}
}

func isFaultSignal(sig int) bool {
	switch sig {
	case abi.SIGSEGV, abi.SIGBUS, abi.SIGILL, abi.SIGFPE, abi.SIGTRAP:
		return true
	}
	return false
}

// syncSignals are dequeued before others, as Linux's SYNCHRONOUS_MASK: a
// fault must reach its handler before an unrelated asynchronous signal.
const syncSignals = 1<<(abi.SIGSEGV-1) | 1<<(abi.SIGBUS-1) | 1<<(abi.SIGILL-1) |
	1<<(abi.SIGTRAP-1) | 1<<(abi.SIGFPE-1) | 1<<(abi.SIGSYS-1)

const stopSignals = 1<<(abi.SIGSTOP-1) | 1<<(abi.SIGTSTP-1) | 1<<(abi.SIGTTIN-1) | 1<<(abi.SIGTTOU-1)

// rtQueueMax bounds queued real-time signals per queue (RLIMIT_SIGPENDING
// would allow 63432; a guest must not make blink hold that much).
const rtQueueMax = 1024

// sigQueue is a set of pending signals with their siginfo. A standard
// signal is queued at most once; real-time signals queue every instance.
type sigQueue struct {
	mask  uint64
	infos []Siginfo
}

func (q *sigQueue) add(si *Siginfo) bool {
	sig := int(si.Signo)
	if sig < abi.SIGRTMIN && q.mask&sigBit(sig) != 0 {
		return true // coalesced with the instance already pending
	}
	if len(q.infos) >= rtQueueMax {
		if sig < abi.SIGRTMIN {
			// A standard signal is still marked pending, with a minimal
			// siginfo, as Linux does when it cannot allocate one.
			q.mask |= sigBit(sig)
			return true
		}
		return false
	}
	q.mask |= sigBit(sig)
	q.infos = append(q.infos, *si)
	return true
}

// take removes the first instance of sig.
func (q *sigQueue) take(sig int) Siginfo {
	var si Siginfo
	found := false
	more := false
	for i := range q.infos {
		if int(q.infos[i].Signo) != sig {
			continue
		}
		if !found {
			si = q.infos[i]
			q.infos = append(q.infos[:i], q.infos[i+1:]...)
			found = true
			// Look for another instance at the same index onwards.
			for j := i; j < len(q.infos); j++ {
				if int(q.infos[j].Signo) == sig {
					more = true
					break
				}
			}
			break
		}
	}
	if !found {
		si = Siginfo{Signo: int32(sig), Code: abi.SI_KERNEL}
	}
	if !more {
		q.mask &^= sigBit(sig)
	}
	return si
}

// drop discards every instance of the signals in set.
func (q *sigQueue) drop(set uint64) {
	if q.mask&set == 0 {
		return
	}
	q.mask &^= set
	n := 0
	for _, si := range q.infos {
		if set&sigBit(int(si.Signo)) == 0 {
			q.infos[n] = si
			n++
		}
	}
	q.infos = q.infos[:n]
}

// lowest returns the signal to dequeue first from set, or 0.
func lowest(set uint64) int {
	if set == 0 {
		return 0
	}
	if s := set & syncSignals; s != 0 {
		set = s
	}
	sig := 1
	for set&1 == 0 {
		set >>= 1
		sig++
	}
	return sig
}

// kick makes the task look at its signals: a running machine returns at
// the next block boundary, a blocked wait wakes up.
func (t *Task) kick() {
	t.m.RequestStop()
	t.poke()
}

// recalc recomputes t.hint. Called with k.mu held.
func (t *Task) recalc() {
	p := t.proc
	// Signals sigtimedwait waits for count as deliverable, so they wake it.
	on := (t.pending.mask|p.shared.mask)&^(t.sigmask&^t.waitingSet) != 0 || p.stopping || p.dying
	t.hint.Store(on)
	if on {
		t.kick()
	}
}

// ignored reports whether sig would be discarded on arrival (SIG_IGN, or
// SIG_DFL with an ignore default). Called with k.mu held.
func (p *Process) ignored(sig int) bool {
	h := p.actions[sig].Handler
	return h == abi.SIG_IGN || h == abi.SIG_DFL && defaultAction(sig) == sigIgnore
}

// sendLocked is Linux's send_signal: it applies the stop/continue side
// effects that happen at generation time, discards ignored signals and
// queues the rest on the thread (target != nil) or the process. Called
// with k.mu held.
func (k *Kernel) sendLocked(p *Process, target *Task, si *Siginfo) {
	sig := int(si.Signo)
	if p.dying || p.zombie {
		return
	}
	switch {
	case sig == abi.SIGCONT:
		// SIGCONT resumes a stopped process when it is sent, whatever its
		// disposition, and cancels pending stop signals.
		p.shared.drop(stopSignals)
		for _, t := range p.tasks {
			t.pending.drop(stopSignals)
		}
		if p.stopped || p.stopping {
			p.stopped, p.stopping = false, false
			p.reportCont, p.reportStop = true, false
			k.notifyParentLocked(p, abi.CLD_CONTINUED, abi.SIGCONT)
			for _, t := range p.tasks {
				t.kick()
			}
		}
	case stopSignals&sigBit(sig) != 0:
		p.shared.drop(sigBit(abi.SIGCONT))
		for _, t := range p.tasks {
			t.pending.drop(sigBit(abi.SIGCONT))
		}
	}
	if sig == abi.SIGKILL {
		// SIGKILL is never queued: it ends the process now, even a
		// stopped one.
		k.killLocked(p, abi.SIGKILL)
		return
	}
	// A blocked signal stays pending even when ignored, because the
	// disposition may change before it is unblocked.
	blockedEverywhere := true
	if target != nil {
		blockedEverywhere = target.sigmask&sigBit(sig) != 0
	} else {
		for _, t := range p.tasks {
			if t.sigmask&sigBit(sig) == 0 {
				blockedEverywhere = false
			}
		}
	}
	if p.ignored(sig) && !blockedEverywhere {
		return
	}
	if target != nil {
		target.pending.add(si)
		target.recalc()
		p.sigq.notify()
		return
	}
	p.shared.add(si)
	for _, t := range p.tasks {
		t.recalc()
	}
	p.sigq.notify()
}

// killLocked ends p as if by a fatal signal. Called with k.mu held.
func (k *Kernel) killLocked(p *Process, sig int) {
	if p.dying {
		return
	}
	p.dying = true
	p.stopped, p.stopping = false, false
	p.mu.Lock()
	if !p.exited {
		p.exited = true
		p.killedBy = sig
	}
	p.mu.Unlock()
	for _, t := range p.tasks {
		t.exited.Store(true)
		t.hint.Store(true)
		t.kick()
	}
}

// sendSignal queues a kernel-generated signal for the task itself
// (SIGPIPE on a broken pipe, raise-style self signals).
func (t *Task) sendSignal(sig int) {
	si := Siginfo{Signo: int32(sig), Code: abi.SI_KERNEL}
	if sig == abi.SIGPIPE {
		si.Code = abi.SI_USER
		si.Pid, si.UID = int32(t.proc.pid), t.proc.creds.RUID
	}
	t.k.mu.Lock()
	t.k.sendLocked(t.proc, t, &si)
	t.k.mu.Unlock()
}

// forceFault delivers a synchronous fault from the engine, as Linux's
// force_sig_fault: a blocked or ignored fault signal cannot be held back,
// so it reverts to the default action (and kills the process).
func (t *Task) forceFault(trap *vm.Trap) {
	si := Siginfo{Signo: int32(trap.Sig), Code: trap.Code, Addr: trap.Addr}
	switch trap.Sig {
	case abi.SIGSEGV:
		if trap.Code == abi.SI_KERNEL {
			si.Trapno = x86.ExGP
		} else {
			si.Trapno, si.Cr2 = x86.ExPF, trap.Addr
			si.Err = 4 // user mode
			if trap.Code == abi.SEGV_ACCERR {
				si.Err |= 1 // protection violation
			}
		}
	case abi.SIGILL:
		si.Trapno = x86.ExUD
	case abi.SIGFPE:
		si.Trapno = x86.ExDE
		if trap.Code != abi.FPE_INTDIV && trap.Code != abi.FPE_INTOVF {
			si.Trapno, si.Code = fpuTrap(t.m, trap.Code)
		}
	case abi.SIGTRAP:
		si.Trapno = x86.ExBP
		if trap.Code == abi.TRAP_TRACE {
			si.Trapno = x86.ExDB
		}
	case abi.SIGBUS:
		si.Trapno = x86.ExAC
	}
	t.force(&si)
}

// fpuTrap returns the vector (trapno) and si_code of a floating-point
// trap. Like Linux's fpu__exception_code it derives the code from the
// saved FPU state, from every unmasked exception flag that is set: for
// #XM that includes a flag left set in MXCSR before the faulting
// instruction, so DIVSD by zero with a stale unmasked IE reports
// FPE_FLTINV, as on Linux. An x87 #MF is told from #XM by its pending ES
// bit and the engine's hint agreeing with the x87 status.
func fpuTrap(m *x86.Machine, hint int32) (uint64, int32) {
	f := &m.FPU
	if f.SW&0x80 != 0 {
		if c := fpuCode(uint32(f.SW &^ f.CW)); c == hint {
			return x86.ExMF, c
		}
	}
	if c := fpuCode(^(m.MXCSR >> 7) & m.MXCSR); c != 0 {
		return x86.ExXM, c
	}
	return x86.ExXM, hint
}

// fpuCode picks the si_code for the exception flags in err (bits 0-5:
// IE, DE, ZE, OE, UE, PE) in the order Linux tests them; 0 if none.
func fpuCode(err uint32) int32 {
	switch {
	case err&0x01 != 0:
		return abi.FPE_FLTINV
	case err&0x04 != 0:
		return abi.FPE_FLTDIV
	case err&0x08 != 0:
		return abi.FPE_FLTOVF
	case err&0x12 != 0:
		return abi.FPE_FLTUND
	case err&0x20 != 0:
		return abi.FPE_FLTRES
	}
	return 0
}

// force queues si for the task, overriding a block or an ignore.
func (t *Task) force(si *Siginfo) {
	sig := int(si.Signo)
	k := t.k
	k.mu.Lock()
	p := t.proc
	if p.actions[sig].Handler == abi.SIG_IGN || t.sigmask&sigBit(sig) != 0 {
		p.actions[sig].Handler = abi.SIG_DFL
		t.sigmask &^= sigBit(sig)
	}
	t.pending.add(si)
	t.recalc()
	k.mu.Unlock()
}

// nextSignal picks the next deliverable signal and carries out every
// action that needs no guest code: ignoring, terminating, stopping. It
// returns a signal whose handler must run, or 0. It may block while the
// process is stopped.
func (t *Task) nextSignal() (int, Siginfo, SigAction) {
	k, p := t.k, t.proc
	k.mu.Lock()
	for {
		if p.dying || t.exited.Load() {
			k.mu.Unlock()
			return 0, Siginfo{}, SigAction{}
		}
		if p.stopping || p.stopped {
			k.mu.Unlock()
			t.stopped()
			k.mu.Lock()
			continue
		}
		var si Siginfo
		sig := lowest(t.pending.mask &^ t.sigmask)
		if sig != 0 {
			si = t.pending.take(sig)
		} else if sig = lowest(p.shared.mask &^ t.sigmask); sig != 0 {
			si = p.shared.take(sig)
		} else {
			t.recalc()
			k.mu.Unlock()
			return 0, Siginfo{}, SigAction{}
		}
		act := p.actions[sig]
		switch {
		case act.Handler == abi.SIG_IGN:
			continue
		case act.Handler != abi.SIG_DFL:
			if act.Flags&abi.SA_RESETHAND != 0 {
				p.actions[sig].Handler = abi.SIG_DFL
			}
			t.recalc()
			k.mu.Unlock()
			return sig, si, act
		}
		switch defaultAction(sig) {
		case sigIgnore:
			continue
		case sigStop:
			// Stop signals other than SIGSTOP are discarded by an
			// orphaned process group: nobody would continue it.
			if sig != abi.SIGSTOP && k.orphanedPgrpLocked(p.pgid) {
				continue
			}
			p.stopping = true
			p.stopSig = sig
			for _, tk := range p.tasks {
				tk.recalc()
			}
			continue
		}
		// Terminate, with a core flag where a core dump would be written
		// (Linux writes none while RLIMIT_CORE is 0).
		core := defaultAction(sig) == sigCore && p.rlimits[abi.RLIMIT_CORE][0] != 0
		p.coreDumped = core
		k.killLocked(p, sig)
		k.mu.Unlock()
		return 0, Siginfo{}, SigAction{}
	}
}

// stopped parks the task while its process is stopped: the first task
// to get here completes the group stop and tells the parent.
func (t *Task) stopped() {
	k, p := t.k, t.proc
	k.mu.Lock()
	if p.stopping {
		p.stopping = false
		p.stopped = true
		p.reportStop, p.reportCont = true, false
		k.notifyParentLocked(p, abi.CLD_STOPPED, p.stopSig)
		if stop := k.hostStopLocked(p); stop != nil { // jobctl.go
			k.mu.Unlock()
			stop()
			k.mu.Lock()
		}
	}
	for p.stopped && !p.dying {
		k.mu.Unlock()
		prev := t.goIdle()
		<-t.wake
		t.goBusy(prev)
		k.mu.Lock()
	}
	t.recalc()
	k.mu.Unlock()
}

// deliverPending runs at every return to guest code that may have a signal
// waiting: it sets up a handler frame for each deliverable signal, newest
// on top, as Linux does when several are pending.
func (t *Task) deliverPending() {
	for t.hint.Load() && !t.exited.Load() {
		sig, si, act := t.nextSignal()
		if sig == 0 {
			break
		}
		if !t.setupFrame(sig, &si, &act) {
			// The frame could not be written (bad stack): Linux's
			// force_sigsegv, which kills unless a SIGSEGV handler can run
			// on another stack.
			k := t.k
			k.mu.Lock()
			if sig == abi.SIGSEGV {
				t.proc.actions[abi.SIGSEGV].Handler = abi.SIG_DFL
			}
			k.mu.Unlock()
			t.force(&Siginfo{Signo: abi.SIGSEGV, Code: abi.SI_KERNEL})
		}
	}
	if t.haveSaved {
		// sigsuspend's temporary mask ends when no handler took it over.
		t.setMask(t.savedMask)
		t.haveSaved = false
	}
}

// setMask installs a new blocked set (SIGKILL and SIGSTOP can never be
// blocked).
func (t *Task) setMask(m uint64) {
	t.k.mu.Lock()
	t.sigmask = m &^ unblockable
	t.recalc()
	t.k.mu.Unlock()
}

// Internal restart codes, as in include/linux/errno.h: a blocking syscall
// returns one when a signal interrupts it, and the syscall exit path turns
// it into EINTR or a restart depending on the handler's SA_RESTART.
const (
	errRestartSys    abi.Errno = 512 // ERESTARTSYS: restart if SA_RESTART
	errRestartNoIntr abi.Errno = 513 // ERESTARTNOINTR: restart whatever the handler
)

// restartAllowed tells whether an interrupted syscall may restart: the
// signal about to be handled has SA_RESTART (or no handler runs at all).
func (t *Task) restartAllowed() bool {
	k, p := t.k, t.proc
	k.mu.Lock()
	defer k.mu.Unlock()
	sig := lowest(t.pending.mask &^ t.sigmask)
	if sig == 0 {
		sig = lowest(p.shared.mask &^ t.sigmask)
	}
	if sig == 0 {
		return true
	}
	act := p.actions[sig]
	if act.Handler == abi.SIG_DFL || act.Handler == abi.SIG_IGN {
		return true
	}
	return act.Flags&abi.SA_RESTART != 0
}

// interrupted reports whether a blocking syscall must give up: the task is
// dying, or a signal whose handler must run is pending. Signals that need
// no guest code (ignored ones, stops and continues) are acted on here, so
// they do not disturb the syscall, as Linux's transparent restarts.
func (t *Task) interrupted() bool {
	if !t.hint.Load() {
		return t.exited.Load()
	}
	k, p := t.k, t.proc
	for {
		k.mu.Lock()
		if p.dying || t.exited.Load() {
			k.mu.Unlock()
			return true
		}
		if p.stopping || p.stopped {
			k.mu.Unlock()
			t.stopped()
			continue
		}
		sig := lowest(t.pending.mask &^ t.sigmask)
		if sig == 0 {
			sig = lowest(p.shared.mask &^ t.sigmask)
		}
		if sig == 0 {
			t.recalc()
			k.mu.Unlock()
			return false
		}
		h := p.actions[sig].Handler
		k.mu.Unlock()
		if h != abi.SIG_DFL && h != abi.SIG_IGN {
			return true
		}
		// nextSignal takes this signal first (it is the lowest) and acts
		// on it; should a handler have been installed meanwhile, the
		// signal goes back to the queue for the syscall exit to run it.
		if s, si, _ := t.nextSignal(); s != 0 {
			k.mu.Lock()
			t.pending.add(&si)
			t.recalc()
			k.mu.Unlock()
			return true
		}
	}
}

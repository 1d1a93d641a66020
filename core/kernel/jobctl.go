package kernel

import (
	"github.com/blink-go/blink/core/abi"
)

// Job control between the guest's process groups and the host: the
// terminal checks of n_tty (Linux's __tty_check_change), and the signals
// blink receives from the host, routed as the host kernel would have
// routed them had the guest processes been host processes.

// inBackground reports whether the task's process is in a background
// group of term's session, term being its controlling terminal.
func (t *Task) inBackground(term *terminal) bool {
	k, p := t.k, t.proc
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.cttyLocked(p) == term && term.pgrp != 0 && p.pgid != term.pgrp
}

// jobControl is Linux's __tty_check_change for term: a process of a
// background group of term's session (term being its controlling
// terminal) that reads (sig SIGTTIN), or changes the terminal (SIGTTOU),
// has sig sent to its whole group and the call restarted once the group
// is continued. A reader that ignores or blocks SIGTTIN gets EIO; a
// writer that does goes ahead. An orphaned group, which nobody would
// continue, gets EIO.
func (t *Task) jobControl(term *terminal, sig int) abi.Errno {
	k, p := t.k, t.proc
	k.mu.Lock()
	defer k.mu.Unlock()
	if term == nil || k.cttyLocked(p) != term || term.pgrp == 0 || p.pgid == term.pgrp {
		return 0
	}
	if t.sigmask&sigBit(sig) != 0 || p.actions[sig].Handler == abi.SIG_IGN {
		if sig == abi.SIGTTIN {
			return abi.EIO
		}
		return 0
	}
	if k.orphanedPgrpLocked(p.pgid) {
		return abi.EIO
	}
	k.signalGroupLocked(p.pgid, &Siginfo{Signo: int32(sig), Code: abi.SI_KERNEL})
	return errRestartSys
}

// signalGroupLocked sends si to every live process of group pg. Called
// with k.mu held.
func (k *Kernel) signalGroupLocked(pg int, si *Siginfo) {
	for _, p := range k.procs {
		if p.pgid == pg && p != k.init && !p.zombie {
			s := *si
			k.sendLocked(p, nil, &s)
		}
	}
}

// SetHostStop installs what blink does when the first guest process stops
// (Ctrl-Z on a program without job control of its own, or SIGSTOP): stop
// itself, so the host shell that started blink sees its job stop. The host
// SIGCONT that resumes blink is forwarded by HostSignal.
func (k *Kernel) SetHostStop(stop func()) {
	k.mu.Lock()
	k.tty.hostStop = stop
	k.mu.Unlock()
}

// hostStopLocked returns the hook to run (outside the lock) when p has
// just completed a group stop. Called with k.mu held.
func (k *Kernel) hostStopLocked(p *Process) func() {
	if !p.hostParented {
		return nil
	}
	return k.tty.hostStop
}

// HostSignal passes a signal blink received from the host to the guests,
// as the host kernel would have delivered it to the programs blink runs:
//   - the terminal's signals (SIGINT, SIGQUIT, SIGTSTP from Ctrl-C, Ctrl-\,
//     Ctrl-Z, and SIGWINCH) to the guest's foreground process group, so
//     Ctrl-C ends the foreground job and not the shell, and Ctrl-Z stops it
//     while blink goes on running;
//   - SIGCONT (the host shell's fg or bg after blink stopped) to the first
//     process's group;
//   - everything else (SIGTERM, SIGHUP, SIGUSR1, ...) to the first process,
//     whose death then ends blink with the same signal.
func (k *Kernel) HostSignal(sig int) {
	k.mu.Lock()
	defer k.mu.Unlock()
	var first *Process
	for _, p := range k.procs {
		if p.hostParented && !p.zombie && (first == nil || p.pid < first.pid) {
			first = p
		}
	}
	if first == nil {
		return
	}
	si := &Siginfo{Signo: int32(sig), Code: abi.SI_KERNEL}
	switch sig {
	case abi.SIGINT, abi.SIGQUIT, abi.SIGTSTP, abi.SIGWINCH:
		pg := first.pgid
		if h := k.tty.host; h != nil && h.pgrp != 0 {
			pg = h.pgrp
		}
		k.signalGroupLocked(pg, si)
	case abi.SIGCONT:
		si.Code = abi.SI_USER
		k.signalGroupLocked(first.pgid, si)
	default:
		si.Code = abi.SI_USER
		k.sendLocked(first, nil, si)
	}
}

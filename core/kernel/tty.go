package kernel

import "github.com/blink-go/blink/core/abi"

// The host terminal behind fds 0/1/2 is the guest session's controlling
// terminal. Its foreground process group is virtual (Kernel.fgPgrp): the
// guest's TIOCSPGRP moves it without touching the host terminal, and
// HostSignal sends terminal signals (Ctrl-C, Ctrl-\) to it.
//
// Not yet: SIGTTIN/SIGTTOU for background jobs, TIOCSCTTY/TIOCNOTTY, and
// passing Ctrl-Z (SIGTSTP) to the foreground job instead of stopping blink.

// ttyPgrp answers TIOCGPGRP and TIOCSPGRP; ok is false for other requests.
func (t *Task) ttyPgrp(req uint32, arg uint64) (rv uint64, e abi.Errno, ok bool) {
	k := t.k
	switch req {
	case abi.TIOCGPGRP:
		k.mu.Lock()
		pg := k.fgPgrp
		if pg == 0 {
			pg = t.proc.pgid
		}
		k.mu.Unlock()
		return 0, t.writeU32(arg, uint32(pg)), true
	case abi.TIOCSPGRP:
		var b [4]byte
		if e := t.copyIn(arg, b[:]); e != 0 {
			return 0, e, true
		}
		pg := int(int32(rd32(b[:])))
		if pg < 0 {
			return 0, abi.EINVAL, true
		}
		k.mu.Lock()
		defer k.mu.Unlock()
		found := false
		for _, p := range k.procs {
			if p.pgid == pg && !p.zombie {
				if p.sid != t.proc.sid {
					return 0, abi.EPERM, true
				}
				found = true
			}
		}
		if !found {
			return 0, abi.ESRCH, true
		}
		k.fgPgrp = pg
		return 0, 0, true
	}
	return 0, 0, false
}

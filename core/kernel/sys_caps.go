package kernel

import (
	"github.com/blink-go/blink/core/abi"
)

// capget, capset and personality.
//
// Capabilities are not a separate permission system here: the kernel's
// checks look at the effective user id, as they would for a process whose
// capabilities follow its ids (root has them all, bounded by
// PR_CAPBSET_DROP; others none). capget reports exactly that, so libcap,
// ping and capsh see a consistent root. capset is checked with Linux's
// rules (only the caller, never growing the permitted set...) and what it
// sets is what capget and /proc/PID/status report until the next execve;
// dropping a capability does not make the id-based checks stricter.

// capSets is a process's effective, permitted and inheritable sets.
type capSets struct{ eff, prm, inh uint64 }

const allCaps = 1<<(abi.CAP_LAST_CAP+1) - 1

// capsLocked are p's capability sets. Called with Process.mu held.
func (p *Process) capsLocked() capSets {
	if c := p.prctl.caps; c != nil {
		return *c
	}
	if p.creds.EUID != 0 {
		return capSets{}
	}
	full := uint64(allCaps) &^ p.prctl.capDropped
	return capSets{eff: full, prm: full}
}

// capHeader reads a capget/capset header and checks its version
// (cap_validate_magic): an unknown one is answered with the version the
// kernel speaks, and EINVAL. words is how many u32 per set follow.
func (t *Task) capHeader(hdr uint64) (pid int32, words int, e abi.Errno) {
	var b [abi.CapUserHeaderSize]byte
	if e := t.copyIn(hdr, b[:]); e != 0 {
		return 0, 0, e
	}
	switch rd32(b[:]) {
	case abi.LINUX_CAPABILITY_VERSION_1:
		words = 1
	case abi.LINUX_CAPABILITY_VERSION_2, abi.LINUX_CAPABILITY_VERSION_3:
		words = 2
	default:
		if e := t.writeU32(hdr, abi.LINUX_CAPABILITY_VERSION_3); e != 0 {
			return 0, 0, e
		}
		return 0, 0, abi.EINVAL
	}
	return int32(rd32(b[4:])), words, 0
}

func sysCapget(t *Task, a *Args) (uint64, abi.Errno) {
	pid, words, e := t.capHeader(a[0])
	if a[1] == 0 {
		// A NULL data pointer probes the version: 0 even for an
		// unknown one, which the header now names.
		if e == abi.EINVAL {
			return 0, 0
		}
		return 0, e
	}
	if e != 0 {
		return 0, e
	}
	if pid < 0 {
		return 0, abi.EINVAL
	}
	k := t.k
	k.mu.Lock()
	p := t.lookupLocked(pid) // the virtual init too: a root process
	if p == nil {
		k.mu.Unlock()
		return 0, abi.ESRCH
	}
	p.mu.Lock()
	c := p.capsLocked()
	p.mu.Unlock()
	k.mu.Unlock()
	var b [2 * abi.CapUserDataSize]byte
	for i := range words {
		le32(b[i*12:], uint32(c.eff>>(32*i)))
		le32(b[i*12+4:], uint32(c.prm>>(32*i)))
		le32(b[i*12+8:], uint32(c.inh>>(32*i)))
	}
	return 0, t.copyOut(a[1], b[:words*abi.CapUserDataSize])
}

func sysCapset(t *Task, a *Args) (uint64, abi.Errno) {
	pid, words, e := t.capHeader(a[0])
	if e != 0 {
		return 0, e
	}
	p := t.proc
	if pid != 0 && int(pid) != p.pid {
		return 0, abi.EPERM // only the caller's own, since Linux 2.6.25
	}
	var b [2 * abi.CapUserDataSize]byte
	if e := t.copyIn(a[1], b[:words*abi.CapUserDataSize]); e != 0 {
		return 0, e
	}
	var n capSets
	for i := range words {
		n.eff |= uint64(rd32(b[i*12:])) << (32 * i)
		n.prm |= uint64(rd32(b[i*12+4:])) << (32 * i)
		n.inh |= uint64(rd32(b[i*12+8:])) << (32 * i)
	}
	n.eff &= allCaps
	n.prm &= allCaps
	n.inh &= allCaps
	p.mu.Lock()
	defer p.mu.Unlock()
	old := p.capsLocked()
	bset := uint64(allCaps) &^ p.prctl.capDropped
	subset := func(x, of uint64) bool { return x&^of == 0 }
	switch {
	case old.eff&(1<<abi.CAP_SETPCAP) == 0 && !subset(n.inh, old.inh|old.prm),
		!subset(n.inh, old.inh|bset),
		!subset(n.prm, old.prm),
		!subset(n.eff, n.prm):
		return 0, abi.EPERM // cap_capset
	}
	p.prctl.caps = &n
	return 0, 0
}

func sysPersonality(t *Task, a *Args) (uint64, abi.Errno) {
	p := t.proc
	p.mu.Lock()
	defer p.mu.Unlock()
	old := p.prctl.persona
	if v := uint32(a[0]); v != abi.PERSONALITY_QUERY {
		p.prctl.persona = v
	}
	return uint64(old), 0
}

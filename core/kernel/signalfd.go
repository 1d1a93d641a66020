package kernel

import (
	"sync"
	"time"

	"github.com/blink-go/blink/core/abi"
)

// signalfd(2): reading dequeues pending signals of the mask, the calling
// thread's first and then its process's, as a signal handler would have
// received them. Senders notify Process.sigq (signal.go's sendLocked), on
// which readers and pollers wait.

type signalFD struct {
	anonFile
	proc *Process
	mu   sync.Mutex
	mask uint64
}

func sysSignalfd(t *Task, a *Args) (uint64, abi.Errno) {
	return t.signalfd(int32(a[0]), a[1], a[2], 0)
}

func sysSignalfd4(t *Task, a *Args) (uint64, abi.Errno) {
	return t.signalfd(int32(a[0]), a[1], a[2], int(int32(a[3])))
}

func (t *Task) signalfd(fd int32, maskAddr, size uint64, flags int) (uint64, abi.Errno) {
	if flags&^(abi.SFD_CLOEXEC|abi.SFD_NONBLOCK) != 0 || size != abi.SigsetSize {
		return 0, abi.EINVAL
	}
	mask, e := t.readU64(maskAddr)
	if e != 0 {
		return 0, e
	}
	mask &^= unblockable
	if fd == -1 {
		return t.installNew(&signalFD{anonFile: newAnon("[signalfd]"), proc: t.proc, mask: mask}, flags)
	}
	d, e := t.proc.fds.get(fd)
	if e != 0 {
		return 0, e
	}
	defer d.decRef()
	sf, ok := d.File.(*signalFD)
	if !ok {
		return 0, abi.EINVAL
	}
	sf.mu.Lock()
	sf.mask = mask
	sf.mu.Unlock()
	return uint64(fd), 0
}

func (sf *signalFD) getMask() uint64 {
	sf.mu.Lock()
	defer sf.mu.Unlock()
	return sf.mask
}

func (sf *signalFD) ReadTask(t *Task, b []byte, nonblock bool) (int, abi.Errno) {
	if t == nil {
		return 0, abi.EAGAIN
	}
	if len(b) < abi.SignalfdSiginfoSize {
		return 0, abi.EINVAL
	}
	k, p := t.k, t.proc
	n := 0
	ready := func() bool {
		mask := sf.getMask()
		k.mu.Lock()
		for n+abi.SignalfdSiginfoSize <= len(b) {
			var si Siginfo
			if sig := lowest(t.pending.mask & mask); sig != 0 {
				si = t.pending.take(sig)
			} else if sig := lowest(p.shared.mask & mask); sig != 0 {
				si = p.shared.take(sig)
			} else {
				break
			}
			putSignalfdSiginfo(b[n:], &si)
			n += abi.SignalfdSiginfoSize
		}
		t.recalc()
		k.mu.Unlock()
		return n > 0 || nonblock
	}
	if t.waitFor(&p.sigq, time.Time{}, ready) == waitInterrupted {
		return 0, errRestartSys
	}
	if n == 0 {
		return 0, abi.EAGAIN
	}
	return n, 0
}

// putSignalfdSiginfo lays out struct signalfd_siginfo.
func putSignalfdSiginfo(b []byte, si *Siginfo) {
	clear(b[:abi.SignalfdSiginfoSize])
	le32(b[0:], uint32(si.Signo))
	le32(b[4:], uint32(si.Errno))
	le32(b[8:], uint32(si.Code))
	le32(b[12:], uint32(si.Pid))
	le32(b[16:], si.UID)
	if si.Code == abi.SI_TIMER {
		le32(b[24:], uint32(si.Pid)) // ssi_tid: the timer id
		le32(b[32:], si.UID)         // ssi_overrun
	}
	le32(b[40:], uint32(si.Status))
	le32(b[44:], uint32(si.Value))
	le64(b[48:], si.Value)
	le64(b[56:], uint64(si.Utime))
	le64(b[64:], uint64(si.Stime))
	le64(b[72:], si.Addr)
}

func (sf *signalFD) WriteTask(t *Task, b []byte, nonblock bool) (int, abi.Errno) {
	return 0, abi.EINVAL
}

func (sf *signalFD) Read(b []byte) (int, abi.Errno)  { return 0, abi.EAGAIN }
func (sf *signalFD) Write(b []byte) (int, abi.Errno) { return 0, abi.EINVAL }
func (sf *signalFD) Close() abi.Errno                { return 0 }

func (sf *signalFD) Readiness(t *Task, mask uint32) uint32 {
	m := sf.getMask()
	k := t.k
	k.mu.Lock()
	set := (t.pending.mask | t.proc.shared.mask) & m
	k.mu.Unlock()
	if set != 0 {
		return abi.POLLIN | abi.POLLRDNORM
	}
	return 0
}

func (sf *signalFD) PollRegister(r *pollRegs, mask uint32) { r.addQueue(&sf.proc.sigq) }

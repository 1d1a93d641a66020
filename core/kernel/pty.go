package kernel

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/blink-go/blink/core/abi"
	"github.com/blink-go/blink/devfs"
	"github.com/blink-go/blink/fs/vfs"
)

// Pseudo-terminals (pty(7), pts(4)), in the kernel like pipes: opening
// /dev/ptmx makes a pair, a master and a slave named /dev/pts/N, joined
// by two line disciplines (pty_ldisc.go). The slave is a terminal in the
// full sense, a controlling terminal with a session and a foreground
// group (tty.go); the master is how a terminal emulator, script(1) or an
// ssh server drives it.
//
// Life cycle, as on Linux: the slave is locked until unlockpt
// (TIOCSPTLCK) and its name shows in /dev/pts from the master's open to
// the master's close. Closing the master hangs the slave up: its
// descriptors read end-of-file and fail writes with EIO, and the session
// it controls loses it, its leader getting SIGHUP. Closing the last slave
// descriptor makes the master read EIO once it has drained what the slave
// wrote, and poll POLLHUP, until a slave is opened again. The index is
// reused once both sides are closed.
//
// Locking: pty.mu guards the disciplines and the pair's state; the
// slave's job-control state (pty.term) is Kernel.mu's. The two are never
// held together: signals the line discipline raises are sent after
// pty.mu is released. Waiters sleep on their side's queue, which every
// change notifies.

// ptyMax is /proc/sys/kernel/pty/max's default: /dev/ptmx fails with
// ENOSPC when that many pairs exist.
const ptyMax = 4096

// ptyTable numbers the pairs.
type ptyTable struct {
	mu    sync.Mutex
	used  map[int]*pty // every pair not yet released, by index
	named map[int]*pty // the pairs shown in /dev/pts (master open)
}

// add gives p the lowest free index (devpts_new_index) and the slave
// device number that goes with it, before anyone can find p.
func (tb *ptyTable) add(p *pty) abi.Errno {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	if tb.used == nil {
		tb.used, tb.named = make(map[int]*pty), make(map[int]*pty)
	}
	for i := 0; i < ptyMax; i++ {
		if tb.used[i] == nil {
			p.index = i
			p.term = terminal{rdev: devfs.Mkdev(abi.UNIX98_PTY_SLAVE_MAJOR, uint64(i)), pty: p}
			tb.used[i], tb.named[i] = p, p
			return 0
		}
	}
	return abi.ENOSPC
}

func (tb *ptyTable) unname(p *pty) {
	tb.mu.Lock()
	if tb.named[p.index] == p {
		delete(tb.named, p.index)
	}
	tb.mu.Unlock()
}

func (tb *ptyTable) release(p *pty) {
	tb.mu.Lock()
	if tb.used[p.index] == p {
		delete(tb.used, p.index)
	}
	tb.mu.Unlock()
}

// ptySide is one side's discipline and waiters.
type ptySide struct {
	ld ldisc
	q  waitQueue // readers, writers and pollers of this side
	// gen counts changes this side's pollers may care about (epoll's
	// edge-triggered mode).
	gen atomic.Uint64
	// hup counts hang-ups: a descriptor opened before the last one is
	// hung up.
	hup       uint64
	exclusive bool // TIOCEXCL: further opens need root (EBUSY)
}

const (
	masterSide = 0
	slaveSide  = 1
)

// pty is one pair.
type pty struct {
	k     *Kernel
	index int
	term  terminal // the slave as a controlling terminal (Kernel.mu)

	mu          sync.Mutex
	side        [2]ptySide
	ws          winsize
	locked      bool // the slave cannot be opened (until unlockpt)
	masterOpen  bool
	slaves      int  // open slave descriptions
	otherClosed bool // the master's TTY_OTHER_CLOSED: every slave closed
	// The slave's inode attributes in /dev/pts.
	uid, gid, mode      uint32
	atime, mtime, ctime Timespec
}

// euid is the process's effective user ID, which stands for its file
// system one and for CAP_SYS_ADMIN here.
func (p *Process) euid() uint32 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.creds.EUID
}

func nowTimespec() Timespec {
	t := time.Now()
	return Timespec{Sec: t.Unix(), Nsec: int64(t.Nanosecond())}
}

// openPtmx is /dev/ptmx: a new pair, its slave locked and owned by the
// caller, and the master's descriptor. It is devfs's hook.
func (k *Kernel) openPtmx(caller any, flags int) (vfs.FileImpl, abi.Errno) {
	p := &pty{k: k, locked: true, masterOpen: true, gid: devfs.TTYGroup, mode: devfs.PtsMode}
	if proc, ok := caller.(*Process); ok && proc != nil {
		p.uid = proc.euid()
	}
	p.atime = nowTimespec()
	p.mtime, p.ctime = p.atime, p.atime
	p.side[masterSide].ld.init(masterTermios(), &p.side[slaveSide].ld)
	p.side[slaveSide].ld.init(slaveTermios(), &p.side[masterSide].ld)
	if e := k.tty.ptys.add(p); e != 0 {
		return nil, e
	}
	return &kernelFileImpl{f: &ptyFile{p: p, master: true}}, 0
}

// openSlave opens the slave for caller (pty_open): EIO while it is locked
// or the master is closed, EBUSY when exclusive unless root. A session
// leader without a controlling terminal acquires it unless O_NOCTTY.
func (p *pty) openSlave(caller any, flags int) (*ptyFile, abi.Errno) {
	proc, _ := caller.(*Process)
	root := proc == nil || proc.euid() == 0
	p.mu.Lock()
	s := &p.side[slaveSide]
	switch {
	case s.exclusive && !root:
		p.mu.Unlock()
		return nil, abi.EBUSY
	case !p.masterOpen || p.locked:
		p.mu.Unlock()
		return nil, abi.EIO
	}
	p.slaves++
	p.otherClosed = false
	f := &ptyFile{p: p, hup: s.hup}
	p.mu.Unlock()
	p.changed()
	if proc != nil {
		k := p.k
		k.mu.Lock()
		k.acquireOnOpenLocked(proc, &p.term, flags)
		k.mu.Unlock()
	}
	return f, 0
}

// openCttyPty opens /dev/tty when the caller's controlling terminal is a
// slave: another descriptor of the slave, which never changes who
// controls it.
func (k *Kernel) openCttyPty(term *terminal, flags int) (vfs.FileImpl, abi.Errno) {
	if term.pty == nil {
		return nil, abi.ENXIO
	}
	f, e := term.pty.openSlave(nil, flags|abi.O_NOCTTY)
	if e != 0 {
		return nil, e
	}
	return &kernelFileImpl{f: f}, 0
}

// changed wakes both sides' waiters and moves both change counts.
func (p *pty) changed() {
	for i := range p.side {
		p.side[i].gen.Add(1)
		p.side[i].q.notify()
	}
}

// settle runs queued input through both disciplines until neither takes
// more (the slave's echoes are the master's input), and returns the
// signals the slave's input raised. Called with p.mu held.
func (p *pty) settle() []int {
	s, m := &p.side[slaveSide].ld, &p.side[masterSide].ld
	for s.receive() || m.receive() {
	}
	sigs := s.sigs
	s.sigs = nil
	return sigs
}

// raise sends signals the line discipline raised to the slave's
// foreground group (isig). Called without p.mu.
func (p *pty) raise(sigs []int) {
	if len(sigs) == 0 {
		return
	}
	k := p.k
	k.mu.Lock()
	defer k.mu.Unlock()
	if pg := p.term.pgrp; pg != 0 {
		for _, sig := range sigs {
			k.signalGroupLocked(pg, &Siginfo{Signo: int32(sig), Code: abi.SI_KERNEL})
		}
	}
}

// ptyFile is a descriptor of one side: /dev/ptmx's master, or a slave
// opened through /dev/pts/N, /dev/tty or TIOCGPTPEER.
type ptyFile struct {
	p      *pty
	master bool
	hup    uint64    // the side's hang-up count at open
	at     *vfs.File // the VFS's description it was opened as (nil: none)
	closed atomic.Bool
}

var (
	_ taskFile    = (*ptyFile)(nil)
	_ pollFile    = (*ptyFile)(nil)
	_ pollGenFile = (*ptyFile)(nil)
	_ ttyDevice   = (*ptyFile)(nil)
)

func (f *ptyFile) sideIndex() int {
	if f.master {
		return masterSide
	}
	return slaveSide
}

func (f *ptyFile) side() *ptySide { return &f.p.side[f.sideIndex()] }

// openedAt records the VFS description the descriptor came from, which
// gives its name and st_dev (unwrapKernelFile's hook). A descriptor
// reopened through /proc/PID/fd keeps the name it was reopened from.
func (f *ptyFile) openedAt(v *vfs.File) {
	if f.at == nil {
		f.at = v
	}
}

// reopen opens the terminal behind f again, for /proc/PID/fd/N
// (procinfo.go): a slave gains a descriptor, without becoming anyone's
// controlling terminal; a master's inode is ptmx, so a new pair comes.
func (f *ptyFile) reopen(flags int) (*ptyFile, abi.Errno) {
	var g *ptyFile
	if f.master {
		impl, e := f.p.k.openPtmx(nil, flags)
		if e != 0 {
			return nil, e
		}
		g = impl.(*kernelFileImpl).f.(*ptyFile)
	} else {
		var e abi.Errno
		if g, e = f.p.openSlave(nil, flags|abi.O_NOCTTY); e != 0 {
			return nil, e
		}
	}
	g.at = f.at
	return g, 0
}

// hungUpLocked reports a descriptor of a side hung up since it was
// opened: the slave's after the master closed, or either after
// TIOCVHANGUP. Called with p.mu held.
func (f *ptyFile) hungUpLocked() bool { return f.hup != f.side().hup }

func (f *ptyFile) hungUp() bool {
	f.p.mu.Lock()
	defer f.p.mu.Unlock()
	return f.hungUpLocked()
}

// Close drops the descriptor. The master's close hangs the slave up; the
// last slave's makes the master read EIO; the pair is gone when both
// sides are.
func (f *ptyFile) Close() abi.Errno {
	if f.closed.Swap(true) {
		return 0
	}
	p := f.p
	p.mu.Lock()
	if f.master {
		p.masterOpen = false
		p.side[slaveSide].hup++
	} else {
		p.slaves--
		if p.slaves == 0 {
			p.otherClosed = true
		}
	}
	gone := !p.masterOpen && p.slaves == 0
	p.mu.Unlock()
	k := p.k
	if f.master {
		k.tty.ptys.unname(p)
		k.mu.Lock()
		k.hangupLocked(&p.term)
		k.mu.Unlock()
	}
	p.changed()
	if gone {
		k.tty.ptys.release(p)
	}
	return 0
}

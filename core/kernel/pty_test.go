package kernel

import (
	"strings"
	"testing"
	"time"

	"github.com/blink-go/blink/core/abi"
	"github.com/blink-go/blink/devfs"
)

// Pseudo-terminals through the system calls: /dev/ptmx and /dev/pts,
// the ioctls, reads and writes on both sides, controlling terminals and
// job control. The line discipline's details are pty_ldisc_test.go's.

// ptyAtCwd is AT_FDCWD as a syscall argument.
const ptyAtCwd = ^uint64(99)

// Scratch areas these tests use.
const (
	ptyPath = scratch + 0x100
	ptyArg  = scratch + 0x200
	ptyStat = scratch + 0x300
	ptyIO   = scratch + 0x1000
)

// openPty opens a master and its unlocked slave (with extra open flags).
func (e *env) openPty(slaveFlags uint64) (m, s uint64, n int) {
	e.t.Helper()
	m = uint64(e.ok(abi.SYS_OPENAT, ptyAtCwd, e.str(ptyPath, "/dev/ptmx"), abi.O_RDWR|abi.O_NOCTTY, 0))
	e.ok(abi.SYS_IOCTL, m, abi.TIOCGPTN, ptyArg)
	n = int(rd32(e.mem(ptyArg, 4)))
	e.m.Mem.CopyOut(ptyArg, []byte{0, 0, 0, 0})
	e.ok(abi.SYS_IOCTL, m, abi.TIOCSPTLCK, ptyArg)
	s = uint64(e.ok(abi.SYS_OPENAT, ptyAtCwd, e.str(ptyPath, ptsName(n)), abi.O_RDWR|slaveFlags, 0))
	return m, s, n
}

func ptsName(n int) string { return "/dev/pts/" + itoa(int64(n)) }

func (e *env) put(fd uint64, s string) int64 {
	e.m.Mem.CopyOut(ptyIO, []byte(s))
	return e.sys(abi.SYS_WRITE, fd, ptyIO, uint64(len(s)))
}

// get reads once from fd, which must not block.
func (e *env) get(fd uint64) (string, abi.Errno) {
	r := e.sys(abi.SYS_READ, fd, ptyIO, 4096)
	if r < 0 {
		return "", abi.Errno(-r)
	}
	return string(e.mem(ptyIO, int(r))), 0
}

func (e *env) getInt(fd uint64, req uint32) (int, abi.Errno) {
	if got := e.errno(abi.SYS_IOCTL, fd, uint64(req), ptyArg); got != 0 {
		return 0, got
	}
	return int(int32(rd32(e.mem(ptyArg, 4)))), 0
}

func (e *env) setInt(fd uint64, req uint32, v int) abi.Errno {
	var b [4]byte
	le32(b[:], uint32(v))
	e.m.Mem.CopyOut(ptyArg, b[:])
	return e.errno(abi.SYS_IOCTL, fd, uint64(req), ptyArg)
}

type statOf struct {
	dev, ino, rdev uint64
	mode, uid, gid uint32
}

func (e *env) decodeStat() statOf {
	b := e.mem(ptyStat, abi.StatSize)
	return statOf{rd64(b[abi.StatDevOff:]), rd64(b[abi.StatInoOff:]), rd64(b[abi.StatRdevOff:]),
		rd32(b[abi.StatModeOff:]), rd32(b[abi.StatUIDOff:]), rd32(b[abi.StatGIDOff:])}
}

func (e *env) fstat(fd uint64) statOf {
	e.t.Helper()
	e.ok(abi.SYS_FSTAT, fd, ptyStat)
	return e.decodeStat()
}

func (e *env) pending(sig int) bool {
	e.k.mu.Lock()
	defer e.k.mu.Unlock()
	return (e.p.shared.mask|e.tk.pending.mask)&sigBit(sig) != 0
}

func (e *env) dropSignals() {
	e.k.mu.Lock()
	e.p.shared.drop(^uint64(0))
	e.tk.pending.drop(^uint64(0))
	e.tk.recalc()
	e.k.mu.Unlock()
}

// blockSignals blocks what the terminal may raise, so that pending
// signals do not act on the test's process.
func (e *env) blockSignals(sigs ...int) {
	var set uint64
	for _, s := range sigs {
		set |= sigBit(s)
	}
	var b [8]byte
	le64(b[:], set)
	e.m.Mem.CopyOut(ptyArg, b[:])
	e.ok(abi.SYS_RT_SIGPROCMASK, abi.SIG_SETMASK, ptyArg, 0, 8)
}

var terminalSignals = []int{abi.SIGINT, abi.SIGQUIT, abi.SIGTSTP, abi.SIGHUP, abi.SIGCONT, abi.SIGWINCH,
	abi.SIGTTIN, abi.SIGTTOU}

func (e *env) file(fd uint64) *ptyFile {
	d, err := e.p.fds.get(int32(fd))
	if err != 0 {
		e.t.Fatalf("fd %d: %v", fd, err)
	}
	defer d.decRef()
	return d.File.(*ptyFile)
}

func TestPtyNamesAndAttributes(t *testing.T) {
	e := newEnv(t, Config{})
	m := uint64(e.ok(abi.SYS_OPENAT, ptyAtCwd, e.str(ptyPath, "/dev/ptmx"), abi.O_RDWR|abi.O_NOCTTY, 0))
	n, _ := e.getInt(m, abi.TIOCGPTN)
	if lock, _ := e.getInt(m, abi.TIOCGPTLCK); lock != 1 {
		t.Errorf("a new slave is not locked: %d", lock)
	}
	if got := e.errno(abi.SYS_OPENAT, ptyAtCwd, e.str(ptyPath, ptsName(n)), abi.O_RDWR, 0); got != abi.EIO {
		t.Errorf("opening a locked slave = %v, want EIO", got)
	}
	e.setInt(m, abi.TIOCSPTLCK, 0)
	s := uint64(e.ok(abi.SYS_OPENAT, ptyAtCwd, e.str(ptyPath, ptsName(n)), abi.O_RDWR|abi.O_NOCTTY, 0))

	e.ok(abi.SYS_STAT, e.str(ptyPath, ptsName(n)), ptyStat)
	st := e.decodeStat()
	want := statOf{ino: uint64(n) + 3, rdev: devfs.Mkdev(136, uint64(n)), mode: abi.S_IFCHR | 0o620,
		uid: e.p.euid(), gid: 5, dev: st.dev}
	if st != want {
		t.Errorf("stat %s = %+v, want %+v", ptsName(n), st, want)
	}
	if fs := e.fstat(s); fs != st {
		t.Errorf("fstat of the slave %+v differs from stat %+v", fs, st)
	}
	if ms := e.fstat(m); ms.rdev != devfs.Mkdev(5, 2) || ms.mode != abi.S_IFCHR|0o666 {
		t.Errorf("fstat of the master: %+v", ms)
	}
	for fd, name := range map[uint64]string{s: ptsName(n), m: "/dev/ptmx"} {
		l := e.ok(abi.SYS_READLINK, e.str(ptyPath, "/proc/self/fd/"+itoa(int64(fd))), ptyIO, 256)
		if got := string(e.mem(ptyIO, int(l))); got != name {
			t.Errorf("readlink fd %d = %q, want %q", fd, got, name)
		}
	}
	dir := uint64(e.ok(abi.SYS_OPENAT, ptyAtCwd, e.str(ptyPath, "/dev/pts"), abi.O_RDONLY|abi.O_DIRECTORY, 0))
	l := e.ok(abi.SYS_GETDENTS64, dir, ptyIO, 4096)
	names := map[string]bool{}
	for b := e.mem(ptyIO, int(l)); len(b) > 0; {
		reclen := int(le16get(b[16:]))
		names[strings.TrimRight(string(b[19:reclen]), "\x00")] = true
		b = b[reclen:]
	}
	if !names["ptmx"] || !names[itoa(int64(n))] {
		t.Errorf("/dev/pts lists %v", names)
	}

	// The slave's attributes are the pair's, by path and descriptor.
	e.ok(abi.SYS_CHMOD, e.str(ptyPath, ptsName(n)), 0o600)
	if fs := e.fstat(s); fs.mode != abi.S_IFCHR|0o600 {
		t.Errorf("after chmod, fstat mode %o", fs.mode)
	}

	if _, got := e.getInt(s, abi.TIOCGPTN); got != abi.ENOTTY {
		t.Errorf("TIOCGPTN on a slave = %v, want ENOTTY", got)
	}
	if got := e.errno(abi.SYS_IOCTL, s, abi.TIOCGPTPEER, abi.O_RDWR); got != abi.EIO {
		t.Errorf("TIOCGPTPEER on a slave = %v, want EIO", got)
	}
	peer := uint64(e.ok(abi.SYS_IOCTL, m, abi.TIOCGPTPEER, abi.O_RDWR|abi.O_NOCTTY))
	if ps := e.fstat(peer); ps != e.fstat(s) {
		t.Errorf("TIOCGPTPEER's descriptor %+v is not the slave", ps)
	}

	// The master's close hangs the slave up and takes its name away.
	e.ok(abi.SYS_CLOSE, m)
	if got := e.errno(abi.SYS_STAT, e.str(ptyPath, ptsName(n)), ptyStat); got != abi.ENOENT {
		t.Errorf("stat after the master closed = %v, want ENOENT", got)
	}
	if got, err := e.get(s); got != "" || err != 0 {
		t.Errorf("hung-up read = %q, %v; want end-of-file", got, err)
	}
	if got := e.put(s, "x"); got != -int64(abi.EIO) {
		t.Errorf("hung-up write = %d, want EIO", got)
	}
	if _, got := e.getInt(s, abi.TCGETS); got != abi.EIO {
		t.Errorf("hung-up TCGETS = %v, want EIO", got)
	}
	if got := e.setInt(s, abi.TIOCSPGRP, e.p.pgid); got != abi.ENOTTY {
		t.Errorf("hung-up TIOCSPGRP = %v, want ENOTTY", got)
	}
}

func TestPtyIO(t *testing.T) {
	e := newEnv(t, Config{})
	m, s, _ := e.openPty(abi.O_NOCTTY | abi.O_NONBLOCK)
	e.put(m, "hi\r")
	if got, _ := e.get(s); got != "hi\n" {
		t.Errorf("slave read %q", got)
	}
	if got, _ := e.get(m); got != "hi\r\n" {
		t.Errorf("master read the echo %q", got)
	}
	e.put(s, "a\nb")
	if n, _ := e.getInt(m, abi.FIONREAD); n != 4 {
		t.Errorf("master FIONREAD %d", n)
	}
	if got, _ := e.get(m); got != "a\r\nb" {
		t.Errorf("master read %q", got)
	}
	if _, err := e.get(s); err != abi.EAGAIN {
		t.Errorf("empty non-blocking read = %v, want EAGAIN", err)
	}
	if n, _ := e.getInt(s, abi.TIOCOUTQ); n != 0 {
		t.Errorf("TIOCOUTQ %d", n)
	}

	// poll: the slave is writable, readable once a line is complete.
	poll := func(fd uint64) uint16 {
		var b [8]byte
		le32(b[:], uint32(fd))
		le16(b[4:], abi.POLLIN|abi.POLLOUT)
		e.m.Mem.CopyOut(ptyArg, b[:])
		e.ok(abi.SYS_POLL, ptyArg, 1, 0)
		return le16get(e.mem(ptyArg+6, 2))
	}
	e.put(m, "part")
	e.get(m)
	if r := poll(s); r != abi.POLLOUT {
		t.Errorf("slave with half a line polls %#x", r)
	}
	e.put(m, "\n")
	e.get(m)
	if r := poll(s); r != abi.POLLIN|abi.POLLOUT {
		t.Errorf("slave with a line polls %#x", r)
	}
	e.ok(abi.SYS_IOCTL, s, abi.TCFLSH, abi.TCIFLUSH)
	if n, _ := e.getInt(s, abi.FIONREAD); n != 0 {
		t.Errorf("FIONREAD after TCIFLUSH %d", n)
	}
	if got := e.errno(abi.SYS_IOCTL, s, abi.TCFLSH, 7); got != abi.EINVAL {
		t.Errorf("TCFLSH 7 = %v", got)
	}

	// TCSETS through the master sets the slave's termios; the pty keeps
	// CS8 and CREAD.
	var tio [abi.TermiosSize]byte
	e.ok(abi.SYS_IOCTL, m, abi.TCGETS, ptyArg)
	copy(tio[:], e.mem(ptyArg, abi.TermiosSize))
	le32(tio[abi.TermiosLflag:], rd32(tio[abi.TermiosLflag:])&^(abi.ICANON|abi.ECHO))
	le32(tio[abi.TermiosCflag:], abi.B38400|abi.PARENB)
	e.m.Mem.CopyOut(ptyArg, tio[:])
	e.ok(abi.SYS_IOCTL, m, abi.TCSETS, ptyArg)
	e.ok(abi.SYS_IOCTL, s, abi.TCGETS, ptyArg)
	got := e.mem(ptyArg, abi.TermiosSize)
	if lf, cf := rd32(got[abi.TermiosLflag:]), rd32(got[abi.TermiosCflag:]); lf&(abi.ICANON|abi.ECHO) != 0 ||
		cf != abi.B38400|abi.CS8|abi.CREAD {
		t.Errorf("slave termios after TCSETS on the master: lflag %#x cflag %#x", lf, cf)
	}

	// With the slave raw, the master's writes stop at the bounded queues:
	// the flip buffer and the slave's read buffer.
	e.ok(abi.SYS_FCNTL, m, abi.F_SETFL, abi.O_NONBLOCK)
	total := 0
	for {
		n := e.put(m, strings.Repeat("z", 4096))
		if n < 0 {
			if abi.Errno(-n) != abi.EAGAIN {
				t.Fatalf("master write: %v", abi.Errno(-n))
			}
			break
		}
		total += int(n)
	}
	e.ok(abi.SYS_FCNTL, m, abi.F_SETFL, 0)
	if total != ttyFlipLimit+ttyBufSize-1 {
		t.Errorf("the master wrote %d before EAGAIN", total)
	}

	// Every slave closed: the master drains what was written, then reads
	// EIO and polls POLLHUP; writes still go in.
	e.ok(abi.SYS_IOCTL, s, abi.TCFLSH, abi.TCIFLUSH)
	e.put(s, "bye")
	e.ok(abi.SYS_CLOSE, s)
	if r := poll(m); r&abi.POLLHUP == 0 {
		t.Errorf("master polls %#x without slaves", r)
	}
	if got, err := e.get(m); got != "bye" || err != 0 {
		t.Errorf("master drains %q, %v", got, err)
	}
	if _, err := e.get(m); err != abi.EIO {
		t.Errorf("drained master without slaves reads %v, want EIO", err)
	}
	if n := e.put(m, "x"); n != 1 {
		t.Errorf("master write without slaves = %d", n)
	}
}

func TestPtyControllingTerminal(t *testing.T) {
	e := newEnv(t, Config{})
	e.blockSignals(terminalSignals...)
	e.ok(abi.SYS_SETSID)
	pid, pgid := e.p.pid, e.p.pgid
	m, s, n := e.openPty(0) // a session leader's open without O_NOCTTY takes it
	p := e.file(s).p
	if pg, err := e.getInt(s, abi.TIOCGPGRP); err != 0 || pg != pgid {
		t.Fatalf("TIOCGPGRP = %d, %v; want %d", pg, err, pgid)
	}
	if sid, _ := e.getInt(s, abi.TIOCGSID); sid != pid {
		t.Errorf("TIOCGSID = %d, want %d", sid, pid)
	}
	if pg, _ := e.getInt(m, abi.TIOCGPGRP); pg != pgid {
		t.Errorf("the master's TIOCGPGRP = %d", pg)
	}
	proc, _ := procSource{e.k}.Proc(pid)
	if proc.TTY != devfs.Mkdev(136, uint64(n)) || proc.TPGID != pgid {
		t.Errorf("/proc/PID/stat tty_nr %#x tpgid %d", proc.TTY, proc.TPGID)
	}
	if got := e.errno(abi.SYS_IOCTL, s, abi.TIOCSCTTY, 0); got != 0 {
		t.Errorf("TIOCSCTTY on the own terminal = %v", got)
	}
	if got := e.errno(abi.SYS_IOCTL, m, abi.TIOCNOTTY, 0); got != abi.ENOTTY {
		t.Errorf("TIOCNOTTY on the master = %v", got)
	}

	// /dev/tty is the slave, with /dev/tty's own inode.
	tty := uint64(e.ok(abi.SYS_OPENAT, ptyAtCwd, e.str(ptyPath, "/dev/tty"), abi.O_RDWR, 0))
	if st := e.fstat(tty); st.rdev != devfs.Mkdev(5, 0) {
		t.Errorf("fstat(/dev/tty) rdev %#x", st.rdev)
	}
	e.put(tty, "via tty")
	if got, _ := e.get(m); got != "via tty" {
		t.Errorf("master read %q", got)
	}

	// TIOCSTI types into the own terminal; elsewhere only root may.
	euid := e.p.euid()
	e.p.mu.Lock()
	e.p.creds.EUID = 1000
	e.p.mu.Unlock()
	e.m.Mem.CopyOut(ptyArg, []byte("q"))
	if got := e.errno(abi.SYS_IOCTL, s, abi.TIOCSTI, ptyArg); got != 0 {
		t.Errorf("TIOCSTI = %v", got)
	}
	if got, _ := e.get(m); got != "q" {
		t.Errorf("TIOCSTI echo %q", got)
	}
	if got := e.errno(abi.SYS_IOCTL, m, abi.TIOCSTI, ptyArg); got != abi.EPERM {
		t.Errorf("TIOCSTI into the master = %v, want EPERM", got)
	}
	e.p.mu.Lock()
	e.p.creds.EUID = euid
	e.p.mu.Unlock()
	e.ok(abi.SYS_IOCTL, s, abi.TCFLSH, abi.TCIFLUSH)

	// Keys and the master's ioctls signal the foreground group.
	e.put(m, "\x03")
	e.get(m)
	if !e.pending(abi.SIGINT) {
		t.Error("^C raised no SIGINT")
	}
	e.setInt(m, abi.TIOCSWINSZ, 0)
	var ws [8]byte
	le16(ws[0:], 24)
	le16(ws[2:], 80)
	e.m.Mem.CopyOut(ptyArg, ws[:])
	e.ok(abi.SYS_IOCTL, m, abi.TIOCSWINSZ, ptyArg)
	if !e.pending(abi.SIGWINCH) {
		t.Error("a new size raised no SIGWINCH")
	}
	e.dropSignals()
	e.ok(abi.SYS_IOCTL, m, abi.TIOCSWINSZ, ptyArg)
	if e.pending(abi.SIGWINCH) {
		t.Error("the same size raised SIGWINCH")
	}
	e.ok(abi.SYS_IOCTL, s, abi.TIOCGWINSZ, ptyIO)
	if got := e.mem(ptyIO, 4); le16get(got) != 24 || le16get(got[2:]) != 80 {
		t.Errorf("TIOCGWINSZ %v", got)
	}
	e.ok(abi.SYS_IOCTL, m, abi.TIOCSIG, abi.SIGQUIT)
	if !e.pending(abi.SIGQUIT) {
		t.Error("TIOCSIG raised no SIGQUIT")
	}
	if got := e.errno(abi.SYS_IOCTL, m, abi.TIOCSIG, abi.SIGKILL); got != abi.EINVAL {
		t.Errorf("TIOCSIG SIGKILL = %v", got)
	}
	e.dropSignals()

	// In the background: reads get SIGTTIN (EIO when it is blocked),
	// writes under TOSTOP SIGTTOU, mode changes SIGTTOU.
	e.k.mu.Lock()
	p.term.pgrp = pgid + 1000
	e.k.mu.Unlock()
	if _, err := e.get(s); err != abi.EIO {
		t.Errorf("background read with SIGTTIN blocked = %v, want EIO", err)
	}
	e.blockSignals(abi.SIGINT, abi.SIGQUIT, abi.SIGTSTP, abi.SIGHUP, abi.SIGCONT, abi.SIGWINCH)
	// A session leader's group is orphaned: nobody would continue it.
	if got := e.tk.jobControl(&p.term, abi.SIGTTIN); got != abi.EIO {
		t.Errorf("background read in an orphaned group = %v, want EIO", got)
	}
	// A parent in another group of the session, as a shell is, can.
	e.k.mu.Lock()
	e.p.parent = &Process{pid: pid + 1, pgid: pgid + 1, sid: pid}
	e.k.mu.Unlock()
	if got := e.tk.jobControl(&p.term, abi.SIGTTIN); got != errRestartSys || !e.pending(abi.SIGTTIN) {
		t.Errorf("background read = %v, SIGTTIN pending %v", got, e.pending(abi.SIGTTIN))
	}
	if got := e.tk.jobControl(&p.term, abi.SIGTTOU); got != errRestartSys || !e.pending(abi.SIGTTOU) {
		t.Errorf("background TCSETS = %v, SIGTTOU pending %v", got, e.pending(abi.SIGTTOU))
	}
	e.k.mu.Lock()
	e.p.parent = nil
	e.k.mu.Unlock()
	e.dropSignals()
	if got := e.tk.jobControl(e.file(m).own(), abi.SIGTTOU); got != 0 {
		t.Errorf("the master is nobody's terminal, yet %v", got)
	}
	e.blockSignals(terminalSignals...)
	if got := e.setInt(s, abi.TIOCSPGRP, pgid); got != 0 {
		t.Errorf("TIOCSPGRP back to the own group = %v", got)
	}
	if got := e.setInt(s, abi.TIOCSPGRP, 0x7fffffff); got != abi.ESRCH {
		t.Errorf("TIOCSPGRP to no group = %v", got)
	}

	// A leader's TIOCNOTTY hangs up the foreground group and frees the
	// terminal, which TIOCSCTTY takes again.
	e.ok(abi.SYS_IOCTL, s, abi.TIOCNOTTY, 0)
	if !e.pending(abi.SIGHUP) || !e.pending(abi.SIGCONT) {
		t.Error("TIOCNOTTY by the leader sent no SIGHUP and SIGCONT")
	}
	e.dropSignals()
	if _, err := e.getInt(s, abi.TIOCGPGRP); err != abi.ENOTTY {
		t.Errorf("TIOCGPGRP after TIOCNOTTY = %v", err)
	}
	if got := e.errno(abi.SYS_OPENAT, ptyAtCwd, e.str(ptyPath, "/dev/tty"), abi.O_RDWR, 0); got != abi.ENXIO {
		t.Errorf("/dev/tty without a controlling terminal = %v", got)
	}
	if proc, _ := (procSource{e.k}).Proc(pid); proc.TTY != 0 || proc.TPGID != -1 {
		t.Errorf("/proc/PID/stat without a terminal: %#x %d", proc.TTY, proc.TPGID)
	}
	e.ok(abi.SYS_IOCTL, s, abi.TIOCSCTTY, 0)

	// The master's close: the leader gets SIGHUP, the session loses it.
	e.ok(abi.SYS_CLOSE, m)
	if !e.pending(abi.SIGHUP) {
		t.Error("the master's close sent the leader no SIGHUP")
	}
	e.dropSignals()
	e.k.mu.Lock()
	ctty := e.k.cttyLocked(e.p)
	e.k.mu.Unlock()
	if ctty != nil {
		t.Error("the session kept a hung-up terminal")
	}
}

func TestPtyAcquireAndSteal(t *testing.T) {
	e := newEnv(t, Config{})
	e.blockSignals(terminalSignals...)
	_, s, _ := e.openPty(abi.O_NOCTTY)
	// Not a session leader: no terminal on open, none by TIOCSCTTY.
	if e.p.sid != e.p.pid {
		if got := e.errno(abi.SYS_IOCTL, s, abi.TIOCSCTTY, 0); got != abi.EPERM {
			t.Errorf("TIOCSCTTY by a non-leader = %v", got)
		}
	}
	e.ok(abi.SYS_SETSID)
	p := e.file(s).p
	e.k.mu.Lock()
	p.term.sid = 99999 // another session has it
	e.k.mu.Unlock()
	e.p.mu.Lock()
	e.p.creds.EUID = 1000
	e.p.mu.Unlock()
	if got := e.errno(abi.SYS_IOCTL, s, abi.TIOCSCTTY, 1); got != abi.EPERM {
		t.Errorf("stealing without privilege = %v", got)
	}
	e.p.mu.Lock()
	e.p.creds.EUID = 0
	e.p.mu.Unlock()
	if got := e.errno(abi.SYS_IOCTL, s, abi.TIOCSCTTY, 0); got != abi.EPERM {
		t.Errorf("TIOCSCTTY 0 of another session's terminal = %v", got)
	}
	if got := e.errno(abi.SYS_IOCTL, s, abi.TIOCSCTTY, 1); got != 0 {
		t.Errorf("root stealing = %v", got)
	}
	// The leader's exit hangs up its foreground group.
	e.k.mu.Lock()
	e.k.SessionLeaderExitLocked(e.p)
	sid := p.term.sid
	e.k.mu.Unlock()
	if !e.pending(abi.SIGHUP) || sid != 0 {
		t.Errorf("leader exit: SIGHUP %v, terminal still names session %d", e.pending(abi.SIGHUP), sid)
	}
	e.dropSignals()
}

func TestPtyBlockingReads(t *testing.T) {
	e := newEnv(t, Config{})
	m, s, _ := e.openPty(abi.O_NOCTTY)
	go func() {
		time.Sleep(30 * time.Millisecond)
		e.k.mu.Lock()
		e.k.mu.Unlock()
		f := e.file(m)
		f.Write([]byte("li"))
		time.Sleep(20 * time.Millisecond)
		f.Write([]byte("ne\r"))
	}()
	if got, _ := e.get(s); got != "line\n" {
		t.Errorf("blocking canonical read %q", got)
	}

	// A signal with a handler interrupts the wait.
	act := make([]byte, 32)
	le64(act, 0x401000)
	le64(act[8:], abi.SA_RESTORER)
	e.m.Mem.CopyOut(ptyArg, act)
	e.ok(abi.SYS_RT_SIGACTION, abi.SIGUSR1, ptyArg, 0, 8)
	go func() {
		time.Sleep(30 * time.Millisecond)
		e.k.mu.Lock()
		e.k.sendLocked(e.p, e.tk, &Siginfo{Signo: abi.SIGUSR1, Code: abi.SI_USER})
		e.k.mu.Unlock()
	}()
	if _, err := e.file(s).ReadTask(e.tk, make([]byte, 10), false); err != errRestartSys {
		t.Errorf("interrupted read = %v", err)
	}
	e.dropSignals()

	// Non-canonical: VMIN 0 and VTIME 1 return nothing after 0.1 s; VMIN 2
	// waits for two bytes.
	f := e.file(s)
	f.p.mu.Lock()
	tio := f.p.side[slaveSide].ld.tio
	tio.lflag &^= abi.ICANON | abi.ECHO
	tio.cc[abi.TermiosVMIN], tio.cc[abi.TermiosVTIME] = 0, 1
	f.p.side[slaveSide].ld.setTermios(tio)
	f.p.mu.Unlock()
	start := time.Now()
	if got, err := e.get(s); got != "" || err != 0 || time.Since(start) < 90*time.Millisecond {
		t.Errorf("VTIME read %q, %v after %v", got, err, time.Since(start))
	}
	f.p.mu.Lock()
	tio.cc[abi.TermiosVMIN], tio.cc[abi.TermiosVTIME] = 2, 0
	f.p.side[slaveSide].ld.setTermios(tio)
	f.p.mu.Unlock()
	go func() {
		mf := e.file(m)
		mf.Write([]byte("a"))
		time.Sleep(30 * time.Millisecond)
		mf.Write([]byte("b"))
	}()
	if got, _ := e.get(s); got != "ab" {
		t.Errorf("VMIN 2 read %q", got)
	}
}

func TestPtyIndexExhausted(t *testing.T) {
	e := newEnv(t, Config{})
	tb := &e.k.tty.ptys
	tb.mu.Lock()
	tb.used, tb.named = map[int]*pty{}, map[int]*pty{}
	for i := 0; i < ptyMax; i++ {
		tb.used[i] = &pty{}
	}
	tb.mu.Unlock()
	if got := e.errno(abi.SYS_OPENAT, ptyAtCwd, e.str(ptyPath, "/dev/ptmx"), abi.O_RDWR, 0); got != abi.ENOSPC {
		t.Errorf("/dev/ptmx with every index used = %v, want ENOSPC", got)
	}
}

func TestPtyPacketMode(t *testing.T) {
	// The same sequence on Linux reads these bytes from the master.
	e := newEnv(t, Config{})
	m, s, _ := e.openPty(abi.O_NOCTTY)
	e.ok(abi.SYS_FCNTL, m, abi.F_SETFL, abi.O_NONBLOCK)
	e.setInt(m, abi.TIOCPKT, 1)
	if v, _ := e.getInt(m, abi.TIOCGPKT); v != 1 {
		t.Errorf("TIOCGPKT %d", v)
	}
	if _, err := e.get(m); err != abi.EAGAIN {
		t.Errorf("empty packet-mode master: %v", err)
	}
	setIXON := func(on bool) {
		e.ok(abi.SYS_IOCTL, s, abi.TCGETS, ptyArg)
		tio := e.mem(ptyArg, abi.TermiosSize)
		iflag := rd32(tio[abi.TermiosIflag:]) &^ abi.IXON
		if on {
			iflag |= abi.IXON
		}
		le32(tio[abi.TermiosIflag:], iflag)
		e.m.Mem.CopyOut(ptyArg, tio)
		e.ok(abi.SYS_IOCTL, s, abi.TCSETS, ptyArg)
	}
	for _, c := range []struct {
		name string
		do   func()
		want string
	}{
		{"data", func() { e.put(s, "hi") }, "\x00hi"},
		{"TCIFLUSH", func() { e.ok(abi.SYS_IOCTL, s, abi.TCFLSH, abi.TCIFLUSH) }, "\x01"},
		{"TCOFLUSH", func() { e.ok(abi.SYS_IOCTL, s, abi.TCFLSH, abi.TCOFLUSH) }, "\x02"},
		{"^S", func() { e.put(m, "\x13") }, "\x04"},
		{"^Q", func() { e.put(m, "\x11") }, "\x08"},
		{"-ixon", func() { setIXON(false) }, "\x10"},
		{"ixon", func() { setIXON(true) }, "\x20"},
		{"^C", func() { e.put(m, "\x03") }, "\x03"},
		{"echo", func() {}, "\x00^C"},
		{"TCOOFF", func() { e.ok(abi.SYS_IOCTL, s, abi.TCXONC, abi.TCOOFF) }, "\x04"},
		{"TCOON", func() { e.ok(abi.SYS_IOCTL, s, abi.TCXONC, abi.TCOON) }, "\x08"},
		{"status first", func() { e.put(s, "x"); e.put(m, "\x13") }, "\x04"},
		{"then data", func() {}, "\x00x"},
	} {
		c.do()
		if got, err := e.get(m); got != c.want || err != 0 {
			t.Errorf("%s: master read %q, %v; want %q", c.name, got, err, c.want)
		}
	}
}

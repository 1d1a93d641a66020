package kernel

import (
	"encoding/binary"
	"path"
	"runtime"
	"sort"
	"time"

	"github.com/blink-go/blink/core/abi"
	"github.com/blink-go/blink/core/mem"
	"github.com/blink-go/blink/fs/vfs"
	"github.com/blink-go/blink/procfs"
)

// The kernel's side of /proc: procSource implements procfs.Source by
// reading processes under the locks their owners use (Kernel.mu, then
// Process.mu), so procfs never imports the kernel. What Linux keeps in
// mm_struct and task_struct for /proc alone (arg and env areas, comm,
// start time, oom_score_adj) is procInfo, a field of Process.

// procInfo is a process's /proc bookkeeping, guarded by Process.mu.
type procInfo struct {
	start                              time.Duration // after boot
	comm                               string
	argStart, argEnd, envStart, envEnd uint64
	startStack                         uint64
	oomAdj                             int
}

// born records a new process's start (NewProcess, fork).
func (p *Process) born(parent *Process) {
	if parent != nil {
		parent.mu.Lock()
		p.info = parent.info
		parent.mu.Unlock()
	}
	p.info.start = p.k.uptime()
}

// noteExec records what execve leaves for /proc: comm (the file name's
// base, 15 bytes as TASK_COMM_LEN allows) and the argument and
// environment areas, found from the initial stack at sp (argc, argv[],
// NULL, envp[], NULL). Called before the process runs the new image.
func (p *Process) noteExec(space *mem.Space, file string, sp uint64) {
	comm := path.Base(file)
	if len(comm) > 15 {
		comm = comm[:15]
	}
	var info procInfo
	info.comm = comm
	info.startStack = sp
	word := func(a uint64) uint64 {
		var b [8]byte
		if space.CopyIn(a, b[:]) != 0 {
			return 0
		}
		return binary.LittleEndian.Uint64(b[:])
	}
	// strEnd finds the end of the string at a. It reads at most to the
	// end of a page at a time: CopyIn is all or nothing, and the last
	// strings sit right under the top of the stack mapping.
	strEnd := func(a uint64) uint64 {
		var b [256]byte
		for p, n := a, 0; n < 1<<20; {
			chunk := b[:min(uint64(len(b)), 4096-p&4095)]
			if space.CopyIn(p, chunk) != 0 {
				return a
			}
			for i, c := range chunk {
				if c == 0 {
					return p + uint64(i) + 1
				}
			}
			p += uint64(len(chunk))
			n += len(chunk)
		}
		return a
	}
	argc := word(sp)
	vec := func(at uint64, n uint64) (start, end uint64) {
		var last uint64
		for i := uint64(0); i < n || n == ^uint64(0); i++ {
			a := word(at + 8*i)
			if a == 0 {
				break
			}
			if i == 0 {
				start = a
			}
			last = a
		}
		if start == 0 {
			return 0, 0
		}
		return start, strEnd(last)
	}
	if argc < 1<<20 {
		info.argStart, info.argEnd = vec(sp+8, argc)
		info.envStart, info.envEnd = vec(sp+8+8*(argc+1), ^uint64(0))
	}
	p.mu.Lock()
	info.start, info.oomAdj = p.info.start, p.info.oomAdj
	p.info = info
	p.mu.Unlock()
}

// ProcSource returns the kernel as procfs sees it.
func (k *Kernel) ProcSource() procfs.Source { return procSource{k} }

type procSource struct{ k *Kernel }

func (s procSource) Caller(c any) (int, int) {
	if p, ok := c.(*Process); ok && p != nil {
		return p.pid, p.pid
	}
	return 0, 0
}

func (s procSource) PIDs() []int {
	k := s.k
	k.mu.Lock()
	out := make([]int, 0, len(k.procs))
	for pid := range k.procs {
		out = append(out, pid)
	}
	k.mu.Unlock()
	sort.Ints(out)
	return out
}

// lookup returns the live process pid with k.mu held; the caller
// unlocks.
func (s procSource) lookup(pid int) *Process {
	s.k.mu.Lock()
	p := s.k.procs[pid]
	if p == nil {
		s.k.mu.Unlock()
	}
	return p
}

func (s procSource) Proc(pid int) (procfs.Proc, bool) {
	k := s.k
	p := s.lookup(pid)
	if p == nil {
		return procfs.Proc{}, false
	}
	defer k.mu.Unlock()
	out := procfs.Proc{PID: p.pid, PPID: p.ppid, PGID: p.pgid, SID: p.sid, State: 'S',
		ExitSignal: p.exitSignal}
	out.TTY, out.TPGID = k.CttyOfLocked(p) // tty.go
	if p.parent != nil {
		out.PPID = p.parent.pid
	}
	switch {
	case p.zombie:
		out.State = 'Z'
	case p.stopped:
		out.State = 'T'
	}
	out.ShdPnd = p.shared.mask
	out.SigQ = len(p.shared.infos)
	for sig := 1; sig <= abi.NSIG; sig++ {
		switch h := p.actions[sig].Handler; h {
		case abi.SIG_DFL:
		case abi.SIG_IGN:
			out.SigIgn |= sigBit(sig)
		default:
			out.SigCgt |= sigBit(sig)
		}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	own := p.usage.exited
	for _, t := range p.tasks {
		out.TIDs = append(out.TIDs, t.tid)
		c := t.cpu.read()
		own.add(c)
		state := byte('S')
		if cpuState(t.cpu.state.Load()) != offCPU && !t.exited.Load() {
			state = 'R'
			if out.State == 'S' {
				out.State = 'R'
			}
		}
		out.Threads = append(out.Threads, procfs.Thread{TID: t.tid, Comm: t.commLocked(), CPUs: t.sched.cpus,
			State: state, UTime: time.Duration(c.user), STime: time.Duration(c.sys), NoNewPrivs: t.prctl.noNewPrivs})
		if t.tid == p.pid {
			out.NoNewPrivs = t.prctl.noNewPrivs
			out.SigBlk = t.sigmask
			out.SigPnd = t.pending.mask
			out.CPUs = t.sched.cpus
		}
	}
	if len(out.TIDs) == 0 && p.pid != 1 {
		out.TIDs = []int{p.pid}
	}
	out.UTime, out.STime = time.Duration(own.user), time.Duration(own.sys)
	out.CUTime, out.CSTime = time.Duration(p.usage.children.user), time.Duration(p.usage.children.sys)
	caps := p.capsLocked() // sys_caps.go
	out.CapInh, out.CapPrm, out.CapEff = caps.inh, caps.prm, caps.eff
	out.CapBnd = allCaps &^ p.prctl.capDropped
	c := &p.creds
	out.UID = [4]uint32{c.RUID, c.EUID, c.SUID, c.EUID}
	out.GID = [4]uint32{c.RGID, c.EGID, c.SGID, c.EGID}
	out.Groups = append([]uint32(nil), c.Groups...)
	out.Umask = p.umask
	out.Rlimits = p.rlimits
	out.Exe = p.exe
	out.Nice = int(p.nice)
	out.Comm = p.info.comm
	if out.Comm == "" {
		out.Comm = path.Base(p.exe)
		if p.pid == 1 && p.exe == "" {
			out.Comm = "init"
		}
	}
	out.Start = p.info.start
	out.OOMScoreAdj = p.info.oomAdj
	out.ArgStart, out.ArgEnd = p.info.argStart, p.info.argEnd
	out.EnvStart, out.EnvEnd = p.info.envStart, p.info.envEnd
	out.StartStack = p.info.startStack
	p.fds.mu.Lock()
	out.FDSize = max(64, (len(p.fds.fds)+63)/64*64)
	p.fds.mu.Unlock()
	if s := p.Space; s != nil && !p.dying && !p.zombie {
		out.Brk = s.Brk(0)
	}
	return out, true
}

// withSpace runs f on pid's address space while it cannot be released
// (Kernel.mu keeps it from dying, Process.mu from exec swapping it).
func (s procSource) withSpace(pid int, f func(p *Process, sp *mem.Space)) bool {
	p := s.lookup(pid)
	if p == nil {
		return false
	}
	defer s.k.mu.Unlock()
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.Space != nil && !p.dying && !p.zombie {
		f(p, p.Space)
	}
	return true
}

// area reads [start, end) of guest memory, as access_remote_vm does.
func area(sp *mem.Space, start, end uint64) []byte {
	if start == 0 || end <= start || end-start > 1<<22 {
		return nil
	}
	b := make([]byte, end-start)
	if sp.CopyIn(start, b) != 0 {
		return nil
	}
	return b
}

func (s procSource) Cmdline(pid int) ([]byte, bool) {
	var out []byte
	ok := s.withSpace(pid, func(p *Process, sp *mem.Space) { out = area(sp, p.info.argStart, p.info.argEnd) })
	return out, ok
}

func (s procSource) Environ(pid int) ([]byte, bool) {
	var out []byte
	ok := s.withSpace(pid, func(p *Process, sp *mem.Space) { out = area(sp, p.info.envStart, p.info.envEnd) })
	return out, ok
}

func (s procSource) Maps(pid int) ([]mem.Mapping, bool) {
	var out []mem.Mapping
	ok := s.withSpace(pid, func(_ *Process, sp *mem.Space) { out = sp.Mappings() })
	return out, ok
}

func (s procSource) FDs(pid int) ([]procfs.FD, bool) {
	p := s.lookup(pid)
	if p == nil {
		return nil, false
	}
	s.k.mu.Unlock()
	p.fds.mu.Lock()
	type ent struct {
		n int
		e fdEntry
	}
	var ents []ent
	for i, e := range p.fds.fds {
		if e.d != nil {
			e.d.incRef()
			ents = append(ents, ent{i, e})
		}
	}
	p.fds.mu.Unlock()
	out := make([]procfs.FD, 0, len(ents))
	for _, x := range ents {
		d := x.e.d
		fd := procfs.FD{Num: x.n, Flags: d.flags, Target: d.File.Path()}
		if x.e.cloexec {
			fd.Flags |= abi.O_CLOEXEC
		}
		if st, e := d.File.Stat(); e == 0 {
			fd.Ino = st.Ino
		}
		if v, ok := d.File.(*vfsFile); ok {
			fd.Loc = v.Location()
			fd.MntID = fd.Loc.Mount.ID()
			// A directory's position is behind File.mu, which a getdents
			// of this very directory may hold: skip it.
			if v.IsDir() {
			} else if pos, e := d.File.Lseek(0, abi.SEEK_CUR); e == 0 {
				fd.Pos = pos
			}
		} else {
			fd.Node = &reopenNode{d: d}
		}
		d.decRef()
		out = append(out, fd)
	}
	return out, true
}

func (s procSource) dirOf(pid int, get func(p *Process) File) (vfs.Location, bool) {
	p := s.lookup(pid)
	if p == nil {
		return vfs.Location{}, false
	}
	s.k.mu.Unlock()
	p.mu.Lock()
	f := get(p)
	p.mu.Unlock()
	if v, ok := f.(*vfsFile); ok {
		return v.Location(), true
	}
	if fs, ok := s.k.fs.(*VFS); ok {
		return fs.V.RootLocation(), true
	}
	return vfs.Location{}, false
}

func (s procSource) Cwd(pid int) (vfs.Location, bool) {
	return s.dirOf(pid, func(p *Process) File { return p.cwd })
}

func (s procSource) Root(pid int) (vfs.Location, bool) {
	return s.dirOf(pid, func(p *Process) File { return p.root })
}

func (s procSource) SetComm(pid int, comm string) abi.Errno {
	p := s.lookup(pid)
	if p == nil {
		return abi.ESRCH
	}
	s.k.mu.Unlock()
	p.mu.Lock()
	p.info.comm = comm
	p.mu.Unlock()
	return 0
}

func (s procSource) SetOOMScoreAdj(pid int, v int) abi.Errno {
	p := s.lookup(pid)
	if p == nil {
		return abi.ESRCH
	}
	s.k.mu.Unlock()
	p.mu.Lock()
	p.info.oomAdj = v
	p.mu.Unlock()
	return 0
}

func (s procSource) System() procfs.System {
	k := s.k
	// Uptime as sysinfo reports it: the host's monotonic clock at boot
	// plus the time since.
	up := k.uptime() + k.monoBase
	k.mu.Lock()
	last := k.nextPID - 1
	n := len(k.procs)
	k.mu.Unlock()
	return procfs.System{
		Boot: time.Now().Add(-up), Uptime: up, Forks: uint64(n), Running: 1,
		Hostname: cString(k.nodename()), Domainname: cString(k.domainname()), Release: Release, Version: "blink-go " + runtime.Version(),
		LastPID: last,
	}
}

func (s procSource) VFS() *vfs.VFS {
	if fs, ok := s.k.fs.(*VFS); ok {
		return fs.V
	}
	return nil
}

// reopenNode stands for a descriptor outside the tree (a pipe, a
// pseudo-terminal, host stdio) when /proc/[pid]/fd/N is followed:
// opening it gives the same object again, as Linux reopens the inode (a
// pipe end gains a reader or writer, a terminal a descriptor); other
// files share the description.
type reopenNode struct {
	vfs.NodeDefaults
	d *Description
}

func (n *reopenNode) Stat() (vfs.Stat, abi.Errno) { return n.d.File.Stat() }

func (n *reopenNode) Open(flags int) (vfs.FileImpl, abi.Errno) {
	if n.d.refs.Load() <= 0 {
		return nil, abi.ENOENT // closed since the lookup
	}
	if f, ok := n.d.File.(*ptyFile); ok {
		g, e := f.reopen(flags) // pty.go
		if e != 0 {
			return nil, e
		}
		return &kernelFileImpl{f: g}, 0
	}
	return &kernelFileImpl{f: reopen(n.d, flags)}, 0
}

// kernelFileImpl carries a kernel File through the VFS's Open; the
// kernel's VFS adapter unwraps it (vfsfs.go), so the guest gets the
// pipe itself, blocking reads included.
type kernelFileImpl struct {
	vfs.FileDefaults
	f File
}

func (k *kernelFileImpl) Read(p []byte) (int, abi.Errno)  { return k.f.Read(p) }
func (k *kernelFileImpl) Write(p []byte) (int, abi.Errno) { return k.f.Write(p) }
func (k *kernelFileImpl) Stat() (vfs.Stat, abi.Errno)     { return k.f.Stat() }
func (k *kernelFileImpl) Close() abi.Errno                { return k.f.Close() }

// reopen opens the object behind d again.
func reopen(d *Description, flags int) File {
	if e, ok := d.File.(*pipeEnd); ok {
		p := e.p
		write := flags&abi.O_ACCMODE != abi.O_RDONLY
		p.mu.Lock()
		if write {
			p.writers++
		} else {
			p.readers++
		}
		p.mu.Unlock()
		return &pipeEnd{p: p, write: write}
	}
	d.incRef()
	return &sharedFile{File: d.File, d: d}
}

// sharedFile is another reference to a description's file (host stdio
// reached through /dev/stdout).
type sharedFile struct {
	File
	d      *Description
	closed bool
}

func (s *sharedFile) Close() abi.Errno {
	if s.closed {
		return 0
	}
	s.closed = true
	return s.d.decRef()
}

// unwrapKernelFile returns the kernel File a VFS open produced through
// reopenNode, if any.
func unwrapKernelFile(f *vfs.File) (File, bool) {
	if k, ok := f.Impl().(*kernelFileImpl); ok {
		if o, ok := k.f.(interface{ openedAt(*vfs.File) }); ok {
			o.openedAt(f) // a pseudo-terminal learns its name and st_dev (pty.go)
		}
		return k.f, true
	}
	return nil, false
}

package kernel

import (
	"errors"
	"path"
	"sync/atomic"

	"github.com/blink-go/blink/core/abi"
	"github.com/blink-go/blink/core/mem"
	"github.com/blink-go/blink/core/vm"
	"github.com/blink-go/blink/core/x86"
)

// fork, vfork, clone (for processes) and execve.
//
// A child process gets an eager copy of the address space (mem.Space.Clone;
// copy-on-write can come later behind the same call), copies of the
// descriptor table, dispositions, mask, alternate stack, credentials,
// limits and cwd, and one task running on its own goroutine.
//
// vfork (CLONE_VFORK) blocks the parent until the child execs or exits.
// CLONE_VM without CLONE_THREAD shares the parent's Space and Engine (the
// child's execve or exit lets go of them; Process.vmShare counts users),
// which glibc's posix_spawn relies on to report an exec failure through
// memory. CLONE_FILES and CLONE_FS without CLONE_THREAD still give the
// child copies. CLONE_THREAD is sys_thread.go.

// defaultMaxProcs bounds the guest processes of one kernel: a fork bomb
// gets EAGAIN instead of exhausting the host.
const defaultMaxProcs = 512

func sysFork(t *Task, a *Args) (uint64, abi.Errno) {
	return t.clone(abi.SIGCHLD, 0, 0, 0, 0)
}

func sysVfork(t *Task, a *Args) (uint64, abi.Errno) {
	return t.clone(abi.CLONE_VM|abi.CLONE_VFORK|abi.SIGCHLD, 0, 0, 0, 0)
}

// sysClone takes x86-64's argument order: flags, stack, parent_tid,
// child_tid, tls.
func sysClone(t *Task, a *Args) (uint64, abi.Errno) {
	return t.clone(a[0], a[1], a[2], a[3], a[4])
}

func (t *Task) clone(flags, stack, ptid, ctid, tls uint64) (uint64, abi.Errno) {
	k, p := t.k, t.proc
	// Linux's flag consistency checks (copy_process).
	if flags&(abi.CLONE_NEWNS|abi.CLONE_FS) == abi.CLONE_NEWNS|abi.CLONE_FS {
		return 0, abi.EINVAL
	}
	if flags&abi.CLONE_THREAD != 0 && flags&abi.CLONE_SIGHAND == 0 {
		return 0, abi.EINVAL
	}
	if flags&abi.CLONE_SIGHAND != 0 && flags&abi.CLONE_VM == 0 {
		return 0, abi.EINVAL
	}
	if flags&(abi.CLONE_NEWNS|abi.CLONE_NEWUTS|abi.CLONE_NEWIPC|abi.CLONE_NEWUSER|
		abi.CLONE_NEWPID|abi.CLONE_NEWNET|abi.CLONE_NEWCGROUP) != 0 {
		return 0, abi.EPERM // namespaces need privileges blink does not grant
	}
	if flags&abi.CLONE_PIDFD != 0 {
		return 0, abi.EINVAL // no pidfds yet
	}
	exitSig := int(flags & abi.CSIGNAL)
	if exitSig > abi.NSIG {
		return 0, abi.EINVAL
	}
	if flags&abi.CLONE_THREAD != 0 {
		return t.cloneThread(flags, stack, ptid, ctid, tls)
	}

	k.mu.Lock()
	live := 0
	for _, q := range k.procs {
		if !q.zombie && q != k.init {
			live++
		}
	}
	limit := k.maxProcs
	if n := p.rlimits[abi.RLIMIT_NPROC][0]; n < uint64(limit) {
		limit = int(n)
	}
	k.mu.Unlock()
	if live >= limit {
		return 0, abi.EAGAIN
	}

	var space *mem.Space
	var engine *vm.Engine
	var share *atomic.Int32
	if flags&abi.CLONE_VM != 0 {
		// The child runs in the parent's memory (vfork, posix_spawn):
		// the Space and its decoded code are shared and counted.
		p.mu.Lock()
		space, engine = p.Space, p.Engine
		if p.vmShare == nil {
			p.vmShare = new(atomic.Int32)
			p.vmShare.Store(1)
		}
		share = p.vmShare
		share.Add(1)
		p.mu.Unlock()
	} else {
		var err error
		if space, err = p.Space.Clone(); err != nil {
			return 0, abi.ENOMEM
		}
		engine = vm.New(space, vm.Options{DecodeCache: k.cfg.DecodeCache})
	}
	dropSpace := func() {
		if share == nil || share.Add(-1) == 0 {
			space.Close()
		}
	}
	cwd, e := k.fs.Open(p.fsCtx(), p.cwd, ".", abi.O_RDONLY|abi.O_DIRECTORY|openPathFlag, 0)
	if e != 0 {
		dropSpace()
		return 0, e
	}
	c := &Process{
		k:          k,
		pid:        k.allocPID(),
		Space:      space,
		Engine:     engine,
		vmShare:    share,
		cwd:        cwd,
		root:       p.root,
		exitSignal: exitSig,
		live:       1,
	}
	p.mu.Lock()
	c.umask = p.umask
	c.rlimits = p.rlimits
	c.creds = p.creds
	c.creds.Groups = append([]uint32(nil), p.creds.Groups...)
	c.exe = p.exe
	c.nice = p.nice
	c.mapped = append([]*Description(nil), p.mapped...)
	p.mu.Unlock()
	for _, d := range c.mapped {
		d.incRef()
	}
	if share == nil {
		k.shmForked(p, c) // sys_shm.go: the copied mappings are attachments too
	}
	c.fds.limit = c.nofile
	p.fds.copyInto(&c.fds)
	c.born(p)

	ct := newTask(k, c, c.pid)
	cm := new(x86.Machine)
	*cm = *t.m
	cm.Mem, cm.Env, cm.Cur, cm.Icount = space, ct, nil, 0
	cm.ClearStop()
	cm.R[x86.RAX] = 0
	if stack != 0 {
		cm.R[x86.RSP] = stack
	}
	if flags&abi.CLONE_SETTLS != 0 {
		cm.FSBase = tls
	}
	ct.m = cm
	ct.sigmask = t.sigmask
	ct.altstack = t.altstack
	if flags&abi.CLONE_VM != 0 && flags&abi.CLONE_VFORK == 0 {
		// A child sharing memory must not share the parent's signal stack.
		ct.altstack = [3]uint64{0, abi.SS_DISABLE, 0}
	}
	if flags&abi.CLONE_CHILD_CLEARTID != 0 {
		ct.clearChildTID = ctid
	}
	if flags&abi.CLONE_CHILD_SETTID != 0 {
		// Written in the child's memory before it runs; a bad address
		// is ignored, as Linux's schedule_tail ignores it.
		ct.writeU32(ctid, uint32(c.pid))
	}
	c.tasks = []*Task{ct}
	if flags&abi.CLONE_VFORK != 0 {
		c.vforkDone = make(chan struct{})
	}
	done := c.vforkDone

	k.mu.Lock()
	c.actions = p.actions
	c.pgid, c.sid = p.pgid, p.sid
	c.parent, c.ppid = p, p.pid
	if flags&abi.CLONE_PARENT != 0 && p.parent != nil {
		c.parent, c.ppid = p.parent, p.ppid
	}
	if c.parent != nil {
		c.parent.children = append(c.parent.children, c)
	} else {
		c.hostParented, c.hostSession = true, p.hostSession
	}
	t.forkedLocked(c, ct) // prctl and scheduling state (sys_prctl.go)
	k.procs[c.pid] = c
	c.running = true
	k.mu.Unlock()

	if flags&abi.CLONE_PARENT_SETTID != 0 {
		if e := t.writeU32(ptid, uint32(c.pid)); e != 0 {
			// Linux has already created the child by then; so do we.
			_ = e
		}
	}
	go ct.Run()
	if done != nil {
		// The vfork parent sleeps until the child lets go of the memory
		// (exec or exit). Signals wait: Linux's vfork wait is killable
		// only.
		prev := t.goIdle()
		for waiting := true; waiting && !p.dying; {
			select {
			case <-done:
				waiting = false
			case <-t.wake:
			}
		}
		t.goBusy(prev)
	}
	return uint64(c.pid), 0
}

// copyInto fills dst with t's descriptors, sharing their descriptions.
func (t *FDTable) copyInto(dst *FDTable) {
	t.mu.Lock()
	fds := make([]fdEntry, len(t.fds))
	copy(fds, t.fds)
	t.mu.Unlock()
	for _, e := range fds {
		if e.d != nil {
			e.d.incRef()
		}
	}
	dst.mu.Lock()
	dst.fds = fds
	dst.mu.Unlock()
}

// closeOnExec closes every descriptor marked FD_CLOEXEC.
func (t *FDTable) closeOnExec() {
	t.mu.Lock()
	var drop []*Description
	for i := range t.fds {
		if t.fds[i].d != nil && t.fds[i].cloexec {
			drop = append(drop, t.fds[i].d)
			t.fds[i] = fdEntry{}
		}
	}
	t.mu.Unlock()
	for _, d := range drop {
		d.decRef()
	}
}

// readCString reads a NUL-terminated string of at most max bytes
// (including the NUL); longer is E2BIG, as execve's strnlen_user check.
func (t *Task) readCString(addr uint64, max int) (string, abi.Errno) {
	var buf []byte
	var chunk [256]byte
	for len(buf) < max {
		n := t.copyInPrefix(addr+uint64(len(buf)), chunk[:])
		if n == 0 {
			return "", abi.EFAULT
		}
		for i := 0; i < n; i++ {
			if chunk[i] == 0 {
				if len(buf)+i+1 > max {
					return "", abi.E2BIG // the NUL came past max
				}
				return string(append(buf, chunk[:i]...)), 0
			}
		}
		buf = append(buf, chunk[:n]...)
	}
	return "", abi.E2BIG
}

// readStringArray reads a NULL-terminated array of string pointers.
func (t *Task) readStringArray(addr uint64) ([]string, abi.Errno) {
	var out []string
	if addr == 0 {
		return nil, 0
	}
	total := 0
	for i := 0; ; i++ {
		if i >= 1<<20 {
			return nil, abi.E2BIG
		}
		ptr, e := t.readU64(addr + 8*uint64(i))
		if e != 0 {
			return nil, e
		}
		if ptr == 0 {
			return out, 0
		}
		s, e := t.readCString(ptr, abi.MAX_ARG_STRLEN)
		if e != 0 {
			return nil, e
		}
		// Bound what a guest can make blink hold before the loader's own
		// (RLIMIT_STACK-derived) E2BIG check: Linux's hard cap is 6 MiB.
		total += len(s) + 1 + 8
		if total > 6<<20 {
			return nil, abi.E2BIG
		}
		out = append(out, s)
	}
}

func sysExecve(t *Task, a *Args) (uint64, abi.Errno) {
	name, e := t.readPath(a[0])
	if e != 0 {
		return 0, e
	}
	argv, e := t.readStringArray(a[1])
	if e != 0 {
		return 0, e
	}
	envp, e := t.readStringArray(a[2])
	if e != 0 {
		return 0, e
	}
	return 0, t.execve(name, argv, envp)
}

// execve replaces the process's program. Until the new image is fully
// loaded into a fresh address space nothing changes, so every failure
// returns to the old program with an errno, as on Linux.
func (t *Task) execve(name string, argv, envp []string) abi.Errno {
	k, p := t.k, t.proc
	if k.load == nil {
		return abi.ENOEXEC
	}
	space, err := mem.New(mem.Options{Mode: k.cfg.MemMode})
	if err != nil {
		return abi.ENOMEM
	}
	stackLimit := p.rlimits[abi.RLIMIT_STACK][0]
	maxArg := stackLimit / 4
	maxArg = max(maxArg, 128<<10)
	maxArg = min(maxArg, 6<<20)
	img, err := k.load(LoadParams{
		Space:       space,
		Open:        func(n string) (mem.File, error) { return t.openForLoad(n) },
		Path:        name,
		Argv:        argv,
		Envp:        envp,
		UID:         p.creds.EUID,
		MaxArgBytes: maxArg,
	})
	if err != nil {
		space.Close()
		var en abi.Errno
		if !errors.As(err, &en) {
			en = abi.ENOEXEC
		}
		return en
	}
	if img.Brk != 0 {
		space.SetBrk(img.Brk)
	}
	abs := name
	if !path.IsAbs(abs) && p.cwd != nil {
		abs = path.Join(p.cwd.Path(), abs)
	}

	// Point of no return. Other threads end first (Linux's de_thread).
	k.mu.Lock()
	for _, tk := range p.tasks {
		if tk != t {
			tk.exited.Store(true)
			tk.hint.Store(true)
			tk.kick()
		}
	}
	prev := t.goIdle()
	for p.live > 1 {
		k.procExited.Wait()
	}
	t.goBusy(prev)
	k.mu.Unlock()
	k.shmDetachAll(p) // sys_shm.go: the old address space goes
	p.mu.Lock()
	old := p.Space
	oldShare := p.vmShare
	p.vmShare = nil
	mapped := p.mapped
	p.mapped = nil
	p.Space = space
	p.Engine = vm.New(space, vm.Options{DecodeCache: k.cfg.DecodeCache})
	p.mu.Unlock()
	exe := t.resolvedPath(img.Exec, abs)
	p.mu.Lock()
	p.exe = exe
	p.mu.Unlock()
	flushShared(old, 0, ^uint64(0))
	p.noteExec(space, name, img.SP)
	t.prctlExec() // timers, dumpable, keepcaps (sys_prctl.go)
	for _, d := range mapped {
		d.decRef()
	}
	icount := t.m.Icount
	*t.m = *x86.NewMachine(space, t, &k.xcfg)
	t.m.Icount = icount
	t.m.RIP = img.Entry
	t.m.R[x86.RSP] = img.SP
	// The old engine is still running the SYSCALL; Stop makes it return
	// so Run continues with the new engine.
	t.m.RequestStop()
	if oldShare == nil || oldShare.Add(-1) == 0 {
		old.Close()
	}
	p.fds.closeOnExec()
	// execve forgets the alternate stack; the stored flags stay (a fresh
	// process shows uc_stack.ss_flags 0, not SS_DISABLE, in its frames).
	t.altstack = [3]uint64{0, t.altstack[1], 0}
	t.clearChildTID = 0
	k.mu.Lock()
	for i := range p.actions {
		h := p.actions[i].Handler
		if h != abi.SIG_IGN {
			h = abi.SIG_DFL
		}
		p.actions[i] = SigAction{Handler: h}
	}
	if p.vforkDone != nil {
		close(p.vforkDone)
		p.vforkDone = nil
	}
	p.execed = true
	k.mu.Unlock()
	return 0
}

// sysCloseRange closes (or with CLOSE_RANGE_CLOEXEC marks) descriptors
// first..last. CLOSE_RANGE_UNSHARE is a no-op: descriptor tables are
// never shared between processes here.
func sysCloseRange(t *Task, a *Args) (uint64, abi.Errno) {
	first, last, flags := uint32(a[0]), uint32(a[1]), uint32(a[2])
	if flags&^(abi.CLOSE_RANGE_UNSHARE|abi.CLOSE_RANGE_CLOEXEC) != 0 || first > last {
		return 0, abi.EINVAL
	}
	ft := &t.proc.fds
	ft.mu.Lock()
	var drop []*Description
	for fd := int(first); fd < len(ft.fds) && uint32(fd) <= last; fd++ {
		if ft.fds[fd].d == nil {
			continue
		}
		if flags&abi.CLOSE_RANGE_CLOEXEC != 0 {
			ft.fds[fd].cloexec = true
			continue
		}
		drop = append(drop, ft.fds[fd].d)
		ft.fds[fd] = fdEntry{}
	}
	ft.mu.Unlock()
	for _, d := range drop {
		t.k.releaseLocks(t.proc, d)
		d.decRef()
	}
	return 0, 0
}

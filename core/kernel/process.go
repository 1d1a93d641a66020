package kernel

import (
	"github.com/blink-go/blink/fs/vfs"
	"sync"
	"sync/atomic"

	"github.com/blink-go/blink/core/abi"
	"github.com/blink-go/blink/core/mem"
	"github.com/blink-go/blink/core/vm"
)

// Credentials are a process's user and group ids.
type Credentials struct {
	RUID, EUID, SUID uint32
	RGID, EGID, SGID uint32
	Groups           []uint32
}

// SigAction is a recorded rt_sigaction (struct sigaction as the kernel
// reads it).
type SigAction struct {
	Handler  uint64
	Flags    uint64
	Restorer uint64
	Mask     uint64
}

// Process is a thread group.
type Process struct {
	k    *Kernel
	pid  int
	ppid int
	pgid int
	sid  int

	Space  *mem.Space
	Engine *vm.Engine

	mu  sync.Mutex
	fds FDTable
	cwd File
	// root is the chroot(2) directory, nil for the machine's root. It
	// is an O_PATH VFS file with nothing to close, shared after fork.
	root    File
	umask   uint32
	rlimits [abi.RLIM_NLIMITS][2]uint64
	creds   Credentials
	exe     string   // absolute guest path of the program, for /proc/self/exe
	nice    int32    // setpriority(2); guarded by Kernel.mu, inherited by fork
	info    procInfo // what /proc shows that nothing else keeps (procinfo.go)

	// prctl(2) state: dumpable, subreaper, securebits... (sys_prctl.go
	// says which lock guards which field).
	prctl procPrctl

	// Guarded by Kernel.mu: dispositions, the process-wide signal queue,
	// the family tree and the life cycle (see signal.go, procexit.go).
	actions    [abi.NSIG + 1]SigAction
	shared     sigQueue
	parent     *Process // nil for the first process, whose parent is on the host
	children   []*Process
	exitSignal int // sent to the parent at exit (SIGCHLD for fork)
	itimer     realTimer
	cpuTimers  cpuTimers   // ITIMER_VIRTUAL and ITIMER_PROF (cputimer.go)
	timers     posixTimers // timer_create(2) timers (posixtimer.go)
	// Stop/continue: stopping is set when a stop signal is taken, until
	// a task completes the group stop; report* are state changes not yet
	// collected by the parent's wait.
	stopping, stopped      bool
	stopSig                int
	reportStop, reportCont bool
	dying                  bool // killed or exiting: no more signals
	zombie                 bool // exited, waiting to be reaped
	coreDumped             bool
	childWait              waitQueue // the parent's wait4 sleeps here
	usage                  usage     // CPU time of reaped children (sys_rusage.go)
	sigq                   waitQueue // notified of every queued signal (signalfd)
	vforkDone              chan struct{}
	hostParented           bool // the first process: its parent is blink's caller
	hostSession            bool // hostParented and still in the session it was started in
	running                bool // a task goroutine is (or will be) running
	execed                 bool // has called execve since fork (setpgid's EACCES)

	// tasks are the live threads (the last one stays listed after it
	// ends); live counts task goroutines that have not finished exit().
	// Both are changed under Kernel.mu and Process.mu together.
	tasks []*Task
	live  int
	// vmShare counts the processes using Space and Engine when CLONE_VM
	// made a process share its parent's memory (vfork, posix_spawn);
	// nil when the process is the only user.
	vmShare *atomic.Int32
	// mapped are descriptions referenced by file mappings; released with
	// the address space.
	mapped []*Description
	shm    []shmAttach // System V segments attached (sys_shm.go), under mu

	exited     bool
	exitStatus int
	killedBy   int
}

// PID returns the process id.
func (p *Process) PID() int { return p.pid }

// exitGroup records the process's end: the first caller wins, as with
// concurrent exit_group calls on Linux. Every task stops at its next
// block boundary or wait.
func (p *Process) exitGroup(status, sig int) {
	k := p.k
	k.mu.Lock()
	p.mu.Lock()
	if !p.exited {
		p.exited = true
		p.exitStatus = status & 0xff
		p.killedBy = sig
	}
	p.mu.Unlock()
	p.dying = true
	p.stopping, p.stopped = false, false
	for _, t := range p.tasks {
		t.exited.Store(true)
		t.hint.Store(true)
		t.kick()
	}
	k.mu.Unlock()
}

func (p *Process) nofile() uint64 { return p.rlimits[abi.RLIMIT_NOFILE][0] }

// defaultRlimits are what a Linux login shell typically hands its children.
func defaultRlimits() (r [abi.RLIM_NLIMITS][2]uint64) {
	inf := abi.RLIM_INFINITY
	for i := range r {
		r[i] = [2]uint64{inf, inf}
	}
	r[abi.RLIMIT_STACK] = [2]uint64{8 << 20, inf}
	r[abi.RLIMIT_CORE] = [2]uint64{0, inf}
	r[abi.RLIMIT_NOFILE] = [2]uint64{1024, 4096}
	r[abi.RLIMIT_NPROC] = [2]uint64{63432, 63432}
	r[abi.RLIMIT_MEMLOCK] = [2]uint64{8 << 20, 8 << 20}
	r[abi.RLIMIT_SIGPENDING] = [2]uint64{63432, 63432}
	r[abi.RLIMIT_MSGQUEUE] = [2]uint64{819200, 819200}
	r[abi.RLIMIT_NICE] = [2]uint64{0, 0}
	r[abi.RLIMIT_RTPRIO] = [2]uint64{0, 0}
	return r
}

// fsCtx is the process's identity for path operations.
func (p *Process) fsCtx() *FSCtx {
	p.mu.Lock()
	defer p.mu.Unlock()
	c := &p.creds
	return &FSCtx{
		Root: p.root, Cwd: p.cwd, Caller: p,
		Cred: vfs.Cred{UID: c.EUID, GID: c.EGID, Groups: c.Groups},
		Real: vfs.Cred{UID: c.RUID, GID: c.RGID, Groups: c.Groups},
	}
}

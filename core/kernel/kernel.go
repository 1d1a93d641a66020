package kernel

import (
	"github.com/blink-go/blink/fs"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/blink-go/blink/core/abi"
	"github.com/blink-go/blink/core/klog"
	"github.com/blink-go/blink/core/mem"
	"github.com/blink-go/blink/core/x86"
)

// Config configures a Kernel.
type Config struct {
	Log *klog.Logger
	// Strace is the -s count: 1 logs each syscall, 2 adds full buffers.
	Strace int
	// HostOS is reported through CPUID ("Linux", "XNU", "FreeBSD", ...).
	HostOS string
	// MemMode selects the memory backing of new address spaces.
	MemMode mem.Mode
	// DecodeCache keeps decoded blocks (off with -j).
	DecodeCache bool
	// FS resolves paths; nil means the VFS built by fs.NewDefault from
	// Root and FSOptions.
	FS FS
	// Root is the -C directory: the guest's "/" (overrides
	// FSOptions.Root, Prefix and Overlays).
	Root string
	// KeepHostIDs runs the guest under -C as the host user, without the
	// fake root (see fakeroot.go); by default it runs as uid 0.
	KeepHostIDs bool
	// FSOptions configure the default mount table (BLINK_PREFIX,
	// BLINK_OVERLAYS, binds, /SystemRoot).
	FSOptions fs.Options
	// Stdio are the first process's descriptors 0, 1, 2; nil entries wrap
	// the host's own.
	Stdio [3]File
	// Load maps programs for execve (package loader's Load, adapted by the
	// CLI; the kernel does not import the loader). Exec's argument is used
	// when nil.
	Load LoadFunc
	// MaxProcs bounds the live guest processes (fork then fails with
	// EAGAIN); 0 means defaultMaxProcs.
	MaxProcs int
}

// Kernel is one emulated Linux system: every guest process started by one
// blink invocation belongs to it.
type Kernel struct {
	log    *klog.Logger
	strace int
	fs     FS
	cfg    Config
	xcfg   x86.Config
	boot   time.Time // CLOCK_BOOTTIME / sysinfo uptime origin
	// monoBase is the host's monotonic clock at boot, so guest monotonic
	// times continue the host's.
	monoBase time.Duration

	// mu is the kernel lock: PIDs, the process tree, groups and sessions,
	// signal queues and dispositions, and process life cycles. Lock order:
	// Kernel.mu before Process.mu before FDTable.mu.
	mu      sync.Mutex
	nextPID int
	procs   map[int]*Process
	init    *Process // the virtual PID 1

	shm         shmTable     // System V shared memory (sys_shm.go)
	cpuRunning  atomic.Int32 // tasks on the CPU (cputime.go)
	cpuSampling atomic.Bool  // the user/system sampler runs
	procExited  *sync.Cond   // on mu: broadcast when a process exits or is reaped
	load        LoadFunc
	maxProcs    int
	locks       lockTable  // fcntl record locks (locks.go)
	flocks      flockTable // flock(2) locks (flock.go)
	tty         ctty       // terminals: controlling ones per session, the pseudo-terminals (tty.go, pty.go)

	// threads maps the TIDs of threads other than group leaders (under
	// mu), so that PIDs and TIDs share one number space as on Linux.
	threads map[int]*Task
	futex   futexTable // futex wait queues (futex.go)
	sockets sockTable  // bound AF_UNIX names (socket_unix.go)
	uts     utsName    // sethostname(2), setdomainname(2) (sys_uts.go)

	// reported remembers which unsupported syscalls were logged already.
	reported [numSyscalls]atomic.Bool
}

// New returns a kernel.
func New(cfg Config) *Kernel {
	k := &Kernel{
		log:      cfg.Log,
		strace:   cfg.Strace,
		fs:       cfg.FS,
		cfg:      cfg,
		xcfg:     x86.Config{DecodeCache: cfg.DecodeCache, HostOS: cfg.HostOS},
		boot:     time.Now(),
		monoBase: hostMonotonic(),
		procs:    make(map[int]*Process),
	}
	if k.fs == nil {
		var e abi.Errno
		if k.fs, e = newDefaultFS(k, &cfg); e != 0 {
			// Never fall back to the host's root: with -C that would be
			// an escape. Every path operation reports the failure.
			k.log.Printf("cannot build the file system (root %q): %v", cfg.Root, e)
			k.fs = brokenFS{e}
		}
	}
	k.procExited = sync.NewCond(&k.mu)
	k.load = cfg.Load
	k.maxProcs = cfg.MaxProcs
	if k.maxProcs <= 0 {
		k.maxProcs = defaultMaxProcs
	}
	k.init = newInit(k)
	k.procs[1] = k.init
	if !k.log.Enabled() {
		k.strace = 0
	}
	// The first guest process takes the host's PID, so the numbers a guest
	// prints match what ps and kill see on the host.
	k.nextPID = os.Getpid()
	return k
}

// allocPID returns an unused PID: no process or thread has it, and, as on
// Linux, no process group or session is named after it (the first
// process's may be named after host processes we do not model).
func (k *Kernel) allocPID() int {
	k.mu.Lock()
	defer k.mu.Unlock()
	for {
		pid := k.nextPID
		k.nextPID++
		if k.nextPID > 4194304 { // /proc/sys/kernel/pid_max on 64-bit
			k.nextPID = 300
		}
		if _, used := k.procs[pid]; !used && k.threads[pid] == nil && !k.idNamesGroupLocked(pid) {
			return pid
		}
	}
}

// idNamesGroupLocked reports whether a process group or session is
// called id. Called with k.mu held.
func (k *Kernel) idNamesGroupLocked(id int) bool {
	for _, p := range k.procs {
		if p.pgid == id || p.sid == id {
			return true
		}
	}
	return false
}

// Log returns the kernel's log.
func (k *Kernel) Log() *klog.Logger { return k.log }

// uptime is the time since the kernel started, for CLOCK_BOOTTIME and
// sysinfo; the host's own uptime is not portable to query.
func (k *Kernel) uptime() time.Duration { return time.Since(k.boot) }

var _ x86.Env = (*Task)(nil)

// The host umask belongs to the whole Go process, not to a Kernel: it is
// read and cleared once, and every Kernel hands the original value to its
// first process.
var (
	hostUmaskOnce sync.Once
	hostUmaskOrig uint32
)

func initialUmask() uint32 {
	hostUmaskOnce.Do(func() { hostUmaskOrig = hostUmask() })
	return hostUmaskOrig
}

// errnoOf returns e as an abi.Errno for Go errors from other packages.
func errnoOf(err error) abi.Errno {
	if err == nil {
		return 0
	}
	if e, ok := err.(abi.Errno); ok {
		return e
	}
	return abi.EIO
}

// brokenFS answers every path operation with the error that kept the VFS
// from being built.
type brokenFS struct{ e abi.Errno }

func (b brokenFS) Open(*FSCtx, File, string, int, uint32) (File, abi.Errno) { return nil, b.e }
func (b brokenFS) Stat(*FSCtx, File, string, int) (Stat, abi.Errno)         { return Stat{}, b.e }
func (b brokenFS) Readlink(*FSCtx, File, string) (string, abi.Errno)        { return "", b.e }
func (b brokenFS) Access(*FSCtx, File, string, uint32, int) abi.Errno       { return b.e }
func (b brokenFS) Mkdir(*FSCtx, File, string, uint32) abi.Errno             { return b.e }
func (b brokenFS) Unlink(*FSCtx, File, string, int) abi.Errno               { return b.e }
func (b brokenFS) Rename(*FSCtx, File, string, File, string, uint32) abi.Errno {
	return b.e
}
func (b brokenFS) SetAttr(*FSCtx, File, string, *Attr, int) abi.Errno { return b.e }

// threadLocked finds the task whose TID is tid (a group leader's TID is
// its PID), ended or not, or nil. Called with k.mu held.
func (k *Kernel) threadLocked(tid int) *Task {
	if t := k.threads[tid]; t != nil {
		return t
	}
	if p := k.procs[tid]; p != nil {
		for _, t := range p.tasks {
			if t.tid == tid {
				return t
			}
		}
	}
	return nil
}

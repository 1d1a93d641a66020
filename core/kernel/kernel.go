package kernel

import (
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
	// FS resolves paths; nil means the host pass-through.
	FS FS
	// Stdio are the first process's descriptors 0, 1, 2; nil entries wrap
	// the host's own.
	Stdio [3]File
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

	mu      sync.Mutex
	nextPID int
	procs   map[int]*Process

	// reported remembers which unsupported syscalls were logged already.
	reported [len(syscallTable)]atomic.Bool
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
		k.fs = HostFS{}
	}
	if !k.log.Enabled() {
		k.strace = 0
	}
	// The first guest process takes the host's PID, so the numbers a guest
	// prints match what ps and kill see on the host.
	k.nextPID = os.Getpid()
	return k
}

// allocPID returns an unused PID.
func (k *Kernel) allocPID() int {
	k.mu.Lock()
	defer k.mu.Unlock()
	for {
		pid := k.nextPID
		k.nextPID++
		if k.nextPID > 4194304 { // /proc/sys/kernel/pid_max on 64-bit
			k.nextPID = 300
		}
		if _, used := k.procs[pid]; !used {
			return pid
		}
	}
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

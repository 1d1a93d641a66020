package kernel

import (
	"sync"

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

	mu      sync.Mutex
	fds     FDTable
	cwd     File
	umask   uint32
	rlimits [abi.RLIM_NLIMITS][2]uint64
	actions [abi.NSIG + 1]SigAction
	creds   Credentials
	exe     string // absolute guest path of the program, for /proc/self/exe

	tasks []*Task
	// mapped are descriptions referenced by file mappings; released with
	// the address space.
	mapped []*Description

	exited     bool
	exitStatus int
	killedBy   int
}

// PID returns the process id.
func (p *Process) PID() int { return p.pid }

// exitGroup records the process's end: the first caller wins, as with
// concurrent exit_group calls on Linux.
func (p *Process) exitGroup(status, sig int) {
	p.mu.Lock()
	if !p.exited {
		p.exited = true
		p.exitStatus = status & 0xff
		p.killedBy = sig
	}
	tasks := p.tasks
	p.mu.Unlock()
	for _, t := range tasks {
		t.exited = true
		t.m.Stop = true
	}
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

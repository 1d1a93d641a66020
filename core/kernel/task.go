package kernel

import (
	"fmt"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/blink-go/blink/core/abi"
	"github.com/blink-go/blink/core/vm"
	"github.com/blink-go/blink/core/x86"
)

// Task is one guest thread.
type Task struct {
	k    *Kernel
	proc *Process
	tid  int
	m    *x86.Machine

	// Signal state; see signal.go for the locking rules.
	sigmask    uint64   // bit sig-1 set = blocked
	pending    sigQueue // thread-directed signals not yet acted on
	waitingSet uint64   // signals rt_sigtimedwait is waiting for
	hint       atomic.Bool
	savedMask  uint64 // the mask to restore after rt_sigsuspend
	haveSaved  bool
	altstack   [3]uint64 // ss_sp, ss_flags as set, ss_size
	wake       chan struct{}
	// While inHostPoll is set the task sleeps in the host's poll(2) and
	// poke also writes to wakeW (poll_unix.go); wakeMu guards the pipe.
	inHostPoll   atomic.Bool
	wakeMu       sync.Mutex
	wakeR, wakeW int
	pollRegs     pollRegs

	clearChildTID uint64
	robustList    uint64
	robustLen     uint64

	prctl taskPrctl // name, parent-death signal... (sys_prctl.go)
	sched taskSched // policy, priority, CPU affinity (sys_sched.go)

	exited   atomic.Bool // set by the task itself, exit_group or a fatal signal
	cpu      cpuClock    // user and system time (cputime.go)
	exitCode int         // exit(2)'s status, for the last thread of a group

	args    Args
	scratch []byte
	iovs    [][2]uint64
	pathBuf [abi.PATH_MAX]byte
}

func newTask(k *Kernel, p *Process, tid int) *Task {
	return &Task{k: k, proc: p, tid: tid, wake: make(chan struct{}, 1)}
}

// TID returns the thread id.
func (t *Task) TID() int { return t.tid }

// Machine returns the task's machine.
func (t *Task) Machine() *x86.Machine { return t.m }

// Process returns the thread group.
func (t *Task) Process() *Process { return t.proc }

// Run executes the task until it ends. It returns the process's exit
// status, or the signal that killed it (then status is 0). For a group
// leader whose other threads outlive it, Run waits until the whole
// process has ended.
func (t *Task) Run() (exitStatus int, killedBy int) {
	p, k := t.proc, t.k
	t.goBusy(inUser)
	t.loop()
	t.exit()
	k.mu.Lock()
	for !p.zombie {
		k.procExited.Wait()
	}
	k.mu.Unlock()
	p.mu.Lock()
	status, sig := p.exitStatus, p.killedBy
	p.mu.Unlock()
	return status, sig
}

// loop runs guest code, signals and syscalls until the task ends.
func (t *Task) loop() {
	for !t.exited.Load() {
		p := t.proc
		trap := p.Engine.Run(t.m)
		t.m.ClearStop()
		if trap != nil {
			if trap.Internal {
				t.crash(trap)
			}
			t.forceFault(trap)
			t.deliverPending()
			if t.exited.Load() && !trap.Internal && p.killedBy == trap.Sig {
				t.crash(trap)
			}
			continue
		}
		// Stop without a trap: a signal or another thread asked for the
		// task's attention (or exec replaced the machine's program).
		if t.hint.Load() {
			t.deliverPending()
		}
	}
}

// crash logs what Linux would have turned into a core dump: the signal,
// its si_code and address, every register and the bytes at RIP.
func (t *Task) crash(trap *vm.Trap) {
	if !t.k.log.Enabled() {
		return
	}
	m := t.m
	var b strings.Builder
	fmt.Fprintf(&b, "%d %d terminated by %s (si_code %d) at 0x%x, rip 0x%x",
		t.proc.pid, t.tid, sigName(trap.Sig), trap.Code, trap.Addr, trap.RIP)
	if trap.Msg != "" {
		b.WriteString(": ")
		b.WriteString(trap.Msg)
	}
	var code [15]byte
	n := m.Mem.Fetch(trap.RIP, code[:])
	fmt.Fprintf(&b, "\n  code %x", code[:n])
	names := [16]string{"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
		"r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15"}
	for i, r := range m.R {
		if i%4 == 0 {
			b.WriteString("\n ")
		}
		fmt.Fprintf(&b, " %-3s %016x", names[i], r)
	}
	fmt.Fprintf(&b, "\n  rip %016x rflags %016x fsbase %016x gsbase %016x",
		m.RIP, m.GetFlags(), m.FSBase, m.GSBase)
	t.k.log.Printf("%s", b.String())
}

func sigName(sig int) string {
	if sig > 0 && sig < len(signalNames) {
		return signalNames[sig]
	}
	if sig >= abi.SIGRTMIN && sig <= abi.NSIG {
		return "SIGRT" + itoa(int64(sig-abi.SIGRTMIN))
	}
	return "signal " + itoa(int64(sig))
}

func sigBit(sig int) uint64 { return 1 << (sig - 1) }

// unblockable are SIGKILL and SIGSTOP, which no mask can hold back.
const unblockable = 1<<(abi.SIGKILL-1) | 1<<(abi.SIGSTOP-1)

type sigDefault uint8

const (
	sigTerm sigDefault = iota
	sigCore
	sigIgnore
	sigStop
)

// defaultAction is signal(7)'s table.
func defaultAction(sig int) sigDefault {
	switch sig {
	case abi.SIGQUIT, abi.SIGILL, abi.SIGTRAP, abi.SIGABRT, abi.SIGBUS, abi.SIGFPE,
		abi.SIGSEGV, abi.SIGXCPU, abi.SIGXFSZ, abi.SIGSYS:
		return sigCore
	case abi.SIGCHLD, abi.SIGCONT, abi.SIGURG, abi.SIGWINCH:
		return sigIgnore
	case abi.SIGSTOP, abi.SIGTSTP, abi.SIGTTIN, abi.SIGTTOU:
		return sigStop
	}
	return sigTerm
}

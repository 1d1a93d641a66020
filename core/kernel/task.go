package kernel

import (
	"fmt"
	"strings"

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

	sigmask  uint64 // bit sig-1 set = blocked
	pending  uint64 // thread-directed signals not yet acted on
	altstack [3]uint64

	clearChildTID uint64
	robustList    uint64
	robustLen     uint64

	exited bool

	args    Args
	scratch []byte
	iovs    [][2]uint64
	pathBuf [abi.PATH_MAX]byte
}

// TID returns the thread id.
func (t *Task) TID() int { return t.tid }

// Machine returns the task's machine.
func (t *Task) Machine() *x86.Machine { return t.m }

// Process returns the thread group.
func (t *Task) Process() *Process { return t.proc }

// Run executes the task until its process ends. It returns the exit
// status, or the signal that killed the process (then status is 0).
func (t *Task) Run() (exitStatus int, killedBy int) {
	p := t.proc
	for !t.exited {
		trap := p.Engine.Run(t.m)
		if trap != nil {
			t.crash(trap)
			p.exitGroup(0, trap.Sig)
			break
		}
		// Stop without exit (a signal or another thread asked for the
		// task's attention): act on it and resume.
		t.m.Stop = false
		if t.pending&^t.sigmask != 0 {
			t.deliverPending()
		}
	}
	p.mu.Lock()
	status, sig := p.exitStatus, p.killedBy
	p.mu.Unlock()
	p.release()
	return status, sig
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

// sendSignal queues sig for the task and stops its machine so the next
// syscall return or block boundary acts on it.
func (t *Task) sendSignal(sig int) {
	t.pending |= sigBit(sig)
	if t.pending&^t.sigmask != 0 {
		t.m.Stop = true
	}
}

// deliverPending acts on unblocked pending signals. Only default and
// ignored dispositions are carried out for now; running guest handlers is
// the signal-delivery work still to come, and such signals are dropped
// with a one-time log line.
func (t *Task) deliverPending() {
	for t.pending&^t.sigmask != 0 && !t.exited {
		ready := t.pending &^ t.sigmask
		sig := 1
		for ready&1 == 0 {
			ready >>= 1
			sig++
		}
		t.pending &^= sigBit(sig)
		t.proc.mu.Lock()
		act := t.proc.actions[sig]
		t.proc.mu.Unlock()
		switch {
		case sig == abi.SIGKILL:
			t.proc.exitGroup(0, sig)
		case act.Handler == abi.SIG_IGN:
		case act.Handler == abi.SIG_DFL:
			switch defaultAction(sig) {
			case sigTerm, sigCore:
				t.proc.exitGroup(0, sig)
			case sigStop:
				t.k.log.Printf("%d %d %s: job-control stop is not supported; ignored", t.proc.pid, t.tid, sigName(sig))
			}
		default:
			t.k.log.Printf("%d %d %s: guest signal handlers are not delivered yet; dropped", t.proc.pid, t.tid, sigName(sig))
		}
	}
}

// release frees what the process holds once its last task ends.
func (p *Process) release() {
	p.mu.Lock()
	last := true
	for _, t := range p.tasks {
		if !t.exited {
			last = false
		}
	}
	p.mu.Unlock()
	if !last {
		return
	}
	p.fds.closeAll()
	p.mu.Lock()
	mapped := p.mapped
	p.mapped = nil
	cwd := p.cwd
	p.cwd = nil
	p.mu.Unlock()
	for _, d := range mapped {
		d.decRef()
	}
	if cwd != nil {
		cwd.Close()
	}
	p.k.mu.Lock()
	delete(p.k.procs, p.pid)
	p.k.mu.Unlock()
}

package kernel

import (
	"github.com/blink-go/blink/core/abi"
	"github.com/blink-go/blink/core/x86"
)

// Args are a syscall's six arguments (RDI, RSI, RDX, R10, R8, R9).
type Args [6]uint64

// Handler implements one syscall. It returns the result or an errno;
// the dispatcher writes -errno to RAX. Handlers touch guest memory only
// through the Task's copy helpers, which return EFAULT instead of faulting.
type Handler func(t *Task, a *Args) (uint64, abi.Errno)

// Status says how completely a syscall is implemented.
type Status uint8

const (
	Unimplemented Status = iota // returns ENOSYS (or Errno), logged once
	Supported                   // behaves as on Linux
	Partial                     // works for common uses; Note says what is missing
)

// Syscall describes one entry of the syscall table: the table is both the
// dispatch array and the documentation of what blink implements.
type Syscall struct {
	Name   string
	Fn     Handler
	Status Status
	Note   string
	// Errno is returned by Unimplemented entries instead of ENOSYS when
	// Linux programs expect a specific answer (e.g. EPERM for privileged calls).
	Errno abi.Errno
	// Args tells the tracer how to print each argument; the list ends at
	// the first argNone.
	Args [6]argKind
	Ret  argKind
}

// Table returns the syscall table indexed by number (nil Name for holes),
// for documentation and tests.
func Table() []Syscall { return syscallTable[:] }

// syscallTable is built once from linux64 (table.go) and never written
// afterwards, so all processes may share it.
var syscallTable = buildTable()

// numSyscalls sizes the table. It is a constant rather than
// len(syscallTable) so that Kernel's size does not depend on the table's
// type, which refers back to Kernel through Handler and Task.
const numSyscalls = abi.SYS_RSEQ_SLICE_YIELD + 1

func buildTable() (t [numSyscalls]Syscall) {
	for _, s := range linux64() {
		t[s.nr] = s.Syscall
	}
	return t
}

type numbered struct {
	nr int
	Syscall
}

func supported(nr int, name string, fn Handler, args ...argKind) numbered {
	return numbered{nr, Syscall{Name: name, Fn: fn, Status: Supported, Args: argList(args), Ret: retKind(args)}}
}

func partial(nr int, name string, fn Handler, note string, args ...argKind) numbered {
	return numbered{nr, Syscall{Name: name, Fn: fn, Status: Partial, Note: note, Args: argList(args), Ret: retKind(args)}}
}

func unimplemented(nr int, name string, note string) numbered {
	return numbered{nr, Syscall{Name: name, Status: Unimplemented, Note: note, Errno: abi.ENOSYS}}
}

func errorWith(nr int, name string, e abi.Errno, note string) numbered {
	return numbered{nr, Syscall{Name: name, Status: Unimplemented, Note: note, Errno: e}}
}

// argList takes the argument kinds; a trailing kind after retMarker is the
// return kind.
func argList(k []argKind) (out [6]argKind) {
	i := 0
	for _, a := range k {
		if a >= retFirst {
			continue
		}
		out[i] = a
		i++
	}
	return out
}

func retKind(k []argKind) argKind {
	for _, a := range k {
		if a >= retFirst {
			return a
		}
	}
	return retInt
}

// Syscall implements x86.Env: it runs the syscall whose number is in RAX.
func (t *Task) Syscall(m *x86.Machine) {
	t.cpu.state.Store(uint32(inSys)) // for the sampler (cputime.go)
	defer t.cpu.state.Store(uint32(inUser))
	nr := m.R[x86.RAX]
	t.args = Args{m.R[x86.RDI], m.R[x86.RSI], m.R[x86.RDX], m.R[x86.R10], m.R[x86.R8], m.R[x86.R9]}
	// SYSCALL saves the return address and flags in RCX and R11, and the
	// kernel's SYSRET leaves them there; guests (and ptrace) observe it.
	m.R[x86.RCX] = m.RIP
	m.R[x86.R11] = m.GetFlags()

	var ent *Syscall
	if nr < uint64(len(syscallTable)) {
		ent = &syscallTable[nr]
	}
	var rv uint64
	var e abi.Errno
	if ent != nil && ent.Fn != nil {
		rv, e = ent.Fn(t, &t.args)
	} else {
		e = t.unsupported(nr, ent)
	}
	if t.k.strace > 0 {
		t.trace(nr, ent, &t.args, rv, e)
	}
	if e == errRestartSys || e == errRestartNoIntr {
		// Interrupted by a signal: restart the syscall after the handler
		// when it has SA_RESTART (back up over SYSCALL, RAX = number), as
		// Linux does before building the frame; otherwise EINTR.
		if e == errRestartNoIntr || t.restartAllowed() {
			m.R[x86.RAX] = nr
			m.RIP -= syscallInstLen
			t.deliverPending()
			return
		}
		e = abi.EINTR
	}
	if e != 0 {
		rv = uint64(-int64(e))
	}
	// exit and execve replace the machine's registers; the result only
	// matters to a task that goes on running.
	if !t.exited.Load() {
		m.R[x86.RAX] = rv
	}
	if t.hint.Load() || t.haveSaved {
		t.deliverPending()
	}
}

func (t *Task) unsupported(nr uint64, ent *Syscall) abi.Errno {
	name := "unknown"
	e := abi.ENOSYS
	if ent != nil && ent.Name != "" {
		name = ent.Name
		if ent.Errno != 0 {
			e = ent.Errno
		}
	}
	if quietENOSYS(nr) {
		return e
	}
	if nr >= uint64(len(t.k.reported)) {
		t.k.log.Once("syscall:"+itoa(int64(nr)), "unsupported syscall %s (%d)", name, nr)
		return e
	}
	if !t.k.reported[nr].Swap(true) {
		t.k.log.Printf("unsupported syscall %s (%d)", name, nr)
	}
	return e
}

package x86

import (
	"sync/atomic"

	"github.com/blink-go/blink/core/mem"
)

// XMM is one 128-bit vector register as two little-endian 64-bit lanes:
// [0] holds bits 0..63, [1] bits 64..127. Byte i of the register is byte
// i%8 of lane i/8, counted from the least significant end, on every host.
type XMM [2]uint64

// F80 is an x87 register in the 80-bit extended format: a 64-bit
// significand with an explicit integer bit, and a sign+exponent word
// (bit 15 sign, bits 0..14 biased exponent). MMX registers alias Mant.
type F80 struct {
	Mant uint64
	SE   uint16
}

// FPU is the x87 (and MMX) state.
type FPU struct {
	St  [8]F80 // physical registers R0..R7; ST(i) is St[(Top+i)&7]
	Top uint8
	CW  uint16 // control word; 0x037F after FNINIT
	SW  uint16 // status word with the TOP field kept in Top, not here
	Tag uint16 // full tag word, two bits per physical register (3 = empty)
	FOP uint16
	IP  uint64 // last instruction pointer
	DP  uint64 // last data pointer
}

// Env connects a Machine to the kernel that runs it. It is called once per
// SYSCALL instruction, never per ordinary instruction.
type Env interface {
	Syscall(m *Machine)
}

// Config holds settings shared by all machines of one blink invocation that
// instructions can observe (CPUID reports them).
type Config struct {
	DecodeCache bool   // reported in CPUID 0x80000001 ECX bit 31
	HostOS      string // reported in CPUID 0x40031337 ("Linux", "XNU", ...)
}

// Machine is the architectural state of one guest thread.
type Machine struct {
	R   [16]uint64 // general registers in encoding order (RAX, RCX, ...)
	RIP uint64

	// Fl holds RFLAGS, partly in lazy form (see flags.go). Use GetFlags and
	// SetFlags from outside the instruction handlers.
	Fl Flags

	FSBase uint64
	GSBase uint64

	XMM   [16]XMM
	MXCSR uint32 // 0x1F80 at start
	FPU   FPU

	Mem *Space
	Env Env
	Cfg *Config

	// Cur is the instruction being executed, kept for fault reporting.
	Cur *Inst

	// stop, when non-zero, makes the engine return at the next block
	// boundary. It is written by the kernel from the machine's own
	// goroutine (a syscall) or from another one (a signal, exit_group), so
	// it is only accessed atomically, through RequestStop, Stopping and
	// ClearStop. It stays a plain uint32 rather than an atomic.Uint32 so
	// that a Machine can still be copied (fork, execve); on amd64 and
	// arm64 the atomic load is an ordinary load, so the engine's check at
	// each block boundary costs what a bool test did.
	stop uint32

	// Icount counts retired instructions (per thread, so no atomics).
	Icount uint64
}

// RequestStop asks the engine running m to return at the next block
// boundary. Safe from any goroutine.
func (m *Machine) RequestStop() { atomic.StoreUint32(&m.stop, 1) }

// Stopping reports whether a stop was requested and not yet cleared.
func (m *Machine) Stopping() bool { return atomic.LoadUint32(&m.stop) != 0 }

// ClearStop withdraws a stop request; the kernel calls it on the
// machine's goroutine after Run returned, before looking at why.
func (m *Machine) ClearStop() { atomic.StoreUint32(&m.stop, 0) }

// Space is the guest address space type the machine executes in.
type Space = mem.Space

// NewMachine returns a machine in the state Linux gives a new process
// before the loader sets RIP and RSP.
func NewMachine(space *Space, env Env, cfg *Config) *Machine {
	m := &Machine{Mem: space, Env: env, Cfg: cfg, MXCSR: 0x1F80}
	m.FPU.CW = 0x037F
	m.FPU.Tag = 0xFFFF
	m.SetFlags(FlagIF | 2)
	return m
}

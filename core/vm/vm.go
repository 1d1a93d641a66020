// Package vm is the execution engine: it decodes guest code once into basic
// blocks, caches them per 4 KiB page, runs them, and turns faults and
// exceptions into Traps for the kernel.
// CONTRACT STUB: the lead is implementing it.
package vm

import (
	"github.com/blink-go/blink/core/mem"
	"github.com/blink-go/blink/core/x86"
)

// Options configures an Engine.
type Options struct {
	// DecodeCache keeps decoded blocks between executions (off with -j:
	// every block is decoded afresh, which is slow but shows cache bugs).
	DecodeCache bool
}

// Stats are the counters -Z prints.
type Stats struct {
	Instructions  uint64
	Blocks        uint64 // blocks decoded
	Invalidations uint64 // pages whose decoded code was dropped
}

// Trap describes why Run stopped other than through Machine.Stop: a
// synchronous fault the kernel must turn into a signal.
type Trap struct {
	Sig  int    // SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP
	Code int32  // si_code
	Addr uint64 // si_addr (fault address, or the instruction for SIGILL/SIGFPE)
	RIP  uint64 // address of the faulting instruction; m.RIP is rewound to it
	Msg  string // one-line description for crash reports
}

// Engine runs machines that share one address space (the threads of a
// process); it owns that space's decoded-code cache.
type Engine struct {
	space *mem.Space
	opt   Options
	stats Stats
}

// New returns an engine for space. It installs space.OnCodeWrite.
func New(space *mem.Space, opt Options) *Engine { return &Engine{space: space, opt: opt} }

// Run executes m until m.Stop is set (returns nil) or a fault or exception
// occurs (returns the Trap, with m.RIP at the faulting instruction).
func (e *Engine) Run(m *x86.Machine) *Trap { panic("unimplemented") }

// Invalidate drops decoded code in [start, end) (after munmap, mprotect,
// mremap or execve).
func (e *Engine) Invalidate(start, end uint64) {}

// Stats returns the counters.
func (e *Engine) Stats() Stats { return e.stats }

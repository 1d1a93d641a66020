// Package vm is the execution engine: it decodes guest code once into basic
// blocks, caches them, runs them, and turns faults and exceptions into Traps
// for the kernel.
//
// Invariants:
//   - A block never starts on one 4 KiB page and ends two pages later; it is
//     registered under every page its bytes touch (at most two), so dropping
//     a page drops every block that could hold stale decoded bytes.
//   - Blocks are immutable once published, except for the valid flag and the
//     successor hint. Invalidation clears valid; a block that is running when
//     its page is overwritten finishes (the change takes effect at the next
//     branch, as Intel's self-modifying-code rules allow).
//   - The block map is guarded by mu; each Run call keeps its own
//     direct-mapped lookup array, so threads never share one without locks.
package vm

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"sync"
	"sync/atomic"

	"github.com/blink-go/blink/core/abi"
	"github.com/blink-go/blink/core/decode"
	"github.com/blink-go/blink/core/interp"
	"github.com/blink-go/blink/core/mem"
	"github.com/blink-go/blink/core/x86"
)

const (
	pageSize = 4096
	pageMask = pageSize - 1
	// maxBlockInsts bounds a block so that a long straight run of code does
	// not delay signal and Stop checks for long.
	maxBlockInsts = 256
	// fastBits sizes the per-thread direct-mapped block lookup.
	fastBits = 12
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
	SMCFaults     uint64 // host write faults on pages holding decoded code
}

// Trap describes why Run stopped other than through Machine.RequestStop: a
// synchronous fault the kernel must turn into a signal.
type Trap struct {
	Sig  int    // SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP
	Code int32  // si_code
	Addr uint64 // si_addr
	RIP  uint64 // address of the faulting instruction; m.RIP is left there
	Msg  string // one-line description for crash reports
	// Internal is set when the trap comes from a bug in blink rather than
	// the guest (a Go runtime error in a handler); Msg then carries a stack.
	Internal bool
}

type block struct {
	start uint64
	end   uint64 // address just past the last instruction
	insts []x86.Inst
	n     int // guest instructions (insts may hold fused pairs)
	valid atomic.Bool
	// next caches the first block that ran after this one: most
	// branches go to the same place again, which saves a lookup.
	next atomic.Pointer[block]
}

// Engine runs machines that share one address space (the threads of a
// process); it owns that space's decoded-code cache.
type Engine struct {
	space *mem.Space
	opt   Options

	mu     sync.Mutex
	blocks map[uint64]*block   // by start address
	pages  map[uint64][]*block // by page address, every block touching the page

	blocksDecoded atomic.Uint64
	invalidations atomic.Uint64
	smcFaults     atomic.Uint64
	retired       atomic.Uint64
}

// New returns an engine for space. It installs space.OnCodeWrite so that
// writes to pages holding decoded code drop that code.
func New(space *mem.Space, opt Options) *Engine {
	e := &Engine{
		space:  space,
		opt:    opt,
		blocks: make(map[uint64]*block),
		pages:  make(map[uint64][]*block),
	}
	space.OnCodeWrite = e.invalidatePage
	return e
}

// Stats returns the counters.
func (e *Engine) Stats() Stats {
	return Stats{
		Instructions:  e.retired.Load(),
		Blocks:        e.blocksDecoded.Load(),
		Invalidations: e.invalidations.Load(),
		SMCFaults:     e.smcFaults.Load(),
	}
}

// Invalidate drops decoded code in [start, end) (after munmap, mprotect,
// mremap or execve).
func (e *Engine) Invalidate(start, end uint64) {
	if end <= start {
		return
	}
	for p := start &^ pageMask; p < end && p >= start&^pageMask; p += pageSize {
		e.invalidatePage(p)
	}
}

func (e *Engine) invalidatePage(page uint64) {
	page &^= pageMask
	e.mu.Lock()
	bs := e.pages[page]
	if len(bs) > 0 {
		delete(e.pages, page)
		for _, b := range bs {
			if b.valid.Load() {
				b.valid.Store(false)
				delete(e.blocks, b.start)
			}
		}
		e.invalidations.Add(1)
	}
	e.mu.Unlock()
}

// Run executes m until m.RequestStop is called (returns nil) or a fault or exception
// occurs (returns the Trap, with m.RIP at the faulting instruction except
// for traps, such as INT3, that Linux reports after the instruction).
func (e *Engine) Run(m *x86.Machine) *Trap {
	// Linear memory mode relies on host faults inside the reservation
	// becoming recoverable panics on this goroutine.
	old := debug.SetPanicOnFault(true)
	defer debug.SetPanicOnFault(old)
	icount := m.Icount
	defer func() { e.retired.Add(m.Icount - icount) }()
	var fast [1 << fastBits]*block
	for !m.Stopping() {
		t, smc := e.run(m, &fast)
		if t != nil {
			return t
		}
		if smc {
			// A store hit a page holding decoded code; that code is gone
			// and the page is writable again. Run the store once without
			// caching: decoding a block here would protect the page again
			// and fault the same store forever.
			if t := e.step(m); t != nil {
				return t
			}
		}
	}
	return nil
}

// run is the dispatch loop. It returns (nil, false) when a stop is requested,
// (nil, true) when an instruction must be restarted because its store hit
// a page holding decoded code, or a trap.
func (e *Engine) run(m *x86.Machine, fast *[1 << fastBits]*block) (trap *Trap, smc bool) {
	var cur *block
	// pos is the index in cur of the running instruction. The loop keeps
	// it in a plain local (m.Cur is a pointer: storing it per instruction
	// costs a GC write-barrier check) and sets m.Cur only on a fault.
	pos := 0
	defer func() {
		if r := recover(); r != nil {
			if cur != nil && pos < len(cur.insts) {
				m.Cur = &cur.insts[pos]
			}
			trap, smc = e.fault(m, cur, r)
		}
	}()
	var prev *block
	for !m.Stopping() {
		rip := m.RIP
		b := (*block)(nil)
		if prev != nil {
			if n := prev.next.Load(); n != nil && n.start == rip && n.valid.Load() {
				b = n
			}
		}
		if b == nil {
			slot := &fast[(rip^rip>>fastBits)&(1<<fastBits-1)]
			if s := *slot; s != nil && s.start == rip && s.valid.Load() {
				b = s
			} else {
				b = e.lookup(rip)
				if e.opt.DecodeCache {
					*slot = b
				}
			}
			// The hint is set once: threads running the same code share
			// blocks, and rewriting it whenever a branch goes the other
			// way would bounce its cache line between their cores (two
			// threads ran slower than one). The per-thread fast array
			// serves the other successor.
			if prev != nil && e.opt.DecodeCache && prev.next.Load() == nil {
				prev.next.Store(b)
			}
		}
		cur = b
		insts := b.insts
		for i := range insts {
			pos = i
			in := &insts[i]
			m.RIP += uint64(in.Len)
			in.Exec(m, in)
			// A store into this block's own page (self-modifying code)
			// invalidates it: continue from freshly decoded bytes, as the
			// hardware's snooping of in-flight code does.
			if !b.valid.Load() {
				m.Icount += uint64(i + 1)
				b = nil
				break
			}
		}
		if b != nil {
			m.Icount += uint64(b.n)
		}
		prev = b
	}
	return nil, false
}

// step executes the one instruction at m.RIP from a private decode that is
// neither cached nor marked as code.
func (e *Engine) step(m *x86.Machine) (trap *Trap) {
	b := e.decodeBlock(m.RIP, 1)
	defer func() {
		if r := recover(); r != nil {
			trap, _ = e.fault(m, b, r)
		}
	}()
	in := &b.insts[0]
	m.Cur = in
	m.RIP += uint64(in.Len)
	in.Exec(m, in)
	m.Icount++
	return nil
}

// lookup finds or decodes the block at rip. Without the decode cache (-j)
// every instruction is decoded afresh right before it runs.
func (e *Engine) lookup(rip uint64) *block {
	if !e.opt.DecodeCache {
		return e.decodeBlock(rip, 1)
	}
	e.mu.Lock()
	b := e.blocks[rip]
	e.mu.Unlock()
	if b != nil {
		return b
	}
	b = e.decodeBlock(rip, maxBlockInsts)
	e.mu.Lock()
	if old := e.blocks[rip]; old != nil {
		// Another thread decoded it first; use theirs.
		e.mu.Unlock()
		return old
	}
	e.blocks[rip] = b
	first := rip &^ pageMask
	last := (b.end - 1) &^ pageMask
	e.pages[first] = append(e.pages[first], b)
	if last != first {
		e.pages[last] = append(e.pages[last], b)
	}
	e.mu.Unlock()
	// Mark after publishing: a write racing with this will find the block
	// in pages and invalidate it.
	e.space.MarkCode(first)
	if last != first {
		e.space.MarkCode(last)
	}
	return b
}

// decodeBlock decodes straight-line code from rip up to the first
// instruction that ends a block, the end of rip's page, or max instructions.
// The block starts out valid; only published blocks are ever invalidated.
// A fetch fault or invalid instruction becomes a trapping instruction
// inside the block, so that it is raised only when execution reaches it.
func (e *Engine) decodeBlock(rip uint64, max int) *block {
	e.blocksDecoded.Add(1)
	var buf [15]byte
	insts := make([]x86.Inst, 0, 16)
	pageEnd := (rip | pageMask) + 1
	a := rip
	for len(insts) < max {
		n := e.space.Fetch(a, buf[:])
		insts = append(insts, x86.Inst{})
		in := &insts[len(insts)-1]
		if n == 0 {
			setTrap(in, fetchFault)
			in.Len = 0
			break
		}
		err := decode.Decode(in, buf[:n])
		if err != nil {
			*in = x86.Inst{}
			if err == decode.ErrTruncated && n < len(buf) {
				// The instruction runs into memory we cannot fetch.
				setTrap(in, fetchFault)
				in.Len = 0
			} else {
				setTrap(in, invalidOpcode)
				in.Len = 0
			}
			break
		}
		interp.Bind(in)
		a += uint64(in.Len)
		if decode.EndsBlock(in) || a >= pageEnd {
			break
		}
	}
	n := len(insts)
	if e.opt.DecodeCache {
		insts = interp.Optimize(insts, rip)
	}
	end := a
	if end == rip {
		end = rip + 1 // a trapping instruction still occupies its page
	}
	b := &block{start: rip, end: end, insts: insts, n: n}
	b.valid.Store(true)
	return b
}

func setTrap(in *x86.Inst, h x86.Handler) { in.Exec = h }

// fetchFault runs in place of an instruction whose bytes could not be
// fetched: Linux reports SIGSEGV with si_addr = the instruction address
// (or the first unfetchable byte, which the fault handler works out).
func fetchFault(m *x86.Machine, in *x86.Inst) {
	panic(errFetch)
}

func invalidOpcode(m *x86.Machine, in *x86.Inst) { x86.Raise(x86.ExUD) }

type fetchError struct{}

func (fetchError) Error() string { return "instruction fetch fault" }

var errFetch = &fetchError{}

// instStart returns the address of the instruction m.Cur within b.
func instStart(b *block, cur *x86.Inst) (uint64, bool) {
	if b == nil || cur == nil {
		return 0, false
	}
	a := b.start
	for i := range b.insts {
		if &b.insts[i] == cur {
			return a, true
		}
		a += uint64(b.insts[i].Len)
	}
	return 0, false
}

// fault converts a recovered panic into a Trap, or asks for a restart.
func (e *Engine) fault(m *x86.Machine, b *block, r any) (*Trap, bool) {
	start, ok := instStart(b, m.Cur)
	if !ok {
		start = m.RIP
	}
	switch v := r.(type) {
	case *mem.Fault:
		m.RIP = start
		return &Trap{Sig: abi.SIGSEGV, Code: v.Code, Addr: v.Addr, RIP: start,
			Msg: fmt.Sprintf("segmentation fault accessing %#x", v.Addr)}, false
	case *fetchError:
		m.RIP = start
		addr := start
		var buf [15]byte
		if n := e.space.Fetch(start, buf[:]); n > 0 {
			addr = start + uint64(n)
		}
		f := e.space.FaultFor(addr, false)
		return &Trap{Sig: abi.SIGSEGV, Code: f.Code, Addr: addr, RIP: start,
			Msg: fmt.Sprintf("cannot fetch instruction at %#x", addr)}, false
	case *x86.Exception:
		return e.exception(m, start, v), false
	case runtime.Error:
		if hf, ok := r.(interface{ Addr() uintptr }); ok {
			if g, ok := e.space.HostFault(hf.Addr()); ok {
				m.RIP = start
				if e.space.HandleCodeWrite(g) {
					e.smcFaults.Add(1)
					return nil, true
				}
				f := e.space.FaultFor(g, false)
				return &Trap{Sig: abi.SIGSEGV, Code: f.Code, Addr: g, RIP: start,
					Msg: fmt.Sprintf("segmentation fault accessing %#x", g)}, false
			}
		}
	}
	// A Go runtime error or unexpected panic in a handler is a bug in blink.
	// It must not take blink down: report it as the guest crashing, loudly.
	m.RIP = start
	return &Trap{Sig: abi.SIGILL, Code: abi.ILL_ILLOPN, Addr: start, RIP: start, Internal: true,
		Msg: fmt.Sprintf("internal error executing instruction at %#x: %v\n%s", start, r, debug.Stack())}, false
}

func (e *Engine) exception(m *x86.Machine, start uint64, x *x86.Exception) *Trap {
	t := &Trap{RIP: start, Addr: start}
	m.RIP = start
	switch x.Vector {
	case x86.ExDE:
		t.Sig, t.Code, t.Msg = abi.SIGFPE, abi.FPE_INTDIV, "integer divide error"
	case x86.ExUD:
		t.Sig, t.Code, t.Msg = abi.SIGILL, abi.ILL_ILLOPN, "invalid opcode"
	case x86.ExBP:
		// Linux reports INT3 after the instruction, with si_code SI_KERNEL.
		m.RIP = start + uint64(m.Cur.Len)
		t.Sig, t.Code, t.Addr, t.Msg = abi.SIGTRAP, abi.SI_KERNEL, 0, "breakpoint"
	case x86.ExDB:
		m.RIP = start + uint64(m.Cur.Len)
		t.Sig, t.Code, t.Msg = abi.SIGTRAP, abi.TRAP_TRACE, "trace trap"
	case x86.ExGP:
		t.Sig, t.Code, t.Addr, t.Msg = abi.SIGSEGV, abi.SI_KERNEL, 0, "general protection fault"
	case x86.ExAC:
		t.Sig, t.Code, t.Addr, t.Msg = abi.SIGBUS, abi.BUS_ADRALN, x.Addr, "alignment check"
	case x86.ExMF, x86.ExXM:
		code := x.Code
		if code == 0 {
			code = abi.FPE_FLTINV
		}
		t.Sig, t.Code, t.Msg = abi.SIGFPE, code, "floating-point exception"
	default:
		t.Sig, t.Code, t.Addr, t.Msg = abi.SIGSEGV, abi.SI_KERNEL, 0, x.Error()
	}
	if x.Code != 0 && x.Vector != x86.ExMF && x.Vector != x86.ExXM {
		t.Code = x.Code
	}
	return t
}

// Package x86 defines the architectural state of one guest thread (Machine)
// and the decoded form of one instruction (Inst). It is the contract shared by
// the decoder (core/decode), the instruction handlers (core/interp, core/vec),
// the engine (core/vm) and the kernel (core/kernel).
//
// Conventions every handler follows:
//
//   - Before a handler runs, Machine.RIP already holds the address of the
//     next instruction, so RIP-relative operands and relative branches add to
//     it directly. A branch handler simply assigns RIP.
//   - Faults and exceptions are raised by panicking: memory accessors panic
//     with *mem.Fault, handlers call Raise (panics with *Exception). The engine
//     recovers, rewinds RIP to the faulting instruction and turns the event into
//     a guest signal. Faults are rare, so the hot path carries no error values.
//   - A handler that both stores to memory and writes registers or flags does
//     the store first: a faulting store must leave the machine unchanged, so the
//     instruction can be restarted (self-modifying-code detection relies on it).
//   - The hot path never allocates and never calls through an interface.
package x86

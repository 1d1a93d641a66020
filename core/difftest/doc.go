// Package difftest checks the interpreter against the CPU it runs on.
//
// Each test case is a short x86-64 snippet (usually one instruction) with a
// random machine state: the sixteen general registers, the status flags and
// DF, XMM0-15, MXCSR and one page of data memory. On linux/amd64 the snippet
// runs natively (native_linux_amd64.go, native_amd64.s) and in the emulator
// (emul.go) from the same state, and the results are compared. Memory operands
// point into a data page whose host address is also used as the guest address,
// so the same bytes (including RIP-relative displacements) mean the same thing
// in both worlds.
//
// The native results are recorded as vectors (vectors.go) in
// testdata/vectors, so hosts that cannot run x86 code (arm64, s390x, riscv64,
// darwin, windows) replay the same checks against the recorded outputs.
//
// Why these choices:
//   - Snippets are generated, never fuzzed blindly: a snippet that faults
//     natively would kill the test process, so the generator (forms.go,
//     gen.go) only builds instructions whose operands cannot fault (divisors
//     that give an in-range quotient, memory operands inside the data page,
//     no unmasked SIMD exceptions, only flags a user program can set).
//   - Flags and results Intel documents as undefined are masked per case
//     (the mask depends on the inputs, for example a shift's count), and the
//     mask is stored in the vector so replay needs no knowledge of the form.
//   - Non-operand state is random too: an emulator that clobbers a register
//     or writes memory it should not is caught by the full-state compare.
package difftest

// Package decode turns x86-64 machine code into x86.Inst values.
// CONTRACT STUB: replaced by the decoder implementation.
package decode

import (
	"errors"

	"github.com/blink-go/blink/core/x86"
)

var (
	// ErrTruncated: b ended before the instruction did (the caller may
	// have hit the end of executable memory: that is a fetch fault).
	ErrTruncated = errors.New("truncated instruction")
	// ErrInvalid: the bytes are not a valid 64-bit mode instruction (#UD).
	ErrInvalid = errors.New("invalid instruction")
)

// Decode decodes one instruction from b, which holds up to 15 bytes.
func Decode(in *x86.Inst, b []byte) error { return ErrInvalid }

// EndsBlock reports whether in may transfer control or must be seen by the
// engine before the next instruction runs (branches, calls, returns,
// SYSCALL, INT*, HLT, UD2, CPUID and other serialising instructions).
func EndsBlock(in *x86.Inst) bool { return true }

// Package vec implements the SSE and x87 instructions.
package vec

import "github.com/blink-go/blink/core/x86"

// Bind returns the handler for a vector or x87 instruction, or nil when
// the opcode is not one this package implements.
// CONTRACT STUB: replaced by the vec implementation.
func Bind(in *x86.Inst) x86.Handler { return nil }

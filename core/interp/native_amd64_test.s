//go:build linux

#include "textflag.h"

// func runNative(code uintptr, st *nstate)
// Loads RAX, RCX, RDX, RBX and RFLAGS from st, calls code (one instruction
// followed by RET), and stores the four registers and RFLAGS back.
TEXT ·runNative(SB), 0, $32-16
	MOVQ code+0(FP), R11
	MOVQ st+8(FP), DI
	MOVQ 0(DI), AX
	MOVQ 8(DI), CX
	MOVQ 16(DI), DX
	MOVQ 24(DI), BX
	PUSHQ 32(DI)
	POPFQ
	CALL R11
	PUSHFQ
	POPQ R10
	MOVQ st+8(FP), DI
	MOVQ R10, 32(DI)
	MOVQ AX, 0(DI)
	MOVQ CX, 8(DI)
	MOVQ DX, 16(DI)
	MOVQ BX, 24(DI)
	CLD
	RET

//go:build linux

#include "textflag.h"

// func run(code, img, save, gpr uintptr)
// Saves the caller's FPU/SSE state to save, loads img with FXRSTOR64, sets
// RAX, RCX, RFLAGS and RDX from gpr[0..3], calls code, then stores the state
// back to img with FXSAVE64, RAX/RCX/RFLAGS/RDX to gpr, and restores the
// caller's state.
TEXT ·run(SB), NOSPLIT, $0-32
	MOVQ code+0(FP), R11
	MOVQ img+8(FP), DI
	MOVQ save+16(FP), SI
	MOVQ gpr+24(FP), R12
	FXSAVE64 (SI)
	FXRSTOR64 (DI)
	MOVQ 0(R12), AX
	MOVQ 8(R12), CX
	MOVQ 24(R12), DX
	MOVQ 16(R12), R8
	PUSHQ R8
	POPFQ
	CALL R11
	PUSHFQ
	POPQ R8
	MOVQ AX, 0(R12)
	MOVQ CX, 8(R12)
	MOVQ R8, 16(R12)
	MOVQ DX, 24(R12)
	MOVQ img+8(FP), DI
	FXSAVE64 (DI)
	MOVQ save+16(FP), SI
	FXRSTOR64 (SI)
	RET

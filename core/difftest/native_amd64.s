//go:build amd64 && linux

#include "textflag.h"

// Offsets into ctl (native_linux_amd64.go checks them at init).
#define CTL_FLAGS 128
#define CTL_XMM 136
#define CTL_MXCSR 392
#define CTL_GOMXCSR 396
#define CTL_GOSP 400
#define CTL_GOBP 408
#define CTL_GOR14 416
#define CTL_CODE 424
#define CTL_STACK 4096

// func runNative(ctl uintptr)
//
// Loads the guest state from the control block and jumps to the code page.
// The snippet returns through the exit stub into nativeExit, which stores the
// state back and returns to runNative's caller on the saved Go stack. No
// guest register is assumed: RSP may be anything (Go's signal handlers run on
// the signal stack, and asynchronous preemption ignores non-Go PCs).
TEXT ·runNative(SB), NOSPLIT, $0-8
	MOVQ ctl+0(FP), AX
	MOVQ SP, CTL_GOSP(AX)
	MOVQ BP, CTL_GOBP(AX)
	MOVQ R14, CTL_GOR14(AX)
	STMXCSR CTL_GOMXCSR(AX)
	LDMXCSR CTL_MXCSR(AX)
	MOVOU (CTL_XMM+0)(AX), X0
	MOVOU (CTL_XMM+16)(AX), X1
	MOVOU (CTL_XMM+32)(AX), X2
	MOVOU (CTL_XMM+48)(AX), X3
	MOVOU (CTL_XMM+64)(AX), X4
	MOVOU (CTL_XMM+80)(AX), X5
	MOVOU (CTL_XMM+96)(AX), X6
	MOVOU (CTL_XMM+112)(AX), X7
	MOVOU (CTL_XMM+128)(AX), X8
	MOVOU (CTL_XMM+144)(AX), X9
	MOVOU (CTL_XMM+160)(AX), X10
	MOVOU (CTL_XMM+176)(AX), X11
	MOVOU (CTL_XMM+192)(AX), X12
	MOVOU (CTL_XMM+208)(AX), X13
	MOVOU (CTL_XMM+224)(AX), X14
	MOVOU (CTL_XMM+240)(AX), X15
	// POPFQ needs a stack: use the top of the control page.
	LEAQ CTL_STACK(AX), SP
	PUSHQ CTL_FLAGS(AX)
	POPFQ
	MOVQ 8(AX), CX
	MOVQ 16(AX), DX
	MOVQ 24(AX), BX
	MOVQ 32(AX), SP
	MOVQ 40(AX), BP
	MOVQ 48(AX), SI
	MOVQ 56(AX), DI
	MOVQ 64(AX), R8
	MOVQ 72(AX), R9
	MOVQ 80(AX), R10
	MOVQ 88(AX), R11
	MOVQ 96(AX), R12
	MOVQ 104(AX), R13
	MOVQ 112(AX), R14
	MOVQ 120(AX), R15
	// The entry stub at the start of the code page loads the guest RAX.
	MOVQ CTL_CODE(AX), AX
	JMP AX

// nativeExit is entered by a jump from the exit stub with AX = control
// block and the guest RAX already stored.
TEXT ·nativeExit(SB), NOSPLIT, $0-0
	MOVQ CX, 8(AX)
	MOVQ DX, 16(AX)
	MOVQ BX, 24(AX)
	MOVQ SP, 32(AX)
	MOVQ BP, 40(AX)
	MOVQ SI, 48(AX)
	MOVQ DI, 56(AX)
	MOVQ R8, 64(AX)
	MOVQ R9, 72(AX)
	MOVQ R10, 80(AX)
	MOVQ R11, 88(AX)
	MOVQ R12, 96(AX)
	MOVQ R13, 104(AX)
	MOVQ R14, 112(AX)
	MOVQ R15, 120(AX)
	LEAQ CTL_STACK(AX), SP
	PUSHFQ
	POPQ CTL_FLAGS(AX)
	CLD // the Go ABI requires DF clear
	STMXCSR CTL_MXCSR(AX)
	MOVOU X0, (CTL_XMM+0)(AX)
	MOVOU X1, (CTL_XMM+16)(AX)
	MOVOU X2, (CTL_XMM+32)(AX)
	MOVOU X3, (CTL_XMM+48)(AX)
	MOVOU X4, (CTL_XMM+64)(AX)
	MOVOU X5, (CTL_XMM+80)(AX)
	MOVOU X6, (CTL_XMM+96)(AX)
	MOVOU X7, (CTL_XMM+112)(AX)
	MOVOU X8, (CTL_XMM+128)(AX)
	MOVOU X9, (CTL_XMM+144)(AX)
	MOVOU X10, (CTL_XMM+160)(AX)
	MOVOU X11, (CTL_XMM+176)(AX)
	MOVOU X12, (CTL_XMM+192)(AX)
	MOVOU X13, (CTL_XMM+208)(AX)
	MOVOU X14, (CTL_XMM+224)(AX)
	MOVOU X15, (CTL_XMM+240)(AX)
	LDMXCSR CTL_GOMXCSR(AX)
	XORPS X15, X15 // ABIInternal keeps X15 zero
	MOVQ CTL_GOBP(AX), BP
	MOVQ CTL_GOR14(AX), R14
	MOVQ CTL_GOSP(AX), SP
	RET

// func exitPC() uintptr
TEXT ·exitPC(SB), NOSPLIT, $0-8
	LEAQ ·nativeExit(SB), AX
	MOVQ AX, ret+0(FP)
	RET

// func cpuid(leaf, sub uint32) (eax, ebx, ecx, edx uint32)
TEXT ·cpuid(SB), NOSPLIT, $0-24
	MOVL leaf+0(FP), AX
	MOVL sub+4(FP), CX
	CPUID
	MOVL AX, eax+8(FP)
	MOVL BX, ebx+12(FP)
	MOVL CX, ecx+16(FP)
	MOVL DX, edx+20(FP)
	RET

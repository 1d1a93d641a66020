// fpe unmasks floating-point exceptions and checks the SIGFPE each one
// raises: si_code, si_addr (which instruction faulted), the trap number
// and the FPU state the handler sees. SSE exceptions fault at the
// instruction itself (#XM) and leave its destination unchanged; an x87
// exception only marks itself pending and faults (#MF) at the next waiting
// x87 instruction. The control word and MXCSR are set by inline assembly,
// since musl has no feenableexcept. Each case leaves the handler by
// siglongjmp.
#define _GNU_SOURCE
#include <float.h>
#include <limits.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <ucontext.h>

static sigjmp_buf jb;
static volatile int got_code;
static volatile uintptr_t got_addr;
static volatile long got_trapno;
static volatile unsigned got_swd, got_cwd, got_mxcsr, got_ftw;
static volatile uint16_t got_st[2][5];
static volatile uint32_t got_xmm0[4];

static void handler(int sig, siginfo_t *si, void *uc_)
{
	ucontext_t *uc = uc_;

	got_code = si->si_code;
	got_addr = (uintptr_t)si->si_addr;
	got_trapno = uc->uc_mcontext.gregs[REG_TRAPNO];
	got_swd = uc->uc_mcontext.fpregs->swd;
	got_cwd = uc->uc_mcontext.fpregs->cwd;
	got_ftw = uc->uc_mcontext.fpregs->ftw;
	got_mxcsr = uc->uc_mcontext.fpregs->mxcsr;
	for (int i = 0; i < 2; i++)
		memcpy((void *)got_st[i], &uc->uc_mcontext.fpregs->_st[i], 10);
	memcpy((void *)got_xmm0, &uc->uc_mcontext.fpregs->_xmm[0], 16);
	siglongjmp(jb, 1);
}

static const char *codename(int c)
{
	switch (c) {
	case FPE_INTDIV: return "FPE_INTDIV";
	case FPE_INTOVF: return "FPE_INTOVF";
	case FPE_FLTDIV: return "FPE_FLTDIV";
	case FPE_FLTOVF: return "FPE_FLTOVF";
	case FPE_FLTUND: return "FPE_FLTUND";
	case FPE_FLTRES: return "FPE_FLTRES";
	case FPE_FLTINV: return "FPE_FLTINV";
	case FPE_FLTSUB: return "FPE_FLTSUB";
	}
	return "?";
}

// Operands in memory, out of the compiler's sight.
static volatile double d_half = 0.5, d_min = DBL_MIN;
static volatile double d_one = 1.0, d_zero = 0.0, d_three = 3.0, d_m1 = -1.0, d_07 = 0.7;
static volatile double d_tiny = 1.1 * DBL_MIN;
static volatile double d_max = DBL_MAX, d_den = 4.9406564584124654e-324;
static volatile double d_nan = __builtin_nan(""), d_big = 1e300;
static volatile float f_out = 42.0f;
static volatile int i_out = 42;
static volatile int i_a = 7, i_zero = 0, i_min = INT_MIN, i_m1 = -1;

// The faulting instructions carry global labels so si_addr can be checked.
extern char l_divsd[], l_sqrtsd[], l_mulsd[], l_mulsd2[], l_divsd2[], l_addsd[],
	l_divsd3[], l_cvt[], l_divps[], l_fwait1[], l_fldcw2[], l_fld3[],
	l_fwait4[], l_fwait5[], l_fwait6[], l_fwait7[], l_fld8[], l_fwait9[],
	l_fwait10[], l_idiv1[], l_idiv2[], l_addsd4[], l_mulsd5[];

static void setmx(unsigned mx) { __asm__ volatile("ldmxcsr %0" : : "m"(mx)); }

// Each case runs one function; noinline and noclone keep each labelled
// instruction single.
#define CASE __attribute__((noinline, noclone)) static void

CASE sse_divzero(void)
{
	setmx(0x1f80 & ~0x200); // ZM clear
	__asm__ volatile("movsd %0, %%xmm0\n\t.globl l_divsd\nl_divsd: divsd %1, %%xmm0"
			 : : "m"(d_one), "m"(d_zero) : "xmm0");
}

CASE sse_invalid(void)
{
	setmx(0x1f80 & ~0x080); // IM clear
	__asm__ volatile("movsd %0, %%xmm0\n\t.globl l_sqrtsd\nl_sqrtsd: sqrtsd %1, %%xmm0"
			 : : "m"(d_three), "m"(d_m1) : "xmm0");
}

CASE sse_overflow(void)
{
	setmx(0x1f80 & ~0x400); // OM clear
	__asm__ volatile("movsd %0, %%xmm0\n\t.globl l_mulsd\nl_mulsd: mulsd %0, %%xmm0"
			 : : "m"(d_max) : "xmm0");
}

CASE sse_underflow(void)
{
	setmx(0x1f80 & ~0x800); // UM clear
	__asm__ volatile("movsd %0, %%xmm0\n\t.globl l_mulsd2\nl_mulsd2: mulsd %1, %%xmm0"
			 : : "m"(d_tiny), "m"(d_07) : "xmm0");
}

CASE sse_inexact(void)
{
	setmx(0x1f80 & ~0x1000); // PM clear
	__asm__ volatile("movsd %0, %%xmm0\n\t.globl l_divsd2\nl_divsd2: divsd %1, %%xmm0"
			 : : "m"(d_one), "m"(d_three) : "xmm0");
}

CASE sse_denormal(void)
{
	setmx(0x1f80 & ~0x100); // DM clear
	__asm__ volatile("movsd %0, %%xmm0\n\t.globl l_addsd\nl_addsd: addsd %0, %%xmm0"
			 : : "m"(d_den) : "xmm0");
}

// An unmasked denormal operand stops the addition before it rounds: DE
// alone, no PE, though 1 + denormal is inexact.
CASE sse_den_inexact(void)
{
	setmx(0x1f80 & ~0x100); // DM clear
	__asm__ volatile("movsd %0, %%xmm0\n\t.globl l_addsd4\nl_addsd4: addsd %1, %%xmm0"
			 : : "m"(d_one), "m"(d_den) : "xmm0");
}

// A trapping underflow reports PE as if the exponent were unbounded:
// DBL_MIN / 2 is exact then, so UE alone.
CASE sse_uf_exact(void)
{
	setmx(0x1f80 & ~0x800); // UM clear
	__asm__ volatile("movsd %0, %%xmm0\n\t.globl l_mulsd5\nl_mulsd5: mulsd %1, %%xmm0"
			 : : "m"(d_min), "m"(d_half) : "xmm0");
}

// A flag already set when the exception is unmasked counts for si_code:
// Linux reports the first of all unmasked flags, so a stale IE turns a
// divide by zero into FPE_FLTINV.
CASE sse_stale(void)
{
	setmx((0x1f80 & ~0x280) | 0x01); // IM and ZM clear, IE set
	__asm__ volatile("movsd %0, %%xmm0\n\t.globl l_divsd3\nl_divsd3: divsd %1, %%xmm0"
			 : : "m"(d_one), "m"(d_zero) : "xmm0");
}

CASE sse_cvt(void)
{
	int r;
	setmx(0x1f80 & ~0x080);
	__asm__ volatile("movsd %2, %%xmm0\n\t.globl l_cvt\nl_cvt: cvttsd2si %1, %0"
			 : "=r"(r) : "m"(d_nan), "m"(d_three) : "xmm0");
	(void)r;
}

CASE sse_packed(void)
{
	static const float a[4] __attribute__((aligned(16))) = {1, 2, 3, 4};
	static const float b[4] __attribute__((aligned(16))) = {1, 2, 0, 4};
	setmx(0x1f80 & ~0x200);
	__asm__ volatile("movaps %0, %%xmm0\n\t.globl l_divps\nl_divps: divps %1, %%xmm0"
			 : : "m"(a), "m"(b) : "xmm0");
}

static void setcw(unsigned short cw) { __asm__ volatile("fldcw %0" : : "m"(cw)); }

// x87: FDIVP by zero marks ZE pending; FWAIT then faults. FDIVP neither
// stores nor pops.
CASE x87_divzero(void)
{
	__asm__ volatile("fninit");
	setcw(0x037f & ~0x04);
	__asm__ volatile("fld1\n\tfldz\n\tfdivrp\n\t.globl l_fwait1\nl_fwait1: fwait" : : : "memory");
}

// FLDCW waits too: a pending exception faults there.
CASE x87_fldcw(void)
{
	__asm__ volatile("fninit");
	setcw(0x037f & ~0x04);
	__asm__ volatile("fld1\n\tfldz\n\tfdivrp\n\t.globl l_fldcw2\nl_fldcw2: fldcw %0"
			 : : "m"(*(unsigned short[]){0x037f}) : "memory");
}

// FSQRT of -1 leaves ST(0); the next x87 instruction (FLD1) faults.
CASE x87_invalid(void)
{
	__asm__ volatile("fninit");
	setcw(0x037f & ~0x01);
	__asm__ volatile("fld1\n\tfchs\n\tfsqrt\n\t.globl l_fld3\nl_fld3: fld1" : : : "memory");
}

// FSTP m32 of 1e300 with OE unmasked stores nothing and pops nothing.
CASE x87_overflow(void)
{
	__asm__ volatile("fninit");
	setcw(0x037f & ~0x08);
	__asm__ volatile("fldl %1\n\tfstps %0\n\t.globl l_fwait4\nl_fwait4: fwait"
			 : "=m"(f_out) : "m"(d_big) : "memory");
}

// FADDP on an empty stack: a stack fault (IE with SF).
CASE x87_stack(void)
{
	__asm__ volatile("fninit");
	setcw(0x037f & ~0x01);
	__asm__ volatile("faddp\n\t.globl l_fwait5\nl_fwait5: fwait" : : : "memory");
}

// FISTP of 1e300: invalid, nothing stored.
CASE x87_fistp(void)
{
	__asm__ volatile("fninit");
	setcw(0x037f & ~0x01);
	__asm__ volatile("fldl %1\n\tfistpl %0\n\t.globl l_fwait6\nl_fwait6: fwait"
			 : "=m"(i_out) : "m"(d_big) : "memory");
}

// FSTP m32 of π with PE unmasked stores the rounded value and pops, then
// faults at the FWAIT.
CASE x87_inexact(void)
{
	__asm__ volatile("fninit");
	setcw(0x037f & ~0x20);
	__asm__ volatile("fldpi\n\tfstps %0\n\t.globl l_fwait7\nl_fwait7: fwait"
			 : "=m"(f_out) : : "memory");
}

// A flag set while masked becomes pending when FLDCW unmasks it: FLDCW
// itself checks before loading, so the fault is at the next instruction.
CASE x87_late_unmask(void)
{
	__asm__ volatile("fninit\n\tfld1\n\tfldz\n\tfdivrp" : : : "memory");
	setcw(0x037f & ~0x04);
	__asm__ volatile(".globl l_fld8\nl_fld8: fld1" : : : "memory");
}

// FADDP with a denormal operand and DE unmasked: nothing is computed, so
// only DE is reported (no PE) and nothing is popped.
static long double ld_den = 1e-4940L;

CASE x87_denormal(void)
{
	__asm__ volatile("fninit");
	setcw(0x037f & ~0x02);
	__asm__ volatile("fld1\n\tfldt %0\n\tfaddp\n\t.globl l_fwait9\nl_fwait9: fwait"
			 : : "m"(ld_den) : "memory");
}

// FLD m64 of a denormal with DE unmasked still loads it.
CASE x87_fld_denormal(void)
{
	__asm__ volatile("fninit");
	setcw(0x037f & ~0x02);
	__asm__ volatile("fldl %0\n\t.globl l_fwait10\nl_fwait10: fwait" : : "m"(d_den) : "memory");
}

CASE int_divzero(void)
{
	int q;
	__asm__ volatile("movl %1, %%eax\n\tcltd\n\t.globl l_idiv1\nl_idiv1: idivl %2\n\tmovl %%eax, %0"
			 : "=r"(q) : "m"(i_a), "m"(i_zero) : "eax", "edx");
	(void)q;
}

CASE int_overflow(void)
{
	int q;
	__asm__ volatile("movl %1, %%eax\n\tcltd\n\t.globl l_idiv2\nl_idiv2: idivl %2\n\tmovl %%eax, %0"
			 : "=r"(q) : "m"(i_min), "m"(i_m1) : "eax", "edx");
	(void)q;
}

// What to show of the FPU state the handler saw.
enum { SHOW_SSE, SHOW_X87, SHOW_NONE };

static void run(const char *name, void (*fn)(void), const char *label, int show)
{
	unsigned mx = 0x1f80;

	if (!sigsetjmp(jb, 1)) {
		fn();
		printf("%-14s no signal\n", name);
	} else {
		long off = (long)(got_addr - (uintptr_t)label);
		printf("%-14s %s si_addr %s%+ld trapno %ld", name, codename(got_code),
		       off ? "label" : "at label", off, got_trapno);
		if (show == SHOW_X87)
			printf(" swd %04x cwd %04x top %u ftw %02x st0 %04x:%04x%04x%04x%04x st1 %04x:%04x%04x%04x%04x",
			       got_swd, got_cwd, (got_swd >> 11) & 7, got_ftw & 0xff,
			       got_st[0][4], got_st[0][3], got_st[0][2], got_st[0][1], got_st[0][0],
			       got_st[1][4], got_st[1][3], got_st[1][2], got_st[1][1], got_st[1][0]);
		else if (show == SHOW_SSE)
			printf(" mxcsr %08x xmm0 %08x%08x%08x%08x", got_mxcsr,
			       got_xmm0[3], got_xmm0[2], got_xmm0[1], got_xmm0[0]);
		printf("\n");
	}
	// The handler ran with a fresh FPU state; start each case from the
	// defaults anyway.
	__asm__ volatile("fninit\n\tldmxcsr %0" : : "m"(mx));
}

int main(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = handler;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGFPE, &sa, NULL);

	run("sse divzero", sse_divzero, l_divsd, SHOW_SSE);
	run("sse invalid", sse_invalid, l_sqrtsd, SHOW_SSE);
	run("sse overflow", sse_overflow, l_mulsd, SHOW_SSE);
	run("sse underflow", sse_underflow, l_mulsd2, SHOW_SSE);
	run("sse inexact", sse_inexact, l_divsd2, SHOW_SSE);
	run("sse denormal", sse_denormal, l_addsd, SHOW_SSE);
	run("sse den+PE", sse_den_inexact, l_addsd4, SHOW_SSE);
	run("sse uf exact", sse_uf_exact, l_mulsd5, SHOW_SSE);
	run("sse stale IE", sse_stale, l_divsd3, SHOW_SSE);
	run("sse cvttsd2si", sse_cvt, l_cvt, SHOW_SSE);
	run("sse divps", sse_packed, l_divps, SHOW_SSE);
	run("x87 divzero", x87_divzero, l_fwait1, SHOW_X87);
	run("x87 fldcw", x87_fldcw, l_fldcw2, SHOW_X87);
	run("x87 invalid", x87_invalid, l_fld3, SHOW_X87);
	run("x87 overflow", x87_overflow, l_fwait4, SHOW_X87);
	printf("  f32 after: %g\n", (double)f_out);
	run("x87 stack", x87_stack, l_fwait5, SHOW_X87);
	run("x87 fistp", x87_fistp, l_fwait6, SHOW_X87);
	printf("  i32 after: %d\n", i_out);
	run("x87 inexact", x87_inexact, l_fwait7, SHOW_X87);
	printf("  f32 after: %.9g\n", (double)f_out);
	run("x87 unmask", x87_late_unmask, l_fld8, SHOW_X87);
	run("x87 denormal", x87_denormal, l_fwait9, SHOW_X87);
	run("x87 fld den", x87_fld_denormal, l_fwait10, SHOW_X87);
	run("int divzero", int_divzero, l_idiv1, SHOW_NONE);
	run("int overflow", int_overflow, l_idiv2, SHOW_NONE);
	return 0;
}

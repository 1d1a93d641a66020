// smc checks that the emulator notices code being written: an emulator that
// caches decoded instructions must drop them when the bytes change. It also
// checks the W^X flow JITs use (write RW, mprotect RX) and that writing to an
// RX page faults.
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

typedef int (*fn)(void);

// mov eax, imm32 ; ret
static const unsigned char movret[] = {0xb8, 0, 0, 0, 0, 0xc3};

// Code that patches an instruction later in its own straight-line block:
//   lea rax, [rip+7]          ; address of the imm32 of the mov below
//   mov dword [rax], 0x1234
//   mov eax, 0                ; executes as mov eax, 0x1234 on real CPUs
//   ret
static const unsigned char selfpatch[] = {
	0x48, 0x8d, 0x05, 0x07, 0x00, 0x00, 0x00,
	0xc7, 0x00, 0x34, 0x12, 0x00, 0x00,
	0xb8, 0x00, 0x00, 0x00, 0x00,
	0xc3,
};

static sigjmp_buf jb;

static void on_segv(int sig)
{
	siglongjmp(jb, sig);
}

static void setimm(unsigned char *code, int v)
{
	memcpy(code + 1, &v, 4);
}

int main(int argc, char **argv)
{
	unsigned char *volatile p; // volatile: it must survive siglongjmp
	volatile int i;
	long sum = 0;

	if (argc > 1 && strcmp(argv[1], "sameblock") == 0) {
		p = mmap(0, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		memcpy(p, selfpatch, sizeof selfpatch);
		printf("self-patched block returns %#x\n", ((fn)p)());
		printf("patched bytes stayed: %#x\n", ((fn)p)());
		return 0;
	}

	p = mmap(0, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		printf("mmap rwx failed\n");
		return 1;
	}
	memcpy(p, movret, sizeof movret);
	setimm(p, 111);
	printf("rwx first call: %d\n", ((fn)p)());
	setimm(p, 222);
	printf("rwx after patch: %d\n", ((fn)p)());

	// Patch between every call: a stale decode cache shows up as a wrong sum.
	for (i = 0; i < 1000; i++) {
		setimm(p, i);
		sum += ((fn)p)();
	}
	printf("rwx patched 1000 times: sum=%ld (want 499500)\n", sum);

	// Replace the whole instruction, not just its immediate:
	// xor eax, eax ; dec eax ; ret
	memcpy(p, "\x31\xc0\xff\xc8\xc3", 5);
	printf("rwx new instructions: %d\n", ((fn)p)());
	munmap(p, 4096);

	p = mmap(0, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		 -1, 0);
	memcpy(p, movret, sizeof movret);
	setimm(p, 333);
	printf("mprotect RX: %d\n", mprotect(p, 4096, PROT_READ | PROT_EXEC));
	printf("w^x first call: %d\n", ((fn)p)());
	mprotect(p, 4096, PROT_READ | PROT_WRITE);
	setimm(p, 444);
	mprotect(p, 4096, PROT_READ | PROT_EXEC);
	printf("w^x after patch: %d\n", ((fn)p)());

	{
		struct sigaction sa;
		int r;
		memset(&sa, 0, sizeof sa);
		sa.sa_handler = on_segv;
		sigaction(SIGSEGV, &sa, NULL);
		r = sigsetjmp(jb, 1);
		if (r == 0) {
			*(volatile unsigned char *)(p + 1) = 0;
			printf("write to RX page did not fault\n");
		} else {
			printf("write to RX page faults: signal %d\n", r);
		}
		printf("code intact after fault: %d\n", ((fn)p)());
	}
	return 0;
}

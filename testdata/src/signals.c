// signals exercises signal delivery: siginfo and ucontext contents,
// handlers changing registers through the ucontext, SA_RESTART against
// EINTR, SA_RESETHAND and SA_NODEFER, blocked and pending signals,
// sigsuspend, sigtimedwait, sigqueue values, alarm and setitimer, a stack
// overflow caught on the alternate stack, and nanosleep's remaining time.
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

static volatile sig_atomic_t hits, depth, maxdepth;
static volatile uintptr_t fpstate_ptr;
static siginfo_t last;
static sigjmp_buf jb;

static void on_info(int sig, siginfo_t *si, void *ctx)
{
	ucontext_t *uc = ctx;
	last = *si;
	fpstate_ptr = (uintptr_t)uc->uc_mcontext.fpregs;
	hits++;
}

static void on_segv_skip(int sig, siginfo_t *si, void *ctx)
{
	ucontext_t *uc = ctx;
	last = *si;
	// The faulting instruction is "movl $1, (%rax)" (c7 00 01 00 00 00):
	// step over it and make the result visible in RBX.
	uc->uc_mcontext.gregs[REG_RIP] += 6;
	uc->uc_mcontext.gregs[REG_RBX] = 0x1234;
	hits++;
}

static void on_plain(int sig) { hits++; }

static void on_nested(int sig)
{
	depth++;
	hits++;
	if (depth > maxdepth)
		maxdepth = depth;
	if (hits < 3)
		raise(sig);
	depth--;
}

static void on_jump(int sig) { siglongjmp(jb, sig); }

static void set(int sig, void (*h)(int), int flags)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = h;
	sa.sa_flags = flags;
	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, NULL);
}

static void seti(int sig, void (*h)(int, siginfo_t *, void *), int flags)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = h;
	sa.sa_flags = flags | SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, NULL);
}

static void test_info(void)
{
	seti(SIGUSR1, on_info, 0);
	hits = 0;
	kill(getpid(), SIGUSR1);
	printf("kill: hits=%d signo=%d code=%d pid ok=%d uid ok=%d\n", hits, last.si_signo, last.si_code,
	       last.si_pid == getpid(), last.si_uid == getuid());
	printf("frame: fpstate 64-aligned=%d\n", fpstate_ptr % 64 == 0 && fpstate_ptr != 0);
	union sigval v = {.sival_int = 77};
	sigqueue(getpid(), SIGUSR1, v);
	printf("sigqueue: code=%d value=%d\n", last.si_code, last.si_value.sival_int);

	seti(SIGSEGV, on_segv_skip, 0);
	long rbx;
	__asm__ volatile("mov $0, %%rbx\n\tmovl $1, (%%rax)\n\tmov %%rbx, %0"
			 : "=r"(rbx) : "a"(16) : "rbx", "memory");
	printf("segv: signo=%d code=%d addr=%p rbx=%#lx\n", last.si_signo, last.si_code, last.si_addr, rbx);
	char *ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	__asm__ volatile("movl $1, (%%rax)" : : "a"(ro) : "rbx", "memory");
	printf("segv on read-only page: code=%d addr ok=%d\n", last.si_code, last.si_addr == ro);
	set(SIGSEGV, SIG_DFL, 0);

	set(SIGFPE, on_jump, SA_NODEFER);
	if (sigsetjmp(jb, 1) == 0) {
		volatile int zero = 0, hundred = 100;
		printf("%d\n", hundred / zero);
	}
	printf("SIGFPE caught\n");
}

static void test_flags(void)
{
	set(SIGUSR2, on_plain, SA_RESETHAND);
	hits = 0;
	raise(SIGUSR2);
	struct sigaction old;
	sigaction(SIGUSR2, NULL, &old);
	printf("SA_RESETHAND: hits=%d now default=%d\n", hits, old.sa_handler == SIG_DFL);
	depth = maxdepth = hits = 0;
	set(SIGUSR2, on_nested, SA_NODEFER);
	raise(SIGUSR2);
	printf("SA_NODEFER nesting depth %d calls %d\n", maxdepth, hits);
	depth = maxdepth = hits = 0;
	set(SIGUSR2, on_nested, 0);
	raise(SIGUSR2);
	printf("deferred nesting depth %d calls %d\n", maxdepth, hits);

	sigset_t s, p;
	sigemptyset(&s);
	sigaddset(&s, SIGUSR2);
	set(SIGUSR2, on_plain, 0);
	hits = 0;
	sigprocmask(SIG_BLOCK, &s, NULL);
	raise(SIGUSR2);
	raise(SIGUSR2);
	sigpending(&p);
	printf("blocked: hits=%d pending=%d\n", hits, sigismember(&p, SIGUSR2));
	sigprocmask(SIG_UNBLOCK, &s, NULL);
	printf("unblocked: hits=%d (standard signals do not queue)\n", hits);

	// Real-time signals queue every instance, in order.
	sigemptyset(&s);
	sigaddset(&s, SIGRTMIN);
	sigprocmask(SIG_BLOCK, &s, NULL);
	for (int i = 0; i < 3; i++) {
		union sigval v = {.sival_int = i};
		sigqueue(getpid(), SIGRTMIN, v);
	}
	siginfo_t si;
	for (int i = 0; i < 3; i++) {
		int sig = sigwaitinfo(&s, &si);
		printf("sigwaitinfo: rt+%d value %d\n", sig - SIGRTMIN, si.si_value.sival_int);
	}
	struct timespec ts = {0, 10000000};
	errno = 0;
	int r = sigtimedwait(&s, &si, &ts);
	printf("sigtimedwait timeout: %d %s\n", r, errno == EAGAIN ? "EAGAIN" : "?");
	sigprocmask(SIG_UNBLOCK, &s, NULL);
}

static void test_restart(void)
{
	int fds[2];
	char c;
	pipe(fds);
	set(SIGALRM, on_plain, 0);
	hits = 0;
	alarm(1);
	errno = 0;
	ssize_t r = read(fds[0], &c, 1);
	printf("read without SA_RESTART: %zd %s hits=%d\n", r, errno == EINTR ? "EINTR" : "?", hits);

	// With SA_RESTART the read goes on; a child writes after the alarm.
	set(SIGALRM, on_plain, SA_RESTART);
	hits = 0;
	struct itimerval it = {{0, 0}, {0, 50000}};
	setitimer(ITIMER_REAL, &it, NULL);
	pid_t p = fork();
	if (p == 0) {
		usleep(300000);
		write(fds[1], "k", 1);
		_exit(0);
	}
	r = read(fds[0], &c, 1);
	printf("read with SA_RESTART: %zd '%c' hits=%d\n", r, c, hits);
	waitpid(p, NULL, 0);

	set(SIGALRM, on_plain, 0);
	it.it_value.tv_usec = 50000;
	setitimer(ITIMER_REAL, &it, NULL);
	struct timespec req = {5, 0}, rem = {0, 0};
	r = nanosleep(&req, &rem);
	printf("nanosleep: %zd %s rem in (4s,5s)=%d\n", r, errno == EINTR ? "EINTR" : "?",
	       rem.tv_sec == 4 && rem.tv_nsec > 0);

	// sigsuspend returns after the handler with the old mask back.
	sigset_t block, old, during;
	sigemptyset(&block);
	sigaddset(&block, SIGALRM);
	sigprocmask(SIG_BLOCK, &block, &old);
	setitimer(ITIMER_REAL, &it, NULL);
	sigemptyset(&during);
	hits = 0;
	r = sigsuspend(&during);
	sigset_t now;
	sigprocmask(SIG_BLOCK, NULL, &now);
	printf("sigsuspend: %zd %s hits=%d alrm still blocked=%d\n", r, errno == EINTR ? "EINTR" : "?", hits,
	       sigismember(&now, SIGALRM));
	sigprocmask(SIG_SETMASK, &old, NULL);

	set(SIGCHLD, on_plain, 0);
	hits = 0;
	p = fork();
	if (p == 0)
		_exit(0);
	int st;
	while (waitpid(p, &st, 0) < 0 && errno == EINTR)
		;
	printf("SIGCHLD: hits=%d\n", hits);
	set(SIGCHLD, SIG_DFL, 0);
}

#pragma GCC diagnostic ignored "-Winfinite-recursion"
static void recurse(void)
{
	volatile char pad[1024];
	pad[0] = 0;
	recurse();
	pad[1] = pad[0];
}

static void on_overflow(int sig, siginfo_t *si, void *ctx)
{
	stack_t ss;
	sigaltstack(NULL, &ss);
	char here;
	int on = (uintptr_t)&here > (uintptr_t)ss.ss_sp && (uintptr_t)&here < (uintptr_t)ss.ss_sp + ss.ss_size;
	printf("overflow: SIGSEGV code=%d on altstack=%d flags=%d\n", si->si_code, on, ss.ss_flags);
	_exit(0);
}

static void test_altstack(void)
{
	// In a child, so the parent keeps its stack.
	pid_t p = fork();
	if (p == 0) {
		stack_t ss = {.ss_sp = malloc(65536), .ss_size = 65536};
		sigaltstack(&ss, NULL);
		seti(SIGSEGV, on_overflow, SA_ONSTACK);
		recurse();
		_exit(1);
	}
	int st;
	waitpid(p, &st, 0);
	printf("overflow child exit %d\n", WEXITSTATUS(st));
	// Without an alternate stack the same overflow kills.
	p = fork();
	if (p == 0) {
		seti(SIGSEGV, on_overflow, 0);
		recurse();
		_exit(1);
	}
	waitpid(p, &st, 0);
	printf("overflow without altstack: signaled=%d sig=%d\n", WIFSIGNALED(st), WTERMSIG(st));
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	test_info();
	test_flags();
	test_restart();
	test_altstack();
	// A blocked SIGSEGV cannot hold back a fault: the process dies.
	pid_t p = fork();
	if (p == 0) {
		sigset_t s;
		sigemptyset(&s);
		sigaddset(&s, SIGSEGV);
		sigprocmask(SIG_BLOCK, &s, NULL);
		signal(SIGSEGV, SIG_IGN);
		int *volatile bad = (int *)8;
		*bad = 1;
		_exit(0);
	}
	int st;
	waitpid(p, &st, 0);
	printf("blocked+ignored fault: signaled=%d sig=%d\n", WIFSIGNALED(st), WTERMSIG(st));
	return 0;
}

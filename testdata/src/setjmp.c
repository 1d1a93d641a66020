// setjmp exercises non-local jumps: the plain case, longjmp(0) turning into
// 1, unwinding deep recursion, volatile locals surviving, and sigsetjmp /
// siglongjmp out of a signal handler, which also needs signal delivery,
// sigreturn-free exit from a handler and the saved signal mask restored.
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

static jmp_buf env;
static sigjmp_buf senv;
static volatile int depth_reached;

static void recurse(int depth)
{
	char pad[64]; // make each frame use real stack
	memset(pad, depth, sizeof pad);
	depth_reached = depth;
	if (depth == 1000)
		longjmp(env, depth);
	if (depth < 5000) // always true; keeps gcc from calling it infinite
		recurse(depth + 1);
	if (pad[depth % 64] != (char)depth) // never reached: keeps pad live
		printf("stack corrupted\n");
}

static void on_usr1(int sig)
{
	siglongjmp(senv, sig);
}

int main(void)
{
	volatile int counter = 0;
	int r;

	r = setjmp(env);
	counter++;
	if (r == 0)
		longjmp(env, 7);
	printf("plain: r=%d counter=%d\n", r, counter);

	r = setjmp(env);
	if (r == 0)
		longjmp(env, 0);
	printf("longjmp(0) returns %d\n", r);

	r = setjmp(env);
	if (r == 0)
		recurse(0);
	printf("unwound from depth %d (r=%d)\n", depth_reached, r);

	{
		struct sigaction sa;
		sigset_t cur;

		memset(&sa, 0, sizeof sa);
		sa.sa_handler = on_usr1;
		sigemptyset(&sa.sa_mask);
		sigaction(SIGUSR1, &sa, NULL);
		r = sigsetjmp(senv, 1);
		if (r == 0) {
			raise(SIGUSR1);
			printf("not reached\n");
		}
		sigprocmask(SIG_BLOCK, NULL, &cur);
		printf("siglongjmp from handler: r=%d usr1 blocked after=%d\n", r,
		       sigismember(&cur, SIGUSR1));

		// Without saving the mask, the handler's SIGUSR1 block persists.
		r = sigsetjmp(senv, 0);
		if (r == 0)
			raise(SIGUSR1);
		sigprocmask(SIG_BLOCK, NULL, &cur);
		printf("sigsetjmp(.., 0): r=%d usr1 blocked after=%d\n", r,
		       sigismember(&cur, SIGUSR1));
	}
	return 0;
}

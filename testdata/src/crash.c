// crash dies the way argv[1] says, so the emulator's fault and signal
// delivery paths can be compared with the kernel's: segv (null store,
// SIGSEGV), ud2 (SIGILL), int3 (SIGTRAP), div0 (integer divide, SIGFPE) and
// abort (SIGABRT raised by the program itself). The line printed first is
// flushed so it must appear even though the process is killed.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static volatile int zero, hundred = 100;

int main(int argc, char **argv)
{
	const char *how = argc > 1 ? argv[1] : "segv";

	printf("about to crash: %s\n", how);
	fflush(stdout);
	if (strcmp(how, "segv") == 0)
		*(volatile int *)(uintptr_t)zero = 1;
	else if (strcmp(how, "ud2") == 0)
		__asm__ volatile("ud2");
	else if (strcmp(how, "int3") == 0)
		__asm__ volatile("int3");
	else if (strcmp(how, "div0") == 0)
		printf("%d\n", hundred / zero); // not 1/x: gcc folds that to a compare
	else if (strcmp(how, "abort") == 0)
		abort();
	printf("still alive\n");
	return 0;
}

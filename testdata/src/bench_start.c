// bench_start does almost nothing, so its run time is the emulator's
// start-up and exit cost (loading the ELF, building the stack, libc init).
#include <stdio.h>

int main(void)
{
	puts("started");
	return 0;
}

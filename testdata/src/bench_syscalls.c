// bench_syscalls makes many tiny system calls through the raw syscall()
// entry, so libc caching cannot skip any: it measures the cost of getting
// from a SYSCALL instruction to the kernel emulation and back. argv[1]
// divides the number of calls.
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long div = argc > 1 ? atol(argv[1]) : 1;
	long n = 200000 / (div > 0 ? div : 1), i, ok = 0;
	int fd = open("/dev/null", O_WRONLY);

	for (i = 0; i < n; i++) {
		if (i & 1)
			ok += syscall(SYS_write, fd, "x", 1) == 1;
		else
			ok += syscall(SYS_getppid) > 0;
	}
	printf("syscalls n=%ld ok=%ld\n", n, ok);
	return ok != n;
}

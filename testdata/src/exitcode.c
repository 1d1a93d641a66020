// exitcode exits with the status named by argv[1], by the route named by
// argv[2]: "exit" (default, flushes stdio), "return" from main, or "_exit"
// (skips the stdio flush, so the buffered line must NOT appear when stdout
// is a pipe). Statuses above 255 check that only the low byte survives.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int code = argc > 1 ? atoi(argv[1]) : 0;
	const char *how = argc > 2 ? argv[2] : "exit";

	printf("exiting with %d via %s\n", code, how);
	if (strcmp(how, "return") == 0)
		return code;
	if (strcmp(how, "_exit") == 0)
		_exit(code);
	exit(code);
}

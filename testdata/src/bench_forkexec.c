// bench_forkexec measures process creation: it forks, the child execs this
// same static program (which exits at once with status 7), and the parent
// waits, 1000 times (divided by argv[1] if given). Its run time is the cost
// of fork + execve + exit + wait4 plus one program start per iteration.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "child") == 0)
		return 7;
	int n = 1000;
	if (argc > 1 && atoi(argv[1]) > 0)
		n /= atoi(argv[1]);
	int ok = 0;
	for (int i = 0; i < n; i++) {
		pid_t pid = fork();
		if (pid < 0) {
			perror("fork");
			return 1;
		}
		if (pid == 0) {
			execl(argv[0], argv[0], "child", (char *)0);
			_exit(127);
		}
		int st;
		if (waitpid(pid, &st, 0) != pid) {
			perror("waitpid");
			return 1;
		}
		if (WIFEXITED(st) && WEXITSTATUS(st) == 7)
			ok++;
	}
	printf("%d of %d children exec'd and exited 7\n", ok, n);
	return ok == n ? 0 : 1;
}

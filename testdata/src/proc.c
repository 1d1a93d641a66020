// proc exercises processes: fork and wait with exit codes and signals,
// orphans adopted by init, exec with argv and env, close-on-exec, many
// fork+exec rounds, process groups, stop/continue seen by waitpid, and
// pipes between processes. PIDs differ between runs, so only relations
// between them are printed.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *self;

static void show(const char *what, int st)
{
	if (WIFEXITED(st))
		printf("%s: exited %d\n", what, WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		printf("%s: killed by %d core=%d\n", what, WTERMSIG(st), WCOREDUMP(st) ? 1 : 0);
	else if (WIFSTOPPED(st))
		printf("%s: stopped by %d\n", what, WSTOPSIG(st));
	else if (WIFCONTINUED(st))
		printf("%s: continued\n", what);
	fflush(stdout);
}

static int child_main(int argc, char **argv)
{
	if (!strcmp(argv[2], "args")) {
		for (int i = 0; i < argc; i++)
			printf("argv[%d]=%s\n", i, i == 0 ? "(self)" : argv[i]);
		printf("env FOO=%s\n", getenv("FOO") ? getenv("FOO") : "(unset)");
		return 3;
	}
	if (!strcmp(argv[2], "fd")) {
		int fd = atoi(argv[3]);
		printf("fd %d after exec: %s\n", fd, fcntl(fd, F_GETFD) < 0 && errno == EBADF ? "closed" : "open");
		return 0;
	}
	if (!strcmp(argv[2], "true"))
		return 0;
	return 99;
}

static void test_exit_codes(void)
{
	int codes[] = {0, 1, 42, 255};
	for (int i = 0; i < 4; i++) {
		pid_t p = fork();
		if (p == 0)
			_exit(codes[i]);
		int st;
		pid_t w = waitpid(p, &st, 0);
		char what[32];
		snprintf(what, sizeof what, "exit(%d) same pid=%d", codes[i], w == p);
		show(what, st);
	}
	int sigs[] = {SIGTERM, SIGKILL, SIGUSR1};
	for (int i = 0; i < 3; i++) {
		pid_t p = fork();
		if (p == 0) {
			kill(getpid(), sigs[i]);
			pause();
			_exit(0);
		}
		int st;
		waitpid(p, &st, 0);
		show("self-kill", st);
	}
	// A crash, with core dumps disabled, is WIFSIGNALED without WCOREDUMP.
	pid_t p = fork();
	if (p == 0) {
		int *volatile bad = (int *)8;
		*bad = 1;
		_exit(0);
	}
	int st;
	waitpid(p, &st, 0);
	show("segv", st);
	errno = 0;
	int r = wait(&st);
	printf("wait with no children: %d errno=%s\n", r, errno == ECHILD ? "ECHILD" : "?");
	// WNOHANG on a running child returns 0.
	int pfd[2];
	pipe(pfd);
	p = fork();
	if (p == 0) {
		char c;
		close(pfd[1]);
		read(pfd[0], &c, 1);
		_exit(7);
	}
	close(pfd[0]);
	printf("WNOHANG while running: %d\n", waitpid(p, &st, WNOHANG));
	close(pfd[1]);
	waitpid(p, &st, 0);
	show("after EOF", st);
}

static void test_ppid(void)
{
	pid_t me = getpid();
	pid_t p = fork();
	if (p == 0) {
		printf("child's ppid is parent: %d\n", getppid() == me);
		fflush(stdout);
		_exit(0);
	}
	waitpid(p, NULL, 0);
	// Orphan: the middle process exits; the grandchild is adopted by init.
	int pfd[2];
	pipe(pfd);
	p = fork();
	if (p == 0) {
		if (fork() == 0) {
			close(pfd[0]);
			while (getppid() != 1)
				usleep(1000);
			write(pfd[1], "1", 1);
			_exit(0);
		}
		_exit(0);
	}
	close(pfd[1]);
	waitpid(p, NULL, 0);
	char c = '0';
	read(pfd[0], &c, 1);
	close(pfd[0]);
	printf("orphan adopted by pid 1: %c\n", c);
}

static void test_exec(void)
{
	pid_t p = fork();
	if (p == 0) {
		char *argv[] = {(char *)self, "child", "args", "a b", "", "z", NULL};
		char *envp[] = {"FOO=bar", NULL};
		execve(self, argv, envp);
		_exit(127);
	}
	int st;
	fflush(stdout);
	waitpid(p, &st, 0);
	show("exec args", st);
	int fds[2];
	pipe2(fds, O_CLOEXEC);
	int keep = dup(fds[0]);
	for (int i = 0; i < 2; i++) {
		int fd = i ? keep : fds[0];
		char num[16];
		snprintf(num, sizeof num, "%d", fd);
		p = fork();
		if (p == 0) {
			char *argv[] = {(char *)self, "child", "fd", num, NULL};
			execv(self, argv);
			_exit(127);
		}
		waitpid(p, &st, 0);
	}
	errno = 0;
	p = fork();
	if (p == 0) {
		char *argv[] = {"nope", NULL};
		execv("/nonexistent/program", argv);
		_exit(errno == ENOENT ? 10 : 11);
	}
	waitpid(p, &st, 0);
	show("exec ENOENT", st);
	int ok = 0;
	for (int i = 0; i < 100; i++) {
		p = fork();
		if (p == 0) {
			char *argv[] = {(char *)self, "child", "true", NULL};
			execv(self, argv);
			_exit(127);
		}
		if (waitpid(p, &st, 0) == p && WIFEXITED(st) && WEXITSTATUS(st) == 0)
			ok++;
	}
	printf("100 fork+exec: %d ok\n", ok);
	p = vfork();
	if (p == 0) {
		char *argv[] = {(char *)self, "child", "true", NULL};
		execv(self, argv);
		_exit(127);
	}
	waitpid(p, &st, 0);
	show("vfork+exec", st);
}

static void test_groups(void)
{
	// Two children in a new group; kill(-pgid) reaches both.
	pid_t a = fork();
	if (a == 0) {
		setpgid(0, 0);
		pause();
		_exit(0);
	}
	setpgid(a, a);
	pid_t b = fork();
	if (b == 0) {
		pause();
		_exit(0);
	}
	setpgid(b, a);
	printf("getpgid(b)==a: %d\n", getpgid(b) == a);
	printf("kill(-pgid): %d\n", kill(-a, SIGTERM));
	int st;
	waitpid(a, &st, 0);
	show("group a", st);
	waitpid(b, &st, 0);
	show("group b", st);
	errno = 0;
	int r = kill(-a, SIGTERM);
	printf("kill(-dead group): %d %s\n", r, errno == ESRCH ? "ESRCH" : "?");
	setpgid(0, 0);
	r = setsid();
	printf("setsid as group leader: %d %s\n", r, errno == EPERM ? "EPERM" : "?");
}

static void test_stop(void)
{
	pid_t p = fork();
	if (p == 0) {
		for (;;)
			pause();
	}
	int st;
	kill(p, SIGSTOP);
	waitpid(p, &st, WUNTRACED);
	show("SIGSTOP", st);
	kill(p, SIGCONT);
	waitpid(p, &st, WCONTINUED);
	show("SIGCONT", st);
	kill(p, SIGTSTP);
	waitpid(p, &st, WUNTRACED);
	show("SIGTSTP", st);
	kill(p, SIGKILL);
	waitpid(p, &st, 0);
	show("SIGKILL while stopped", st);
	siginfo_t si;
	p = fork();
	if (p == 0)
		_exit(5);
	memset(&si, 0, sizeof si);
	waitid(P_PID, p, &si, WEXITED);
	printf("waitid: signo=%d code=%d status=%d pid ok=%d\n", si.si_signo, si.si_code, si.si_status, si.si_pid == p);
}

static void test_pipes(void)
{
	int fds[2];
	pipe(fds);
	pid_t p = fork();
	if (p == 0) {
		close(fds[0]);
		char buf[1000];
		for (int i = 0; i < 200; i++) {
			memset(buf, 'a' + i % 26, sizeof buf);
			write(fds[1], buf, sizeof buf);
		}
		_exit(0);
	}
	close(fds[1]);
	long total = 0, sum = 0;
	char buf[4096];
	int n;
	while ((n = read(fds[0], buf, sizeof buf)) > 0) {
		for (int i = 0; i < n; i++)
			sum += buf[i];
		total += n;
	}
	close(fds[0]);
	waitpid(p, NULL, 0);
	printf("pipe: %ld bytes, sum %ld, then EOF %d\n", total, sum, n);
	// No reader: EPIPE and SIGPIPE.
	pipe(fds);
	close(fds[0]);
	signal(SIGPIPE, SIG_IGN);
	errno = 0;
	ssize_t w = write(fds[1], "x", 1);
	printf("write to closed pipe: %zd %s\n", w, errno == EPIPE ? "EPIPE" : "?");
	signal(SIGPIPE, SIG_DFL);
	p = fork();
	if (p == 0) {
		write(fds[1], "x", 1);
		_exit(0);
	}
	int st;
	waitpid(p, &st, 0);
	show("SIGPIPE", st);
	close(fds[1]);
	// Capacity: a nonblocking writer fills 64 KiB, then EAGAIN.
	pipe2(fds, O_NONBLOCK);
	long filled = 0;
	char big[4096] = {0};
	while ((n = write(fds[1], big, sizeof big)) > 0)
		filled += n;
	printf("capacity %ld then %s\n", filled, errno == EAGAIN ? "EAGAIN" : "?");
	while (read(fds[0], big, sizeof big) > 0)
		;
	printf("empty nonblocking read: %s\n", errno == EAGAIN ? "EAGAIN" : "?");
	close(fds[1]);
	printf("after writer closed: %zd\n", read(fds[0], big, 1));
	close(fds[0]);
	// A shell-style pipeline: parent | child via dup2.
	pipe(fds);
	p = fork();
	if (p == 0) {
		dup2(fds[0], 0);
		close(fds[0]);
		close(fds[1]);
		char line[64];
		if (fgets(line, sizeof line, stdin))
			printf("child read: %s", line);
		_exit(0);
	}
	close(fds[0]);
	dprintf(fds[1], "through the pipe\n");
	close(fds[1]);
	waitpid(p, NULL, 0);
}

int main(int argc, char **argv)
{
	self = argv[0];
	if (argc > 2 && !strcmp(argv[1], "child"))
		return child_main(argc, argv);
	setvbuf(stdout, NULL, _IONBF, 0);
	test_exit_codes();
	test_ppid();
	test_exec();
	test_groups();
	test_stop();
	test_pipes();
	return 0;
}

// flock exercises fcntl record locks between processes: conflicts and
// F_GETLK reports, shared read locks, splitting a lock by unlocking its
// middle, F_SETLKW waiting for the holder, deadlock detection, and locks
// dropped when the holder closes the file or exits.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int lk(int fd, int cmd, short type, off_t start, off_t len)
{
	struct flock fl = {.l_type = type, .l_whence = SEEK_SET, .l_start = start, .l_len = len};
	return fcntl(fd, cmd, &fl);
}

static void probe(int fd, const char *what, off_t start, off_t len, pid_t holder)
{
	struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = start, .l_len = len};
	fcntl(fd, F_GETLK, &fl);
	if (fl.l_type == F_UNLCK)
		printf("%s: unlocked\n", what);
	else
		printf("%s: %s [%ld,+%ld] by holder=%d\n", what, fl.l_type == F_RDLCK ? "read" : "write",
		       (long)fl.l_start, (long)fl.l_len, fl.l_pid == holder);
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	char path[] = "/tmp/flockXXXXXX";
	const char *dir = getenv("TMPDIR");
	char buf[256];
	snprintf(buf, sizeof buf, "%s/flockXXXXXX", dir ? dir : "/tmp");
	int fd = mkstemp(buf);
	(void)path;
	unlink(buf);
	ftruncate(fd, 1000);
	int go[2], done[2];
	pipe(go);
	pipe(done);
	pid_t child = fork();
	if (child == 0) {
		char c;
		lk(fd, F_SETLK, F_WRLCK, 0, 100);
		lk(fd, F_SETLK, F_RDLCK, 200, 0);
		lk(fd, F_SETLK, F_UNLCK, 40, 20); // split [0,100) into [0,40) and [60,100)
		write(done[1], "1", 1);
		read(go[0], &c, 1); // wait for the parent's probes
		sleep(1);
		close(fd); // drops every lock of this process on the file
		read(go[0], &c, 1);
		_exit(0);
	}
	char c;
	read(done[0], &c, 1);
	probe(fd, "[0,10)", 0, 10, child);
	probe(fd, "[45,10)", 45, 10, child);
	probe(fd, "[50,100)", 50, 100, child);
	probe(fd, "[300,1)", 300, 1, child);
	errno = 0;
	int r = lk(fd, F_SETLK, F_WRLCK, 0, 10);
	printf("F_SETLK conflict: %d %s\n", r, errno == EAGAIN || errno == EACCES ? "EAGAIN" : strerror(errno));
	printf("shared read lock: %d\n", lk(fd, F_SETLK, F_RDLCK, 500, 10));
	printf("lock in the hole: %d\n", lk(fd, F_SETLK, F_WRLCK, 45, 10));
	write(go[1], "1", 1);
	r = lk(fd, F_SETLKW, F_WRLCK, 0, 10); // waits for the child's close
	printf("F_SETLKW after holder closed: %d\n", r);
	write(go[1], "1", 1);
	waitpid(child, NULL, 0);

	// Deadlock: the child holds [0,1) and waits for [1,2), which we hold.
	lk(fd, F_SETLK, F_UNLCK, 0, 0);
	lk(fd, F_SETLK, F_WRLCK, 1, 1);
	child = fork();
	if (child == 0) {
		lk(fd, F_SETLK, F_WRLCK, 0, 1);
		write(done[1], "1", 1);
		int r = lk(fd, F_SETLKW, F_WRLCK, 1, 1);
		_exit(r == 0 ? 0 : 1);
	}
	read(done[0], &c, 1);
	usleep(200000); // let the child block
	errno = 0;
	r = lk(fd, F_SETLKW, F_WRLCK, 0, 1);
	printf("deadlock: %d %s\n", r, errno == EDEADLK ? "EDEADLK" : strerror(errno));
	lk(fd, F_SETLK, F_UNLCK, 0, 0);
	int st;
	waitpid(child, &st, 0);
	printf("child got its lock: %d\n", WIFEXITED(st) && WEXITSTATUS(st) == 0);
	// A lock held by an exiting process goes away with it.
	child = fork();
	if (child == 0) {
		lk(fd, F_SETLK, F_WRLCK, 0, 0);
		_exit(0);
	}
	waitpid(child, NULL, 0);
	probe(fd, "after holder exited", 0, 0, child);
	errno = 0;
	r = lk(fd, F_SETLK, 99, 0, 0);
	printf("bad type: %d %s\n", r, errno == EINVAL ? "EINVAL" : "?");
	int ro = open("/proc/self/exe", O_RDONLY);
	errno = 0;
	r = lk(ro, F_SETLK, F_WRLCK, 0, 1);
	printf("write lock on read-only fd: %d %s\n", r, errno == EBADF ? "EBADF" : "?");
	return 0;
}

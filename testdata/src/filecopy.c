// filecopy exercises the in-kernel copies and file hints: sendfile,
// copy_file_range, fallocate, fadvise64, readahead, sync, syncfs, and the
// old utime, utimes and futimesat. It works in a fresh directory under
// argv[1], or $TMPDIR, or /tmp, plus one file in /dev/shm (a tmpfs, so a
// different file system). Only counts, positions, sizes, contents, times it
// set itself and errno names are printed. Every call goes through
// syscall(2), so both libcs make the same calls.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define KEEP_SIZE 0x01
#define PUNCH_HOLE 0x02
#define COLLAPSE_RANGE 0x08

static int failures;

#define CHECK(x)                                                              \
	do {                                                                  \
		if (!(x)) {                                                   \
			printf("FAIL line %d: %s (errno %d)\n", __LINE__, #x, \
			       errno);                                        \
			failures++;                                           \
		}                                                             \
	} while (0)

static const char *errname(int e)
{
	static char buf[16];

	switch (e) {
	case 0: return "0";
	case EBADF: return "EBADF";
	case EINVAL: return "EINVAL";
	case EFAULT: return "EFAULT";
	case ESPIPE: return "ESPIPE";
	case EAGAIN: return "EAGAIN";
	case EPIPE: return "EPIPE";
	case EISDIR: return "EISDIR";
	case EXDEV: return "EXDEV";
	case EOVERFLOW: return "EOVERFLOW";
	case EFBIG: return "EFBIG";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case ENODEV: return "ENODEV";
	case ENOENT: return "ENOENT";
	case ENOTDIR: return "ENOTDIR";
	}
	snprintf(buf, sizeof buf, "errno %d", e);
	return buf;
}

// report prints a call's result and the errno it left; a function, so
// errno is read after the call.
static void report(const char *what, long r)
{
	printf("%s: %ld %s\n", what, r, r < 0 ? errname(errno) : "ok");
}

static long sendfile_(int out, int in, off_t *off, size_t n)
{
	return syscall(SYS_sendfile, out, in, off, n);
}

static long cfr(int in, loff_t *offin, int out, loff_t *offout, size_t n,
		unsigned flags)
{
	return syscall(SYS_copy_file_range, in, offin, out, offout, n, flags);
}

static long falloc(int fd, int mode, off_t off, off_t len)
{
	return syscall(SYS_fallocate, fd, mode, off, len);
}

static long pos(int fd) { return lseek(fd, 0, SEEK_CUR); }

static long size(int fd)
{
	struct stat st;

	return fstat(fd, &st) == 0 ? (long)st.st_size : -1;
}

// contents prints a small file, NULs as '.'.
static void contents(const char *what, int fd)
{
	char buf[128];
	long n = pread(fd, buf, sizeof buf, 0), i;

	printf("%s: \"", what);
	for (i = 0; i < n; i++)
		putchar(buf[i] ? buf[i] : '.');
	printf("\"\n");
}

static int mkfile(const char *name, const char *data)
{
	int fd = open(name, O_RDWR | O_CREAT | O_TRUNC, 0644);

	CHECK(fd >= 0);
	CHECK(write(fd, data, strlen(data)) == (ssize_t)strlen(data));
	CHECK(lseek(fd, 0, SEEK_SET) == 0);
	return fd;
}

static volatile sig_atomic_t sigpipes;

static void onpipe(int sig) { sigpipes++; }

static void test_sendfile(const void *ro)
{
	int in = mkfile("src", "hello, world\n");
	int out = open("dst", O_RDWR | O_CREAT | O_TRUNC, 0644);
	int app = open("dst", O_WRONLY | O_APPEND);
	int wo = open("src", O_WRONLY);
	int rdonly = open("src", O_RDONLY);
	int dir = open(".", O_RDONLY | O_DIRECTORY);
	int zero = open("/dev/zero", O_RDONLY);
	int p[2], s[2];
	off_t off;
	char buf[64];
	long n;

	puts("== sendfile");
	CHECK(pipe(p) == 0);
	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, s) == 0);
	CHECK(lseek(in, 7, SEEK_SET) == 7);
	report("file to file", sendfile_(out, in, NULL, 100));
	printf("positions: in %ld out %ld\n", pos(in), pos(out));
	off = 2;
	report("with offset", sendfile_(out, in, &off, 3));
	printf("offset %ld, in position %ld\n", (long)off, pos(in));
	report("at end of file", sendfile_(out, in, NULL, 100));
	off = 100;
	report("offset past the end", sendfile_(out, in, &off, 100));
	report("count 0", sendfile_(out, in, NULL, 0));
	contents("dst", out);

	report("bad out", sendfile_(99, in, NULL, 5));
	report("bad in", sendfile_(out, 99, NULL, 5));
	report("bad offset pointer before bad fd", sendfile_(out, 99, (off_t *)8, 5));
	report("in write-only", sendfile_(out, wo, NULL, 5));
	report("out read-only", sendfile_(rdonly, in, NULL, 5));
	report("out O_APPEND", sendfile_(app, in, NULL, 5));
	report("in directory", sendfile_(out, dir, NULL, 5));
	report("in directory, count 0", sendfile_(out, dir, NULL, 0));
	report("in pipe", sendfile_(out, p[0], NULL, 5));
	report("in pipe, count 0", sendfile_(out, p[0], NULL, 0));
	off = 0;
	report("in pipe, offset", sendfile_(out, p[0], &off, 5));
	report("pipe to pipe", sendfile_(p[1], p[0], NULL, 5));
	report("pipe to pipe, count 0", sendfile_(p[1], p[0], NULL, 0));
	report("in socket", sendfile_(out, s[0], NULL, 5));
	report("in socket, offset", sendfile_(out, s[0], &off, 5));
	off = -1;
	report("offset -1", sendfile_(out, in, &off, 5));
	off = 0x7fffffffffffffffLL;
	report("offset + count wraps", sendfile_(out, in, &off, 5));
	report("count > SSIZE_MAX", sendfile_(out, in, NULL, (size_t)1 << 63));

	// A read-only offset is read, the data sent, then EFAULT.
	n = size(out);
	report("read-only offset", sendfile_(out, in, (off_t *)ro, 4));
	printf("sent anyway: %ld\n", size(out) - n);

	CHECK(lseek(in, 0, SEEK_SET) == 0);
	report("to a pipe", sendfile_(p[1], in, NULL, 100));
	n = read(p[0], buf, sizeof buf);
	printf("pipe holds %ld: \"%.*s\"\n", n, (int)(n > 0 ? n - 1 : 0), buf);
	CHECK(lseek(in, 0, SEEK_SET) == 0);
	report("to a socket", sendfile_(s[1], in, NULL, 5));
	n = read(s[0], buf, sizeof buf);
	printf("socket holds %ld: \"%.*s\"\n", n, (int)(n > 0 ? n : 0), buf);
	report("from /dev/zero", sendfile_(p[1], zero, NULL, 5));
	printf("zeros: %ld\n", read(p[0], buf, sizeof buf));

	close(in);
	close(out);
	close(app);
	close(wo);
	close(rdonly);
	close(dir);
	close(zero);
	close(p[0]);
	close(p[1]);
	close(s[0]);
	close(s[1]);
	CHECK(unlink("src") == 0);
	CHECK(unlink("dst") == 0);
}

// test_sendfile_pipe fills a pipe: the call moves what the pipe has room
// for (its 16 page-sized buffers, one taken by a byte already there), then
// EAGAIN or blocks until a reader makes room, then EPIPE and SIGPIPE.
static void test_sendfile_pipe(void)
{
	static char big[70000];
	int in, p[2], status;
	pid_t pid;

	puts("== sendfile to a full pipe");
	memset(big, 'b', sizeof big);
	in = open("big", O_RDWR | O_CREAT | O_TRUNC, 0644);
	CHECK(write(in, big, sizeof big) == sizeof big);
	CHECK(lseek(in, 0, SEEK_SET) == 0);
	CHECK(pipe(p) == 0);
	CHECK(write(p[1], "x", 1) == 1);
	report("into a pipe holding 1 byte", sendfile_(p[1], in, NULL, sizeof big));
	fcntl(p[1], F_SETFL, O_NONBLOCK);
	report("full, O_NONBLOCK", sendfile_(p[1], in, NULL, 100));
	fcntl(p[1], F_SETFL, 0);

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		// The reader starts late, so the writer waits for it.
		struct timespec ts = {0, 100000000};
		long total = 0, n;
		char buf[4096];

		close(p[1]);
		nanosleep(&ts, NULL);
		while ((n = read(p[0], buf, sizeof buf)) > 0)
			total += n;
		_exit(total == 1 + 61440 + 100 ? 0 : 1);
	}
	close(p[0]);
	report("full, blocking", sendfile_(p[1], in, NULL, 100));
	printf("in position %ld\n", pos(in));
	close(p[1]);
	CHECK(waitpid(pid, &status, 0) == pid);
	printf("reader got it all: %d\n", WIFEXITED(status) && WEXITSTATUS(status) == 0);

	CHECK(pipe(p) == 0);
	close(p[0]);
	signal(SIGPIPE, onpipe);
	report("no reader", sendfile_(p[1], in, NULL, 100));
	report("no reader, count 0", sendfile_(p[1], in, NULL, 0));
	printf("SIGPIPEs: %d\n", (int)sigpipes);
	signal(SIGPIPE, SIG_DFL);
	close(p[1]);
	close(in);
	CHECK(unlink("big") == 0);
}

static void test_copy_file_range(const void *ro, const char *shmname)
{
	int in = mkfile("src", "0123456789");
	int out = open("dst", O_RDWR | O_CREAT | O_TRUNC, 0644);
	int ro_fd = open("src", O_RDONLY);
	int app = open("dst", O_WRONLY | O_APPEND);
	int dir = open(".", O_RDONLY | O_DIRECTORY);
	int shm = open(shmname, O_RDWR | O_CREAT | O_TRUNC, 0644);
	int null = open("/dev/null", O_RDWR);
	loff_t oi, oo;
	int p[2];

	puts("== copy_file_range");
	CHECK(pipe(p) == 0);
	report("whole file", cfr(in, NULL, out, NULL, 100, 0));
	printf("positions: in %ld out %ld\n", pos(in), pos(out));
	report("at end of file", cfr(in, NULL, out, NULL, 100, 0));
	oi = 2, oo = 20;
	report("with offsets", cfr(in, &oi, out, &oo, 3, 0));
	printf("offsets %ld %ld, positions %ld %ld\n", (long)oi, (long)oo, pos(in), pos(out));
	oi = 1000, oo = 0;
	report("offset past the end", cfr(in, &oi, out, &oo, 3, 0));
	oi = 0, oo = 0;
	report("length 0", cfr(in, &oi, out, &oo, 0, 0));
	contents("dst", out);
	oi = 0, oo = 5;
	report("same file, adjacent", cfr(in, &oi, in, &oo, 5, 0));
	contents("src", in);
	oi = 0, oo = 2;
	report("same file, overlapping", cfr(in, &oi, in, &oo, 5, 0));

	report("bad in", cfr(99, NULL, out, NULL, 5, 0));
	report("bad out", cfr(in, NULL, 99, NULL, 5, 0));
	report("bad offset before flags", cfr(in, (loff_t *)8, out, NULL, 5, 1));
	report("flags", cfr(in, NULL, out, NULL, 5, 1));
	report("flags before file types", cfr(dir, NULL, out, NULL, 5, 1));
	report("in directory", cfr(dir, NULL, out, NULL, 5, 0));
	report("out directory", cfr(in, NULL, dir, NULL, 5, 0));
	report("pipe to directory", cfr(p[0], NULL, dir, NULL, 5, 0));
	report("in pipe", cfr(p[0], NULL, out, NULL, 5, 0));
	report("in /dev/null", cfr(null, NULL, out, NULL, 5, 0));
	report("out read-only", cfr(in, NULL, ro_fd, NULL, 5, 0));
	report("out O_APPEND", cfr(in, NULL, app, NULL, 5, 0));
	report("to another file system", cfr(in, NULL, shm, NULL, 5, 0));
	oi = -1, oo = 0;
	report("off_in -1", cfr(in, &oi, out, &oo, 5, 0));
	oi = 0, oo = -100;
	report("off_out -100", cfr(in, &oi, out, &oo, 5, 0));
	oi = 0x7fffffffffffffffLL, oo = 0;
	report("off_in at the limit", cfr(in, &oi, out, &oo, 5, 0));
	oi = 0, oo = 0x7fffffffffffffffLL;
	report("off_out at the limit", cfr(in, &oi, out, &oo, 5, 0));
	CHECK(lseek(in, 0, SEEK_SET) == 0);
	report("length wraps off_out", cfr(in, NULL, out, NULL, (size_t)-1, 0));
	report("read-only off_in", cfr(in, (loff_t *)ro, out, NULL, 5, 0));
	printf("out position after it: %ld\n", pos(out));

	close(in);
	close(out);
	close(ro_fd);
	close(app);
	close(dir);
	close(shm);
	close(null);
	close(p[0]);
	close(p[1]);
	CHECK(unlink("src") == 0);
	CHECK(unlink("dst") == 0);
}

static void test_fallocate(const char *shmname)
{
	int f = open("f", O_RDWR | O_CREAT | O_TRUNC, 0644);
	int shm = open(shmname, O_RDWR | O_CREAT | O_TRUNC, 0644);
	int ro = open("f", O_RDONLY);
	int null = open("/dev/null", O_WRONLY);
	int fds[2] = {f, shm}, p[2], i;
	static char block[3 * 4096];
	char buf[4];

	puts("== fallocate");
	CHECK(pipe(p) == 0);
	for (i = 0; i < 2; i++) {
		const char *name = i ? "tmpfs" : "file";

		printf("%s:\n", name);
		report("grow", falloc(fds[i], 0, 100, 50));
		printf("size %ld\n", size(fds[i]));
		report("inside", falloc(fds[i], 0, 0, 10));
		report("keep size", falloc(fds[i], KEEP_SIZE, 1000, 10));
		printf("size %ld\n", size(fds[i]));
		CHECK(pread(fds[i], buf, 4, 120) == 4);
		printf("grown part reads zero: %d\n", !buf[0] && !buf[3]);
	}

	// Punching a hole keeps the size and reads back as zeros.
	memset(block, 'a', sizeof block);
	CHECK(pwrite(f, block, sizeof block, 0) == sizeof block);
	report("punch hole", falloc(f, PUNCH_HOLE | KEEP_SIZE, 4096, 4096));
	CHECK(pread(f, block, sizeof block, 0) == sizeof block);
	printf("size %ld, bytes %c %d %d %c\n", size(f), block[4095], block[4096],
	       block[8191], block[8192]);

	report("bad fd", falloc(99, 0, -1, 0));
	report("negative offset", falloc(ro, 0, -1, 10));
	report("length 0", falloc(f, 0, 0, 0));
	report("unknown mode", falloc(ro, 0x100, 0, 10));
	report("punch hole without KEEP_SIZE", falloc(f, PUNCH_HOLE, 0, 10));
	report("collapse with KEEP_SIZE", falloc(f, COLLAPSE_RANGE | KEEP_SIZE, 0, 10));
	report("read-only", falloc(ro, 0, 0, 10));
	report("pipe read end", falloc(p[0], 0, 0, 10));
	report("pipe write end", falloc(p[1], 0, 0, 10));
	report("device", falloc(null, 0, 0, 10));
	report("end overflows", falloc(f, 0, 0x7fffffffffffffffLL, 10));

	close(f);
	close(shm);
	close(ro);
	close(null);
	close(p[0]);
	close(p[1]);
	CHECK(unlink("f") == 0);
}

static void test_hints(void)
{
	int f = mkfile("f", "data");
	int wo = open("f", O_WRONLY);
	int dir = open(".", O_RDONLY | O_DIRECTORY);
	int opath = open("f", O_PATH);
	int p[2], s[2], i;

	puts("== fadvise64, readahead, sync, syncfs");
	CHECK(pipe(p) == 0);
	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, s) == 0);
	for (i = 0; i <= 6; i++) {
		char what[32];

		snprintf(what, sizeof what, "fadvise64 advice %d", i);
		report(what, syscall(SYS_fadvise64, f, 0, 0, i));
	}
	report("fadvise64 negative length", syscall(SYS_fadvise64, f, 0, -1L, 0));
	report("fadvise64 negative offset", syscall(SYS_fadvise64, f, -5L, 10, 0));
	report("fadvise64 bad fd", syscall(SYS_fadvise64, 99, 0, 0, 0));
	report("fadvise64 O_PATH", syscall(SYS_fadvise64, opath, 0, 0, 0));
	report("fadvise64 pipe, bad advice", syscall(SYS_fadvise64, p[0], 0, 0, 9));
	report("fadvise64 socket", syscall(SYS_fadvise64, s[0], 0, 0, 0));
	report("fadvise64 directory", syscall(SYS_fadvise64, dir, 0, 0, 4));
	report("fadvise64 write-only", syscall(SYS_fadvise64, wo, 0, 0, 4));

	report("readahead", syscall(SYS_readahead, f, 0, 4096));
	report("readahead bad fd", syscall(SYS_readahead, 99, 0, 10));
	report("readahead write-only", syscall(SYS_readahead, wo, 0, 10));
	report("readahead pipe", syscall(SYS_readahead, p[0], 0, 10));
	report("readahead socket", syscall(SYS_readahead, s[0], 0, 10));
	report("readahead directory", syscall(SYS_readahead, dir, 0, 10));
	report("readahead huge count", syscall(SYS_readahead, f, 0, (size_t)-1));

	report("sync", syscall(SYS_sync));
	report("syncfs", syscall(SYS_syncfs, f));
	report("syncfs pipe", syscall(SYS_syncfs, p[0]));
	report("syncfs bad fd", syscall(SYS_syncfs, 99));
	report("syncfs O_PATH", syscall(SYS_syncfs, opath));

	close(f);
	close(wo);
	close(dir);
	close(opath);
	close(p[0]);
	close(p[1]);
	close(s[0]);
	close(s[1]);
	CHECK(unlink("f") == 0);
}

static void times_of(const char *what, const char *path)
{
	struct stat st;

	CHECK(stat(path, &st) == 0);
	printf("%s: atime %ld.%09ld mtime %ld.%09ld\n", what, (long)st.st_atim.tv_sec,
	       st.st_atim.tv_nsec, (long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
}

static void test_utimes(void)
{
	int fd = mkfile("f", ""), dir = open(".", O_RDONLY | O_DIRECTORY);
	int opath = open("f", O_PATH);
	long tv[4] = {1, 5, 2, 7}, ut[2] = {10, 20};
	time_t before = time(NULL);
	struct stat st;

	puts("== utime, utimes, futimesat");
	report("utimes", syscall(SYS_utimes, "f", tv));
	times_of("after utimes", "f");
	report("utime", syscall(SYS_utime, "f", ut));
	times_of("after utime", "f");
	tv[0] = 3, tv[1] = 4, tv[2] = 5, tv[3] = 6;
	report("futimesat(fd, NULL)", syscall(SYS_futimesat, fd, NULL, tv));
	times_of("after futimesat", "f");
	report("futimesat(dir, \"f\")", syscall(SYS_futimesat, dir, "f", tv));
	report("utime NULL times", syscall(SYS_utime, "f", NULL));
	CHECK(stat("f", &st) == 0);
	printf("now: %d\n", st.st_mtime >= before && st.st_atime >= before);
	report("utimes NULL times", syscall(SYS_utimes, "f", NULL));
	report("futimesat NULL times", syscall(SYS_futimesat, fd, NULL, NULL));

	report("utime NULL path", syscall(SYS_utime, NULL, NULL));
	report("futimesat AT_FDCWD, NULL path", syscall(SYS_futimesat, AT_FDCWD, NULL, NULL));
	report("futimesat bad fd, NULL path", syscall(SYS_futimesat, 99, NULL, NULL));
	report("futimesat O_PATH, NULL path", syscall(SYS_futimesat, opath, NULL, NULL));
	report("futimesat bad fd, relative", syscall(SYS_futimesat, 99, "f", NULL));
	report("futimesat file as dirfd", syscall(SYS_futimesat, fd, "f", NULL));
	report("futimesat empty path", syscall(SYS_futimesat, dir, "", NULL));
	report("utime bad buffer", syscall(SYS_utime, "f", 8));
	report("utimes bad buffer, missing file", syscall(SYS_utimes, "nope", 8));
	report("utime missing file", syscall(SYS_utime, "nope", NULL));
	tv[0] = 1, tv[1] = 1000000, tv[2] = 2, tv[3] = 0;
	report("usec 1000000, missing file", syscall(SYS_utimes, "nope", tv));
	tv[1] = 0, tv[3] = -1;
	report("usec -1", syscall(SYS_utimes, "f", tv));
	tv[1] = (1 << 30) - 1, tv[3] = 0;
	report("usec UTIME_NOW", syscall(SYS_utimes, "f", tv));

	close(fd);
	close(dir);
	close(opath);
	CHECK(unlink("f") == 0);
}

int main(int argc, char **argv)
{
	const char *base = argc > 1 ? argv[1] : getenv("TMPDIR");
	char dir[4096], shmname[64];
	void *ro;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!base || !*base)
		base = "/tmp";
	snprintf(dir, sizeof dir, "%s/blinkcopy.XXXXXX", base);
	if (!mkdtemp(dir)) {
		printf("mkdtemp failed: errno %d\n", errno);
		return 1;
	}
	if (chdir(dir) != 0) {
		printf("chdir failed: errno %d\n", errno);
		return 1;
	}
	snprintf(shmname, sizeof shmname, "/dev/shm/blinkcopy.%d", (int)getpid());
	// A page of zeros the kernel may read but not write.
	ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(ro != MAP_FAILED);

	test_sendfile(ro);
	test_sendfile_pipe();
	test_copy_file_range(ro, shmname);
	test_fallocate(shmname);
	test_hints();
	test_utimes();

	unlink(shmname);
	CHECK(chdir("..") == 0);
	CHECK(rmdir(dir) == 0);
	printf("failures: %d\n", failures);
	return failures != 0;
}

// fileio walks the common file system calls in a fresh directory under
// argv[1], or $TMPDIR, or /tmp. Only names relative to that directory,
// sizes, modes and errno numbers are printed, so the output is the same
// wherever it runs.
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

static int failures;

#define CHECK(x)                                                              \
	do {                                                                  \
		if (!(x)) {                                                   \
			printf("FAIL line %d: %s (errno %d)\n", __LINE__, #x, \
			       errno);                                        \
			failures++;                                           \
		}                                                             \
	} while (0)

struct linux_dirent64 {
	unsigned long long d_ino;
	long long d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

// report prints a call's result and the errno it left. It is a function so
// that errno is read after the call: printf arguments have no defined order.
static void report(const char *what, long r)
{
	printf("%s: %ld errno=%d\n", what, r, r < 0 ? errno : 0);
}

static int cmpstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

// list prints a directory through the raw getdents64 system call (both
// libcs then take the same path), sorted because on-disk order is not stable.
static void list(const char *dir)
{
	char buf[512]; // small, so several getdents64 calls are needed
	char *names[64];
	int n = 0, i, fd = open(dir, O_RDONLY | O_DIRECTORY);
	long got;

	CHECK(fd >= 0);
	while ((got = syscall(SYS_getdents64, fd, buf, sizeof buf)) > 0) {
		long off = 0;
		while (off < got) {
			struct linux_dirent64 *d = (void *)(buf + off);
			char *s = malloc(strlen(d->d_name) + 8);
			sprintf(s, "%s %c", d->d_name,
				d->d_type == DT_DIR ? 'd' :
				d->d_type == DT_REG ? 'f' :
				d->d_type == DT_LNK ? 'l' : '?');
			if (n < 64)
				names[n++] = s;
			off += d->d_reclen;
		}
	}
	CHECK(got == 0);
	close(fd);
	qsort(names, n, sizeof names[0], cmpstr);
	printf("listing (%d entries):", n);
	for (i = 0; i < n; i++) {
		printf(" [%s]", names[i]);
		free(names[i]);
	}
	printf("\n");
}

int main(int argc, char **argv)
{
	const char *base = argc > 1 ? argv[1] : getenv("TMPDIR");
	char dir[4096], buf[256];
	struct stat st;
	struct iovec iov[3];
	int fd, fd2, i;
	off_t off;
	ssize_t n;

	if (!base || !*base)
		base = "/tmp";
	snprintf(dir, sizeof dir, "%s/blinkio.XXXXXX", base);
	if (!mkdtemp(dir)) {
		printf("mkdtemp failed: errno %d\n", errno);
		return 1;
	}
	if (chdir(dir) != 0) {
		printf("chdir failed: errno %d\n", errno);
		return 1;
	}
	umask(022);

	fd = open("a.txt", O_CREAT | O_EXCL | O_RDWR, 0666);
	CHECK(fd >= 0);
	CHECK(write(fd, "hello ", 6) == 6);
	CHECK(write(fd, "file ", 5) == 5);
	CHECK(write(fd, "world\n", 6) == 6);
	off = lseek(fd, 0, SEEK_CUR);
	printf("offset after writes: %lld\n", (long long)off);
	CHECK(lseek(fd, 6, SEEK_SET) == 6);
	n = read(fd, buf, 4);
	buf[n > 0 ? n : 0] = 0;
	printf("read at 6: %zd \"%s\"\n", n, buf);
	printf("seek end-6: %lld\n", (long long)lseek(fd, -6, SEEK_END));
	CHECK(pwrite(fd, "W", 1, 11) == 1);
	n = pread(fd, buf, sizeof buf - 1, 0);
	buf[n > 0 ? n : 0] = 0;
	printf("pread all: %zd \"%.*s\"\n", n, (int)(n > 0 ? n - 1 : 0), buf);
	printf("offset unchanged by pread/pwrite: %lld\n",
	       (long long)lseek(fd, 0, SEEK_CUR));
	CHECK(fstat(fd, &st) == 0);
	printf("fstat: size=%lld mode=%o reg=%d nlink=%ld\n",
	       (long long)st.st_size, st.st_mode & 07777, S_ISREG(st.st_mode),
	       (long)st.st_nlink);

	// A hole: seek past the end, write, and the gap reads back as zeros.
	CHECK(lseek(fd, 100, SEEK_SET) == 100);
	CHECK(write(fd, "Z", 1) == 1);
	CHECK(pread(fd, buf, 4, 50) == 4);
	printf("hole reads zero: %d\n", buf[0] == 0 && buf[3] == 0);
	CHECK(ftruncate(fd, 10) == 0);
	CHECK(fstat(fd, &st) == 0);
	printf("after ftruncate: size=%lld\n", (long long)st.st_size);

	iov[0].iov_base = "vec";
	iov[0].iov_len = 3;
	iov[1].iov_base = "-";
	iov[1].iov_len = 1;
	iov[2].iov_base = "tor";
	iov[2].iov_len = 3;
	CHECK(lseek(fd, 0, SEEK_SET) == 0);
	printf("writev: %zd\n", writev(fd, iov, 3));
	CHECK(close(fd) == 0);

	fd = open("a.txt", O_WRONLY | O_APPEND);
	CHECK(fd >= 0);
	CHECK(lseek(fd, 0, SEEK_SET) == 0);
	CHECK(write(fd, "+app", 4) == 4);
	fd2 = dup(fd);
	CHECK(fd2 > fd);
	printf("dup shares offset: %lld\n", (long long)lseek(fd2, 0, SEEK_CUR));
	printf("O_APPEND kept: %d\n", (fcntl(fd2, F_GETFL) & O_APPEND) != 0);
	close(fd2);
	close(fd);
	fd = open("a.txt", O_RDONLY);
	n = read(fd, buf, sizeof buf - 1);
	buf[n > 0 ? n : 0] = 0;
	printf("contents: %zd \"%s\"\n", n, buf);
	printf("read at eof: %zd\n", read(fd, buf, 1));
	close(fd);

	CHECK(stat("a.txt", &st) == 0);
	printf("stat: size=%lld mode=%o\n", (long long)st.st_size,
	       st.st_mode & 07777);
	CHECK(chmod("a.txt", 0600) == 0);
	CHECK(stat("a.txt", &st) == 0);
	printf("after chmod: mode=%o\n", st.st_mode & 07777);

	CHECK(rename("a.txt", "b.txt") == 0);
	report("old name gone", access("a.txt", F_OK));
	report("new name ok", access("b.txt", R_OK));
	report("open O_EXCL existing",
	       open("b.txt", O_CREAT | O_EXCL | O_WRONLY, 0644));
	report("open missing", open("nope", O_RDONLY));
	report("open file as dir", open("b.txt/x", O_RDONLY));

	CHECK(mkdir("sub", 0755) == 0);
	report("mkdir again", mkdir("sub", 0755));
	for (i = 0; i < 20; i++) {
		char name[64];
		snprintf(name, sizeof name, "sub/file-with-a-longish-name-%02d", i);
		fd = open(name, O_CREAT | O_WRONLY, 0644);
		CHECK(fd >= 0);
		close(fd);
	}
	CHECK(symlink("b.txt", "link") == 0);
	n = readlink("link", buf, sizeof buf - 1);
	buf[n > 0 ? n : 0] = 0;
	printf("readlink: %zd \"%s\"\n", n, buf);
	CHECK(lstat("link", &st) == 0);
	printf("lstat link: islnk=%d\n", S_ISLNK(st.st_mode));
	CHECK(stat("link", &st) == 0);
	printf("stat through link: isreg=%d size=%lld\n", S_ISREG(st.st_mode),
	       (long long)st.st_size);
	list(".");
	list("sub");

	report("rmdir non-empty", rmdir("sub"));
	for (i = 0; i < 20; i++) {
		char name[64];
		snprintf(name, sizeof name, "sub/file-with-a-longish-name-%02d", i);
		CHECK(unlink(name) == 0);
	}
	CHECK(rmdir("sub") == 0);
	CHECK(unlink("link") == 0);
	CHECK(unlink("b.txt") == 0);
	report("unlink missing", unlink("b.txt"));
	list(".");
	CHECK(chdir("..") == 0);
	CHECK(rmdir(dir) == 0);
	printf("directory removed: %d\n", access(dir, F_OK) != 0);
	printf("failures: %d\n", failures);
	return failures != 0;
}

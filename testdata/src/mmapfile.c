// mmapfile checks that MAP_SHARED file mappings are coherent with the
// file as through Linux's page cache: stores through the mapping are seen
// by read(2) at once (no msync), write(2) is seen through the mapping, a
// forked child's stores reach the parent and the file, MAP_PRIVATE stays
// private, and msync/munmap leave the file as the mapping left it.
// blink's -m mode keeps shared file mappings in its own pages and writes
// them back at msync, munmap, exit and exec, so it is not coherent with
// read(2) in between; TestGuestsVirtualMemory leaves this program out.
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

static char path[4096];

static void show(const char *what, int fd, off_t off, size_t n)
{
	char buf[64] = {0};
	ssize_t r = pread(fd, buf, n, off);
	printf("%s: read %zd \"%.*s\"\n", what, r, (int)(r > 0 ? r : 0), buf);
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	const char *dir = getenv("TMPDIR");
	snprintf(path, sizeof path, "%s/mmapfile.dat", dir ? dir : "/tmp");
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0) {
		perror("open");
		return 1;
	}
	ftruncate(fd, 8192);
	pwrite(fd, "original", 8, 0);

	char *m = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	char *p = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	if (m == MAP_FAILED || p == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	memcpy(m, "SHARED!!", 8);
	show("after store to shared", fd, 0, 8);
	// (Not printed: what the private mapping shows before its first
	// store. Linux shows the shared store there; POSIX leaves it
	// unspecified, and blink's private mappings are copies made at mmap.)
	memcpy(p, "private!", 8);
	printf("private sees: %.8s\n", p);
	show("after store to private", fd, 0, 8);
	printf("shared sees: %.8s\n", m);

	pwrite(fd, "written", 7, 4096);
	printf("shared sees write(2): %.7s\n", m + 4096);

	pid_t c = fork();
	if (c == 0) {
		memcpy(m + 100, "child", 5);
		_exit(0);
	}
	int st;
	waitpid(c, &st, 0);
	printf("parent sees child's store: %.5s\n", m + 100);
	show("file after child", fd, 100, 5);

	memcpy(m + 200, "synced", 6);
	printf("msync: %d\n", msync(m, 8192, MS_SYNC));
	munmap(m, 8192);
	show("after munmap", fd, 200, 6);

	// A read-only descriptor cannot back a writable shared mapping.
	int ro = open(path, O_RDONLY);
	void *w = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, ro, 0);
	printf("rw shared on O_RDONLY: %s\n", w == MAP_FAILED ? "refused" : "mapped");
	char *r = mmap(NULL, 4096, PROT_READ, MAP_SHARED, ro, 0);
	printf("ro shared on O_RDONLY sees: %.8s\n", r);
	printf("mprotect to write: %s\n", mprotect(r, 4096, PROT_READ | PROT_WRITE) ? "refused" : "allowed");
	unlink(path);
	return 0;
}

// memfd checks memfd_create: an anonymous file that reads, writes, grows
// and maps shared like a tmpfs file, what fstat and /proc/self/fd say of
// it, close-on-exec, and the errors for bad flags, names and pointers.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static int memfd(const char *name, unsigned flags) { return syscall(SYS_memfd_create, name, flags); }

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	int fd = memfd("blink test", 0);
	printf("memfd_create: %s\n", fd >= 0 ? "ok" : strerror(errno));
	write(fd, "hello", 5);
	char b[16] = {0};
	pread(fd, b, 5, 0);
	printf("read back: %s\n", b);
	struct stat st;
	fstat(fd, &st);
	printf("fstat: regular %d mode %o size %lld nlink %ld\n", S_ISREG(st.st_mode), st.st_mode & 07777,
		(long long)st.st_size, (long)st.st_nlink);
	char path[64], link[128] = {0};
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	readlink(path, link, sizeof link - 1);
	printf("fd link: %s\n", link);
	printf("FD_CLOEXEC without MFD_CLOEXEC: %d\n", fcntl(fd, F_GETFD) & FD_CLOEXEC);
	int fd2 = memfd("x", MFD_CLOEXEC);
	printf("FD_CLOEXEC with MFD_CLOEXEC: %d\n", fcntl(fd2, F_GETFD) & FD_CLOEXEC);
	printf("access mode O_RDWR: %d\n", (fcntl(fd, F_GETFL) & O_ACCMODE) == O_RDWR);

	ftruncate(fd, 8192);
	char *p = mmap(0, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (fork() == 0) {
		p[6000] = 'c';
		_exit(0);
	}
	wait(NULL);
	pread(fd, b, 1, 6000);
	printf("child's store through a shared mapping: %d %d\n", p[6000] == 'c', b[0] == 'c');
	printf("earlier data in the mapping: %.5s\n", p);

	int r = memfd("x", 0x100);
	printf("unknown flag: %d %s\n", r, strerror(errno));
	char long_name[300];
	memset(long_name, 'n', sizeof long_name);
	long_name[249] = 0;
	printf("249-byte name: %s\n", memfd(long_name, 0) >= 0 ? "ok" : strerror(errno));
	long_name[249] = 'n';
	long_name[250] = 0;
	r = memfd(long_name, 0);
	printf("250-byte name: %d %s\n", r, strerror(errno));
	r = memfd((const char *)8, 0);
	printf("bad pointer: %d %s\n", r, strerror(errno));
	return 0;
}

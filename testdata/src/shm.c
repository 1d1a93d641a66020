// shm checks POSIX shared memory (a tmpfs file in /dev/shm) mapped shared:
// two processes that map it on their own see each other's stores, a
// mapping inherited through fork is shared, and the mapping, read(2) and
// write(2) agree in both directions, also after the file grows.
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	const char *name = "/blink-shm-test";
	shm_unlink(name);
	int fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0600);
	if (fd < 0 || ftruncate(fd, 4096) != 0)
		return 1;
	pid_t c = fork();
	if (c == 0) {
		int cfd = shm_open(name, O_RDWR, 0);
		volatile char *p = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, cfd, 0);
		for (int i = 0; i < 500 && p[0] != 's'; i++)
			usleep(10000);
		p[1] = 'c';
		_exit(p[0] == 's' ? 0 : 1);
	}
	volatile char *q = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	q[0] = 's';
	int st;
	waitpid(c, &st, 0);
	printf("separate mappings: child saw the parent's store %d, parent sees the child's %d\n",
		WIFEXITED(st) && WEXITSTATUS(st) == 0, q[1] == 'c');
	if (fork() == 0) {
		q[2] = 'f';
		_exit(0);
	}
	wait(NULL);
	printf("inherited mapping shared: %d\n", q[2] == 'f');
	char b = 0;
	q[3] = 'm';
	pread(fd, &b, 1, 3);
	printf("pread sees the mapping's store: %d\n", b == 'm');
	b = 'w';
	pwrite(fd, &b, 1, 4);
	printf("mapping sees pwrite: %d\n", q[4] == 'w');
	ftruncate(fd, 8192);
	volatile char *r = mmap(0, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	r[5000] = 'g';
	pread(fd, &b, 1, 5000);
	struct stat sb;
	fstat(fd, &sb);
	printf("after growing: size %lld, second page shared %d, first page the same %d\n", (long long)sb.st_size,
		b == 'g', r[0] == 's' && r[4] == 'w');
	munmap((void *)q, 4096);
	munmap((void *)r, 8192);
	close(fd);
	fd = shm_open(name, O_RDONLY, 0);
	pread(fd, &b, 1, 1);
	printf("contents outlive the mappings: %d\n", b == 'c');
	shm_unlink(name);
	printf("unlinked: %d\n", shm_open(name, O_RDONLY, 0) < 0);
	return 0;
}

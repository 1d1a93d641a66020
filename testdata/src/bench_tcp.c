// bench_tcp sends 256 MiB (divided by argv[1]) over a TCP connection on
// 127.0.0.1 from one thread to another in 64 KiB writes, as a local client
// and server would: it measures socket send/recv throughput through the
// emulator's network path. The listener binds port 0 and reads the port
// back with getsockname, so runs never collide with each other or with a
// service. The receiver checksums every byte and compares the result with
// the checksum of what was meant to be sent.
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define CHUNK (64 * 1024)
#define WORDS (CHUNK / 8)

// Every chunk is the same pseudo-random pattern with its first word
// replaced by a per-chunk stamp, so the data cannot be faked by replaying
// one chunk, yet the expected checksum of any chunk follows from the
// pattern's in closed form (see main) instead of a second full pass.
static uint64_t pattern[WORDS], rbuf[WORDS];
static long chunks;
static struct sockaddr_in addr;

static uint64_t stamp(long c)
{
	return (uint64_t)(c + 1) * 0x9e3779b97f4a7c15ULL;
}

// sum_chunk is a Fletcher-style pair over 64-bit words: a is the plain sum
// and b weights word i by WORDS - i, so swapped words change b.
static void sum_chunk(const uint64_t *w, uint64_t *a, uint64_t *b)
{
	uint64_t s1 = 0, s2 = 0;
	for (int i = 0; i < WORDS; i++) {
		s1 += w[i];
		s2 += s1;
	}
	*a = s1;
	*b = s2;
}

static uint64_t mix(uint64_t h, uint64_t a, uint64_t b)
{
	h = (h << 17 | h >> 47) ^ a;
	return h * 0x100000001b3ULL + b;
}

static int write_all(int fd, const void *p, size_t n)
{
	while (n > 0) {
		ssize_t r = write(fd, p, n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		p = (const char *)p + r;
		n -= r;
	}
	return 0;
}

static void *sender(void *arg)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	intptr_t bad = 0;

	if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof addr) < 0) {
		perror("connect");
		return (void *)1;
	}
	for (long c = 0; c < chunks && !bad; c++) {
		pattern[0] = stamp(c);
		if (write_all(fd, pattern, CHUNK) < 0) {
			perror("write");
			bad = 1;
		}
	}
	close(fd);
	return (void *)bad;
}

int main(int argc, char **argv)
{
	long div = argc > 1 ? atol(argv[1]) : 1;
	long mib = 256 / (div > 0 ? div : 1), c;
	uint64_t x = 88172645463325252ULL, pa, pb, want = 0, got = 0;
	socklen_t alen = sizeof addr;
	pthread_t th;
	void *bad;
	int lfd, fd;

	if (mib < 1)
		mib = 1;
	chunks = mib * (1024 * 1024 / CHUNK);
	for (int i = 0; i < WORDS; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		pattern[i] = x;
	}
	// With word 0 zeroed, replacing it by a stamp s adds s to the plain sum
	// and WORDS * s to the weighted one.
	pattern[0] = 0;
	sum_chunk(pattern, &pa, &pb);
	for (c = 0; c < chunks; c++)
		want = mix(want, pa + stamp(c), pb + (uint64_t)WORDS * stamp(c));

	lfd = socket(AF_INET, SOCK_STREAM, 0);
	addr.sin_family = AF_INET;
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	addr.sin_port = 0;
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&addr, sizeof addr) < 0 || listen(lfd, 1) < 0 ||
	    getsockname(lfd, (struct sockaddr *)&addr, &alen) < 0) {
		perror("listen");
		return 1;
	}
	if (pthread_create(&th, NULL, sender, NULL)) {
		fprintf(stderr, "pthread_create failed\n");
		return 1;
	}
	fd = accept(lfd, NULL, NULL);
	if (fd < 0) {
		perror("accept");
		return 1;
	}
	for (c = 0;; c++) {
		size_t have = 0;
		while (have < CHUNK) {
			ssize_t r = read(fd, (char *)rbuf + have, CHUNK - have);
			if (r < 0 && errno == EINTR)
				continue;
			if (r < 0) {
				perror("read");
				return 1;
			}
			if (r == 0)
				break;
			have += r;
		}
		if (have == 0)
			break;
		if (have != CHUNK) {
			fprintf(stderr, "short chunk %ld: %zu bytes\n", c, have);
			return 1;
		}
		sum_chunk(rbuf, &pa, &pb);
		got = mix(got, pa, pb);
	}
	pthread_join(th, &bad);
	if (bad) {
		fprintf(stderr, "sender failed\n");
		return 1;
	}
	printf("tcp mib=%ld chunks=%ld sum=%016llx %s\n", mib, c, (unsigned long long)got,
	       c == chunks && got == want ? "ok" : "MISMATCH");
	return !(c == chunks && got == want);
}

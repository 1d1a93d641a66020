// bench_pipe streams 256 MiB (divided by argv[1]) from a forked child to
// its parent through a pipe in 64 KiB writes, the way a shell pipeline or
// a compressor's output moves data: it measures pipe read/write throughput
// across two processes. The parent checksums every byte it receives and
// compares the result with the checksum of what the child was meant to
// send, so a lost, repeated or corrupted chunk fails the run.
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define CHUNK (64 * 1024)
#define WORDS (CHUNK / 8)

// Every chunk is the same pseudo-random pattern with its first word
// replaced by a per-chunk stamp, so the data cannot be faked by replaying
// one chunk, yet the expected checksum of any chunk follows from the
// pattern's in closed form (see main) instead of a second full pass.
static uint64_t pattern[WORDS], rbuf[WORDS];

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

int main(int argc, char **argv)
{
	long div = argc > 1 ? atol(argv[1]) : 1;
	long mib = 256 / (div > 0 ? div : 1), chunks, c;
	uint64_t x = 88172645463325252ULL, pa, pb, want = 0, got = 0;
	int fds[2], st;
	pid_t pid;

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

	if (pipe(fds) < 0) {
		perror("pipe");
		return 1;
	}
	pid = fork();
	if (pid < 0) {
		perror("fork");
		return 1;
	}
	if (pid == 0) {
		close(fds[0]);
		for (c = 0; c < chunks; c++) {
			pattern[0] = stamp(c);
			if (write_all(fds[1], pattern, CHUNK) < 0) {
				perror("write");
				_exit(1);
			}
		}
		_exit(0);
	}
	close(fds[1]);
	for (c = 0;; c++) {
		size_t have = 0;
		while (have < CHUNK) {
			ssize_t r = read(fds[0], (char *)rbuf + have, CHUNK - have);
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
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		fprintf(stderr, "writer failed\n");
		return 1;
	}
	printf("pipe mib=%ld chunks=%ld sum=%016llx %s\n", mib, c, (unsigned long long)got,
	       c == chunks && got == want ? "ok" : "MISMATCH");
	return !(c == chunks && got == want);
}

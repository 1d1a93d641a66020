// bench_threads hashes 16M integers (divided by argv[1]) split evenly over
// argv[2] threads (default 1), each thread working on its own range and
// sharing nothing until the join: run with 1 and with 2 threads, it
// measures how well guest threads run in parallel on separate host cores.
// The result is a sum of per-item hashes, which does not depend on how the
// range was split, so every thread count prints the same line.
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define MAXTHREADS 64

// Each partial sum has a cache line to itself, so two threads never write
// the same line and the measurement is not about cache-line ping-pong.
static struct part {
	long lo, hi;
	uint64_t sum;
	char pad[64 - 2 * sizeof(long) - sizeof(uint64_t)];
} parts[MAXTHREADS] __attribute__((aligned(64)));

// hash runs a few rounds of multiply-xorshift mixing: integer ALU work
// with a dependency chain, no memory traffic.
static uint64_t hash(uint64_t x)
{
	for (int r = 0; r < 4; r++) {
		x += 0x9e3779b97f4a7c15ULL;
		x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
		x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
		x ^= x >> 31;
	}
	return x;
}

static void *worker(void *arg)
{
	struct part *p = arg;
	uint64_t s = 0;
	for (long i = p->lo; i < p->hi; i++)
		s += hash((uint64_t)i);
	p->sum = s;
	return NULL;
}

int main(int argc, char **argv)
{
	long div = argc > 1 ? atol(argv[1]) : 1;
	long n = 16000000 / (div > 0 ? div : 1);
	int nt = argc > 2 ? atoi(argv[2]) : 1;
	pthread_t th[MAXTHREADS];
	uint64_t sum = 0;

	if (nt < 1 || nt > MAXTHREADS) {
		fprintf(stderr, "thread count must be 1..%d\n", MAXTHREADS);
		return 2;
	}
	// Even a single worker runs on a created thread, so the one- and
	// two-thread runs differ only in the parallelism.
	for (int t = 0; t < nt; t++) {
		parts[t].lo = n * t / nt;
		parts[t].hi = n * (t + 1) / nt;
		if (pthread_create(&th[t], NULL, worker, &parts[t])) {
			fprintf(stderr, "pthread_create failed\n");
			return 1;
		}
	}
	for (int t = 0; t < nt; t++) {
		pthread_join(th[t], NULL);
		sum += parts[t].sum;
	}
	printf("threads items=%ld sum=%016llx\n", n, (unsigned long long)sum);
	return 0;
}

// bench_futex bounces a token between two threads through one shared int
// and raw FUTEX_WAIT/FUTEX_WAKE system calls (no libc locks in between),
// 100000 round trips divided by argv[1]: it measures how fast a blocked
// thread is woken, which is the latency under every mutex, condition
// variable and channel hand-off. Each side also folds the token into a
// running sum, so a lost or duplicated hand-off changes the output.
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

// The kernel's values (linux/futex.h, which musl-gcc's headers lack):
// FUTEX_WAIT or FUTEX_WAKE | FUTEX_PRIVATE_FLAG.
#define FUTEX_WAIT_PRIVATE 128
#define FUTEX_WAKE_PRIVATE 129

// word is 0 while the main thread holds the token and 1 while the partner
// does; value carries a number across each hand-off.
static int word;
static uint64_t value;
static long rounds;

static void futex_wait(int *addr, int val)
{
	// EAGAIN (word already changed) and EINTR just send the caller back to
	// re-check the word, so the result is not needed.
	syscall(SYS_futex, addr, FUTEX_WAIT_PRIVATE, val, NULL, NULL, 0);
}

static void futex_wake(int *addr)
{
	syscall(SYS_futex, addr, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

static void *partner(void *arg)
{
	uint64_t *sum = arg;
	for (long i = 0; i < rounds; i++) {
		while (__atomic_load_n(&word, __ATOMIC_ACQUIRE) != 1)
			futex_wait(&word, 0);
		*sum += value;
		value = value * 6364136223846793005ULL + 1442695040888963407ULL;
		__atomic_store_n(&word, 0, __ATOMIC_RELEASE);
		futex_wake(&word);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	long div = argc > 1 ? atol(argv[1]) : 1;
	uint64_t mine = 0, theirs = 0;
	pthread_t th;

	rounds = 100000 / (div > 0 ? div : 1);
	value = 1;
	if (pthread_create(&th, NULL, partner, &theirs)) {
		fprintf(stderr, "pthread_create failed\n");
		return 1;
	}
	for (long i = 0; i < rounds; i++) {
		value ^= (uint64_t)i << 32;
		__atomic_store_n(&word, 1, __ATOMIC_RELEASE);
		futex_wake(&word);
		while (__atomic_load_n(&word, __ATOMIC_ACQUIRE) != 0)
			futex_wait(&word, 1);
		mine += value;
	}
	pthread_join(th, NULL);
	printf("futex roundtrips=%ld sum=%016llx/%016llx\n", rounds, (unsigned long long)mine,
	       (unsigned long long)theirs);
	return 0;
}

// futexstress: 64 threads contend on one futex-based lock (Drepper's
// three-state mutex) for a bounded number of rounds; a lost wake-up would
// hang, a broken CAS would lose increments.
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

#define THREADS 64
#define ROUNDS 300
#define FUTEX_WAIT_PRIVATE 128
#define FUTEX_WAKE_PRIVATE 129

static atomic_int lockword;
static long counter;

static void lock(void) {
	int c = 0;
	if (atomic_compare_exchange_strong(&lockword, &c, 1))
		return;
	if (c != 2)
		c = atomic_exchange(&lockword, 2);
	while (c != 0) {
		syscall(SYS_futex, &lockword, FUTEX_WAIT_PRIVATE, 2, NULL, NULL, 0);
		c = atomic_exchange(&lockword, 2);
	}
}

static void unlock(void) {
	if (atomic_fetch_sub(&lockword, 1) != 1) {
		atomic_store(&lockword, 0);
		syscall(SYS_futex, &lockword, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
	}
}

static void *worker(void *arg) {
	for (int i = 0; i < ROUNDS; i++) {
		lock();
		counter++;
		if (i % 64 == 0)
			sched_yield();
		unlock();
	}
	return NULL;
}

int main(void) {
	pthread_t th[THREADS];
	for (int i = 0; i < THREADS; i++)
		pthread_create(&th[i], NULL, worker, NULL);
	for (int i = 0; i < THREADS; i++)
		pthread_join(th[i], NULL);
	printf("counter %ld of %d\n", counter, THREADS * ROUNDS);
	return 0;
}

// robust: a thread dies holding a robust mutex; the next locker gets
// EOWNERDEAD, makes it consistent, and the mutex works again. Then a
// futex ping-pong between two threads and a cancelled thread.
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

#define FUTEX_WAIT_PRIVATE 128
#define FUTEX_WAKE_PRIVATE 129

static pthread_mutex_t m;

static void *die_holding(void *arg) {
	pthread_mutex_lock(&m);
	return NULL; // exits with the lock held
}

static atomic_int word;
#define ROUNDS 2000

static long futex(atomic_int *a, int op, int val) {
	return syscall(SYS_futex, a, op, val, NULL, NULL, 0);
}

static void *pong(void *arg) {
	for (int i = 0; i < ROUNDS; i++) {
		while (atomic_load(&word) != 1)
			futex(&word, FUTEX_WAIT_PRIVATE, 0);
		atomic_store(&word, 0);
		futex(&word, FUTEX_WAKE_PRIVATE, 1);
	}
	return NULL;
}

static void *sleeper(void *arg) {
	for (;;)
		pause(); // a cancellation point
	return NULL;
}

int main(void) {
	pthread_mutexattr_t at;
	pthread_mutexattr_init(&at);
	pthread_mutexattr_setrobust(&at, PTHREAD_MUTEX_ROBUST);
	pthread_mutex_init(&m, &at);
	pthread_t th;
	pthread_create(&th, NULL, die_holding, NULL);
	pthread_join(th, NULL);
	int r = pthread_mutex_lock(&m);
	printf("lock after owner death: %s\n", r == EOWNERDEAD ? "EOWNERDEAD" : "other");
	if (r == EOWNERDEAD)
		printf("consistent: %d\n", pthread_mutex_consistent(&m));
	pthread_mutex_unlock(&m);
	printf("relock: %d\n", pthread_mutex_lock(&m));
	pthread_mutex_unlock(&m);

	pthread_create(&th, NULL, pong, NULL);
	for (int i = 0; i < ROUNDS; i++) {
		atomic_store(&word, 1);
		futex(&word, FUTEX_WAKE_PRIVATE, 1);
		while (atomic_load(&word) != 0)
			futex(&word, FUTEX_WAIT_PRIVATE, 1);
	}
	pthread_join(th, NULL);
	printf("ping-pong rounds: %d\n", ROUNDS);

	pthread_create(&th, NULL, sleeper, NULL);
	usleep(10000);
	pthread_cancel(th);
	void *rv;
	pthread_join(th, &rv);
	printf("cancelled: %d\n", rv == PTHREAD_CANCELED);
	return 0;
}

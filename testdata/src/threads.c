// threads: 8 pthreads with atomics, a mutex, a condition variable, a
// barrier and thread-local storage; joins and checks every result.
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/syscall.h>

#define N 8
#define ITERS 20000

static atomic_long counter;
static long locked_counter;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static pthread_barrier_t barrier;
static int ready;
static __thread long tls_value = 7;
static pid_t tids[N];

static void *worker(void *arg) {
	long id = (long)arg;
	tids[id] = syscall(SYS_gettid);
	tls_value = id * 100;
	pthread_barrier_wait(&barrier);
	for (int i = 0; i < ITERS; i++) {
		atomic_fetch_add(&counter, 1);
		pthread_mutex_lock(&mu);
		locked_counter++;
		pthread_mutex_unlock(&mu);
	}
	pthread_mutex_lock(&mu);
	while (!ready)
		pthread_cond_wait(&cv, &mu);
	pthread_mutex_unlock(&mu);
	if (tls_value != id * 100)
		return (void *)-1L;
	return (void *)(id + 1);
}

int main(void) {
	pthread_t th[N];
	pthread_barrier_init(&barrier, NULL, N + 1);
	for (long i = 0; i < N; i++)
		if (pthread_create(&th[i], NULL, worker, (void *)i)) {
			printf("create failed\n");
			return 1;
		}
	pthread_barrier_wait(&barrier);
	usleep(1000);
	pthread_mutex_lock(&mu);
	ready = 1;
	pthread_cond_broadcast(&cv);
	pthread_mutex_unlock(&mu);
	long sum = 0;
	for (int i = 0; i < N; i++) {
		void *rv;
		pthread_join(th[i], &rv);
		sum += (long)rv;
	}
	int distinct = 1;
	for (int i = 0; i < N; i++)
		for (int j = 0; j < i; j++)
			if (tids[i] == tids[j] || tids[i] == getpid())
				distinct = 0;
	printf("atomic %ld\n", (long)atomic_load(&counter));
	printf("mutex %ld\n", locked_counter);
	printf("joined sum %ld\n", sum);
	printf("main tls %ld\n", tls_value);
	printf("distinct tids %d\n", distinct);
	return 0;
}

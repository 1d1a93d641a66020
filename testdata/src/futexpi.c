// futexpi exercises priority-inheritance futexes: glibc's and musl's
// PTHREAD_PRIO_INHERIT mutexes (contended, timed, robust with an owner
// that dies) and the raw FUTEX_LOCK_PI/TRYLOCK_PI/UNLOCK_PI error rules.
// Output is deterministic: counts, return values and errno names.
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

// From <linux/futex.h>, which musl-gcc's include path lacks.
#define FUTEX_LOCK_PI 6
#define FUTEX_UNLOCK_PI 7
#define FUTEX_TRYLOCK_PI 8
#define FUTEX_CLOCK_REALTIME 256
#define FUTEX_TID_MASK 0x3fffffff

static const char *ename(int e)
{
	switch (e) {
	case 0: return "0";
	case EPERM: return "EPERM";
	case EDEADLK: return "EDEADLK";
	case EAGAIN: return "EAGAIN";
	case ESRCH: return "ESRCH";
	case ETIMEDOUT: return "ETIMEDOUT";
	case EINVAL: return "EINVAL";
	case ENOSYS: return "ENOSYS";
	case EFAULT: return "EFAULT";
	case EOWNERDEAD: return "EOWNERDEAD";
	case ENOTRECOVERABLE: return "ENOTRECOVERABLE";
	case EBUSY: return "EBUSY";
	}
	static char buf[32];
	snprintf(buf, sizeof buf, "errno%d", e);
	return buf;
}

static long futex(void *addr, int op, uint32_t val, const struct timespec *ts)
{
	long r = syscall(SYS_futex, addr, op, val, ts, NULL, 0);
	return r < 0 ? -errno : r;
}

static const char *res(long r) { return r < 0 ? ename((int)-r) : ename(0); }

static pthread_mutex_t pi;
static long counter;

static void *worker(void *arg)
{
	for (int i = 0; i < 20000; i++) {
		pthread_mutex_lock(&pi);
		counter++;
		pthread_mutex_unlock(&pi);
	}
	return arg;
}

static uint32_t word;
static volatile int held, release;

static void *holder(void *arg)
{
	uint32_t tid = (uint32_t)syscall(SYS_gettid);
	__atomic_store_n(&word, tid, __ATOMIC_SEQ_CST);
	held = 1;
	while (!release)
		usleep(1000);
	// Contended by now: the word has FUTEX_WAITERS, so unlock in the kernel.
	uint32_t expect = tid;
	if (!__atomic_compare_exchange_n(&word, &expect, 0, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
		printf("holder unlock: %s\n", res(futex(&word, FUTEX_UNLOCK_PI, 0, NULL)));
	else
		printf("holder unlock: uncontended\n");
	return arg;
}

static void *dier(void *arg)
{
	pthread_mutex_lock((pthread_mutex_t *)arg);
	return NULL; // dies holding the robust mutex
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	pthread_mutexattr_t a;
	pthread_mutexattr_init(&a);
	pthread_mutexattr_setprotocol(&a, PTHREAD_PRIO_INHERIT);
	pthread_mutex_init(&pi, &a);

	pthread_t th[4];
	for (int i = 0; i < 4; i++)
		pthread_create(&th[i], NULL, worker, NULL);
	for (int i = 0; i < 4; i++)
		pthread_join(th[i], NULL);
	printf("contended PI mutex: counter=%ld\n", counter);

	// Raw rules on a free word, an own word and a foreign word.
	uint32_t w = 0;
	printf("unlock free: %s\n", res(futex(&w, FUTEX_UNLOCK_PI, 0, NULL)));
	uint32_t self = (uint32_t)syscall(SYS_gettid);
	long r = futex(&w, FUTEX_TRYLOCK_PI, 0, NULL);
	printf("trylock free: %s owner=self:%d\n", res(r), w == self);
	printf("lock own: %s\n", res(futex(&w, FUTEX_LOCK_PI, 0, NULL)));
	r = futex(&w, FUTEX_UNLOCK_PI, 0, NULL);
	printf("unlock own: %s word=%u\n", res(r), w);
	w = 0x3ffffff0;
	printf("lock dead owner: %s\n", res(futex(&w, FUTEX_LOCK_PI, 0, NULL)));
	printf("unlock foreign: %s\n", res(futex(&w, FUTEX_UNLOCK_PI, 0, NULL)));
	printf("unaligned: %s\n", res(futex((char *)&w + 1, FUTEX_LOCK_PI, 0, NULL)));
	printf("bad address: %s\n", res(futex((void *)8, FUTEX_LOCK_PI, 0, NULL)));
	printf("lock_pi realtime flag: %s\n",
	       res(futex(&w, FUTEX_TRYLOCK_PI | FUTEX_CLOCK_REALTIME, 0, NULL)));

	// A word held by another live thread.
	pthread_t h;
	pthread_create(&h, NULL, holder, NULL);
	while (!held)
		usleep(1000);
	printf("trylock held: %s\n", res(futex(&word, FUTEX_TRYLOCK_PI, 0, NULL)));
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_nsec += 50 * 1000 * 1000;
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	printf("timed lock held: %s\n", res(futex(&word, FUTEX_LOCK_PI, 0, &ts)));
	struct timespec bad = {0, 2000000000};
	printf("bad timeout: %s\n", res(futex(&word, FUTEX_LOCK_PI, 0, &bad)));
	release = 1;
	r = futex(&word, FUTEX_LOCK_PI, 0, NULL);
	uint32_t got = word;
	pthread_join(h, NULL); // the holder reports its unlock first
	printf("lock after hand-over: %s owner=self:%d waiters:%d\n", res(r),
	       (got & FUTEX_TID_MASK) == self, (got & 0x80000000u) != 0);
	r = futex(&word, FUTEX_UNLOCK_PI, 0, NULL);
	printf("final unlock: %s word=%u\n", res(r), word);

	// trylock of a PI mutex this thread holds.
	pthread_mutex_lock(&pi);
	printf("trylock own PI mutex: %s\n", ename(pthread_mutex_trylock(&pi)));
	pthread_mutex_unlock(&pi);

	// A robust PI mutex whose owner dies.
	pthread_mutex_t rb;
	pthread_mutexattr_t ra;
	pthread_mutexattr_init(&ra);
	pthread_mutexattr_setprotocol(&ra, PTHREAD_PRIO_INHERIT);
	pthread_mutexattr_setrobust(&ra, PTHREAD_MUTEX_ROBUST);
	pthread_mutex_init(&rb, &ra);
	pthread_t dt;
	pthread_create(&dt, NULL, dier, &rb);
	pthread_join(dt, NULL);
	int e = pthread_mutex_lock(&rb);
	printf("robust PI after owner death: %s\n", ename(e));
	if (e == EOWNERDEAD)
		printf("consistent: %s\n", ename(pthread_mutex_consistent(&rb)));
	printf("unlock: %s\n", ename(pthread_mutex_unlock(&rb)));
	printf("relock: %s\n", ename(pthread_mutex_lock(&rb)));
	pthread_mutex_unlock(&rb);
	return 0;
}

// events: epoll edge/level semantics on pipes, eventfd semaphore mode,
// timerfd periodic ticks, a select timeout, and a signal to a thread
// blocked in poll.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/select.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

static int count(int ep, int ms) {
	struct epoll_event ev[8];
	return epoll_wait(ep, ev, 8, ms);
}

static volatile sig_atomic_t got;
static void on_usr1(int s) { got = s; }
static int tid;
static int pfd[2];
static int poll_result, poll_errno;

static void *poller(void *arg) {
	tid = syscall(SYS_gettid);
	struct pollfd p = {pfd[0], POLLIN, 0};
	poll_result = poll(&p, 1, 5000);
	poll_errno = errno;
	return NULL;
}

int main(void) {
	int p[2];
	pipe(p);
	int lt = epoll_create1(EPOLL_CLOEXEC), et = epoll_create1(0);
	struct epoll_event ev = {.events = EPOLLIN, .data.u32 = 1};
	epoll_ctl(lt, EPOLL_CTL_ADD, p[0], &ev);
	ev.events = EPOLLIN | EPOLLET;
	epoll_ctl(et, EPOLL_CTL_ADD, p[0], &ev);
	printf("empty: lt %d et %d\n", count(lt, 0), count(et, 0));
	write(p[1], "ab", 2);
	printf("data: lt %d et %d\n", count(lt, 0), count(et, 0));
	printf("again: lt %d et %d\n", count(lt, 0), count(et, 0));
	char c;
	read(p[0], &c, 1);
	printf("partial read: lt %d et %d\n", count(lt, 0), count(et, 0));
	write(p[1], "c", 1);
	printf("more data: lt %d et %d\n", count(lt, 0), count(et, 0));
	ev.events = EPOLLIN | EPOLLONESHOT;
	int os = epoll_create1(0);
	epoll_ctl(os, EPOLL_CTL_ADD, p[0], &ev);
	printf("oneshot: %d then %d\n", count(os, 0), count(os, 0));
	epoll_ctl(os, EPOLL_CTL_MOD, p[0], &ev);
	printf("rearmed: %d\n", count(os, 0));
	int file = open("/proc/self/exe", 0);
	int rc = epoll_ctl(os, EPOLL_CTL_ADD, file, &ev);
	printf("regular file: %d %s\n", rc, errno == EPERM ? "EPERM" : "other");

	int efd = eventfd(3, EFD_SEMAPHORE | EFD_NONBLOCK);
	uint64_t v;
	int reads = 0;
	while (read(efd, &v, 8) == 8)
		reads++;
	printf("semaphore reads: %d (then %s)\n", reads, strerror(errno));
	v = 5;
	write(efd, &v, 8);
	int e2 = eventfd(0, 0);
	v = 7;
	write(e2, &v, 8);
	write(e2, &v, 8);
	read(e2, &v, 8);
	printf("counter read: %llu\n", (unsigned long long)v);

	int tfd = timerfd_create(CLOCK_MONOTONIC, 0);
	struct itimerspec its = {{0, 20000000}, {0, 20000000}};
	timerfd_settime(tfd, 0, &its, NULL);
	uint64_t ticks = 0;
	while (ticks < 3) {
		read(tfd, &v, 8);
		ticks += v;
	}
	printf("timer ticks >= 3: %d\n", ticks >= 3);
	struct itimerspec cur;
	timerfd_gettime(tfd, &cur);
	printf("interval: %ld ns\n", cur.it_interval.tv_nsec);

	fd_set rs;
	FD_ZERO(&rs);
	int q[2];
	pipe(q);
	FD_SET(q[0], &rs);
	struct timeval tv = {0, 30000};
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int n = select(q[0] + 1, &rs, NULL, NULL, &tv);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	long ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
	printf("select timeout: n %d, bit %d, waited %d\n", n, FD_ISSET(q[0], &rs), ms >= 25);
	write(q[1], "x", 1);
	FD_SET(q[0], &rs);
	printf("select ready: %d %d\n", select(q[0] + 1, &rs, NULL, NULL, NULL), FD_ISSET(q[0], &rs));

	struct sigaction sa = {0};
	sa.sa_handler = on_usr1;
	sigaction(SIGUSR1, &sa, NULL);
	pipe(pfd);
	pthread_t th;
	pthread_create(&th, NULL, poller, NULL);
	usleep(20000);
	syscall(SYS_tgkill, getpid(), tid, SIGUSR1);
	pthread_join(th, NULL);
	printf("poll interrupted: %d %s, handler ran %d\n", poll_result, strerror(poll_errno), got == SIGUSR1);
	return 0;
}

// timers: POSIX per-process timers (SIGEV_SIGNAL with overruns,
// SIGEV_THREAD_ID, SIGEV_NONE, SIGEV_THREAD, TIMER_ABSTIME, not inherited
// by fork, deleted by exec), prctl (names, parent-death signal, child
// subreaper and the simple flags), scheduling policies, CPU affinity and
// getcpu, and the root-only sethostname/setdomainname. Only outcomes that
// are the same on every run and host are printed: booleans and errno
// names, never times, ids or CPU numbers. sethostname is only ever called
// in ways that fail, so running this natively as root cannot rename the
// host.
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *ename(int e) {
	switch (e) {
	case 0: return "0";
	case EINVAL: return "EINVAL";
	case EPERM: return "EPERM";
	case EFAULT: return "EFAULT";
	case ESRCH: return "ESRCH";
	case EAGAIN: return "EAGAIN";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case ENOMEM: return "ENOMEM";
	case ECHILD: return "ECHILD";
	}
	static char buf[32];
	snprintf(buf, sizeof buf, "errno %d", e);
	return buf;
}

// sys runs a raw system call and returns 0 or the errno.
#define SYS(...) (syscall(__VA_ARGS__) < 0 ? errno : 0)

static long long ns(struct timespec t) { return t.tv_sec * 1000000000LL + t.tv_nsec; }

static long long now_ns(clockid_t c) {
	struct timespec t;
	clock_gettime(c, &t);
	return ns(t);
}

static void msleep(int ms) {
	struct timespec t = {ms / 1000, (ms % 1000) * 1000000L};
	while (nanosleep(&t, &t) < 0 && errno == EINTR) {
	}
}

// set_tid fills in sigev_notify_thread_id, which older glibc headers do
// not name: the first int of the union after sigev_notify.
static void set_tid(struct sigevent *sev, int tid) { memcpy((char *)sev + 16, &tid, sizeof tid); }

static int ktimer_create(clockid_t clock, struct sigevent *sev, int *id) {
	return SYS(SYS_timer_create, clock, sev, id);
}

static int ktimer_settime(int id, int flags, long long ival, long long val, struct itimerspec *old) {
	struct itimerspec its = {{ival / 1000000000, ival % 1000000000}, {val / 1000000000, val % 1000000000}};
	return SYS(SYS_timer_settime, id, flags, &its, old);
}

static sigset_t set_of(int sig) {
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, sig);
	return s;
}

// wait_sig takes sig (blocked) within ms milliseconds.
static int wait_sig(int sig, int ms, siginfo_t *si) {
	sigset_t s = set_of(sig);
	struct timespec t = {ms / 1000, (ms % 1000) * 1000000L};
	return sigtimedwait(&s, si, &t);
}

static void signal_timers(void) {
	sigset_t s = set_of(SIGUSR1);
	sigprocmask(SIG_BLOCK, &s, NULL);
	int id0 = -1, id1 = -1;
	printf("first ids 0 and 1: %d\n", ktimer_create(CLOCK_MONOTONIC, NULL, &id0) == 0 &&
	                                      ktimer_create(CLOCK_REALTIME, NULL, &id1) == 0 && id0 == 0 && id1 == 1);
	SYS(SYS_timer_delete, id1);

	struct sigevent sev = {0};
	sev.sigev_notify = SIGEV_SIGNAL;
	sev.sigev_signo = SIGUSR1;
	sev.sigev_value.sival_int = 42;
	timer_t t;
	printf("timer_create: %s\n", ename(timer_create(CLOCK_MONOTONIC, &sev, &t) ? errno : 0));
	struct itimerspec cur;
	timer_gettime(t, &cur);
	printf("disarmed: %d\n", ns(cur.it_value) == 0 && ns(cur.it_interval) == 0);
	struct itimerspec its = {{0, 10000000}, {0, 10000000}};
	timer_settime(t, 0, &its, NULL);
	timer_gettime(t, &cur);
	printf("armed: interval 10ms %d, value in (0, 10ms] %d\n", ns(cur.it_interval) == 10000000,
	       ns(cur.it_value) > 0 && ns(cur.it_value) <= 10000000);
	msleep(105);
	printf("overrun while pending: %d\n", timer_getoverrun(t));
	siginfo_t si;
	int sig = wait_sig(SIGUSR1, 0, &si);
	int ov = timer_getoverrun(t);
	printf("signal: %d code SI_TIMER %d value %d timerid %d\n", sig == SIGUSR1, si.si_code == SI_TIMER,
	       si.si_value.sival_int, si.si_timerid == (int)(intptr_t)t);
	printf("overruns counted: %d, si_overrun == timer_getoverrun %d\n", si.si_overrun >= 3, si.si_overrun == ov);
	sig = wait_sig(SIGUSR1, 2000, &si);
	printf("next period: %d, overrun small %d\n", sig == SIGUSR1, si.si_overrun < 3);
	struct itimerspec old;
	its = (struct itimerspec){{0, 0}, {0, 0}};
	timer_settime(t, 0, &its, &old);
	printf("old interval 10ms: %d\n", ns(old.it_interval) == 10000000);
	timer_gettime(t, &cur);
	printf("disarmed again: %d\n", ns(cur.it_value) == 0 && ns(cur.it_interval) == 0);

	// TIMER_ABSTIME on CLOCK_MONOTONIC and CLOCK_REALTIME.
	clockid_t clocks[] = {CLOCK_MONOTONIC, CLOCK_REALTIME};
	for (int i = 0; i < 2; i++) {
		int id;
		ktimer_create(clocks[i], &sev, &id);
		long long start = now_ns(CLOCK_MONOTONIC);
		ktimer_settime(id, TIMER_ABSTIME, 0, now_ns(clocks[i]) + 30000000, NULL);
		sig = wait_sig(SIGUSR1, 2000, &si);
		long long took = now_ns(CLOCK_MONOTONIC) - start;
		printf("absolute %s: fired %d, not early %d\n", i ? "realtime" : "monotonic", sig == SIGUSR1, took >= 25000000);
		ktimer_settime(id, TIMER_ABSTIME, 0, now_ns(clocks[i]) - 1000000000LL, NULL);
		printf("absolute in the past fires at once: %d\n", wait_sig(SIGUSR1, 2000, &si) == SIGUSR1);
		SYS(SYS_timer_delete, id);
	}

	int kid = (int)(intptr_t)t;
	printf("timer_delete: %s\n", ename(timer_delete(t) ? errno : 0));
	struct itimerspec tmp;
	printf("deleted: gettime %s, getoverrun %s, delete %s\n", ename(SYS(SYS_timer_gettime, kid, &tmp)),
	       ename(SYS(SYS_timer_getoverrun, kid)), ename(SYS(SYS_timer_delete, kid)));
}

static void error_cases(void) {
	int id;
	struct sigevent sev = {0};
	struct itimerspec its = {{0, 0}, {0, 1000000000}};
	printf("create bad clock: %s\n", ename(ktimer_create(99, NULL, &id)));
	printf("create coarse clock: %s\n", ename(ktimer_create(CLOCK_MONOTONIC_COARSE, NULL, &id)));
	printf("create bad sigevent pointer: %s\n", ename(ktimer_create(CLOCK_MONOTONIC, (void *)8, &id)));
	printf("create bad id pointer: %s\n", ename(ktimer_create(CLOCK_MONOTONIC, NULL, (void *)8)));
	sev.sigev_notify = 3;
	sev.sigev_signo = SIGUSR1;
	printf("create bad notify: %s\n", ename(ktimer_create(CLOCK_MONOTONIC, &sev, &id)));
	sev.sigev_notify = SIGEV_SIGNAL;
	sev.sigev_signo = 65;
	printf("create bad signal: %s\n", ename(ktimer_create(CLOCK_MONOTONIC, &sev, &id)));
	sev.sigev_notify = SIGEV_THREAD_ID;
	sev.sigev_signo = SIGUSR1;
	set_tid(&sev, 1);
	printf("create other process's thread: %s\n", ename(ktimer_create(CLOCK_MONOTONIC, &sev, &id)));
	printf("settime NULL: %s\n", ename(SYS(SYS_timer_settime, 12345, 0, NULL, NULL)));
	printf("settime bad nsec: %s\n", ename(SYS(SYS_timer_settime, 12345, 0, &its, NULL)));
	its.it_value.tv_nsec = 0;
	printf("settime bad id: %s\n", ename(SYS(SYS_timer_settime, 12345, 0, &its, NULL)));
	printf("gettime bad id: %s\n", ename(SYS(SYS_timer_gettime, 12345, &its)));
	printf("getoverrun bad id: %s\n", ename(SYS(SYS_timer_getoverrun, 12345)));
	printf("delete bad id: %s\n", ename(SYS(SYS_timer_delete, 12345)));
}

static int thread_tid;
static int thread_got, thread_code, thread_value;
static sem_t thread_ready;

static void *sig_thread(void *arg) {
	thread_tid = syscall(SYS_gettid);
	sem_post(&thread_ready);
	siginfo_t si;
	thread_got = wait_sig(SIGUSR2, 3000, &si) == SIGUSR2;
	thread_code = si.si_code;
	thread_value = si.si_value.sival_int;
	return NULL;
}

static void thread_timers(void) {
	sigset_t s = set_of(SIGUSR2);
	sigprocmask(SIG_BLOCK, &s, NULL); // the thread inherits the block
	sem_init(&thread_ready, 0, 0);
	pthread_t th;
	pthread_create(&th, NULL, sig_thread, NULL);
	sem_wait(&thread_ready);
	struct sigevent sev = {0};
	sev.sigev_notify = SIGEV_THREAD_ID;
	sev.sigev_signo = SIGUSR2;
	sev.sigev_value.sival_int = 7;
	set_tid(&sev, thread_tid);
	int id;
	printf("SIGEV_THREAD_ID create: %s\n", ename(ktimer_create(CLOCK_MONOTONIC, &sev, &id)));
	ktimer_settime(id, 0, 0, 20000000, NULL);
	pthread_join(th, NULL);
	sigset_t p;
	sigpending(&p);
	printf("thread got it: %d, SI_TIMER %d, value %d; main has it pending: %d\n", thread_got,
	       thread_code == SI_TIMER, thread_value, sigismember(&p, SIGUSR2));
	SYS(SYS_timer_delete, id);

	// SIGEV_NONE counts down and never signals.
	sev.sigev_notify = SIGEV_NONE;
	ktimer_create(CLOCK_MONOTONIC, &sev, &id);
	ktimer_settime(id, 0, 0, 50000000, NULL);
	struct itimerspec cur;
	syscall(SYS_timer_gettime, id, &cur);
	printf("SIGEV_NONE running: %d\n", ns(cur.it_value) > 0 && ns(cur.it_value) <= 50000000);
	msleep(70);
	syscall(SYS_timer_gettime, id, &cur);
	sigpending(&p);
	printf("SIGEV_NONE expired: value 0 %d, no signal %d\n", ns(cur.it_value) == 0, !sigismember(&p, SIGUSR2));
	SYS(SYS_timer_delete, id);
}

static sem_t callback_done;
static volatile int callback_value;

static void callback(union sigval v) {
	callback_value = v.sival_int;
	sem_post(&callback_done);
}

static void libc_thread_timer(void) {
	sem_init(&callback_done, 0, 0);
	struct sigevent sev = {0};
	sev.sigev_notify = SIGEV_THREAD;
	sev.sigev_notify_function = callback;
	sev.sigev_value.sival_int = 99;
	timer_t t;
	printf("SIGEV_THREAD create: %s\n", ename(timer_create(CLOCK_MONOTONIC, &sev, &t) ? errno : 0));
	struct itimerspec its = {{0, 0}, {0, 10000000}};
	timer_settime(t, 0, &its, NULL);
	struct timespec deadline;
	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += 3;
	int r = sem_timedwait(&callback_done, &deadline);
	printf("SIGEV_THREAD callback ran: %d value %d\n", r == 0, callback_value);
	timer_delete(t);
}

// fork_and_exec: a child inherits no timers; execve deletes them. The
// exec'd image (argv[1] "exec-check") reports through its exit status.
static void fork_and_exec(const char *self) {
	int id;
	ktimer_create(CLOCK_MONOTONIC, NULL, &id); // id 2 or more: ids are not reused
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		struct itimerspec cur;
		int cid = -1;
		int inherited = syscall(SYS_timer_gettime, id, &cur) == 0;
		ktimer_create(CLOCK_MONOTONIC, NULL, &cid);
		prctl(PR_SET_PDEATHSIG, SIGUSR2);
		execl(self, self, "exec-check", inherited ? "inherited" : "fresh", cid == 0 ? "id0" : "idN", (char *)NULL);
		_exit(100);
	}
	int status;
	waitpid(pid, &status, 0);
	printf("fork: timers not inherited, ids restart at 0, exec deletes, pdeathsig kept: %d\n",
	       WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	SYS(SYS_timer_delete, id);
}

// exec_check runs in the exec'd child: the timer it made before execve
// (id 0) is gone, and what fork told it is in its arguments.
static int exec_check(char **argv) {
	struct itimerspec cur;
	int pdeath = 0;
	prctl(PR_GET_PDEATHSIG, &pdeath);
	int deleted = syscall(SYS_timer_gettime, 0, &cur) < 0 && errno == EINVAL;
	int fresh = strcmp(argv[2], "fresh") == 0 && strcmp(argv[3], "id0") == 0;
	return fresh && deleted && pdeath == SIGUSR2 && prctl(PR_GET_DUMPABLE) == 1 ? 42 : 43;
}

static void names(void) {
	char name[32];
	memset(name, 'x', sizeof name);
	printf("PR_SET_NAME: %s\n", ename(prctl(PR_SET_NAME, "timers-main-thread-name") ? errno : 0));
	prctl(PR_GET_NAME, name);
	printf("PR_GET_NAME: \"%s\" (NUL at 15: %d)\n", name, name[15] == 0);
	FILE *f = fopen("/proc/self/comm", "r");
	char comm[64] = "";
	if (f) {
		fgets(comm, sizeof comm, f);
		fclose(f);
	}
	printf("/proc/self/comm: %s", comm);
	printf("PR_SET_NAME bad pointer: %s\n", ename(prctl(PR_SET_NAME, (void *)8) ? errno : 0));
	printf("PR_GET_NAME bad pointer: %s\n", ename(prctl(PR_GET_NAME, (void *)8) ? errno : 0));
}

static void *named_thread(void *arg) {
	prctl(PR_SET_NAME, "worker");
	char path[64], comm[64] = "";
	snprintf(path, sizeof path, "/proc/self/task/%ld/comm", (long)syscall(SYS_gettid));
	FILE *f = fopen(path, "r");
	if (f) {
		fgets(comm, sizeof comm, f);
		fclose(f);
	}
	printf("thread's task comm: %s", comm);
	return NULL;
}

static void thread_names(void) {
	pthread_t th;
	pthread_create(&th, NULL, named_thread, NULL);
	pthread_join(th, NULL);
	char name[16];
	prctl(PR_GET_NAME, name);
	printf("main name unchanged: %s\n", name);
}

static void flags(void) {
	int v = -1;
	printf("PR_SET_PDEATHSIG 65: %s\n", ename(prctl(PR_SET_PDEATHSIG, 65) ? errno : 0));
	prctl(PR_GET_PDEATHSIG, &v);
	printf("PR_GET_PDEATHSIG: %d\n", v);
	printf("PR_GET_PDEATHSIG bad pointer: %s\n", ename(prctl(PR_GET_PDEATHSIG, (void *)8) ? errno : 0));
	printf("PR_GET_DUMPABLE: %d\n", prctl(PR_GET_DUMPABLE));
	printf("PR_SET_DUMPABLE 2: %s\n", ename(prctl(PR_SET_DUMPABLE, 2) ? errno : 0));
	prctl(PR_SET_DUMPABLE, 0);
	printf("PR_SET_DUMPABLE 0: %d\n", prctl(PR_GET_DUMPABLE));
	prctl(PR_SET_DUMPABLE, 1);
	printf("PR_GET_NO_NEW_PRIVS: %d\n", prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
	printf("PR_GET_NO_NEW_PRIVS extra arg: %s\n", ename(prctl(PR_GET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ? errno : 0));
	printf("PR_SET_NO_NEW_PRIVS extra arg: %s\n", ename(prctl(PR_SET_NO_NEW_PRIVS, 1, 1, 0, 0) ? errno : 0));
	printf("PR_GET_KEEPCAPS: %d\n", prctl(PR_GET_KEEPCAPS));
	printf("PR_SET_KEEPCAPS 2: %s\n", ename(prctl(PR_SET_KEEPCAPS, 2) ? errno : 0));
	prctl(PR_SET_KEEPCAPS, 1);
	printf("PR_SET_KEEPCAPS 1: %d\n", prctl(PR_GET_KEEPCAPS));
	prctl(PR_SET_KEEPCAPS, 0);
	printf("PR_CAPBSET_READ 0 valid: %d\n", prctl(PR_CAPBSET_READ, 0) >= 0);
	printf("PR_CAPBSET_READ 64: %s\n", ename(prctl(PR_CAPBSET_READ, 64) < 0 ? errno : 0));
	int slack = prctl(PR_GET_TIMERSLACK);
	prctl(PR_SET_TIMERSLACK, 1234);
	int set = prctl(PR_GET_TIMERSLACK);
	prctl(PR_SET_TIMERSLACK, 0);
	printf("timer slack: set %d, reset %d\n", set == 1234, prctl(PR_GET_TIMERSLACK) == slack);
	void *tidaddr = NULL;
	prctl(PR_GET_TID_ADDRESS, &tidaddr);
	printf("PR_GET_TID_ADDRESS set: %d\n", tidaddr != NULL);
	printf("unknown option: %s\n", ename(prctl(0x7f00dead, 0, 0, 0, 0) < 0 ? errno : 0));
	v = -1;
	prctl(PR_GET_CHILD_SUBREAPER, &v);
	printf("PR_GET_CHILD_SUBREAPER: %d\n", v);
	printf("PR_SET_MM_MAP_SIZE: %s", ename(prctl(PR_SET_MM, PR_SET_MM_MAP_SIZE, &v, 0, 0) ? errno : 0));
	printf(" size %d\n", v);
	printf("PR_SET_MM extra arg: %s\n", ename(prctl(PR_SET_MM, PR_SET_MM_ARG_START, 0x1000, 1, 0) ? errno : 0));
}

// reaper: this process becomes a child subreaper; a child forks a
// grandchild that asks for SIGUSR1 on its parent's death, and exits. The
// grandchild gets the signal (from its parent), sees this process as its
// parent, and is reaped here by wait.
static void reaper(void) {
	int rc = prctl(PR_SET_CHILD_SUBREAPER, 1);
	int v = 0;
	prctl(PR_GET_CHILD_SUBREAPER, &v);
	printf("subreaper: %s %d\n", ename(rc ? errno : 0), v);
	int ready[2], report[2];
	pipe(ready);
	pipe(report);
	pid_t me = getpid();
	fflush(stdout);
	pid_t mid = fork();
	if (mid == 0) {
		pid_t g = fork();
		if (g == 0) {
			sigset_t s = set_of(SIGUSR1);
			sigprocmask(SIG_BLOCK, &s, NULL);
			prctl(PR_SET_PDEATHSIG, SIGUSR1);
			pid_t parent = getppid();
			write(ready[1], "r", 1);
			siginfo_t si;
			int sig = wait_sig(SIGUSR1, 5000, &si);
			char r[4] = {sig == SIGUSR1, si.si_code == SI_USER && si.si_pid == parent, getppid() == me, 0};
			write(report[1], r, 3);
			_exit(7);
		}
		char c;
		read(ready[0], &c, 1);
		_exit(0); // the grandchild is orphaned
	}
	int status;
	pid_t w = waitpid(mid, &status, 0);
	printf("middle exited: %d\n", w == mid && WIFEXITED(status) && WEXITSTATUS(status) == 0);
	char r[3] = {0};
	read(report[0], r, 3);
	printf("grandchild: got PDEATHSIG %d, from its parent %d, reparented to the subreaper %d\n", r[0], r[1], r[2]);
	w = wait(&status);
	printf("subreaper reaps it: %d status %d\n", w > 0, WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	printf("no more children: %s\n", ename(wait(&status) < 0 ? errno : 0));
	prctl(PR_SET_CHILD_SUBREAPER, 0);
}

// musl leaves sched_getscheduler and relatives unimplemented (Linux's are
// per thread, POSIX's per process), so the raw calls are used.
static int getscheduler(pid_t pid) { return syscall(SYS_sched_getscheduler, pid); }
static int getparam(pid_t pid, struct sched_param *sp) { return syscall(SYS_sched_getparam, pid, sp); }

static void scheduling(void) {
	int pols[] = {SCHED_OTHER, SCHED_BATCH, SCHED_IDLE, SCHED_FIFO, SCHED_RR, 42};
	for (int i = 0; i < 6; i++) {
		int mx = sched_get_priority_max(pols[i]), emx = mx < 0 ? errno : 0;
		int mn = sched_get_priority_min(pols[i]), emn = mn < 0 ? errno : 0;
		printf("priority range of %d: %d %s .. %d %s\n", pols[i], mn, ename(emn), mx, ename(emx));
	}
	struct sched_param sp = {0};
	printf("getscheduler: %d\n", getscheduler(0));
	getparam(0, &sp);
	printf("getparam: %d\n", sp.sched_priority);
	printf("getscheduler bad pid: %s\n", ename(getscheduler(-1) < 0 ? errno : 0));
	printf("getscheduler no such pid: %s\n", ename(SYS(SYS_sched_getscheduler, 0x3fffffff)));
	printf("getparam NULL: %s\n", ename(SYS(SYS_sched_getparam, 0, NULL)));
	sp.sched_priority = 5;
	printf("OTHER with priority 5: %s\n", ename(SYS(SYS_sched_setscheduler, 0, SCHED_OTHER, &sp)));
	printf("unknown policy: %s\n", ename(SYS(SYS_sched_setscheduler, 0, 42, &sp)));
	printf("NULL param: %s\n", ename(SYS(SYS_sched_setscheduler, 0, SCHED_OTHER, NULL)));
	sp.sched_priority = 0;
	printf("FIFO with priority 0: %s\n", ename(SYS(SYS_sched_setscheduler, 0, SCHED_FIFO, &sp)));
	printf("BATCH: %s", ename(SYS(SYS_sched_setscheduler, 0, SCHED_BATCH, &sp)));
	printf(" -> %d\n", getscheduler(0));
	SYS(SYS_sched_setscheduler, 0, SCHED_OTHER, &sp);
	// Real-time policies need privilege (or RLIMIT_RTPRIO): whichever
	// way it goes, what is read back must agree.
	sp.sched_priority = 10;
	int rc = SYS(SYS_sched_setscheduler, 0, SCHED_FIFO, &sp);
	struct sched_param got = {0};
	getparam(0, &got);
	printf("FIFO 10 consistent: %d\n", rc == 0 ? getscheduler(0) == SCHED_FIFO && got.sched_priority == 10 : rc == EPERM);
	rc = SYS(SYS_sched_setscheduler, 0, SCHED_RR, &sp);
	struct timespec q = {9, 9};
	sched_rr_get_interval(0, &q);
	printf("RR quantum consistent: %d\n", rc == 0 ? ns(q) == 100000000 : rc == EPERM);
	sp.sched_priority = 0;
	SYS(SYS_sched_setscheduler, 0, SCHED_OTHER, &sp);
	printf("rr_get_interval bad pointer: %s\n", ename(SYS(SYS_sched_rr_get_interval, 0, (void *)8)));

	cpu_set_t orig, one, back;
	sched_getaffinity(0, sizeof orig, &orig);
	int first = -1;
	for (int c = 0; c < CPU_SETSIZE && first < 0; c++) {
		if (CPU_ISSET(c, &orig)) {
			first = c;
		}
	}
	printf("some CPU allowed: %d\n", CPU_COUNT(&orig) >= 1);
	CPU_ZERO(&one);
	printf("empty mask: %s\n", ename(sched_setaffinity(0, sizeof one, &one) ? errno : 0));
	printf("getaffinity 4 bytes: %s\n", ename(SYS(SYS_sched_getaffinity, 0, 4, &back)));
	printf("setaffinity bad pointer: %s\n", ename(SYS(SYS_sched_setaffinity, 0, 8, (void *)8)));
	CPU_SET(first, &one);
	printf("pin to one CPU: %s\n", ename(sched_setaffinity(0, sizeof one, &one) ? errno : 0));
	sched_getaffinity(0, sizeof back, &back);
	printf("read back: %d\n", CPU_EQUAL(&one, &back));
	unsigned cpu = 999, node = 999;
	rc = SYS(SYS_getcpu, &cpu, &node, NULL);
	printf("getcpu: %s, on that CPU %d, node %d\n", ename(rc), (int)cpu == first, node == 0);
	printf("sched_getcpu agrees: %d\n", sched_getcpu() == first);
	printf("getcpu NULL pointers: %s\n", ename(SYS(SYS_getcpu, NULL, NULL, NULL)));
	FILE *f = fopen("/proc/self/status", "r");
	char line[256], want[64];
	int shown = 0;
	snprintf(want, sizeof want, "Cpus_allowed_list:\t%d\n", first);
	while (f && fgets(line, sizeof line, f)) {
		if (strncmp(line, "Cpus_allowed_list:", 18) == 0) {
			shown = strcmp(line, want) == 0;
		}
	}
	if (f) {
		fclose(f);
	}
	printf("/proc/self/status shows it: %d\n", shown);
	sched_setaffinity(0, sizeof orig, &orig);
}

static void hostnames(void) {
	struct utsname before, after;
	uname(&before);
	int root = geteuid() == 0;
	// Only failing calls: as root the length or the pointer is bad (root
	// without CAP_SYS_ADMIN, in a container, gets EPERM first).
	int e1 = SYS(SYS_sethostname, "x", 65);
	int e2 = SYS(SYS_sethostname, "x", -1);
	int e3 = SYS(SYS_sethostname, (void *)8, 5);
	int e4 = SYS(SYS_setdomainname, "x", 65);
	int e5 = SYS(SYS_setdomainname, (void *)8, 5);
	printf("sethostname too long: %d\n", root ? e1 == EINVAL || e1 == EPERM : e1 == EPERM);
	printf("sethostname negative length: %d\n", root ? e2 == EINVAL || e2 == EPERM : e2 == EPERM);
	printf("sethostname bad pointer: %d\n", root ? e3 == EFAULT || e3 == EPERM : e3 == EPERM);
	printf("setdomainname too long: %d\n", root ? e4 == EINVAL || e4 == EPERM : e4 == EPERM);
	printf("setdomainname bad pointer: %d\n", root ? e5 == EFAULT || e5 == EPERM : e5 == EPERM);
	uname(&after);
	printf("names unchanged: %d\n",
	       strcmp(before.nodename, after.nodename) == 0 && strcmp(before.domainname, after.domainname) == 0);
	FILE *f = fopen("/proc/sys/kernel/hostname", "r");
	char h[80] = "";
	if (f) {
		fgets(h, sizeof h, f);
		fclose(f);
	}
	h[strcspn(h, "\n")] = 0;
	printf("/proc/sys/kernel/hostname matches uname: %d\n", strcmp(h, after.nodename) == 0);
}

int main(int argc, char **argv) {
	if (argc > 3 && strcmp(argv[1], "exec-check") == 0) {
		return exec_check(argv);
	}
	signal_timers();
	error_cases();
	thread_timers();
	libc_thread_timer();
	fork_and_exec(argv[0]);
	names();
	thread_names();
	flags();
	reaper();
	scheduling();
	hostnames();
	return 0;
}

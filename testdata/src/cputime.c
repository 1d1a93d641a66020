// cputime checks CPU-time accounting the way programs read it: getrusage,
// times, clock_gettime on the CPU-time clocks (fixed and from
// clock_getcpuclockid/pthread_getcpuclockid), /proc/self/stat, wait4's
// rusage and SIGCHLD's si_utime. Work is measured in CPU time, not loop
// counts, so the program does the same natively and emulated; only
// relations are printed (sleeping is not CPU time, a child's time reaches
// its parent when reaped, an ended thread's time stays with its process).
// Tick counts are two truncated halves (user, system), hence the slack.
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/times.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MS 1000000LL

static long long ns(clockid_t c)
{
	struct timespec ts;
	if (clock_gettime(c, &ts) != 0)
		return -1;
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static long long tv(struct timeval t) { return t.tv_sec * 1000000000LL + t.tv_usec * 1000LL; }

// spin burns at least want ns of the calling thread's CPU time.
static volatile unsigned long sink;
static void spin(long long want)
{
	long long start = ns(CLOCK_THREAD_CPUTIME_ID);
	while (ns(CLOCK_THREAD_CPUTIME_ID) - start < want)
		for (int i = 0; i < 1000; i++)
			sink += i;
}

static void check(const char *what, int ok)
{
	printf("%s: %s\n", what, ok ? "ok" : "BAD");
}

static volatile long long chld_ticks = -1;
static void on_chld(int sig, siginfo_t *si, void *uc)
{
	chld_ticks = si->si_utime + si->si_stime;
}

static volatile sig_atomic_t vt_fired, prof_fired;
static void on_vtalrm(int sig) { vt_fired++; }
static void on_prof(int sig) { prof_fired++; }

static int xcpu_pipe;
static void on_xcpu(int sig)
{
	struct rlimit rl;
	getrlimit(RLIMIT_CPU, &rl);
	char c = '0' + (char)rl.rlim_cur;
	write(xcpu_pipe, &c, 1);
}

// itimers: ITIMER_VIRTUAL and ITIMER_PROF fire after that much CPU time,
// and sleeping does not bring them closer.
static void test_itimers(void)
{
	signal(SIGVTALRM, on_vtalrm);
	signal(SIGPROF, on_prof);
	struct itimerval it = {{0, 0}, {0, 50000}}, got;
	setitimer(ITIMER_VIRTUAL, &it, NULL);
	usleep(200000);
	check("ITIMER_VIRTUAL does not fire while asleep", vt_fired == 0);
	getitimer(ITIMER_VIRTUAL, &got);
	check("getitimer(ITIMER_VIRTUAL) while armed", got.it_value.tv_sec == 0 && got.it_value.tv_usec > 0 && got.it_value.tv_usec <= 60000); // Linux adds a tick
	long long t0 = ns(CLOCK_PROCESS_CPUTIME_ID);
	while (!vt_fired && ns(CLOCK_PROCESS_CPUTIME_ID) - t0 < 2000 * MS)
		spin(MS);
	check("ITIMER_VIRTUAL fired", vt_fired == 1);
	check("after its CPU time", ns(CLOCK_PROCESS_CPUTIME_ID) - t0 >= 40 * MS);
	getitimer(ITIMER_VIRTUAL, &got);
	check("and is disarmed", got.it_value.tv_sec == 0 && got.it_value.tv_usec == 0);

	struct itimerval rep = {{0, 20000}, {0, 20000}};
	setitimer(ITIMER_PROF, &rep, NULL);
	t0 = ns(CLOCK_PROCESS_CPUTIME_ID);
	while (prof_fired < 3 && ns(CLOCK_PROCESS_CPUTIME_ID) - t0 < 2000 * MS)
		spin(MS);
	struct itimerval off = {{0, 0}, {0, 0}};
	setitimer(ITIMER_PROF, &off, &got);
	check("ITIMER_PROF repeats", prof_fired >= 3);
	check("its interval reads back", got.it_interval.tv_sec == 0 && got.it_interval.tv_usec == 20000);
	signal(SIGVTALRM, SIG_DFL);
	signal(SIGPROF, SIG_DFL);
}

// POSIX timers on CPU-time clocks count CPU time, not sleep.
static volatile sig_atomic_t usr1, usr2;
static void on_usr1(int sig) { usr1++; }
static void on_usr2(int sig) { usr2++; }

static void test_posix_cpu_timers(void)
{
	signal(SIGUSR1, on_usr1);
	signal(SIGUSR2, on_usr2);
	struct sigevent ev;
	memset(&ev, 0, sizeof ev);
	ev.sigev_notify = SIGEV_SIGNAL;
	ev.sigev_signo = SIGUSR1;
	timer_t tm;
	check("timer_create(CLOCK_PROCESS_CPUTIME_ID)", timer_create(CLOCK_PROCESS_CPUTIME_ID, &ev, &tm) == 0);
	struct itimerspec its = {{0, 0}, {0, 50 * MS}}, got;
	timer_settime(tm, 0, &its, NULL);
	usleep(200000);
	check("CPU timer does not fire while asleep", usr1 == 0);
	timer_gettime(tm, &got);
	check("timer_gettime while armed", got.it_value.tv_sec == 0 && got.it_value.tv_nsec > 0 && got.it_value.tv_nsec <= 50 * MS);
	long long t0 = ns(CLOCK_PROCESS_CPUTIME_ID);
	while (!usr1 && ns(CLOCK_PROCESS_CPUTIME_ID) - t0 < 2000 * MS)
		spin(MS);
	check("CPU timer fired once", usr1 == 1);
	check("after its CPU time", ns(CLOCK_PROCESS_CPUTIME_ID) - t0 >= 40 * MS);
	timer_delete(tm);

	// A repeating timer on this thread's clock, from pthread_getcpuclockid.
	clockid_t cid;
	pthread_getcpuclockid(pthread_self(), &cid);
	ev.sigev_signo = SIGUSR2;
	check("timer_create(pthread_getcpuclockid)", timer_create(cid, &ev, &tm) == 0);
	struct itimerspec rep = {{0, 20 * MS}, {0, 20 * MS}};
	timer_settime(tm, 0, &rep, NULL);
	t0 = ns(CLOCK_THREAD_CPUTIME_ID);
	while (usr2 < 3 && ns(CLOCK_THREAD_CPUTIME_ID) - t0 < 2000 * MS)
		spin(MS);
	check("thread CPU timer repeats", usr2 >= 3);
	check("every 20ms of CPU time", ns(CLOCK_THREAD_CPUTIME_ID) - t0 >= 55 * MS);
	timer_delete(tm);

	// TIMER_ABSTIME on clock_getcpuclockid(0)'s clock.
	usr1 = 0;
	clock_getcpuclockid(0, &cid);
	ev.sigev_signo = SIGUSR1;
	timer_create(cid, &ev, &tm);
	struct timespec now;
	clock_gettime(cid, &now);
	long long at = now.tv_sec * 1000000000LL + now.tv_nsec + 30 * MS;
	struct itimerspec abs = {{0, 0}, {at / 1000000000LL, at % 1000000000LL}};
	timer_settime(tm, TIMER_ABSTIME, &abs, NULL);
	while (!usr1 && ns(cid) - at < 2000 * MS)
		spin(MS);
	check("absolute CPU timer fired at its time", usr1 == 1 && ns(cid) >= at);
	timer_delete(tm);
	signal(SIGUSR1, SIG_DFL);
	signal(SIGUSR2, SIG_DFL);
}

// RLIMIT_CPU: SIGXCPU at the soft limit, which then moves a second on,
// and SIGKILL at the hard one.
static void test_rlimit_cpu(void)
{
	int fds[2];
	pipe(fds);
	pid_t c = fork();
	if (c == 0) {
		close(fds[0]);
		xcpu_pipe = fds[1];
		signal(SIGXCPU, on_xcpu);
		struct rlimit rl = {1, 2};
		setrlimit(RLIMIT_CPU, &rl);
		spin(10000 * MS);
		_exit(0);
	}
	close(fds[1]);
	char buf[16];
	int n = 0, r;
	while ((r = read(fds[0], buf + n, sizeof buf - n)) > 0)
		n += r;
	int status;
	waitpid(c, &status, 0);
	printf("RLIMIT_CPU: SIGXCPU seen %d time(s), soft limit then %c, %s\n", n, n ? buf[0] : '-',
		WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL ? "killed at the hard limit" : "not killed");
}

static void *worker(void *arg)
{
	spin(60 * MS);
	return NULL;
}

int main(void)
{
	long tick = sysconf(_SC_CLK_TCK);
	printf("clock ticks: %ld\n", tick);

	long long p0 = ns(CLOCK_PROCESS_CPUTIME_ID);
	struct timespec w0, w1;
	clock_gettime(CLOCK_MONOTONIC, &w0);
	spin(60 * MS);
	clock_gettime(CLOCK_MONOTONIC, &w1);
	long long p1 = ns(CLOCK_PROCESS_CPUTIME_ID);
	long long wall = (w1.tv_sec - w0.tv_sec) * 1000000000LL + w1.tv_nsec - w0.tv_nsec;
	check("process clock advanced by the spin", p1 - p0 >= 60 * MS);
	check("CPU time not above wall time", p1 - p0 <= wall + 5 * MS);

	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	long long self = tv(ru.ru_utime) + tv(ru.ru_stime);
	check("getrusage(SELF) counts the spin", self >= 50 * MS);
	check("getrusage(SELF) within the process clock", self <= ns(CLOCK_PROCESS_CPUTIME_ID) + 1 * MS);
	check("mostly user time", tv(ru.ru_utime) > tv(ru.ru_stime));
	getrusage(RUSAGE_THREAD, &ru);
	check("getrusage(THREAD) counts the spin", tv(ru.ru_utime) + tv(ru.ru_stime) >= 50 * MS);

	struct tms t;
	times(&t);
	check("times() counts the spin", (t.tms_utime + t.tms_stime) * (1000 / tick) >= 40);

	FILE *f = fopen("/proc/self/stat", "r");
	unsigned long ut = 0, st = 0;
	char state = '?';
	if (f) {
		char buf[1024];
		size_t n = fread(buf, 1, sizeof buf - 1, f);
		buf[n] = 0;
		fclose(f);
		char *p = strrchr(buf, ')');
		if (p)
			sscanf(p + 2, "%c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &state, &ut, &st);
	}
	check("/proc/self/stat utime+stime", (ut + st) * (1000 / tick) >= 40);
	printf("/proc/self/stat state: %c\n", state);

	clockid_t cid;
	int r = clock_getcpuclockid(0, &cid);
	check("clock_getcpuclockid(0)", r == 0 && ns(cid) >= 60 * MS);
	r = clock_getcpuclockid(getpid(), &cid);
	check("clock_getcpuclockid(getpid())", r == 0 && ns(cid) >= 60 * MS);
	struct timespec res;
	check("clock_getres on it", clock_getres(cid, &res) == 0 && res.tv_sec == 0 && res.tv_nsec == 1);
	r = clock_getcpuclockid(999999, &cid); // glibc maps the EINVAL to ESRCH, musl does not
	printf("clock_getcpuclockid(no such pid): %s\n", r == ESRCH ? "ESRCH" : r == EINVAL ? "EINVAL" : "?");
	r = pthread_getcpuclockid(pthread_self(), &cid);
	check("pthread_getcpuclockid(self)", r == 0 && ns(cid) >= 60 * MS);

	// Sleeping costs no CPU time.
	long long s0 = ns(CLOCK_PROCESS_CPUTIME_ID);
	usleep(200000);
	check("sleep is not CPU time", ns(CLOCK_PROCESS_CPUTIME_ID) - s0 < 50 * MS);

	// An ended thread's time stays with the process.
	long long before = ns(CLOCK_PROCESS_CPUTIME_ID);
	long long mine = ns(CLOCK_THREAD_CPUTIME_ID);
	struct timespec j0, j1;
	clock_gettime(CLOCK_MONOTONIC, &j0);
	pthread_t th;
	pthread_create(&th, NULL, worker, NULL);
	pthread_join(th, NULL);
	clock_gettime(CLOCK_MONOTONIC, &j1);
	long long joined = (j1.tv_sec - j0.tv_sec) * 1000000000LL + j1.tv_nsec - j0.tv_nsec;
	long long grew = ns(CLOCK_PROCESS_CPUTIME_ID) - before;
	check("ended thread counted in the process clock", grew >= 60 * MS);
	// Two threads overlap a little around the clone, and blink counts
	// a runnable thread as running: allow for that, not for more.
	check("no more than the two threads could run", grew <= 2 * joined + 5 * MS);
	check("but not in this thread's", ns(CLOCK_THREAD_CPUTIME_ID) - mine < 50 * MS);
	getrusage(RUSAGE_SELF, &ru);
	check("nor lost from getrusage(SELF)", tv(ru.ru_utime) + tv(ru.ru_stime) >= 110 * MS);

	// A child's time: SIGCHLD's si_utime, wait4's rusage, then the
	// children totals once it is reaped.
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_chld;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGCHLD, &sa, NULL);
	getrusage(RUSAGE_CHILDREN, &ru);
	check("no children's time yet", tv(ru.ru_utime) + tv(ru.ru_stime) == 0);
	long long pre = ns(CLOCK_PROCESS_CPUTIME_ID);
	pid_t c = fork();
	if (c == 0) {
		spin(80 * MS);
		_exit(0);
	}
	int status;
	struct rusage cru;
	while (wait4(c, &status, 0, &cru) < 0 && errno == EINTR)
		;
	check("wait4 rusage", tv(cru.ru_utime) + tv(cru.ru_stime) >= 70 * MS);
	check("SIGCHLD si_utime+si_stime", chld_ticks * (1000 / tick) >= 60);
	getrusage(RUSAGE_CHILDREN, &ru);
	check("getrusage(CHILDREN) after wait", tv(ru.ru_utime) + tv(ru.ru_stime) >= 70 * MS);
	times(&t);
	check("times() children", (t.tms_cutime + t.tms_cstime) * (1000 / tick) >= 60);
	getrusage(RUSAGE_SELF, &ru);
	check("child's time not in SELF", tv(ru.ru_utime) + tv(ru.ru_stime) - pre < 50 * MS);
	signal(SIGCHLD, SIG_DFL);

	test_itimers();
	test_posix_cpu_timers();
	test_rlimit_cpu();
	return 0;
}

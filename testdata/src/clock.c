// clock checks time system calls for sanity only (values vary per run):
// monotonic time never goes backwards, a 10 ms nanosleep really sleeps at
// least 10 ms, and the realtime clocks agree with each other.
#include <stdio.h>
#include <sys/time.h>
#include <time.h>

static long long ns(clockid_t id)
{
	struct timespec ts;
	if (clock_gettime(id, &ts) != 0)
		return -1;
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void check(const char *what, int ok)
{
	printf("%-34s %s\n", what, ok ? "true" : "false");
}

int main(void)
{
	long long prev = ns(CLOCK_MONOTONIC), t0, t1, rt;
	int i, mono = prev >= 0;
	struct timespec req = {0, 10 * 1000 * 1000}, res;
	struct timeval tv;

	for (i = 0; i < 1000; i++) {
		long long now = ns(CLOCK_MONOTONIC);
		mono &= now >= prev;
		prev = now;
	}
	check("monotonic non-decreasing", mono);

	t0 = ns(CLOCK_MONOTONIC);
	check("nanosleep 10ms returns 0", nanosleep(&req, NULL) == 0);
	t1 = ns(CLOCK_MONOTONIC);
	check("nanosleep elapsed >= 10ms", t1 - t0 >= 10000000LL);
	check("nanosleep elapsed < 5s", t1 - t0 < 5000000000LL);

	rt = ns(CLOCK_REALTIME);
	check("realtime after 2020", rt > 1577836800LL * 1000000000LL);
	check("gettimeofday succeeds", gettimeofday(&tv, NULL) == 0);
	check("gettimeofday ~ realtime",
	      tv.tv_sec - rt / 1000000000LL <= 2 &&
		      rt / 1000000000LL - tv.tv_sec <= 2);
	check("time() ~ realtime", time(NULL) - rt / 1000000000LL <= 2);
	check("clock_getres monotonic > 0",
	      clock_getres(CLOCK_MONOTONIC, &res) == 0 &&
		      (res.tv_sec > 0 || res.tv_nsec > 0));
	check("process cputime >= 0", ns(CLOCK_PROCESS_CPUTIME_ID) >= 0);
	check("invalid clock fails", ns((clockid_t)12345) == -1);
	return 0;
}

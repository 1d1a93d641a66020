// schedattr checks sched_setattr and sched_getattr as chrt and schedtool
// use them: the extensible struct's size rules both ways (shorter, longer,
// zeros past the kernel's size, E2BIG with the kernel's size written
// back), policies with their parameters, nice clamping, the KEEP flags,
// reset-on-fork, and the errors in Linux's order.
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

struct attr {
	uint32_t size, policy;
	uint64_t flags;
	int32_t nice;
	uint32_t prio;
	uint64_t runtime, deadline, period;
	uint32_t umin, umax;
	unsigned char tail[8];
};

static long getattr_(int pid, struct attr *a, unsigned size, unsigned flags)
{
	return syscall(SYS_sched_getattr, pid, a, size, flags);
}
static long setattr_(int pid, struct attr *a, unsigned flags) { return syscall(SYS_sched_setattr, pid, a, flags); }
static const char *err(long r) { return r == 0 ? "0" : strerror(errno); }

static void show(const char *what)
{
	struct attr a;
	memset(&a, 0xee, sizeof a);
	long r = getattr_(0, &a, 56, 0);
	printf("%s: %s policy %u flags %llu nice %d prio %u dl %llu/%llu/%llu\n", what, err(r), a.policy,
		(unsigned long long)a.flags, a.nice, a.prio, a.policy == 6 ? (unsigned long long)a.runtime : 0ULL,
		(unsigned long long)a.deadline, (unsigned long long)a.period);
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	struct attr a;
	memset(&a, 0xee, sizeof a);
	long r = getattr_(0, &a, sizeof a, 0);
	printf("get with 64 bytes: %s size %u policy %u nice %d zeros past 56: %d\n", err(r), a.size, a.policy, a.nice,
		a.tail[0] == 0 && a.tail[7] == 0);
	memset(&a, 0xee, sizeof a);
	r = getattr_(0, &a, 48, 0);
	printf("get with 48: %s size %u clamps untouched %d\n", err(r), a.size, a.umin == 0xeeeeeeee);
	printf("get 47: %s\n", err(getattr_(0, &a, 47, 0)));
	printf("get 4097: %s\n", err(getattr_(0, &a, 4097, 0)));
	printf("get flags: %s\n", err(getattr_(0, &a, 56, 1)));
	printf("get NULL: %s\n", err(getattr_(0, NULL, 56, 0)));
	printf("get pid -1: %s\n", err(getattr_(-1, &a, 56, 0)));
	printf("get no such pid: %s\n", err(getattr_(999999, &a, 56, 0)));

	memset(&a, 0, sizeof a);
	a.size = 48;
	a.policy = SCHED_FIFO;
	a.prio = 10;
	printf("set FIFO 10: %s\n", err(setattr_(0, &a, 0)));
	show("now");
	memset(&a, 0, sizeof a);
	a.nice = 5;
	printf("set size 0 (VER0), NORMAL nice 5: %s\n", err(setattr_(0, &a, 0)));
	show("now");
	memset(&a, 0, sizeof a);
	a.size = 40;
	r = setattr_(0, &a, 0);
	printf("size 40: %s, size written %u\n", err(r), a.size);
	memset(&a, 0, sizeof a);
	a.size = 64;
	a.tail[0] = 1;
	r = setattr_(0, &a, 0);
	printf("size 64 with a byte past 56: %s, size written %u\n", err(r), a.size);
	memset(&a, 0, sizeof a);
	a.size = 64;
	printf("size 64, zeros past 56: %s\n", err(setattr_(0, &a, 0)));
	memset(&a, 0, sizeof a);
	a.size = 48;
	a.flags = 0x1000;
	printf("unknown flag: %s\n", err(setattr_(0, &a, 0)));
	a.flags = 0x20;
	printf("clamp flag with VER0: %s\n", err(setattr_(0, &a, 0)));
	memset(&a, 0, sizeof a);
	a.size = 48;
	a.policy = 9;
	printf("bad policy: %s\n", err(setattr_(0, &a, 0)));
	a.policy = SCHED_OTHER;
	a.prio = 5;
	printf("NORMAL with a priority: %s\n", err(setattr_(0, &a, 0)));
	memset(&a, 0, sizeof a);
	a.size = 48;
	a.policy = 6;
	a.runtime = 20000000;
	a.deadline = 10000000;
	a.period = 30000000;
	printf("deadline with runtime > deadline: %s\n", err(setattr_(0, &a, 0)));
	memset(&a, 0, sizeof a);
	a.size = 48;
	a.nice = -30;
	printf("nice -30: %s\n", err(setattr_(0, &a, 0)));
	show("clamped");
	memset(&a, 0, sizeof a);
	a.size = 48;
	printf("flags argument: %s\n", err(setattr_(0, &a, 1)));
	memset(&a, 0, sizeof a);
	a.size = 48;
	a.policy = SCHED_RR;
	a.prio = 20;
	setattr_(0, &a, 0);
	memset(&a, 0, sizeof a);
	a.size = 48;
	a.flags = 0x08; // KEEP_POLICY: only the priority changes
	a.prio = 30;
	printf("KEEP_POLICY, priority 30: %s\n", err(setattr_(0, &a, 0)));
	show("now");
	memset(&a, 0, sizeof a);
	a.size = 48;
	a.flags = 0x01;
	a.policy = SCHED_BATCH;
	a.nice = 3;
	printf("BATCH nice 3, reset on fork: %s\n", err(setattr_(0, &a, 0)));
	show("now");
	printf("sched_getscheduler: %#x\n", sched_getscheduler(0));
	memset(&a, 0, sizeof a);
	a.size = 48;
	a.policy = SCHED_OTHER;
	printf("dropping reset on fork: %s\n", err(setattr_(0, &a, 0)));
	return 0;
}

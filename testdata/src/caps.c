// caps checks capget, capset and personality as libcap and setarch use
// them: a root process's sets, the version handshake, dropping and the
// rules against raising, other processes, and the personality query.
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

// From <linux/capability.h>, which musl's toolchain lacks.
struct __user_cap_header_struct {
	unsigned int version;
	int pid;
};
struct __user_cap_data_struct {
	unsigned int effective, permitted, inheritable;
};
#define _LINUX_CAPABILITY_VERSION_1 0x19980330
#define _LINUX_CAPABILITY_VERSION_3 0x20080522

static int capget_(struct __user_cap_header_struct *h, struct __user_cap_data_struct *d)
{
	return syscall(SYS_capget, h, d);
}
static int capset_(struct __user_cap_header_struct *h, struct __user_cap_data_struct *d)
{
	return syscall(SYS_capset, h, d);
}

static const char *err(int r) { return r == 0 ? "0" : strerror(errno); }

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
	struct __user_cap_data_struct d[2];
	int r = capget_(&h, d);
	// The exact sets depend on the machine (a container may lack some):
	// only what holds for any root is printed.
	unsigned int low = d[0].effective;
	printf("capget v3: %s eff=prm %d inh 0 %d none past CAP_LAST_CAP %d SYS_ADMIN %d NET_RAW %d\n", err(r),
		d[0].effective == d[0].permitted && d[1].effective == d[1].permitted,
		d[0].inheritable == 0 && d[1].inheritable == 0, (d[1].permitted >> 9) == 0,
		!!(d[0].effective & 1u << 21), !!(d[0].effective & 1u << 13));
	h.version = 0x12345678;
	r = capget_(&h, NULL);
	printf("probe with an unknown version: %s, header now %#x\n", err(r), h.version);
	h.version = 0x12345678;
	r = capget_(&h, d);
	printf("unknown version with data: %s, header now %#x\n", err(r), h.version);
	h.version = _LINUX_CAPABILITY_VERSION_1;
	r = capget_(&h, d);
	printf("capget v1: %s same low word %d\n", err(r), d[0].effective == low);
	h = (struct __user_cap_header_struct){_LINUX_CAPABILITY_VERSION_3, -1};
	printf("pid -1: %s\n", err(capget_(&h, d)));
	h.pid = 999999;
	printf("no such pid: %s\n", err(capget_(&h, d)));
	h.pid = 1;
	r = capget_(&h, d);
	printf("pid 1: %s, init has NET_RAW %d\n", err(r), !!(d[0].effective & 1u << 13));
	h.pid = getppid();
	printf("other pid to capset: %s\n", err(capset_(&h, d)));

	pid_t c = fork();
	if (c == 0) {
		// Drop CAP_NET_RAW (13) from effective and permitted, then
		// try to get it back.
		h = (struct __user_cap_header_struct){_LINUX_CAPABILITY_VERSION_3, 0};
		capget_(&h, d);
		d[0].effective &= ~(1u << 13);
		d[0].permitted &= ~(1u << 13);
		printf("drop CAP_NET_RAW: %s\n", err(capset_(&h, d)));
		capget_(&h, d);
		printf("after: eff bit 13 %d prm bit 13 %d\n", !!(d[0].effective & 1u << 13), !!(d[0].permitted & 1u << 13));
		d[0].permitted |= 1u << 13;
		printf("raise it again: %s\n", err(capset_(&h, d)));
		capget_(&h, d);
		d[0].effective |= 1u << 13;
		printf("effective beyond permitted: %s\n", err(capset_(&h, d)));
		fflush(stdout);
		_exit(0);
	}
	waitpid(c, NULL, 0);
	h = (struct __user_cap_header_struct){_LINUX_CAPABILITY_VERSION_3, 0};
	capget_(&h, d);
	printf("parent keeps bit 13: %d\n", !!(d[0].effective & 1u << 13));

	int p = personality(0xffffffff);
	printf("personality: %#x\n", p);
	printf("set ADDR_NO_RANDOMIZE: old %#x\n", personality(ADDR_NO_RANDOMIZE));
	printf("now: %#x\n", personality(0xffffffff));
	c = fork();
	if (c == 0) {
		printf("child inherits: %#x\n", personality(0xffffffff));
		fflush(stdout);
		_exit(0);
	}
	waitpid(c, NULL, 0);
	personality(PER_LINUX);
	return 0;
}

// xattr checks the extended-attribute calls where Linux's answer does not
// depend on the file system's support: /proc stores none (get, set and
// remove give EOPNOTSUPP, list an empty list), and the argument, name,
// path and descriptor errors come in Linux's order.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static const char *res(long r) { return r >= 0 ? "ok" : strerror(errno); }

#define CALL(what, expr)                                   \
	do {                                                   \
		errno = 0;                                         \
		long r_ = (expr);                                  \
		printf("%-40s %ld %s\n", what, r_, res(r_));       \
	} while (0)

int main(void)
{
	char buf[256];
	const char *p = "/proc/self/status";
	CALL("getxattr /proc file", syscall(SYS_getxattr, p, "user.x", buf, sizeof buf));
	CALL("lgetxattr /proc file", syscall(SYS_lgetxattr, p, "user.x", buf, sizeof buf));
	CALL("setxattr /proc file", syscall(SYS_setxattr, p, "user.x", "v", 1, 0));
	CALL("removexattr /proc file", syscall(SYS_removexattr, p, "user.x"));
	CALL("listxattr /proc file", syscall(SYS_listxattr, p, buf, sizeof buf));
	CALL("llistxattr /proc file, size 0", syscall(SYS_llistxattr, p, NULL, 0));
	int fd = open(p, O_RDONLY);
	CALL("fgetxattr", syscall(SYS_fgetxattr, fd, "user.x", buf, sizeof buf));
	CALL("flistxattr", syscall(SYS_flistxattr, fd, buf, sizeof buf));
	CALL("fsetxattr", syscall(SYS_fsetxattr, fd, "user.x", "v", 1, 0));
	CALL("fremovexattr", syscall(SYS_fremovexattr, fd, "user.x"));

	CALL("getxattr missing file", syscall(SYS_getxattr, "/nonexistent/x", "user.x", buf, sizeof buf));
	CALL("listxattr missing file", syscall(SYS_listxattr, "/nonexistent/x", buf, sizeof buf));
	CALL("getxattr empty name", syscall(SYS_getxattr, p, "", buf, sizeof buf));
	char longname[300];
	memset(longname, 'a', sizeof longname);
	longname[299] = 0;
	CALL("getxattr 299-byte name", syscall(SYS_getxattr, p, longname, buf, sizeof buf));
	CALL("name before path: missing file, bad name", syscall(SYS_getxattr, "/nonexistent/x", "", buf, sizeof buf));
	CALL("getxattr bad name pointer", syscall(SYS_getxattr, p, (char *)8, buf, sizeof buf));
	CALL("setxattr bad flags", syscall(SYS_setxattr, p, "user.x", "v", 1, 4));
	CALL("flags before name", syscall(SYS_setxattr, p, "", "v", 1, 4));
	CALL("setxattr 70000-byte value", syscall(SYS_setxattr, p, "user.x", buf, 70000, 0));
	CALL("setxattr bad value pointer", syscall(SYS_setxattr, p, "user.x", (char *)8, 10, 0));
	CALL("fgetxattr bad fd", syscall(SYS_fgetxattr, -1, "user.x", buf, sizeof buf));
	CALL("flistxattr closed fd", syscall(SYS_flistxattr, 99, buf, sizeof buf));
	int opath = open(p, O_PATH);
	CALL("fgetxattr O_PATH fd", syscall(SYS_fgetxattr, opath, "user.x", buf, sizeof buf));
	return 0;
}

// termios2 checks the TCGETS2/TCSETS2 ioctls glibc 2.42's tcgetattr and
// tcsetattr use, on a pseudo-terminal: the speeds a new one reports, a
// standard speed set by code, an exact one with BOTHER, split input and
// output speeds, the old TCGETS view of it, and ENOTTY off a terminal.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

struct ktermios2 {
	unsigned int c_iflag, c_oflag, c_cflag, c_lflag;
	unsigned char c_line, c_cc[19];
	unsigned int c_ispeed, c_ospeed;
};

#define K_TCGETS 0x5401
#define K_TCGETS2 0x802c542aU
#define K_TCSETS2 0x402c542bU
#define K_TCSETSW2 0x402c542cU
#define K_CBAUD 0010017
#define K_BOTHER 0010000
#define K_B9600 0000015
#define K_B115200 0010002
#define K_IBSHIFT 16

static void show(const char *what, int fd)
{
	struct ktermios2 t;
	memset(&t, 0xee, sizeof t);
	if (ioctl(fd, K_TCGETS2, &t) != 0) {
		printf("%s: TCGETS2 %s\n", what, strerror(errno));
		return;
	}
	printf("%s: cbaud %#o ibaud %#o ispeed %u ospeed %u\n", what, t.c_cflag & K_CBAUD,
		(t.c_cflag >> K_IBSHIFT) & K_CBAUD, t.c_ispeed, t.c_ospeed);
}

static void set(int fd, unsigned long req, unsigned cbaud, unsigned ibaud, unsigned is, unsigned os)
{
	struct ktermios2 t;
	ioctl(fd, K_TCGETS2, &t);
	t.c_cflag &= ~(K_CBAUD | K_CBAUD << K_IBSHIFT);
	t.c_cflag |= cbaud | ibaud << K_IBSHIFT;
	t.c_ispeed = is;
	t.c_ospeed = os;
	if (ioctl(fd, req, &t) != 0)
		printf("TCSETS2: %s\n", strerror(errno));
}

int main(void)
{
	int m = posix_openpt(O_RDWR | O_NOCTTY);
	if (m < 0 || grantpt(m) || unlockpt(m))
		return 1;
	int s = open(ptsname(m), O_RDWR | O_NOCTTY);
	if (s < 0)
		return 2;
	show("new slave", s);
	show("its master", m);
	set(s, K_TCSETS2, K_B115200, 0, 1, 2);
	show("B115200", s);
	set(s, K_TCSETSW2, K_BOTHER, 0, 0, 250000);
	show("BOTHER 250000", s);
	unsigned int old[9];
	ioctl(s, K_TCGETS, old);
	printf("TCGETS cbaud %#o\n", old[2] & K_CBAUD);
	set(s, K_TCSETS2, K_B115200, K_B9600, 0, 0);
	show("split 9600/115200", s);
	set(s, K_TCSETS2, K_B9600, K_BOTHER, 31250, 0);
	show("exact input 31250", s);
	set(m, K_TCSETS2, K_B9600, 0, 0, 0);
	show("set through the master", s);
	int p[2];
	pipe(p);
	show("pipe", p[0]);
	int n = open("/dev/null", O_RDONLY);
	show("/dev/null", n);
	return 0;
}

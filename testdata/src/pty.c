// pty: pseudo-terminals. posix_openpt, grantpt, unlockpt and ptsname; the
// slave locked until unlockpt; a child that starts a session, takes the
// slave as its controlling terminal and runs through the line discipline
// as the parent types on the master: echo, erase, kill, word erase, EOF,
// non-canonical VMIN/VTIME, output without OPOST, ^C and ^Z to the
// foreground group, job control of background groups, the window size
// and SIGWINCH; then the master reading EIO once the child is gone, and a
// slave hung up when its master closes. Terminal numbers differ from run
// to run, so names print as /dev/pts/N.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#ifndef TIOCGPTPEER
#define TIOCGPTPEER _IO('T', 0x41)
#endif

static const char *ename(int e) {
	switch (e) {
	case 0: return "ok";
	case EIO: return "EIO";
	case EAGAIN: return "EAGAIN";
	case EINTR: return "EINTR";
	case ENOTTY: return "ENOTTY";
	case ENXIO: return "ENXIO";
	case EPERM: return "EPERM";
	case EINVAL: return "EINVAL";
	case ENOENT: return "ENOENT";
	}
	return "other";
}

// norm writes name with its terminal number replaced by N.
static const char *norm(const char *name) {
	static char buf[64];
	if (!name) return "(null)";
	size_t n = strlen("/dev/pts/");
	if (strncmp(name, "/dev/pts/", n) != 0) return name;
	const char *d = name + n;
	if (!*d) return name;
	for (const char *c = d; *c; c++)
		if (*c < '0' || *c > '9') return name;
	snprintf(buf, sizeof buf, "/dev/pts/N");
	return buf;
}

static void escaped(const char *what, const char *b, size_t n) {
	printf("%s \"", what);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = b[i];
		if (c == '\r') printf("\\r");
		else if (c == '\n') printf("\\n");
		else if (c == '\\' || c == '"') printf("\\%c", c);
		else if (c < 32 || c >= 127) printf("\\x%02x", c);
		else putchar(c);
	}
	printf("\"\n");
}

// upto reads the master until what it read ends with "#\r\n" (the
// child's end of message) and prints it.
static void upto(int m, const char *what) {
	char buf[4096];
	size_t n = 0;
	for (;;) {
		struct pollfd p = {m, POLLIN, 0};
		if (poll(&p, 1, 10000) <= 0) {
			escaped("timeout after", buf, n);
			exit(1);
		}
		// A byte at a time, so as not to read into the next message.
		ssize_t r = n < sizeof buf ? read(m, buf + n, 1) : 0;
		if (r <= 0) {
			printf("%s: read %zd %s\n", what, r, ename(errno));
			exit(1);
		}
		n += r;
		if (n >= 3 && memcmp(buf + n - 3, "#\r\n", 3) == 0) break;
	}
	escaped(what, buf, n);
}

// echoed reads exactly len bytes of echo from the master.
static void echoed(int m, size_t len) {
	char buf[256];
	size_t n = 0;
	while (n < len) {
		struct pollfd p = {m, POLLIN, 0};
		if (poll(&p, 1, 10000) <= 0) break;
		ssize_t r = read(m, buf + n, len - n);
		if (r <= 0) break;
		n += r;
	}
	escaped("echo", buf, n);
}

static void type(int m, const char *s) { write(m, s, strlen(s)); }

static volatile sig_atomic_t got_int, got_tstp, got_winch, got_hup;
static void on_sig(int s) {
	if (s == SIGINT) got_int = 1;
	if (s == SIGTSTP) got_tstp = 1;
	if (s == SIGWINCH) got_winch = 1;
	if (s == SIGHUP) got_hup = 1;
}

static void handle(int sig, int flags) {
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_sig;
	sa.sa_flags = flags;
	sigaction(sig, &sa, NULL);
}

// line reads one line from the terminal and reports it, ending with the
// marker the parent waits for.
static void line(const char *what) {
	char buf[256];
	ssize_t r = read(0, buf, sizeof buf);
	int e = errno;
	if (r < 0) {
		printf("%s: %s#\n", what, ename(e));
		return;
	}
	printf("%s: %zd [", what, r);
	for (ssize_t i = 0; i < r; i++) {
		unsigned char c = buf[i];
		if (c == '\n') printf("NL");
		else if (c < 32) printf("^%c", c + 64);
		else putchar(c);
	}
	printf("]#\n");
}

// wait_input waits for input with the signal mask mask, reporting how
// the wait ended.
static void wait_input(const char *what, const sigset_t *mask) {
	struct pollfd p = {0, POLLIN, 0};
	int r = ppoll(&p, 1, NULL, mask);
	printf("%s: %s#\n", what, r < 0 ? ename(errno) : "input");
}

// background runs fn in a new process group in the background and
// reports how it ended.
static void background(const char *what, void (*fn)(void)) {
	fflush(stdout);
	pid_t g = fork();
	if (g == 0) {
		setpgid(0, 0);
		fn();
		_exit(0);
	}
	setpgid(g, g);
	int st;
	waitpid(g, &st, WUNTRACED);
	if (WIFSTOPPED(st)) {
		printf("%s: stopped by %s#\n", what,
		       WSTOPSIG(st) == SIGTTIN ? "SIGTTIN" : WSTOPSIG(st) == SIGTTOU ? "SIGTTOU" : "other");
		kill(g, SIGKILL);
		waitpid(g, &st, 0);
	} else if (WIFEXITED(st)) {
		printf("%s: exit %d#\n", what, WEXITSTATUS(st));
	} else {
		printf("%s: killed#\n", what);
	}
}

static void bg_read(void) { char c; read(0, &c, 1); }
static void bg_read_ignored(void) {
	signal(SIGTTIN, SIG_IGN);
	char c;
	ssize_t r = read(0, &c, 1);
	_exit(r < 0 && errno == EIO ? 5 : 6);
}
static void bg_write(void) { write(1, "x", 1); }
static void bg_tcsetattr(void) {
	struct termios t;
	tcgetattr(0, &t);
	tcsetattr(0, TCSANOW, &t);
}

// child is the session on the slave, fd 0/1/2.
static void child(const char *name) {
	struct termios t;
	printf("tty %s#\n", norm(ttyname(0)));
	int fd = open("/dev/tty", O_RDWR);
	printf("/dev/tty %s, fg is self %d, sid is self %d#\n", fd >= 0 ? "opens" : ename(errno),
	       tcgetpgrp(0) == getpid(), tcgetsid(0) == getpid());
	close(fd);

	// /proc/self/stat: tty_nr is the slave's device, tpgid our group.
	char stat[512] = {0};
	FILE *f = fopen("/proc/self/stat", "r");
	fread(stat, 1, sizeof stat - 1, f);
	fclose(f);
	struct stat st;
	fstat(0, &st);
	char *p = strrchr(stat, ')');
	int ttynr = 0, tpgid = 0;
	sscanf(p + 2, "%*c %*d %*d %*d %d %d", &ttynr, &tpgid);
	printf("stat tty_nr is slave %d, tpgid is self %d#\n", (unsigned)ttynr == (unsigned)st.st_rdev,
	       tpgid == getpid());

	line("canon");
	line("kill");
	line("werase");
	line("eof");
	line("partial");

	tcgetattr(0, &t);
	struct termios saved = t;
	t.c_lflag &= ~(ICANON | ECHO);
	t.c_cc[VMIN] = 3;
	t.c_cc[VTIME] = 0;
	tcsetattr(0, TCSANOW, &t);
	printf("raw#\n");
	line("vmin3");
	t.c_cc[VMIN] = 0;
	t.c_cc[VTIME] = 1;
	tcsetattr(0, TCSANOW, &t);
	line("vtime");
	t.c_oflag &= ~OPOST;
	tcsetattr(0, TCSANOW, &t);
	printf("no opost\nnext#\r\n");
	fflush(stdout);
	tcsetattr(0, TCSANOW, &saved);

	// The keys' signals are blocked except while waiting for input, so
	// they interrupt the wait whenever they come.
	handle(SIGINT, 0);
	handle(SIGTSTP, 0);
	sigset_t keys, unblocked;
	sigemptyset(&keys);
	sigaddset(&keys, SIGINT);
	sigaddset(&keys, SIGTSTP);
	sigprocmask(SIG_BLOCK, &keys, &unblocked);
	printf("signals ready#\n");
	wait_input("interrupted wait", &unblocked);
	int n = -1;
	ioctl(0, FIONREAD, &n);
	printf("SIGINT %d, input left %d#\n", got_int, n);
	wait_input("suspended wait", &unblocked);
	printf("SIGTSTP %d#\n", got_tstp);
	sigprocmask(SIG_SETMASK, &unblocked, NULL);

	background("background read", bg_read);
	background("background read, SIGTTIN ignored", bg_read_ignored);
	background("background write", bg_write);
	tcgetattr(0, &t);
	t.c_lflag |= TOSTOP;
	tcsetattr(0, TCSANOW, &t);
	background("background write, TOSTOP", bg_write);
	t.c_lflag &= ~TOSTOP;
	tcsetattr(0, TCSANOW, &t);
	background("background tcsetattr", bg_tcsetattr);

	// Hand the terminal to another group and take it back, as a shell
	// does: tcsetpgrp from the background needs SIGTTOU blocked.
	fflush(stdout);
	pid_t g = fork();
	if (g == 0) {
		setpgid(0, 0);
		while (tcgetpgrp(0) != getpid()) usleep(1000);
		_exit(0);
	}
	setpgid(g, g);
	sigset_t ttou, old;
	sigemptyset(&ttou);
	sigaddset(&ttou, SIGTTOU);
	sigprocmask(SIG_BLOCK, &ttou, &old);
	int r1 = tcsetpgrp(0, g);
	int st2;
	waitpid(g, &st2, 0);
	int r2 = tcsetpgrp(0, getpgrp());
	sigprocmask(SIG_SETMASK, &old, NULL);
	printf("handed over %d %d, exit %d, fg is self again %d#\n", r1, r2, WEXITSTATUS(st2), tcgetpgrp(0) == getpid());

	sigset_t winch;
	sigemptyset(&winch);
	sigaddset(&winch, SIGWINCH);
	sigprocmask(SIG_BLOCK, &winch, &old);
	handle(SIGWINCH, 0);
	printf("size ready#\n");
	fflush(stdout);
	sigsuspend(&old);
	struct winsize ws;
	ioctl(0, TIOCGWINSZ, &ws);
	printf("SIGWINCH %d, size %dx%d#\n", got_winch, ws.ws_row, ws.ws_col);
	(void)name;
}

static int new_master(char **name) {
	int m = posix_openpt(O_RDWR | O_NOCTTY);
	if (m < 0 || grantpt(m) != 0) {
		printf("posix_openpt: %s\n", ename(errno));
		exit(1);
	}
	*name = strdup(ptsname(m));
	return m;
}

int main(void) {
	char *name;
	int m = new_master(&name);
	printf("ptsname %s\n", norm(name));
	unsigned ptn = 99999;
	ioctl(m, TIOCGPTN, &ptn);
	printf("TIOCGPTN agrees %d\n", strcmp(name + 9, "") != 0 && (unsigned)atoi(name + 9) == ptn);
	int lock = -1;
	ioctl(m, TIOCGPTLCK, &lock);
	int s = open(name, O_RDWR | O_NOCTTY);
	printf("locked %d, open %s\n", lock, s < 0 ? ename(errno) : "opens");
	unlockpt(m);
	ioctl(m, TIOCGPTLCK, &lock);
	printf("unlocked %d\n", lock);

	struct stat st, fst;
	if (stat(name, &st) != 0) printf("stat: %s\n", ename(errno));
	printf("slave: char %d, major %u, minor is number %d, owner is me %d\n", S_ISCHR(st.st_mode),
	       major(st.st_rdev), minor(st.st_rdev) == ptn, st.st_uid == getuid());
	s = open(name, O_RDWR | O_NOCTTY);
	fstat(s, &fst);
	printf("fstat agrees %d, isatty %d %d, ttyname %s\n", fst.st_ino == st.st_ino && fst.st_dev == st.st_dev &&
	       fst.st_rdev == st.st_rdev, isatty(m), isatty(s), norm(ttyname(s)));
	int peer = ioctl(m, TIOCGPTPEER, O_RDWR | O_NOCTTY);
	struct stat pst;
	fstat(peer, &pst);
	printf("TIOCGPTPEER %s, same terminal %d\n", peer < 0 ? ename(errno) : "opens", pst.st_rdev == st.st_rdev);
	printf("TIOCGPTPEER on the slave: %s\n", ioctl(s, TIOCGPTPEER, O_RDWR) < 0 ? ename(errno) : "opens");
	printf("TIOCGPTN on the slave: %s\n", ioctl(s, TIOCGPTN, &ptn) < 0 ? ename(errno) : "ok");
	int pg = -1;
	printf("TIOCGPGRP of a terminal that is not ours: %s\n", ioctl(s, TIOCGPGRP, &pg) < 0 ? ename(errno) : "ok");
	int pr = ioctl(m, TIOCGPGRP, &pg);
	printf("TIOCGPGRP on the master: %s, %d\n", pr < 0 ? ename(errno) : "ok", pg);
	close(peer);

	// Master-side view of the slave's termios and echo of what is typed
	// before anyone reads.
	struct termios t;
	tcgetattr(m, &t);
	printf("master sees slave termios: icanon %d echo %d onlcr %d\n", !!(t.c_lflag & ICANON),
	       !!(t.c_lflag & ECHO), !!(t.c_oflag & ONLCR));
	type(m, "early\r");
	echoed(m, 7);
	int q = -1;
	ioctl(s, FIONREAD, &q);
	printf("slave FIONREAD %d\n", q);
	tcflush(s, TCIFLUSH);
	ioctl(s, FIONREAD, &q);
	printf("after TCIFLUSH %d\n", q);

	fflush(stdout);
	pid_t c = fork();
	if (c == 0) {
		close(m);
		close(s);
		setsid();
		int fd = open(name, O_RDWR | O_NOCTTY);
		if (ioctl(fd, TIOCSCTTY, 0) != 0) _exit(20);
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		close(fd);
		setvbuf(stdout, NULL, _IONBF, 0);
		child(name);
		_exit(0);
	}
	upto(m, "tty");
	close(s); // the slave stays open until the child has it: else the master reads EIO
	upto(m, "/dev/tty");
	upto(m, "stat");
	ioctl(m, TIOCGPGRP, &pg);
	int sid = -1;
	ioctl(m, TIOCGSID, &sid);
	printf("master: foreground group is child %d, session is child %d\n", pg == c, sid == c);

	type(m, "abc\x7f" "d\n");
	upto(m, "canon");
	type(m, "xyz\x15ok\n");
	upto(m, "kill");
	type(m, "foo bar\x17" "baz\n");
	upto(m, "werase");
	type(m, "\x04");
	upto(m, "eof");
	type(m, "part\x04");
	upto(m, "partial");
	upto(m, "raw");
	type(m, "ab");
	usleep(50000);
	type(m, "cd");
	upto(m, "vmin3");
	upto(m, "vtime");
	upto(m, "no opost");
	upto(m, "signals");
	type(m, "junk");
	echoed(m, 4);
	type(m, "\x03");
	upto(m, "^C");
	upto(m, "SIGINT");
	type(m, "\x1a");
	upto(m, "^Z");
	upto(m, "SIGTSTP");
	upto(m, "background read");
	upto(m, "background read, ignored");
	upto(m, "background write");
	upto(m, "background write, TOSTOP");
	upto(m, "background tcsetattr");
	upto(m, "handover");
	upto(m, "size");
	struct winsize ws = {.ws_row = 24, .ws_col = 80};
	ioctl(m, TIOCSWINSZ, &ws);
	upto(m, "SIGWINCH");

	int status;
	waitpid(c, &status, 0);
	printf("child exit %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	struct pollfd pf = {m, POLLIN, 0};
	poll(&pf, 1, 1000);
	char buf[64];
	ssize_t r = read(m, buf, sizeof buf);
	printf("master after the child: poll hup %d, read %zd %s\n", !!(pf.revents & POLLHUP), r,
	       r < 0 ? ename(errno) : "");
	close(m);
	printf("slave name after master close: %s\n", access(name, F_OK) == 0 ? "still there" : ename(errno));

	// A slave hung up: the master closes under a session reading it.
	m = new_master(&name);
	unlockpt(m);
	int ready[2], report[2];
	pipe(ready);
	pipe(report);
	fflush(stdout);
	c = fork();
	if (c == 0) {
		close(m);
		setsid();
		handle(SIGHUP, SA_RESTART);
		int fd = open(name, O_RDWR); // a session leader's open takes it
		char msg[128];
		int own = tcgetpgrp(fd) == getpid();
		write(ready[1], "r", 1);
		char ch;
		ssize_t rr = read(fd, &ch, 1);
		int re = errno;
		ssize_t wr = write(fd, "x", 1);
		int we = errno;
		int dt = open("/dev/tty", O_RDWR);
		int de = errno;
		ssize_t again = read(fd, &ch, 1);
		// A read waiting when the master closes fails with EIO, one that
		// starts after reads end-of-file: which one this was depends on
		// timing.
		int ended = rr == 0 || (rr < 0 && re == EIO);
		snprintf(msg, sizeof msg, "acquired on open %d, SIGHUP %d, read ended %d, read %zd, write %s, /dev/tty %s\n",
			 own, got_hup, ended, again, wr < 0 ? ename(we) : "ok", dt < 0 ? ename(de) : "opens");
		write(report[1], msg, strlen(msg));
		_exit(0);
	}
	char ch;
	read(ready[0], &ch, 1);
	usleep(100000); // let the child block in read
	close(m);
	waitpid(c, &status, 0);
	r = read(report[0], buf, sizeof buf - 1);
	char msg[256];
	r = r < 0 ? 0 : r;
	memcpy(msg, buf, r);
	ssize_t more = read(report[0], msg + r, sizeof msg - 1 - r);
	if (more > 0) r += more;
	msg[r] = 0;
	printf("hung up: %s", msg);
	return 0;
}

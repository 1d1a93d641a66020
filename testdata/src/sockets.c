// sockets: TCP echo of 1 MiB with a checksum, UDP round trip, AF_UNIX
// SCM_RIGHTS and SO_PEERCRED, all on loopback inside one process tree.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#define SIZE (1 << 20)

static uint32_t sum(const unsigned char *p, size_t n) {
	uint32_t a = 1, b = 0;
	for (size_t i = 0; i < n; i++) {
		a = (a + p[i]) % 65521;
		b = (b + a) % 65521;
	}
	return b << 16 | a;
}

static int lfd;

static void *echo(void *arg) {
	int c = accept(lfd, NULL, NULL);
	char buf[8192];
	ssize_t n;
	while ((n = read(c, buf, sizeof buf)) > 0) {
		ssize_t off = 0;
		while (off < n)
			off += write(c, buf + off, n - off);
	}
	close(c);
	return NULL;
}

static void *writer(void *arg) {
	int fd = *(int *)arg;
	unsigned char *data = malloc(SIZE);
	for (int i = 0; i < SIZE; i++)
		data[i] = (unsigned char)(i * 7 + i / 251);
	size_t off = 0;
	while (off < SIZE)
		off += write(fd, data + off, SIZE - off);
	shutdown(fd, SHUT_WR);
	free(data);
	return NULL;
}

int main(void) {
	lfd = socket(AF_INET, SOCK_STREAM, 0);
	int one = 1;
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	bind(lfd, (void *)&a, sizeof a);
	listen(lfd, 8);
	socklen_t al = sizeof a;
	getsockname(lfd, (void *)&a, &al);
	printf("bound port nonzero: %d\n", ntohs(a.sin_port) != 0);
	pthread_t srv, wr;
	pthread_create(&srv, NULL, echo, NULL);
	int c = socket(AF_INET, SOCK_STREAM, 0);
	printf("connect: %d\n", connect(c, (void *)&a, sizeof a));
	setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	pthread_create(&wr, NULL, writer, &c);
	unsigned char *back = malloc(SIZE);
	size_t got = 0;
	ssize_t n;
	while (got < SIZE && (n = read(c, back + got, SIZE - got)) > 0)
		got += n;
	pthread_join(wr, NULL);
	pthread_join(srv, NULL);
	unsigned char *want = malloc(SIZE);
	for (int i = 0; i < SIZE; i++)
		want[i] = (unsigned char)(i * 7 + i / 251);
	printf("tcp echo: %zu bytes, checksum %s\n", got, sum(back, got) == sum(want, SIZE) ? "ok" : "BAD");
	close(c);

	int u1 = socket(AF_INET, SOCK_DGRAM, 0), u2 = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in ua = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	bind(u1, (void *)&ua, sizeof ua);
	al = sizeof ua;
	getsockname(u1, (void *)&ua, &al);
	sendto(u2, "ping", 4, 0, (void *)&ua, sizeof ua);
	char buf[64] = {0};
	struct sockaddr_in from;
	al = sizeof from;
	n = recvfrom(u1, buf, sizeof buf, 0, (void *)&from, &al);
	sendto(u1, "pong", 4, 0, (void *)&from, al);
	char buf2[64] = {0};
	recv(u2, buf2, sizeof buf2, 0);
	printf("udp: %s %s\n", buf, buf2);

	int sv[2];
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	int p[2];
	pipe(p);
	pid_t pid = fork();
	if (pid == 0) {
		close(sv[0]);
		char b = 0;
		char ctl[CMSG_SPACE(sizeof(int))];
		struct iovec iov = {&b, 1};
		struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl, .msg_controllen = sizeof ctl};
		recvmsg(sv[1], &mh, 0);
		struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
		int fd = -1;
		if (cm && cm->cmsg_type == SCM_RIGHTS)
			memcpy(&fd, CMSG_DATA(cm), sizeof fd);
		write(fd, "via passed fd", 13);
		_exit(0);
	}
	char b = 'x';
	char ctl[CMSG_SPACE(sizeof(int))];
	memset(ctl, 0, sizeof ctl);
	struct iovec iov = {&b, 1};
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl, .msg_controllen = sizeof ctl};
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &p[1], sizeof(int));
	sendmsg(sv[0], &mh, 0);
	close(p[1]);
	struct ucred cr;
	al = sizeof cr;
	getsockopt(sv[0], SOL_SOCKET, SO_PEERCRED, &cr, &al);
	printf("peercred pid matches: %d\n", cr.pid == getpid());
	char got2[32] = {0};
	read(p[0], got2, sizeof got2 - 1);
	waitpid(pid, NULL, 0);
	printf("scm_rights: %s\n", got2);

	int ls = socket(AF_UNIX, SOCK_STREAM, 0);
	struct sockaddr_un un = {.sun_family = AF_UNIX};
	strcpy(un.sun_path + 1, "blink-test");
	socklen_t ul = offsetof(struct sockaddr_un, sun_path) + 1 + strlen("blink-test");
	bind(ls, (void *)&un, ul);
	listen(ls, 1);
	int cs = socket(AF_UNIX, SOCK_STREAM, 0);
	printf("abstract connect: %d\n", connect(cs, (void *)&un, ul));
	int as = accept(ls, NULL, NULL);
	write(cs, "hello", 5);
	char hb[8] = {0};
	read(as, hb, 5);
	printf("abstract: %s\n", hb);
	return 0;
}

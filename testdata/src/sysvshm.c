// sysvshm checks System V shared memory as PostgreSQL uses it: a segment
// made with a key, found again by key, attached in two processes that see
// each other's stores, shm_nattch through shmat, fork, shmdt and exit,
// IPC_RMID with the segment alive until the last detach, IPC_SET, and the
// errors of each call.
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <unistd.h>

static unsigned long nattch(int id)
{
	struct shmid_ds ds;
	if (shmctl(id, IPC_STAT, &ds) != 0)
		return 999;
	return ds.shm_nattch;
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	key_t key = 0x5eed0000 + (getpid() & 0xffff);
	int id = shmget(key, 10000, IPC_CREAT | IPC_EXCL | 0600);
	printf("shmget: %s\n", id >= 0 ? "ok" : strerror(errno));
	int r = shmget(key, 10000, IPC_CREAT | IPC_EXCL | 0600);
	printf("again with IPC_EXCL: %d %s\n", r, strerror(errno));
	printf("by key: %d\n", shmget(key, 0, 0) == id);
	r = shmget(key, 20000, 0);
	printf("bigger than the segment: %d %s\n", r, strerror(errno));
	r = shmget(key + 1, 100, 0);
	printf("unknown key: %d %s\n", r, strerror(errno));
	r = shmget(IPC_PRIVATE, 0, IPC_CREAT);
	printf("size 0: %d %s\n", r, strerror(errno));

	struct shmid_ds ds;
	shmctl(id, IPC_STAT, &ds);
	printf("IPC_STAT: size %zu mode %o nattch %lu cpid is me %d key ok %d\n", (size_t)ds.shm_segsz,
		ds.shm_perm.mode & 0777, (unsigned long)ds.shm_nattch, ds.shm_cpid == getpid(), ds.shm_perm.__key == key);

	char *p = shmat(id, NULL, 0);
	printf("shmat: %s, nattch %lu, zeroed %d\n", p != (void *)-1 ? "ok" : strerror(errno), nattch(id),
		p[0] == 0 && p[9999] == 0);
	strcpy(p, "parent");
	pid_t c = fork();
	if (c == 0) {
		printf("child inherits the attachment: nattch %lu, sees \"%s\"\n", nattch(id), p);
		char *q = shmat(id, NULL, SHM_RDONLY);
		printf("second attachment in the child: nattch %lu, same data %d\n", nattch(id), strcmp(q, "parent") == 0);
		strcpy(p, "child");
		shmdt(q);
		_exit(0);
	}
	waitpid(c, NULL, 0);
	printf("after the child's exit: nattch %lu, parent sees \"%s\"\n", nattch(id), p);

	r = shmdt(p + 1);
	printf("shmdt not at an attachment: %d %s\n", r, strerror(errno));
	char *fixed = shmat(id, p, 0);
	printf("shmat onto an occupied address: %s\n", fixed == (void *)-1 ? strerror(errno) : "mapped");
	char *remap = shmat(id, p, SHM_REMAP);
	printf("with SHM_REMAP: %d\n", remap == p);

	ds.shm_perm.mode = 0640;
	printf("IPC_SET mode 640: %s\n", shmctl(id, IPC_SET, &ds) == 0 ? "ok" : strerror(errno));
	shmctl(id, IPC_STAT, &ds);
	printf("mode now %o\n", ds.shm_perm.mode & 0777);

	printf("IPC_RMID while attached: %s\n", shmctl(id, IPC_RMID, NULL) == 0 ? "ok" : strerror(errno));
	shmctl(id, IPC_STAT, &ds);
	printf("marked for destruction %d, key freed %d, still readable \"%s\"\n", !!(ds.shm_perm.mode & SHM_DEST),
		ds.shm_perm.__key == IPC_PRIVATE, p);
	r = shmget(key, 0, 0);
	printf("key after IPC_RMID: %d %s\n", r, strerror(errno));
	shmdt(p);
	shmdt(remap == p ? NULL : remap);
	r = shmctl(id, IPC_STAT, &ds);
	printf("after the last detach: %d %s\n", r, strerror(errno));
	r = shmctl(id, 99, &ds);
	printf("bad command: %d %s\n", r, strerror(errno));
	return 0;
}

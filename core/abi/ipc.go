package abi

// System V IPC (include/uapi/linux/ipc.h, shm.h) as x86-64 lays it out.
const (
	IPC_PRIVATE = 0
	IPC_CREAT   = 0o1000
	IPC_EXCL    = 0o2000
	IPC_NOWAIT  = 0o4000

	IPC_RMID = 0
	IPC_SET  = 1
	IPC_STAT = 2
	IPC_INFO = 3
	IPC_64   = 0x100 // glibc ORs it into the command; x86-64 has one layout

	SHM_RDONLY = 0o10000
	SHM_RND    = 0o20000
	SHM_REMAP  = 0o40000
	SHM_EXEC   = 0o100000

	SHM_LOCK     = 11
	SHM_UNLOCK   = 12
	SHM_STAT     = 13
	SHM_INFO     = 14
	SHM_STAT_ANY = 15

	SHM_HUGETLB = 0o4000
	SHM_DEST    = 0o1000 // in shm_perm.mode: removed, freed at the last detach
	SHM_LOCKED  = 0o2000

	SHMMNI = 4096
	SHMLBA = 4096

	// struct shmid64_ds: ipc64_perm (key, uid, gid, cuid, cgid, mode as
	// u32, seq as u16, padding, two unused longs: 48 bytes), then
	// shm_segsz, atime, dtime, ctime, cpid, lpid (s32), nattch and two
	// unused longs.
	ShmidDsSize = 112
	// struct shminfo64 (IPC_INFO): shmmax, shmmin, shmmni, shmseg, shmall
	// and four unused longs. struct shm_info (SHM_INFO): used_ids (int),
	// then shm_tot, shm_rss, shm_swp, swap_attempts, swap_successes.
	ShminfoSize = 72
	ShmInfoSize = 48
)

package abi

// fallocate(2) modes, from include/uapi/linux/falloc.h. FALLOC_FL_ALLOCATE_RANGE
// is no bit at all; FALLOC_FL_KEEP_SIZE is a flag that combines with some
// modes; the others are exclusive.
const (
	FALLOC_FL_ALLOCATE_RANGE = 0x00
	FALLOC_FL_KEEP_SIZE      = 0x01
	FALLOC_FL_PUNCH_HOLE     = 0x02
	FALLOC_FL_NO_HIDE_STALE  = 0x04
	FALLOC_FL_COLLAPSE_RANGE = 0x08
	FALLOC_FL_ZERO_RANGE     = 0x10
	FALLOC_FL_INSERT_RANGE   = 0x20
	FALLOC_FL_UNSHARE_RANGE  = 0x40
	FALLOC_FL_WRITE_ZEROES   = 0x80

	// FALLOC_FL_MODE_MASK is include/linux/falloc.h's: the exclusive modes.
	FALLOC_FL_MODE_MASK = FALLOC_FL_PUNCH_HOLE | FALLOC_FL_COLLAPSE_RANGE | FALLOC_FL_ZERO_RANGE |
		FALLOC_FL_INSERT_RANGE | FALLOC_FL_UNSHARE_RANGE | FALLOC_FL_WRITE_ZEROES
)

// posix_fadvise(2) advice, from include/uapi/linux/fadvise.h (the x86-64
// values; s390x alone differs for DONTNEED and NOREUSE).
const (
	POSIX_FADV_NORMAL     = 0
	POSIX_FADV_RANDOM     = 1
	POSIX_FADV_SEQUENTIAL = 2
	POSIX_FADV_WILLNEED   = 3
	POSIX_FADV_DONTNEED   = 4
	POSIX_FADV_NOREUSE    = 5
)

// MAX_LFS_FILESIZE is the largest file offset on 64-bit kernels: the
// s_maxbytes of tmpfs and pseudo file systems.
const MAX_LFS_FILESIZE = 1<<63 - 1

// UtimbufSize is struct utimbuf's: time_t actime, modtime (utime(2)).
const UtimbufSize = 16

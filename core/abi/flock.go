package abi

// struct flock l_type values, from include/uapi/asm-generic/fcntl.h.
const (
	F_RDLCK = 0
	F_WRLCK = 1
	F_UNLCK = 2
)

// close_range flags, from include/uapi/linux/close_range.h.
const (
	CLOSE_RANGE_UNSHARE = 1 << 1
	CLOSE_RANGE_CLOEXEC = 1 << 2
)

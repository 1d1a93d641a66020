package abi

// mount(2) flags, from include/uapi/linux/mount.h.
const (
	MS_RDONLY      = 1
	MS_NOSUID      = 2
	MS_NODEV       = 4
	MS_NOEXEC      = 8
	MS_SYNCHRONOUS = 16
	MS_REMOUNT     = 32
	MS_MANDLOCK    = 64
	MS_DIRSYNC     = 128
	MS_NOSYMFOLLOW = 256
	MS_NOATIME     = 1024
	MS_NODIRATIME  = 2048
	MS_BIND        = 4096
	MS_MOVE        = 8192
	MS_REC         = 16384
	MS_SILENT      = 32768
	MS_POSIXACL    = 1 << 16
	MS_UNBINDABLE  = 1 << 17
	MS_PRIVATE     = 1 << 18
	MS_SLAVE       = 1 << 19
	MS_SHARED      = 1 << 20
	MS_RELATIME    = 1 << 21
	MS_KERNMOUNT   = 1 << 22
	MS_I_VERSION   = 1 << 23
	MS_STRICTATIME = 1 << 24
	MS_LAZYTIME    = 1 << 25
	MS_MGC_VAL     = 0xC0ED0000 // magic number some callers put in the high bits
	MS_MGC_MSK     = 0xffff0000
)

// umount2(2) flags, from include/linux/fs.h.
const (
	MNT_FORCE       = 1
	MNT_DETACH      = 2
	MNT_EXPIRE      = 4
	UMOUNT_NOFOLLOW = 8
)

// NAME_MAX is the longest path component (include/uapi/linux/limits.h).
const NAME_MAX = 255

// MAXSYMLINKS is how many symlinks one path lookup may follow before
// ELOOP (include/linux/namei.h).
const MAXSYMLINKS = 40

// Permission bits of st_mode.
const (
	S_IRWXU = 0o700
	S_IRUSR = 0o400
	S_IWUSR = 0o200
	S_IXUSR = 0o100
	S_IRWXG = 0o070
	S_IXGRP = 0o010
	S_IRWXO = 0o007
)

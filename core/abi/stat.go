package abi

// struct stat for x86-64 (arch/x86/include/uapi/asm/stat.h), 144 bytes.
// Offsets of each field, little-endian:
const (
	StatSize       = 144
	StatDevOff     = 0   // u64 st_dev
	StatInoOff     = 8   // u64 st_ino
	StatNlinkOff   = 16  // u64 st_nlink (before st_mode on x86-64)
	StatModeOff    = 24  // u32 st_mode
	StatUIDOff     = 28  // u32 st_uid
	StatGIDOff     = 32  // u32 st_gid
	StatRdevOff    = 40  // u64 st_rdev (after 4 bytes of padding)
	StatSizeOff    = 48  // s64 st_size
	StatBlksizeOff = 56  // s64 st_blksize
	StatBlocksOff  = 64  // s64 st_blocks (512-byte units)
	StatAtimeOff   = 72  // s64 st_atime, u64 st_atime_nsec
	StatMtimeOff   = 88  // s64 st_mtime, u64 st_mtime_nsec
	StatCtimeOff   = 104 // s64 st_ctime, u64 st_ctime_nsec
)

// struct statx (include/uapi/linux/stat.h), 256 bytes.
const (
	StatxSize           = 256
	StatxMaskOff        = 0   // u32 stx_mask
	StatxBlksizeOff     = 4   // u32 stx_blksize
	StatxAttributesOff  = 8   // u64 stx_attributes
	StatxNlinkOff       = 16  // u32 stx_nlink
	StatxUIDOff         = 20  // u32 stx_uid
	StatxGIDOff         = 24  // u32 stx_gid
	StatxModeOff        = 28  // u16 stx_mode
	StatxInoOff         = 32  // u64 stx_ino
	StatxSizeOff        = 40  // u64 stx_size
	StatxBlocksOff      = 48  // u64 stx_blocks
	StatxAttrMaskOff    = 56  // u64 stx_attributes_mask
	StatxAtimeOff       = 64  // struct statx_timestamp {s64 sec; u32 nsec; s32 pad}
	StatxBtimeOff       = 80  //
	StatxCtimeOff       = 96  //
	StatxMtimeOff       = 112 //
	StatxRdevMajorOff   = 128 // u32
	StatxRdevMinorOff   = 132 // u32
	StatxDevMajorOff    = 136 // u32
	StatxDevMinorOff    = 140 // u32
	StatxMntIDOff       = 144 // u64
	StatxDioMemAlignOff = 152 // u32
	StatxDioOffAlignOff = 156 // u32
)

// statx mask bits.
const (
	STATX_TYPE        = 0x0001
	STATX_MODE        = 0x0002
	STATX_NLINK       = 0x0004
	STATX_UID         = 0x0008
	STATX_GID         = 0x0010
	STATX_ATIME       = 0x0020
	STATX_MTIME       = 0x0040
	STATX_CTIME       = 0x0080
	STATX_INO         = 0x0100
	STATX_SIZE        = 0x0200
	STATX_BLOCKS      = 0x0400
	STATX_BASIC_STATS = 0x07ff
	STATX_BTIME       = 0x0800
	STATX_MNT_ID      = 0x1000
	STATX_DIOALIGN    = 0x2000
	STATX__RESERVED   = 0x80000000
)

// struct linux_dirent64: u64 d_ino, s64 d_off, u16 d_reclen, u8 d_type,
// char d_name[] NUL-terminated, the record padded to 8 bytes.
const (
	Dirent64InoOff    = 0
	Dirent64OffOff    = 8
	Dirent64ReclenOff = 16
	Dirent64TypeOff   = 18
	Dirent64NameOff   = 19
)

package vfs

import "github.com/blink-go/blink/core/abi"

// Timespec is a Linux struct timespec.
type Timespec struct {
	Sec  int64
	Nsec int64
}

// Stat is what struct stat and struct statx carry, in Linux terms (mode
// bits and device numbers as Linux encodes them). Its shape is the one
// core/kernel uses, so the kernel can alias it.
type Stat struct {
	Dev, Ino, Nlink, Rdev uint64
	Mode, UID, GID        uint32
	Size, Blksize, Blocks int64
	Atime, Mtime, Ctime   Timespec
	Btime                 Timespec // zero when unknown
}

// IsDir reports whether the stat describes a directory.
func (s *Stat) IsDir() bool { return s.Mode&abi.S_IFMT == abi.S_IFDIR }

// IsLink reports whether the stat describes a symbolic link.
func (s *Stat) IsLink() bool { return s.Mode&abi.S_IFMT == abi.S_IFLNK }

// IsReg reports whether the stat describes a regular file.
func (s *Stat) IsReg() bool { return s.Mode&abi.S_IFMT == abi.S_IFREG }

// Attr selects attributes to change: only fields whose bit is set in
// Valid are applied.
type Attr struct {
	Valid        uint32
	Mode         uint32
	UID, GID     uint32 // ^uint32(0) leaves one unchanged, as chown(2) does
	Size         int64
	Atime, Mtime Timespec // may hold UTIME_NOW / UTIME_OMIT in Nsec
}

// Attr.Valid bits.
const (
	AttrMode = 1 << iota
	AttrOwner
	AttrTimes
	AttrSize
)

// DirEnt is one directory entry as a file system lists it.
type DirEnt struct {
	Name string
	Ino  uint64
	Type uint8 // abi.DT_*
}

// DTFromMode is the d_type for an st_mode.
func DTFromMode(mode uint32) uint8 {
	return uint8(mode & abi.S_IFMT >> 12)
}

// Cred is the caller's file system identity: fsuid, fsgid and
// supplementary groups. UID 0 has CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH
// and CAP_FOWNER, as root does on Linux without user namespaces.
type Cred struct {
	UID, GID uint32
	Groups   []uint32
}

// Root is the credential of uid 0.
var Root = &Cred{}

func (c *Cred) inGroup(gid uint32) bool {
	if c.GID == gid {
		return true
	}
	for _, g := range c.Groups {
		if g == gid {
			return true
		}
	}
	return false
}

// Permission request bits (include/linux/fs.h MAY_*).
const (
	MayExec  = 1
	MayWrite = 2
	MayRead  = 4
)

// Permitted is generic_permission(): the owner's, group's or others'
// bits (exactly one class applies, the first that matches), with root's
// override: read and write always, search on directories always, exec on
// other files only when at least one x bit is set.
func (c *Cred) Permitted(st *Stat, want uint32) bool {
	if c.UID == 0 {
		if want&MayExec == 0 || st.IsDir() || st.Mode&0o111 != 0 {
			return true
		}
	}
	var bits uint32
	switch {
	case c.UID == st.UID:
		bits = st.Mode >> 6
	case c.inGroup(st.GID):
		bits = st.Mode >> 3
	default:
		bits = st.Mode
	}
	return bits&want&7 == want&7
}

// owns is inode_owner_or_capable(): the owner or CAP_FOWNER.
func (c *Cred) owns(st *Stat) bool { return c.UID == 0 || c.UID == st.UID }

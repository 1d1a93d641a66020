package kernel

import "github.com/blink-go/blink/core/abi"

// This file is the kernel's only door to files. Until the VFS (package fs)
// owns path walking, every path operation goes through FS and every open
// file through File; hostfs_*.go passes both straight to the host. The VFS
// will implement the same two interfaces, so the syscall handlers do not
// change when it arrives.
//
// Conventions:
//   - Paths are guest paths exactly as the guest passed them (not cleaned),
//     relative ones resolved against the directory File given as at, which
//     is the process's cwd for AT_FDCWD. The kernel never joins paths.
//   - Errors are Linux errnos; implementations translate host errors once.
//   - Optional abilities (directories, terminals, syncing, attributes) are
//     small interfaces a File may implement; the kernel type-asserts once per
//     syscall and returns the errno Linux gives a file without the ability.

// FS performs path operations.
type FS interface {
	// Open opens path with Linux open(2) flags (O_CLOEXEC is the kernel's
	// business and already removed) and creation mode (umask applied).
	Open(at File, path string, flags int, mode uint32) (File, abi.Errno)
	// Stat describes path; flags may hold AT_SYMLINK_NOFOLLOW.
	Stat(at File, path string, flags int) (Stat, abi.Errno)
	Readlink(at File, path string) (string, abi.Errno)
	// Access checks R_OK/W_OK/X_OK; flags may hold AT_EACCESS and
	// AT_SYMLINK_NOFOLLOW.
	Access(at File, path string, mode uint32, flags int) abi.Errno
	Mkdir(at File, path string, mode uint32) abi.Errno
	// Unlink removes a file, or a directory with AT_REMOVEDIR.
	Unlink(at File, path string, flags int) abi.Errno
	// Rename takes renameat2 flags (RENAME_NOREPLACE, RENAME_EXCHANGE).
	Rename(oldAt File, oldPath string, newAt File, newPath string, flags uint32) abi.Errno
	// SetAttr changes mode, owner, times or size of path (see Attr).
	SetAttr(at File, path string, a *Attr, flags int) abi.Errno
	// Pipe creates a connected read/write pair.
	Pipe() (r, w File, e abi.Errno)
}

// File is an open file description's implementation.
type File interface {
	Read(p []byte) (int, abi.Errno)
	Write(p []byte) (int, abi.Errno)
	Pread(p []byte, off int64) (int, abi.Errno)
	Pwrite(p []byte, off int64) (int, abi.Errno)
	Lseek(off int64, whence int) (int64, abi.Errno)
	Stat() (Stat, abi.Errno)
	Close() abi.Errno
	// Path names the file for readlink(/proc/self/fd/N), getcwd and traces.
	Path() string
}

// DirFile is a File that can list its entries.
type DirFile interface {
	// ReadDir fills buf with linux_dirent64 records starting at the
	// current position and returns the bytes used; EINVAL if even one
	// record does not fit, 0 at the end.
	ReadDir(buf []byte) (int, abi.Errno)
}

// SetAttrFile is a File whose attributes can be changed through the fd.
type SetAttrFile interface {
	SetAttr(a *Attr) abi.Errno
}

// SyncFile is a File with storage to flush; files without one succeed.
type SyncFile interface {
	Sync(dataOnly bool) abi.Errno
}

// FlagsFile is a File whose status flags (O_APPEND, O_NONBLOCK...) live in
// the host and must follow F_SETFL.
type FlagsFile interface {
	SetFlags(flags int) abi.Errno
}

// Terminal is a File that is a terminal. Termios is in the kernel's layout
// (struct termios as TCGETS passes it, abi.TermiosSize bytes).
type Terminal interface {
	GetTermios(t *[abi.TermiosSize]byte) abi.Errno
	// SetTermios applies t: req is TCSETS, TCSETSW or TCSETSF.
	SetTermios(req uint32, t *[abi.TermiosSize]byte) abi.Errno
	GetWinsize() (rows, cols, xpix, ypix uint16, e abi.Errno)
}

// Timespec is a Linux struct timespec.
type Timespec struct {
	Sec  int64
	Nsec int64
}

// Stat is the information struct stat and struct statx carry, in Linux
// terms (mode bits and device numbers as Linux encodes them).
type Stat struct {
	Dev, Ino, Nlink, Rdev uint64
	Mode, UID, GID        uint32
	Size, Blksize, Blocks int64
	Atime, Mtime, Ctime   Timespec
	Btime                 Timespec // zero when unknown
}

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

package kernel

import (
	"github.com/blink-go/blink/core/abi"
	"github.com/blink-go/blink/fs/vfs"
)

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

// FSCtx says who performs a path operation: the process's root (nil:
// the machine's root, as for a process that never called chroot) and
// working directory, and its credentials: Cred are the file system ids
// (effective uid and gid, supplementary groups), Real the real ones that
// access(2) uses without AT_EACCESS.
type FSCtx struct {
	Root, Cwd  File
	Cred, Real vfs.Cred
	// Caller is the calling process, for /proc/self and /dev/tty
	// (procinfo.go); nil for the kernel itself.
	Caller *Process
}

// FS performs path operations.
type FS interface {
	// Open opens path with Linux open(2) flags (O_CLOEXEC is the kernel's
	// business and already removed) and creation mode (umask applied).
	Open(c *FSCtx, at File, path string, flags int, mode uint32) (File, abi.Errno)
	// Stat describes path; flags may hold AT_SYMLINK_NOFOLLOW.
	Stat(c *FSCtx, at File, path string, flags int) (Stat, abi.Errno)
	Readlink(c *FSCtx, at File, path string) (string, abi.Errno)
	// Access checks R_OK/W_OK/X_OK; flags may hold AT_EACCESS and
	// AT_SYMLINK_NOFOLLOW.
	Access(c *FSCtx, at File, path string, mode uint32, flags int) abi.Errno
	Mkdir(c *FSCtx, at File, path string, mode uint32) abi.Errno
	// Unlink removes a file, or a directory with AT_REMOVEDIR.
	Unlink(c *FSCtx, at File, path string, flags int) abi.Errno
	// Rename takes renameat2 flags (RENAME_NOREPLACE, RENAME_EXCHANGE).
	Rename(c *FSCtx, oldAt File, oldPath string, newAt File, newPath string, flags uint32) abi.Errno
	// SetAttr changes mode, owner, times or size of path (see Attr).
	SetAttr(c *FSCtx, at File, path string, a *Attr, flags int) abi.Errno
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
	SetAttr(c *FSCtx, a *Attr) abi.Errno
}

// MountFS is an FS with a mount table (the VFS): mount(2), umount2(2)
// and chroot(2) need it; without it they fail with EPERM.
type MountFS interface {
	// Mount attaches a file system of type fstype from source at target
	// (MS_BIND, MS_REMOUNT and the per-mount MS_* flags as mount(2)).
	Mount(c *FSCtx, source, target, fstype string, flags uint64) abi.Errno
	Umount(c *FSCtx, target string, flags int) abi.Errno
	// Chroot returns the new root directory for path.
	Chroot(c *FSCtx, path string) (File, abi.Errno)
}

// PathFromFile is a File that can name itself as seen from a process
// root (getcwd in a chroot).
type PathFromFile interface {
	PathFrom(root File) string
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

// The attribute types are the VFS's, so files pass between the kernel and
// the VFS without conversion.
type (
	Timespec = vfs.Timespec
	Stat     = vfs.Stat
	Attr     = vfs.Attr
)

// Attr.Valid bits.
const (
	AttrMode  = vfs.AttrMode
	AttrOwner = vfs.AttrOwner
	AttrTimes = vfs.AttrTimes
	AttrSize  = vfs.AttrSize
)

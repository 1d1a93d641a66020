package vfs

import "github.com/blink-go/blink/core/abi"

// Node is the per-file-system half of a file: what one file system knows
// how to do with one of its files. The VFS holds nodes in Dentries and
// does everything generic itself (path walking, mounts, permissions, the
// open file description), so a Node only answers for its own storage.
//
// Names handed to a Node are single components: never "", "." or "..",
// never containing '/', at most NAME_MAX bytes. A Node never follows a
// symlink; it reports it and the VFS walks it.
//
// New file systems embed NodeDefaults and override what they support; the
// defaults return the errno Linux gives for an inode without the matching
// inode_operation.
type Node interface {
	// Stat returns the file's current attributes; Ino is the file
	// system's inode number, stable for the life of the file. Dev is
	// filled in by the VFS.
	Stat() (Stat, abi.Errno)
	// Lookup finds name in this directory, returning the child and its
	// attributes; ENOENT when absent.
	Lookup(name string) (Node, Stat, abi.Errno)
	// Readlink returns a symlink's target.
	Readlink() (string, abi.Errno)
	// Open opens this file for I/O. flags are open(2) flags minus the
	// creation ones (O_CREAT, O_EXCL, O_TMPFILE) and O_CLOEXEC; the VFS
	// has already checked permissions and the file's type.
	Open(flags int) (FileImpl, abi.Errno)
	// ReadDir lists a directory without "." and "..".
	ReadDir() ([]DirEnt, abi.Errno)
	// Create makes and opens a new regular file (EEXIST if name exists).
	Create(name string, flags int, mode uint32) (FileImpl, Node, Stat, abi.Errno)
	// TmpFile makes an unnamed regular file in this directory (O_TMPFILE).
	TmpFile(flags int, mode uint32) (FileImpl, abi.Errno)
	Mkdir(name string, mode uint32) abi.Errno
	// Mknod makes a device, FIFO, socket or regular file.
	Mknod(name string, mode uint32, dev uint64) abi.Errno
	Symlink(name, target string) abi.Errno
	// Link makes name a new hard link to target (a node of the same
	// file system; the VFS checks).
	Link(name string, target Node) abi.Errno
	// Unlink removes name; dir selects rmdir semantics.
	Unlink(name string, dir bool) abi.Errno
	// Rename moves oldName in this directory to newName in newDir (a
	// node of the same file system) with renameat2 flags.
	Rename(oldName string, newDir Node, newName string, flags uint32) abi.Errno
	// SetAttr changes this file's attributes (never through a symlink).
	SetAttr(a *Attr) abi.Errno
}

// NodeDefaults gives every Node method the errno Linux returns when the
// inode lacks the operation (fs/namei.c: vfs_create's EACCES, vfs_mkdir's
// EPERM...). Stat has no default: every file has attributes.
type NodeDefaults struct{}

func (NodeDefaults) Lookup(string) (Node, Stat, abi.Errno) { return nil, Stat{}, abi.ENOTDIR }
func (NodeDefaults) Readlink() (string, abi.Errno)         { return "", abi.EINVAL }
func (NodeDefaults) Open(int) (FileImpl, abi.Errno)        { return nil, abi.ENXIO }
func (NodeDefaults) ReadDir() ([]DirEnt, abi.Errno)        { return nil, abi.ENOTDIR }
func (NodeDefaults) Create(string, int, uint32) (FileImpl, Node, Stat, abi.Errno) {
	return nil, nil, Stat{}, abi.EACCES
}
func (NodeDefaults) TmpFile(int, uint32) (FileImpl, abi.Errno)     { return nil, abi.EOPNOTSUPP }
func (NodeDefaults) Mkdir(string, uint32) abi.Errno                { return abi.EPERM }
func (NodeDefaults) Mknod(string, uint32, uint64) abi.Errno        { return abi.EPERM }
func (NodeDefaults) Symlink(string, string) abi.Errno              { return abi.EPERM }
func (NodeDefaults) Link(string, Node) abi.Errno                   { return abi.EPERM }
func (NodeDefaults) Unlink(string, bool) abi.Errno                 { return abi.EPERM }
func (NodeDefaults) Rename(string, Node, string, uint32) abi.Errno { return abi.EPERM }
func (NodeDefaults) SetAttr(*Attr) abi.Errno                       { return abi.EPERM }

// FileImpl is the per-file-system half of an open file description. The
// VFS's File wraps it and adds what is generic: the location, status
// flags, directory listing and access-mode checks.
type FileImpl interface {
	Read(p []byte) (int, abi.Errno)
	Write(p []byte) (int, abi.Errno)
	Pread(p []byte, off int64) (int, abi.Errno)
	Pwrite(p []byte, off int64) (int, abi.Errno)
	Lseek(off int64, whence int) (int64, abi.Errno)
	Stat() (Stat, abi.Errno)
	Close() abi.Errno
}

// Optional FileImpl abilities, type-asserted by File.
type (
	// SyncImpl flushes storage.
	SyncImpl interface{ Sync(dataOnly bool) abi.Errno }
	// SetAttrImpl changes attributes through the open file.
	SetAttrImpl interface{ SetAttr(a *Attr) abi.Errno }
	// FlagsImpl follows F_SETFL (O_APPEND, O_NONBLOCK).
	FlagsImpl interface{ SetFlags(flags int) abi.Errno }
	// TerminalImpl is a terminal; see core/kernel's Terminal.
	TerminalImpl interface {
		GetTermios(t *[abi.TermiosSize]byte) abi.Errno
		SetTermios(req uint32, t *[abi.TermiosSize]byte) abi.Errno
		GetWinsize() (rows, cols, xpix, ypix uint16, e abi.Errno)
	}
	// HostFDImpl exposes a host descriptor (for mmap of host files).
	HostFDImpl interface{ HostFD() int }
)

// FileDefaults gives FileImpl methods the errno Linux returns for a file
// without the matching file_operation: EINVAL for read and write
// (vfs_read without ->read), ESPIPE for positional I/O and seeking.
type FileDefaults struct{}

func (FileDefaults) Read([]byte) (int, abi.Errno)          { return 0, abi.EINVAL }
func (FileDefaults) Write([]byte) (int, abi.Errno)         { return 0, abi.EINVAL }
func (FileDefaults) Pread([]byte, int64) (int, abi.Errno)  { return 0, abi.ESPIPE }
func (FileDefaults) Pwrite([]byte, int64) (int, abi.Errno) { return 0, abi.ESPIPE }
func (FileDefaults) Lseek(int64, int) (int64, abi.Errno)   { return 0, abi.ESPIPE }
func (FileDefaults) Close() abi.Errno                      { return 0 }

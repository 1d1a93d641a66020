// Package vfs is the guest's virtual file system: one mount table shared
// by every guest process of a machine, and a path walk with Linux's
// path_resolution(7) semantics through it.
//
// Object model (gVisor's inheritance pattern, small): a Dentry (name,
// parent, attributes) and a File (open file description) are shared
// structs owned here; a file system supplies only a Node per file and a
// FileImpl per open file, embedding NodeDefaults / FileDefaults for what
// it lacks, which answer with the errno Linux gives an inode without that
// operation. hostfs, overlays, and later procfs and devfs are such
// implementations.
//
// What the walk guarantees, wherever a path comes from:
//   - ".." never leaves the process's root, and crosses mount points
//     upward (follow_dotdot); "/.." is "/".
//   - Absolute symlinks restart at the process's root, relative ones at
//     the directory holding them; at most MAXSYMLINKS (40) per walk, then
//     ELOOP; an empty target is ENOENT.
//   - Search permission is checked on every directory a component is
//     looked up in, with the caller's Cred (root: CAP_DAC_OVERRIDE and
//     CAP_DAC_READ_SEARCH, exec only with some x bit).
//   - Trailing slashes demand a directory and follow a final symlink even
//     with O_NOFOLLOW / AT_SYMLINK_NOFOLLOW; paths of PATH_MAX bytes or
//     more and components over NAME_MAX are ENAMETOOLONG.
//   - File systems are only ever asked about one name in a directory they
//     produced; they never see "..", "/" or a symlink to follow, so a
//     host-backed file system cannot be steered outside its directory.
//
// Each operation (open.go, ops.go) follows the Linux function named in
// its comment for the order errors are found in, and fs/testdata records
// the real kernel's answers for over a thousand cases that the tests in
// package fs replay.
//
// Decisions:
//   - Dentries are not cached: every walk asks the file system afresh, as
//     host directories change behind the guest's back. Mount points are
//     therefore keyed by (parent mount, directory inode, name) rather than
//     by dentry identity; a directory has one name, so this is the same
//     thing, except that renaming a mount point's directory on the host
//     loses the mount. The key also admits synthetic mount points whose
//     directory the underlying file system lacks (/SystemRoot).
//   - Directory listings are snapshots taken at the first getdents and
//     after rewind; d_off is the position in the snapshot, so cookies stay
//     valid however the directory changes (POSIX allows either view).
//   - st_dev is per superblock (bind mounts share it), minted as Linux
//     mints anonymous devices (major 0); st_ino is the file system's.
//   - Files a file system creates as the host user are given the guest
//     caller's fsuid/fsgid where the host permits (blink as root).
//
// Locking: VFS.mu guards only the mount table and is never held across a
// call into a Node; File.mu guards the directory snapshot. Nodes must be
// safe for concurrent use.
package vfs

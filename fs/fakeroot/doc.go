// Package fakeroot makes a host directory look like a root file system
// owned by root to a guest that runs as uid 0, when blink itself is an
// ordinary host user (proot -0, fakeroot): ownership, the permission bits
// the host cannot or must not store, and device nodes live in a metadata
// store; the host files stay the invoking user's.
//
// It is a file system stacked on another (hostfs in practice): New wraps
// a vfs.Node, and every attribute it reports passes through the store.
//
//   - Stat, Lookup, fstat and getdents show the store's owner, mode and
//     file type (a device node or FIFO the host could not make is an
//     empty regular placeholder on the host) and rdev.
//   - Files without an entry show the host's attributes with the host
//     user's uid and gid mapped to 0, so a directory unpacked by hand
//     (no metadata) looks root-owned.
//   - chown and chmod record the new owner or mode in the store; chown
//     never reaches the host, chmod reaches it with the bits the host user
//     needs kept (u+rw, u+rwx for directories) and without set-id bits.
//     New files are created with those bits as well. mknod of a device
//     makes a placeholder; a FIFO or socket is made for real when the host
//     allows it.
//   - Opening a device node opens the same device of the guest's /dev
//     (Options.Dev) for the well-known ones (null, zero, full, random,
//     urandom, tty); anything else is ENXIO, as Linux answers for a device
//     number without a driver.
//
// Since every attribute seen by the VFS comes from here, its permission
// checks use the faked owner and mode.
//
// The store: entries are keyed by the guest inode number, which hostfs
// derives from the host (st_dev, st_ino), so an entry follows renames and
// is shared by hard links; each entry also knows its names (in-root
// paths), which is what persists. Deleting the last name of a file
// deletes its entry; creating a file drops any entry left on a reused
// inode number.
//
// Persistence: the store is the `<root>.meta` file of package rootfs
// (meta.Path), outside the root so the guest can neither see nor
// change it, in rootfs's format. Every change is appended to it as lines
// (the last line per path wins; meta.TypeRemoved deletes), in one
// write(2) each, so a crash loses at most the change being made and
// meta.Load still reads the file. At start-up, a journal grown
// well beyond the live entries is compacted by writing a snapshot to a
// temporary file and renaming it over the old one. Two blinks changing
// the same root at once both append safely; a compaction while another
// blink runs on the root may lose that blink's later changes.
//
// Locking: Store.mu guards the entries and the journal and is a leaf:
// never held across a call into the wrapped file system.
package fakeroot

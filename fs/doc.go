// Package fs builds the guest's file system view: NewDefault assembles
// the mount table blink starts with (the root, /SystemRoot, the /proc and
// /dev mount points, bind mounts) from the VFS in fs/vfs, hostfs and
// overlays. The VFS itself, its object model and invariants are described
// in fs/vfs.
//
// The split exists because the file systems import the VFS's types while
// the default mount table needs the file systems: fs/vfs is the leaf,
// hostfs and overlays build on it, and fs ties them together.
//
// The tests here check the whole stack against the real Linux kernel: the
// same operations on the same tree run inside a chroot(2) in a child
// process and through the VFS; testdata/linux_walk.json records the
// kernel's answers so the comparison still runs where chroot cannot.
package fs

// Package hostfs is a file system mirroring one host directory, which it
// can never leave.
//
// Every guest path reaches the host only as a directory descriptor plus
// one component, and directory descriptors are only ever obtained beneath
// the root without following symlinks: on Linux with openat2(2)
// RESOLVE_BENEATH|RESOLVE_NO_SYMLINKS|RESOLVE_NO_MAGICLINKS, elsewhere (or
// on kernels before 5.6) one openat(O_NOFOLLOW|O_DIRECTORY) per component.
// The host kernel therefore never follows a guest symlink: Readlink hands
// the target to the VFS, which walks it inside the guest's root. ".."
// never reaches the host either: the VFS resolves it from its own parent
// chain. If a directory is swapped for a symlink between the VFS's lookup
// and the host call, the host call fails (ELOOP or ENOTDIR); it never
// escapes.
//
// st_ino is a stable 64-bit hash of the host (st_dev, st_ino), so hard
// links share it and it is the same on every run; st_dev is the VFS's.
// Host errors are translated to abi.Errno once, in this package.
//
// Nodes are paths relative to the root, not open descriptors: nothing is
// held open between system calls, so a walk over a huge tree costs no
// descriptors and the guest always sees the host's current state.
package hostfs

import (
	"path"
	"strings"

	"github.com/blink-go/blink/core/abi"
)

// Ino is the guest inode number of the host file (dev, ino): a
// splitmix64-style mix, never 0 (some programs take 0 for a deleted
// entry).
func Ino(dev, ino uint64) uint64 {
	h := mix(dev*0x9e3779b97f4a7c15 ^ mix(ino))
	if h == 0 {
		h = 1
	}
	return h
}

func mix(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

// checkName refuses what is not a single component. The VFS walk never
// passes one (it resolves "." and ".." itself, above the file system), but
// a name like ".." or "a/../.." reaching the host would name something
// outside the root, so hostfs does not take the walk's word for it.
func checkName(name string) abi.Errno {
	switch {
	case name == "":
		return abi.ENOENT
	case name == "." || name == ".." || strings.ContainsAny(name, "/\x00"): // '\\' is an ordinary character on Linux
		return abi.EINVAL
	}
	return 0
}

// join appends one component to a root-relative path ("" is the root).
func join(rel, name string) string {
	if rel == "" {
		return name
	}
	return rel + "/" + name
}

// split returns a root-relative path's directory and last component.
func split(rel string) (dir, base string) {
	i := strings.LastIndexByte(rel, '/')
	if i < 0 {
		return "", rel
	}
	return rel[:i], rel[i+1:]
}

// hostPath is the host's name for rel, for messages and the os fallback.
func hostPath(root, rel string) string {
	if rel == "" {
		return root
	}
	return path.Join(root, rel)
}

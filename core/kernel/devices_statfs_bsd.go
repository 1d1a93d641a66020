//go:build darwin || freebsd

package kernel

import "golang.org/x/sys/unix"

// hostStatfs reports a BSD file system as Linux's ext4 would appear.
func hostStatfs(path string) (statfsInfo, bool) {
	var s unix.Statfs_t
	if unix.Statfs(path, &s) != nil {
		return statfsInfo{}, false
	}
	return statfsInfo{typ: ext4SuperMagic, bsize: uint64(s.Bsize), blocks: uint64(s.Blocks), bfree: uint64(s.Bfree),
		bavail: uint64(s.Bavail), files: uint64(s.Files), ffree: uint64(s.Ffree), namelen: 255}, true
}

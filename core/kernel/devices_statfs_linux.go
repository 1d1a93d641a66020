package kernel

import "golang.org/x/sys/unix"

func hostStatfs(path string) (statfsInfo, bool) {
	var s unix.Statfs_t
	if unix.Statfs(path, &s) != nil {
		return statfsInfo{}, false
	}
	return statfsInfo{typ: uint64(s.Type), bsize: uint64(s.Bsize), blocks: s.Blocks, bfree: s.Bfree,
		bavail: s.Bavail, files: s.Files, ffree: s.Ffree, namelen: uint64(s.Namelen)}, true
}

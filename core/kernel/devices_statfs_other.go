//go:build !linux && !darwin && !freebsd

package kernel

// hostStatfs has no portable source here; statfs then reports the type
// with no blocks.
func hostStatfs(string) (statfsInfo, bool) { return statfsInfo{}, false }

//go:build !linux && !darwin && !freebsd && !netbsd && !openbsd && !dragonfly

package procfs

// readHost has no portable source here (Windows, Plan 9...): ReadHost's
// fallbacks describe a plausible 4 GiB machine with runtime.NumCPU CPUs.
func readHost() Host { return Host{} }

package procfs

import (
	"runtime"
	"time"
)

// Host is what only the host knows: memory, load, uptime, CPUs. It is
// read per build target (host_linux.go: /proc; host_bsd.go: sysctl;
// host_other.go: a fixed, plausible machine), once per file rendered.
type Host struct {
	MemTotal, MemFree, MemAvailable uint64 // bytes
	Buffers, Cached, Shared         uint64
	SwapTotal, SwapFree             uint64
	Load                            [3]float64
	Uptime                          time.Duration // zero when unknown
	NCPU                            int
}

// ReadHost reads the host's figures; fields it cannot learn keep
// fallbacks (MemAvailable = MemFree + Cached, NCPU = runtime.NumCPU).
func ReadHost() Host {
	h := readHost()
	if h.NCPU == 0 {
		h.NCPU = runtime.NumCPU()
	}
	if h.MemTotal == 0 {
		h.MemTotal, h.MemFree = 4<<30, 2<<30
	}
	if h.MemAvailable == 0 {
		h.MemAvailable = min(h.MemFree+h.Cached+h.Buffers, h.MemTotal)
	}
	return h
}

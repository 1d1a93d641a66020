//go:build darwin || freebsd || netbsd || openbsd || dragonfly

package procfs

import (
	"encoding/binary"
	"time"

	"golang.org/x/sys/unix"
)

func readHost() Host {
	var h Host
	for _, name := range []string{"hw.memsize", "hw.physmem64", "hw.physmem"} {
		if v, err := unix.SysctlUint64(name); err == nil && v != 0 {
			h.MemTotal = v
			break
		}
	}
	page := uint64(unix.Getpagesize())
	for _, name := range []string{"vm.stats.vm.v_free_count", "vm.page_free_count"} {
		if v, err := unix.SysctlUint32(name); err == nil && v != 0 {
			h.MemFree = uint64(v) * page
			break
		}
	}
	if v, err := unix.SysctlUint32("vm.stats.vm.v_inactive_count"); err == nil {
		h.Cached = uint64(v) * page
	}
	// struct loadavg { fixpt_t ldavg[3]; long fscale; }: 3 uint32, then
	// a long aligned to 8.
	if raw, err := unix.SysctlRaw("vm.loadavg"); err == nil && len(raw) >= 24 {
		scale := float64(binary.LittleEndian.Uint64(raw[16:24]))
		if scale > 0 {
			for i := range h.Load {
				h.Load[i] = float64(binary.LittleEndian.Uint32(raw[4*i:])) / scale
			}
		}
	}
	if tv, err := unix.SysctlTimeval("kern.boottime"); err == nil {
		h.Uptime = time.Since(time.Unix(tv.Unix()))
	}
	if n, err := unix.SysctlUint32("hw.ncpu"); err == nil {
		h.NCPU = int(n)
	}
	return h
}

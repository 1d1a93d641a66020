package procfs

import (
	"bytes"
	"crypto/rand"
	"fmt"
	"runtime"
	"strings"
	"time"

	"github.com/blink-go/blink/core/abi"
)

// userHZ is USER_HZ, the unit of clock ticks in /proc.
const userHZ = 100

func ticks(d time.Duration) uint64 { return uint64(d / (time.Second / userHZ)) }

// globalEntries are /proc's files that are not per process.
func (f *FS) globalEntries() []Entry {
	ro := func(path string, gen genFunc) Entry {
		_, name, _ := cutLast(path)
		return Entry{name, f.file("/"+path, 0o444, gen)}
	}
	text := func(s string) genFunc {
		return func(b *bytes.Buffer) abi.Errno { b.WriteString(s); return 0 }
	}
	sysFile := func(path string, gen genFunc) Entry {
		_, name, _ := cutLast(path)
		return Entry{name, f.file("/sys/"+path, 0o444, gen)}
	}
	// /proc/sys: the few files tools read, as their sysctl shows them.
	bootID := uuid()
	sys := f.dir("/sys",
		Entry{"kernel", f.dir("/sys/kernel",
			sysFile("kernel/hostname", func(b *bytes.Buffer) abi.Errno { b.WriteString(f.src.System().Hostname + "\n"); return 0 }),
			sysFile("kernel/domainname", func(b *bytes.Buffer) abi.Errno { b.WriteString(f.src.System().Domainname + "\n"); return 0 }),
			sysFile("kernel/osrelease", func(b *bytes.Buffer) abi.Errno { b.WriteString(f.src.System().Release + "\n"); return 0 }),
			sysFile("kernel/ostype", text("Linux\n")),
			sysFile("kernel/version", func(b *bytes.Buffer) abi.Errno { b.WriteString(f.src.System().Version + "\n"); return 0 }),
			sysFile("kernel/pid_max", text("4194304\n")),
			sysFile("kernel/ngroups_max", text("65536\n")),
			sysFile("kernel/threads-max", text("126730\n")),
			Entry{"random", f.dir("/sys/kernel/random",
				sysFile("kernel/random/boot_id", text(bootID+"\n")),
				sysFile("kernel/random/uuid", func(b *bytes.Buffer) abi.Errno { b.WriteString(uuid() + "\n"); return 0 }),
				sysFile("kernel/random/entropy_avail", text("256\n")),
				sysFile("kernel/random/poolsize", text("256\n")),
			)},
		)},
		Entry{"vm", f.dir("/sys/vm",
			sysFile("vm/overcommit_memory", text("0\n")),
			sysFile("vm/max_map_count", text("65530\n")),
		)},
		Entry{"fs", f.dir("/sys/fs",
			sysFile("fs/file-max", text("9223372036854775807\n")),
			sysFile("fs/nr_open", text("1048576\n")),
		)},
	)
	mounts := &LinkNode{Attr: f.attr("/mounts", abi.S_IFLNK|0o777), Target: "self/mounts"}
	return sortEntries([]Entry{
		ro("cpuinfo", f.genCPUInfo),
		ro("meminfo", f.genMeminfo),
		ro("stat", f.genStat),
		ro("uptime", f.genUptime),
		ro("loadavg", f.genLoadavg),
		ro("version", func(b *bytes.Buffer) abi.Errno {
			s := f.src.System()
			fmt.Fprintf(b, "Linux version %s (blink@blink-go) (%s) %s\n", s.Release, runtime.Version(), s.Version)
			return 0
		}),
		ro("filesystems", text("nodev\tsysfs\nnodev\ttmpfs\nnodev\tproc\nnodev\tdevtmpfs\nnodev\tdevpts\nnodev\thostfs\nnodev\toverlay\n")),
		ro("cmdline", text("BOOT_IMAGE=blink-go ro\n")),
		ro("partitions", text("major minor  #blocks  name\n\n")),
		ro("swaps", text("Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n")),
		ro("devices", text("Character devices:\n  1 mem\n  4 /dev/vc/0\n  4 tty\n  5 /dev/tty\n  5 /dev/console\n  5 /dev/ptmx\n136 pts\n\nBlock devices:\n")),
		{"mounts", mounts},
		{"net", f.netDir()}, // net.go
		{"sys", sys},
	})
}

// cutLast splits a slash path at its last slash.
func cutLast(p string) (string, string, bool) {
	i := strings.LastIndexByte(p, '/')
	if i < 0 {
		return "", p, false
	}
	return p[:i], p[i+1:], true
}

func uuid() string {
	var u [16]byte
	rand.Read(u[:])
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:16])
}

// mem is the machine's memory as meminfo shows it: the host's, or the
// configured limit with the guest's use subtracted.
func (f *FS) mem() Host {
	h := f.cfg.Host()
	if lim := f.cfg.MemLimit; lim != 0 && lim < h.MemTotal {
		used := h.MemTotal - h.MemAvailable
		h.MemTotal = lim
		if used > lim {
			used = lim
		}
		h.MemFree = lim - used
		h.MemAvailable = h.MemFree
		h.Buffers, h.Cached = 0, 0
	}
	return h
}

// genMeminfo is fs/proc/meminfo.c: each value in kB, the label padded to
// 16 columns and the number to 8.
func (f *FS) genMeminfo(b *bytes.Buffer) abi.Errno {
	h := f.mem()
	kb := func(name string, v uint64) { fmt.Fprintf(b, "%-16s%8d kB\n", name+":", v>>10) }
	kb("MemTotal", h.MemTotal)
	kb("MemFree", h.MemFree)
	kb("MemAvailable", h.MemAvailable)
	kb("Buffers", h.Buffers)
	kb("Cached", h.Cached)
	kb("SwapCached", 0)
	kb("Active", h.MemTotal-h.MemFree-h.Cached-h.Buffers)
	kb("Inactive", h.Cached+h.Buffers)
	kb("SwapTotal", h.SwapTotal)
	kb("SwapFree", h.SwapFree)
	kb("Dirty", 0)
	kb("Writeback", 0)
	kb("AnonPages", h.MemTotal-h.MemFree-h.Cached-h.Buffers)
	kb("Mapped", 0)
	kb("Shmem", h.Shared)
	kb("KReclaimable", 0)
	kb("Slab", 0)
	kb("SReclaimable", 0)
	kb("SUnreclaim", 0)
	kb("KernelStack", 0)
	kb("PageTables", 0)
	kb("CommitLimit", h.MemTotal/2+h.SwapTotal)
	kb("Committed_AS", h.MemTotal-h.MemAvailable)
	kb("VmallocTotal", 34359738367<<10)
	kb("VmallocUsed", 0)
	kb("VmallocChunk", 0)
	fmt.Fprintf(b, "%-16s%8d\n%-16s%8d\n%-16s%8d\n%-16s%8d\n", "HugePages_Total:", 0, "HugePages_Free:", 0,
		"HugePages_Rsvd:", 0, "HugePages_Surp:", 0)
	kb("Hugepagesize", 2<<20)
	return 0
}

// cpuTimes splits the machine's CPU time since boot: user and system is
// what guest processes used, idle the rest.
func (f *FS) cpuTimes() (ncpu int, up time.Duration, user, sys, idle uint64) {
	s := f.src.System()
	ncpu = f.cfg.Host().NCPU
	for _, pid := range f.src.PIDs() {
		if p, ok := f.src.Proc(pid); ok {
			user += ticks(p.UTime)
			sys += ticks(p.STime)
		}
	}
	total := ticks(s.Uptime) * uint64(ncpu)
	if total > user+sys {
		idle = total - user - sys
	}
	return ncpu, s.Uptime, user, sys, idle
}

// genStat is fs/proc/stat.c.
func (f *FS) genStat(b *bytes.Buffer) abi.Errno {
	n, _, user, sys, idle := f.cpuTimes()
	s := f.src.System()
	fmt.Fprintf(b, "cpu  %d 0 %d %d 0 0 0 0 0 0\n", user, sys, idle)
	for i := range n {
		fmt.Fprintf(b, "cpu%d %d 0 %d %d 0 0 0 0 0 0\n", i, user/uint64(n), sys/uint64(n), idle/uint64(n))
	}
	fmt.Fprintf(b, "intr 0\nctxt 0\nbtime %d\nprocesses %d\nprocs_running %d\nprocs_blocked %d\n",
		s.Boot.Unix(), s.Forks, s.Running, s.Blocked)
	b.WriteString("softirq 0 0 0 0 0 0 0 0 0 0 0\n")
	return 0
}

// genUptime is fs/proc/uptime.c: seconds up and idle seconds summed over
// CPUs, two decimals each.
func (f *FS) genUptime(b *bytes.Buffer) abi.Errno {
	_, up, _, _, idle := f.cpuTimes()
	cs := up / (10 * time.Millisecond)
	fmt.Fprintf(b, "%d.%02d %d.%02d\n", cs/100, cs%100, idle/userHZ, idle%userHZ)
	return 0
}

// genLoadavg is fs/proc/loadavg.c: the host's load, then running/total
// tasks and the last pid.
func (f *FS) genLoadavg(b *bytes.Buffer) abi.Errno {
	h := f.cfg.Host()
	s := f.src.System()
	threads := 0
	for _, pid := range f.src.PIDs() {
		if p, ok := f.src.Proc(pid); ok {
			threads += max(len(p.TIDs), 1)
		}
	}
	fmt.Fprintf(b, "%.2f %.2f %.2f %d/%d %d\n", h.Load[0], h.Load[1], h.Load[2], max(s.Running, 1), threads, s.LastPID)
	return 0
}

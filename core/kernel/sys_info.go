package kernel

import (
	"crypto/rand"
	"runtime"

	"github.com/blink-go/blink/core/abi"
)

// System information and limits: uname, sysinfo, getrandom, rlimits,
// umask. CPU affinity is in sys_sched.go.

// Release is the kernel version blink reports: new enough for glibc's and
// musl's feature checks, and marked as blink's.
const Release = "4.5.0-blink-go"

func sysUname(t *Task, a *Args) (uint64, abi.Errno) {
	var b [abi.UtsnameSize]byte
	// The names sethostname and setdomainname set (sys_uts.go).
	fields := [6]string{"Linux", t.k.nodename(), Release, "blink-go " + runtime.Version(), "x86_64", t.k.domainname()}
	for i, f := range fields {
		copy(b[i*abi.UTSLen:i*abi.UTSLen+abi.UTSLen-1], f)
	}
	return 0, t.copyOut(a[0], b[:])
}

func sysSysinfo(t *Task, a *Args) (uint64, abi.Errno) {
	var b [abi.SysinfoSize]byte
	info := hostSysinfo()
	le64(b[0:], uint64(t.k.uptime().Seconds())+uint64(t.k.monoBase.Seconds()))
	for i, l := range info.loads {
		le64(b[8+8*i:], l)
	}
	le64(b[32:], info.totalram)
	le64(b[40:], info.freeram)
	le64(b[48:], info.sharedram)
	le64(b[56:], info.bufferram)
	le64(b[64:], info.totalswap)
	le64(b[72:], info.freeswap)
	t.k.mu.Lock()
	le16(b[80:], uint16(len(t.k.procs)))
	t.k.mu.Unlock()
	le32(b[104:], 1) // mem_unit
	return 0, t.copyOut(a[0], b[:])
}

type sysinfoData struct {
	loads                                   [3]uint64
	totalram, freeram, sharedram, bufferram uint64
	totalswap, freeswap                     uint64
}

func sysGetrandom(t *Task, a *Args) (uint64, abi.Errno) {
	flags := uint32(a[2])
	if flags&^(abi.GRND_NONBLOCK|abi.GRND_RANDOM|abi.GRND_INSECURE) != 0 ||
		flags&(abi.GRND_RANDOM|abi.GRND_INSECURE) == abi.GRND_RANDOM|abi.GRND_INSECURE {
		return 0, abi.EINVAL
	}
	n := min(a[1], 1<<25-1) // Linux caps one call at 32 MiB - 1
	if n == 0 {
		return 0, 0
	}
	n = t.writablePrefix(a[0], n)
	if n == 0 {
		return 0, abi.EFAULT
	}
	total := uint64(0)
	for total < n {
		chunk := t.scratchBuf(int(min(n-total, ioChunk)))
		rand.Read(chunk)
		if e := t.copyOut(a[0]+total, chunk); e != 0 {
			break
		}
		total += uint64(len(chunk))
	}
	return total, 0
}

func (t *Task) getRlimit(res uint64) ([2]uint64, abi.Errno) {
	if res >= abi.RLIM_NLIMITS {
		return [2]uint64{}, abi.EINVAL
	}
	t.proc.mu.Lock()
	defer t.proc.mu.Unlock()
	return t.proc.rlimits[res], 0
}

func (t *Task) setRlimit(res uint64, lim [2]uint64) abi.Errno {
	if res >= abi.RLIM_NLIMITS {
		return abi.EINVAL
	}
	if lim[0] > lim[1] {
		return abi.EINVAL
	}
	if res == abi.RLIMIT_NOFILE && lim[1] > 1<<20 { // fs.nr_open
		return abi.EPERM
	}
	t.proc.mu.Lock()
	defer t.proc.mu.Unlock()
	if lim[1] > t.proc.rlimits[res][1] && t.proc.creds.EUID != 0 {
		return abi.EPERM
	}
	t.proc.rlimits[res] = lim
	return 0
}

func (t *Task) putRlimit(addr uint64, lim [2]uint64) abi.Errno {
	var b [abi.RlimitSize]byte
	le64(b[:], lim[0])
	le64(b[8:], lim[1])
	return t.copyOut(addr, b[:])
}

func sysGetrlimit(t *Task, a *Args) (uint64, abi.Errno) {
	lim, e := t.getRlimit(a[0])
	if e != 0 {
		return 0, e
	}
	return 0, t.putRlimit(a[1], lim)
}

func sysSetrlimit(t *Task, a *Args) (uint64, abi.Errno) {
	var b [abi.RlimitSize]byte
	if e := t.copyIn(a[1], b[:]); e != 0 {
		return 0, e
	}
	return 0, t.setRlimit(a[0], [2]uint64{rd64(b[:]), rd64(b[8:])})
}

func sysPrlimit64(t *Task, a *Args) (uint64, abi.Errno) {
	if pid := int32(a[0]); pid != 0 && int(pid) != t.proc.pid {
		return 0, abi.ESRCH
	}
	var nl [2]uint64
	if a[2] != 0 {
		var b [abi.RlimitSize]byte
		if e := t.copyIn(a[2], b[:]); e != 0 {
			return 0, e
		}
		nl = [2]uint64{rd64(b[:]), rd64(b[8:])}
	}
	old, e := t.getRlimit(a[1])
	if e != 0 {
		return 0, e
	}
	if a[2] != 0 {
		if e := t.setRlimit(a[1], nl); e != 0 {
			return 0, e
		}
	}
	if a[3] != 0 {
		return 0, t.putRlimit(a[3], old)
	}
	return 0, 0
}

func sysUmask(t *Task, a *Args) (uint64, abi.Errno) {
	t.proc.mu.Lock()
	defer t.proc.mu.Unlock()
	old := t.proc.umask
	t.proc.umask = uint32(a[0]) & 0o777
	return uint64(old), 0
}

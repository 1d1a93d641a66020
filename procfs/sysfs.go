package procfs

import (
	"bytes"
	"strconv"

	"github.com/blink-go/blink/core/abi"
)

// NewSys builds a minimal sysfs: the CPU lists tools read to count
// processors (glibc's get_nprocs_conf, nproc --all, lscpu).
func NewSys(cfg Config) *Dir {
	f := New(cfg)
	attr := func(p string, mode uint32) Attr { return Attr{Ino: InoOf("/sys" + p), Mode: mode, Time: f.boot} }
	dir := func(p string, ents ...Entry) *Dir {
		return &Dir{Attr: attr(p, abi.S_IFDIR|0o755), List: func() []Entry { return ents }}
	}
	cpus := func(b *bytes.Buffer) abi.Errno {
		n := f.cfg.Host().NCPU
		if n > 1 {
			b.WriteString("0-" + strconv.Itoa(n-1) + "\n")
		} else {
			b.WriteString("0\n")
		}
		return 0
	}
	file := func(name string) Entry {
		return Entry{name, &File{Attr: attr("/devices/system/cpu/"+name, abi.S_IFREG|0o444), Gen: cpus}}
	}
	root := dir("",
		Entry{"devices", dir("/devices", Entry{"system", dir("/devices/system",
			Entry{"cpu", dir("/devices/system/cpu", file("online"), file("possible"), file("present"))})})},
		Entry{"fs", dir("/fs")},
		Entry{"kernel", dir("/kernel")},
	)
	root.Ino = 1
	return root
}

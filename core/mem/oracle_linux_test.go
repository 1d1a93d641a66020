// The oracle is the x86-64 Linux kernel itself: other architectures differ
// in the mmap syscall ABI (s390x passes a struct), in PROT_* bits (arm64's
// PROT_BTI is 0x10), and under qemu-user the "host" would be qemu's own
// emulation of mmap and /proc/self/maps, which diverges from Linux.

//go:build amd64

package mem

import (
	"bufio"
	"fmt"
	"os"
	"strings"
	"testing"
	"unsafe"

	"github.com/blink-go/blink/core/abi"
	"golang.org/x/sys/unix"
)

// The oracle: every sequence runs against the real Linux mmap family on
// this host, inside a scratch window, and against a Space at the same
// offsets; return values, errnos and the resulting /proc/self/maps of the
// window must agree.

const (
	hostWin  = 0x3f0000000000 // far from where the Go runtime maps
	guestWin = 0x10000000
	winSize  = 64 * pageSize
)

type mop struct {
	call          string // map, unmap, protect, remap, advise
	off, n        uint64
	prot, flags   int
	n2, off2      uint64 // remap: new length, new address offset
	absolute      bool   // off is an absolute address (argument-checking cases)
	compareResult bool
}

func hostCall(o mop) (uint64, abi.Errno) {
	a := hostWin + o.off
	if o.absolute {
		a = o.off
	}
	var r1 uintptr
	var e unix.Errno
	switch o.call {
	case "map":
		r1, _, e = unix.Syscall6(unix.SYS_MMAP, uintptr(a), uintptr(o.n), uintptr(o.prot), uintptr(o.flags), ^uintptr(0), 0)
	case "unmap":
		r1, _, e = unix.Syscall(unix.SYS_MUNMAP, uintptr(a), uintptr(o.n), 0)
	case "protect":
		r1, _, e = unix.Syscall(unix.SYS_MPROTECT, uintptr(a), uintptr(o.n), uintptr(o.prot))
	case "remap":
		r1, _, e = unix.Syscall6(unix.SYS_MREMAP, uintptr(a), uintptr(o.n), uintptr(o.n2), uintptr(o.flags), uintptr(hostWin+o.off2), 0)
	case "advise":
		r1, _, e = unix.Syscall(unix.SYS_MADVISE, uintptr(a), uintptr(o.n), uintptr(o.prot))
	}
	if e != 0 {
		return 0, abi.Errno(e)
	}
	if o.call == "map" || o.call == "remap" {
		return uint64(r1) - hostWin, 0
	}
	return uint64(r1), 0
}

func guestCall(s *Space, o mop) (uint64, abi.Errno) {
	a := guestWin + o.off
	if o.absolute {
		a = o.off
	}
	switch o.call {
	case "map":
		r, e := s.Map(a, o.n, o.prot, o.flags, nil, 0)
		return r - guestWin, e
	case "unmap":
		return 0, s.Unmap(a, o.n)
	case "protect":
		return 0, s.Protect(a, o.n, o.prot)
	case "remap":
		r, e := s.Remap(a, o.n, o.n2, o.flags, guestWin+o.off2)
		return r - guestWin, e
	case "advise":
		return 0, s.Advise(a, o.n, o.prot)
	}
	return 0, 0
}

func hostMaps(t *testing.T) []string {
	f, err := os.Open("/proc/self/maps")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var lo, hi uint64
		var perms string
		fmt.Sscanf(sc.Text(), "%x-%x %s", &lo, &hi, &perms)
		if lo >= hostWin && hi <= hostWin+winSize {
			out = append(out, fmt.Sprintf("%x-%x %s", lo-hostWin, hi-hostWin, perms[:3]))
		}
	}
	return out
}

func guestMaps(s *Space) []string {
	var out []string
	for _, m := range s.Mappings() {
		if m.Start >= guestWin && m.End <= guestWin+winSize {
			p := []byte("---")
			if m.Prot&ProtRead != 0 {
				p[0] = 'r'
			}
			if m.Prot&ProtWrite != 0 {
				p[1] = 'w'
			}
			if m.Prot&ProtExec != 0 {
				p[2] = 'x'
			}
			out = append(out, fmt.Sprintf("%x-%x %s", m.Start-guestWin, m.End-guestWin, p))
		}
	}
	return out
}

var oracleSeqs = map[string][]mop{
	"map args": {
		{call: "map", off: 0, n: 0, prot: RW, flags: FX},
		{call: "map", off: 1, n: P, prot: RW, flags: FX},
		{call: "map", off: 0, n: P, prot: RW, flags: abi.MAP_ANONYMOUS | abi.MAP_FIXED},
		{call: "map", off: 0, n: P, prot: RW, flags: abi.MAP_SHARED_VALIDATE | abi.MAP_ANONYMOUS | abi.MAP_FIXED},
		{call: "map", off: 0, n: P, prot: RW, flags: abi.MAP_SHARED_VALIDATE | abi.MAP_ANONYMOUS | abi.MAP_FIXED | 0x200},
		{call: "map", off: 0, n: P, prot: RW, flags: 0x7 | abi.MAP_ANONYMOUS | abi.MAP_FIXED},
		{call: "map", off: 0, n: P, prot: RW, flags: abi.MAP_SHARED | abi.MAP_ANONYMOUS | abi.MAP_GROWSDOWN | abi.MAP_FIXED},
		{call: "map", off: 0, n: ^uint64(0) - 10, prot: RW, flags: anonPriv},
		{call: "map", off: 0, n: 1 << 47, prot: RW, flags: anonPriv},
		{call: "map", off: 0x7ffffffff000 - P, n: 2 * P, prot: RW, flags: FX, absolute: true},
		{call: "map", off: 0x1000, n: P, prot: RW, flags: FX, absolute: true},
	},
	"fixed replace and merge": {
		{call: "map", off: 0, n: 8 * P, prot: RW, flags: FX, compareResult: true},
		{call: "map", off: 2 * P, n: 2 * P, prot: R, flags: FX, compareResult: true},
		{call: "map", off: 2 * P, n: 2 * P, prot: RW, flags: FX, compareResult: true},
		{call: "map", off: 3 * P, n: P, prot: RW, flags: anonPriv | abi.MAP_FIXED_NOREPLACE},
		{call: "map", off: 8 * P, n: P, prot: RW, flags: anonPriv | abi.MAP_FIXED_NOREPLACE, compareResult: true},
		{call: "map", off: 20 * P, n: P, prot: RW, flags: anonPriv, compareResult: true},  // free hint
		{call: "map", off: 20*P + 5, n: P, prot: R, flags: anonPriv},                      // hint taken: placed elsewhere
		{call: "map", off: 21*P + 5, n: P, prot: R, flags: anonPriv, compareResult: true}, // hint rounded down
	},
	"munmap": {
		{call: "map", off: 0, n: 8 * P, prot: RW, flags: FX},
		{call: "unmap", off: 0, n: 0},
		{call: "unmap", off: 1, n: P},
		{call: "unmap", off: 2 * P, n: 1},
		{call: "unmap", off: 30 * P, n: P},
		{call: "unmap", off: 5 * P, n: 10 * P},
		{call: "unmap", off: 0x7ffffffff000, n: 2 * P, absolute: true},
		{call: "unmap", off: 0x7ffffffff000 + P, n: P, absolute: true},
	},
	"mprotect": {
		{call: "map", off: 0, n: 4 * P, prot: RW, flags: FX},
		{call: "map", off: 6 * P, n: 4 * P, prot: RW, flags: FX},
		{call: "protect", off: 1, n: P, prot: R},
		{call: "protect", off: 0, n: 0, prot: R},
		{call: "protect", off: 0, n: P, prot: 0x10},
		{call: "protect", off: 0, n: P, prot: R | abi.PROT_SEM},
		{call: "protect", off: P, n: 1, prot: 0},
		{call: "protect", off: P, n: P, prot: RW},
		{call: "protect", off: 2 * P, n: 6 * P, prot: R}, // hole: partial then ENOMEM
		{call: "protect", off: 5 * P, n: 2 * P, prot: R}, // starts in hole
		{call: "protect", off: 0, n: P, prot: R | abi.PROT_GROWSDOWN},
		{call: "protect", off: 0, n: P, prot: R | abi.PROT_GROWSDOWN | abi.PROT_GROWSUP},
		{call: "protect", off: 0, n: ^uint64(0) - P, prot: R},
		{call: "protect", off: 0, n: 10 * P, prot: RW | ProtExec},
		{call: "protect", off: 0, n: 10 * P, prot: RW},
	},
	"mremap": {
		{call: "map", off: 0, n: 4 * P, prot: RW, flags: FX},
		{call: "remap", off: 0, n: 4 * P, n2: 6 * P, compareResult: true}, // grow in place
		{call: "remap", off: 0, n: 6 * P, n2: 2 * P, compareResult: true}, // shrink
		{call: "map", off: 3 * P, n: P, prot: R, flags: FX},
		{call: "remap", off: 0, n: 2 * P, n2: 4 * P}, // blocked, no MAYMOVE
		{call: "remap", off: 0, n: 2 * P, n2: 4 * P, flags: abi.MREMAP_MAYMOVE | abi.MREMAP_FIXED, off2: 10 * P, compareResult: true},
		{call: "remap", off: 10 * P, n: 8 * P, n2: 9 * P}, // spans past the mapping
		{call: "remap", off: 20 * P, n: P, n2: 2 * P},     // unmapped
		{call: "remap", off: 10 * P, n: P, n2: P, flags: abi.MREMAP_FIXED, off2: 30 * P},
		{call: "remap", off: 10 * P, n: P, n2: 2 * P, flags: 8},
		{call: "remap", off: 10 * P, n: P, n2: 0},
		{call: "remap", off: 10*P + 1, n: P, n2: P},
		{call: "remap", off: 10 * P, n: 2 * P, n2: 2 * P, flags: abi.MREMAP_MAYMOVE | abi.MREMAP_FIXED, off2: 11 * P},
		{call: "remap", off: 10 * P, n: 4 * P, n2: 2 * P, flags: abi.MREMAP_MAYMOVE | abi.MREMAP_FIXED, off2: 40 * P, compareResult: true},
		{call: "remap", off: 40 * P, n: 2 * P, n2: 2 * P, flags: abi.MREMAP_MAYMOVE | abi.MREMAP_DONTUNMAP | abi.MREMAP_FIXED, off2: 50 * P, compareResult: true},
	},
	"madvise": {
		{call: "map", off: 0, n: 4 * P, prot: RW, flags: FX},
		{call: "advise", off: 0, n: 4 * P, prot: abi.MADV_DONTNEED},
		{call: "advise", off: 1, n: P, prot: abi.MADV_DONTNEED},
		{call: "advise", off: 0, n: 8 * P, prot: abi.MADV_DONTNEED},
		{call: "advise", off: 0, n: P, prot: 77},
		{call: "advise", off: 0, n: 0, prot: abi.MADV_NORMAL},
	},
}

func TestOracleMmap(t *testing.T) {
	for name, seq := range oracleSeqs {
		for _, m := range modes {
			t.Run(name+"/"+m.String(), func(t *testing.T) {
				s := newSpace(t, m)
				// Clear the host window.
				unix.Syscall(unix.SYS_MUNMAP, hostWin, winSize*4, 0)
				defer unix.Syscall(unix.SYS_MUNMAP, hostWin, winSize*4, 0)
				for i, o := range seq {
					hr, he := hostCall(o)
					gr, ge := guestCall(s, o)
					if he != ge || (o.compareResult && he == 0 && hr != gr) {
						t.Errorf("step %d %+v: host (%#x, %v), guest (%#x, %v)", i, o, hr, he, gr, ge)
					}
					if o.absolute && he == 0 && o.call == "map" {
						unix.Syscall(unix.SYS_MUNMAP, uintptr(hr+hostWin), uintptr(o.n), 0)
					}
					hm, gm := hostMaps(t), guestMaps(s)
					if strings.Join(hm, ",") != strings.Join(gm, ",") {
						t.Errorf("step %d %+v: maps differ\nhost  %v\nguest %v", i, o, hm, gm)
					}
				}
			})
		}
	}
}

var _ = unsafe.Pointer(nil)

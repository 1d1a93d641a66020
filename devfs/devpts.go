package devfs

import (
	"strconv"
	"time"

	"github.com/blink-go/blink/core/abi"
	"github.com/blink-go/blink/fs/vfs"
	"github.com/blink-go/blink/procfs"
)

// devpts (pts(4)) is the file system at /dev/pts: one character device
// 136:N for each pseudo-terminal whose master is open, named N, and
// ptmx, which opens a new master as /dev/ptmx does. The pseudo-terminals
// are the kernel's; it answers through Pts. Inode numbers are devpts's:
// 1 for the directory, 2 for ptmx, N+3 for slave N.
//
// The mount options are those distributions use (gid=5,mode=620,
// ptmxmode=000): a slave belongs to the user who opened its master and
// to group tty, readable and writable by its owner and writable by the
// group, so that write(1) and wall(1) reach it.

// The mount options: group tty for new slaves (also /dev/tty's and
// /dev/ptmx's group), and their permission bits.
const (
	TTYGroup = 5
	PtsMode  = 0o620
)

// Pts is the kernel's side of devpts.
type Pts interface {
	// Slaves lists the indices of the pseudo-terminals whose master is
	// open, in any order.
	Slaves() []int
	// Slave returns pseudo-terminal n, false when /dev/pts has no n.
	Slave(n int) (PtsSlave, bool)
	// OpenPtmx opens a new master for caller, as /dev/ptmx does.
	OpenPtmx(caller any, flags int) (vfs.FileImpl, abi.Errno)
}

// PtsSlave is one slave as devpts shows it. Its attributes live with the
// pseudo-terminal, so that they are the same through every descriptor
// and every path.
type PtsSlave interface {
	Index() int
	// Attr returns the slave's owner, group, permission bits and times;
	// devpts fills in the rest.
	Attr() vfs.Stat
	// SetAttr changes them (chmod, chown, utimes; the VFS has checked
	// the caller may).
	SetAttr(a *vfs.Attr) abi.Errno
	// Open opens the slave for caller (a session leader may acquire it
	// as its controlling terminal).
	Open(caller any, flags int) (vfs.FileImpl, abi.Errno)
}

// NewPts builds a devpts over the kernel's pseudo-terminals.
func NewPts(src Pts) vfs.Node {
	t := time.Now()
	when := vfs.Timespec{Sec: t.Unix(), Nsec: int64(t.Nanosecond())}
	ptmx := &passDev{Attr: procfs.Attr{Ino: 2, Mode: abi.S_IFCHR, Rdev: Mkdev(abi.TTYAUX_MAJOR, 2), Time: when},
		open: src.OpenPtmx}
	slave := func(n int) (vfs.Node, bool) {
		s, ok := src.Slave(n)
		if !ok {
			return nil, false
		}
		return &ptsNode{s: s}, true
	}
	return &procfs.Dir{
		Attr: procfs.Attr{Ino: 1, Mode: abi.S_IFDIR | 0o755, Time: when},
		List: func() []procfs.Entry {
			ents := []procfs.Entry{{Name: "ptmx", Node: ptmx}}
			for _, n := range src.Slaves() {
				if node, ok := slave(n); ok {
					ents = append(ents, procfs.Entry{Name: strconv.Itoa(n), Node: node})
				}
			}
			return ents
		},
		Find: func(name string) (vfs.Node, bool) {
			if name == "ptmx" {
				return ptmx, true
			}
			n, err := strconv.Atoi(name)
			if err != nil || n < 0 || strconv.Itoa(n) != name {
				return nil, false // "00" or "+1" name no slave
			}
			return slave(n)
		},
	}
}

// ptsNode is /dev/pts/N.
type ptsNode struct {
	vfs.NodeDefaults
	s PtsSlave
}

func (n *ptsNode) Stat() (vfs.Stat, abi.Errno) {
	st := n.s.Attr()
	idx := uint64(n.s.Index())
	st.Ino = idx + 3
	st.Mode = abi.S_IFCHR | st.Mode&0o7777
	st.Rdev = Mkdev(abi.UNIX98_PTY_SLAVE_MAJOR, idx)
	st.Nlink = 1
	st.Blksize = 1024 // devpts's block size
	return st, 0
}

func (n *ptsNode) Open(flags int) (vfs.FileImpl, abi.Errno) { return n.s.Open(nil, flags) }

func (n *ptsNode) OpenAs(caller any, flags int) (vfs.FileImpl, abi.Errno) {
	return n.s.Open(caller, flags)
}

func (n *ptsNode) SetAttr(a *vfs.Attr) abi.Errno { return n.s.SetAttr(a) }

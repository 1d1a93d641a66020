package procfs

import (
	"time"

	"github.com/blink-go/blink/core/abi"
	"github.com/blink-go/blink/core/mem"
	"github.com/blink-go/blink/fs/vfs"
)

// Source is what procfs needs from the kernel, so that procfs does not
// import it: the kernel (core/kernel/procinfo.go) implements it, tests
// use a fake. Every method returns a snapshot taken under the kernel's
// locks; ok is false for a process that no longer exists.
type Source interface {
	// Caller returns the process and thread a vfs.Context.Caller names
	// (0, 0 when nobody in particular asks).
	Caller(c any) (pid, tid int)
	// PIDs lists every process, zombies included, in ascending order.
	PIDs() []int
	Proc(pid int) (Proc, bool)
	// Cmdline and Environ are the bytes of the argument and environment
	// areas of the process's memory, NUL-separated as there.
	Cmdline(pid int) ([]byte, bool)
	Environ(pid int) ([]byte, bool)
	Maps(pid int) ([]mem.Mapping, bool)
	FDs(pid int) ([]FD, bool)
	// Cwd and Root are the process's directories as VFS locations.
	Cwd(pid int) (vfs.Location, bool)
	Root(pid int) (vfs.Location, bool)
	// SetComm renames a process (writing /proc/[pid]/comm).
	SetComm(pid int, comm string) abi.Errno
	// SetOOMScoreAdj records /proc/[pid]/oom_score_adj.
	SetOOMScoreAdj(pid int, v int) abi.Errno
	System() System
	// VFS is the mount table, for mounts and mountinfo.
	VFS() *vfs.VFS
}

// Proc is one process, as /proc/[pid]/stat and status describe it.
type Proc struct {
	PID, PPID, PGID, SID int
	TPGID                int    // foreground group of the controlling tty, -1 without
	TTY                  uint64 // controlling terminal device (Linux encoding), 0 without
	TIDs                 []int
	Comm                 string
	State                byte // 'R', 'S', 'T', 'Z' ...
	Nice                 int  // -20..19; stat shows priority 20+Nice
	UID, GID             [4]uint32
	Groups               []uint32
	Umask                uint32
	Start                time.Duration // after boot
	UTime, STime         time.Duration
	SigPnd, ShdPnd       uint64
	SigBlk, SigIgn       uint64
	SigCgt               uint64
	SigQ                 int
	Rlimits              [abi.RLIM_NLIMITS][2]uint64
	Exe                  string
	FDSize               int
	ExitSignal           int
	OOMScoreAdj          int
	Brk                  uint64 // program break end
	StartBrk             uint64
	// ArgStart..EnvEnd are mm->arg_start... for stat's fields 48-51.
	ArgStart, ArgEnd, EnvStart, EnvEnd uint64
	StartStack                         uint64
	MinFlt                             uint64
}

// FD is one descriptor of a process.
type FD struct {
	Num   int
	Flags int   // open(2) access mode and status flags, O_CLOEXEC if set
	Pos   int64 // file offset, 0 where it has none
	// Target is what readlink answers: a path, pipe:[N], socket:[N] or
	// anon_inode:[eventfd].
	Target string
	// Loc is where the file is in the tree, zero for files outside it
	// (pipes, sockets, host stdio), which Node stands for instead.
	Loc  vfs.Location
	Node vfs.Node
	Ino  uint64
	// MntID is the mount's id for fdinfo; 0 outside the tree.
	MntID int
}

// System is machine-wide state the kernel knows.
type System struct {
	Boot       time.Time // wall clock at boot, for btime
	Uptime     time.Duration
	Forks      uint64 // processes created since boot
	Running    int
	Blocked    int
	Hostname   string
	Domainname string
	Release    string // uname -r
	Version    string // uname -v
	LastPID    int
}

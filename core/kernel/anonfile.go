package kernel

import (
	"sync/atomic"
	"time"

	"github.com/blink-go/blink/core/abi"
)

// anonFile is the default half of kernel objects that live on Linux's
// anon_inode file system (eventfd, timerfd, signalfd, epoll): no seeking,
// no positional I/O, a stat that names the object.
type anonFile struct {
	name string // "[eventfd]", "[timerfd]", ...
	ino  uint64
}

var anonInodes atomic.Uint64

func newAnon(name string) anonFile {
	return anonFile{name: name, ino: anonInodes.Add(1) + 2000}
}

func (a *anonFile) Pread([]byte, int64) (int, abi.Errno)  { return 0, abi.ESPIPE }
func (a *anonFile) Pwrite([]byte, int64) (int, abi.Errno) { return 0, abi.ESPIPE }
func (a *anonFile) Lseek(int64, int) (int64, abi.Errno)   { return 0, abi.ESPIPE }
func (a *anonFile) Path() string                          { return "anon_inode:" + a.name }
func (a *anonFile) Stat() (Stat, abi.Errno) {
	now := time.Now()
	ts := Timespec{Sec: now.Unix(), Nsec: int64(now.Nanosecond())}
	return Stat{Dev: 0xe, Ino: a.ino, Nlink: 1, Mode: 0o600, Blksize: 4096,
		Atime: ts, Mtime: ts, Ctime: ts}, 0
}

// installNew puts a new kernel object at the lowest free descriptor.
func (t *Task) installNew(f File, flags int) (uint64, abi.Errno) {
	d := newDescription(f, abi.O_RDWR|flags&abi.O_NONBLOCK)
	fd, e := t.proc.fds.alloc(d, 0, flags&abi.O_CLOEXEC != 0)
	if e != 0 {
		d.decRef()
		return 0, e
	}
	return uint64(fd), 0
}

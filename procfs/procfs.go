package procfs

import (
	"sort"
	"strconv"
	"time"

	"github.com/blink-go/blink/core/abi"
	"github.com/blink-go/blink/fs/vfs"
)

// Config is what procfs is built from.
type Config struct {
	Src Source
	// CPUID answers the guest's CPUID instruction, for cpuinfo.
	CPUID func(leaf, sub uint32) (a, b, c, d uint32)
	// MemLimit, when set, is the memory meminfo and free report instead of
	// the host's (bytes).
	MemLimit uint64
	// Host overrides the host's figures (tests); nil reads the host.
	Host func() Host
}

// FS is one proc file system instance.
type FS struct {
	cfg  Config
	src  Source
	root *Dir
	boot vfs.Timespec
}

// New builds /proc.
func New(cfg Config) *FS {
	f := &FS{cfg: cfg, src: cfg.Src}
	if f.cfg.Host == nil {
		f.cfg.Host = ReadHost
	}
	b := cfg.Src.System().Boot
	f.boot = vfs.Timespec{Sec: b.Unix(), Nsec: int64(b.Nanosecond())}
	f.root = f.buildRoot()
	return f
}

// Root is the root directory node, to mount at /proc.
func (f *FS) Root() vfs.Node { return f.root }

func (f *FS) attr(path string, mode uint32) Attr {
	return Attr{Ino: InoOf("/proc" + path), Mode: mode, Time: f.boot}
}

func (f *FS) file(path string, mode uint32, gen genFunc) *File {
	return &File{Attr: f.attr(path, abi.S_IFREG|mode), Gen: gen}
}

func (f *FS) dir(path string, ents ...Entry) *Dir {
	return &Dir{Attr: f.attr(path, abi.S_IFDIR|0o555), List: func() []Entry { return ents }}
}

func (f *FS) buildRoot() *Dir {
	global := f.globalEntries()
	root := &Dir{Attr: Attr{Ino: 1, Mode: abi.S_IFDIR | 0o555, Time: f.boot}}
	self := &LinkNode{Attr: f.attr("/self", abi.S_IFLNK|0o777), TargetAs: func(c any) (string, abi.Errno) {
		pid, _ := f.src.Caller(c)
		if pid == 0 {
			return "", abi.ENOENT
		}
		return strconv.Itoa(pid), 0
	}}
	tself := &LinkNode{Attr: f.attr("/thread-self", abi.S_IFLNK|0o777), TargetAs: func(c any) (string, abi.Errno) {
		pid, tid := f.src.Caller(c)
		if pid == 0 {
			return "", abi.ENOENT
		}
		return strconv.Itoa(pid) + "/task/" + strconv.Itoa(tid), 0
	}}
	root.Find = func(name string) (vfs.Node, bool) {
		pid, err := strconv.Atoi(name)
		if err != nil || pid <= 0 || strconv.Itoa(pid) != name {
			return nil, false
		}
		p, ok := f.src.Proc(pid)
		if !ok {
			return nil, false
		}
		return f.pidDir(p, 0), true
	}
	root.List = func() []Entry {
		out := append([]Entry(nil), global...)
		out = append(out, Entry{"self", self}, Entry{"thread-self", tself})
		for _, pid := range f.src.PIDs() {
			if p, ok := f.src.Proc(pid); ok {
				out = append(out, Entry{strconv.Itoa(pid), f.pidDir(p, 0)})
			}
		}
		return out
	}
	return root
}

// sortEntries orders a listing by name.
func sortEntries(e []Entry) []Entry {
	sort.Slice(e, func(i, j int) bool { return e[i].Name < e[j].Name })
	return e
}

func ts(t time.Time) vfs.Timespec { return vfs.Timespec{Sec: t.Unix(), Nsec: int64(t.Nanosecond())} }

// Package devfs is the guest's /dev: the memory devices (null, zero,
// full, random, urandom) implemented here, tty, console and ptmx opened
// by the kernel, the standard-stream links into /proc/self/fd, and the
// directories other file systems are mounted on (shm: a tmpfs; pts: the
// devpts of devpts.go).
//
// The host's /dev is never shown: a guest sees only these names. Device
// numbers are Linux's (Documentation/admin-guide/devices.txt), so stat,
// ls -l and programs that compare st_rdev see what they would on Linux.
package devfs

import (
	"crypto/rand"
	"time"

	"github.com/blink-go/blink/core/abi"
	"github.com/blink-go/blink/fs/vfs"
	"github.com/blink-go/blink/procfs"
)

// Mkdev encodes a device number as Linux's new_encode_dev and glibc's
// makedev do.
func Mkdev(major, minor uint64) uint64 {
	return minor&0xff | (major&0xfff)<<8 | (minor&^0xff)<<12 | (major&^0xfff)<<32
}

// Config is what devfs needs from outside.
type Config struct {
	// TTY opens the caller's controlling terminal; nil or an error means
	// it has none (ENXIO, as Linux's /dev/tty without one).
	TTY func(caller any, flags int) (vfs.FileImpl, abi.Errno)
	// Console opens the system console (nil: ENXIO).
	Console func(flags int) (vfs.FileImpl, abi.Errno)
	// Ptmx opens a new pseudo-terminal master for caller (nil: ENXIO,
	// a kernel without pseudo-terminals).
	Ptmx func(caller any, flags int) (vfs.FileImpl, abi.Errno)
}

// New builds /dev.
func New(cfg Config) vfs.Node {
	t := time.Now()
	when := vfs.Timespec{Sec: t.Unix(), Nsec: int64(t.Nanosecond())}
	attr := func(name string, mode uint32, rdev uint64) procfs.Attr {
		return procfs.Attr{Ino: procfs.InoOf("/dev/" + name), Mode: mode, Rdev: rdev, Time: when}
	}
	chr := func(name string, major, minor uint64, kind memKind) procfs.Entry {
		return procfs.Entry{Name: name, Node: &memDev{Attr: attr(name, abi.S_IFCHR|0o666, Mkdev(major, minor)), kind: kind}}
	}
	link := func(name, target string) procfs.Entry {
		return procfs.Entry{Name: name, Node: &procfs.LinkNode{Attr: attr(name, abi.S_IFLNK|0o777, 0), Target: target}}
	}
	dir := func(name string, mode uint32) procfs.Entry {
		return procfs.Entry{Name: name, Node: &procfs.Dir{Attr: attr(name, abi.S_IFDIR|mode, 0),
			List: func() []procfs.Entry { return nil }}}
	}
	// tty and ptmx belong to group tty, as udev and distributions set
	// them up.
	tty := &passDev{Attr: attr("tty", abi.S_IFCHR|0o666, Mkdev(5, 0)), open: cfg.TTY}
	tty.GID = TTYGroup
	console := &passDev{Attr: attr("console", abi.S_IFCHR|0o600, Mkdev(5, 1))}
	if cfg.Console != nil {
		console.open = func(_ any, flags int) (vfs.FileImpl, abi.Errno) { return cfg.Console(flags) }
	}
	ptmx := &passDev{Attr: attr("ptmx", abi.S_IFCHR|0o666, Mkdev(abi.TTYAUX_MAJOR, 2)), open: cfg.Ptmx}
	ptmx.GID = TTYGroup
	ents := []procfs.Entry{
		{Name: "console", Node: console},
		link("fd", "/proc/self/fd"),
		chr("full", 1, 7, devFull),
		chr("null", 1, 3, devNull),
		{Name: "ptmx", Node: ptmx},
		dir("pts", 0o755),
		chr("random", 1, 8, devRandom),
		dir("shm", 0o1777),
		link("stderr", "/proc/self/fd/2"),
		link("stdin", "/proc/self/fd/0"),
		link("stdout", "/proc/self/fd/1"),
		{Name: "tty", Node: tty},
		chr("urandom", 1, 9, devRandom),
		chr("zero", 1, 5, devZero),
	}
	root := &procfs.Dir{Attr: procfs.Attr{Ino: 1, Mode: abi.S_IFDIR | 0o755, Time: when},
		List: func() []procfs.Entry { return ents }}
	return root
}

type memKind uint8

const (
	devNull memKind = iota
	devZero
	devFull
	devRandom
)

// memDev is one of drivers/char/mem.c's devices.
type memDev struct {
	vfs.NodeDefaults
	procfs.Attr
	kind memKind
}

func (d *memDev) Stat() (vfs.Stat, abi.Errno) {
	return vfs.Stat{Ino: d.Ino, Nlink: 1, Mode: d.Mode, Rdev: d.Rdev, Blksize: 4096,
		Atime: d.Time, Mtime: d.Time, Ctime: d.Time}, 0
}

func (d *memDev) Open(int) (vfs.FileImpl, abi.Errno) { return &memFile{d: d}, 0 }

// SetAttr accepts what shells do to devices (truncation by "> /dev/null")
// and chmod/chown/utimes as no-ops that succeed for root.
func (d *memDev) SetAttr(*vfs.Attr) abi.Errno { return 0 }

type memFile struct {
	vfs.FileDefaults
	d *memDev
}

func (f *memFile) Stat() (vfs.Stat, abi.Errno) { return f.d.Stat() }

func (f *memFile) Read(p []byte) (int, abi.Errno) {
	switch f.d.kind {
	case devNull:
		return 0, 0
	case devRandom:
		rand.Read(p)
		return len(p), 0
	}
	clear(p)
	return len(p), 0
}

func (f *memFile) Write(p []byte) (int, abi.Errno) {
	if f.d.kind == devFull {
		return 0, abi.ENOSPC
	}
	return len(p), 0
}

func (f *memFile) Pread(p []byte, _ int64) (int, abi.Errno)  { return f.Read(p) }
func (f *memFile) Pwrite(p []byte, _ int64) (int, abi.Errno) { return f.Write(p) }

// Lseek succeeds with position 0, as null_lseek does; these devices have
// no position.
func (f *memFile) Lseek(off int64, whence int) (int64, abi.Errno) { return 0, 0 }

// passDev is a terminal device opened elsewhere (tty, console, ptmx).
type passDev struct {
	vfs.NodeDefaults
	procfs.Attr
	open func(caller any, flags int) (vfs.FileImpl, abi.Errno)
}

func (d *passDev) Stat() (vfs.Stat, abi.Errno) {
	return vfs.Stat{Ino: d.Ino, Nlink: 1, Mode: d.Mode, GID: d.GID, Rdev: d.Rdev, Blksize: 4096,
		Atime: d.Time, Mtime: d.Time, Ctime: d.Time}, 0
}

func (d *passDev) Open(flags int) (vfs.FileImpl, abi.Errno) { return d.OpenAs(nil, flags) }

func (d *passDev) OpenAs(caller any, flags int) (vfs.FileImpl, abi.Errno) {
	if d.open == nil {
		return nil, abi.ENXIO
	}
	return d.open(caller, flags)
}

func (d *passDev) SetAttr(*vfs.Attr) abi.Errno { return 0 }

package kernel

import (
	"github.com/blink-go/blink/core/abi"
	"github.com/blink-go/blink/core/interp"
	"github.com/blink-go/blink/devfs"
	"github.com/blink-go/blink/fs"
	"github.com/blink-go/blink/fs/tmpfs"
	"github.com/blink-go/blink/fs/vfs"
	"github.com/blink-go/blink/hostfs"
	"github.com/blink-go/blink/procfs"
)

// syntheticFS builds the kernel's own file systems into the default
// mount options (/proc, /dev, /dev/shm, /dev/pts, /sys) and returns them
// by type for mount(2).
func (k *Kernel) syntheticFS(opts *fs.Options) map[string]vfs.Node {
	pc := procfs.Config{
		Src:   k.ProcSource(),
		CPUID: func(leaf, sub uint32) (a, b, c, d uint32) { return interp.CPUID(&k.xcfg, leaf, sub) },
	}
	if opts.Proc == nil {
		opts.Proc = procfs.New(pc).Root()
	}
	if opts.Sys == nil {
		opts.Sys = procfs.NewSys(pc)
	}
	if opts.Dev == nil {
		opts.Dev = devfs.New(devfs.Config{TTY: k.openTTY, Console: func(flags int) (vfs.FileImpl, abi.Errno) {
			return hostTTY(nil, flags)
		}, Ptmx: k.openPtmx}) // pty.go
	}
	if opts.Pts == nil {
		opts.Pts = devfs.NewPts(ptsSource{k})
	}
	if opts.Shm == nil {
		opts.Shm = newTmpfs()
	}
	return map[string]vfs.Node{"proc": opts.Proc, "sysfs": opts.Sys, "devtmpfs": opts.Dev, "devpts": opts.Pts}
}

// newTmpfs makes a tmpfs of Linux's default size, half the memory, with
// /dev/shm's sticky, world-writable root.
func newTmpfs() vfs.Node {
	return tmpfs.New(int64(procfs.ReadHost().MemTotal/2), 0o1777, 0, 0).Root()
}

// hostTTY opens the controlling terminal: blink's own, the host's
// /dev/tty (ENXIO when blink runs without one, as for a guest without a
// controlling terminal).
func hostTTY(_ any, flags int) (vfs.FileImpl, abi.Errno) {
	h, e := hostfs.New("/dev")
	if e != 0 {
		return nil, abi.ENXIO
	}
	n, _, e := h.Root().Lookup("tty")
	if e != 0 {
		return nil, abi.ENXIO
	}
	f, e := n.Open(flags &^ abi.O_CREAT)
	if e != 0 {
		return nil, abi.ENXIO
	}
	return f, 0
}

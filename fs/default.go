package fs

import (
	"github.com/blink-go/blink/rootfs/meta"
	"os"

	"github.com/blink-go/blink/core/abi"
	"github.com/blink-go/blink/core/klog"
	"github.com/blink-go/blink/fs/fakeroot"
	"github.com/blink-go/blink/fs/vfs"
	"github.com/blink-go/blink/hostfs"
	"github.com/blink-go/blink/overlays"
)

// Bind is a host directory shown at a guest path from start-up (like
// proot -b host:guest).
type Bind struct {
	Host, Guest string
	ReadOnly    bool
}

// Options choose the default mount table.
type Options struct {
	// Root is the -C directory: the guest's "/". It overrides Prefix and
	// Overlays, as -C overrides BLINK_OVERLAYS in blink.
	Root string
	// Prefix is BLINK_PREFIX, used when Root is empty.
	Prefix string
	// Overlays is BLINK_OVERLAYS (OverlaysSet tells an empty value from
	// an unset one), used when Root and Prefix are empty.
	Overlays    string
	OverlaysSet bool
	// Cwd makes relative overlay entries absolute (default: the host
	// process's working directory).
	Cwd string
	// NoSystemRoot leaves out /SystemRoot (the host's "/").
	NoSystemRoot bool
	// Proc, Dev and Sys, when set, are mounted at /proc, /dev and /sys,
	// Shm at /dev/shm and Pts (devpts) at /dev/pts; otherwise an empty
	// placeholder directory is, if the root has the directory.
	Proc, Dev, Sys, Shm, Pts vfs.Node
	// Binds are mounted last, in order.
	Binds []Bind
	// FakeRoot shows Root as a root file system owned by root (package
	// fakeroot): owners, modes and device nodes from the store beside it
	// (meta.Path), the host user's own files as uid and gid 0.
	FakeRoot bool
	// Log hears about problems with the fake root's store.
	Log *klog.Logger
}

// OptionsFromEnv reads BLINK_PREFIX and BLINK_OVERLAYS.
func OptionsFromEnv() Options {
	o := Options{Prefix: os.Getenv("BLINK_PREFIX")}
	o.Overlays, o.OverlaysSet = os.LookupEnv("BLINK_OVERLAYS")
	return o
}

// NewDefault builds the mount table a guest starts with:
//
//	/            hostfs of Root, else Prefix, else the overlays
//	             (a union, or plain hostfs for a single entry), else the
//	             host's "/"
//	/SystemRoot  hostfs of the host's "/" (unless NoSystemRoot), shown
//	             even though the root has no such directory
//	/proc, /dev, /sys, /dev/shm, /dev/pts  Proc, Dev, Sys, Shm and Pts (even where the root lacks the directory);
//	             when nil, until procfs and devfs exist, an empty
//	             read-only placeholder, and only where the root has the
//	             directory, so that a rootfs's own empty /dev and /proc
//	             are what the guest sees rather than the host's
//	binds        each host directory at its guest path
//
// Mounts are shared by every guest process of the machine.
func NewDefault(opts Options) (*vfs.VFS, abi.Errno) {
	root, src, e := rootNode(&opts)
	if e != 0 {
		return nil, e
	}
	v, e := vfs.New(&vfs.Superblock{Type: src.typ, Source: src.source, Root: root}, 0)
	if e != 0 {
		return nil, e
	}
	ctx := &vfs.Context{Root: v.RootLocation(), Cwd: v.RootLocation(), Cred: vfs.Root}
	if !opts.NoSystemRoot {
		h, e := hostfs.New("/")
		if e != 0 {
			return nil, e
		}
		if _, e := v.MountSynthetic(ctx, v.NewSuperblock("hostfs", "/", h.Root()), "/SystemRoot", 0); e != 0 {
			return nil, e
		}
	}
	for _, m := range []struct {
		path string
		node vfs.Node
		typ  string
	}{{"/proc", opts.Proc, "proc"}, {"/dev", opts.Dev, "devtmpfs"}, {"/sys", opts.Sys, "sysfs"},
		{"/dev/shm", opts.Shm, "tmpfs"}, {"/dev/pts", opts.Pts, "devpts"}} {
		flags := uint64(0)
		if m.node == nil {
			if _, e := v.Stat(ctx, nil, m.path, abi.AT_SYMLINK_NOFOLLOW); e != 0 {
				continue
			}
			m.node, m.typ, flags = emptyDir{}, "none", abi.MS_RDONLY
		}
		// A real /proc or /dev is mounted even where the root lacks the
		// directory (MountSynthetic); the placeholder only where it exists.
		if _, e := v.MountSynthetic(ctx, v.NewSuperblock(m.typ, m.typ, m.node), m.path, flags); e != 0 {
			return nil, e
		}
	}
	for _, b := range opts.Binds {
		h, e := hostfs.New(b.Host)
		if e != 0 {
			return nil, e
		}
		flags := uint64(0)
		if b.ReadOnly {
			flags = abi.MS_RDONLY
		}
		if _, e := v.MountSynthetic(ctx, v.NewSuperblock("hostfs", b.Host, h.Root()), b.Guest, flags); e != 0 {
			return nil, e
		}
	}
	return v, 0
}

type rootSource struct{ typ, source string }

func rootNode(opts *Options) (vfs.Node, rootSource, abi.Errno) {
	dir := opts.Root
	if dir == "" {
		dir = opts.Prefix
	}
	if dir == "" && opts.OverlaysSet {
		cwd := opts.Cwd
		if cwd == "" {
			cwd, _ = os.Getwd()
		}
		layers := overlays.Parse(opts.Overlays, cwd)
		if len(layers) == 1 {
			dir = layers[0]
		} else {
			var nodes []vfs.Node
			for _, l := range layers {
				h, e := hostfs.New(l)
				if e != 0 {
					return nil, rootSource{}, e
				}
				nodes = append(nodes, h.Root())
			}
			return overlays.New(nodes...).Root(), rootSource{"overlay", opts.Overlays}, 0
		}
	}
	if dir == "" {
		dir = "/"
	}
	h, e := hostfs.New(dir)
	if e != 0 {
		return nil, rootSource{}, e
	}
	if opts.FakeRoot && opts.Root != "" {
		f := fakeroot.New(h.Root(), fakeroot.Options{
			MetaPath: meta.Path(dir),
			HostUID:  uint32(os.Geteuid()), HostGID: uint32(os.Getegid()),
			Dev: opts.Dev, Log: opts.Log,
		})
		return f.Root(), rootSource{"hostfs", dir}, 0
	}
	return h.Root(), rootSource{"hostfs", dir}, 0
}

// emptyDir is the placeholder for /proc and /dev: an empty directory.
type emptyDir struct{ vfs.NodeDefaults }

func (emptyDir) Stat() (vfs.Stat, abi.Errno) {
	return vfs.Stat{Ino: 1, Nlink: 2, Mode: abi.S_IFDIR | 0o555, Blksize: 4096}, 0
}
func (emptyDir) Lookup(string) (vfs.Node, vfs.Stat, abi.Errno) { return nil, vfs.Stat{}, abi.ENOENT }
func (emptyDir) ReadDir() ([]vfs.DirEnt, abi.Errno)            { return nil, 0 }
func (emptyDir) Open(int) (vfs.FileImpl, abi.Errno)            { return emptyFile{}, 0 }

type emptyFile struct{ vfs.FileDefaults }

func (emptyFile) Stat() (vfs.Stat, abi.Errno) { return emptyDir{}.Stat() }

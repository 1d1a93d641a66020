package kernel

import (
	"github.com/blink-go/blink/core/abi"
	"github.com/blink-go/blink/fs"
	"github.com/blink-go/blink/fs/vfs"
	"github.com/blink-go/blink/hostfs"
)

// VFS adapts the VFS (package fs/vfs) to the kernel's FS seam: every path
// is walked by the VFS inside the process's root with its credentials;
// pipes stay host pipes. Files it opens are *vfsFile.
type VFS struct {
	V *vfs.VFS
	// synth are the kernel's own file systems by type (proc, sysfs,
	// devtmpfs), which mount(2) attaches again on request.
	synth map[string]vfs.Node
}

// newDefaultFS builds the mount table a kernel starts with (fs.NewDefault
// with cfg.Root as the -C directory): procfs at /proc, devfs at /dev with
// a tmpfs at /dev/shm, the minimal sysfs at /sys (devices.go). The host's
// /proc and /dev are never shown.
func newDefaultFS(k *Kernel, cfg *Config) (FS, abi.Errno) {
	opts := cfg.FSOptions
	if cfg.Root != "" {
		opts.Root = cfg.Root
	}
	opts.FakeRoot = fakeRoot(cfg)
	opts.Log = cfg.Log
	synth := k.syntheticFS(&opts)
	v, e := fs.NewDefault(opts)
	if e != 0 {
		return nil, e
	}
	return &VFS{V: v, synth: synth}, 0
}

// vfsFile is an open VFS file as the kernel's File (and DirFile,
// SyncFile, FlagsFile, SetAttrFile, Terminal, PathFromFile).
type vfsFile struct {
	*vfs.File
	fs *VFS
}

func (f *vfsFile) SetAttr(c *FSCtx, a *Attr) abi.Errno {
	return f.File.SetAttr(f.fs.ctx(c, c.Cred), a)
}

func (f *vfsFile) GetTermios(t *[abi.TermiosSize]byte) abi.Errno {
	if term, ok := f.File.Terminal(); ok {
		return term.GetTermios(t)
	}
	return abi.ENOTTY
}

func (f *vfsFile) SetTermios(req uint32, t *[abi.TermiosSize]byte) abi.Errno {
	if term, ok := f.File.Terminal(); ok {
		return term.SetTermios(req, t)
	}
	return abi.ENOTTY
}

func (f *vfsFile) GetWinsize() (rows, cols, xpix, ypix uint16, e abi.Errno) {
	if term, ok := f.File.Terminal(); ok {
		return term.GetWinsize()
	}
	return 0, 0, 0, 0, abi.ENOTTY
}

// PathFrom names the file from a process root (nil: the machine's).
func (f *vfsFile) PathFrom(root File) string {
	ctx := &vfs.Context{Root: f.fs.V.RootLocation()}
	if r, ok := root.(*vfsFile); ok {
		ctx.Root = r.Location()
	}
	return f.fs.V.Path(ctx, f.Location())
}

// file unwraps a kernel File into the VFS's; other files (pipes, host
// stdio) have no location and give ENOTDIR as a dirfd.
func file(f File) (*vfs.File, bool) {
	if v, ok := f.(*vfsFile); ok {
		return v.File, true
	}
	return nil, false
}

// ctx turns the kernel's view of the caller into the VFS's.
func (fs *VFS) ctx(c *FSCtx, cred vfs.Cred) *vfs.Context {
	x := &vfs.Context{Root: fs.V.RootLocation(), Cwd: fs.V.RootLocation(), Cred: &cred}
	if c == nil {
		x.Cred = vfs.Root
		return x
	}
	if c.Caller != nil {
		x.Caller = c.Caller
	}
	if r, ok := file(c.Root); ok {
		x.Root = r.Location()
	}
	if w, ok := file(c.Cwd); ok {
		x.Cwd = w.Location()
	}
	return x
}

func cred(c *FSCtx) vfs.Cred {
	if c == nil {
		return vfs.Cred{}
	}
	return c.Cred
}

// at converts a dirfd's File; a non-VFS file as the base of a relative
// path is ENOTDIR, as a pipe is on Linux.
func (fs *VFS) at(at File, path string) (*vfs.File, abi.Errno) {
	if at == nil {
		return nil, 0
	}
	f, ok := file(at)
	if !ok {
		if path != "" && path[0] == '/' {
			return nil, 0
		}
		return nil, abi.ENOTDIR
	}
	return f, 0
}

func (fs *VFS) wrap(f *vfs.File) File { return &vfsFile{File: f, fs: fs} }

func (fs *VFS) Open(c *FSCtx, at File, path string, flags int, mode uint32) (File, abi.Errno) {
	a, e := fs.at(at, path)
	if e != 0 {
		return nil, e
	}
	f, e := fs.V.Open(fs.ctx(c, cred(c)), a, path, flags, mode)
	if e != 0 {
		return nil, e
	}
	if k, ok := unwrapKernelFile(f); ok {
		return k, 0 // a pipe reached through /proc/[pid]/fd (procinfo.go)
	}
	return fs.wrap(f), 0
}

func (fs *VFS) Stat(c *FSCtx, at File, path string, flags int) (Stat, abi.Errno) {
	a, e := fs.at(at, path)
	if e != 0 {
		return Stat{}, e
	}
	return fs.V.Stat(fs.ctx(c, cred(c)), a, path, flags)
}

func (fs *VFS) Readlink(c *FSCtx, at File, path string) (string, abi.Errno) {
	a, e := fs.at(at, path)
	if e != 0 {
		return "", e
	}
	return fs.V.Readlink(fs.ctx(c, cred(c)), a, path)
}

// Access checks with the real ids unless AT_EACCESS, as access(2) does.
func (fs *VFS) Access(c *FSCtx, at File, path string, mode uint32, flags int) abi.Errno {
	a, e := fs.at(at, path)
	if e != 0 {
		return e
	}
	who := cred(c)
	if c != nil && flags&abi.AT_EACCESS == 0 {
		who = c.Real
	}
	return fs.V.Access(fs.ctx(c, who), a, path, mode, flags)
}

func (fs *VFS) Mkdir(c *FSCtx, at File, path string, mode uint32) abi.Errno {
	a, e := fs.at(at, path)
	if e != 0 {
		return e
	}
	return fs.V.Mkdir(fs.ctx(c, cred(c)), a, path, mode)
}

func (fs *VFS) Unlink(c *FSCtx, at File, path string, flags int) abi.Errno {
	a, e := fs.at(at, path)
	if e != 0 {
		return e
	}
	return fs.V.Unlink(fs.ctx(c, cred(c)), a, path, flags)
}

func (fs *VFS) Rename(c *FSCtx, oldAt File, oldPath string, newAt File, newPath string, flags uint32) abi.Errno {
	oa, e := fs.at(oldAt, oldPath)
	if e != 0 {
		return e
	}
	na, e := fs.at(newAt, newPath)
	if e != 0 {
		return e
	}
	return fs.V.Rename(fs.ctx(c, cred(c)), oa, oldPath, na, newPath, flags)
}

func (fs *VFS) SetAttr(c *FSCtx, at File, path string, a *Attr, flags int) abi.Errno {
	base, e := fs.at(at, path)
	if e != 0 {
		return e
	}
	return fs.V.SetAttr(fs.ctx(c, cred(c)), base, path, a, flags)
}

// Mount is mount(2): MS_REMOUNT changes a mount's flags, MS_BIND binds a
// guest directory, fstype "hostfs" mounts the host directory source.
// Other file system types are ENODEV until they exist.
func (fs *VFS) Mount(c *FSCtx, source, target, fstype string, flags uint64) abi.Errno {
	ctx := fs.ctx(c, cred(c))
	if ctx.Cred.UID != 0 {
		return abi.EPERM
	}
	if flags&abi.MS_MGC_MSK == abi.MS_MGC_VAL {
		flags &^= abi.MS_MGC_MSK
	}
	switch {
	case flags&abi.MS_REMOUNT != 0:
		return fs.V.Remount(ctx, target, flags)
	case flags&abi.MS_BIND != 0:
		_, e := fs.V.BindMount(ctx, source, target, flags)
		return e
	case flags&(abi.MS_MOVE|abi.MS_SHARED|abi.MS_PRIVATE|abi.MS_SLAVE|abi.MS_UNBINDABLE) != 0:
		return abi.EINVAL // propagation and moves: no namespaces here
	case fstype == "tmpfs":
		_, e := fs.V.Mount(ctx, fs.V.NewSuperblock("tmpfs", source, newTmpfs()), target, flags)
		return e
	case fs.synth[fstype] != nil:
		_, e := fs.V.Mount(ctx, fs.V.NewSuperblock(fstype, source, fs.synth[fstype]), target, flags)
		return e
	case fstype == "hostfs":
		h, e := hostfs.New(source)
		if e != 0 {
			return e
		}
		_, e = fs.V.Mount(ctx, fs.V.NewSuperblock("hostfs", source, h.Root()), target, flags)
		return e
	}
	return abi.ENODEV
}

func (fs *VFS) Umount(c *FSCtx, target string, flags int) abi.Errno {
	return fs.V.Umount(fs.ctx(c, cred(c)), target, flags)
}

func (fs *VFS) Chroot(c *FSCtx, path string) (File, abi.Errno) {
	ctx := fs.ctx(c, cred(c))
	loc, e := fs.V.Chroot(ctx, nil, path)
	if e != 0 {
		return nil, e
	}
	return fs.wrap(fs.V.OpenLocation(loc)), 0
}

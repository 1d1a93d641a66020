package kernel

import "github.com/blink-go/blink/core/abi"

// Hard and symbolic links: symlink(2), symlinkat(2), link(2), linkat(2).

// LinkFS is an FS that can make links; without it both calls are EPERM,
// as on a Linux file system that does not support them.
type LinkFS interface {
	Symlink(c *FSCtx, target string, at File, path string) abi.Errno
	// Link takes linkat's AT_SYMLINK_FOLLOW and AT_EMPTY_PATH flags.
	Link(c *FSCtx, oldAt File, oldPath string, newAt File, newPath string, flags int) abi.Errno
}

func (fs *VFS) Symlink(c *FSCtx, target string, at File, path string) abi.Errno {
	a, e := fs.at(at, path)
	if e != 0 {
		return e
	}
	return fs.V.Symlink(fs.ctx(c, cred(c)), target, a, path)
}

func (fs *VFS) Link(c *FSCtx, oldAt File, oldPath string, newAt File, newPath string, flags int) abi.Errno {
	oa, e := fs.at(oldAt, oldPath)
	if e != 0 {
		return e
	}
	na, e := fs.at(newAt, newPath)
	if e != 0 {
		return e
	}
	return fs.V.Link(fs.ctx(c, cred(c)), oa, oldPath, na, newPath, flags)
}

func sysSymlink(t *Task, a *Args) (uint64, abi.Errno) {
	return t.symlinkat(a[0], abi.AT_FDCWD, a[1])
}

func sysSymlinkat(t *Task, a *Args) (uint64, abi.Errno) {
	return t.symlinkat(a[0], int32(a[1]), a[2])
}

// symlinkat copies the target first: Linux reports a bad or empty target
// (EFAULT, ENOENT) before looking at the new name.
func (t *Task) symlinkat(targetAddr uint64, dirfd int32, addr uint64) (uint64, abi.Errno) {
	target, e := t.readPath(targetAddr)
	if e != 0 {
		return 0, e
	}
	if target == "" {
		return 0, abi.ENOENT
	}
	fs, ok := t.k.fs.(LinkFS)
	if !ok {
		return 0, abi.EPERM
	}
	p, at, release, e := t.pathArg(dirfd, addr, false)
	if e != 0 {
		return 0, e
	}
	defer release()
	return 0, fs.Symlink(t.proc.fsCtx(), target, at, p)
}

func sysLink(t *Task, a *Args) (uint64, abi.Errno) {
	return t.linkat(abi.AT_FDCWD, a[0], abi.AT_FDCWD, a[1], 0)
}

func sysLinkat(t *Task, a *Args) (uint64, abi.Errno) {
	return t.linkat(int32(a[0]), a[1], int32(a[2]), a[3], int(int32(a[4])))
}

func (t *Task) linkat(odir int32, oaddr uint64, ndir int32, naddr uint64, flags int) (uint64, abi.Errno) {
	if flags&^(abi.AT_SYMLINK_FOLLOW|abi.AT_EMPTY_PATH) != 0 {
		return 0, abi.EINVAL
	}
	fs, ok := t.k.fs.(LinkFS)
	if !ok {
		return 0, abi.EPERM
	}
	op, oat, orel, e := t.pathArg(odir, oaddr, flags&abi.AT_EMPTY_PATH != 0)
	if e != 0 {
		return 0, e
	}
	defer orel()
	np, nat, nrel, e := t.pathArg(ndir, naddr, false)
	if e != 0 {
		return 0, e
	}
	defer nrel()
	return 0, fs.Link(t.proc.fsCtx(), oat, op, nat, np, flags)
}

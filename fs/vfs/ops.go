package vfs

import "github.com/blink-go/blink/core/abi"

// The path operations other than open, each following the Linux function
// named in its comment for the order in which errors are found.

// emptyPath handles AT_EMPTY_PATH: the operation applies to at itself.
func (v *VFS) emptyPath(ctx *Context, at *File) Location {
	if at == nil {
		return ctx.Cwd
	}
	return at.loc
}

// Lookup resolves path to a location (user_path_at): follow decides a
// final symlink; AT_EMPTY_PATH with "" names at itself.
func (v *VFS) Lookup(ctx *Context, at *File, path string, follow bool, flags int) (Location, abi.Errno) {
	if path == "" && flags&abi.AT_EMPTY_PATH != 0 {
		return v.emptyPath(ctx, at), 0
	}
	return v.resolve(ctx, at, path, follow, false)
}

// Stat is fstatat(2): flags may hold AT_SYMLINK_NOFOLLOW, AT_EMPTY_PATH.
func (v *VFS) Stat(ctx *Context, at *File, path string, flags int) (Stat, abi.Errno) {
	if flags&^(abi.AT_SYMLINK_NOFOLLOW|abi.AT_EMPTY_PATH|abi.AT_NO_AUTOMOUNT|abi.AT_STATX_SYNC_TYPE) != 0 {
		return Stat{}, abi.EINVAL
	}
	if path == "" && flags&abi.AT_EMPTY_PATH != 0 && at != nil {
		return at.Stat()
	}
	loc, e := v.Lookup(ctx, at, path, flags&abi.AT_SYMLINK_NOFOLLOW == 0, flags)
	if e != 0 {
		return Stat{}, e
	}
	return v.StatAt(loc)
}

// StatAt returns fresh attributes of loc with the mount's st_dev.
func (v *VFS) StatAt(loc Location) (Stat, abi.Errno) {
	st, e := loc.Dentry.node.Stat()
	if e != 0 {
		return Stat{}, e
	}
	st.Dev = loc.Mount.sb.dev
	return st, 0
}

// Readlink is readlinkat(2): EINVAL unless path names a symlink (an
// O_PATH descriptor of one with AT_EMPTY_PATH semantics for "").
func (v *VFS) Readlink(ctx *Context, at *File, path string) (string, abi.Errno) {
	loc, e := v.Lookup(ctx, at, path, false, abi.AT_EMPTY_PATH)
	if path == "" && at == nil {
		return "", abi.ENOENT
	}
	if e != 0 {
		return "", e
	}
	if !loc.Dentry.stat.IsLink() {
		if path == "" {
			return "", abi.ENOENT
		}
		return "", abi.EINVAL
	}
	return readlinkAs(loc.Dentry.node, ctx)
}

// Access is faccessat2(2). The caller picks the credentials: the real
// ids, or the effective ones with AT_EACCESS.
func (v *VFS) Access(ctx *Context, at *File, path string, mode uint32, flags int) abi.Errno {
	if mode&^7 != 0 || flags&^(abi.AT_EACCESS|abi.AT_SYMLINK_NOFOLLOW|abi.AT_EMPTY_PATH) != 0 {
		return abi.EINVAL
	}
	loc, e := v.Lookup(ctx, at, path, flags&abi.AT_SYMLINK_NOFOLLOW == 0, flags)
	if e != 0 {
		return e
	}
	if mode == abi.F_OK {
		return 0
	}
	st, e := v.StatAt(loc)
	if e != 0 {
		return e
	}
	if !ctx.Cred.Permitted(&st, mode) {
		return abi.EACCES
	}
	if mode&abi.W_OK != 0 && loc.Mount.ReadOnly() && (st.IsReg() || st.IsDir() || st.IsLink()) {
		return abi.EROFS
	}
	return 0
}

// createAt is filename_create: walk to the parent, refuse "." ".." and
// "/" (EEXIST), look the name up (EEXIST if present; ENOENT for a
// trailing slash on something other than mkdir), then EROFS, then the
// write and search permission on the directory (may_create).
func (v *VFS) createAt(ctx *Context, at *File, path string, wantDir bool) (*walk, string, abi.Errno) {
	w, e := v.begin(ctx, at, path)
	if e != 0 {
		return nil, "", e
	}
	last, e := w.parent(path)
	if e != 0 {
		return nil, "", e
	}
	if last.kind != lastNorm {
		return nil, "", abi.EEXIST
	}
	_, e = w.lookup(last.name)
	switch e {
	case 0:
		return nil, "", abi.EEXIST
	case abi.ENOENT:
	default:
		return nil, "", e
	}
	if last.trailing && !wantDir {
		return nil, "", abi.ENOENT
	}
	if w.loc.Mount.ReadOnly() {
		return nil, "", abi.EROFS
	}
	if !ctx.Cred.Permitted(&w.loc.Dentry.stat, MayWrite|MayExec) {
		return nil, "", abi.EACCES
	}
	return w, last.name, 0
}

// Mkdir is mkdirat(2); mode has the umask applied.
func (v *VFS) Mkdir(ctx *Context, at *File, path string, mode uint32) abi.Errno {
	w, name, e := v.createAt(ctx, at, path, true)
	if e != 0 {
		return e
	}
	if e := w.loc.Dentry.node.Mkdir(name, mode&0o7777); e != 0 {
		return e
	}
	w.fixOwner(name)
	return 0
}

// fixOwner gives a file just made by name the owner Linux would (see
// setOwner); root making files as the root host needs no look.
func (w *walk) fixOwner(name string) {
	if w.ctx.Cred.UID == 0 && w.ctx.Cred.GID == 0 && w.loc.Dentry.stat.Mode&abi.S_ISGID == 0 {
		return
	}
	if n, st, e := w.loc.Dentry.node.Lookup(name); e == 0 {
		setOwner(w.ctx, &w.loc.Dentry.stat, n, &st)
	}
}

// Mknod is mknodat(2): regular files, FIFOs and sockets for anyone,
// devices for root only (EPERM), anything else EINVAL.
func (v *VFS) Mknod(ctx *Context, at *File, path string, mode uint32, dev uint64) abi.Errno {
	switch mode & abi.S_IFMT {
	case 0:
		mode |= abi.S_IFREG
	case abi.S_IFREG, abi.S_IFIFO, abi.S_IFSOCK:
	case abi.S_IFCHR, abi.S_IFBLK:
		if ctx.Cred.UID != 0 {
			return abi.EPERM
		}
	case abi.S_IFDIR:
		return abi.EPERM
	default:
		return abi.EINVAL
	}
	w, name, e := v.createAt(ctx, at, path, false)
	if e != 0 {
		return e
	}
	if mode&abi.S_IFMT == abi.S_IFCHR || mode&abi.S_IFMT == abi.S_IFBLK {
		if w.loc.Mount.flags&abi.MS_NODEV != 0 {
			return abi.EPERM
		}
	}
	if e := w.loc.Dentry.node.Mknod(name, mode, dev); e != 0 {
		return e
	}
	w.fixOwner(name)
	return 0
}

// Symlink is symlinkat(2): the target is stored as given, never checked.
func (v *VFS) Symlink(ctx *Context, target string, at *File, path string) abi.Errno {
	if target == "" {
		return abi.ENOENT
	}
	if len(target) >= abi.PATH_MAX {
		return abi.ENAMETOOLONG
	}
	w, name, e := v.createAt(ctx, at, path, false)
	if e != 0 {
		return e
	}
	if e := w.loc.Dentry.node.Symlink(name, target); e != 0 {
		return e
	}
	w.fixOwner(name)
	return 0
}

// Link is linkat(2): flags AT_SYMLINK_FOLLOW and AT_EMPTY_PATH. Links
// across mounts are EXDEV even within one file system; a directory is
// EPERM; a non-owner needs read and write access to a regular file
// (fs.protected_hardlinks, on by default).
func (v *VFS) Link(ctx *Context, oldAt *File, oldPath string, newAt *File, newPath string, flags int) abi.Errno {
	if flags&^(abi.AT_SYMLINK_FOLLOW|abi.AT_EMPTY_PATH) != 0 {
		return abi.EINVAL
	}
	if oldPath == "" && flags&abi.AT_EMPTY_PATH != 0 && ctx.Cred.UID != 0 {
		return abi.ENOENT // needs CAP_DAC_READ_SEARCH
	}
	old, e := v.Lookup(ctx, oldAt, oldPath, flags&abi.AT_SYMLINK_FOLLOW != 0, flags)
	if e != 0 {
		return e
	}
	w, name, e := v.createAt(ctx, newAt, newPath, false)
	if e != 0 {
		return e
	}
	if w.loc.Mount != old.Mount {
		return abi.EXDEV
	}
	st := &old.Dentry.stat
	if !ctx.Cred.owns(st) {
		if !st.IsReg() || st.Mode&abi.S_ISUID != 0 || st.Mode&(abi.S_ISGID|abi.S_IXGRP) == abi.S_ISGID|abi.S_IXGRP ||
			!ctx.Cred.Permitted(st, MayRead|MayWrite) {
			return abi.EPERM
		}
	}
	if st.IsDir() {
		return abi.EPERM
	}
	return w.loc.Dentry.node.Link(name, old.Dentry.node)
}

// mayDelete is may_delete: write and search on the directory, the sticky
// bit, the victim's type, and mount points (EBUSY).
func (v *VFS) mayDelete(ctx *Context, dir Location, victim Location, isDir bool) abi.Errno {
	dst := &dir.Dentry.stat
	if !ctx.Cred.Permitted(dst, MayWrite|MayExec) {
		return abi.EACCES
	}
	vst := &victim.Dentry.stat
	if dst.Mode&abi.S_ISVTX != 0 && ctx.Cred.UID != 0 && ctx.Cred.UID != vst.UID && ctx.Cred.UID != dst.UID {
		return abi.EPERM
	}
	if isDir {
		if !vst.IsDir() {
			return abi.ENOTDIR
		}
	} else if vst.IsDir() {
		return abi.EISDIR
	}
	if victim.Mount != dir.Mount {
		return abi.EBUSY // a mount point
	}
	return 0
}

// Unlink is unlinkat(2): rmdir with AT_REMOVEDIR (do_rmdir), else
// do_unlinkat.
func (v *VFS) Unlink(ctx *Context, at *File, path string, flags int) abi.Errno {
	if flags&^abi.AT_REMOVEDIR != 0 {
		return abi.EINVAL
	}
	rmdir := flags&abi.AT_REMOVEDIR != 0
	w, e := v.begin(ctx, at, path)
	if e != 0 {
		return e
	}
	last, e := w.parent(path)
	if e != 0 {
		return e
	}
	switch {
	case rmdir && last.kind == lastDotDot:
		return abi.ENOTEMPTY
	case rmdir && last.kind == lastDot:
		return abi.EINVAL
	case rmdir && last.kind == lastRoot:
		return abi.EBUSY
	case !rmdir && last.kind != lastNorm:
		return abi.EISDIR
	}
	if w.loc.Mount.ReadOnly() {
		return abi.EROFS
	}
	victim, e := w.lookup(last.name)
	if e != 0 {
		return e
	}
	if !rmdir && last.trailing {
		if victim.Dentry.stat.IsDir() {
			return abi.EISDIR
		}
		return abi.ENOTDIR
	}
	if e := v.mayDelete(ctx, w.loc, victim, rmdir); e != 0 {
		return e
	}
	return w.loc.Dentry.node.Unlink(last.name, rmdir)
}

// Rename is renameat2(2) (do_renameat2 then vfs_rename). The file system
// reports what needs its tree: a non-empty target (ENOTEMPTY), EXCHANGE
// where the host cannot.
func (v *VFS) Rename(ctx *Context, oldAt *File, oldPath string, newAt *File, newPath string, flags uint32) abi.Errno {
	if flags&^(abi.RENAME_NOREPLACE|abi.RENAME_EXCHANGE|abi.RENAME_WHITEOUT) != 0 {
		return abi.EINVAL
	}
	if flags&abi.RENAME_NOREPLACE != 0 && flags&(abi.RENAME_EXCHANGE|abi.RENAME_WHITEOUT) != 0 {
		return abi.EINVAL
	}
	if flags&abi.RENAME_EXCHANGE != 0 && flags&abi.RENAME_WHITEOUT != 0 {
		return abi.EINVAL
	}
	if flags&abi.RENAME_WHITEOUT != 0 {
		return abi.EINVAL // no file system here has whiteouts
	}
	ow, e := v.begin(ctx, oldAt, oldPath)
	if e != 0 {
		return e
	}
	olast, e := ow.parent(oldPath)
	if e != 0 {
		return e
	}
	nw, e := v.begin(ctx, newAt, newPath)
	if e != 0 {
		return e
	}
	nlast, e := nw.parent(newPath)
	if e != 0 {
		return e
	}
	if ow.loc.Mount != nw.loc.Mount {
		return abi.EXDEV
	}
	if olast.kind != lastNorm {
		return abi.EBUSY
	}
	if nlast.kind != lastNorm {
		if flags&abi.RENAME_NOREPLACE != 0 {
			return abi.EEXIST
		}
		return abi.EBUSY
	}
	if ow.loc.Mount.ReadOnly() {
		return abi.EROFS
	}
	src, e := ow.lookup(olast.name)
	if e != 0 {
		return e
	}
	dst, e := nw.lookup(nlast.name)
	switch {
	case e == 0 && flags&abi.RENAME_NOREPLACE != 0:
		return abi.EEXIST
	case e == abi.ENOENT && flags&abi.RENAME_EXCHANGE != 0:
		return abi.ENOENT
	case e != 0 && e != abi.ENOENT:
		return e
	}
	exists := e == 0
	if !src.Dentry.stat.IsDir() {
		if olast.trailing || (flags&abi.RENAME_EXCHANGE == 0 && nlast.trailing) {
			return abi.ENOTDIR
		}
	}
	// lock_rename's trap, which Linux checks in the VFS for every file
	// system and before vfs_rename's permissions: a directory cannot move
	// beneath itself, nor anything replace one of its own ancestors.
	if beneath(nw.loc, src) {
		return abi.EINVAL
	}
	if exists && beneath(ow.loc, dst) {
		if flags&abi.RENAME_EXCHANGE != 0 {
			return abi.EINVAL
		}
		return abi.ENOTEMPTY
	}
	isDir := src.Dentry.stat.IsDir()
	if e := v.mayDelete(ctx, ow.loc, src, isDir); e != 0 {
		return e
	}
	if exists {
		if e := v.mayDelete(ctx, nw.loc, dst, isDir); e != 0 && (flags&abi.RENAME_EXCHANGE == 0 || e == abi.EACCES || e == abi.EPERM || e == abi.EBUSY) {
			return e
		}
	} else if !ctx.Cred.Permitted(&nw.loc.Dentry.stat, MayWrite|MayExec) {
		return abi.EACCES
	}
	// Moving a directory to another parent rewrites its "..".
	if isDir && !ow.loc.same(nw.loc) && !ctx.Cred.Permitted(&src.Dentry.stat, MayWrite) {
		return abi.EACCES
	}
	return ow.loc.Dentry.node.Rename(olast.name, nw.loc.Dentry.node, nlast.name, flags)
}

// beneath reports whether dir is the directory anc or lies beneath it
// within its mount, going by the dentries the walk to dir passed.
func beneath(dir, anc Location) bool {
	if !anc.Dentry.stat.IsDir() {
		return false
	}
	for d := dir.Dentry; d != nil; d = d.parent {
		if (Location{dir.Mount, d}).same(anc) {
			return true
		}
	}
	return false
}

// checkSetAttr is notify_change's permission side (setattr_prepare):
// chmod and explicit times need the owner; chown needs root (or the
// owner changing the group to one of its own); UTIME_NOW needs the owner
// or write access; truncate needs write access to a regular file.
func checkSetAttr(ctx *Context, m *Mount, st *Stat, a *Attr, viaFD bool) abi.Errno {
	c := ctx.Cred
	if m.ReadOnly() {
		return abi.EROFS
	}
	if a.Valid&AttrSize != 0 {
		if st.IsDir() {
			return abi.EISDIR
		}
		if !st.IsReg() {
			return abi.EINVAL
		}
		if !viaFD && !c.Permitted(st, MayWrite) {
			return abi.EACCES
		}
	}
	if a.Valid&AttrMode != 0 && !c.owns(st) {
		return abi.EPERM
	}
	if a.Valid&AttrOwner != 0 && c.UID != 0 {
		if a.UID != ^uint32(0) && a.UID != st.UID {
			return abi.EPERM
		}
		if a.GID != ^uint32(0) && a.GID != st.GID && (c.UID != st.UID || !c.inGroup(a.GID)) {
			return abi.EPERM
		}
		if c.UID != st.UID && (a.UID != ^uint32(0) || a.GID != ^uint32(0)) {
			return abi.EPERM
		}
	}
	if a.Valid&AttrTimes != 0 && !c.owns(st) {
		now := func(t Timespec) bool { return t.Nsec == abi.UTIME_NOW || t.Nsec == abi.UTIME_OMIT }
		if !now(a.Atime) || !now(a.Mtime) {
			return abi.EPERM
		}
		if !c.Permitted(st, MayWrite) {
			return abi.EACCES
		}
	}
	return 0
}

// SetAttr changes attributes by path (chmod, chown, utimensat,
// truncate); flags may hold AT_SYMLINK_NOFOLLOW and AT_EMPTY_PATH.
func (v *VFS) SetAttr(ctx *Context, at *File, path string, a *Attr, flags int) abi.Errno {
	if path == "" && flags&abi.AT_EMPTY_PATH != 0 && at != nil {
		return at.SetAttr(ctx, a)
	}
	loc, e := v.Lookup(ctx, at, path, flags&abi.AT_SYMLINK_NOFOLLOW == 0, flags)
	if e != 0 {
		return e
	}
	st, e := v.StatAt(loc)
	if e != 0 {
		return e
	}
	if e := checkSetAttr(ctx, loc.Mount, &st, a, false); e != 0 {
		return e
	}
	return loc.Dentry.node.SetAttr(a)
}

// Chdir resolves a new working directory (chdir, fchdir through
// AT_EMPTY_PATH): it must be a directory the caller may search. The
// result is an O_PATH file the process keeps as its cwd.
func (v *VFS) Chdir(ctx *Context, at *File, path string, flags int) (*File, abi.Errno) {
	var loc Location
	var e abi.Errno
	if path == "" && flags&abi.AT_EMPTY_PATH != 0 {
		loc = v.emptyPath(ctx, at)
		if !loc.Dentry.stat.IsDir() {
			return nil, abi.ENOTDIR
		}
	} else if loc, e = v.resolve(ctx, at, path, true, true); e != 0 {
		return nil, e
	}
	st, e := v.StatAt(loc)
	if e != 0 {
		return nil, e
	}
	if !ctx.Cred.Permitted(&st, MayExec) {
		return nil, abi.EACCES
	}
	return v.newFile(loc, nil, abi.O_PATH|abi.O_DIRECTORY), 0
}

// Chroot resolves a new root for chroot(2): a searchable directory
// (EACCES) and then CAP_SYS_CHROOT (EPERM), in Linux's order.
func (v *VFS) Chroot(ctx *Context, at *File, path string) (Location, abi.Errno) {
	f, e := v.Chdir(ctx, at, path, 0)
	if e != 0 {
		return Location{}, e
	}
	if ctx.Cred.UID != 0 {
		return Location{}, abi.EPERM
	}
	return f.loc, 0
}

// OpenLocation opens an O_PATH description for loc (the kernel's
// starting cwd, a chroot).
func (v *VFS) OpenLocation(loc Location) *File {
	return v.newFile(loc, nil, abi.O_PATH|abi.O_DIRECTORY)
}

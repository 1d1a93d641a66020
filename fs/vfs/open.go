package vfs

import "github.com/blink-go/blink/core/abi"

// oTmpfileBit is __O_TMPFILE: O_TMPFILE without its O_DIRECTORY.
const oTmpfileBit = abi.O_TMPFILE &^ abi.O_DIRECTORY

// accMode is ACC_MODE(): the permissions an open's access mode needs.
func accMode(flags int) uint32 {
	switch flags & abi.O_ACCMODE {
	case abi.O_RDONLY:
		return MayRead
	case abi.O_WRONLY:
		return MayWrite
	}
	return MayRead | MayWrite
}

// Open opens path relative to at (nil: the cwd) with open(2) flags and
// creation mode (umask already applied), following fs/namei.c's
// path_openat: build_open_flags' validation, then the walk, then
// open_last_lookups for the last component and do_open/may_open.
func (v *VFS) Open(ctx *Context, at *File, path string, flags int, mode uint32) (*File, abi.Errno) {
	flags &^= abi.O_CLOEXEC
	var acc uint32
	if flags&abi.O_PATH != 0 {
		// O_PATH ignores every flag but these and checks no permission
		// on the file itself.
		flags &= abi.O_DIRECTORY | abi.O_NOFOLLOW | abi.O_PATH
	} else {
		if flags&(abi.O_DIRECTORY|abi.O_CREAT) == abi.O_DIRECTORY|abi.O_CREAT {
			return nil, abi.EINVAL
		}
		acc = accMode(flags)
		if flags&oTmpfileBit != 0 {
			if flags&(abi.O_TMPFILE|abi.O_CREAT) != abi.O_TMPFILE || acc&MayWrite == 0 {
				return nil, abi.EINVAL
			}
		}
		if flags&abi.O_TRUNC != 0 {
			acc |= MayWrite
		}
		if flags&(abi.O_CREAT|abi.O_EXCL) == abi.O_CREAT|abi.O_EXCL {
			flags |= abi.O_NOFOLLOW
		}
	}
	w, e := v.begin(ctx, at, path)
	if e != 0 {
		return nil, e
	}
	last, e := w.parent(path)
	if e != 0 {
		return nil, e
	}
	follow := flags&abi.O_NOFOLLOW == 0
	if flags&abi.O_PATH != 0 {
		if flags&abi.O_DIRECTORY != 0 {
			last.trailing = true
		}
		if e := w.resolveLast(last, follow); e != 0 {
			return nil, e
		}
		return v.newFile(w.loc, nil, flags), 0
	}
	if flags&oTmpfileBit != 0 {
		return v.openTmpfile(w, last, flags, mode)
	}
	for retries := 0; ; retries++ {
		if last.kind != lastNorm {
			if flags&abi.O_CREAT == 0 && flags&abi.O_DIRECTORY != 0 {
				last.trailing = true
			}
			if e := w.resolveLast(last, follow); e != 0 {
				return nil, e
			}
			return v.doOpen(w, w.loc, flags, acc, false)
		}
		dirOnly := flags&abi.O_DIRECTORY != 0
		if flags&abi.O_CREAT != 0 && last.trailing {
			return nil, abi.EISDIR
		}
		if last.trailing {
			dirOnly, follow = true, true
		}
		child, e := w.lookup(last.name)
		if e == abi.ENOENT && flags&abi.O_CREAT != 0 {
			f, e := v.create(w, last.name, flags, mode)
			if e == abi.EEXIST && flags&abi.O_EXCL == 0 && retries < 8 {
				continue // lost a race with a creator: open what it made
			}
			return f, e
		}
		if e != 0 {
			return nil, e
		}
		if child.Dentry.stat.IsLink() && follow {
			if ok, e := w.jump(child); ok {
				if e != 0 {
					return nil, e
				}
				if dirOnly && !w.loc.Dentry.stat.IsDir() {
					return nil, abi.ENOTDIR
				}
				return v.doOpen(w, w.loc, flags, acc, false)
			}
			target, e := w.readlink(child)
			if e != 0 {
				return nil, e
			}
			if last.trailing {
				target += "/"
			}
			if last, e = w.parent(target); e != 0 {
				return nil, e
			}
			continue
		}
		if dirOnly && !child.Dentry.stat.IsDir() && flags&abi.O_CREAT == 0 {
			return nil, abi.ENOTDIR
		}
		return v.doOpen(w, child, flags, acc, false)
	}
}

// create makes last in w.loc's directory (lookup_open's create branch):
// EROFS before EACCES, as mnt_want_write is taken first.
func (v *VFS) create(w *walk, name string, flags int, mode uint32) (*File, abi.Errno) {
	dir := w.loc
	if dir.Mount.ReadOnly() {
		return nil, abi.EROFS
	}
	if !w.ctx.Cred.Permitted(&dir.Dentry.stat, MayWrite|MayExec) {
		return nil, abi.EACCES
	}
	impl, node, st, e := dir.Dentry.node.Create(name, flags&^(abi.O_CREAT|abi.O_EXCL|abi.O_TRUNC), mode&0o7777)
	if e != 0 {
		return nil, e
	}
	st.Dev = dir.Mount.sb.dev
	setOwner(w.ctx, &dir.Dentry.stat, node, &st)
	loc := Location{dir.Mount, &Dentry{parent: dir.Dentry, name: name, node: node, stat: st}}
	return v.newFile(loc, impl, flags&^(abi.O_CREAT|abi.O_EXCL|abi.O_TRUNC)), 0
}

// doOpen is do_open and may_open for an existing file.
func (v *VFS) doOpen(w *walk, loc Location, flags int, acc uint32, created bool) (*File, abi.Errno) {
	st := &loc.Dentry.stat
	if flags&abi.O_CREAT != 0 {
		if flags&abi.O_EXCL != 0 {
			return nil, abi.EEXIST
		}
		if st.IsDir() {
			return nil, abi.EISDIR
		}
	}
	if flags&abi.O_DIRECTORY != 0 && !st.IsDir() {
		return nil, abi.ENOTDIR
	}
	ro := loc.Mount.ReadOnly()
	switch st.Mode & abi.S_IFMT {
	case abi.S_IFLNK:
		return nil, abi.ELOOP
	case abi.S_IFDIR:
		if acc&MayWrite != 0 {
			return nil, abi.EISDIR
		}
	case abi.S_IFBLK, abi.S_IFCHR:
		if loc.Mount.flags&abi.MS_NODEV != 0 {
			return nil, abi.EACCES
		}
		flags &^= abi.O_TRUNC
		ro = false
	case abi.S_IFIFO, abi.S_IFSOCK:
		flags &^= abi.O_TRUNC
		ro = false
	}
	if acc&MayWrite != 0 && ro {
		return nil, abi.EROFS
	}
	if !w.ctx.Cred.Permitted(st, acc) {
		return nil, abi.EACCES
	}
	if flags&abi.O_NOATIME != 0 && !w.ctx.Cred.owns(st) {
		return nil, abi.EPERM
	}
	hflags := flags &^ (abi.O_CREAT | abi.O_EXCL)
	impl, e := openAs(loc.Dentry.node, w.ctx, hflags)
	if e != 0 {
		return nil, e
	}
	return v.newFile(loc, impl, hflags), 0
}

// openTmpfile is do_tmpfile: the last component must be a directory the
// caller may write; the file system makes an unnamed file in it.
func (v *VFS) openTmpfile(w *walk, last lastComp, flags int, mode uint32) (*File, abi.Errno) {
	last.trailing = true
	if e := w.resolveLast(last, true); e != 0 {
		return nil, e
	}
	dir := w.loc
	if !w.ctx.Cred.Permitted(&dir.Dentry.stat, MayWrite|MayExec) {
		return nil, abi.EACCES
	}
	if dir.Mount.ReadOnly() {
		return nil, abi.EROFS
	}
	hflags := flags &^ (abi.O_TMPFILE | abi.O_CREAT | abi.O_EXCL | abi.O_TRUNC)
	return v.unnamed(w.ctx, dir, "", hflags, mode)
}

// unnamed makes an unnamed regular file in dir owned by ctx's caller,
// whose path shows name (default: "#INO") and " (deleted)".
func (v *VFS) unnamed(ctx *Context, dir Location, name string, flags int, mode uint32) (*File, abi.Errno) {
	impl, e := dir.Dentry.node.TmpFile(flags, mode&0o7777)
	if e != 0 {
		return nil, e
	}
	st, e := impl.Stat()
	if e != 0 {
		impl.Close()
		return nil, e
	}
	st.Dev = dir.Mount.sb.dev
	if s, ok := impl.(SetAttrImpl); ok {
		setOwner(ctx, &dir.Dentry.stat, attrSetter(s.SetAttr), &st)
	}
	if name == "" {
		name = "#" + itoa(st.Ino)
	}
	loc := Location{dir.Mount, &Dentry{parent: dir.Dentry, name: name + " (deleted)", node: tmpNode{impl: impl}, stat: st}}
	return v.newFile(loc, impl, flags), 0
}

// tmpNode stands for an unnamed file's node: it can only be stat'ed.
type tmpNode struct {
	NodeDefaults
	impl FileImpl
}

func (n tmpNode) Stat() (Stat, abi.Errno) { return n.impl.Stat() }

func itoa(n uint64) string {
	var b [20]byte
	i := len(b)
	for {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
		if n == 0 {
			return string(b[i:])
		}
	}
}

// OpenExec opens a program for execve: a regular file with search-like
// exec permission (read permission is not needed, as on Linux) on a
// mount without MS_NOEXEC. Directories and other types are EACCES.
func (v *VFS) OpenExec(ctx *Context, at *File, path string) (*File, abi.Errno) {
	loc, e := v.resolve(ctx, at, path, true, false)
	if e != 0 {
		return nil, e
	}
	st := &loc.Dentry.stat
	if !st.IsReg() || loc.Mount.flags&abi.MS_NOEXEC != 0 {
		return nil, abi.EACCES
	}
	if !ctx.Cred.Permitted(st, MayExec) {
		return nil, abi.EACCES
	}
	impl, e := openAs(loc.Dentry.node, ctx, abi.O_RDONLY)
	if e != 0 {
		return nil, e
	}
	return v.newFile(loc, impl, abi.O_RDONLY), 0
}

// setOwner gives a new file the owner Linux would: the caller's fsuid,
// and its fsgid unless the directory is set-group-ID (then the
// directory's group, which the file system already applied). File
// systems create files as whoever the host process is; where that
// differs and the host allows it (blink running as root), the owner is
// corrected. Elsewhere the host's owner stays: a guest cannot be given
// what the host user cannot do.
func setOwner(ctx *Context, dir *Stat, n interface{ SetAttr(*Attr) abi.Errno }, st *Stat) {
	uid, gid := ctx.Cred.UID, ctx.Cred.GID
	if dir.Mode&abi.S_ISGID != 0 {
		gid = dir.GID
	}
	if st.UID == uid && st.GID == gid {
		return
	}
	if n.SetAttr(&Attr{Valid: AttrOwner, UID: uid, GID: gid}) == 0 {
		st.UID, st.GID = uid, gid
	}
}

type attrSetter func(*Attr) abi.Errno

func (f attrSetter) SetAttr(a *Attr) abi.Errno { return f(a) }

// OpenUnnamed makes an unnamed regular file in v's root directory without
// a permission check, as memfd_create makes one on Linux's internal
// tmpfs, owned by ctx's caller; name is what the file's path shows
// ("memfd:x" reads back as Linux's "/memfd:x (deleted)").
func (v *VFS) OpenUnnamed(ctx *Context, name string, flags int, mode uint32) (*File, abi.Errno) {
	return v.unnamed(ctx, v.RootLocation(), name, flags, mode)
}

package kernel

import (
	"strconv"
	"strings"

	"github.com/blink-go/blink/core/abi"
)

// Path operations: access, readlink, mkdir, unlink, rmdir, rename, chdir,
// getcwd, getdents64, chmod/chown/utimensat/truncate.

// pathArg reads a path argument and the directory it is relative to.
// Empty paths are ENOENT unless allowEmpty (AT_EMPTY_PATH) is set.
func (t *Task) pathArg(dirfd int32, addr uint64, allowEmpty bool) (string, File, func(), abi.Errno) {
	p, e := t.readPath(addr)
	if e != 0 {
		return "", nil, noRelease, e
	}
	if p == "" && !allowEmpty {
		return "", nil, noRelease, abi.ENOENT
	}
	at, release, e := t.at(dirfd, p)
	return p, at, release, e
}

// isProcSelf reports whether p is /proc/self/<name> or /proc/<pid>/<name>
// for this process.
func (t *Task) isProcSelf(p, name string) bool {
	rest, ok := strings.CutPrefix(p, "/proc/")
	if !ok {
		return false
	}
	who, file, ok := strings.Cut(rest, "/")
	if !ok || file != name {
		return false
	}
	return who == "self" || who == "thread-self" || who == strconv.Itoa(t.proc.pid)
}

func sysAccess(t *Task, a *Args) (uint64, abi.Errno) {
	return t.faccessat(abi.AT_FDCWD, a[0], uint32(a[1]), 0)
}

func sysFaccessat(t *Task, a *Args) (uint64, abi.Errno) {
	return t.faccessat(int32(a[0]), a[1], uint32(a[2]), 0)
}

func sysFaccessat2(t *Task, a *Args) (uint64, abi.Errno) {
	return t.faccessat(int32(a[0]), a[1], uint32(a[2]), int(int32(a[3])))
}

func (t *Task) faccessat(dirfd int32, addr uint64, mode uint32, flags int) (uint64, abi.Errno) {
	if mode&^(abi.R_OK|abi.W_OK|abi.X_OK) != 0 {
		return 0, abi.EINVAL
	}
	if flags&^(abi.AT_EACCESS|abi.AT_SYMLINK_NOFOLLOW|abi.AT_EMPTY_PATH) != 0 {
		return 0, abi.EINVAL
	}
	p, at, release, e := t.pathArg(dirfd, addr, flags&abi.AT_EMPTY_PATH != 0)
	if e != 0 {
		return 0, e
	}
	defer release()
	if p == "" {
		p = at.Path()
		at = nil
	}
	return 0, t.k.fs.Access(t.proc.fsCtx(), at, p, mode, flags&^abi.AT_EMPTY_PATH)
}

func sysReadlink(t *Task, a *Args) (uint64, abi.Errno) {
	return t.readlinkat(abi.AT_FDCWD, a[0], a[1], a[2])
}

func sysReadlinkat(t *Task, a *Args) (uint64, abi.Errno) {
	return t.readlinkat(int32(a[0]), a[1], a[2], a[3])
}

func (t *Task) readlinkat(dirfd int32, addr, buf, size uint64) (uint64, abi.Errno) {
	if int32(size) <= 0 {
		return 0, abi.EINVAL
	}
	p, at, release, e := t.pathArg(dirfd, addr, true)
	if e != 0 {
		return 0, e
	}
	defer release()
	var target string
	switch {
	case p == "":
		// Linux readlinkat(fd, "") reads the O_PATH symlink fd itself;
		// anything else is ENOENT.
		return 0, abi.ENOENT
	case t.isProcSelf(p, "exe"):
		target = t.proc.exe
	case strings.HasPrefix(p, "/proc/self/fd/"):
		n, err := strconv.Atoi(p[len("/proc/self/fd/"):])
		if err != nil {
			return 0, abi.ENOENT
		}
		d, e := t.proc.fds.get(int32(n))
		if e != 0 {
			return 0, abi.ENOENT
		}
		target = d.File.Path()
		d.decRef()
	default:
		target, e = t.k.fs.Readlink(t.proc.fsCtx(), at, p)
		if e != 0 {
			return 0, e
		}
	}
	// readlink truncates silently and adds no NUL.
	n := min(uint64(len(target)), size)
	if e := t.copyOut(buf, []byte(target[:n])); e != 0 {
		return 0, e
	}
	return n, 0
}

func sysMkdir(t *Task, a *Args) (uint64, abi.Errno) {
	return t.mkdirat(abi.AT_FDCWD, a[0], uint32(a[1]))
}

func sysMkdirat(t *Task, a *Args) (uint64, abi.Errno) {
	return t.mkdirat(int32(a[0]), a[1], uint32(a[2]))
}

func (t *Task) mkdirat(dirfd int32, addr uint64, mode uint32) (uint64, abi.Errno) {
	p, at, release, e := t.pathArg(dirfd, addr, false)
	if e != 0 {
		return 0, e
	}
	defer release()
	return 0, t.k.fs.Mkdir(t.proc.fsCtx(), at, p, mode&0o7777&^t.proc.umask)
}

func sysUnlink(t *Task, a *Args) (uint64, abi.Errno) { return t.unlinkat(abi.AT_FDCWD, a[0], 0) }

func sysRmdir(t *Task, a *Args) (uint64, abi.Errno) {
	return t.unlinkat(abi.AT_FDCWD, a[0], abi.AT_REMOVEDIR)
}

func sysUnlinkat(t *Task, a *Args) (uint64, abi.Errno) {
	return t.unlinkat(int32(a[0]), a[1], int(int32(a[2])))
}

func (t *Task) unlinkat(dirfd int32, addr uint64, flags int) (uint64, abi.Errno) {
	if flags&^abi.AT_REMOVEDIR != 0 {
		return 0, abi.EINVAL
	}
	p, at, release, e := t.pathArg(dirfd, addr, false)
	if e != 0 {
		return 0, e
	}
	defer release()
	return 0, t.k.fs.Unlink(t.proc.fsCtx(), at, p, flags)
}

func sysRename(t *Task, a *Args) (uint64, abi.Errno) {
	return t.renameat2(abi.AT_FDCWD, a[0], abi.AT_FDCWD, a[1], 0)
}

func sysRenameat(t *Task, a *Args) (uint64, abi.Errno) {
	return t.renameat2(int32(a[0]), a[1], int32(a[2]), a[3], 0)
}

func sysRenameat2(t *Task, a *Args) (uint64, abi.Errno) {
	return t.renameat2(int32(a[0]), a[1], int32(a[2]), a[3], uint32(a[4]))
}

func (t *Task) renameat2(odir int32, oaddr uint64, ndir int32, naddr uint64, flags uint32) (uint64, abi.Errno) {
	if flags&^(abi.RENAME_NOREPLACE|abi.RENAME_EXCHANGE|abi.RENAME_WHITEOUT) != 0 ||
		flags&abi.RENAME_NOREPLACE != 0 && flags&abi.RENAME_EXCHANGE != 0 ||
		flags&abi.RENAME_WHITEOUT != 0 && flags&abi.RENAME_EXCHANGE != 0 {
		return 0, abi.EINVAL
	}
	op, oat, orel, e := t.pathArg(odir, oaddr, false)
	if e != 0 {
		return 0, e
	}
	defer orel()
	// The two names live in the same scratch buffer; op is already a copy.
	np, nat, nrel, e := t.pathArg(ndir, naddr, false)
	if e != 0 {
		return 0, e
	}
	defer nrel()
	return 0, t.k.fs.Rename(t.proc.fsCtx(), oat, op, nat, np, flags)
}

func sysGetcwd(t *Task, a *Args) (uint64, abi.Errno) {
	t.proc.mu.Lock()
	cwd, root := t.proc.cwd, t.proc.root
	t.proc.mu.Unlock()
	p := cwd.Path()
	if pf, ok := cwd.(PathFromFile); ok {
		p = pf.PathFrom(root)
	}
	if len(p)+1 > abi.PATH_MAX {
		return 0, abi.ENAMETOOLONG
	}
	if uint64(len(p))+1 > a[1] {
		return 0, abi.ERANGE
	}
	b := append([]byte(p), 0)
	if e := t.copyOut(a[0], b); e != 0 {
		return 0, e
	}
	return uint64(len(b)), 0
}

func sysChdir(t *Task, a *Args) (uint64, abi.Errno) {
	p, at, release, e := t.pathArg(abi.AT_FDCWD, a[0], false)
	if e != 0 {
		return 0, e
	}
	defer release()
	f, e := t.k.fs.Open(t.proc.fsCtx(), at, p, abi.O_RDONLY|abi.O_DIRECTORY|openPathFlag, 0)
	if e != 0 {
		return 0, e
	}
	// chdir needs search permission, which opening with O_PATH skips.
	if e := t.k.fs.Access(t.proc.fsCtx(), f, ".", abi.X_OK, 0); e != 0 {
		f.Close()
		return 0, e
	}
	t.setCwd(f)
	return 0, 0
}

func sysFchdir(t *Task, a *Args) (uint64, abi.Errno) {
	d, e := t.getFD(a[0])
	if e != 0 {
		return 0, e
	}
	defer d.decRef()
	st, e := d.File.Stat()
	if e != 0 {
		return 0, e
	}
	if st.Mode&abi.S_IFMT != abi.S_IFDIR {
		return 0, abi.ENOTDIR
	}
	if e := t.k.fs.Access(t.proc.fsCtx(), d.File, ".", abi.X_OK, 0); e != 0 {
		return 0, e
	}
	// The cwd needs its own handle: the guest may close fd later.
	f, e := t.k.fs.Open(t.proc.fsCtx(), d.File, ".", abi.O_RDONLY|abi.O_DIRECTORY|openPathFlag, 0)
	if e != 0 {
		return 0, e
	}
	t.setCwd(f)
	return 0, 0
}

func (t *Task) setCwd(f File) {
	t.proc.mu.Lock()
	old := t.proc.cwd
	t.proc.cwd = f
	t.proc.mu.Unlock()
	if old != nil {
		old.Close()
	}
}

func sysGetdents64(t *Task, a *Args) (uint64, abi.Errno) {
	d, e := t.getFD(a[0])
	if e != 0 {
		return 0, e
	}
	defer d.decRef()
	if d.flags&abi.O_PATH != 0 {
		return 0, abi.EBADF
	}
	n := min(a[2], ioChunk, uint64(int32(^uint32(0)>>1)))
	if t.writablePrefix(a[1], n) < n {
		return 0, abi.EFAULT
	}
	df, ok := d.File.(DirFile)
	if !ok {
		return 0, abi.ENOTDIR
	}
	buf := t.scratchBuf(int(n))
	got, e := df.ReadDir(buf)
	if e != 0 {
		return 0, e
	}
	return uint64(got), t.copyOut(a[1], buf[:got])
}

// Attribute changes.

func (t *Task) setAttrAt(dirfd int32, addr uint64, attr *Attr, flags int) (uint64, abi.Errno) {
	p, at, release, e := t.pathArg(dirfd, addr, flags&abi.AT_EMPTY_PATH != 0)
	if e != 0 {
		return 0, e
	}
	defer release()
	if p == "" {
		if sf, ok := at.(SetAttrFile); ok {
			return 0, sf.SetAttr(t.proc.fsCtx(), attr)
		}
		return 0, abi.EPERM
	}
	return 0, t.k.fs.SetAttr(t.proc.fsCtx(), at, p, attr, flags&abi.AT_SYMLINK_NOFOLLOW)
}

func (t *Task) setAttrFD(fd uint64, attr *Attr) (uint64, abi.Errno) {
	d, e := t.getFD(fd)
	if e != 0 {
		return 0, e
	}
	defer d.decRef()
	if d.flags&abi.O_PATH != 0 {
		return 0, abi.EBADF
	}
	sf, ok := d.File.(SetAttrFile)
	if !ok {
		return 0, abi.EPERM
	}
	return 0, sf.SetAttr(t.proc.fsCtx(), attr)
}

func sysChmod(t *Task, a *Args) (uint64, abi.Errno) {
	return t.setAttrAt(abi.AT_FDCWD, a[0], &Attr{Valid: AttrMode, Mode: uint32(a[1]) & 0o7777}, 0)
}

func sysFchmodat(t *Task, a *Args) (uint64, abi.Errno) {
	return t.setAttrAt(int32(a[0]), a[1], &Attr{Valid: AttrMode, Mode: uint32(a[2]) & 0o7777}, 0)
}

func sysFchmod(t *Task, a *Args) (uint64, abi.Errno) {
	return t.setAttrFD(a[0], &Attr{Valid: AttrMode, Mode: uint32(a[1]) & 0o7777})
}

func sysChown(t *Task, a *Args) (uint64, abi.Errno) {
	return t.setAttrAt(abi.AT_FDCWD, a[0], &Attr{Valid: AttrOwner, UID: uint32(a[1]), GID: uint32(a[2])}, 0)
}

func sysLchown(t *Task, a *Args) (uint64, abi.Errno) {
	return t.setAttrAt(abi.AT_FDCWD, a[0], &Attr{Valid: AttrOwner, UID: uint32(a[1]), GID: uint32(a[2])}, abi.AT_SYMLINK_NOFOLLOW)
}

func sysFchownat(t *Task, a *Args) (uint64, abi.Errno) {
	flags := int(int32(a[4]))
	if flags&^(abi.AT_SYMLINK_NOFOLLOW|abi.AT_EMPTY_PATH) != 0 {
		return 0, abi.EINVAL
	}
	return t.setAttrAt(int32(a[0]), a[1], &Attr{Valid: AttrOwner, UID: uint32(a[2]), GID: uint32(a[3])}, flags)
}

func sysFchown(t *Task, a *Args) (uint64, abi.Errno) {
	return t.setAttrFD(a[0], &Attr{Valid: AttrOwner, UID: uint32(a[1]), GID: uint32(a[2])})
}

func sysTruncate(t *Task, a *Args) (uint64, abi.Errno) {
	if int64(a[1]) < 0 {
		return 0, abi.EINVAL
	}
	return t.setAttrAt(abi.AT_FDCWD, a[0], &Attr{Valid: AttrSize, Size: int64(a[1])}, 0)
}

func sysFtruncate(t *Task, a *Args) (uint64, abi.Errno) {
	if int64(a[1]) < 0 {
		return 0, abi.EINVAL
	}
	d, e := t.getFD(a[0])
	if e != 0 {
		return 0, e
	}
	defer d.decRef()
	if !writable(d) {
		return 0, abi.EINVAL
	}
	sf, ok := d.File.(SetAttrFile)
	if !ok {
		return 0, abi.EINVAL
	}
	return 0, sf.SetAttr(t.proc.fsCtx(), &Attr{Valid: AttrSize, Size: int64(a[1])})
}

// sysUtimensat follows utimensat(2): a NULL path means dirfd itself (a
// Linux extension), a NULL times pointer means "now" for both.
func sysUtimensat(t *Task, a *Args) (uint64, abi.Errno) {
	flags := int(int32(a[3]))
	if flags&^(abi.AT_SYMLINK_NOFOLLOW|abi.AT_EMPTY_PATH) != 0 {
		return 0, abi.EINVAL
	}
	attr := Attr{Valid: AttrTimes, Atime: Timespec{Sec: 0, Nsec: abi.UTIME_NOW}, Mtime: Timespec{Sec: 0, Nsec: abi.UTIME_NOW}}
	if a[2] != 0 {
		var b [32]byte
		if e := t.copyIn(a[2], b[:]); e != 0 {
			return 0, e
		}
		attr.Atime = Timespec{Sec: int64(rd64(b[0:])), Nsec: int64(rd64(b[8:]))}
		attr.Mtime = Timespec{Sec: int64(rd64(b[16:])), Nsec: int64(rd64(b[24:]))}
		for _, ts := range [2]Timespec{attr.Atime, attr.Mtime} {
			if ts.Nsec != abi.UTIME_NOW && ts.Nsec != abi.UTIME_OMIT && (ts.Nsec < 0 || ts.Nsec >= 1e9) {
				return 0, abi.EINVAL
			}
		}
		if attr.Atime.Nsec == abi.UTIME_OMIT && attr.Mtime.Nsec == abi.UTIME_OMIT {
			return 0, 0
		}
	}
	if a[1] == 0 {
		if int32(a[0]) == abi.AT_FDCWD {
			return 0, abi.EFAULT
		}
		return t.setAttrFD(a[0], &attr)
	}
	return t.setAttrAt(int32(a[0]), a[1], &attr, flags)
}

func sysFsync(t *Task, a *Args) (uint64, abi.Errno) { return t.sync(a[0], false) }

func sysFdatasync(t *Task, a *Args) (uint64, abi.Errno) { return t.sync(a[0], true) }

func (t *Task) sync(fd uint64, dataOnly bool) (uint64, abi.Errno) {
	d, e := t.getFD(fd)
	if e != 0 {
		return 0, e
	}
	defer d.decRef()
	if d.flags&abi.O_PATH != 0 {
		return 0, abi.EBADF
	}
	if sf, ok := d.File.(SyncFile); ok {
		return 0, sf.Sync(dataOnly)
	}
	return 0, abi.EINVAL
}

package kernel

import (
	"github.com/blink-go/blink/core/abi"
)

// Extended attributes: the getxattr, setxattr, listxattr and removexattr
// families. No file system here stores attributes, so every file answers
// as one on a Linux file system without xattr support would: get, set
// and remove give EOPNOTSUPP and list gives an empty list (GNU cp -a,
// tar --xattrs and rsync -X treat that as "nothing to copy"). Before
// that, the calls check their arguments and find the file in Linux's
// order (6.13+: flags, then the name, the value, then the path or fd), so
// their errors are Linux's.

// xattrName is import_xattr_name: EFAULT, or ERANGE for an empty name or
// one longer than XATTR_NAME_MAX.
func (t *Task) xattrName(addr uint64) abi.Errno {
	name, e := t.readCString(addr, abi.XATTR_NAME_MAX+1)
	switch {
	case e == abi.E2BIG:
		return abi.ERANGE
	case e != 0:
		return e
	case name == "":
		return abi.ERANGE
	}
	return 0
}

// xattrTarget finds the file a path call names (following the last
// symlink unless nofollow) or checks an fd call's descriptor (O_PATH ones
// do not count, as fdget does not take them).
func (t *Task) xattrTarget(path uint64, fd int64, nofollow bool) abi.Errno {
	if fd != noFD {
		d, e := t.getFD(uint64(fd))
		if e != 0 {
			return e
		}
		defer d.decRef()
		if d.flags&abi.O_PATH != 0 {
			return abi.EBADF
		}
		return 0
	}
	flags := 0
	if nofollow {
		flags = abi.AT_SYMLINK_NOFOLLOW
	}
	_, e := t.statPath(abi.AT_FDCWD, path, flags)
	return e
}

func (t *Task) getxattr(path uint64, fd int64, nofollow bool, name uint64) (uint64, abi.Errno) {
	if e := t.xattrName(name); e != 0 {
		return 0, e
	}
	if e := t.xattrTarget(path, fd, nofollow); e != 0 {
		return 0, e
	}
	return 0, abi.EOPNOTSUPP
}

func (t *Task) setxattr(path uint64, fd int64, nofollow bool, a *Args) (uint64, abi.Errno) {
	name, value, size, flags := a[1], a[2], a[3], a[4]
	if flags&^(abi.XATTR_CREATE|abi.XATTR_REPLACE) != 0 {
		return 0, abi.EINVAL
	}
	if e := t.xattrName(name); e != 0 {
		return 0, e
	}
	if size > abi.XATTR_SIZE_MAX {
		return 0, abi.E2BIG
	}
	if size > 0 {
		buf := make([]byte, size)
		if e := t.copyIn(value, buf); e != 0 {
			return 0, e
		}
	}
	if e := t.xattrTarget(path, fd, nofollow); e != 0 {
		return 0, e
	}
	return 0, abi.EOPNOTSUPP
}

func (t *Task) listxattr(path uint64, fd int64, nofollow bool) (uint64, abi.Errno) {
	return 0, t.xattrTarget(path, fd, nofollow) // an empty list
}

func (t *Task) removexattr(path uint64, fd int64, nofollow bool, name uint64) (uint64, abi.Errno) {
	if e := t.xattrName(name); e != 0 {
		return 0, e
	}
	if e := t.xattrTarget(path, fd, nofollow); e != 0 {
		return 0, e
	}
	return 0, abi.EOPNOTSUPP
}

func sysGetxattr(t *Task, a *Args) (uint64, abi.Errno)  { return t.getxattr(a[0], noFD, false, a[1]) }
func sysLgetxattr(t *Task, a *Args) (uint64, abi.Errno) { return t.getxattr(a[0], noFD, true, a[1]) }
func sysFgetxattr(t *Task, a *Args) (uint64, abi.Errno) {
	return t.getxattr(0, int64(a[0]), false, a[1])
}
func sysSetxattr(t *Task, a *Args) (uint64, abi.Errno)  { return t.setxattr(a[0], noFD, false, a) }
func sysLsetxattr(t *Task, a *Args) (uint64, abi.Errno) { return t.setxattr(a[0], noFD, true, a) }
func sysFsetxattr(t *Task, a *Args) (uint64, abi.Errno) {
	return t.setxattr(0, int64(a[0]), false, a)
}
func sysListxattr(t *Task, a *Args) (uint64, abi.Errno)  { return t.listxattr(a[0], noFD, false) }
func sysLlistxattr(t *Task, a *Args) (uint64, abi.Errno) { return t.listxattr(a[0], noFD, true) }
func sysFlistxattr(t *Task, a *Args) (uint64, abi.Errno) {
	return t.listxattr(0, int64(a[0]), false)
}
func sysRemovexattr(t *Task, a *Args) (uint64, abi.Errno) {
	return t.removexattr(a[0], noFD, false, a[1])
}
func sysLremovexattr(t *Task, a *Args) (uint64, abi.Errno) {
	return t.removexattr(a[0], noFD, true, a[1])
}
func sysFremovexattr(t *Task, a *Args) (uint64, abi.Errno) {
	return t.removexattr(0, int64(a[0]), false, a[1])
}

// noFD marks a path call; fd calls pass the guest's int, negative ones
// included (EBADF).
const noFD = int64(1) << 40

const xattrNote = "no file system stores attributes: EOPNOTSUPP, empty lists"

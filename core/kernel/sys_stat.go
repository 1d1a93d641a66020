package kernel

import (
	"github.com/blink-go/blink/core/abi"
)

// stat, fstat, lstat, newfstatat and statx.

func encodeStat(b *[abi.StatSize]byte, st *Stat) {
	*b = [abi.StatSize]byte{}
	le64(b[abi.StatDevOff:], st.Dev)
	le64(b[abi.StatInoOff:], st.Ino)
	le64(b[abi.StatNlinkOff:], st.Nlink)
	le32(b[abi.StatModeOff:], st.Mode)
	le32(b[abi.StatUIDOff:], st.UID)
	le32(b[abi.StatGIDOff:], st.GID)
	le64(b[abi.StatRdevOff:], st.Rdev)
	le64(b[abi.StatSizeOff:], uint64(st.Size))
	le64(b[abi.StatBlksizeOff:], uint64(st.Blksize))
	le64(b[abi.StatBlocksOff:], uint64(st.Blocks))
	putTimespec(b[abi.StatAtimeOff:], st.Atime)
	putTimespec(b[abi.StatMtimeOff:], st.Mtime)
	putTimespec(b[abi.StatCtimeOff:], st.Ctime)
}

func putTimespec(b []byte, ts Timespec) {
	le64(b, uint64(ts.Sec))
	le64(b[8:], uint64(ts.Nsec))
}

// devMajor and devMinor split a Linux dev_t (the glibc/kernel userspace
// encoding) for statx.
func devMajor(d uint64) uint32 { return uint32((d>>8)&0xfff | (d>>32)&^0xfff) }
func devMinor(d uint64) uint32 { return uint32(d&0xff | (d>>12)&^0xff) }

func encodeStatx(b *[abi.StatxSize]byte, st *Stat) {
	*b = [abi.StatxSize]byte{}
	mask := uint32(abi.STATX_BASIC_STATS)
	if st.Btime != (Timespec{}) {
		mask |= abi.STATX_BTIME
		putStatxTime(b[abi.StatxBtimeOff:], st.Btime)
	}
	le32(b[abi.StatxMaskOff:], mask)
	le32(b[abi.StatxBlksizeOff:], uint32(st.Blksize))
	le32(b[abi.StatxNlinkOff:], uint32(st.Nlink))
	le32(b[abi.StatxUIDOff:], st.UID)
	le32(b[abi.StatxGIDOff:], st.GID)
	le16(b[abi.StatxModeOff:], uint16(st.Mode))
	le64(b[abi.StatxInoOff:], st.Ino)
	le64(b[abi.StatxSizeOff:], uint64(st.Size))
	le64(b[abi.StatxBlocksOff:], uint64(st.Blocks))
	putStatxTime(b[abi.StatxAtimeOff:], st.Atime)
	putStatxTime(b[abi.StatxCtimeOff:], st.Ctime)
	putStatxTime(b[abi.StatxMtimeOff:], st.Mtime)
	le32(b[abi.StatxRdevMajorOff:], devMajor(st.Rdev))
	le32(b[abi.StatxRdevMinorOff:], devMinor(st.Rdev))
	le32(b[abi.StatxDevMajorOff:], devMajor(st.Dev))
	le32(b[abi.StatxDevMinorOff:], devMinor(st.Dev))
}

func putStatxTime(b []byte, ts Timespec) {
	le64(b, uint64(ts.Sec))
	le32(b[8:], uint32(ts.Nsec))
}

func (t *Task) putStat(addr uint64, st *Stat) abi.Errno {
	var b [abi.StatSize]byte
	encodeStat(&b, st)
	return t.copyOut(addr, b[:])
}

func sysFstat(t *Task, a *Args) (uint64, abi.Errno) {
	d, e := t.getFD(a[0])
	if e != 0 {
		return 0, e
	}
	defer d.decRef()
	st, e := d.File.Stat()
	if e != 0 {
		return 0, e
	}
	return 0, t.putStat(a[1], &st)
}

func sysStat(t *Task, a *Args) (uint64, abi.Errno) {
	return t.fstatat(abi.AT_FDCWD, a[0], a[1], 0)
}

func sysLstat(t *Task, a *Args) (uint64, abi.Errno) {
	return t.fstatat(abi.AT_FDCWD, a[0], a[1], abi.AT_SYMLINK_NOFOLLOW)
}

func sysNewfstatat(t *Task, a *Args) (uint64, abi.Errno) {
	return t.fstatat(int32(a[0]), a[1], a[2], int(int32(a[3])))
}

func (t *Task) fstatat(dirfd int32, pathAddr, buf uint64, flags int) (uint64, abi.Errno) {
	if flags&^(abi.AT_SYMLINK_NOFOLLOW|abi.AT_NO_AUTOMOUNT|abi.AT_EMPTY_PATH) != 0 {
		return 0, abi.EINVAL
	}
	st, e := t.statPath(dirfd, pathAddr, flags)
	if e != 0 {
		return 0, e
	}
	return 0, t.putStat(buf, &st)
}

// statPath stats a path, or with AT_EMPTY_PATH and "" the file dirfd.
func (t *Task) statPath(dirfd int32, pathAddr uint64, flags int) (Stat, abi.Errno) {
	p, e := t.readPath(pathAddr)
	if e != 0 {
		return Stat{}, e
	}
	if p == "" {
		if flags&abi.AT_EMPTY_PATH == 0 {
			return Stat{}, abi.ENOENT
		}
		at, release, e := t.at(dirfd, p)
		if e != 0 {
			return Stat{}, e
		}
		defer release()
		return at.Stat()
	}
	if st, ok, e := t.procSelfStat(p, flags); ok {
		return st, e
	}
	at, release, e := t.at(dirfd, p)
	if e != 0 {
		return Stat{}, e
	}
	defer release()
	return t.k.fs.Stat(t.proc.fsCtx(), at, p, flags&abi.AT_SYMLINK_NOFOLLOW)
}

// procSelfStat answers for /proc/self/exe, which on the host would name
// blink rather than the guest program.
func (t *Task) procSelfStat(p string, flags int) (Stat, bool, abi.Errno) {
	if !t.isProcSelf(p, "exe") {
		return Stat{}, false, 0
	}
	if flags&abi.AT_SYMLINK_NOFOLLOW != 0 {
		return Stat{Mode: abi.S_IFLNK | 0o777, Nlink: 1, Size: int64(len(t.proc.exe)), Blksize: 1024}, true, 0
	}
	st, e := t.k.fs.Stat(t.proc.fsCtx(), nil, t.proc.exe, 0)
	return st, true, e
}

func sysStatx(t *Task, a *Args) (uint64, abi.Errno) {
	flags := int(int32(a[2]))
	mask := uint32(a[3])
	if flags&^(abi.AT_SYMLINK_NOFOLLOW|abi.AT_NO_AUTOMOUNT|abi.AT_EMPTY_PATH|abi.AT_STATX_SYNC_TYPE) != 0 ||
		flags&abi.AT_STATX_SYNC_TYPE == abi.AT_STATX_SYNC_TYPE || mask&abi.STATX__RESERVED != 0 {
		return 0, abi.EINVAL
	}
	st, e := t.statPath(int32(a[0]), a[1], flags)
	if e != 0 {
		return 0, e
	}
	var b [abi.StatxSize]byte
	encodeStatx(&b, &st)
	return 0, t.copyOut(a[4], b[:])
}

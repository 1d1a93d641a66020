//go:build darwin || freebsd

package kernel

import (
	"os"
	"path"

	"golang.org/x/sys/unix"

	"github.com/blink-go/blink/core/abi"
)

// BSD hosts differ from Linux in errno numbers, open flags, UTIME_* values
// and directory records; everything is translated here.

func statFromHost(st *unix.Stat_t) Stat {
	return Stat{
		Dev: uint64(st.Dev), Ino: uint64(st.Ino), Nlink: uint64(st.Nlink), Rdev: uint64(st.Rdev),
		Mode: uint32(st.Mode), UID: st.Uid, GID: st.Gid,
		Size: st.Size, Blksize: int64(st.Blksize), Blocks: st.Blocks,
		Atime: Timespec{Sec: int64(st.Atim.Sec), Nsec: int64(st.Atim.Nsec)},
		Mtime: Timespec{Sec: int64(st.Mtim.Sec), Nsec: int64(st.Mtim.Nsec)},
		Ctime: Timespec{Sec: int64(st.Ctim.Sec), Nsec: int64(st.Ctim.Nsec)},
		Btime: Timespec{Sec: int64(st.Btim.Sec), Nsec: int64(st.Btim.Nsec)},
	}
}

func hostTimespec(t Timespec) unix.Timespec {
	switch t.Nsec {
	case abi.UTIME_NOW:
		return unix.Timespec{Nsec: -1}
	case abi.UTIME_OMIT:
		return unix.Timespec{Nsec: -2}
	}
	return unix.NsecToTimespec(t.Sec*1e9 + t.Nsec)
}

func hostSeekData(fd int, off int64, whence int) (int64, abi.Errno) { return 0, abi.EINVAL }

func hostFutimens(fd int, atime, mtime Timespec) abi.Errno {
	tv := []unix.Timeval{unix.NsecToTimeval(atime.Sec*1e9 + atime.Nsec), unix.NsecToTimeval(mtime.Sec*1e9 + mtime.Nsec)}
	return hostErrno(unix.Futimes(fd, tv))
}

func hostFDPath(f *hostFile) string { return f.path }

const openPathFlag = abi.O_PATH

// dirList lists a directory through the os package and renders
// linux_dirent64 records; d_off is the index of the next entry.
type dirList struct {
	names []string
	types []uint8
	inos  []uint64
	pos   int
}

func (f *hostFile) ReadDir(buf []byte) (int, abi.Errno) {
	if f.dir == nil {
		st, e := f.Stat()
		if e != 0 {
			return 0, e
		}
		if st.Mode&abi.S_IFMT != abi.S_IFDIR {
			return 0, abi.ENOTDIR
		}
		ents, err := os.ReadDir(f.path)
		if err != nil {
			return 0, abi.EIO
		}
		d := &dirList{}
		for _, n := range []string{".", ".."} {
			var s unix.Stat_t
			unix.Lstat(path.Join(f.path, n), &s)
			d.names, d.types, d.inos = append(d.names, n), append(d.types, abi.DT_DIR), append(d.inos, uint64(s.Ino))
		}
		for _, de := range ents {
			var s unix.Stat_t
			unix.Lstat(path.Join(f.path, de.Name()), &s)
			d.names = append(d.names, de.Name())
			d.types = append(d.types, uint8(s.Mode&abi.S_IFMT>>12))
			d.inos = append(d.inos, uint64(s.Ino))
		}
		f.dir = d
	}
	return f.dir.fill(buf)
}

func (d *dirList) fill(buf []byte) (int, abi.Errno) {
	n := 0
	for d.pos < len(d.names) {
		name := d.names[d.pos]
		reclen := (abi.Dirent64NameOff + len(name) + 1 + 7) &^ 7
		if n+reclen > len(buf) {
			if n == 0 {
				return 0, abi.EINVAL
			}
			break
		}
		r := buf[n : n+reclen]
		clear(r)
		le64(r[abi.Dirent64InoOff:], d.inos[d.pos])
		le64(r[abi.Dirent64OffOff:], uint64(d.pos+1))
		le16(r[abi.Dirent64ReclenOff:], uint16(reclen))
		r[abi.Dirent64TypeOff] = d.types[d.pos]
		copy(r[abi.Dirent64NameOff:], name)
		n += reclen
		d.pos++
	}
	return n, 0
}

func (d *dirList) seek(off int64, whence int) (int64, abi.Errno) {
	switch whence {
	case abi.SEEK_SET:
	case abi.SEEK_CUR:
		off += int64(d.pos)
	default:
		return 0, abi.EINVAL
	}
	if off < 0 {
		return 0, abi.EINVAL
	}
	d.pos = int(off)
	return off, 0
}

func hostSysinfo() sysinfoData { return sysinfoData{} }

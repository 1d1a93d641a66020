//go:build !linux && !darwin && !freebsd

package kernel

import (
	"io"
	"io/fs"
	"os"
	"time"

	"github.com/blink-go/blink/core/abi"
	"github.com/blink-go/blink/hostfs"
)

// On hosts without POSIX *at() calls (Windows) the pass-through goes
// through the os package with paths joined against the directory's name.
// Ownership, terminals and directory inode numbers are not available.

type hostFile struct {
	f     *os.File
	path  string
	stdio bool
	dir   *dirList
}

// NewHostFile wraps host descriptor fd (for the standard descriptors).
func NewHostFile(fd int, name string) File {
	f := [...]*os.File{os.Stdin, os.Stdout, os.Stderr}[fd]
	return &hostFile{f: f, path: name, stdio: true}
}

func hostErrno(err error) abi.Errno { return hostfs.Errno(err) }

func statFromInfo(fi fs.FileInfo) Stat {
	mode := uint32(fi.Mode().Perm())
	switch {
	case fi.IsDir():
		mode |= abi.S_IFDIR
	case fi.Mode()&fs.ModeSymlink != 0:
		mode |= abi.S_IFLNK
	case fi.Mode()&fs.ModeNamedPipe != 0:
		mode |= abi.S_IFIFO
	case fi.Mode()&fs.ModeCharDevice != 0:
		mode |= abi.S_IFCHR
	default:
		mode |= abi.S_IFREG
	}
	mt := Timespec{Sec: fi.ModTime().Unix(), Nsec: int64(fi.ModTime().Nanosecond())}
	return Stat{Mode: mode, Nlink: 1, Size: fi.Size(), Blksize: 4096, Blocks: (fi.Size() + 511) / 512,
		Atime: mt, Mtime: mt, Ctime: mt}
}

// setPathAttr applies a to the host file full (hostFile.SetAttr).
func setPathAttr(full string, a *Attr) abi.Errno {
	if a.Valid&AttrOwner != 0 {
		return abi.EPERM
	}
	if a.Valid&AttrMode != 0 {
		if err := os.Chmod(full, fs.FileMode(a.Mode&0o777)); err != nil {
			return hostErrno(err)
		}
	}
	if a.Valid&AttrTimes != 0 {
		if err := os.Chtimes(full, otherTime(a.Atime), otherTime(a.Mtime)); err != nil {
			return hostErrno(err)
		}
	}
	if a.Valid&AttrSize != 0 {
		return hostErrno(os.Truncate(full, a.Size))
	}
	return 0
}

func otherTime(t Timespec) time.Time {
	switch t.Nsec {
	case abi.UTIME_NOW:
		return time.Now()
	case abi.UTIME_OMIT:
		return time.Time{}
	}
	return time.Unix(t.Sec, t.Nsec)
}

func ioResult(n int, err error) (int, abi.Errno) {
	if err != nil && err != io.EOF && n == 0 {
		return 0, hostErrno(err)
	}
	return n, 0
}

func (f *hostFile) Read(p []byte) (int, abi.Errno)  { return ioResult(f.f.Read(p)) }
func (f *hostFile) Write(p []byte) (int, abi.Errno) { return ioResult(f.f.Write(p)) }
func (f *hostFile) Pread(p []byte, off int64) (int, abi.Errno) {
	return ioResult(f.f.ReadAt(p, off))
}
func (f *hostFile) Pwrite(p []byte, off int64) (int, abi.Errno) {
	return ioResult(f.f.WriteAt(p, off))
}

func (f *hostFile) Lseek(off int64, whence int) (int64, abi.Errno) {
	if f.dir != nil {
		return f.dir.seek(off, whence)
	}
	if whence > abi.SEEK_END {
		return 0, abi.EINVAL
	}
	n, err := f.f.Seek(off, whence)
	return n, hostErrno(err)
}

func (f *hostFile) Stat() (Stat, abi.Errno) {
	fi, err := f.f.Stat()
	if err != nil {
		return Stat{}, hostErrno(err)
	}
	return statFromInfo(fi), 0
}

func (f *hostFile) Close() abi.Errno {
	if f.stdio {
		return 0
	}
	return hostErrno(f.f.Close())
}

func (f *hostFile) Path() string { return f.path }

func (f *hostFile) Sync(dataOnly bool) abi.Errno { return hostErrno(f.f.Sync()) }

func (f *hostFile) SetAttr(_ *FSCtx, a *Attr) abi.Errno {
	if a.Valid&AttrSize != 0 {
		if err := f.f.Truncate(a.Size); err != nil {
			return hostErrno(err)
		}
	}
	return setPathAttr(f.path, &Attr{Valid: a.Valid &^ AttrSize, Mode: a.Mode,
		UID: a.UID, GID: a.GID, Atime: a.Atime, Mtime: a.Mtime})
}

type dirList struct {
	names []string
	types []uint8
	pos   int
}

func (f *hostFile) ReadDir(buf []byte) (int, abi.Errno) {
	if f.dir == nil {
		ents, err := f.f.ReadDir(-1)
		if err != nil {
			return 0, abi.ENOTDIR
		}
		d := &dirList{names: []string{".", ".."}, types: []uint8{abi.DT_DIR, abi.DT_DIR}}
		for _, de := range ents {
			typ := uint8(abi.DT_REG)
			if de.IsDir() {
				typ = abi.DT_DIR
			} else if de.Type()&fs.ModeSymlink != 0 {
				typ = abi.DT_LNK
			}
			d.names = append(d.names, de.Name())
			d.types = append(d.types, typ)
		}
		f.dir = d
	}
	d := f.dir
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
		le64(r[abi.Dirent64InoOff:], uint64(d.pos+1)) // no inode numbers on this host
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
	if whence == abi.SEEK_CUR {
		off += int64(d.pos)
	} else if whence != abi.SEEK_SET {
		return 0, abi.EINVAL
	}
	if off < 0 {
		return 0, abi.EINVAL
	}
	d.pos = int(off)
	return off, 0
}

const openPathFlag = abi.O_PATH

func hostProcessIDs(pid int) (ppid, pgid, sid int) { return os.Getppid(), pid, pid }

func hostCredentials() Credentials { return Credentials{Groups: []uint32{0}} }

func hostStatusFlags(File) int { return 0 }

func hostUmask() uint32 { return 0o022 }

func hostMonotonic() time.Duration { return 0 }

func hostSysinfo() sysinfoData { return sysinfoData{} }

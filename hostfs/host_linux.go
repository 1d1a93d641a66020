package hostfs

import (
	"encoding/binary"
	"strconv"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/blink-go/blink/core/abi"
	"github.com/blink-go/blink/fs/vfs"
)

// On a Linux host stat fields and UTIME_* are the guest's; errno numbers
// are too except on MIPS, and open flags differ on several architectures
// (arm64 and ppc64 swap O_DIRECTORY/O_NOFOLLOW/O_DIRECT/O_LARGEFILE), so
// those are translated through the host's own constants.

// dirOpenFlags opens a directory only to resolve names in it: O_PATH
// needs no read permission on it, as a Linux path walk needs none.
const dirOpenFlags = unix.O_PATH

func errnoFromHost(e unix.Errno) abi.Errno {
	if linuxErrnos {
		return abi.Errno(e)
	}
	if le, ok := errnoMap[e]; ok {
		return le
	}
	return abi.EIO
}

// hostOpenFlags pairs each guest open flag with the host's value.
var hostOpenFlags = [...][2]int{
	{abi.O_CREAT, unix.O_CREAT}, {abi.O_EXCL, unix.O_EXCL}, {abi.O_NOCTTY, unix.O_NOCTTY},
	{abi.O_TRUNC, unix.O_TRUNC}, {abi.O_APPEND, unix.O_APPEND}, {abi.O_NONBLOCK, unix.O_NONBLOCK},
	{abi.O_SYNC, unix.O_SYNC}, {abi.O_DSYNC, unix.O_DSYNC}, {abi.O_ASYNC, unix.O_ASYNC},
	{abi.O_DIRECT, unix.O_DIRECT}, {abi.O_LARGEFILE, unix.O_LARGEFILE},
	{abi.O_DIRECTORY, unix.O_DIRECTORY}, {abi.O_NOFOLLOW, unix.O_NOFOLLOW},
	{abi.O_NOATIME, unix.O_NOATIME}, {abi.O_CLOEXEC, unix.O_CLOEXEC}, {abi.O_PATH, unix.O_PATH},
	{abi.O_TMPFILE, unix.O_TMPFILE},
}

func openFlags(flags int) (int, abi.Errno) {
	h := flags & abi.O_ACCMODE
	for _, f := range hostOpenFlags {
		if flags&f[0] == f[0] {
			h |= f[1]
		}
	}
	return h, 0
}

func seekWhence(w int) (int, abi.Errno) { return w, 0 }

func statOf(st *unix.Stat_t) vfs.Stat {
	return vfs.Stat{
		Dev: uint64(st.Dev), Ino: Ino(uint64(st.Dev), uint64(st.Ino)), Nlink: uint64(st.Nlink),
		Rdev: uint64(st.Rdev), Mode: st.Mode, UID: st.Uid, GID: st.Gid,
		Size: int64(st.Size), Blksize: int64(st.Blksize), Blocks: int64(st.Blocks),
		Atime: vfs.Timespec{Sec: int64(st.Atim.Sec), Nsec: int64(st.Atim.Nsec)},
		Mtime: vfs.Timespec{Sec: int64(st.Mtim.Sec), Nsec: int64(st.Mtim.Nsec)},
		Ctime: vfs.Timespec{Sec: int64(st.Ctim.Sec), Nsec: int64(st.Ctim.Nsec)},
	}
}

// openBeneath opens rel beneath dirfd in one system call, refusing every
// symlink and any escape. ok is false when the host lacks openat2 (or
// seccomp hides it), and the caller walks per component instead.
func openBeneath(dirfd int, rel string, flags int) (fd int, e abi.Errno, ok bool) {
	how := unix.OpenHow{
		Flags:   uint64(flags),
		Resolve: unix.RESOLVE_BENEATH | unix.RESOLVE_NO_SYMLINKS | unix.RESOLVE_NO_MAGICLINKS,
	}
	fd, err := retry(func() (int, error) { return unix.Openat2(dirfd, rel, &how) })
	// ENOSYS: kernel before 5.6; EPERM: a seccomp filter that does not
	// know the call. Either way the per-component walk is as safe.
	if err == unix.ENOSYS || err == unix.EPERM {
		return -1, 0, false
	}
	return fd, errnoOf(err), true
}

// readDir lists fd with getdents64 (records in host byte order): d_ino is hashed like st_ino with the
// directory's st_dev (an entry that is a host mount point keeps the
// covered directory's number, as Linux's own getdents does).
func readDir(fd int) ([]vfs.DirEnt, abi.Errno) {
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return nil, errnoOf(err)
	}
	var ents []vfs.DirEnt
	buf := make([]byte, 32<<10)
	for {
		n, err := retry(func() (int, error) { return unix.Getdents(fd, buf) })
		if err != nil {
			return nil, errnoOf(err)
		}
		if n <= 0 {
			return ents, 0
		}
		for b := buf[:n]; len(b) >= 19; {
			reclen := int(binary.NativeEndian.Uint16(b[16:]))
			if reclen < 19 || reclen > len(b) {
				return nil, abi.EIO
			}
			name := b[19:reclen]
			for i, c := range name {
				if c == 0 {
					name = name[:i]
					break
				}
			}
			if s := string(name); s != "." && s != ".." {
				typ := b[18]
				if typ == abi.DT_UNKNOWN {
					var cst unix.Stat_t
					if unix.Fstatat(fd, s, &cst, unix.AT_SYMLINK_NOFOLLOW) == nil {
						typ = vfs.DTFromMode(cst.Mode)
					}
				}
				ents = append(ents, vfs.DirEnt{Name: s, Ino: Ino(uint64(st.Dev), binary.NativeEndian.Uint64(b)), Type: typ})
			}
			b = b[reclen:]
		}
	}
}

// tmpFile is O_TMPFILE where the host file system has it, else the
// polyfill: a uniquely named file, unlinked at once, so it is as unnamed
// as the guest asked (linkat(AT_EMPTY_PATH) cannot name it later).
func tmpFile(dfd, flags int, mode uint32) (int, abi.Errno) {
	fd, err := retry(func() (int, error) { return unix.Openat(dfd, ".", flags|unix.O_TMPFILE, mode) })
	switch err {
	case nil:
		return fd, 0
	case unix.EOPNOTSUPP, unix.EISDIR, unix.EINVAL:
		return tmpPolyfill(dfd, flags, mode)
	}
	return -1, errnoOf(err)
}

func tmpPolyfill(dfd, flags int, mode uint32) (int, abi.Errno) {
	var rnd [8]byte
	for try := 0; try < 100; try++ {
		unix.Getrandom(rnd[:], 0)
		name := ".blink-tmpfile-" + strconv.FormatUint(binary.LittleEndian.Uint64(rnd[:]), 36)
		fd, err := retry(func() (int, error) {
			return unix.Openat(dfd, name, flags|unix.O_CREAT|unix.O_EXCL|unix.O_NOFOLLOW, mode)
		})
		if err == unix.EEXIST {
			continue
		}
		if err != nil {
			return -1, errnoOf(err)
		}
		unix.Unlinkat(dfd, name, 0)
		return fd, 0
	}
	return -1, abi.EEXIST
}

func mknodat(dfd int, name string, mode uint32, dev uint64) abi.Errno {
	return errnoOf(unix.Mknodat(dfd, name, mode, int(dev)))
}

func renameat(ofd int, on string, nfd int, nn string, flags uint32) abi.Errno {
	return errnoOf(unix.Renameat2(ofd, on, nfd, nn, uint(flags)))
}

// chmodNoFollow changes the mode of name without following a symlink:
// fchmodat(2) has no working AT_SYMLINK_NOFOLLOW before Linux 6.6, so
// the file is pinned with O_PATH|O_NOFOLLOW and changed through its
// /proc/self/fd link, which names exactly that inode.
func chmodNoFollow(dfd int, name string, mode uint32) abi.Errno {
	fd, err := unix.Openat(dfd, name, unix.O_PATH|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		return errnoOf(err)
	}
	defer unix.Close(fd)
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return errnoOf(err)
	}
	if st.Mode&unix.S_IFMT == unix.S_IFLNK {
		return abi.EOPNOTSUPP // Linux symlinks have no mode of their own
	}
	err = unix.Fchmodat(unix.AT_FDCWD, "/proc/self/fd/"+strconv.Itoa(fd), mode, 0)
	if err == unix.ENOENT {
		// No /proc: a regular or directory inode can be opened and
		// changed through the descriptor.
		rfd, err := unix.Openat(dfd, name, unix.O_RDONLY|unix.O_NOFOLLOW|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
		if err != nil {
			return errnoOf(err)
		}
		defer unix.Close(rfd)
		return errnoOf(unix.Fchmod(rfd, mode))
	}
	return errnoOf(err)
}

// hostTime keeps UTIME_NOW/UTIME_OMIT in Nsec intact; the field widths
// are those of the host's time_t (32-bit on 386, arm and mips).
func hostTime(t vfs.Timespec) unix.Timespec {
	var ts unix.Timespec
	setInt(&ts.Sec, t.Sec)
	setInt(&ts.Nsec, t.Nsec)
	return ts
}

func setInt[T int32 | int64](p *T, v int64) { *p = T(v) }

// futimens is utimensat with a NULL path, which x/sys does not expose.
func futimens(fd int, atime, mtime vfs.Timespec) abi.Errno {
	ts := [2]unix.Timespec{hostTime(atime), hostTime(mtime)}
	_, _, en := unix.Syscall6(unix.SYS_UTIMENSAT, uintptr(fd), 0, uintptr(unsafe.Pointer(&ts[0])), 0, 0, 0)
	if en != 0 {
		return errnoFromHost(en)
	}
	return 0
}

func fdatasync(fd int) error { return unix.Fdatasync(fd) }

package hostfs

import (
	"encoding/binary"
	"strconv"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/blink-go/blink/core/abi"
	"github.com/blink-go/blink/fs/vfs"
)

// On a Linux host the guest ABI is the host's: errnos, open flags, stat
// fields and UTIME_* need no translation.

// dirOpenFlags opens a directory only to resolve names in it: O_PATH
// needs no read permission on it, as a Linux path walk needs none.
const dirOpenFlags = unix.O_PATH

func errnoFromHost(e unix.Errno) abi.Errno { return abi.Errno(e) }

func openFlags(flags int) (int, abi.Errno) { return flags, 0 }

func seekWhence(w int) (int, abi.Errno) { return w, 0 }

func statOf(st *unix.Stat_t) vfs.Stat {
	return vfs.Stat{
		Dev: st.Dev, Ino: Ino(st.Dev, st.Ino), Nlink: uint64(st.Nlink), Rdev: st.Rdev,
		Mode: st.Mode, UID: st.Uid, GID: st.Gid,
		Size: st.Size, Blksize: int64(st.Blksize), Blocks: st.Blocks,
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

// readDir lists fd with getdents64: d_ino is hashed like st_ino with the
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
			reclen := int(binary.LittleEndian.Uint16(b[16:]))
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
				ents = append(ents, vfs.DirEnt{Name: s, Ino: Ino(st.Dev, binary.LittleEndian.Uint64(b)), Type: typ})
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

func hostTime(t vfs.Timespec) unix.Timespec { return unix.Timespec{Sec: t.Sec, Nsec: t.Nsec} }

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

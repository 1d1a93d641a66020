//go:build darwin || freebsd

package hostfs

import (
	"crypto/rand"
	"os"

	"golang.org/x/sys/unix"

	"github.com/blink-go/blink/core/abi"
	"github.com/blink-go/blink/fs/vfs"
)

// BSD hosts differ from Linux in errno numbers, open flags, UTIME_*
// values, device numbers and directory records; translated here.

// dirOpenFlags: O_SEARCH opens a directory for lookups without read
// permission, the closest these hosts have to O_PATH.
const dirOpenFlags = unix.O_SEARCH

func errnoFromHost(e unix.Errno) abi.Errno {
	if le, ok := errnoMap[e]; ok {
		return le
	}
	if e == unix.ENOTSUP { // a distinct number on macOS
		return abi.EOPNOTSUPP
	}
	return abi.EIO
}

func openFlags(flags int) (int, abi.Errno) {
	h := flags & abi.O_ACCMODE
	for _, f := range [...][2]int{
		{abi.O_NOCTTY, unix.O_NOCTTY}, {abi.O_TRUNC, unix.O_TRUNC}, {abi.O_APPEND, unix.O_APPEND},
		{abi.O_NONBLOCK, unix.O_NONBLOCK}, {abi.O_DIRECTORY, unix.O_DIRECTORY},
		{abi.O_NOFOLLOW, unix.O_NOFOLLOW}, {abi.O_SYNC, unix.O_SYNC},
	} {
		if flags&f[0] == f[0] {
			h |= f[1]
		}
	}
	return h, 0
}

func seekWhence(w int) (int, abi.Errno) {
	if w > abi.SEEK_END {
		return 0, abi.EINVAL
	}
	return w, 0
}

// linuxDev re-encodes a host device number the way Linux encodes one.
func linuxDev(d uint64) uint64 {
	maj, min := uint64(unix.Major(d)), uint64(unix.Minor(d))
	return min&0xff | (maj&0xfff)<<8 | (min&^0xff)<<12 | (maj&^0xfff)<<32
}

func statOf(st *unix.Stat_t) vfs.Stat {
	return vfs.Stat{
		Dev: uint64(st.Dev), Ino: Ino(uint64(st.Dev), uint64(st.Ino)), Nlink: uint64(st.Nlink),
		Rdev: linuxDev(uint64(st.Rdev)), Mode: uint32(st.Mode), UID: st.Uid, GID: st.Gid,
		Size: st.Size, Blksize: int64(st.Blksize), Blocks: st.Blocks,
		Atime: vfs.Timespec{Sec: int64(st.Atim.Sec), Nsec: int64(st.Atim.Nsec)},
		Mtime: vfs.Timespec{Sec: int64(st.Mtim.Sec), Nsec: int64(st.Mtim.Nsec)},
		Ctime: vfs.Timespec{Sec: int64(st.Ctim.Sec), Nsec: int64(st.Ctim.Nsec)},
		Btime: vfs.Timespec{Sec: int64(st.Btim.Sec), Nsec: int64(st.Btim.Nsec)},
	}
}

func openBeneath(int, string, int) (int, abi.Errno, bool) { return -1, 0, false }

// readDir lists through the os package (the BSDs' getdirentries records
// differ per system), stat'ing each entry for its inode number.
func readDir(fd int) ([]vfs.DirEnt, abi.Errno) {
	nfd, err := unix.Dup(fd)
	if err != nil {
		return nil, errnoOf(err)
	}
	f := os.NewFile(uintptr(nfd), "")
	defer f.Close()
	names, err := f.Readdirnames(-1)
	if err != nil {
		return nil, abi.EIO
	}
	ents := make([]vfs.DirEnt, 0, len(names))
	for _, name := range names {
		var st unix.Stat_t
		if unix.Fstatat(fd, name, &st, unix.AT_SYMLINK_NOFOLLOW) != nil {
			continue // removed meanwhile
		}
		ents = append(ents, vfs.DirEnt{Name: name, Ino: Ino(uint64(st.Dev), uint64(st.Ino)), Type: vfs.DTFromMode(uint32(st.Mode))})
	}
	return ents, 0
}

// tmpFile: no O_TMPFILE here; see host_linux.go's polyfill.
func tmpFile(dfd, flags int, mode uint32) (int, abi.Errno) {
	var rnd [8]byte
	for try := 0; try < 100; try++ {
		rand.Read(rnd[:])
		name := ".blink-tmpfile-" + hex(rnd[:])
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

func hex(b []byte) string {
	const digits = "0123456789abcdef"
	out := make([]byte, 0, 2*len(b))
	for _, c := range b {
		out = append(out, digits[c>>4], digits[c&15])
	}
	return string(out)
}

// renameat: no renameat2 here. RENAME_NOREPLACE is checked first (racy,
// documented); RENAME_EXCHANGE cannot be done atomically: EINVAL, as
// Linux file systems without it answer.
func renameat(ofd int, on string, nfd int, nn string, flags uint32) abi.Errno {
	if flags&abi.RENAME_EXCHANGE != 0 {
		return abi.EINVAL
	}
	if flags&abi.RENAME_NOREPLACE != 0 {
		var st unix.Stat_t
		if unix.Fstatat(nfd, nn, &st, unix.AT_SYMLINK_NOFOLLOW) == nil {
			return abi.EEXIST
		}
	}
	return errnoOf(unix.Renameat(ofd, on, nfd, nn))
}

func chmodNoFollow(dfd int, name string, mode uint32) abi.Errno {
	return errnoOf(unix.Fchmodat(dfd, name, mode, unix.AT_SYMLINK_NOFOLLOW))
}

func hostTime(t vfs.Timespec) unix.Timespec {
	switch t.Nsec {
	case abi.UTIME_NOW:
		return unix.Timespec{Nsec: -1}
	case abi.UTIME_OMIT:
		return unix.Timespec{Nsec: -2}
	}
	// NsecToTimespec picks the field widths of the platform (32-bit ones
	// on 386 and arm).
	return unix.NsecToTimespec(t.Sec*1e9 + t.Nsec)
}

func fdatasync(fd int) error { return unix.Fsync(fd) }

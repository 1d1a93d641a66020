package kernel

import (
	"strconv"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/blink-go/blink/core/abi"
	"github.com/blink-go/blink/hostfs"
)

// On a Linux host the guest ABI is the host ABI: errnos, open flags and
// stat fields need no translation, and getdents64 records pass through.

func statFromHost(st *unix.Stat_t) Stat {
	return Stat{
		Dev: uint64(st.Dev), Ino: uint64(st.Ino), Nlink: uint64(st.Nlink), Rdev: uint64(st.Rdev),
		Mode: st.Mode, UID: st.Uid, GID: st.Gid,
		Size: int64(st.Size), Blksize: int64(st.Blksize), Blocks: int64(st.Blocks),
		Atime: Timespec{Sec: int64(st.Atim.Sec), Nsec: int64(st.Atim.Nsec)},
		Mtime: Timespec{Sec: int64(st.Mtim.Sec), Nsec: int64(st.Mtim.Nsec)},
		Ctime: Timespec{Sec: int64(st.Ctim.Sec), Nsec: int64(st.Ctim.Nsec)},
	}
}

// hostTimespec keeps UTIME_NOW/UTIME_OMIT intact; the field widths are
// the host's time_t (32-bit on 386, arm and mips).
func hostTimespec(t Timespec) unix.Timespec {
	var ts unix.Timespec
	setWidth(&ts.Sec, t.Sec)
	setWidth(&ts.Nsec, t.Nsec)
	return ts
}

func setWidth[T int32 | int64](p *T, v int64) { *p = T(v) }

func hostSeekData(fd int, off int64, whence int) (int64, abi.Errno) {
	n, err := unix.Seek(fd, off, whence)
	return n, hostErrno(err)
}

// hostFutimens is futimens(2): utimensat with a NULL path, which x/sys does
// not expose.
func hostFutimens(fd int, atime, mtime Timespec) abi.Errno {
	ts := [2]unix.Timespec{hostTimespec(atime), hostTimespec(mtime)}
	_, _, en := unix.Syscall6(unix.SYS_UTIMENSAT, uintptr(fd), 0, uintptr(unsafe.Pointer(&ts[0])), 0, 0, 0)
	if en != 0 {
		return hostfs.HostErrno(en)
	}
	return 0
}

// hostFDPath asks the host where the descriptor points, so getcwd after
// chdir("..") through a symlink answers as Linux does.
func hostFDPath(f *hostFile) string {
	var buf [abi.PATH_MAX]byte
	n, err := unix.Readlink("/proc/self/fd/"+strconv.Itoa(f.fd), buf[:])
	if err != nil {
		return f.path
	}
	return string(buf[:n])
}

// ReadDir passes host linux_dirent64 records through unchanged; d_off
// cookies are the host's, so lseek on the directory keeps working.
func (f *hostFile) ReadDir(buf []byte) (int, abi.Errno) {
	n, err := retryInt(func() (int, error) { return unix.Getdents(f.fd, buf) })
	if err != nil {
		return 0, hostErrno(err)
	}
	return n, 0
}

// dirList is only needed on hosts without getdents64.
type dirList struct{}

func (*dirList) seek(off int64, whence int) (int64, abi.Errno) { return 0, abi.EINVAL }

func (f *hostFile) GetTermios(t *[abi.TermiosSize]byte) abi.Errno {
	tio, err := unix.IoctlGetTermios(f.fd, unix.TCGETS)
	if err != nil {
		return hostErrno(err)
	}
	putTermios(t, tio)
	return 0
}

func (f *hostFile) SetTermios(req uint32, t *[abi.TermiosSize]byte) abi.Errno {
	// Start from the host's struct so fields past the kernel layout (the
	// speeds on some hosts) keep their values.
	tio, err := unix.IoctlGetTermios(f.fd, unix.TCGETS)
	if err != nil {
		return hostErrno(err)
	}
	getTermios(tio, t)
	hreq := uint(unix.TCSETS)
	switch req {
	case abi.TCSETSW:
		hreq = unix.TCSETSW
	case abi.TCSETSF:
		hreq = unix.TCSETSF
	}
	return hostErrno(unix.IoctlSetTermios(f.fd, hreq, tio))
}

func (f *hostFile) GetWinsize() (rows, cols, xpix, ypix uint16, e abi.Errno) {
	ws, err := unix.IoctlGetWinsize(f.fd, unix.TIOCGWINSZ)
	if err != nil {
		return 0, 0, 0, 0, hostErrno(err)
	}
	return ws.Row, ws.Col, ws.Xpixel, ws.Ypixel, 0
}

// The host's termios flag bits equal x86-64's on the asm-generic hosts this
// builds for (amd64, arm64, riscv64, s390x).
func putTermios(t *[abi.TermiosSize]byte, tio *unix.Termios) {
	le32(t[abi.TermiosIflag:], tio.Iflag)
	le32(t[abi.TermiosOflag:], tio.Oflag)
	le32(t[abi.TermiosCflag:], tio.Cflag)
	le32(t[abi.TermiosLflag:], tio.Lflag)
	t[abi.TermiosLine] = tio.Line
	copy(t[abi.TermiosCC:abi.TermiosCC+abi.NCCS], tio.Cc[:])
}

func getTermios(tio *unix.Termios, t *[abi.TermiosSize]byte) {
	tio.Iflag = rd32(t[abi.TermiosIflag:])
	tio.Oflag = rd32(t[abi.TermiosOflag:])
	tio.Cflag = rd32(t[abi.TermiosCflag:])
	tio.Lflag = rd32(t[abi.TermiosLflag:])
	tio.Line = t[abi.TermiosLine]
	copy(tio.Cc[:], t[abi.TermiosCC:abi.TermiosCC+abi.NCCS])
}

// openPathFlag opens directories for the cwd without needing read access.
const openPathFlag = abi.O_PATH

func hostSysinfo() sysinfoData {
	var si unix.Sysinfo_t
	if unix.Sysinfo(&si) != nil {
		return sysinfoData{}
	}
	u := uint64(si.Unit)
	return sysinfoData{
		loads:    [3]uint64{uint64(si.Loads[0]), uint64(si.Loads[1]), uint64(si.Loads[2])},
		totalram: uint64(si.Totalram) * u, freeram: uint64(si.Freeram) * u, sharedram: uint64(si.Sharedram) * u,
		bufferram: uint64(si.Bufferram) * u, totalswap: uint64(si.Totalswap) * u, freeswap: uint64(si.Freeswap) * u,
	}
}

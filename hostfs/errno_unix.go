//go:build linux || darwin || freebsd

package hostfs

import (
	"golang.org/x/sys/unix"

	"github.com/blink-go/blink/core/abi"
)

// errnoMap translates host errnos by name wherever the host's numbers are
// not x86-64 Linux's (the BSDs, and Linux on MIPS).
var errnoMap = map[unix.Errno]abi.Errno{
	unix.EPERM: abi.EPERM, unix.ENOENT: abi.ENOENT, unix.ESRCH: abi.ESRCH, unix.EINTR: abi.EINTR,
	unix.EIO: abi.EIO, unix.ENXIO: abi.ENXIO, unix.E2BIG: abi.E2BIG, unix.ENOEXEC: abi.ENOEXEC,
	unix.EBADF: abi.EBADF, unix.ECHILD: abi.ECHILD, unix.EAGAIN: abi.EAGAIN, unix.ENOMEM: abi.ENOMEM,
	unix.EACCES: abi.EACCES, unix.EFAULT: abi.EFAULT, unix.EBUSY: abi.EBUSY, unix.EEXIST: abi.EEXIST,
	unix.EXDEV: abi.EXDEV, unix.ENODEV: abi.ENODEV, unix.ENOTDIR: abi.ENOTDIR, unix.EISDIR: abi.EISDIR,
	unix.EINVAL: abi.EINVAL, unix.ENFILE: abi.ENFILE, unix.EMFILE: abi.EMFILE, unix.ENOTTY: abi.ENOTTY,
	unix.ETXTBSY: abi.ETXTBSY, unix.EFBIG: abi.EFBIG, unix.ENOSPC: abi.ENOSPC, unix.ESPIPE: abi.ESPIPE,
	unix.EROFS: abi.EROFS, unix.EMLINK: abi.EMLINK, unix.EPIPE: abi.EPIPE, unix.ERANGE: abi.ERANGE,
	unix.EDEADLK: abi.EDEADLK, unix.ENAMETOOLONG: abi.ENAMETOOLONG, unix.ENOLCK: abi.ENOLCK,
	unix.ENOSYS: abi.ENOSYS, unix.ENOTEMPTY: abi.ENOTEMPTY, unix.ELOOP: abi.ELOOP,
	unix.EOVERFLOW: abi.EOVERFLOW, unix.EILSEQ: abi.EILSEQ, unix.ENOTSOCK: abi.ENOTSOCK,
	unix.EOPNOTSUPP: abi.EOPNOTSUPP, unix.ETIMEDOUT: abi.ETIMEDOUT, unix.EDQUOT: abi.EDQUOT,
	unix.ESTALE: abi.ESTALE,
}

package abi

// Strerror returns the message glibc's strerror gives for e, for
// user-facing errors ("No such file or directory"); Error returns the
// symbolic name, which traces use.
func (e Errno) Strerror() string {
	if int(e) < len(errnoText) && errnoText[e] != "" {
		return errnoText[e]
	}
	return e.Error()
}

var errnoText = [...]string{
	EPERM: "Operation not permitted", ENOENT: "No such file or directory", ESRCH: "No such process",
	EINTR: "Interrupted system call", EIO: "Input/output error", ENXIO: "No such device or address",
	E2BIG: "Argument list too long", ENOEXEC: "Exec format error", EBADF: "Bad file descriptor",
	ECHILD: "No child processes", EAGAIN: "Resource temporarily unavailable",
	ENOMEM: "Cannot allocate memory", EACCES: "Permission denied", EFAULT: "Bad address",
	EBUSY: "Device or resource busy", EEXIST: "File exists", EXDEV: "Invalid cross-device link",
	ENODEV: "No such device", ENOTDIR: "Not a directory", EISDIR: "Is a directory",
	EINVAL: "Invalid argument", ENFILE: "Too many open files in system", EMFILE: "Too many open files",
	ENOTTY: "Inappropriate ioctl for device", ETXTBSY: "Text file busy", EFBIG: "File too large",
	ENOSPC: "No space left on device", ESPIPE: "Illegal seek", EROFS: "Read-only file system",
	EMLINK: "Too many links", EPIPE: "Broken pipe", ERANGE: "Numerical result out of range",
	ENAMETOOLONG: "File name too long", ENOSYS: "Function not implemented",
	ENOTEMPTY: "Directory not empty", ELOOP: "Too many levels of symbolic links",
	EOPNOTSUPP: "Operation not supported", ECONNREFUSED: "Connection refused",
	ETIMEDOUT: "Connection timed out", 80: "Accessing a corrupted shared library",
}

package kernel

import (
	"github.com/blink-go/blink/core/abi"
)

// linux64 lists the x86-64 syscalls blink knows, in number order. Numbers
// not listed return ENOSYS and are logged once as "unknown".
func linux64() []numbered {
	const (
		i   = argInt
		l   = argLong
		u   = argUint
		x   = argHex
		p   = argPtr
		fd  = argFD
		s   = argPath
		bi  = argBufIn
		bo  = argBufOut
		of  = argOpenFlags
		md  = argMode
		sig = argSignal
		clk = argClock
	)
	return []numbered{
		supported(abi.SYS_READ, "read", sysRead, fd, bo, u),
		supported(abi.SYS_WRITE, "write", sysWrite, fd, bi, u),
		supported(abi.SYS_OPEN, "open", sysOpen, s, of, md),
		supported(abi.SYS_CLOSE, "close", sysClose, fd),
		supported(abi.SYS_STAT, "stat", sysStat, s, p),
		supported(abi.SYS_FSTAT, "fstat", sysFstat, fd, p),
		supported(abi.SYS_LSTAT, "lstat", sysLstat, s, p),
		unimplemented(abi.SYS_POLL, "poll", "needs host poll on guest fds"),
		supported(abi.SYS_LSEEK, "lseek", sysLseek, fd, l, argWhence),
		supported(abi.SYS_MMAP, "mmap", sysMmap, p, u, argProt, argMapFlags, fd, x, retHex),
		supported(abi.SYS_MPROTECT, "mprotect", sysMprotect, p, u, argProt),
		supported(abi.SYS_MUNMAP, "munmap", sysMunmap, p, u),
		supported(abi.SYS_BRK, "brk", sysBrk, p, retHex),
		partial(abi.SYS_RT_SIGACTION, "rt_sigaction", sysRtSigaction, "recorded; handlers are not run yet", sig, p, p, u),
		supported(abi.SYS_RT_SIGPROCMASK, "rt_sigprocmask", sysRtSigprocmask, argSigHow, p, p, u),
		unimplemented(abi.SYS_RT_SIGRETURN, "rt_sigreturn", "signal frames come with signal delivery"),
		partial(abi.SYS_IOCTL, "ioctl", sysIoctl, "terminal attributes, window size, FIONBIO, FIOCLEX", fd, x, p),
		supported(abi.SYS_PREAD64, "pread64", sysPread64, fd, bo, u, l),
		supported(abi.SYS_PWRITE64, "pwrite64", sysPwrite64, fd, bi, u, l),
		supported(abi.SYS_READV, "readv", sysReadv, fd, p, i),
		supported(abi.SYS_WRITEV, "writev", sysWritev, fd, p, i),
		supported(abi.SYS_ACCESS, "access", sysAccess, s, i),
		supported(abi.SYS_PIPE, "pipe", sysPipe, p),
		unimplemented(abi.SYS_SELECT, "select", "needs host poll on guest fds"),
		supported(abi.SYS_SCHED_YIELD, "sched_yield", sysSchedYield),
		supported(abi.SYS_MREMAP, "mremap", sysMremap, p, u, u, x, p, retHex),
		supported(abi.SYS_MADVISE, "madvise", sysMadvise, p, u, i),
		supported(abi.SYS_DUP, "dup", sysDup, fd),
		supported(abi.SYS_DUP2, "dup2", sysDup2, fd, fd),
		partial(abi.SYS_NANOSLEEP, "nanosleep", sysNanosleep, "not interrupted by signals yet", p, p),
		supported(abi.SYS_GETPID, "getpid", sysGetpid),
		partial(abi.SYS_EXIT, "exit", sysExit, "single-threaded: ends the process", i),
		partial(abi.SYS_WAIT4, "wait4", sysWait4, "no children exist yet: ECHILD", i, p, x, p),
		partial(abi.SYS_KILL, "kill", sysKill, "self only, default actions", i, sig),
		supported(abi.SYS_UNAME, "uname", sysUname, p),
		partial(abi.SYS_FCNTL, "fcntl", sysFcntl, "no record locks, owners, leases or seals", fd, argFcntl, x),
		supported(abi.SYS_FSYNC, "fsync", sysFsync, fd),
		supported(abi.SYS_FDATASYNC, "fdatasync", sysFdatasync, fd),
		supported(abi.SYS_TRUNCATE, "truncate", sysTruncate, s, l),
		supported(abi.SYS_FTRUNCATE, "ftruncate", sysFtruncate, fd, l),
		supported(abi.SYS_GETCWD, "getcwd", sysGetcwd, p, u),
		supported(abi.SYS_CHDIR, "chdir", sysChdir, s),
		supported(abi.SYS_FCHDIR, "fchdir", sysFchdir, fd),
		supported(abi.SYS_RENAME, "rename", sysRename, s, s),
		supported(abi.SYS_MKDIR, "mkdir", sysMkdir, s, md),
		supported(abi.SYS_RMDIR, "rmdir", sysRmdir, s),
		supported(abi.SYS_CREAT, "creat", sysCreat, s, md),
		supported(abi.SYS_UNLINK, "unlink", sysUnlink, s),
		supported(abi.SYS_READLINK, "readlink", sysReadlink, s, p, u),
		supported(abi.SYS_CHMOD, "chmod", sysChmod, s, md),
		supported(abi.SYS_FCHMOD, "fchmod", sysFchmod, fd, md),
		supported(abi.SYS_CHOWN, "chown", sysChown, s, i, i),
		supported(abi.SYS_FCHOWN, "fchown", sysFchown, fd, i, i),
		supported(abi.SYS_LCHOWN, "lchown", sysLchown, s, i, i),
		supported(abi.SYS_UMASK, "umask", sysUmask, md),
		supported(abi.SYS_GETTIMEOFDAY, "gettimeofday", sysGettimeofday, p, p),
		supported(abi.SYS_GETRLIMIT, "getrlimit", sysGetrlimit, i, p),
		supported(abi.SYS_SYSINFO, "sysinfo", sysSysinfo, p),
		supported(abi.SYS_GETUID, "getuid", sysGetuid),
		supported(abi.SYS_GETGID, "getgid", sysGetgid),
		supported(abi.SYS_GETEUID, "geteuid", sysGeteuid),
		supported(abi.SYS_GETEGID, "getegid", sysGetegid),
		partial(abi.SYS_SETPGID, "setpgid", sysSetpgid, "recorded; this process only", i, i),
		supported(abi.SYS_GETPPID, "getppid", sysGetppid),
		supported(abi.SYS_GETPGRP, "getpgrp", sysGetpgrp),
		partial(abi.SYS_SETSID, "setsid", sysSetsid, "recorded; no controlling-terminal change"),
		supported(abi.SYS_GETGROUPS, "getgroups", sysGetgroups, i, p),
		supported(abi.SYS_GETRESUID, "getresuid", sysGetresuid, p, p, p),
		supported(abi.SYS_GETRESGID, "getresgid", sysGetresgid, p, p, p),
		supported(abi.SYS_GETPGID, "getpgid", sysGetpgid, i),
		supported(abi.SYS_GETSID, "getsid", sysGetsid, i),
		supported(abi.SYS_RT_SIGPENDING, "rt_sigpending", sysRtSigpending, p, u),
		supported(abi.SYS_SIGALTSTACK, "sigaltstack", sysSigaltstack, p, p),
		supported(abi.SYS_ARCH_PRCTL, "arch_prctl", sysArchPrctl, x, p),
		supported(abi.SYS_SETRLIMIT, "setrlimit", sysSetrlimit, i, p),
		supported(abi.SYS_GETTID, "gettid", sysGettid),
		partial(abi.SYS_TKILL, "tkill", sysTkill, "default actions only", i, sig),
		supported(abi.SYS_TIME, "time", sysTime, p),
		partial(abi.SYS_SCHED_GETAFFINITY, "sched_getaffinity", sysSchedGetaffinity, "all host CPUs", i, u, p),
		supported(abi.SYS_GETDENTS64, "getdents64", sysGetdents64, fd, p, u),
		supported(abi.SYS_SET_TID_ADDRESS, "set_tid_address", sysSetTidAddress, p),
		supported(abi.SYS_CLOCK_GETTIME, "clock_gettime", sysClockGettime, clk, p),
		supported(abi.SYS_CLOCK_GETRES, "clock_getres", sysClockGetres, clk, p),
		partial(abi.SYS_CLOCK_NANOSLEEP, "clock_nanosleep", sysClockNanosleep, "not interrupted by signals yet", clk, x, p, p),
		supported(abi.SYS_EXIT_GROUP, "exit_group", sysExitGroup, i),
		partial(abi.SYS_TGKILL, "tgkill", sysTgkill, "default actions only", i, i, sig),
		supported(abi.SYS_OPENAT, "openat", sysOpenat, fd, s, of, md),
		supported(abi.SYS_MKDIRAT, "mkdirat", sysMkdirat, fd, s, md),
		supported(abi.SYS_FCHOWNAT, "fchownat", sysFchownat, fd, s, i, i, argAtFlags),
		supported(abi.SYS_NEWFSTATAT, "newfstatat", sysNewfstatat, fd, s, p, argAtFlags),
		supported(abi.SYS_UNLINKAT, "unlinkat", sysUnlinkat, fd, s, argAtFlags),
		supported(abi.SYS_RENAMEAT, "renameat", sysRenameat, fd, s, fd, s),
		supported(abi.SYS_READLINKAT, "readlinkat", sysReadlinkat, fd, s, p, u),
		supported(abi.SYS_FCHMODAT, "fchmodat", sysFchmodat, fd, s, md),
		supported(abi.SYS_FACCESSAT, "faccessat", sysFaccessat, fd, s, i),
		supported(abi.SYS_SET_ROBUST_LIST, "set_robust_list", sysSetRobustList, p, u),
		supported(abi.SYS_GET_ROBUST_LIST, "get_robust_list", sysGetRobustList, i, p, p),
		supported(abi.SYS_UTIMENSAT, "utimensat", sysUtimensat, fd, s, p, argAtFlags),
		supported(abi.SYS_DUP3, "dup3", sysDup3, fd, fd, of),
		supported(abi.SYS_PIPE2, "pipe2", sysPipe2, p, of),
		supported(abi.SYS_PREADV, "preadv", sysPreadv, fd, p, i, l),
		supported(abi.SYS_PWRITEV, "pwritev", sysPwritev, fd, p, i, l),
		partial(abi.SYS_PRLIMIT64, "prlimit64", sysPrlimit64, "this process only", i, i, p, p),
		partial(abi.SYS_RENAMEAT2, "renameat2", sysRenameat2, "RENAME_WHITEOUT as the host allows", fd, s, fd, s, x),
		supported(abi.SYS_GETRANDOM, "getrandom", sysGetrandom, p, u, x),
		supported(abi.SYS_STATX, "statx", sysStatx, fd, s, argAtFlags, x, p),
		errorWith(abi.SYS_RSEQ, "rseq", abi.ENOSYS, "restartable sequences are not emulated; libcs fall back"),
		supported(abi.SYS_FACCESSAT2, "faccessat2", sysFaccessat2, fd, s, i, argAtFlags),
	}
}

// quiet lists syscalls whose ENOSYS is expected and not worth a log line.
func quietENOSYS(nr uint64) bool { return nr == abi.SYS_RSEQ }

package kernel

import "github.com/blink-go/blink/core/abi"

// The fake root (package fs/fakeroot): under -C the guest runs as root
// and sees the root's files owned as its tarball says, whoever runs
// blink; Config.KeepHostIDs keeps the host user's identity and the
// host's owners instead. This file holds the kernel's part: the first
// process's credentials and mknod(2), which the fake root turns into
// store entries for devices an unprivileged host cannot make.

// fakeRoot reports whether cfg runs the guest in a fake root.
func fakeRoot(cfg *Config) bool { return cfg.Root != "" && !cfg.KeepHostIDs }

// firstCredentials are those of a process made from nothing (not
// forked): uid and gid 0 in a fake root, else the host's.
func (k *Kernel) firstCredentials() Credentials {
	if fakeRoot(&k.cfg) {
		return Credentials{Groups: []uint32{0}}
	}
	return hostCredentials()
}

// MknodFS is an FS that can make device nodes, FIFOs and sockets
// (mknodat(2)); without it mknod is EPERM, as for an unprivileged user.
type MknodFS interface {
	// Mknod makes path with mode (type and permission bits, umask
	// applied) and, for devices, the Linux device number dev.
	Mknod(c *FSCtx, at File, path string, mode uint32, dev uint64) abi.Errno
}

func (fs *VFS) Mknod(c *FSCtx, at File, path string, mode uint32, dev uint64) abi.Errno {
	a, e := fs.at(at, path)
	if e != 0 {
		return e
	}
	return fs.V.Mknod(fs.ctx(c, cred(c)), a, path, mode, dev)
}

func sysMknod(t *Task, a *Args) (uint64, abi.Errno) {
	return t.mknodat(abi.AT_FDCWD, a[0], uint32(a[1]), a[2])
}

func sysMknodat(t *Task, a *Args) (uint64, abi.Errno) {
	return t.mknodat(int32(a[0]), a[1], uint32(a[2]), a[3])
}

// mknodat applies the umask to the permission bits only; the device
// number is the kernel's 32-bit new_decode_dev form widened (glibc and
// musl pass makedev's 64-bit value, whose high bits Linux ignores).
func (t *Task) mknodat(dirfd int32, addr uint64, mode uint32, dev uint64) (uint64, abi.Errno) {
	fs, ok := t.k.fs.(MknodFS)
	if !ok {
		return 0, abi.EPERM
	}
	p, at, release, e := t.pathArg(dirfd, addr, false)
	if e != 0 {
		return 0, e
	}
	defer release()
	mode = mode&abi.S_IFMT | mode&0o7777&^t.proc.umask
	return 0, fs.Mknod(t.proc.fsCtx(), at, p, mode, dev&0xffffffff)
}

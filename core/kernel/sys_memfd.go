package kernel

import (
	"sync"

	"github.com/blink-go/blink/core/abi"
	"github.com/blink-go/blink/fs/tmpfs"
	"github.com/blink-go/blink/fs/vfs"
)

// memfd_create: an anonymous file on a tmpfs of the kernel's own that is
// mounted nowhere (Linux's shm_mnt), so it can be read, written, grown and
// mapped shared like a /dev/shm file (fs/tmpfs/shared.go) and shows as
// "/memfd:NAME (deleted)" in /proc/PID/fd. Seals are not kept: with
// MFD_ALLOW_SEALING, F_GET_SEALS and F_ADD_SEALS answer EINVAL as for a
// file that cannot be sealed, and MFD_HUGETLB is EINVAL as on a kernel
// without hugetlbfs.

var memfdFS struct {
	once sync.Once
	fs   *VFS
	err  abi.Errno
}

func memfdVFS() (*VFS, abi.Errno) {
	memfdFS.once.Do(func() {
		root := tmpfs.New(0, 0o1777, 0, 0).Root()
		v, e := vfs.New(&vfs.Superblock{Type: "tmpfs", Source: "memfd", Root: root}, 0)
		memfdFS.fs, memfdFS.err = &VFS{V: v}, e
	})
	return memfdFS.fs, memfdFS.err
}

func sysMemfdCreate(t *Task, a *Args) (uint64, abi.Errno) {
	flags := uint32(a[1])
	if flags&^(abi.MFD_CLOEXEC|abi.MFD_ALLOW_SEALING|abi.MFD_HUGETLB|abi.MFD_NOEXEC_SEAL|abi.MFD_EXEC) != 0 ||
		flags&(abi.MFD_NOEXEC_SEAL|abi.MFD_EXEC) == abi.MFD_NOEXEC_SEAL|abi.MFD_EXEC {
		return 0, abi.EINVAL
	}
	// The name is copied before anything is made: EFAULT, or EINVAL
	// when longer than NAME_MAX allows after "memfd:".
	name, e := t.readCString(a[0], abi.MFD_NAME_MAX+1)
	if e == abi.E2BIG {
		return 0, abi.EINVAL
	} else if e != 0 {
		return 0, e
	}
	if flags&abi.MFD_HUGETLB != 0 {
		return 0, abi.EINVAL
	}
	fs, e := memfdVFS()
	if e != 0 {
		return 0, e
	}
	mode := uint32(0o777)
	if flags&abi.MFD_NOEXEC_SEAL != 0 {
		mode = 0o666
	}
	c := t.proc.fsCtx()
	f, e := fs.V.OpenUnnamed(fs.ctx(c, cred(c)), "memfd:"+name, abi.O_RDWR|abi.O_LARGEFILE, mode)
	if e != 0 {
		return 0, e
	}
	d := newDescription(fs.wrap(f), abi.O_RDWR|abi.O_LARGEFILE)
	fd, e := t.proc.fds.alloc(d, 0, flags&abi.MFD_CLOEXEC != 0)
	if e != 0 {
		d.decRef()
		return 0, e
	}
	return uint64(fd), 0
}

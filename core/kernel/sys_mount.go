package kernel

import "github.com/blink-go/blink/core/abi"

// mount(2), umount2(2) and chroot(2), served by the VFS's mount table
// (MountFS). Mounts are shared by every process of the kernel: there are
// no mount namespaces.

func sysMount(t *Task, a *Args) (uint64, abi.Errno) {
	mfs, ok := t.k.fs.(MountFS)
	if !ok {
		return 0, abi.EPERM
	}
	target, e := t.readPath(a[1])
	if e != 0 {
		return 0, e
	}
	var source, fstype string
	if a[0] != 0 {
		if source, e = t.readPath(a[0]); e != 0 {
			return 0, e
		}
	}
	if a[2] != 0 {
		if fstype, e = t.readPath(a[2]); e != 0 {
			return 0, e
		}
	}
	return 0, mfs.Mount(t.proc.fsCtx(), source, target, fstype, a[3])
}

func sysUmount2(t *Task, a *Args) (uint64, abi.Errno) {
	mfs, ok := t.k.fs.(MountFS)
	if !ok {
		return 0, abi.EPERM
	}
	target, e := t.readPath(a[0])
	if e != 0 {
		return 0, e
	}
	return 0, mfs.Umount(t.proc.fsCtx(), target, int(int32(a[1])))
}

// sysChroot changes the root of the calling process only; the cwd stays
// where it is (possibly outside the new root), as on Linux.
func sysChroot(t *Task, a *Args) (uint64, abi.Errno) {
	mfs, ok := t.k.fs.(MountFS)
	if !ok {
		return 0, abi.EPERM
	}
	p, e := t.readPath(a[0])
	if e != 0 {
		return 0, e
	}
	if p == "" {
		return 0, abi.ENOENT
	}
	root, e := mfs.Chroot(t.proc.fsCtx(), p)
	if e != 0 {
		return 0, e
	}
	t.proc.mu.Lock()
	t.proc.root = root
	t.proc.mu.Unlock()
	return 0, 0
}

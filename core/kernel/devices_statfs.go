package kernel

import (
	"encoding/binary"

	"github.com/blink-go/blink/core/abi"
	"github.com/blink-go/blink/fs/tmpfs"
	"github.com/blink-go/blink/fs/vfs"
)

// statfs(2) and fstatfs(2), which df and mount helpers need to describe
// the file systems procfs lists: host directories report the host file
// system's figures (statfs_host_*.go), tmpfs its size limit and use, the
// synthetic ones (proc, sysfs, devtmpfs) Linux's magic numbers and no
// blocks, which df leaves out as Linux's does.

// Linux f_type magic numbers (include/uapi/linux/magic.h).
const (
	procSuperMagic = 0x9fa0
	sysfsMagic     = 0x62656572
	tmpfsMagic     = 0x01021994
	overlayfsMagic = 0x794c7630
	ext4SuperMagic = 0xef53
	statfsSize     = 120
	stValid        = 0x20
	stRdonly       = 1
	stNosuid       = 2
	stNodev        = 4
	stNoexec       = 8
	stRelatime     = 4096
)

type statfsInfo struct {
	typ, bsize, blocks, bfree, bavail, files, ffree, namelen uint64
}

func sysStatfs(t *Task, a *Args) (uint64, abi.Errno) {
	p, at, release, e := t.pathArg(abi.AT_FDCWD, a[0], false)
	if e != 0 {
		return 0, e
	}
	defer release()
	fs, ok := t.k.fs.(*VFS)
	if !ok {
		return 0, abi.ENOSYS
	}
	base, e := fs.at(at, p)
	if e != 0 {
		return 0, e
	}
	loc, e := fs.V.Lookup(fs.ctx(t.proc.fsCtx(), cred(t.proc.fsCtx())), base, p, true, 0)
	if e != 0 {
		return 0, e
	}
	return 0, t.putStatfs(a[1], loc)
}

func sysFstatfs(t *Task, a *Args) (uint64, abi.Errno) {
	d, e := t.proc.fds.get(int32(a[0]))
	if e != 0 {
		return 0, e
	}
	defer d.decRef()
	v, ok := d.File.(*vfsFile)
	if !ok {
		// Pipes and host stdio: pipefs, as Linux reports for a pipe.
		var b [statfsSize]byte
		binary.LittleEndian.PutUint64(b[0:], 0x50495045)
		binary.LittleEndian.PutUint64(b[8:], 4096)
		binary.LittleEndian.PutUint64(b[64:], 255)
		binary.LittleEndian.PutUint64(b[72:], 4096)
		binary.LittleEndian.PutUint64(b[80:], stValid)
		return 0, t.copyOut(a[1], b[:])
	}
	return 0, t.putStatfs(a[1], v.Location())
}

func (t *Task) putStatfs(addr uint64, loc vfs.Location) abi.Errno {
	sb := loc.Mount.Superblock()
	info := statfsInfo{bsize: 4096, namelen: 255}
	switch sb.Type {
	case "proc":
		info.typ = procSuperMagic
	case "sysfs":
		info.typ = sysfsMagic
	case "devtmpfs":
		info.typ = tmpfsMagic
	case "tmpfs":
		info.typ = tmpfsMagic
		if limit, used, ok := tmpfs.Usage(sb.Root); ok {
			info.blocks = uint64(limit) / 4096
			info.bfree = uint64(limit-used) / 4096
			info.bavail = info.bfree
			info.files, info.ffree = info.blocks, info.bfree
		}
	default:
		info.typ = ext4SuperMagic
		if sb.Type == "overlay" {
			info.typ = overlayfsMagic
		}
		if h, ok := hostStatfs(sb.Source); ok {
			info = h
			if sb.Type == "overlay" {
				info.typ = overlayfsMagic
			}
		}
	}
	flags := uint64(stValid)
	mf := loc.Mount.Flags()
	for _, f := range [...][2]uint64{{abi.MS_RDONLY, stRdonly}, {abi.MS_NOSUID, stNosuid},
		{abi.MS_NODEV, stNodev}, {abi.MS_NOEXEC, stNoexec}} {
		if mf&f[0] != 0 {
			flags |= f[1]
		}
	}
	if mf&(abi.MS_NOATIME|abi.MS_STRICTATIME) == 0 {
		flags |= stRelatime
	}
	var b [statfsSize]byte
	le := binary.LittleEndian
	le.PutUint64(b[0:], info.typ)
	le.PutUint64(b[8:], info.bsize)
	le.PutUint64(b[16:], info.blocks)
	le.PutUint64(b[24:], info.bfree)
	le.PutUint64(b[32:], info.bavail)
	le.PutUint64(b[40:], info.files)
	le.PutUint64(b[48:], info.ffree)
	dev := sb.Dev()
	le.PutUint32(b[56:], uint32(dev)) // f_fsid
	le.PutUint32(b[60:], uint32(dev>>32))
	le.PutUint64(b[64:], info.namelen)
	le.PutUint64(b[72:], info.bsize) // f_frsize
	le.PutUint64(b[80:], flags)
	return t.copyOut(addr, b[:])
}

package vfs

import (
	"sync"

	"github.com/blink-go/blink/core/abi"
)

// Superblock is one instance of a file system: its root node and the
// st_dev every file in it reports. Bind mounts share a superblock, so they
// share st_dev, as on Linux.
type Superblock struct {
	Type   string // "hostfs", "overlay", "proc"...
	Source string // what mount(2) and /proc/mounts call the source
	Root   Node
	dev    uint64
}

// Dev is the superblock's st_dev (assigned by VFS.NewSuperblock).
func (sb *Superblock) Dev() uint64 { return sb.dev }

// Mount is one mounted view of a superblock.
//
// Invariants: root.parent == nil (a mount's root dentry is the top of
// every dentry chain inside the mount); parent and point are nil only for
// the root mount; a mount is in VFS.mounts under key exactly while it is
// attached.
type Mount struct {
	sb     *Superblock
	root   *Dentry
	parent *Mount
	point  *Dentry // dentry in parent the mount covers
	key    mountKey
	flags  uint64 // MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_NOATIME...
	id     int
	target string // guest path at mount time, for /proc/mounts
}

// Superblock returns the mounted superblock.
func (m *Mount) Superblock() *Superblock { return m.sb }

// Flags returns the MS_* per-mount flags.
func (m *Mount) Flags() uint64 { return m.flags }

// ID is the mount id (statx stx_mnt_id, /proc/self/mountinfo).
func (m *Mount) ID() int { return m.id }

// ReadOnly reports MS_RDONLY.
func (m *Mount) ReadOnly() bool { return m.flags&abi.MS_RDONLY != 0 }

// mountKey names the dentry a mount covers: the directory holding it (by
// inode number, which identifies a directory since directories have no
// hard links) and its name, within the parent mount. A name rather than
// the covered inode lets a mount point exist that the underlying file
// system lacks (/SystemRoot in a rootfs): such synthetic mount points are
// listed by getdents like real entries.
type mountKey struct {
	parent *Mount
	dir    uint64
	name   string
}

// VFS is the mount table and the path walker. One VFS is shared by every
// guest process of a machine, so mounts made by one process are seen by
// all (there are no mount namespaces).
//
// Lock order: VFS.mu is a leaf lock, held only while reading or changing
// the mount table, never across a call into a Node.
type VFS struct {
	mu      sync.RWMutex
	root    *Mount
	mounts  map[mountKey][]*Mount // a stack: the last element is on top
	nextDev uint64
	nextID  int
}

// New makes a VFS whose root mount is sb.
func New(sb *Superblock, flags uint64) (*VFS, abi.Errno) {
	v := &VFS{mounts: map[mountKey][]*Mount{}, nextID: 1}
	if sb.dev == 0 {
		v.assignDev(sb)
	}
	st, e := sb.Root.Stat()
	if e != 0 {
		return nil, e
	}
	if !st.IsDir() {
		return nil, abi.ENOTDIR
	}
	v.root = &Mount{sb: sb, root: &Dentry{node: sb.Root, stat: st}, flags: flags, id: v.nextID, target: "/"}
	v.nextID++
	return v, 0
}

// NewSuperblock gives sb its st_dev: major 0 and a fresh minor, as Linux
// numbers anonymous (non-block-device) file systems.
func (v *VFS) NewSuperblock(typ, source string, root Node) *Superblock {
	sb := &Superblock{Type: typ, Source: source, Root: root}
	v.mu.Lock()
	v.assignDev(sb)
	v.mu.Unlock()
	return sb
}

func (v *VFS) assignDev(sb *Superblock) {
	v.nextDev++
	// makedev(0, minor) in the glibc/Linux encoding: minor's low 8 bits
	// at 0..7, the rest at 20..
	m := v.nextDev + 0x20 // leave the small minors to the host's own
	sb.dev = (m & 0xff) | (m&^0xff)<<12
}

// RootLocation is the top of the mount tree, where every process starts.
func (v *VFS) RootLocation() Location { return Location{v.root, v.root.root} }

// Mounts lists the attached mounts, root first.
func (v *VFS) Mounts() []*Mount {
	v.mu.RLock()
	defer v.mu.RUnlock()
	out := []*Mount{v.root}
	for _, s := range v.mounts {
		out = append(out, s...)
	}
	return out
}

// Target returns where the mount was attached, for /proc/mounts.
func (m *Mount) Target() string { return m.target }

// covering returns the mount on top of name in directory dir of mount m,
// or nil.
func (v *VFS) covering(m *Mount, dir *Dentry, name string) *Mount {
	v.mu.RLock()
	defer v.mu.RUnlock()
	if len(v.mounts) == 0 {
		return nil
	}
	s := v.mounts[mountKey{m, dir.stat.Ino, name}]
	if len(s) == 0 {
		return nil
	}
	return s[len(s)-1]
}

// mountNames lists the names of mount points directly inside dir.
func (v *VFS) mountNames(m *Mount, dir *Dentry) map[string]*Mount {
	v.mu.RLock()
	defer v.mu.RUnlock()
	var out map[string]*Mount
	for k, s := range v.mounts {
		if k.parent == m && k.dir == dir.stat.Ino && len(s) > 0 {
			if out == nil {
				out = map[string]*Mount{}
			}
			out[k.name] = s[len(s)-1]
		}
	}
	return out
}

// hasChildren reports whether any mount sits inside m.
func (v *VFS) hasChildren(m *Mount) bool {
	for k, s := range v.mounts {
		if k.parent == m && len(s) > 0 {
			return true
		}
	}
	return false
}

// isMountPoint reports whether name in dir of m is covered.
func (v *VFS) isMountPoint(m *Mount, dir *Dentry, name string) bool {
	return v.covering(m, dir, name) != nil
}

// keyFor is the key of the dentry at loc: a mount's root stands for the
// dentry it covers, so mounting on a mount root stacks on it.
func keyFor(loc Location) (mountKey, abi.Errno) {
	m, d := loc.Mount, loc.Dentry
	for d.parent == nil {
		if m.parent == nil {
			// Mounting over the global root would hide it from every
			// process at once; Linux only allows it with pivot_root.
			return mountKey{}, abi.EBUSY
		}
		m, d = m.parent, m.point
	}
	return mountKey{m, d.parent.stat.Ino, d.name}, 0
}

// attach puts a mount of sb (rooted at root) on top of target.
func (v *VFS) attach(sb *Superblock, root *Dentry, target Location, flags uint64, name string) (*Mount, abi.Errno) {
	key, e := keyFor(target)
	if e != 0 {
		return nil, e
	}
	pm, pd := target.Mount, target.Dentry
	for pd.parent == nil && pm.parent != nil {
		pm, pd = pm.parent, pm.point
	}
	m := &Mount{sb: sb, root: root, parent: pm, point: pd, key: key, flags: flags, target: name}
	v.mu.Lock()
	m.id = v.nextID
	v.nextID++
	v.mounts[key] = append(v.mounts[key], m)
	v.mu.Unlock()
	return m, 0
}

// Mount attaches sb at path (resolved with ctx, following symlinks), the
// way mount(2) attaches a new file system. flags are the MS_* per-mount
// flags to record (MS_RDONLY gives EROFS on writes; MS_NOEXEC and
// MS_NOSUID are honoured by OpenExec).
func (v *VFS) Mount(ctx *Context, sb *Superblock, path string, flags uint64) (*Mount, abi.Errno) {
	if ctx.Cred.UID != 0 {
		return nil, abi.EPERM
	}
	target, e := v.resolve(ctx, nil, path, true, false)
	if e != 0 {
		return nil, e
	}
	if !target.Dentry.stat.IsDir() {
		return nil, abi.ENOTDIR
	}
	if sb.dev == 0 {
		v.mu.Lock()
		v.assignDev(sb)
		v.mu.Unlock()
	}
	st, e := sb.Root.Stat()
	if e != 0 {
		return nil, e
	}
	return v.attach(sb, &Dentry{node: sb.Root, stat: st}, target, flags&mountFlagMask, v.pathOf(target, v.RootLocation()))
}

const mountFlagMask = abi.MS_RDONLY | abi.MS_NOSUID | abi.MS_NODEV | abi.MS_NOEXEC |
	abi.MS_NOATIME | abi.MS_NODIRATIME | abi.MS_RELATIME | abi.MS_STRICTATIME | abi.MS_NOSYMFOLLOW

// MountSynthetic attaches sb at name inside directory dir (an absolute
// guest path) even when the underlying file system has no such entry;
// used at start-up for /SystemRoot and bind mounts into a rootfs that
// lacks the directory. The entry then appears in getdents.
func (v *VFS) MountSynthetic(ctx *Context, sb *Superblock, path string, flags uint64) (*Mount, abi.Errno) {
	if m, e := v.Mount(ctx, sb, path, flags); e != abi.ENOENT {
		return m, e
	}
	w := v.newWalk(ctx, Location{})
	w.loc = ctx.Root
	last, e := w.parent(path)
	if e != 0 {
		return nil, e
	}
	if last.kind != lastNorm {
		return nil, abi.EINVAL
	}
	st, e := sb.Root.Stat()
	if e != 0 {
		return nil, e
	}
	if sb.dev == 0 {
		v.mu.Lock()
		v.assignDev(sb)
		v.mu.Unlock()
	}
	dir := w.loc
	point := &Dentry{parent: dir.Dentry, name: last.name, node: sb.Root, stat: st, synthetic: true}
	key := mountKey{dir.Mount, dir.Dentry.stat.Ino, last.name}
	// dir may itself be a mount root: the key must name the covered
	// dentry's parent within dir.Mount, which it does since dir.Dentry is
	// the directory holding the new entry.
	m := &Mount{sb: sb, root: &Dentry{node: sb.Root, stat: st}, parent: dir.Mount, point: point, key: key,
		flags: flags & mountFlagMask, target: v.pathOf(dir, v.RootLocation()) + "/" + last.name}
	if m.target[:2] == "//" {
		m.target = m.target[1:]
	}
	v.mu.Lock()
	m.id = v.nextID
	v.nextID++
	v.mounts[key] = append(v.mounts[key], m)
	v.mu.Unlock()
	return m, 0
}

// BindMount makes the tree at src visible at target too (mount --bind).
// Only src's own mount is bound; mounts beneath it are not (MS_REC is
// not supported yet).
func (v *VFS) BindMount(ctx *Context, src, target string, flags uint64) (*Mount, abi.Errno) {
	if ctx.Cred.UID != 0 {
		return nil, abi.EPERM
	}
	from, e := v.resolve(ctx, nil, src, true, false)
	if e != 0 {
		return nil, e
	}
	to, e := v.resolve(ctx, nil, target, true, false)
	if e != 0 {
		return nil, e
	}
	// Linux allows binding a file onto a file and a directory onto a
	// directory; mixing them is ENOTDIR.
	if from.Dentry.stat.IsDir() != to.Dentry.stat.IsDir() {
		return nil, abi.ENOTDIR
	}
	root := &Dentry{node: from.Dentry.node, stat: from.Dentry.stat}
	return v.attach(from.Mount.sb, root, to, flags&mountFlagMask, v.pathOf(to, v.RootLocation()))
}

// Remount changes the per-mount flags of the mount whose root is at path
// (MS_REMOUNT or MS_REMOUNT|MS_BIND).
func (v *VFS) Remount(ctx *Context, path string, flags uint64) abi.Errno {
	if ctx.Cred.UID != 0 {
		return abi.EPERM
	}
	loc, e := v.resolve(ctx, nil, path, true, false)
	if e != 0 {
		return e
	}
	if loc.Dentry != loc.Mount.root {
		return abi.EINVAL
	}
	v.mu.Lock()
	loc.Mount.flags = flags & mountFlagMask
	v.mu.Unlock()
	return 0
}

// Umount detaches the mount whose root is at path, as umount2(2): EINVAL
// if path is not a mount root, EBUSY for the root mount or a mount with
// mounts inside it (unless MNT_DETACH, which takes them along).
func (v *VFS) Umount(ctx *Context, path string, flags int) abi.Errno {
	if ctx.Cred.UID != 0 {
		return abi.EPERM
	}
	if flags&^(abi.MNT_FORCE|abi.MNT_DETACH|abi.MNT_EXPIRE|abi.UMOUNT_NOFOLLOW) != 0 {
		return abi.EINVAL
	}
	loc, e := v.resolve(ctx, nil, path, flags&abi.UMOUNT_NOFOLLOW == 0, false)
	if e != 0 {
		return e
	}
	m := loc.Mount
	if loc.Dentry != m.root {
		return abi.EINVAL
	}
	if m.parent == nil {
		return abi.EBUSY
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	if flags&abi.MNT_DETACH == 0 && v.hasChildren(m) {
		return abi.EBUSY
	}
	v.detachLocked(m)
	return 0
}

func (v *VFS) detachLocked(m *Mount) {
	s := v.mounts[m.key]
	for i, x := range s {
		if x == m {
			s = append(s[:i:i], s[i+1:]...)
			break
		}
	}
	if len(s) == 0 {
		delete(v.mounts, m.key)
	} else {
		v.mounts[m.key] = s
	}
	for k, s := range v.mounts {
		if k.parent == m {
			for _, c := range s {
				v.detachLocked(c)
			}
		}
	}
}

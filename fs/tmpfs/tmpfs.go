// Package tmpfs is an in-memory file system: /dev/shm and what the guest
// mounts with `mount -t tmpfs`.
//
// Why our own and not spf13/afero's MemMapFs: MemMapFs has no symlinks,
// no hard links (a file is its name), no owners or device nodes, keeps
// one modification time and stores files as one contiguous slice, so it
// can carry neither Linux's inode model nor sparse files. Here an inode
// holds its pages in a map (holes read as zeros and use no memory), its
// owner, link count and three timestamps, and directories map names to
// inodes, so hard links are simply two names for one inode.
//
// Size limit: the pages in use (and a page per directory, symlink or
// device, as shmem accounts) are counted against Limit; a write or
// truncate that needs more fails with ENOSPC, as tmpfs's size= does.
//
// Locking: one mutex per file system guards every inode in it; file
// contents are copied under it. Simple and enough for /dev/shm.
package tmpfs

import (
	"os"
	"sort"
	"sync"
	"time"

	"github.com/blink-go/blink/core/abi"
	"github.com/blink-go/blink/fs/vfs"
)

const pageSize = 4096

// FS is one tmpfs instance (a superblock's worth of inodes).
type FS struct {
	mu      sync.Mutex
	limit   int64 // bytes; 0 = unlimited
	used    int64
	nextIno uint64
	root    *inode
}

// New makes an empty tmpfs whose root has mode (e.g. 01777 for
// /dev/shm) and is owned by uid:gid; limit bounds its size in bytes (0:
// unlimited).
func New(limit int64, mode, uid, gid uint32) *FS {
	fs := &FS{limit: limit, nextIno: 1}
	fs.root = fs.newInode(abi.S_IFDIR|mode&0o7777, uid, gid)
	fs.root.nlink = 2
	return fs
}

// Root is the root directory's node.
func (fs *FS) Root() vfs.Node { return fs.root }

// Used reports the bytes charged against the limit.
func (fs *FS) Used() int64 {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	return fs.used
}

// inode is a file, and the vfs.Node for it.
type inode struct {
	vfs.NodeDefaults
	fs                  *FS
	ino                 uint64
	mode, uid, gid      uint32
	nlink               uint64
	rdev                uint64
	atime, mtime, ctime vfs.Timespec
	size                int64
	pages               map[int64]*[pageSize]byte // regular files
	target              string                    // symlinks
	children            map[string]*inode         // directories
	opens               int                       // open files, which keep an unlinked file's pages
	host                *os.File                  // the contents once mapped shared (shared.go); pages is nil then
}

func now() vfs.Timespec {
	t := time.Now()
	return vfs.Timespec{Sec: t.Unix(), Nsec: int64(t.Nanosecond())}
}

func (fs *FS) newInode(mode, uid, gid uint32) *inode {
	t := now()
	n := &inode{fs: fs, ino: fs.nextIno, mode: mode, uid: uid, gid: gid, nlink: 1, atime: t, mtime: t, ctime: t}
	fs.nextIno++
	switch mode & abi.S_IFMT {
	case abi.S_IFDIR:
		n.children = map[string]*inode{}
		n.nlink = 2
	case abi.S_IFREG:
		n.pages = map[int64]*[pageSize]byte{}
	}
	return n
}

// charge accounts n more bytes (negative to release): ENOSPC past the
// limit.
func (fs *FS) charge(n int64) abi.Errno {
	if n > 0 && fs.limit > 0 && fs.used+n > fs.limit {
		return abi.ENOSPC
	}
	fs.used += n
	return 0
}

func (n *inode) isDir() bool { return n.mode&abi.S_IFMT == abi.S_IFDIR }

func (n *inode) statLocked() vfs.Stat {
	blocks := int64(len(n.pages)) * pageSize / 512
	if n.host != nil {
		blocks = pagesOf(n.size) * pageSize / 512
	}
	size := n.size
	switch n.mode & abi.S_IFMT {
	case abi.S_IFDIR:
		size = int64(len(n.children)+2) * 20 // tmpfs's BOGO_DIRENT_SIZE
	case abi.S_IFLNK:
		size = int64(len(n.target))
	}
	return vfs.Stat{Ino: n.ino, Nlink: n.nlink, Mode: n.mode, UID: n.uid, GID: n.gid, Rdev: n.rdev,
		Size: size, Blksize: pageSize, Blocks: blocks, Atime: n.atime, Mtime: n.mtime, Ctime: n.ctime}
}

func (n *inode) Stat() (vfs.Stat, abi.Errno) {
	n.fs.mu.Lock()
	defer n.fs.mu.Unlock()
	return n.statLocked(), 0
}

func (n *inode) Lookup(name string) (vfs.Node, vfs.Stat, abi.Errno) {
	n.fs.mu.Lock()
	defer n.fs.mu.Unlock()
	if !n.isDir() {
		return nil, vfs.Stat{}, abi.ENOTDIR
	}
	c, ok := n.children[name]
	if !ok {
		return nil, vfs.Stat{}, abi.ENOENT
	}
	return c, c.statLocked(), 0
}

func (n *inode) Readlink() (string, abi.Errno) {
	n.fs.mu.Lock()
	defer n.fs.mu.Unlock()
	if n.mode&abi.S_IFMT != abi.S_IFLNK {
		return "", abi.EINVAL
	}
	n.atime = now()
	return n.target, 0
}

func (n *inode) ReadDir() ([]vfs.DirEnt, abi.Errno) {
	n.fs.mu.Lock()
	defer n.fs.mu.Unlock()
	if !n.isDir() {
		return nil, abi.ENOTDIR
	}
	out := make([]vfs.DirEnt, 0, len(n.children))
	for name, c := range n.children {
		out = append(out, vfs.DirEnt{Name: name, Ino: c.ino, Type: vfs.DTFromMode(c.mode)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, 0
}

func (n *inode) Open(flags int) (vfs.FileImpl, abi.Errno) {
	switch n.mode & abi.S_IFMT {
	case abi.S_IFDIR:
		return &file{n: n}, 0
	case abi.S_IFREG:
		n.fs.mu.Lock()
		defer n.fs.mu.Unlock()
		if flags&abi.O_TRUNC != 0 && flags&abi.O_ACCMODE != abi.O_RDONLY {
			if e := n.setAttrLocked(&vfs.Attr{Valid: vfs.AttrSize}); e != 0 {
				return nil, e
			}
		}
		return n.openLocked(flags), 0
	}
	return nil, abi.ENXIO // devices, FIFOs and sockets have no driver here
}

// add links c into directory n under name (fs.mu held).
func (n *inode) add(name string, c *inode) abi.Errno {
	if _, ok := n.children[name]; ok {
		return abi.EEXIST
	}
	if c.mode&abi.S_IFMT != abi.S_IFREG {
		if e := n.fs.charge(pageSize); e != 0 {
			return e
		}
	}
	n.children[name] = c
	if c.isDir() {
		n.nlink++
	}
	n.mtime = now()
	n.ctime = n.mtime
	return 0
}

func (n *inode) mknode(name string, mode uint32) (*inode, abi.Errno) {
	if !n.isDir() {
		return nil, abi.ENOTDIR
	}
	c := n.fs.newInode(mode, n.uid, n.gid)
	if n.mode&abi.S_ISGID != 0 {
		c.gid = n.gid
		if c.isDir() {
			c.mode |= abi.S_ISGID
		}
	}
	if e := n.add(name, c); e != 0 {
		return nil, e
	}
	return c, 0
}

func (n *inode) Create(name string, flags int, mode uint32) (vfs.FileImpl, vfs.Node, vfs.Stat, abi.Errno) {
	n.fs.mu.Lock()
	defer n.fs.mu.Unlock()
	c, e := n.mknode(name, abi.S_IFREG|mode&0o7777)
	if e != 0 {
		return nil, nil, vfs.Stat{}, e
	}
	return c.openLocked(flags), c, c.statLocked(), 0
}

func (n *inode) TmpFile(flags int, mode uint32) (vfs.FileImpl, abi.Errno) {
	n.fs.mu.Lock()
	defer n.fs.mu.Unlock()
	c := n.fs.newInode(abi.S_IFREG|mode&0o7777, n.uid, n.gid)
	c.nlink = 0
	return c.openLocked(flags), 0
}

func (n *inode) Mkdir(name string, mode uint32) abi.Errno {
	n.fs.mu.Lock()
	defer n.fs.mu.Unlock()
	_, e := n.mknode(name, abi.S_IFDIR|mode&0o7777)
	return e
}

func (n *inode) Mknod(name string, mode uint32, dev uint64) abi.Errno {
	n.fs.mu.Lock()
	defer n.fs.mu.Unlock()
	c, e := n.mknode(name, mode)
	if e == 0 {
		c.rdev = dev
	}
	return e
}

func (n *inode) Symlink(name, target string) abi.Errno {
	n.fs.mu.Lock()
	defer n.fs.mu.Unlock()
	c, e := n.mknode(name, abi.S_IFLNK|0o777)
	if e == 0 {
		c.target = target
	}
	return e
}

func (n *inode) Link(name string, target vfs.Node) abi.Errno {
	t, ok := target.(*inode)
	if !ok || t.fs != n.fs {
		return abi.EXDEV
	}
	n.fs.mu.Lock()
	defer n.fs.mu.Unlock()
	if t.isDir() {
		return abi.EPERM
	}
	if _, ok := n.children[name]; ok {
		return abi.EEXIST
	}
	n.children[name] = t
	t.nlink++
	t.ctime = now()
	n.mtime, n.ctime = t.ctime, t.ctime
	return 0
}

// drop removes one link to c (fs.mu held), freeing its pages with the
// last one unless it is still open (then the last close frees them).
func (n *inode) drop(c *inode) {
	if c.isDir() {
		c.nlink = 0
		n.nlink--
	} else if c.nlink > 0 {
		c.nlink--
	}
	if c.mode&abi.S_IFMT != abi.S_IFREG {
		n.fs.charge(-pageSize)
	}
	c.ctime = now()
	c.release()
}

func (c *inode) release() {
	if c.nlink == 0 && c.opens == 0 && c.host != nil {
		c.releaseHost()
		return
	}
	if c.nlink == 0 && c.opens == 0 && c.pages != nil {
		c.fs.charge(-int64(len(c.pages)) * pageSize)
		c.pages = map[int64]*[pageSize]byte{}
	}
}

func (n *inode) Unlink(name string, dir bool) abi.Errno {
	n.fs.mu.Lock()
	defer n.fs.mu.Unlock()
	c, ok := n.children[name]
	if !ok {
		return abi.ENOENT
	}
	switch {
	case dir && !c.isDir():
		return abi.ENOTDIR
	case !dir && c.isDir():
		return abi.EISDIR
	case dir && len(c.children) > 0:
		return abi.ENOTEMPTY
	}
	delete(n.children, name)
	n.drop(c)
	n.mtime = now()
	n.ctime = n.mtime
	return 0
}

func (n *inode) Rename(oldName string, newDir vfs.Node, newName string, flags uint32) abi.Errno {
	nd, ok := newDir.(*inode)
	if !ok || nd.fs != n.fs {
		return abi.EXDEV
	}
	n.fs.mu.Lock()
	defer n.fs.mu.Unlock()
	src, ok := n.children[oldName]
	if !ok {
		return abi.ENOENT
	}
	dst, exists := nd.children[newName]
	if flags&abi.RENAME_EXCHANGE != 0 {
		if !exists {
			return abi.ENOENT
		}
		n.children[oldName], nd.children[newName] = dst, src
		if src.isDir() != dst.isDir() && n != nd {
			if src.isDir() {
				n.nlink--
				nd.nlink++
			} else {
				n.nlink++
				nd.nlink--
			}
		}
		return 0
	}
	if exists {
		if flags&abi.RENAME_NOREPLACE != 0 {
			return abi.EEXIST
		}
		if dst == src {
			return 0
		}
		switch {
		case src.isDir() && !dst.isDir():
			return abi.ENOTDIR
		case !src.isDir() && dst.isDir():
			return abi.EISDIR
		case dst.isDir() && len(dst.children) > 0:
			return abi.ENOTEMPTY
		}
		delete(nd.children, newName)
		nd.drop(dst)
	}
	delete(n.children, oldName)
	if src.isDir() {
		n.nlink--
	}
	nd.children[newName] = src
	if src.isDir() {
		nd.nlink++
	}
	t := now()
	n.mtime, n.ctime, nd.mtime, nd.ctime, src.ctime = t, t, t, t, t
	return 0
}

func (n *inode) SetAttr(a *vfs.Attr) abi.Errno {
	n.fs.mu.Lock()
	defer n.fs.mu.Unlock()
	return n.setAttrLocked(a)
}

func (n *inode) setAttrLocked(a *vfs.Attr) abi.Errno {
	t := now()
	if a.Valid&vfs.AttrSize != 0 {
		if n.mode&abi.S_IFMT != abi.S_IFREG {
			return abi.EINVAL
		}
		if e := n.truncate(a.Size); e != 0 {
			return e
		}
		n.mtime = t
	}
	if a.Valid&vfs.AttrMode != 0 {
		n.mode = n.mode&abi.S_IFMT | a.Mode&0o7777
	}
	if a.Valid&vfs.AttrOwner != 0 {
		if a.UID != ^uint32(0) {
			n.uid = a.UID
		}
		if a.GID != ^uint32(0) {
			n.gid = a.GID
		}
	}
	if a.Valid&vfs.AttrTimes != 0 {
		set := func(dst *vfs.Timespec, v vfs.Timespec) {
			switch v.Nsec {
			case abi.UTIME_OMIT:
			case abi.UTIME_NOW:
				*dst = t
			default:
				*dst = v
			}
		}
		set(&n.atime, a.Atime)
		set(&n.mtime, a.Mtime)
	}
	n.ctime = t
	return 0
}

// truncate sets the size, dropping whole pages past it and zeroing the
// tail of the last one (fs.mu held).
func (n *inode) truncate(size int64) abi.Errno {
	if size < 0 {
		return abi.EINVAL
	}
	if n.host != nil {
		return n.hostTruncate(size)
	}
	if size < n.size {
		last := (size + pageSize - 1) / pageSize
		for i, p := range n.pages {
			if i >= last {
				delete(n.pages, i)
				n.fs.charge(-pageSize)
			} else if i == last-1 && size%pageSize != 0 {
				clear(p[size%pageSize:])
			}
		}
	}
	n.size = size
	return 0
}

// readAt copies from the file (holes are zeros).
func (n *inode) readAt(p []byte, off int64) int {
	if n.host != nil {
		return n.hostReadAt(p, off)
	}
	if off >= n.size {
		return 0
	}
	p = p[:min(int64(len(p)), n.size-off)]
	for done := 0; done < len(p); {
		o := off + int64(done)
		pg, in := o/pageSize, o%pageSize
		k := min(len(p)-done, int(pageSize-in))
		if page := n.pages[pg]; page != nil {
			copy(p[done:done+k], page[in:])
		} else {
			clear(p[done : done+k])
		}
		done += k
	}
	return len(p)
}

// writeAt copies into the file, allocating pages (ENOSPC past the
// limit, after what fitted).
func (n *inode) writeAt(p []byte, off int64) (int, abi.Errno) {
	if n.host != nil {
		return n.hostWriteAt(p, off)
	}
	done := 0
	for done < len(p) {
		o := off + int64(done)
		pg, in := o/pageSize, o%pageSize
		page := n.pages[pg]
		if page == nil {
			if e := n.fs.charge(pageSize); e != 0 {
				if done > 0 {
					break
				}
				return 0, e
			}
			page = new([pageSize]byte)
			n.pages[pg] = page
		}
		done += copy(page[in:], p[done:])
	}
	if end := off + int64(done); end > n.size {
		n.size = end
	}
	if done > 0 {
		n.mtime = now()
		n.ctime = n.mtime
	}
	return done, 0
}

// openLocked makes an open file of n, which keeps n's pages alive after
// its last unlink until closed (fs.mu held).
func (n *inode) openLocked(flags int) *file {
	f := &file{n: n, append: flags&abi.O_APPEND != 0}
	f.hold()
	return f
}

// Usage reports the size limit and the bytes in use of the tmpfs n
// belongs to, for statfs (ok false when n is not a tmpfs node).
func Usage(n vfs.Node) (limit, used int64, ok bool) {
	in, ok := n.(*inode)
	if !ok {
		return 0, 0, false
	}
	return in.fs.limit, in.fs.Used(), true
}

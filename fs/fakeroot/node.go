package fakeroot

import (
	"github.com/blink-go/blink/core/abi"
	"github.com/blink-go/blink/core/klog"
	"github.com/blink-go/blink/fs/vfs"
)

// Options configure a fake root.
type Options struct {
	// MetaPath is the store's file (meta.Path of the root); "" keeps
	// the store in memory only.
	MetaPath string
	// HostUID and HostGID are the host ids that appear as 0 on files
	// without an entry (the invoking user's).
	HostUID, HostGID uint32
	// Dev is the guest's /dev, where device nodes in the root lead.
	Dev vfs.Node
	// Log hears about a store that cannot be read or written.
	Log *klog.Logger
}

// FS is a fake root over another file system.
type FS struct {
	inner vfs.Node
	store *Store
	opts  Options
}

// New wraps root. A store file that cannot be read is logged and the
// fake root starts empty (nothing is written over the unreadable file).
func New(root vfs.Node, opts Options) *FS {
	fs := &FS{inner: root, opts: opts, store: newStore(opts.MetaPath, opts.Log)}
	if opts.MetaPath != "" {
		if err := fs.store.load(fs.lookupPath(root)); err != nil {
			opts.Log.Printf("fakeroot: %s: %v (ownership starts from the host's)", opts.MetaPath, err)
			fs.store.path = ""
		}
	}
	return fs
}

// Root is the root node.
func (fs *FS) Root() vfs.Node { return &node{fs: fs, inner: fs.inner, path: "/"} }

// Store is the metadata store.
func (fs *FS) Store() *Store { return fs.store }

// Close closes the store's file.
func (fs *FS) Close() error { return fs.store.Close() }

// lookupPath returns a resolver of in-root paths to the inner file
// system's attributes that remembers the directories it has walked.
func (fs *FS) lookupPath(root vfs.Node) func(string) (vfs.Stat, bool) {
	dirs := map[string]vfs.Node{"/": root}
	var dir func(p string) (vfs.Node, bool)
	dir = func(p string) (vfs.Node, bool) {
		if n, ok := dirs[p]; ok {
			return n, n != nil
		}
		parent, base := splitPath(p)
		var n vfs.Node
		if pn, ok := dir(parent); ok {
			if c, st, e := pn.Lookup(base); e == 0 && st.IsDir() {
				n = c
			}
		}
		dirs[p] = n
		return n, n != nil
	}
	return func(p string) (vfs.Stat, bool) {
		if p == "/" {
			st, e := root.Stat()
			return st, e == 0
		}
		parent, base := splitPath(p)
		d, ok := dir(parent)
		if !ok || base == "" || base == "." || base == ".." {
			return vfs.Stat{}, false
		}
		_, st, e := d.Lookup(base)
		return st, e == 0
	}
}

// splitPath splits an absolute in-root path into its directory and last
// component.
func splitPath(p string) (dir, base string) {
	i := len(p) - 1
	for i > 0 && p[i] != '/' {
		i--
	}
	if i <= 0 {
		return "/", p[1:]
	}
	return p[:i], p[i+1:]
}

func joinPath(dir, name string) string {
	if dir == "/" {
		return "/" + name
	}
	return dir + "/" + name
}

// view turns the host's attributes into the guest's.
func (fs *FS) view(st *vfs.Stat) {
	typ := st.Mode & abi.S_IFMT
	if e, ok := fs.store.Get(st.Ino); ok && fits(e.Mode&abi.S_IFMT, typ) {
		typ = e.Mode & abi.S_IFMT
		st.Mode = typ | e.Mode&0o7777
		if typ == abi.S_IFLNK {
			st.Mode = typ | 0o777
		}
		st.UID, st.GID = e.UID, e.GID
		if typ == abi.S_IFCHR || typ == abi.S_IFBLK {
			st.Rdev = e.Rdev
		}
		return
	}
	if st.UID == fs.opts.HostUID {
		st.UID = 0
	}
	if st.GID == fs.opts.HostGID {
		st.GID = 0
	}
}

// entryOf is the entry ino has or would have: the store's, else the
// attributes the guest sees now.
func (fs *FS) entryOf(st *vfs.Stat) Entry {
	if e, ok := fs.store.Get(st.Ino); ok && fits(e.Mode&abi.S_IFMT, st.Mode&abi.S_IFMT) {
		return e
	}
	v := *st
	fs.view(&v)
	return Entry{Mode: v.Mode, UID: v.UID, GID: v.GID, Rdev: v.Rdev}
}

// hostMode is what a mode becomes on the host: the guest's permission
// bits plus what the host user needs to keep reading and writing (and
// searching, for a directory), without set-id or sticky bits.
func hostMode(mode uint32, dir bool) uint32 {
	if dir {
		return mode&0o777 | 0o700
	}
	return mode&0o777 | 0o600
}

// node is a file of the fake root: the inner node and its in-root path
// (the name the store persists; it may be stale after a rename of a
// parent, which only matters for the name recorded on a later change).
type node struct {
	fs    *FS
	inner vfs.Node
	path  string
}

func (n *node) wrap(inner vfs.Node, name string) *node {
	return &node{fs: n.fs, inner: inner, path: joinPath(n.path, name)}
}

func (n *node) Stat() (vfs.Stat, abi.Errno) {
	st, e := n.inner.Stat()
	if e == 0 {
		n.fs.view(&st)
	}
	return st, e
}

func (n *node) Lookup(name string) (vfs.Node, vfs.Stat, abi.Errno) {
	c, st, e := n.inner.Lookup(name)
	if e != 0 {
		return nil, st, e
	}
	n.fs.view(&st)
	return n.wrap(c, name), st, 0
}

func (n *node) Readlink() (string, abi.Errno) { return n.inner.Readlink() }

func (n *node) Open(flags int) (vfs.FileImpl, abi.Errno) {
	st, e := n.inner.Stat()
	if e != 0 {
		return nil, e
	}
	if ent, ok := n.fs.store.Get(st.Ino); ok && st.Mode&abi.S_IFMT == abi.S_IFREG {
		switch ent.Mode & abi.S_IFMT {
		case abi.S_IFCHR:
			return n.fs.openDevice(ent.Rdev, flags)
		case abi.S_IFBLK, abi.S_IFIFO, abi.S_IFSOCK:
			return nil, abi.ENXIO // a placeholder: nothing behind it
		}
	}
	f, e := n.inner.Open(flags)
	if e != 0 {
		return nil, e
	}
	return n.fs.wrapFile(f, n.path), 0
}

// wellKnown are the character devices a root file system's /dev nodes
// may stand for, by (major, minor), with their name in the guest's /dev.
var wellKnown = map[[2]uint32]string{
	{1, 3}: "null", {1, 5}: "zero", {1, 7}: "full", {1, 8}: "random", {1, 9}: "urandom",
	{5, 0}: "tty",
}

// openDevice opens device rdev through the guest's /dev.
func (fs *FS) openDevice(rdev uint64, flags int) (vfs.FileImpl, abi.Errno) {
	name, ok := wellKnown[[2]uint32{Major(rdev), Minor(rdev)}]
	if !ok || fs.opts.Dev == nil {
		return nil, abi.ENXIO
	}
	d, _, e := fs.opts.Dev.Lookup(name)
	if e != 0 {
		return nil, abi.ENXIO
	}
	return d.Open(flags)
}

func (n *node) ReadDir() ([]vfs.DirEnt, abi.Errno) {
	ents, e := n.inner.ReadDir()
	if e != 0 {
		return nil, e
	}
	for i := range ents {
		if ents[i].Type != abi.DT_REG {
			continue
		}
		if ent, ok := n.fs.store.Get(ents[i].Ino); ok && fits(ent.Mode&abi.S_IFMT, abi.S_IFREG) {
			ents[i].Type = vfs.DTFromMode(ent.Mode)
		}
	}
	return ents, 0
}

// created settles the store for a file just made as name: any entry on
// its inode number is a leftover; mode is recorded when the host could
// not take it as it is.
func (n *node) created(st *vfs.Stat, name string, mode uint32) {
	n.fs.store.Forget(st.Ino)
	if st.Mode&0o7777 != mode&0o7777 && st.Mode&abi.S_IFMT != abi.S_IFLNK {
		e := n.fs.entryOf(st)
		e.Mode = st.Mode&abi.S_IFMT | mode&0o7777
		n.fs.store.Set(st.Ino, name, e)
	}
}

func (n *node) Create(name string, flags int, mode uint32) (vfs.FileImpl, vfs.Node, vfs.Stat, abi.Errno) {
	f, c, st, e := n.inner.Create(name, flags, hostMode(mode, false))
	if e != 0 {
		return nil, nil, st, e
	}
	p := joinPath(n.path, name)
	n.created(&st, p, mode)
	n.fs.view(&st)
	return n.fs.wrapFile(f, p), n.wrap(c, name), st, 0
}

func (n *node) TmpFile(flags int, mode uint32) (vfs.FileImpl, abi.Errno) {
	f, e := n.inner.TmpFile(flags, hostMode(mode, false))
	if e != 0 {
		return nil, e
	}
	if st, e := f.Stat(); e == 0 {
		n.created(&st, "", mode)
	}
	return n.fs.wrapFile(f, ""), 0
}

// settle stats the new file name and records it (see created).
func (n *node) settle(name string, mode uint32) {
	if _, st, e := n.inner.Lookup(name); e == 0 {
		n.created(&st, joinPath(n.path, name), mode)
	}
}

func (n *node) Mkdir(name string, mode uint32) abi.Errno {
	if e := n.inner.Mkdir(name, hostMode(mode, true)); e != 0 {
		return e
	}
	n.settle(name, mode)
	return 0
}

// Mknod makes FIFOs and sockets for real where the host can; devices,
// and the others where the host refuses, become empty placeholders that
// the store types.
func (n *node) Mknod(name string, mode uint32, dev uint64) abi.Errno {
	typ := mode & abi.S_IFMT
	if typ == abi.S_IFREG || typ == abi.S_IFIFO || typ == abi.S_IFSOCK {
		e := n.inner.Mknod(name, typ|hostMode(mode, false), 0)
		if e == 0 {
			n.settle(name, mode)
			return 0
		}
		if typ == abi.S_IFREG || (e != abi.EPERM && e != abi.EOPNOTSUPP && e != abi.ENOSYS) {
			return e
		}
	}
	f, _, st, e := n.inner.Create(name, abi.O_WRONLY, 0o600)
	if e != 0 {
		return e
	}
	f.Close()
	n.fs.store.Forget(st.Ino)
	ent := n.fs.entryOf(&st)
	ent.Mode = typ | mode&0o7777
	if typ == abi.S_IFCHR || typ == abi.S_IFBLK {
		ent.Rdev = dev
	}
	n.fs.store.Set(st.Ino, joinPath(n.path, name), ent)
	return 0
}

func (n *node) Symlink(name, target string) abi.Errno {
	if e := n.inner.Symlink(name, target); e != 0 {
		return e
	}
	n.settle(name, 0o777)
	return 0
}

// unwrap returns the inner node of a node of this fake root.
func (n *node) unwrap(o vfs.Node) (*node, bool) {
	w, ok := o.(*node)
	if !ok || w.fs != n.fs {
		return nil, false
	}
	return w, true
}

func (n *node) Link(name string, target vfs.Node) abi.Errno {
	t, ok := n.unwrap(target)
	if !ok {
		return abi.EXDEV
	}
	st, e := t.inner.Stat()
	if e != 0 {
		return e
	}
	if e := n.inner.Link(name, t.inner); e != 0 {
		return e
	}
	n.fs.store.Linked(st.Ino, joinPath(n.path, name))
	return 0
}

func (n *node) Unlink(name string, dir bool) abi.Errno {
	_, st, e := n.inner.Lookup(name)
	if e != 0 {
		return e
	}
	if e := n.inner.Unlink(name, dir); e != 0 {
		return e
	}
	n.fs.store.Unlinked(st.Ino, joinPath(n.path, name), dir || st.Nlink <= 1)
	return 0
}

func (n *node) Rename(oldName string, newDir vfs.Node, newName string, flags uint32) abi.Errno {
	nd, ok := n.unwrap(newDir)
	if !ok {
		return abi.EXDEV
	}
	_, src, se := n.inner.Lookup(oldName)
	_, dst, de := nd.inner.Lookup(newName)
	if e := n.inner.Rename(oldName, nd.inner, newName, flags); e != 0 {
		return e
	}
	from, to := joinPath(n.path, oldName), joinPath(nd.path, newName)
	if flags&abi.RENAME_EXCHANGE != 0 {
		n.fs.store.Exchanged(from, to)
		return 0
	}
	_, now, ne := nd.inner.Lookup(newName)
	if de == 0 && (ne != 0 || now.Ino != dst.Ino) {
		n.fs.store.Unlinked(dst.Ino, to, dst.IsDir() || dst.Nlink <= 1)
	}
	n.fs.store.Renamed(from, to)
	if se == 0 && ne == 0 && now.Ino != src.Ino {
		// A host whose inode numbers hash the path (hostfs without the
		// *at() calls): the entry moves to the new number.
		n.fs.store.Rekey(src.Ino, now.Ino)
	}
	return 0
}

func (n *node) SetAttr(a *vfs.Attr) abi.Errno {
	st, e := n.inner.Stat()
	if e != 0 {
		return e
	}
	return n.fs.setAttr(&st, n.path, a, n.inner.SetAttr)
}

// setAttr applies a to the file with host attributes st: owner and mode
// go to the store (the mode also to the host, as hostMode), times and
// size to the host through set.
func (fs *FS) setAttr(st *vfs.Stat, name string, a *vfs.Attr, set func(*vfs.Attr) abi.Errno) abi.Errno {
	rest := *a
	rest.Valid &^= vfs.AttrMode | vfs.AttrOwner
	if a.Valid&(vfs.AttrMode|vfs.AttrOwner) == 0 {
		return set(&rest)
	}
	isLink := st.Mode&abi.S_IFMT == abi.S_IFLNK
	if a.Valid&vfs.AttrMode != 0 && isLink {
		return abi.EOPNOTSUPP
	}
	ent := fs.entryOf(st)
	if a.Valid&vfs.AttrMode != 0 {
		ent.Mode = ent.Mode&abi.S_IFMT | a.Mode&0o7777
		hm := hostMode(a.Mode, st.IsDir())
		if st.Mode&0o7777 != hm {
			set(&vfs.Attr{Valid: vfs.AttrMode, Mode: hm}) // best effort: the store has the truth
		}
	}
	if a.Valid&vfs.AttrOwner != 0 {
		if a.UID != ^uint32(0) {
			ent.UID = a.UID
		}
		if a.GID != ^uint32(0) {
			ent.GID = a.GID
		}
		// chown_common: a non-directory loses set-user-ID, and
		// set-group-ID when group-executable, even when root changes it.
		if a.Valid&vfs.AttrMode == 0 && ent.Mode&abi.S_IFMT != abi.S_IFDIR && !isLink {
			ent.Mode &^= abi.S_ISUID
			if ent.Mode&abi.S_IXGRP != 0 {
				ent.Mode &^= abi.S_ISGID
			}
		}
	}
	fs.store.Set(st.Ino, name, ent)
	if rest.Valid != 0 {
		return set(&rest)
	}
	return 0
}

// file is an open file of the fake root: fstat and fchown/fchmod pass
// through the store, everything else goes to the inner file.
type file struct {
	vfs.FileImpl
	fs   *FS
	name string
}

func (fs *FS) wrapFile(f vfs.FileImpl, name string) vfs.FileImpl {
	return &file{FileImpl: f, fs: fs, name: name}
}

func (f *file) Stat() (vfs.Stat, abi.Errno) {
	st, e := f.FileImpl.Stat()
	if e == 0 {
		f.fs.view(&st)
	}
	return st, e
}

func (f *file) SetAttr(a *vfs.Attr) abi.Errno {
	st, e := f.FileImpl.Stat()
	if e != 0 {
		return e
	}
	set := func(a *vfs.Attr) abi.Errno {
		if s, ok := f.FileImpl.(vfs.SetAttrImpl); ok {
			return s.SetAttr(a)
		}
		return abi.EPERM
	}
	return f.fs.setAttr(&st, f.name, a, set)
}

func (f *file) Sync(dataOnly bool) abi.Errno {
	if s, ok := f.FileImpl.(vfs.SyncImpl); ok {
		return s.Sync(dataOnly)
	}
	return 0
}

func (f *file) SetFlags(flags int) abi.Errno {
	if s, ok := f.FileImpl.(vfs.FlagsImpl); ok {
		return s.SetFlags(flags)
	}
	return 0
}

// HostFD lets the memory system map the host file directly; -1 when the
// inner file has no descriptor.
func (f *file) HostFD() int {
	if h, ok := f.FileImpl.(vfs.HostFDImpl); ok {
		return h.HostFD()
	}
	return -1
}

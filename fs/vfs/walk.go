package vfs

import (
	"strings"

	"github.com/blink-go/blink/core/abi"
)

// Dentry is the shared half of a file: a name in a directory, the
// file system's Node for it and the attributes seen when it was looked
// up. Dentries are made by each walk and form a chain to their mount's
// root through parent; they are not cached, so a walk always sees the
// file system's current state (hostfs files change behind our back).
//
// Invariant: parent == nil exactly for a mount's root dentry. The type
// bits of stat.Mode and stat.Ino never change for a node; the permission
// bits may be stale and are refreshed where Linux would see new ones.
type Dentry struct {
	parent *Dentry
	name   string
	node   Node
	stat   Stat
	// synthetic marks a mount point its file system lacks (MountSynthetic):
	// its stat is the mounted root's, so its inode number says nothing
	// about which directory of its own mount it is.
	synthetic bool
}

// Node returns the file system's node.
func (d *Dentry) Node() Node { return d.node }

// Location is a dentry within a mount: the VFS's notion of a path
// (struct path on Linux).
type Location struct {
	Mount  *Mount
	Dentry *Dentry
}

// IsZero reports an unset location.
func (l Location) IsZero() bool { return l.Mount == nil }

// same reports whether two locations are the same directory. Dentries
// are made afresh by every walk (and copied by refresh), so within one
// mount a directory is known by its inode number, which no two
// directories of one file system share; a synthetic point has no inode
// there and is only itself.
func (l Location) same(o Location) bool {
	if l.Mount != o.Mount {
		return false
	}
	if l.Dentry == o.Dentry {
		return true
	}
	return !l.Dentry.synthetic && !o.Dentry.synthetic && l.Dentry.stat.Ino == o.Dentry.stat.Ino
}

// Context is what a path walk needs from the calling process: its root
// (chroot), its working directory and its credentials.
type Context struct {
	Root, Cwd Location
	Cred      *Cred
	// Caller is who walks, opaque to the VFS, for the nodes that answer
	// per caller (caller.go); nil when nobody in particular.
	Caller any
}

type lastKind uint8

const (
	lastNorm lastKind = iota
	lastDot
	lastDotDot
	lastRoot // the path was only slashes
)

// lastComp is the final component of a path, which each operation
// treats its own way (create it, remove it, follow it or not).
type lastComp struct {
	name     string
	kind     lastKind
	trailing bool // followed by '/': must be a directory, symlinks followed
}

// walk is one path resolution (struct nameidata).
type walk struct {
	v     *VFS
	ctx   *Context
	loc   Location
	links int // symlinks followed so far, across nesting
}

func (v *VFS) newWalk(ctx *Context, loc Location) *walk {
	return &walk{v: v, ctx: ctx, loc: loc}
}

// begin sets up a walk of path relative to at (nil: the cwd) as
// path_init does. Empty paths are the caller's business (AT_EMPTY_PATH).
func (v *VFS) begin(ctx *Context, at *File, path string) (*walk, abi.Errno) {
	if path == "" {
		return nil, abi.ENOENT
	}
	if len(path) >= abi.PATH_MAX {
		return nil, abi.ENAMETOOLONG
	}
	w := v.newWalk(ctx, ctx.Cwd)
	switch {
	case path[0] == '/':
		w.loc = ctx.Root
	case at != nil:
		if at.loc.IsZero() {
			return nil, abi.ENOTDIR
		}
		w.loc = at.loc
		if !w.loc.Dentry.stat.IsDir() {
			return nil, abi.ENOTDIR
		}
	}
	if w.loc.IsZero() {
		w.loc = v.RootLocation()
	}
	if ctx.Cred.UID != 0 && path[0] != '/' {
		// The start directory's mode may have changed since the process
		// got there; Linux checks the live inode.
		w.refresh()
	}
	return w, 0
}

func (w *walk) refresh() {
	if st, e := w.loc.Dentry.node.Stat(); e == 0 {
		d := *w.loc.Dentry
		d.stat = st
		w.loc.Dentry = &d
	}
}

func classify(name string) lastKind {
	switch name {
	case ".":
		return lastDot
	case "..":
		return lastDotDot
	}
	return lastNorm
}

// parent walks path from w.loc through every component but the last,
// following symlinks, and returns the last (link_path_walk). Search
// permission is checked on every directory a component is looked up in,
// the last one's included.
func (w *walk) parent(path string) (lastComp, abi.Errno) {
	if strings.HasPrefix(path, "/") {
		w.loc = w.ctx.Root
		path = strings.TrimLeft(path, "/")
		if path == "" {
			return lastComp{kind: lastRoot}, 0
		}
	}
	for {
		if e := w.mayLookup(); e != 0 {
			return lastComp{}, e
		}
		name, rest, slash := strings.Cut(path, "/")
		rest = strings.TrimLeft(rest, "/")
		if rest == "" {
			return lastComp{name: name, kind: classify(name), trailing: slash}, 0
		}
		if e := w.step(name); e != 0 {
			return lastComp{}, e
		}
		if !w.loc.Dentry.stat.IsDir() {
			return lastComp{}, abi.ENOTDIR
		}
		path = rest
	}
}

func (w *walk) mayLookup() abi.Errno {
	if !w.ctx.Cred.Permitted(&w.loc.Dentry.stat, MayExec) {
		return abi.EACCES
	}
	return 0
}

// step moves to name, an intermediate component, following a symlink.
func (w *walk) step(name string) abi.Errno {
	switch name {
	case ".":
		return 0
	case "..":
		w.dotdot()
		return 0
	}
	child, e := w.lookup(name)
	if e != 0 {
		return e
	}
	if child.Dentry.stat.IsLink() {
		return w.follow(child, false)
	}
	w.loc = child
	return 0
}

// follow resolves the symlink at link completely, starting from w.loc
// (the directory holding it); trailing means the link was named with a
// trailing slash.
func (w *walk) follow(link Location, trailing bool) abi.Errno {
	if ok, e := w.jump(link); ok {
		return e
	}
	target, e := w.readlink(link)
	if e != 0 {
		return e
	}
	if trailing {
		target += "/"
	}
	last, e := w.parent(target)
	if e != 0 {
		return e
	}
	return w.resolveLast(last, true)
}

// readlink counts a symlink traversal and returns the target (ELOOP past
// MAXSYMLINKS, ENOENT for an empty target as Linux's step_into does).
func (w *walk) readlink(link Location) (string, abi.Errno) {
	if w.links >= abi.MAXSYMLINKS {
		return "", abi.ELOOP
	}
	w.links++
	if link.Mount.flags&abi.MS_NOSYMFOLLOW != 0 {
		return "", abi.ELOOP
	}
	target, e := readlinkAs(link.Dentry.node, w.ctx)
	if e != 0 {
		return "", e
	}
	if target == "" {
		return "", abi.ENOENT
	}
	return target, 0
}

// resolveLast moves to the last component, following a final symlink if
// follow or trailing, as lookup_last and step_into do.
func (w *walk) resolveLast(last lastComp, follow bool) abi.Errno {
	for {
		switch last.kind {
		case lastRoot, lastDot:
			return 0
		case lastDotDot:
			w.dotdot()
			return 0
		}
		child, e := w.lookup(last.name)
		if e != 0 {
			return e
		}
		if child.Dentry.stat.IsLink() && (follow || last.trailing) {
			if ok, e := w.jump(child); ok {
				if e == 0 && last.trailing && !w.loc.Dentry.stat.IsDir() {
					e = abi.ENOTDIR
				}
				return e
			}
			target, e := w.readlink(child)
			if e != 0 {
				return e
			}
			if last.trailing {
				target += "/"
			}
			if last, e = w.parent(target); e != 0 {
				return e
			}
			continue
		}
		if last.trailing && !child.Dentry.stat.IsDir() {
			return abi.ENOTDIR
		}
		w.loc = child
		return 0
	}
}

// lookup finds name in w.loc's directory, crossing into a mount on it.
func (w *walk) lookup(name string) (Location, abi.Errno) {
	if len(name) > abi.NAME_MAX {
		return Location{}, abi.ENAMETOOLONG
	}
	if m := w.v.covering(w.loc.Mount, w.loc.Dentry, name); m != nil {
		return Location{m, m.root}, 0
	}
	node, st, e := w.loc.Dentry.node.Lookup(name)
	if e != 0 {
		return Location{}, e
	}
	st.Dev = w.loc.Mount.sb.dev
	return Location{w.loc.Mount, &Dentry{parent: w.loc.Dentry, name: name, node: node, stat: st}}, 0
}

// dotdot moves to the parent directory: never above the process root,
// up through mount points to the directory holding them (follow_dotdot).
func (w *walk) dotdot() {
	for {
		if w.loc.same(w.ctx.Root) {
			return
		}
		if p := w.loc.Dentry.parent; p != nil {
			w.loc.Dentry = p
			break
		}
		m := w.loc.Mount
		if m.parent == nil {
			return // the global root: "/.." is "/"
		}
		w.loc = Location{m.parent, m.point}
	}
	// A directory reached through ".." may be covered by a mount (a cwd
	// left under a later mount); Linux steps into the mount.
	if d := w.loc.Dentry; d.parent != nil {
		if m := w.v.covering(w.loc.Mount, d.parent, d.name); m != nil {
			w.loc = Location{m, m.root}
		}
	}
}

// resolve walks path completely (path_lookupat): follow decides a final
// symlink; dir demands a directory (LOOKUP_DIRECTORY).
func (v *VFS) resolve(ctx *Context, at *File, path string, follow, dir bool) (Location, abi.Errno) {
	w, e := v.begin(ctx, at, path)
	if e != 0 {
		return Location{}, e
	}
	last, e := w.parent(path)
	if e != 0 {
		return Location{}, e
	}
	if dir {
		last.trailing = true
	}
	if e := w.resolveLast(last, follow); e != 0 {
		return Location{}, e
	}
	return w.loc, 0
}

// pathOf names loc as seen from root, as d_path does; a location outside
// root is named from the global root.
func (v *VFS) pathOf(loc Location, root Location) string {
	var parts []string
	for {
		if !root.IsZero() && loc.same(root) {
			break
		}
		d := loc.Dentry
		if d.parent == nil {
			m := loc.Mount
			if m.parent == nil {
				break
			}
			loc = Location{m.parent, m.point}
			continue
		}
		parts = append(parts, d.name)
		loc.Dentry = d.parent
	}
	if len(parts) == 0 {
		return "/"
	}
	var b strings.Builder
	for i := len(parts) - 1; i >= 0; i-- {
		b.WriteByte('/')
		b.WriteString(parts[i])
	}
	return b.String()
}

// Path names loc from ctx's root (getcwd, /proc/self/fd).
func (v *VFS) Path(ctx *Context, loc Location) string { return v.pathOf(loc, ctx.Root) }

// Package overlays is BLINK_OVERLAYS as a union file system mounted at
// "/": an ordered list of layers (host directories), where a name is
// looked up in each layer in turn and the first layer that has it wins.
//
// Decisions, and why:
//   - The list is separated like $PATH (colons; semicolons on Windows,
//     whose paths hold colons); an empty entry is the
//     host's "/" and relative entries are made absolute at start-up
//     (Parse), as blink's man page describes.
//   - Directories present in several layers are merged: a lookup inside
//     continues through every layer holding that directory, and getdents
//     lists the union without duplicates (the first layer's entry wins).
//     A non-directory in an upper layer hides everything below it.
//   - New names (create, mkdir, mknod, symlink, link) always go to the
//     first layer, which must be writable on the host; missing parent
//     directories are made there first with the mode of the visible ones
//     (a "copy-up" of directories only).
//   - Existing files are changed in place in the layer they were found in
//     (no copy-up of file contents): this is blink's behaviour and keeps
//     host files shared.
//   - There are no whiteouts: removing a name removes it from the layer
//     it was visible in, and a lower layer's file of the same name then
//     shows through. Rename works within one layer; across layers it is
//     EXDEV, so mv(1) falls back to copying.
//   - Unlike blink, there is no default list (blink's ":o" serves its own
//     test suite and depends on the current directory); unset means no
//     overlays.
package overlays

import (
	"path/filepath"
	"strings"

	"github.com/blink-go/blink/core/abi"
	"github.com/blink-go/blink/fs/vfs"
)

// Parse splits a BLINK_OVERLAYS value into absolute host directories:
// "" entries become "/", relative ones are joined to cwd. The separator is
// the host's, as in $PATH: ';' on Windows, whose paths hold colons.
func Parse(list, cwd string) []string {
	var out []string
	for _, p := range strings.Split(list, string(filepath.ListSeparator)) {
		switch {
		case p == "":
			p = "/"
		case !filepath.IsAbs(p):
			p = filepath.Join(cwd, p)
		}
		out = append(out, filepath.Clean(p))
	}
	return out
}

// FS is a union of layers; layer 0 is searched first and receives new
// names.
type FS struct {
	layers []vfs.Node
}

// New makes a union of the layers' root nodes.
func New(layers ...vfs.Node) *FS { return &FS{layers: layers} }

// Root returns the union's root directory.
func (fs *FS) Root() vfs.Node {
	return &node{fs: fs, parts: append([]vfs.Node(nil), fs.layers...), top: 0}
}

// node is one name in the union: parts[i] is the layer-i node for it
// (nil where the layer lacks it or, for directories, has a non-directory).
// top is the first non-nil part, which supplies attributes and contents.
type node struct {
	fs    *FS
	path  []string // names from the root, for copying directories up
	parts []vfs.Node
	top   int
}

func (n *node) Stat() (vfs.Stat, abi.Errno) { return n.parts[n.top].Stat() }

func (n *node) Lookup(name string) (vfs.Node, vfs.Stat, abi.Errno) {
	var child *node
	var first vfs.Stat
	for i, p := range n.parts {
		if p == nil {
			continue
		}
		c, st, e := p.Lookup(name)
		if e == abi.ENOENT {
			continue
		}
		if e != 0 {
			if child != nil {
				continue // a lower layer's trouble does not hide an upper hit
			}
			return nil, vfs.Stat{}, e
		}
		if child == nil {
			path := append(append([]string(nil), n.path...), name)
			child = &node{fs: n.fs, path: path, parts: make([]vfs.Node, len(n.parts)), top: i}
			child.parts[i] = c
			first = st
			if !st.IsDir() {
				return child, st, 0
			}
			continue
		}
		if !st.IsDir() {
			break // as overlayfs, a non-directory hides the layers beneath it too
		}
		child.parts[i] = c
	}
	if child == nil {
		return nil, vfs.Stat{}, abi.ENOENT
	}
	return child, first, 0
}

func (n *node) Readlink() (string, abi.Errno)            { return n.parts[n.top].Readlink() }
func (n *node) Open(flags int) (vfs.FileImpl, abi.Errno) { return n.parts[n.top].Open(flags) }
func (n *node) SetAttr(a *vfs.Attr) abi.Errno            { return n.parts[n.top].SetAttr(a) }

// ReadDir merges the layers' listings; the first layer with a name wins.
func (n *node) ReadDir() ([]vfs.DirEnt, abi.Errno) {
	seen := map[string]bool{}
	var out []vfs.DirEnt
	for i, p := range n.parts {
		if p == nil {
			continue
		}
		ents, e := p.ReadDir()
		if e != 0 {
			if i == n.top {
				return nil, e
			}
			continue
		}
		for _, ent := range ents {
			if !seen[ent.Name] {
				seen[ent.Name] = true
				out = append(out, ent)
			}
		}
	}
	return out, 0
}

// upper returns this directory in layer 0, making it (and missing
// parents) there with the visible directories' modes.
func (n *node) upper() (vfs.Node, abi.Errno) {
	if n.parts[0] != nil {
		return n.parts[0], 0
	}
	cur := n.fs.layers[0]
	var walked vfs.Node = n.fs.Root()
	for _, name := range n.path {
		next, _, e := walked.Lookup(name)
		if e != 0 {
			return nil, e
		}
		walked = next
		c, _, e := cur.Lookup(name)
		if e == abi.ENOENT {
			st, se := next.Stat()
			if se != 0 {
				return nil, se
			}
			if me := cur.Mkdir(name, st.Mode&0o7777); me != 0 && me != abi.EEXIST {
				return nil, me
			}
			c, _, e = cur.Lookup(name)
		}
		if e != 0 {
			return nil, e
		}
		cur = c
	}
	n.parts[0] = cur
	return cur, 0
}

func (n *node) Create(name string, flags int, mode uint32) (vfs.FileImpl, vfs.Node, vfs.Stat, abi.Errno) {
	up, e := n.upper()
	if e != 0 {
		return nil, nil, vfs.Stat{}, e
	}
	f, c, st, e := up.Create(name, flags, mode)
	if e != 0 {
		return nil, nil, vfs.Stat{}, e
	}
	parts := make([]vfs.Node, len(n.parts))
	parts[0] = c
	return f, &node{fs: n.fs, path: append(append([]string(nil), n.path...), name), parts: parts}, st, 0
}

func (n *node) TmpFile(flags int, mode uint32) (vfs.FileImpl, abi.Errno) {
	up, e := n.upper()
	if e != 0 {
		return nil, e
	}
	return up.TmpFile(flags, mode)
}

func (n *node) Mkdir(name string, mode uint32) abi.Errno {
	up, e := n.upper()
	if e != 0 {
		return e
	}
	return up.Mkdir(name, mode)
}

func (n *node) Mknod(name string, mode uint32, dev uint64) abi.Errno {
	up, e := n.upper()
	if e != 0 {
		return e
	}
	return up.Mknod(name, mode, dev)
}

func (n *node) Symlink(name, target string) abi.Errno {
	up, e := n.upper()
	if e != 0 {
		return e
	}
	return up.Symlink(name, target)
}

func (n *node) Link(name string, target vfs.Node) abi.Errno {
	t, ok := target.(*node)
	if !ok || t.top != 0 {
		return abi.EXDEV
	}
	up, e := n.upper()
	if e != 0 {
		return e
	}
	return up.Link(name, t.parts[0])
}

// Unlink removes the visible name from its layer.
func (n *node) Unlink(name string, dir bool) abi.Errno {
	c, _, e := n.Lookup(name)
	if e != 0 {
		return e
	}
	return n.parts[c.(*node).top].Unlink(name, dir)
}

// Rename works within the layer holding the visible source, into the
// same layer's copy of the new directory; anything else is EXDEV.
func (n *node) Rename(oldName string, newDir vfs.Node, newName string, flags uint32) abi.Errno {
	nd, ok := newDir.(*node)
	if !ok || nd.fs != n.fs {
		return abi.EXDEV
	}
	c, _, e := n.Lookup(oldName)
	if e != 0 {
		return e
	}
	layer := c.(*node).top
	if nd.parts[layer] == nil {
		return abi.EXDEV
	}
	if d, _, e := nd.Lookup(newName); e == 0 && d.(*node).top != layer {
		return abi.EXDEV // would leave the old target showing from its layer
	}
	return n.parts[layer].Rename(oldName, nd.parts[layer], newName, flags)
}

package vfs

import "github.com/blink-go/blink/core/abi"

// Files whose answer depends on who asks. Nodes are shared by every guest
// process, but a few Linux files are not the same file for everyone:
// /proc/self names the caller, /dev/tty opens the caller's controlling
// terminal, and /proc/[pid]/fd/N, cwd and root are "magic links" that
// lead to an open file rather than to a path (a deleted file or a pipe
// can still be reached through them). Context.Caller carries the caller,
// opaque to the VFS (the kernel puts its process there), and these
// optional Node abilities receive it. A node without them is asked the
// ordinary way.
type (
	// CallerReadlinker is a symlink whose target depends on the caller.
	CallerReadlinker interface {
		ReadlinkAs(caller any) (string, abi.Errno)
	}
	// CallerOpener is a file whose open depends on the caller.
	CallerOpener interface {
		OpenAs(caller any, flags int) (FileImpl, abi.Errno)
	}
	// MagicLink is a symlink that, followed, moves the walk to a location
	// (nd_jump_link): loc when it is set, otherwise node, a file with no
	// place in the tree (a pipe), given a dentry of its own beside the
	// link. Readlink still answers for readlink(2).
	MagicLink interface {
		Jump(caller any) (loc Location, node Node, e abi.Errno)
	}
)

func readlinkAs(n Node, ctx *Context) (string, abi.Errno) {
	if r, ok := n.(CallerReadlinker); ok {
		return r.ReadlinkAs(ctx.Caller)
	}
	return n.Readlink()
}

func openAs(n Node, ctx *Context, flags int) (FileImpl, abi.Errno) {
	if o, ok := n.(CallerOpener); ok {
		return o.OpenAs(ctx.Caller, flags)
	}
	return n.Open(flags)
}

// jump follows link if it is a magic link, reporting whether it was.
func (w *walk) jump(link Location) (bool, abi.Errno) {
	ml, ok := link.Dentry.node.(MagicLink)
	if !ok {
		return false, 0
	}
	if w.links >= abi.MAXSYMLINKS {
		return true, abi.ELOOP
	}
	w.links++
	if link.Mount.flags&abi.MS_NOSYMFOLLOW != 0 {
		return true, abi.ELOOP
	}
	loc, node, e := ml.Jump(w.ctx.Caller)
	if e != 0 {
		return true, e
	}
	if loc.IsZero() {
		if node == nil {
			return true, abi.ENOENT
		}
		st, e := node.Stat()
		if e != 0 {
			return true, e
		}
		st.Dev = link.Mount.sb.dev
		loc = Location{link.Mount, &Dentry{parent: link.Dentry.parent, name: link.Dentry.name, node: node, stat: st}}
	}
	w.loc = loc
	return true, 0
}

// ParentID is the id of the mount this one is attached to (its own id
// for the root mount), for /proc/[pid]/mountinfo.
func (m *Mount) ParentID() int {
	if m.parent == nil {
		return m.id
	}
	return m.parent.id
}

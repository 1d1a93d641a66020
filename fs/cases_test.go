package fs

import (
	"fmt"
	"strings"

	"github.com/blink-go/blink/core/abi"
)

// opCase is one operation both the real kernel (in a chroot) and the VFS
// perform on the tree of buildTree. Cases run in order and some change
// the tree, so later cases see earlier ones' effects on both sides.
type opCase struct {
	UID   uint32 // fsuid and fsgid; 0 is root
	Cwd   string // working directory, "" for "/"
	Op    string // open, stat, lstat, readlink, access, mkdir, unlink, rmdir, rename, symlink, link, chdir
	Path  string
	Path2 string
	Flags int
	Mode  uint32
}

func (c opCase) key() string {
	p := c.Path
	if len(p) > 60 {
		p = fmt.Sprintf("%s...(%d bytes)", p[:20], len(p))
	}
	p2 := c.Path2
	if len(p2) > 60 {
		p2 = fmt.Sprintf("%s...(%d bytes)", p2[:20], len(p2))
	}
	return fmt.Sprintf("uid=%d cwd=%s %s(%q,%q,%#o,%#o)", c.UID, c.Cwd, c.Op, p, p2, c.Flags, c.Mode)
}

const (
	rd   = abi.O_RDONLY
	wr   = abi.O_WRONLY
	rdwr = abi.O_RDWR
	dirf = abi.O_DIRECTORY
	nof  = abi.O_NOFOLLOW
	crt  = abi.O_CREAT
	excl = abi.O_EXCL
	trnc = abi.O_TRUNC
	opth = abi.O_PATH
	tmpf = abi.O_TMPFILE
)

func oracleCases() []opCase {
	var cs []opCase
	add := func(c ...opCase) { cs = append(cs, c...) }
	// Every lookup kind on every path.
	lookups := []string{
		"/", "", ".", "..", "/..", "/../..", "/./../.", "//", "///dir//sub///",
		"file", "/file", "file/", "file/.", "file/..", "dir", "dir/", "dir/.", "dir/..", "dir/sub/f", "dir/sub/f/",
		"nonexistent", "nonexistent/", "nonexistent/x", "file/x", "dir/nonexistent/x",
		"abs-link", "abs-link/", "abs-link/sub", "abs-link/..", "abs-file-link", "abs-file-link/",
		"rel-link", "rel-link/", "rel-link/f", "rel-link/..", "rel-link/../..",
		"up-link", "up-link/", "up-link/file", "up-link/ESCAPED", "up-file", "abs-etc", "abs-up", "abs-up/ESCAPED",
		"/../ESCAPED", "../ESCAPED", "/../etc/passwd", "dotdot-link", "dotdot-link/dotdot-link/file",
		"dangling", "dangling/", "dangling-rel", "dangling-rel/", "loop1", "loop1/", "loop1/x", "self-loop",
		"link-slash", "link-slash/", "link-slash/sub", "file-slash-link", "file-slash-link/",
		"dir/up-file-link", "dir/parent-link", "dir/parent-link/", "dir/parent-link/file", "dir/abs-up", "dir/abs-up/file",
		"host-abs", "host-abs/ESCAPED", "to-to-f", "to-to-f/", "chain0", "chain1", "chain40", "chain0/", "nest/up",
		strings.Repeat("n", 255), strings.Repeat("n", 256), "dir/" + strings.Repeat("x", 256) + "/f",
		"nonexistent/" + strings.Repeat("x", 256), strings.Repeat("/", 4091) + "file", strings.Repeat("/", 4092) + "file",
		strings.Repeat("dir/../", 584) + "file", "locked/inner", "to-locked", "noexec/f", "noexec", "noexec/",
		"noread/f", "noread", "noread/.", "sticky/rootfile",
	}
	for _, uid := range []uint32{0, 1000} {
		for _, p := range lookups {
			add(opCase{UID: uid, Op: "stat", Path: p}, opCase{UID: uid, Op: "lstat", Path: p})
		}
		for _, p := range []string{"abs-link", "abs-link/", "rel-link", "dangling", "loop1", "file", "dir", "to-to-f", "up-link", "", "noexec/f"} {
			add(opCase{UID: uid, Op: "readlink", Path: p})
		}
		for _, p := range []string{"file", "dir", "abs-link", "abs-file-link", "dangling", "link-slash/", "loop1",
			"ro-file", "wo-file", "xfile", "nox", "locked", "locked/inner", "noexec/f", "noread", "noread/f", "", "file/"} {
			for _, f := range []int{rd, wr, rdwr, rd | dirf, rd | nof, rd | dirf | nof, opth, opth | nof, opth | dirf,
				wr | trnc, rd | trnc, crt | wr, crt | excl | wr, crt | dirf, crt | nof | rd} {
				add(opCase{UID: uid, Op: "open", Path: p, Flags: f, Mode: 0o644})
			}
		}
		for _, p := range []string{"file", "dir", "xfile", "nox", "ro-file", "wo-file", "dangling", "locked/inner", "noread/f", "dir/"} {
			for _, m := range []uint32{abi.F_OK, abi.R_OK, abi.W_OK, abi.X_OK, abi.R_OK | abi.W_OK} {
				add(opCase{UID: uid, Op: "access", Path: p, Mode: m})
			}
		}
		for _, p := range []string{"dir", "locked", "noexec", "noread", "file", "abs-link", "nonexistent"} {
			add(opCase{UID: uid, Op: "chdir", Path: p})
		}
		add(
			opCase{UID: uid, Cwd: "/dir/sub", Op: "stat", Path: "../../.."},
			opCase{UID: uid, Cwd: "/dir/sub", Op: "stat", Path: "../../file"},
			opCase{UID: uid, Cwd: "/dir/sub", Op: "stat", Path: "../../../../ESCAPED"},
			opCase{UID: uid, Cwd: "/dir/sub", Op: "open", Path: "f", Flags: rd},
			opCase{UID: uid, Cwd: "/dir/sub", Op: "open", Path: "", Flags: rd},
		)
	}
	// Creation and removal, as root then as a user, on fresh names each.
	for _, uid := range []uint32{0, 1000} {
		u := fmt.Sprintf("u%d-", uid)
		add(
			opCase{UID: uid, Op: "open", Path: "pub/" + u + "new", Flags: crt | wr, Mode: 0o640},
			opCase{UID: uid, Op: "open", Path: "pub/" + u + "new", Flags: crt | excl | wr, Mode: 0o640},
			opCase{UID: uid, Op: "open", Path: "pub/" + u + "new/", Flags: crt | wr, Mode: 0o640},
			opCase{UID: uid, Op: "open", Path: "pub/" + u + "newdir/", Flags: crt | wr, Mode: 0o640},
			opCase{UID: uid, Op: "open", Path: "dangling-rel", Flags: crt | excl | wr, Mode: 0o640},
			opCase{UID: uid, Op: "open", Path: "dir", Flags: crt | rd, Mode: 0o640},
			opCase{UID: uid, Op: "open", Path: ".", Flags: crt | rd, Mode: 0o640},
			opCase{UID: uid, Op: "open", Path: "/", Flags: crt | excl | rd, Mode: 0o640},
			opCase{UID: uid, Op: "open", Path: "rodir/" + u + "x", Flags: crt | wr, Mode: 0o640},
			opCase{UID: uid, Op: "open", Path: "rodir/f", Flags: crt | rd, Mode: 0o640},
			opCase{UID: uid, Op: "open", Path: "pub/" + u + strings.Repeat("y", 256), Flags: crt | wr, Mode: 0o640},
			opCase{UID: uid, Op: "open", Path: "pub", Flags: tmpf | wr, Mode: 0o600},
			opCase{UID: uid, Op: "open", Path: "pub", Flags: tmpf | rd, Mode: 0o600},
			opCase{UID: uid, Op: "open", Path: "file", Flags: tmpf | wr, Mode: 0o600},
			opCase{UID: uid, Op: "open", Path: "rodir", Flags: tmpf | wr, Mode: 0o600},
			opCase{UID: uid, Op: "open", Path: "pub", Flags: tmpf | crt | wr, Mode: 0o600},
			opCase{UID: uid, Op: "mkdir", Path: "pub/" + u + "d", Mode: 0o755},
			opCase{UID: uid, Op: "mkdir", Path: "pub/" + u + "d", Mode: 0o755},
			opCase{UID: uid, Op: "mkdir", Path: "pub/" + u + "d2/", Mode: 0o755},
			opCase{UID: uid, Op: "mkdir", Path: "dangling", Mode: 0o755},
			opCase{UID: uid, Op: "mkdir", Path: "pub/.", Mode: 0o755},
			opCase{UID: uid, Op: "mkdir", Path: "/", Mode: 0o755},
			opCase{UID: uid, Op: "mkdir", Path: "rodir/" + u + "d", Mode: 0o755},
			opCase{UID: uid, Op: "mkdir", Path: "file/d", Mode: 0o755},
			opCase{UID: uid, Op: "symlink", Path: "pub/" + u + "sl", Path2: "/file"},
			opCase{UID: uid, Op: "symlink", Path: "pub/" + u + "sl", Path2: "/file"},
			opCase{UID: uid, Op: "symlink", Path: "pub/" + u + "sl2/", Path2: "/file"},
			opCase{UID: uid, Op: "symlink", Path: "pub/" + u + "sl3", Path2: ""},
			opCase{UID: uid, Op: "stat", Path: "pub/" + u + "sl"},
			opCase{UID: uid, Op: "link", Path: "pub/" + u + "new", Path2: "pub/" + u + "hl"},
			opCase{UID: uid, Op: "link", Path: "file", Path2: "pub/" + u + "hl2"},
			opCase{UID: uid, Op: "link", Path: "dir", Path2: "pub/" + u + "hl3"},
			opCase{UID: uid, Op: "link", Path: "pub/" + u + "new", Path2: "pub/" + u + "hl/"},
			opCase{UID: uid, Op: "rename", Path: "pub/" + u + "hl", Path2: "pub/" + u + "hl-moved"},
			opCase{UID: uid, Op: "rename", Path: "pub/" + u + "hl-moved", Path2: "pub/" + u + "new", Flags: abi.RENAME_NOREPLACE},
			opCase{UID: uid, Op: "rename", Path: "pub/" + u + "hl-moved", Path2: "pub/" + u + "sl", Flags: abi.RENAME_EXCHANGE},
			opCase{UID: uid, Op: "rename", Path: "pub/" + u + "hl-moved", Path2: "pub/" + u + "nope", Flags: abi.RENAME_EXCHANGE},
			opCase{UID: uid, Op: "rename", Path: "pub/" + u + "d", Path2: "pub/" + u + "d/inside"},
			opCase{UID: uid, Op: "rename", Path: "pub/" + u + "new/", Path2: "pub/" + u + "zz"},
			opCase{UID: uid, Op: "rename", Path: "pub/.", Path2: "pub/" + u + "zz"},
			opCase{UID: uid, Op: "unlink", Path: "pub/" + u + "sl"},
			opCase{UID: uid, Op: "unlink", Path: "pub/" + u + "sl"},
			opCase{UID: uid, Op: "unlink", Path: "pub/" + u + "d"},
			opCase{UID: uid, Op: "unlink", Path: "pub/" + u + "d/"},
			opCase{UID: uid, Op: "unlink", Path: "pub/" + u + "new/"},
			opCase{UID: uid, Op: "unlink", Path: "pub/.."},
			opCase{UID: uid, Op: "unlink", Path: "rodir/f"},
			opCase{UID: uid, Op: "rmdir", Path: "pub/" + u + "d/"},
			opCase{UID: uid, Op: "rmdir", Path: "pub/" + u + "d"},
			opCase{UID: uid, Op: "rmdir", Path: "dir"},
			opCase{UID: uid, Op: "rmdir", Path: "abs-link/"},
			opCase{UID: uid, Op: "rmdir", Path: "pub/."},
			opCase{UID: uid, Op: "rmdir", Path: "pub/.."},
			opCase{UID: uid, Op: "rmdir", Path: "/"},
			opCase{UID: uid, Op: "rmdir", Path: "file"},
		)
	}
	// Sticky directory: a user may not move or remove root's file.
	add(opCase{UID: 1000, Op: "rename", Path: "sticky/rootfile", Path2: "sticky/mine"},
		opCase{UID: 1000, Op: "unlink", Path: "sticky/rootfile"},
		opCase{UID: 0, Op: "unlink", Path: "sticky/rootfile"})
	return cs
}

// mutates reports whether a case may change the tree, after which the
// inode-to-name map must be rebuilt (inode numbers get reused).
func (c opCase) mutates() bool {
	switch c.Op {
	case "stat", "lstat", "readlink", "access", "chdir":
		return false
	case "open":
		return c.Flags&(abi.O_CREAT|abi.O_TRUNC|abi.O_TMPFILE) != 0
	}
	return true
}

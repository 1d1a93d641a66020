package fs

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/blink-go/blink/core/abi"
	"github.com/blink-go/blink/fs/vfs"
	"github.com/blink-go/blink/hostfs"
)

var update = flag.Bool("update", false, "rewrite testdata/linux_walk.json from the live kernel")

const recordFile = "testdata/linux_walk.json"

// record is what testdata/linux_walk.json holds: the kernel's answer to
// every case, in order.
type record struct {
	Kernel  string      `json:"kernel"`
	Results [][2]string `json:"results"` // {case key, result}
}

func TestMain(m *testing.M) {
	if root := os.Getenv("BLINK_FS_ORACLE"); root != "" {
		oracleChild(root) // never returns
	}
	os.Exit(m.Run())
}

func typeLetter(mode uint32) string {
	switch mode & abi.S_IFMT {
	case abi.S_IFDIR:
		return "d"
	case abi.S_IFLNK:
		return "l"
	case abi.S_IFREG:
		return "f"
	}
	return "o"
}

func errResult(e abi.Errno) string { return e.Error() }

// identities maps inode numbers (as key computes them from a host
// lstat) to the smallest guest path naming the file.
func identities(root string, key func(fi os.FileInfo) uint64) map[uint64]string {
	ids := map[uint64]string{}
	filepath.Walk(root, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return nil
		}
		rel := "/" + strings.TrimPrefix(strings.TrimPrefix(p, root), "/")
		k := key(fi)
		if old, ok := ids[k]; !ok || rel < old {
			ids[k] = rel
		}
		return nil
	})
	return ids
}

// runVFS performs the cases through hostfs and the VFS on the tree at
// root and returns each result.
func runVFS(t *testing.T, root string, cases []opCase) []string {
	fsys, e := hostfs.New(root)
	if e != 0 {
		t.Fatal(e)
	}
	defer fsys.Close()
	v, e := vfs.New(&vfs.Superblock{Type: "hostfs", Source: root, Root: fsys.Root()}, 0)
	if e != 0 {
		t.Fatal(e)
	}
	var ids map[uint64]string
	ident := func(st vfs.Stat) string {
		for pass := 0; pass < 2; pass++ {
			if ids == nil || pass == 1 {
				ids = identities(root, hostIno)
			}
			if p, ok := ids[st.Ino]; ok {
				return typeLetter(st.Mode) + " " + p
			}
		}
		return typeLetter(st.Mode) + " ?"
	}
	out := make([]string, len(cases))
	for i, c := range cases {
		ctx := &vfs.Context{Root: v.RootLocation(), Cwd: v.RootLocation(), Cred: &vfs.Cred{UID: c.UID, GID: c.UID}}
		if c.Cwd != "" {
			f, e := v.Chdir(&vfs.Context{Root: v.RootLocation(), Cwd: v.RootLocation(), Cred: vfs.Root}, nil, c.Cwd, 0)
			if e != 0 {
				t.Fatalf("chdir %s: %v", c.Cwd, e)
			}
			ctx.Cwd = f.Location()
		}
		if c.mutates() {
			ids = nil
		}
		out[i] = vfsOp(v, ctx, c, ident)
	}
	return out
}

func vfsOp(v *vfs.VFS, ctx *vfs.Context, c opCase, ident func(vfs.Stat) string) string {
	res := func(e abi.Errno) string {
		if e != 0 {
			return errResult(e)
		}
		return "ok"
	}
	switch c.Op {
	case "stat", "lstat":
		flags := 0
		if c.Op == "lstat" {
			flags = abi.AT_SYMLINK_NOFOLLOW
		}
		st, e := v.Stat(ctx, nil, c.Path, flags)
		if e != 0 {
			return errResult(e)
		}
		return "ok " + ident(st)
	case "open":
		f, e := v.Open(ctx, nil, c.Path, c.Flags, c.Mode)
		if e != 0 {
			return errResult(e)
		}
		defer f.Close()
		st, e := f.Stat()
		if e != 0 {
			return "fstat " + errResult(e)
		}
		return "ok " + ident(st)
	case "readlink":
		s, e := v.Readlink(ctx, nil, c.Path)
		if e != 0 {
			return errResult(e)
		}
		return "ok " + s
	case "access":
		return res(v.Access(ctx, nil, c.Path, c.Mode, abi.AT_EACCESS))
	case "chdir":
		_, e := v.Chdir(ctx, nil, c.Path, 0)
		return res(e)
	case "mkdir":
		return res(v.Mkdir(ctx, nil, c.Path, c.Mode))
	case "unlink":
		return res(v.Unlink(ctx, nil, c.Path, 0))
	case "rmdir":
		return res(v.Unlink(ctx, nil, c.Path, abi.AT_REMOVEDIR))
	case "rename":
		return res(v.Rename(ctx, nil, c.Path, nil, c.Path2, uint32(c.Flags)))
	case "symlink":
		return res(v.Symlink(ctx, c.Path2, nil, c.Path))
	case "link":
		return res(v.Link(ctx, nil, c.Path, nil, c.Path2, 0))
	}
	return "bad op " + c.Op
}

func loadRecord(t *testing.T) *record {
	b, err := os.ReadFile(recordFile)
	if err != nil {
		return nil
	}
	var r record
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatalf("%s: %v", recordFile, err)
	}
	return &r
}

// TestLinuxOracle compares every case's result through the VFS with the
// real kernel's: live in a chroot when this is Linux running as root,
// else as recorded in testdata.
func TestLinuxOracle(t *testing.T) {
	cases := oracleCases()
	want := liveOracle(t, cases)
	rec := loadRecord(t)
	switch {
	case want != nil && (*update || rec == nil):
		b, _ := json.MarshalIndent(want, "", " ")
		if err := os.WriteFile(recordFile, append(b, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	case want != nil:
		if diff := countDiff(rec, want); diff > 0 {
			t.Logf("recorded results differ from this kernel (%s vs %s) in %d cases; -update rewrites them", rec.Kernel, want.Kernel, diff)
		}
	case rec != nil:
		want = rec
	default:
		if os.Getenv("CI") == "true" {
			t.Fatal("no live kernel oracle and no recorded results")
		}
		t.Skip("no live kernel oracle and no recorded results")
	}
	if len(want.Results) != len(cases) {
		t.Fatalf("expectations cover %d cases, there are %d: rerun with -update on Linux as root", len(want.Results), len(cases))
	}
	root := filepath.Join(t.TempDir(), "root")
	buildTree(t, root)
	got := runVFS(t, root, cases)
	bad := 0
	for i, c := range cases {
		if want.Results[i][0] != c.key() {
			t.Fatalf("case %d is %s in testdata, %s here: rerun with -update", i, want.Results[i][0], c.key())
		}
		if got[i] != want.Results[i][1] {
			bad++
			if bad <= 60 {
				t.Errorf("%s: vfs %q, linux %q", c.key(), got[i], want.Results[i][1])
			}
		}
	}
	if bad > 0 {
		t.Errorf("%d of %d cases differ from Linux", bad, len(cases))
	}
	t.Logf("%d cases checked against %s", len(cases), want.Kernel)
}

func countDiff(a, b *record) int {
	n := 0
	for i := range a.Results {
		if i >= len(b.Results) || a.Results[i] != b.Results[i] {
			n++
		}
	}
	return n + max(0, len(b.Results)-len(a.Results))
}

func sortedKeys(m map[string]string) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

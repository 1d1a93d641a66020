package fs

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// buildTree makes the nasty tree every walk test runs on, under root, and
// a marker file next to root that no guest path may ever reach.
func buildTree(t testing.TB, root string) {
	t.Helper()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	mkdir := func(p string, mode os.FileMode) {
		must(os.MkdirAll(filepath.Join(root, p), 0o755))
		must(os.Chmod(filepath.Join(root, p), mode))
	}
	file := func(p string, mode os.FileMode) {
		must(os.WriteFile(filepath.Join(root, p), []byte(p), 0o644))
		must(os.Chmod(filepath.Join(root, p), mode))
	}
	link := func(target, p string) { must(os.Symlink(target, filepath.Join(root, p))) }

	must(os.WriteFile(filepath.Join(filepath.Dir(root), "ESCAPED"), []byte("escaped"), 0o644))
	must(os.MkdirAll(filepath.Join(filepath.Dir(root), "etc"), 0o755))
	must(os.WriteFile(filepath.Join(filepath.Dir(root), "etc", "passwd"), []byte("host"), 0o644))

	mkdir("dir/sub", 0o755)
	file("dir/sub/f", 0o644)
	file("dir/file2", 0o644)
	file("file", 0o644)
	file("xfile", 0o755)
	file("nox", 0o644)
	file("ro-file", 0o444)
	file("wo-file", 0o222)
	mkdir("pub", 0o777)
	mkdir("sticky", 0o1777)
	file("sticky/rootfile", 0o666)
	mkdir("locked", 0o700)
	file("locked/inner", 0o644)
	mkdir("noexec", 0o666)
	file("noexec/f", 0o644)
	mkdir("noread", 0o311)
	file("noread/f", 0o644)
	mkdir("rodir", 0o555)
	file("rodir/f", 0o644)
	mkdir("emptydir", 0o755)
	must(os.Link(filepath.Join(root, "file"), filepath.Join(root, "hardlink")))
	file(strings.Repeat("n", 255), 0o644)

	link("/dir", "abs-link")
	link("/file", "abs-file-link")
	link("dir/sub", "rel-link")
	link(strings.Repeat("../", 12), "up-link")
	link("../../../../../../etc/passwd", "up-file")
	link("/etc/passwd", "abs-etc")
	link("/../../..", "abs-up")
	link("..", "dotdot-link")
	link("/nonexistent", "dangling")
	link("nothere", "dangling-rel")
	link("loop2", "loop1")
	link("loop1", "loop2")
	link("self-loop", "self-loop")
	link("dir/", "link-slash")
	link("file/", "file-slash-link")
	link("../file", "dir/up-file-link")
	link("..", "dir/parent-link")
	link("/../../dir/sub/../..", "dir/abs-up")
	link("locked/inner", "to-locked")
	link(filepath.Dir(root), "host-abs") // the host's name for the tree's parent
	link("dir/sub/f", "to-f")
	link("to-f", "to-to-f")
	// chain0 -> chain1 -> ... -> chain40 -> file: 41 links from chain0,
	// one more than MAXSYMLINKS; 40 from chain1.
	for i := 0; i < 41; i++ {
		target := "chain" + itoa(i+1)
		if i == 40 {
			target = "file"
		}
		link(target, "chain"+itoa(i))
	}
	// the same depth through nested directories and relative links
	mkdir("nest", 0o755)
	link("../file", "nest/up")
}

func itoa(i int) string {
	if i < 10 {
		return string(rune('0' + i))
	}
	return itoa(i/10) + string(rune('0'+i%10))
}

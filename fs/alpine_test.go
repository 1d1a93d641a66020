package fs

import (
	"archive/tar"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/blink-go/blink/core/abi"
)

const alpineTarball = "/work/shared/rootfs/alpine-minirootfs-3.20.3-x86_64.tar.gz"

// untar extracts a rootfs tarball into dir (regular files, directories,
// symlinks and hard links; names with ".." are refused).
func untar(t *testing.T, tarball, dir string) {
	t.Helper()
	f, err := os.Open(tarball)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(gz)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		name := filepath.Clean(h.Name)
		if strings.HasPrefix(name, "..") || filepath.IsAbs(name) {
			t.Fatalf("tarball entry %q escapes", h.Name)
		}
		p := filepath.Join(dir, name)
		switch h.Typeflag {
		case tar.TypeDir:
			err = os.MkdirAll(p, os.FileMode(h.Mode)&0o7777|0o700)
		case tar.TypeReg:
			var out *os.File
			if out, err = os.OpenFile(p, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, os.FileMode(h.Mode)&0o7777); err == nil {
				_, err = io.Copy(out, tr)
				out.Close()
			}
		case tar.TypeSymlink:
			err = os.Symlink(h.Linkname, p)
		case tar.TypeLink:
			err = os.Link(filepath.Join(dir, filepath.Clean(h.Linkname)), p)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
}

func TestAlpineRootfs(t *testing.T) {
	dir := t.TempDir()
	untar(t, alpineTarball, dir)
	v, e := NewDefault(Options{Root: dir})
	if e != 0 {
		t.Fatal(e)
	}
	ctx := rootCtx(v)
	bb, e := v.Stat(ctx, nil, "/bin/busybox", 0)
	if e != 0 {
		t.Fatal(e)
	}
	for _, p := range []string{"/bin/ls", "/bin/sh", "bin/ls", "/usr/../bin/ls", "/../../bin/ls", "/etc/../bin/sh"} {
		st, e := v.Stat(ctx, nil, p, 0)
		if e != 0 || st.Ino != bb.Ino || st.Dev != bb.Dev {
			t.Errorf("%s does not land on /bin/busybox: %v", p, e)
		}
	}
	if lst, _ := v.Stat(ctx, nil, "/bin/ls", abi.AT_SYMLINK_NOFOLLOW); lst.Mode&abi.S_IFMT != abi.S_IFLNK {
		t.Error("/bin/ls is not a symlink")
	}
	target, e := v.Readlink(ctx, nil, "/bin/sh")
	if e != 0 || target != "/bin/busybox" {
		t.Errorf("readlink /bin/sh: %q %v", target, e)
	}
	r, _ := v.Stat(ctx, nil, "/", 0)
	up, _ := v.Stat(ctx, nil, "/..", 0)
	if r.Ino != up.Ino || r.Dev != up.Dev {
		t.Error("/.. is not /")
	}
	// The musl loader, through its absolute symlink in /lib.
	f, e := v.OpenExec(ctx, nil, "/lib/ld-musl-x86_64.so.1")
	if e != 0 {
		t.Fatalf("open the dynamic loader: %v", e)
	}
	f.Close()
	// /dev and /proc are the placeholders (the tarball has both as empty
	// directories), not the host's.
	if _, e := v.Stat(ctx, nil, "/dev/null", 0); e != abi.ENOENT {
		t.Errorf("/dev/null: %v, want ENOENT from the placeholder", e)
	}
	if _, e := v.Stat(ctx, nil, "/SystemRoot/dev/null", 0); e != 0 {
		t.Errorf("/SystemRoot/dev/null: %v", e)
	}
}

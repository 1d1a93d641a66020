package rootfs

import (
	"archive/tar"
	"bytes"
	"errors"
	"github.com/blink-go/blink/rootfs/meta"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
	"github.com/ulikunitz/xz"
)

// testRootfs returns the directory of the shared Alpine tarballs, skipping
// the test when they are absent (failing under CI, where they must be).
func testRootfs(t testing.TB) string {
	t.Helper()
	dir := os.Getenv("BLINK_TEST_ROOTFS")
	if dir == "" {
		dir = filepath.Join("..", "..", "shared", "rootfs")
	}
	if _, err := os.Stat(filepath.Join(dir, "alpine-minirootfs-3.20.3-x86_64.tar.gz")); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("test rootfs missing: %v", err)
		}
		t.Skipf("test rootfs missing: %v", err)
	}
	return dir
}

// ent is one entry of a test archive.
type ent struct {
	name, link string
	typ        byte
	body       string
	mode       int64
	size       int64 // overrides len(body) in the header when non-zero
}

func mkTar(t testing.TB, ents ...ent) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, e := range ents {
		h := &tar.Header{Name: e.name, Linkname: e.link, Typeflag: e.typ, Mode: e.mode, ModTime: time.Unix(1e9, 0),
			Format: tar.FormatPAX}
		if h.Typeflag == 0 {
			h.Typeflag = tar.TypeReg
		}
		if h.Mode == 0 {
			h.Mode = 0o644
		}
		if h.Typeflag == tar.TypeReg {
			h.Size = int64(len(e.body))
		}
		if e.size != 0 {
			h.Size = e.size
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if e.size == 0 && e.body != "" {
			tw.Write([]byte(e.body))
		}
	}
	tw.Flush()
	if ents == nil || ents[len(ents)-1].size == 0 {
		tw.Close()
	}
	return buf.Bytes()
}

func gz(t testing.TB, b []byte) []byte {
	var buf bytes.Buffer
	w, _ := gzip.NewWriterLevel(&buf, gzip.BestSpeed)
	w.Write(b)
	w.Close()
	return buf.Bytes()
}

// sandbox makes DIR/root (the target) and DIR/sentinel (which must stay
// empty) and returns both.
func sandbox(t testing.TB) (root, sentinel string) {
	dir := t.TempDir()
	root, sentinel = filepath.Join(dir, "root"), filepath.Join(dir, "sentinel")
	os.Mkdir(root, 0o755)
	os.Mkdir(sentinel, 0o755)
	return root, sentinel
}

// checkContained fails if anything exists in the sandbox beside root, or in
// the sentinel directory.
func checkContained(t testing.TB, root, sentinel string) {
	t.Helper()
	top, _ := os.ReadDir(filepath.Dir(root))
	for _, e := range top {
		if e.Name() != "root" && e.Name() != "root.meta" && e.Name() != "sentinel" {
			t.Errorf("created outside the target: %s", e.Name())
		}
	}
	if s, _ := os.ReadDir(sentinel); len(s) != 0 {
		t.Errorf("created in the sentinel directory: %v", s[0].Name())
	}
}

func TestUnpackAlpine(t *testing.T) {
	dir := testRootfs(t)
	tarball := filepath.Join(dir, "alpine-minirootfs-3.20.3-x86_64.tar.gz")
	root := filepath.Join(t.TempDir(), "root")
	os.Mkdir(root, 0o755)
	f, err := os.Open(tarball)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	start := time.Now()
	res, err := Unpack(f, root, Limits{})
	el := time.Since(start)
	if err != nil {
		t.Fatal(err)
	}
	checkAlpineTree(t, root, "3.20.3")
	if res.Entries != 518 {
		t.Errorf("entries = %d, want 518", res.Entries)
	}
	m := res.Meta
	if s := m["/etc/shadow"]; s.Type != meta.TypeReg || s.Uid != 0 || s.Mode != 0o640 {
		t.Errorf("meta /etc/shadow = %+v, want regular uid 0 mode 0640", s)
	}
	if s := m["/tmp"]; s.Type != meta.TypeDir || s.Mode != 0o1777 {
		t.Errorf("meta /tmp = %+v, want dir mode 01777", s)
	}
	if fi, err := os.Stat(filepath.Join(root, "tmp")); err != nil || fi.Mode()&os.ModeSticky == 0 {
		t.Errorf("/tmp on host lacks the sticky bit: %v %v", fi.Mode(), err)
	}
	if s := m["/bin/sh"]; s.Type != meta.TypeSymlink || s.Link != "/bin/busybox" {
		t.Errorf("meta /bin/sh = %+v", s)
	}
	// mtimes: set after contents, directories last, so each matches its
	// header.
	f.Seek(0, io.SeekStart)
	zr, _ := gzip.NewReader(f)
	tr := tar.NewReader(zr)
	checked := 0
	for {
		h, err := tr.Next()
		if err != nil {
			break
		}
		switch name := strings.Trim(h.Name, "./"); name {
		case "etc", "bin", "bin/busybox", "etc/alpine-release", "bin/sh":
			fi, err := os.Lstat(filepath.Join(root, name))
			if err != nil || !fi.ModTime().Equal(h.ModTime) {
				t.Errorf("%s mtime = %v (%v), want %v", name, fi.ModTime(), err, h.ModTime)
			}
			checked++
		}
	}
	if checked != 5 {
		t.Errorf("checked %d mtimes, want 5", checked)
	}

	// Throughput against the host's tar on the same file, for the log.
	fi, _ := f.Stat()
	t.Logf("unpack %s: %d entries, %s in %v = %.1f MB/s unpacked", filepath.Base(tarball), res.Entries,
		FormatSize(res.Bytes), el.Round(time.Millisecond), float64(res.Bytes)/el.Seconds()/1e6)
	if tarBin, err := exec.LookPath("tar"); err == nil && runtime.GOOS != "windows" {
		out := t.TempDir()
		start := time.Now()
		if b, err := exec.Command(tarBin, "xzf", tarball, "-C", out).CombinedOutput(); err == nil {
			tel := time.Since(start)
			t.Logf("tar xzf: %v = %.1f MB/s (compressed %s)", tel.Round(time.Millisecond),
				float64(res.Bytes)/tel.Seconds()/1e6, FormatSize(fi.Size()))
		} else {
			t.Logf("tar xzf failed: %v %s", err, b)
		}
	}
}

func checkAlpineTree(t *testing.T, root, version string) {
	t.Helper()
	if fi, err := os.Lstat(filepath.Join(root, "bin", "busybox")); err != nil || !fi.Mode().IsRegular() || fi.Mode()&0o111 == 0 {
		t.Errorf("/bin/busybox: %v %v", fi, err)
	}
	if l, err := os.Readlink(filepath.Join(root, "bin", "sh")); err != nil || l != "/bin/busybox" {
		t.Errorf("/bin/sh -> %q, %v; want /bin/busybox", l, err)
	}
	if b, err := os.ReadFile(filepath.Join(root, "etc", "alpine-release")); err != nil || !strings.Contains(string(b), version) {
		t.Errorf("/etc/alpine-release = %q, %v; want %s", b, err, version)
	}
	m, err := meta.Load(root)
	if err != nil {
		t.Fatalf("meta.Load: %v", err)
	}
	if s := m["/etc/shadow"]; s.Uid != 0 || s.Mode != 0o640 {
		t.Errorf("metadata /etc/shadow = %+v, want uid 0 mode 0640", s)
	}
}

func BenchmarkUnpackAlpine(b *testing.B) {
	tarball := filepath.Join(testRootfs(b), "alpine-minirootfs-3.20.3-x86_64.tar.gz")
	data, err := os.ReadFile(tarball)
	if err != nil {
		b.Fatal(err)
	}
	var n int64
	for b.Loop() {
		root := filepath.Join(b.TempDir(), "r")
		os.Mkdir(root, 0o755)
		res, err := Unpack(bytes.NewReader(data), root, Limits{})
		if err != nil {
			b.Fatal(err)
		}
		n = res.Bytes
	}
	b.SetBytes(n)
}

func TestUnpackHostile(t *testing.T) {
	outside := filepath.Join(t.TempDir(), "outside-abs")
	cases := []struct {
		name string
		arch func(sentinel string) []byte
		lim  Limits
		want error
	}{
		{"dotdot", func(s string) []byte { return mkTar(t, ent{name: "../sentinel/x", body: "pwned"}) }, Limits{}, ErrUnsafeArchive},
		{"dotdot-deep", func(s string) []byte { return mkTar(t, ent{name: "a/../../sentinel/x", body: "pwned"}) }, Limits{}, ErrUnsafeArchive},
		{"absolute", func(s string) []byte { return mkTar(t, ent{name: outside, body: "pwned"}) }, Limits{}, ErrUnsafeArchive},
		{"symlink-abs-then-write", func(s string) []byte {
			return mkTar(t, ent{name: "a", typ: tar.TypeSymlink, link: s}, ent{name: "a/x", body: "pwned"})
		}, Limits{}, ErrUnsafeArchive},
		{"symlink-root-then-write", func(s string) []byte {
			return mkTar(t, ent{name: "a", typ: tar.TypeSymlink, link: "/"}, ent{name: "a" + outside, body: "pwned"})
		}, Limits{}, ErrUnsafeArchive},
		{"symlink-dotdot-chain", func(s string) []byte {
			return mkTar(t,
				ent{name: "d/", typ: tar.TypeDir, mode: 0o755},
				ent{name: "d/up", typ: tar.TypeSymlink, link: ".."},
				ent{name: "d/e/", typ: tar.TypeDir, mode: 0o755},
				ent{name: "d/e/up2", typ: tar.TypeSymlink, link: "../up/.."},
				ent{name: "d/e/up2/sentinel/x", body: "pwned"})
		}, Limits{}, ErrUnsafeArchive},
		{"symlink-then-dir-through", func(s string) []byte {
			return mkTar(t, ent{name: "a", typ: tar.TypeSymlink, link: "../sentinel"},
				ent{name: "a/sub/", typ: tar.TypeDir, mode: 0o755})
		}, Limits{}, ErrUnsafeArchive},
		{"symlink-then-overwrite", func(s string) []byte {
			// Writing to the link's own name replaces the link, never
			// follows it.
			return mkTar(t, ent{name: "a", typ: tar.TypeSymlink, link: s + "/x"}, ent{name: "a", body: "fine"},
				ent{name: "z/../../x", body: "pwned"})
		}, Limits{}, ErrUnsafeArchive},
		{"hardlink-dotdot", func(s string) []byte {
			os.WriteFile(filepath.Join(filepath.Dir(s), "victim"), []byte("v"), 0o644)
			defer os.Remove(filepath.Join(filepath.Dir(s), "victim"))
			return mkTar(t, ent{name: "h", typ: tar.TypeLink, link: "../victim"})
		}, Limits{}, ErrUnsafeArchive},
		{"hardlink-absolute", func(s string) []byte {
			return mkTar(t, ent{name: "h", typ: tar.TypeLink, link: "/etc/passwd"})
		}, Limits{}, ErrUnsafeArchive},
		{"hardlink-through-symlink", func(s string) []byte {
			return mkTar(t, ent{name: "a", typ: tar.TypeSymlink, link: "/etc"}, ent{name: "h", typ: tar.TypeLink, link: "a/passwd"})
		}, Limits{}, ErrUnsafeArchive},
		{"hardlink-not-in-archive", func(s string) []byte {
			return mkTar(t, ent{name: "h", typ: tar.TypeLink, link: "etc/passwd"})
		}, Limits{}, ErrUnsafeArchive},
		{"root-as-symlink", func(s string) []byte {
			return mkTar(t, ent{name: "./", typ: tar.TypeSymlink, link: s})
		}, Limits{}, ErrUnsafeArchive},
		{"huge-header-size", func(s string) []byte {
			return mkTar(t, ent{name: "big", size: 1 << 40})
		}, Limits{}, ErrLimit},
		{"entry-size-limit", func(s string) []byte {
			return mkTar(t, ent{name: "f", body: strings.Repeat("x", 2000)})
		}, Limits{MaxEntrySize: 1000}, ErrLimit},
		{"long-component", func(s string) []byte {
			return mkTar(t, ent{name: strings.Repeat("n", 300), body: "x"})
		}, Limits{}, ErrLimit},
		{"long-path", func(s string) []byte {
			return mkTar(t, ent{name: strings.Repeat("d/", 2100) + "f", body: "x"})
		}, Limits{}, ErrLimit},
		{"too-many-entries", func(s string) []byte {
			var es []ent
			for i := range 20 {
				es = append(es, ent{name: "f" + string(rune('a'+i)), body: "x"})
			}
			return mkTar(t, es...)
		}, Limits{MaxEntries: 10}, ErrLimit},
		{"total-size", func(s string) []byte {
			return gz(t, mkTar(t, ent{name: "a", body: strings.Repeat("x", 1<<20)}, ent{name: "b", body: strings.Repeat("y", 1<<20)}))
		}, Limits{MaxTotalSize: 1 << 20}, ErrLimit},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			root, sentinel := sandbox(t)
			_, err := Unpack(bytes.NewReader(tc.arch(sentinel)), root, tc.lim)
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error is not one line: %q", err)
			}
			t.Logf("%v", err)
			checkContained(t, root, sentinel)
			if _, err := os.Lstat(outside); err == nil {
				t.Fatalf("%s was created", outside)
			}
		})
	}
}

// TestUnpackBomb feeds a gzip of 200 MiB of zeros (about 200 KiB): the
// ratio check must stop it soon after the grace amount, not at the total
// limit.
func TestUnpackBomb(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 64 MiB")
	}
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.DefaultCompression)
	tw := tar.NewWriter(zw)
	const size = 200 << 20
	tw.WriteHeader(&tar.Header{Name: "zeros", Size: size, Mode: 0o644, Typeflag: tar.TypeReg})
	zero := make([]byte, 1<<20)
	for range size / len(zero) {
		tw.Write(zero)
	}
	tw.Close()
	zw.Close()
	root, sentinel := sandbox(t)
	_, err := Unpack(bytes.NewReader(buf.Bytes()), root, Limits{})
	if !errors.Is(err, ErrLimit) || !strings.Contains(err.Error(), "ratio") {
		t.Fatalf("err = %v, want a ratio limit error", err)
	}
	t.Logf("%d compressed bytes: %v", buf.Len(), err)
	if fi, err := os.Stat(filepath.Join(root, "zeros")); err == nil && fi.Size() > ratioGrace+(8<<20) {
		t.Errorf("wrote %d bytes before stopping", fi.Size())
	}
	checkContained(t, root, sentinel)
}

func TestUnpackFormats(t *testing.T) {
	plain := mkTar(t, ent{name: "./", typ: tar.TypeDir, mode: 0o755}, ent{name: "./etc/hostname", body: "blink\n"})
	var zs, xzb bytes.Buffer
	zw, _ := zstd.NewWriter(&zs)
	zw.Write(plain)
	zw.Close()
	xw, _ := xz.NewWriter(&xzb)
	xw.Write(plain)
	xw.Close()
	for name, data := range map[string][]byte{"tar": plain, "gzip": gz(t, plain), "zstd": zs.Bytes(), "xz": xzb.Bytes()} {
		t.Run(name, func(t *testing.T) {
			root, _ := sandbox(t)
			if _, err := Unpack(bytes.NewReader(data), root, Limits{}); err != nil {
				t.Fatal(err)
			}
			if b, _ := os.ReadFile(filepath.Join(root, "etc", "hostname")); string(b) != "blink\n" {
				t.Errorf("hostname = %q", b)
			}
		})
	}
	t.Run("garbage", func(t *testing.T) {
		root, _ := sandbox(t)
		_, err := Unpack(strings.NewReader(strings.Repeat("not a tarball ", 100)), root, Limits{})
		if err == nil {
			t.Fatal("no error")
		}
		t.Log(err)
	})
	t.Run("truncated", func(t *testing.T) {
		root, _ := sandbox(t)
		data := gz(t, mkTar(t, ent{name: "f", body: strings.Repeat("x", 10000)}))
		_, err := Unpack(bytes.NewReader(data[:len(data)/2]), root, Limits{})
		if err == nil || !strings.Contains(err.Error(), "truncated") {
			t.Fatalf("err = %v, want truncated", err)
		}
	})
}

func TestUnpackTypes(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("unix file types")
	}
	root, sentinel := sandbox(t)
	data := mkTar(t,
		ent{name: "ro/", typ: tar.TypeDir, mode: 0o555},
		ent{name: "ro/f", body: "inside a read-only dir"},
		ent{name: "suid", body: "x", mode: 0o4755},
		ent{name: "link", typ: tar.TypeLink, link: "ro/f"},
		ent{name: "fifo", typ: tar.TypeFifo, mode: 0o600},
		ent{name: "null", typ: tar.TypeChar, mode: 0o666},
		ent{name: "abs", typ: tar.TypeSymlink, link: "/etc/passwd"},
		ent{name: "abslink", typ: tar.TypeLink, link: "abs"},
		ent{name: "again", body: "first"},
		ent{name: "again", body: "second"},
		ent{name: "emptydir/", typ: tar.TypeDir, mode: 0o700},
		ent{name: "emptydir", body: "replaced"},
	)
	res, err := Unpack(bytes.NewReader(data), root, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	checkContained(t, root, sentinel)
	st := func(p string) fs.FileInfo {
		fi, err := os.Lstat(filepath.Join(root, p))
		if err != nil {
			t.Fatal(err)
		}
		return fi
	}
	if st("ro").Mode().Perm() != 0o755 {
		t.Errorf("ro mode %v: want 0555 plus owner write", st("ro").Mode())
	}
	if st("suid").Mode()&os.ModeSetuid == 0 {
		t.Logf("host refused setuid (%v): allowed", st("suid").Mode())
	}
	if !os.SameFile(st("link"), st("ro/f")) {
		t.Error("hard link is not the same file")
	}
	if st("fifo").Mode()&os.ModeNamedPipe == 0 {
		t.Errorf("fifo mode %v", st("fifo").Mode())
	}
	if !st("null").Mode().IsRegular() {
		t.Errorf("device placeholder mode %v", st("null").Mode())
	}
	if l, _ := os.Readlink(filepath.Join(root, "abslink")); l != "/etc/passwd" {
		t.Errorf("hard link to symlink became %q, want a copy of the symlink", l)
	}
	if b, _ := os.ReadFile(filepath.Join(root, "again")); string(b) != "second" {
		t.Errorf("later entry did not win: %q", b)
	}
	if b, _ := os.ReadFile(filepath.Join(root, "emptydir")); string(b) != "replaced" {
		t.Errorf("empty dir not replaced: %q", b)
	}
	m := res.Meta
	for p, want := range map[string]meta.File{
		"/ro":       {Type: meta.TypeDir, Mode: 0o555},
		"/suid":     {Type: meta.TypeReg, Mode: 0o4755},
		"/link":     {Type: meta.TypeHardlink, Mode: 0o644, Link: "/ro/f"},
		"/fifo":     {Type: meta.TypeFifo, Mode: 0o600},
		"/null":     {Type: meta.TypeChar, Mode: 0o666},
		"/abs":      {Type: meta.TypeSymlink, Mode: 0o644, Link: "/etc/passwd"},
		"/again":    {Type: meta.TypeReg, Mode: 0o644},
		"/emptydir": {Type: meta.TypeReg, Mode: 0o644},
	} {
		if m[p] != want {
			t.Errorf("meta %s = %+v, want %+v", p, m[p], want)
		}
	}
}

func TestMetadataRoundTrip(t *testing.T) {
	in := map[string]meta.File{
		"/":              {Type: meta.TypeDir, Mode: 0o755},
		"/etc/shadow":    {Type: meta.TypeReg, Mode: 0o640, Gid: 42},
		"/dev/sda":       {Type: meta.TypeBlock, Mode: 0o660, Gid: 6, Major: 8, Minor: 0},
		"/with space":    {Type: meta.TypeSymlink, Mode: 0o777, Link: "target with\nnewline \"q\""},
		"/nl\nname":      {Type: meta.TypeReg, Mode: 0o4755, Uid: 1000, Gid: 1000},
		"/bin/sh":        {Type: meta.TypeSymlink, Mode: 0o777, Link: "/bin/busybox"},
		"/usr/bin/hlink": {Type: meta.TypeHardlink, Mode: 0o755, Link: "/bin/busybox"},
	}
	var buf bytes.Buffer
	if err := meta.Write(&buf, in); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "\n- 0640 0 42 0 0 /etc/shadow\n") {
		t.Errorf("unexpected format:\n%s", buf.String())
	}
	out, err := meta.Read(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != len(in) {
		t.Fatalf("got %d entries, want %d", len(out), len(in))
	}
	for k, v := range in {
		if out[k] != v {
			t.Errorf("%q = %+v, want %+v", k, out[k], v)
		}
	}
	for _, bad := range []string{"", "blink-rootfs-meta 2\n", meta.Header + "- 0644 0 0 0 0\n", meta.Header + "- 0999 0 0 0 0 /x\n",
		meta.Header + "- 0644 0 0 0 0 relative\n", meta.Header + "- 0644 0 0 0 0 \"/unterminated\n"} {
		if _, err := meta.Read(strings.NewReader(bad)); err == nil {
			t.Errorf("meta.Read(%q) succeeded", bad)
		}
	}
}

// FuzzUnpack throws arbitrary archives at the unpacker: it must not panic
// and must never create anything outside the target.
func FuzzUnpack(f *testing.F) {
	f.Add(mkTar(f, ent{name: "a", typ: tar.TypeSymlink, link: ".."}, ent{name: "a/x", body: "x"}))
	f.Add(mkTar(f, ent{name: "d/", typ: tar.TypeDir}, ent{name: "d/f", body: "x"}, ent{name: "h", typ: tar.TypeLink, link: "d/f"}))
	f.Add(mkTar(f, ent{name: "../x", body: "x"}))
	f.Add(gz(f, mkTar(f, ent{name: "s", typ: tar.TypeSymlink, link: "/"}, ent{name: "s", typ: tar.TypeDir}, ent{name: "s/x", body: "x"})))
	f.Fuzz(func(t *testing.T, data []byte) {
		// A hang is a bug too: crash with every stack so the engine
		// saves the input.
		watchdog := time.AfterFunc(20*time.Second, func() {
			buf := make([]byte, 1<<20)
			panic("unpack hung:\n" + string(buf[:runtime.Stack(buf, true)]))
		})
		defer watchdog.Stop()
		root, sentinel := sandbox(t)
		Unpack(bytes.NewReader(data), root, Limits{MaxTotalSize: 1 << 20, MaxEntrySize: 1 << 20, MaxEntries: 1000})
		checkContained(t, root, sentinel)
	})
}

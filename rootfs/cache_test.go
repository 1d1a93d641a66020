package rootfs

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// mirror is an httptest Alpine mirror on 127.0.0.1 serving the shared
// tarballs in Alpine's layout, with hooks to misbehave.
type mirror struct {
	*httptest.Server
	files     map[string][]byte // path -> body
	mu        sync.Mutex
	override  map[string]http.HandlerFunc
	downloads atomic.Int32 // tarball GETs
	ranges    atomic.Int32 // tarball GETs with a Range header
}

var releases = map[string]string{"3.20": "3.20.3", "3.17": "3.17.10"}

func newMirror(t *testing.T) *mirror {
	t.Helper()
	dir := testRootfs(t)
	m := &mirror{files: map[string][]byte{}, override: map[string]http.HandlerFunc{}}
	for branch, ver := range releases {
		file := "alpine-minirootfs-" + ver + "-x86_64.tar.gz"
		body, err := os.ReadFile(filepath.Join(dir, file))
		if err != nil {
			t.Fatal(err)
		}
		base := "/alpine/v" + branch + "/releases/x86_64/"
		s512, s256 := sha512.Sum512(body), sha256.Sum256(body)
		m.files[base+file] = body
		m.files[base+file+".sha512"] = []byte(hex.EncodeToString(s512[:]) + "  " + file + "\n")
		m.files[base+file+".sha256"] = []byte(hex.EncodeToString(s256[:]) + "  " + file + "\n")
		m.files[base+"latest-releases.yaml"] = []byte(fmt.Sprintf(`---
-
  title: "Mini root filesystem"
  desc: "Minimal root filesystem.
    For use in containers
    and minimal chroots."
  branch: v%s
  arch: x86_64
  version: %s
  flavor: alpine-minirootfs
  file: %s
  iso: %s
  date: 2024-09-06
  size: %d
  sha256: %x
-
  title: "Standard"
  branch: v%s
  arch: x86_64
  version: %s
  flavor: alpine-standard
  file: alpine-standard-%s-x86_64.iso
`, branch, ver, file, file, len(body), s256, branch, ver, ver))
	}
	m.files["/alpine/latest-stable/releases/x86_64/latest-releases.yaml"] = m.files["/alpine/v3.20/releases/x86_64/latest-releases.yaml"]
	edge := "/alpine/edge/releases/x86_64/"
	m.files[edge+"alpine-minirootfs-20240906-x86_64.tar.gz"] = m.files[tarball320]
	m.files[edge+"alpine-minirootfs-20240906-x86_64.tar.gz.sha512"] = m.files[tarball320+".sha512"]
	m.files[edge+"latest-releases.yaml"] = []byte("-\n  branch: edge\n  flavor: alpine-minirootfs\n  version: 20240906\n" +
		"  file: alpine-minirootfs-20240906-x86_64.tar.gz\n")
	m.Server = httptest.NewServer(http.HandlerFunc(m.serve))
	t.Cleanup(m.Close)
	return m
}

func (m *mirror) url() string { return m.URL + "/alpine" }

const tarball320 = "/alpine/v3.20/releases/x86_64/alpine-minirootfs-3.20.3-x86_64.tar.gz"

func (m *mirror) on(path string, h http.HandlerFunc) {
	m.mu.Lock()
	m.override[path] = h
	m.mu.Unlock()
}

func (m *mirror) serve(w http.ResponseWriter, r *http.Request) {
	if strings.HasSuffix(r.URL.Path, ".tar.gz") {
		m.downloads.Add(1)
		if r.Header.Get("Range") != "" {
			m.ranges.Add(1)
		}
	}
	m.mu.Lock()
	h := m.override[r.URL.Path]
	m.mu.Unlock()
	if h != nil {
		h(w, r)
		return
	}
	m.serveFile(w, r)
}

func (m *mirror) serveFile(w http.ResponseWriter, r *http.Request) {
	body, ok := m.files[r.URL.Path]
	if !ok {
		http.NotFound(w, r)
		return
	}
	// ServeContent answers Range requests, so resume is exercised.
	http.ServeContent(w, r, filepath.Base(r.URL.Path), time.Unix(1.7e9, 0), bytes.NewReader(body))
}

func newCache(t *testing.T) *Cache { return &Cache{Dir: filepath.Join(t.TempDir(), "cache")} }

func opts(m *mirror) *Options {
	return &Options{Mirror: m.url(), Progress: io.Discard, StallTimeout: 5 * time.Second}
}

func mustParse(t *testing.T, s string) Ref {
	t.Helper()
	r, err := Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestPullByName(t *testing.T) {
	m := newMirror(t)
	c := newCache(t)
	ctx := context.Background()
	t.Setenv("BLINK_ALPINE_MIRROR", m.url())
	var bar bytes.Buffer
	root, err := c.Ensure(ctx, mustParse(t, "alpine"), &Options{Progress: &bar})
	if err != nil {
		t.Fatal(err)
	}
	checkAlpineTree(t, root, "3.20.3")
	if !strings.Contains(bar.String(), "alpine:3.20.3") || !strings.Contains(bar.String(), "100%") {
		t.Errorf("progress output %q lacks label or 100%%", bar.String())
	}
	// alpine:3.20 resolves to the same version: its tag moves there, no
	// second download.
	root2, err := c.Ensure(ctx, mustParse(t, "alpine:3.20"), nil)
	if err != nil || root2 != root {
		t.Fatalf("Ensure alpine:3.20 = %q, %v; want %q", root2, err, root)
	}
	// Cached now: no network at all.
	m.Close()
	for _, ref := range []string{"alpine", "alpine:latest", "alpine:3.20", "alpine:3.20.3"} {
		if r, err := c.Ensure(ctx, mustParse(t, ref), nil); err != nil || r != root {
			t.Errorf("offline Ensure %s = %q, %v", ref, r, err)
		}
	}
	if n := m.downloads.Load(); n != 1 {
		t.Errorf("%d tarball downloads, want 1", n)
	}
	list, err := c.List()
	if err != nil || len(list) != 1 {
		t.Fatalf("List = %+v, %v", list, err)
	}
	e := list[0]
	if e.Ref() != "alpine:3.20.3" || strings.Join(e.Tags, ",") != "3.20,latest" || e.Path != root ||
		!strings.HasPrefix(e.Sum, "sha512:9d5405f6") || e.Size < 7<<20 || time.Since(e.Date) > time.Minute {
		t.Errorf("entry = %+v", e)
	}
	var out bytes.Buffer
	FormatEntries(&out, list)
	if !strings.Contains(out.String(), "alpine:3.20.3  3.20,latest  7.4M") {
		t.Errorf("FormatEntries:\n%s", out.String())
	}
	t.Logf("\n%s%s", out.String(), FormatPulled(e))
	if _, err := c.Remove(ctx, "alpine:3.17"); err == nil {
		t.Error("Remove of an absent image succeeded")
	}
	removed, err := c.Remove(ctx, "alpine:latest")
	if err != nil || len(removed) != 1 {
		t.Fatalf("Remove = %v, %v", removed, err)
	}
	if list, _ := c.List(); len(list) != 0 {
		t.Errorf("after Remove: %+v", list)
	}
	if _, err := os.Stat(root); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("root still there: %v", err)
	}
	if left := snapshot(t, c.Dir); left != "images/\nimages/alpine/\nlock\ntmp/\n" {
		t.Errorf("cache after remove:\n%s", left)
	}
}

func TestPullVersions(t *testing.T) {
	m := newMirror(t)
	c := newCache(t)
	ctx := context.Background()
	o := opts(m)
	e17, err := c.Pull(ctx, mustParse(t, "alpine:3.17"), o)
	if err != nil {
		t.Fatal(err)
	}
	checkAlpineTree(t, e17.Path, "3.17.10")
	// Pinning the default branch.
	o.AlpineBranch = "3.17"
	if e, err := c.Pull(ctx, mustParse(t, "alpine"), o); err != nil || e.Version != "3.17.10" {
		t.Fatalf("pinned alpine = %+v, %v", e, err)
	}
	o.AlpineBranch = ""
	e20, err := c.Pull(ctx, mustParse(t, "alpine:3.20.3"), o)
	if err != nil {
		t.Fatal(err)
	}
	// latest moves from 3.17.10 to 3.20.3.
	if _, err := c.Pull(ctx, mustParse(t, "alpine"), o); err != nil {
		t.Fatal(err)
	}
	list, _ := c.List()
	var got []string
	for _, e := range list {
		got = append(got, e.Ref()+"["+strings.Join(e.Tags, ",")+"]")
	}
	if want := "alpine:3.17.10[3.17] alpine:3.20.3[3.20.3,latest]"; strings.Join(got, " ") != want {
		t.Errorf("list = %v, want %s", got, want)
	}
	if n := m.downloads.Load(); n != 2 {
		t.Errorf("%d downloads, want 2", n)
	}
	// Force re-downloads and replaces in place.
	o.Force = true
	if e, err := c.Pull(ctx, mustParse(t, "alpine:3.20.3"), o); err != nil || e.Path != e20.Path {
		t.Fatalf("forced pull = %+v, %v", e, err)
	}
	checkAlpineTree(t, e20.Path, "3.20.3")
	// Removing by bare name takes every version.
	if rm, err := c.Remove(ctx, "alpine"); err != nil || len(rm) != 2 {
		t.Fatalf("Remove alpine = %v, %v", rm, err)
	}
}

func TestPullURLAndFile(t *testing.T) {
	m := newMirror(t)
	c := newCache(t)
	ctx := context.Background()
	u := m.URL + tarball320
	// The checksum file beside the URL is used.
	e, err := c.Pull(ctx, mustParse(t, u), opts(m))
	if err != nil {
		t.Fatal(err)
	}
	checkAlpineTree(t, e.Path, "3.20.3")
	// A fragment checksum, right and wrong.
	sum := sha256.Sum256(m.files[tarball320])
	m.on(tarball320+".sha512", http.NotFound)
	m.on(tarball320+".sha256", http.NotFound)
	if _, err := c.Pull(ctx, mustParse(t, u+"#sha256="+hex.EncodeToString(sum[:])), &Options{Force: true, Progress: io.Discard}); err != nil {
		t.Fatal(err)
	}
	_, err = c.Pull(ctx, mustParse(t, u+"#sha256="+strings.Repeat("0", 64)), &Options{Force: true, Progress: io.Discard})
	if err == nil || !strings.Contains(err.Error(), "checksum mismatch") {
		t.Fatalf("err = %v, want checksum mismatch", err)
	}
	// No checksum anywhere: refused, unless allowed.
	_, err = c.Pull(ctx, mustParse(t, u), &Options{Force: true, Progress: io.Discard})
	if err == nil || !strings.Contains(err.Error(), "no checksum") {
		t.Fatalf("err = %v, want no checksum", err)
	}
	if _, err := c.Pull(ctx, mustParse(t, u), &Options{Force: true, AllowUnverified: true, Progress: io.Discard}); err != nil {
		t.Fatal(err)
	}
	// A local tarball.
	file := filepath.Join(testRootfs(t), "alpine-minirootfs-3.17.10-x86_64.tar.gz")
	root, err := c.Ensure(ctx, mustParse(t, file), nil)
	if err != nil {
		t.Fatal(err)
	}
	checkAlpineTree(t, root, "3.17.10")
	if root2, _ := c.Ensure(ctx, mustParse(t, file), nil); root2 != root {
		t.Errorf("second Ensure of a file = %q, want cached %q", root2, root)
	}
	if rm, err := c.Remove(ctx, file); err != nil || len(rm) != 1 || rm[0].Name != "file" {
		t.Errorf("Remove file = %v, %v", rm, err)
	}
	if rm, err := c.Remove(ctx, u); err != nil || len(rm) != 1 || rm[0].Name != "url" {
		t.Errorf("Remove url = %v, %v", rm, err)
	}
}

// snapshot lists every path under dir with its size, to prove a failed pull
// changed nothing.
func snapshot(t *testing.T, dir string) string {
	t.Helper()
	var lines []string
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || p == dir {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			rel += "/"
			if strings.Count(rel, "/") > 3 {
				return fs.SkipDir // inside a root: its top is enough
			}
		}
		lines = append(lines, rel)
		return nil
	})
	sort.Strings(lines)
	return strings.Join(lines, "\n") + "\n"
}

// TestPullFailures breaks the download in each way the issue lists; every
// one must fail with a one-line error and leave the cache as it was.
func TestPullFailures(t *testing.T) {
	m := newMirror(t)
	c := newCache(t)
	ctx := context.Background()
	if _, err := c.Pull(ctx, mustParse(t, "alpine:3.17.10"), opts(m)); err != nil {
		t.Fatal(err)
	}
	body := m.files[tarball320]
	half := len(body) / 2
	reset := func(w http.ResponseWriter, r *http.Request) {
		conn, buf, err := http.NewResponseController(w).Hijack()
		if err != nil {
			t.Error(err)
			return
		}
		fmt.Fprintf(buf, "HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n", len(body))
		buf.Write(body[:half])
		buf.Flush()
		// Linger 0 makes close send RST: a reset, not a clean EOF.
		conn.(*net.TCPConn).SetLinger(0)
		conn.Close()
	}
	cases := []struct {
		name  string
		setup func(c *Cache)
		want  string
	}{
		{"checksum-mismatch", func(*Cache) {
			m.on(tarball320+".sha512", func(w http.ResponseWriter, r *http.Request) {
				fmt.Fprintf(w, "%s  x\n", strings.Repeat("ab", 64))
			})
		}, "checksum mismatch"},
		{"truncated", func(*Cache) {
			m.on(tarball320, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Length", fmt.Sprint(len(body)))
				w.Write(body[:half])
				// Returning with the body short makes net/http close
				// the connection: the client sees an early EOF.
			})
		}, "truncated"},
		{"http-500", func(*Cache) {
			m.on(tarball320, func(w http.ResponseWriter, r *http.Request) {
				http.Error(w, "boom", http.StatusInternalServerError)
			})
		}, "HTTP 500 Internal Server Error"},
		{"checksum-404", func(*Cache) {
			m.on(tarball320+".sha512", http.NotFound)
			m.on(tarball320+".sha256", func(w http.ResponseWriter, r *http.Request) {
				http.Error(w, "boom", http.StatusBadGateway)
			})
		}, "HTTP 502"},
		{"connection-reset", func(*Cache) { m.on(tarball320, reset) }, "connection reset"},
		{"stall", func(*Cache) {
			m.on(tarball320, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Length", fmt.Sprint(len(body)))
				w.Write(body[:half])
				w.(http.Flusher).Flush()
				select {
				case <-r.Context().Done():
				case <-time.After(10 * time.Second):
				}
			})
		}, "no data for"},
		{"disk-full-download", func(c *Cache) {
			c.writeFault = func(p string) error {
				if strings.HasSuffix(p, ".part") {
					return syscall.ENOSPC
				}
				return nil
			}
		}, "no space left on device"},
		{"disk-full-unpack", func(c *Cache) {
			n := 0
			c.writeFault = func(p string) error {
				if n++; strings.Contains(p, "rootfs") && n > 20 {
					return syscall.ENOSPC
				}
				return nil
			}
		}, "no space left on device"},
		{"hostile-index", func(*Cache) {
			m.on("/alpine/v3.20/releases/x86_64/latest-releases.yaml", func(w http.ResponseWriter, r *http.Request) {
				fmt.Fprint(w, "-\n  flavor: alpine-minirootfs\n  version: 3.20.3\n  file: ../../../../x.tar.gz\n")
			})
		}, "bad minirootfs entry"},
		{"not-a-tarball", func(*Cache) {
			junk := bytes.Repeat([]byte("junk"), 1000)
			s := sha512.Sum512(junk)
			m.on(tarball320, func(w http.ResponseWriter, r *http.Request) { w.Write(junk) })
			m.on(tarball320+".sha512", func(w http.ResponseWriter, r *http.Request) { fmt.Fprintf(w, "%x  x\n", s) })
		}, "not a tar archive"},
	}
	before := snapshot(t, c.Dir)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m.mu.Lock()
			clear(m.override)
			m.mu.Unlock()
			cc := &Cache{Dir: c.Dir}
			tc.setup(cc)
			o := opts(m)
			o.StallTimeout = 200 * time.Millisecond
			_, err := cc.Ensure(ctx, mustParse(t, "alpine:3.20"), o)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
			if strings.Contains(err.Error(), "\n") || !strings.HasPrefix(err.Error(), "pull alpine:3.20: ") {
				t.Errorf("error is not one prefixed line: %q", err)
			}
			t.Log(err)
			if after := snapshot(t, c.Dir); after != before {
				t.Errorf("cache changed:\nbefore:\n%s\nafter:\n%s", before, after)
			}
		})
	}
}

// TestPullResume breaks the transfer once; the retry asks for the rest with
// Range and the result verifies.
func TestPullResume(t *testing.T) {
	m := newMirror(t)
	c := newCache(t)
	body := m.files[tarball320]
	var once atomic.Bool
	m.on(tarball320, func(w http.ResponseWriter, r *http.Request) {
		if once.CompareAndSwap(false, true) {
			w.Header().Set("Content-Length", fmt.Sprint(len(body)))
			w.Header().Set("ETag", `"v1"`)
			w.Write(body[:len(body)/3])
			return
		}
		w.Header().Set("ETag", `"v1"`)
		m.serveFile(w, r)
	})
	e, err := c.Pull(context.Background(), mustParse(t, "alpine:3.20.3"), opts(m))
	if err != nil {
		t.Fatal(err)
	}
	checkAlpineTree(t, e.Path, "3.20.3")
	if m.ranges.Load() != 1 {
		t.Errorf("%d range requests, want 1", m.ranges.Load())
	}
}

// TestEnsureConcurrent: a second Ensure waits on the lock while the first
// downloads, then finds the image installed and downloads nothing.
func TestEnsureConcurrent(t *testing.T) {
	m := newMirror(t)
	c := newCache(t)
	release := make(chan struct{})
	started := make(chan struct{}, 1)
	m.on(tarball320, func(w http.ResponseWriter, r *http.Request) {
		started <- struct{}{}
		<-release
		m.serveFile(w, r)
	})
	ctx := context.Background()
	type result struct {
		root string
		err  error
	}
	first, second := make(chan result), make(chan result)
	go func() {
		r, err := c.Ensure(ctx, mustParse(t, "alpine:3.20"), opts(m))
		first <- result{r, err}
	}()
	<-started
	var notice syncBuffer
	go func() {
		o := opts(m)
		o.Progress = &notice
		r, err := c.Ensure(ctx, mustParse(t, "alpine:3.20"), o)
		second <- result{r, err}
	}()
	select {
	case r := <-second:
		t.Fatalf("second Ensure did not wait: %+v", r)
	case <-time.After(300 * time.Millisecond):
	}
	if !strings.Contains(notice.String(), "waiting for another blink") {
		t.Errorf("no waiting notice: %q", notice.String())
	}
	// A waiter gives up when its context ends.
	cctx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
	defer cancel()
	if _, err := c.Ensure(cctx, mustParse(t, "alpine:3.20"), opts(m)); err == nil || !strings.Contains(err.Error(), "cache lock") {
		t.Errorf("cancelled waiter: %v", err)
	}
	close(release)
	r1, r2 := <-first, <-second
	if r1.err != nil || r2.err != nil || r1.root != r2.root {
		t.Fatalf("results %+v %+v", r1, r2)
	}
	if n := m.downloads.Load(); n != 1 {
		t.Errorf("%d downloads, want 1", n)
	}
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestSweep: leftovers of a blink killed mid-pull are removed by the next
// writer and never listed.
func TestSweep(t *testing.T) {
	m := newMirror(t)
	c := newCache(t)
	os.MkdirAll(filepath.Join(c.Dir, "images", "alpine", ".tmp-3.20.3-123", "rootfs", "ro"), 0o755)
	os.Chmod(filepath.Join(c.Dir, "images", "alpine", ".tmp-3.20.3-123", "rootfs"), 0o555)
	os.MkdirAll(filepath.Join(c.Dir, "tmp"), 0o755)
	os.WriteFile(filepath.Join(c.Dir, "tmp", "alpine-x.part"), []byte("partial"), 0o644)
	if l, _ := c.List(); len(l) != 0 {
		t.Errorf("temporaries listed: %+v", l)
	}
	if _, err := c.Pull(context.Background(), mustParse(t, "alpine:3.20.3"), opts(m)); err != nil {
		t.Fatal(err)
	}
	snap := snapshot(t, c.Dir)
	if strings.Contains(snap, ".tmp-") || strings.Contains(snap, ".part") {
		t.Errorf("leftovers not swept:\n%s", snap)
	}
}

func TestResolve(t *testing.T) {
	m := newMirror(t)
	f := &fetcher{client: newClient()}
	ctx := context.Background()
	resolve := func(ref string, o *Options) string {
		s, err := resolveAlpine(ctx, f, mustParse(t, ref), o)
		if err != nil {
			return "error: " + err.Error()
		}
		return s.Version + " " + strings.TrimPrefix(s.URL, m.url()) + " " + strings.Join(s.Tags, ",")
	}
	o := &Options{Mirror: m.url() + "/"}
	for ref, want := range map[string]string{
		"alpine":        "3.20.3 /v3.20/releases/x86_64/alpine-minirootfs-3.20.3-x86_64.tar.gz latest",
		"alpine:3.17":   "3.17.10 /v3.17/releases/x86_64/alpine-minirootfs-3.17.10-x86_64.tar.gz 3.17",
		"alpine:3.19.1": "3.19.1 /v3.19/releases/x86_64/alpine-minirootfs-3.19.1-x86_64.tar.gz 3.19.1",
		"alpine:edge":   "20240906 /edge/releases/x86_64/alpine-minirootfs-20240906-x86_64.tar.gz edge",
	} {
		if got := resolve(ref, o); got != want {
			t.Errorf("%s -> %q, want %q", ref, got, want)
		}
	}
	// Without latest-stable, the built-in branch list is walked newest
	// first (3.22 and 3.21 are absent on the test mirror).
	m.on("/alpine/latest-stable/releases/x86_64/latest-releases.yaml", http.NotFound)
	if got := resolve("alpine", o); !strings.HasPrefix(got, "3.20.3 /v3.20/") {
		t.Errorf("fallback alpine -> %q", got)
	}
	t.Setenv("BLINK_ALPINE_BRANCH", "3.17")
	if got := resolve("alpine", o); !strings.HasPrefix(got, "3.17.10 ") {
		t.Errorf("pinned alpine -> %q", got)
	}
	t.Setenv("BLINK_ALPINE_BRANCH", "")
	if got := resolve("alpine:3.5", o); !strings.Contains(got, "HTTP 404") {
		t.Errorf("absent branch -> %q", got)
	}
	m.Close()
	if got := resolve("alpine:3.20", o); !strings.HasPrefix(got, "error: fetching http://127.0.0.1") {
		t.Errorf("closed mirror -> %q", got)
	}
}

func TestEnsureEdge(t *testing.T) {
	m := newMirror(t)
	c := newCache(t)
	root, err := c.Ensure(context.Background(), mustParse(t, "alpine:edge"), opts(m))
	if err != nil {
		t.Fatal(err)
	}
	checkAlpineTree(t, root, "3.20.3")
	if l, _ := c.List(); len(l) != 1 || l[0].Ref() != "alpine:20240906" || l[0].Branch != "edge" {
		t.Errorf("list = %+v", l)
	}
}

func TestParse(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		in   string
		want string // Kind/Name/Tag or "error"
	}{
		{"alpine", "0 alpine "},
		{"alpine:latest", "0 alpine "},
		{"alpine:3.20", "0 alpine 3.20"},
		{"alpine:3.20.3", "0 alpine 3.20.3"},
		{"alpine:edge", "0 alpine edge"},
		{"alpine:3.21.0_rc1", "0 alpine 3.21.0_rc1"},
		{"alpine:foo", "error"},
		{"alpine:3.20/../x", "error"},
		{"ubuntu", "error"},
		{"", "error"},
		{dir, "error"},
		{"./sub/dir", "error"},
		{"https://example.com/x.tar.gz", "1 url "},
		{"https://example.com/x.tar.gz#sha256=" + strings.Repeat("A", 64), "1 url "},
		{"https://example.com/x.tar.gz#sha256=abc", "error"},
		{"https://example.com/x.tar.gz#md5=" + strings.Repeat("a", 32), "error"},
		{"http://", "error"},
		{"x.tar.zst", "2 file "},
		{"./x.tgz", "2 file "},
		{"/abs/x.tar.xz", "2 file "},
	} {
		r, err := Parse(tc.in)
		got := "error"
		if err == nil {
			got = fmt.Sprintf("%d %s %s", r.Kind, r.Name, r.Tag)
		}
		if got != tc.want {
			t.Errorf("Parse(%q) = %q (%v), want %q", tc.in, got, err, tc.want)
		}
	}
	if _, err := Parse(dir); !errors.Is(err, ErrNotImage) {
		t.Errorf("Parse(dir) = %v, want ErrNotImage", err)
	}
	r, _ := Parse("https://example.com/x.tar.gz#sha256=" + strings.Repeat("A", 64))
	if r.URL != "https://example.com/x.tar.gz" || r.Sum.Hex != strings.Repeat("a", 64) {
		t.Errorf("url ref = %+v", r)
	}
}

func TestParseReleasesYAML(t *testing.T) {
	rels := parseReleasesYAML([]byte("---\n-\n  title: \"a: b\"\n  desc: \"multi\n    line: x\"\n  flavor: alpine-minirootfs\n  version: '3.20.3'\n- flavor: other\n"))
	if len(rels) != 2 || rels[0]["version"] != "3.20.3" || rels[0]["flavor"] != "alpine-minirootfs" || rels[1]["flavor"] != "other" {
		t.Errorf("parsed %v", rels)
	}
}

func TestVersionLess(t *testing.T) {
	vs := []string{"3.20.3", "3.9.1", "3.17.10", "3.17.9", "edge", "20240923"}
	sort.Slice(vs, func(i, j int) bool { return versionLess(vs[i], vs[j]) })
	if got := strings.Join(vs, " "); got != "3.9.1 3.17.9 3.17.10 3.20.3 20240923 edge" {
		t.Errorf("sorted: %s", got)
	}
}

func TestDefaultCache(t *testing.T) {
	t.Setenv("BLINK_CACHE_DIR", "/some/where")
	c, err := DefaultCache()
	if err != nil || c.Path() != "/some/where" {
		t.Errorf("DefaultCache = %v, %v", c, err)
	}
}

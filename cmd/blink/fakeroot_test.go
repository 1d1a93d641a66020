//go:build linux

package main_test

import (
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestFakeRootUnprivileged runs `blink -C <Alpine tarball>` as an ordinary
// host user (uid 65534 when the test runs as root, as in CI; else the
// user running it): the guest is root, sees the tarball's owners and
// modes, and its chown, chmod, mknod and rename are kept across runs
// while the host files stay the host user's.
func TestFakeRootUnprivileged(t *testing.T) {
	needBlink(t)
	tarball, err := filepath.Abs(filepath.Join(sharedRootfs(t), "alpine-minirootfs-3.20.3-x86_64.tar.gz"))
	if err != nil {
		t.Fatal(err)
	}
	// A tree the unprivileged user can reach: t.TempDir's parents are
	// root's and mode 0700.
	work, err := os.MkdirTemp("", "blink-fakeroot")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(work) })
	os.Chmod(work, 0o755)
	exe := filepath.Join(work, "blink")
	copyFile(t, blinkPath, exe)
	cache := filepath.Join(work, "cache")
	os.Mkdir(cache, 0o755)
	var cred *syscall.Credential
	hostUID := os.Geteuid()
	if hostUID == 0 {
		hostUID = 65534
		cred = &syscall.Credential{Uid: 65534, Gid: 65534}
		filepath.Walk(work, func(p string, _ os.FileInfo, _ error) error { return os.Lchown(p, 65534, 65534) })
	}
	run := func(script string) string {
		t.Helper()
		cmd := exec.Command(exe, "-C", tarball, "/bin/sh", "-c", script)
		cmd.Dir = work
		cmd.Env = []string{"BLINK_CACHE_DIR=" + cache, "HOME=" + work, "PATH=/usr/sbin:/usr/bin:/sbin:/bin", "BLINK_LOG_FILENAME=/dev/null"}
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("blink: %v\n%s", err, out)
		}
		return string(out)
	}
	// lines maps each output line's last field (the file name of ls -l)
	// to its fields.
	lines := func(out string) map[string][]string {
		m := map[string][]string{}
		for _, l := range strings.Split(out, "\n") {
			if f := strings.Fields(l); len(f) > 0 {
				m[f[len(f)-1]] = f
			}
		}
		return m
	}
	want := func(got map[string][]string, name string, fields ...string) {
		t.Helper()
		f := got[name]
		for i, w := range fields {
			if w != "" && (i >= len(f) || f[i] != w) {
				t.Errorf("%s: got %q, want fields %q", name, f, fields)
				return
			}
		}
	}

	out := run(`id; ls -ln /etc/shadow
		echo hi > /tmp/x; chown nobody /tmp/x; ls -ln /tmp/x
		echo hi > /tmp/z; chown 123:45 /tmp/z; chmod 4755 /tmp/z; mv /tmp/z /tmp/moved
		mknod /tmp/null c 1 3; mkfifo /tmp/fifo
		ls -ln /tmp/moved /tmp/null /tmp/fifo; echo gone > /tmp/null && echo wrote-null`)
	if !strings.Contains(out, "uid=0(root) gid=0(root)") {
		t.Errorf("id: %q", out)
	}
	got := lines(out)
	want(got, "/etc/shadow", "-rw-r-----", "1", "0", "42")
	want(got, "/tmp/x", "-rw-r--r--", "1", "65534", "0")
	want(got, "/tmp/moved", "-rwsr-xr-x", "1", "123", "45")
	want(got, "/tmp/null", "crw-r--r--", "1", "0", "0", "1,", "3")
	want(got, "/tmp/fifo", "prw-r--r--")
	if !strings.Contains(out, "wrote-null") {
		t.Errorf("writing the new /dev/null failed: %q", out)
	}
	roots, _ := filepath.Glob(filepath.Join(cache, "images", "*", "*", "rootfs"))
	if len(roots) != 1 {
		t.Fatalf("unpacked roots in the cache: %q", roots)
	}
	for _, name := range []string{"etc/shadow", "tmp/moved", "tmp/null"} {
		var st syscall.Stat_t
		if err := syscall.Lstat(filepath.Join(roots[0], name), &st); err != nil {
			t.Fatal(err)
		}
		if int(st.Uid) != hostUID || st.Mode&0o7000 != 0 || st.Mode&syscall.S_IFMT != syscall.S_IFREG {
			t.Errorf("host %s: uid %d mode %o, want uid %d, a plain file", name, st.Uid, st.Mode, hostUID)
		}
	}

	// A second run sees the same.
	out = run(`ls -ln /etc/shadow /tmp/x /tmp/moved /tmp/null /tmp/fifo; cat /tmp/null; id -u`)
	got = lines(out)
	want(got, "/etc/shadow", "-rw-r-----", "1", "0", "42")
	want(got, "/tmp/x", "-rw-r--r--", "1", "65534", "0")
	want(got, "/tmp/moved", "-rwsr-xr-x", "1", "123", "45")
	want(got, "/tmp/null", "crw-r--r--", "1", "0", "0", "1,", "3")
	want(got, "/tmp/fifo", "prw-r--r--")
	if strings.Contains(out, "hi") || strings.Contains(out, "gone") {
		t.Errorf("/tmp/null kept data: %q", out)
	}
	if _, err := os.Stat(filepath.Join(roots[0], "..", "rootfs.meta")); err != nil {
		t.Errorf("store: %v", err)
	}
}

func copyFile(t *testing.T, src, dst string) {
	t.Helper()
	in, err := os.Open(src)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o755)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}

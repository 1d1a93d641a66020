package main_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Start-up binds show a host directory inside the guest root, read-only
// when asked; --no-systemroot closes the root.
func TestBindAndNoSystemRoot(t *testing.T) {
	tarball, err := filepath.Abs(filepath.Join(sharedRootfs(t), "alpine-minirootfs-3.20.3-x86_64.tar.gz"))
	if err != nil {
		t.Fatal(err)
	}
	share := t.TempDir()
	if err := os.WriteFile(filepath.Join(share, "f"), []byte("shared\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	env := []string{"BLINK_CACHE_DIR=" + t.TempDir()}
	out, errs, code := runBlinkEnv(t, env, "-L", "/dev/null", "--no-systemroot",
		"--bind", share+":/mnt/rw", "--bind", share+":/mnt/ro:ro", "-C", tarball, "/bin/sh", "-c",
		"cat /mnt/ro/f; echo w > /mnt/rw/g && echo wrote; echo x > /mnt/ro/h || echo refused; test -e /SystemRoot || echo closed")
	if code != 0 || out != "shared\nwrote\nrefused\nclosed\n" {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errs)
	}
	if !strings.Contains(errs, "Read-only file system") {
		t.Errorf("stderr %q should report EROFS", errs)
	}
	if b, err := os.ReadFile(filepath.Join(share, "g")); err != nil || string(b) != "w\n" {
		t.Errorf("write through the bind did not reach the host: %q, %v", b, err)
	}
	if _, err := os.Stat(filepath.Join(share, "h")); err == nil {
		t.Error("write through the read-only bind reached the host")
	}
}

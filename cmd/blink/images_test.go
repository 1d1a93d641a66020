package main_test

import (
	"crypto/sha512"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// sharedRootfs finds the Alpine tarballs kept beside the project (or in
// $BLINK_TEST_ROOTFS); tests that need them skip without, except in CI.
func sharedRootfs(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("BLINK_TEST_ROOTFS")
	if dir == "" {
		dir = filepath.Join("..", "..", "..", "shared", "rootfs")
	}
	if _, err := os.Stat(filepath.Join(dir, "alpine-minirootfs-3.20.3-x86_64.tar.gz")); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("rootfs tarballs missing in CI: %v", err)
		}
		t.Skipf("no rootfs tarballs: %v", err)
	}
	return dir
}

// alpineMirror serves the 3.20 minirootfs the way dl-cdn lays it out. A
// corrupt mirror serves a checksum that does not match.
func alpineMirror(t *testing.T, corrupt bool) string {
	dir := sharedRootfs(t)
	const file = "alpine-minirootfs-3.20.3-x86_64.tar.gz"
	body, err := os.ReadFile(filepath.Join(dir, file))
	if err != nil {
		t.Fatal(err)
	}
	sum := sha512.Sum512(body)
	if corrupt {
		sum[0] ^= 1
	}
	base := "/alpine/v3.20/releases/x86_64/"
	files := map[string][]byte{
		base + file:             body,
		base + file + ".sha512": []byte(hex.EncodeToString(sum[:]) + "  " + file + "\n"),
		base + "latest-releases.yaml": []byte(fmt.Sprintf(
			"---\n-\n  branch: v3.20\n  arch: x86_64\n  version: 3.20.3\n  flavor: alpine-minirootfs\n  file: %s\n  size: %d\n",
			file, len(body))),
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, ok := files[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Write(b)
	}))
	t.Cleanup(srv.Close)
	return srv.URL + "/alpine"
}

func runBlinkEnv(t *testing.T, env []string, args ...string) (string, string, int) {
	t.Helper()
	needBlink(t)
	cmd := exec.Command(blinkPath, args...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Dir = t.TempDir()
	var out, errb strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return out.String(), errb.String(), code
}

func TestRunImageByName(t *testing.T) {
	cache := t.TempDir()
	env := []string{"BLINK_CACHE_DIR=" + cache, "BLINK_ALPINE_MIRROR=" + alpineMirror(t, false), "PATH=/usr/bin:/bin"}
	out, errs, code := runBlinkEnv(t, env, "-L", "/dev/null", "-C", "alpine:3.20", "/bin/sh", "-c", "cat /etc/alpine-release; id")
	if code != 0 || !strings.HasPrefix(out, "3.20.3\nuid=0(root) gid=0(root)") {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errs)
	}
	out, _, code = runBlinkEnv(t, env, "--images")
	if code != 0 || !strings.Contains(out, "alpine:3.20.3") {
		t.Fatalf("--images: exit %d, %q", code, out)
	}
	out, _, code = runBlinkEnv(t, env, "--rmi", "alpine:3.20.3")
	if code != 0 || !strings.Contains(out, "removed alpine:3.20.3") {
		t.Fatalf("--rmi: exit %d, %q", code, out)
	}
	if out, _, _ = runBlinkEnv(t, env, "--images"); strings.Contains(out, "alpine:3.20.3") {
		t.Fatalf("image still listed after --rmi: %q", out)
	}
}

func TestRunImageChecksumMismatch(t *testing.T) {
	cache := t.TempDir()
	env := []string{"BLINK_CACHE_DIR=" + cache, "BLINK_ALPINE_MIRROR=" + alpineMirror(t, true)}
	out, errs, code := runBlinkEnv(t, env, "-L", "/dev/null", "-C", "alpine:3.20", "/bin/true")
	if code != 127 || out != "" {
		t.Fatalf("exit %d stdout %q, want 127 and nothing", code, out)
	}
	if lines := strings.Split(strings.TrimSpace(errs), "\n"); len(lines) != 1 || !strings.Contains(errs, "checksum") {
		t.Fatalf("want one line naming the checksum, got %q", errs)
	}
	if out, _, _ = runBlinkEnv(t, env, "--images"); strings.Contains(out, "alpine") {
		t.Fatalf("a corrupt image was installed: %q", out)
	}
}

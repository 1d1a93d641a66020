package main_test

// End-to-end checks of /proc, /dev and /sys in the Alpine rootfs: the
// everyday tools that read them (ps, top, free, uptime, mount, pidof...)
// run under blink and print what they would on Linux. The rootfs tarball
// is /work/shared/rootfs/... (BLINK_ALPINE_TARBALL overrides); without it
// the test is skipped, unless CI=true.

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

func alpineRoot(t *testing.T) string {
	t.Helper()
	tarball := os.Getenv("BLINK_ALPINE_TARBALL")
	if tarball == "" {
		tarball = "/work/shared/rootfs/alpine-minirootfs-3.20.3-x86_64.tar.gz"
	}
	if _, err := os.Stat(tarball); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("alpine rootfs: %v", err)
		}
		t.Skipf("no alpine rootfs: %v", err)
	}
	dir := filepath.Join(t.TempDir(), "root")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("tar", "xzf", tarball, "-C", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot unpack with tar: %v %s", err, out)
	}
	return dir
}

func buildBlink(t *testing.T) string {
	t.Helper()
	if b := os.Getenv("BLINK_GUEST_BINARY"); b != "" {
		return b
	}
	bin := filepath.Join(t.TempDir(), "blink")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// guestSh runs script with the rootfs's sh and returns stdout, stderr and
// the exit status.
func guestSh(t *testing.T, blink, root, script string) (string, string, int) {
	t.Helper()
	cmd := exec.Command(blink, "-C", root, "/bin/sh", "-c", script)
	cmd.Dir = t.TempDir() // blink.log, if any, lands there
	var out, errb strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errb
	done := make(chan error, 1)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(120 * time.Second):
		cmd.Process.Kill()
		<-done
		t.Fatalf("timed out: %s\nstdout:\n%s\nstderr:\n%s", script, out.String(), errb.String())
	}
	return out.String(), errb.String(), cmd.ProcessState.ExitCode()
}

func TestProcfsTools(t *testing.T) {
	if testing.Short() {
		t.Skip("slow: runs busybox tools under blink")
	}
	root := alpineRoot(t)
	blink := buildBlink(t)

	t.Run("ps", func(t *testing.T) {
		// The shell, a sleeping child and ps itself, with the right
		// parents.
		out, errs, _ := guestSh(t, blink, root, `sleep 30 & echo "sh=$$ sleep=$!"; ps -o pid,ppid,stat,comm; kill $!`)
		m := regexp.MustCompile(`sh=(\d+) sleep=(\d+)`).FindStringSubmatch(out)
		if m == nil {
			t.Fatalf("no pids:\n%s%s", out, errs)
		}
		rows := map[string][]string{}
		for _, l := range strings.Split(out, "\n") {
			if f := strings.Fields(l); len(f) == 4 {
				rows[f[0]] = f
			}
		}
		sh, sl := rows[m[1]], rows[m[2]]
		if sh == nil || sh[3] != "sh" || sl == nil || sl[1] != m[1] || sl[3] != "sleep" {
			t.Errorf("ps:\n%s", out)
		}
		var psRow []string
		for _, r := range rows {
			if r[3] == "ps" {
				psRow = r
			}
		}
		if psRow == nil || psRow[1] != m[1] || !strings.HasPrefix(psRow[2], "R") {
			t.Errorf("ps's own row %v:\n%s", psRow, out)
		}
	})

	checks := []struct {
		name, script string
		want         string // a regexp the output must match
	}{
		{"top", `top -bn1 | head -5`, `(?s)Mem: \d+K used.*Load average: [\d.]+ [\d.]+ [\d.]+.*PID +PPID`},
		{"free", `free -m`, `(?m)^Mem: +\d+ +\d+ +\d+`},
		{"uptime", `uptime`, `up .*load average: [\d.]+, [\d.]+, [\d.]+`},
		{"mount", `mount`, `(?m)^proc on /proc type proc \(rw.*\n(.|\n)*devtmpfs on /dev type devtmpfs`},
		{"pidof", `pidof sh; echo "self=$$"`, `^(\d+)\nself=(\d+)\n$`},
		{"kill0", `kill -0 $$ && echo alive`, `alive`},
		{"cpuinfo", `cat /proc/cpuinfo | grep flags`, `(?m)^flags\t\t: fpu .*\bsse2\b.*\blm\b`},
		{"fd", `ls -l /proc/self/fd`, `(?m)^l.* 0 -> .*\n.* 1 -> pipe:\[\d+\]`},
		{"status", `cat /proc/self/status`, `(?s)^Name:\tcat\nUmask:\t0\d{3}\nState:\t[RS] .*\nTgid:\t\d+\n.*PPid:\t\d+.*VmRSS:.*Threads:\t1\n`},
		{"urandom", `head -c 16 /dev/urandom | wc -c`, `^16\n$`},
		{"zero", `dd if=/dev/zero bs=1k count=8 2>/dev/null | wc -c`, `^8192\n$`},
		{"stdin", `echo piped | cat /dev/stdin`, `^piped\n$`},
		{"shm", `echo data > /dev/shm/f && cat /dev/shm/f && stat -c %F /dev/null`, `^data\ncharacter special file\n$`},
		{"sys", `cat /sys/devices/system/cpu/online; nproc`, `^0(-\d+)?\n\d+\n$`},
		{"nohost", `ls /dev | tr '\n' ' '`, `^console fd full null ptmx pts random shm stderr stdin stdout tty urandom zero $`},
	}
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) {
			out, errs, _ := guestSh(t, blink, root, c.script)
			if !regexp.MustCompile(c.want).MatchString(out) {
				t.Errorf("%s:\n%s\nstderr:\n%s", c.script, out, errs)
			}
		})
	}

	t.Run("pidof-matches", func(t *testing.T) {
		out, _, _ := guestSh(t, blink, root, `pidof sh; echo "$$"`)
		f := strings.Fields(out)
		if len(f) != 2 || f[0] != f[1] {
			t.Errorf("pidof sh %q", out)
		}
	})

	t.Run("full", func(t *testing.T) {
		_, errs, code := guestSh(t, blink, root, `echo x > /dev/full`)
		if code == 0 || !strings.Contains(errs, "No space left on device") {
			t.Errorf("exit %d, stderr %q", code, errs)
		}
	})

	t.Run("df", func(t *testing.T) {
		out, errs, _ := guestSh(t, blink, root, `df -h`)
		// Linux's df leaves out file systems without blocks (proc, sysfs).
		if !regexp.MustCompile(`(?m)^Filesystem .*Mounted on\n(.|\n)*\d+(\.\d)?[KMGT]? +\d+% /\n`).MatchString(out) ||
			!strings.Contains(out, "% /dev/shm\n") || strings.Contains(out, " /proc\n") || errs != "" {
			t.Errorf("df -h:\n%s\nstderr:\n%s", out, errs)
		}
	})

	t.Run("neofetch", func(t *testing.T) {
		script, err := os.ReadFile("../../testdata/neofetch.sh")
		if err != nil {
			t.Fatal(err)
		}
		out, errs, code := guestSh(t, blink, root, string(script))
		fields := map[string]string{}
		for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
			k, v, _ := strings.Cut(l, ": ")
			fields[k] = strings.TrimSpace(v)
		}
		plausible := map[string]string{
			"distro":   `^Alpine Linux v3\.20$`,
			"kernel":   `^4\.5\.0-blink-go$`,
			"uptime":   `^\d+h \d+m \d+s$`,
			"shell":    `^(sh|busybox)$`,
			"cpu":      `\S`,
			"cpus":     `^[1-9]\d*$`,
			"memory":   `^\d+MiB / [1-9]\d*MiB$`,
			"packages": `^[1-9]\d* \(apk\)$`,
		}
		for k, re := range plausible {
			if !regexp.MustCompile(re).MatchString(fields[k]) {
				t.Errorf("%s = %q (exit %d)\n%s\nstderr:\n%s", k, fields[k], code, out, errs)
			}
		}
		if m := regexp.MustCompile(`^(\d+)MiB / (\d+)MiB$`).FindStringSubmatch(fields["memory"]); m != nil {
			used, _ := strconv.Atoi(m[1])
			total, _ := strconv.Atoi(m[2])
			if used > total {
				t.Errorf("memory used %d > total %d", used, total)
			}
		}
	})
}

package main_test

import (
	"github.com/blink-go/blink/rootfs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// TestCrossQEMU is the guest-program suite on other host CPUs: it builds
// blink for each architecture in BLINK_CROSS_ARCHES (default "arm64
// s390x": a 64-bit little-endian host and a big-endian one), runs a subset
// of the golden cases with it under Debian's qemu-user, with -m and (a few)
// in Linear mode, and compares with what the programs did natively on x86-64.
//
// It needs BLINK_CROSS_QEMU=1 (the cross stage of .ci/run sets it), since
// each case costs seconds under emulation; a missing qemu fails the test in
// CI and skips it elsewhere. The core packages' own tests are run under
// qemu by .ci/run directly (go test -exec).
func TestCrossQEMU(t *testing.T) {
	if os.Getenv("BLINK_CROSS_QEMU") != "1" {
		t.Skip("set BLINK_CROSS_QEMU=1 to run the guest programs under qemu-user builds of blink")
	}
	if runtime.GOOS != "linux" {
		t.Skip("qemu-user runs Linux binaries on Linux hosts only")
	}
	arches := strings.Fields(os.Getenv("BLINK_CROSS_ARCHES"))
	if len(arches) == 0 {
		arches = []string{"arm64", "s390x"}
	}
	for _, arch := range arches {
		t.Run(arch, func(t *testing.T) {
			t.Parallel()
			exe := crossBlink(t, arch)
			for _, name := range crossCases {
				t.Run(name+"-m", func(t *testing.T) {
					t.Parallel()
					runCaseExe(t, exe, name, "-m")
				})
			}
			t.Run("alpine-m", func(t *testing.T) {
				t.Parallel()
				runAlpineCross(t, exe)
			})
			for _, name := range crossLinearCases {
				t.Run(name, func(t *testing.T) {
					t.Parallel()
					runCaseExe(t, exe, name)
				})
			}
		})
	}
}

// crossCases cover the loader (static, static-PIE, glibc and musl), the
// argument and environment block, integer and SSE/x87 arithmetic, string
// and allocator code, file system calls, exit status and death by signal.
var crossCases = []string{
	"hello-musl", "hello-glibc", "hello-pie-musl", "args-musl", "intmath-musl",
	"fp-musl", "fp-glibc", "string-musl", "malloc-musl", "fileio-musl",
	"exitcode-42-musl", "crash-segv-musl",
}

// crossLinearCases also run in the default (Linear) memory mode. Few,
// because qemu-user 7.2 tracks the flags of every page of a guest mmap: the
// 1 TiB PROT_NONE reservation costs about 10 s to make and release under
// emulation (microseconds on real hardware).
var crossLinearCases = []string{"crash-segv-musl"}

// qemuFor names Debian's qemu-user binary for each GOARCH.
var qemuFor = map[string]string{
	"arm64": "qemu-aarch64", "s390x": "qemu-s390x", "riscv64": "qemu-riscv64",
	"ppc64le": "qemu-ppc64le", "loong64": "qemu-loongarch64", "mips64le": "qemu-mips64el",
	"arm": "qemu-arm", "386": "qemu-i386",
}

// crossBlink builds blink for linux/arch and returns the command that runs
// it under qemu.
func crossBlink(t *testing.T, arch string) []string {
	t.Helper()
	name, ok := qemuFor[arch]
	if !ok {
		t.Fatalf("no qemu-user binary known for GOARCH=%s", arch)
	}
	qemu, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s missing in CI (apt-get install qemu-user): %v", name, err)
		}
		t.Skipf("%s not installed: %v", name, err)
	}
	exe := filepath.Join(t.TempDir(), "blink-"+arch)
	start := time.Now()
	cmd := exec.Command("go", "build", "-o", exe, ".")
	cmd.Env = append(os.Environ(), "GOOS=linux", "GOARCH="+arch, "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build for linux/%s: %v\n%s", arch, err, out)
	}
	t.Logf("built blink for linux/%s in %v", arch, time.Since(start).Round(time.Second))
	// Say which memory mode the emulated host gives a default run.
	if out, err := exec.Command(qemu, exe, "-v").CombinedOutput(); err != nil {
		t.Fatalf("%s blink -v: %v\n%s", name, err, out)
	} else {
		for _, l := range strings.Split(string(out), "\n") {
			if strings.HasPrefix(l, "host:") || strings.HasPrefix(l, "memory:") {
				t.Logf("%s: %s", arch, l)
			}
		}
	}
	return []string{qemu, exe}
}

// alpineCrossScript is a handful of busybox commands: the shell, fork and
// exec, pipes, symlinks resolved inside the root, text tools, checksums.
const alpineCrossScript = `cat /etc/alpine-release; readlink -f /bin/sh; echo a b c | wc -w
for i in 3 1 2; do echo $i; done | sort | tr '\n' ' '; echo
printf 'x\ny\n' > /tmp/f; sha256sum /tmp/f | cut -c1-16; ls /bin | head -3
echo $((6*7)) $(basename /usr/bin/env)`

// runAlpineCross runs alpineCrossScript in the Alpine rootfs with the
// foreign build of blink (virtual memory: see crossLinearCases) and with
// this host's, and requires the same output: the x86-64 run is the oracle.
func runAlpineCross(t *testing.T, exe []string) {
	tarball, err := filepath.Abs(filepath.Join(sharedRootfs(t), "alpine-minirootfs-3.20.3-x86_64.tar.gz"))
	if err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	f, err := os.Open(tarball)
	if err != nil {
		t.Fatal(err)
	}
	_, err = rootfs.Unpack(f, root, rootfs.DefaultLimits())
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	run := func(argv []string) string {
		args := append(append([]string{}, argv[1:]...), "-m", "-L", "/dev/null", "--host-ids", "-C", root, "/bin/sh", "-c", alpineCrossScript)
		cmd := exec.Command(argv[0], args...)
		cmd.Env = []string{"PATH=/usr/bin:/bin", "LANG=C"}
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s: %v\n%s", argv[0], err, out)
		}
		return string(out)
	}
	needBlink(t)
	want := run([]string{blinkPath})
	if got := run(exe); got != want {
		t.Errorf("alpine under %s:\n%s\nx86-64 build:\n%s", exe[0], got, want)
	}
	if !strings.HasPrefix(want, "3.20.3\n/bin/busybox\n3\n") {
		t.Errorf("unexpected x86-64 output:\n%s", want)
	}
}

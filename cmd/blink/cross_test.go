package main_test

import (
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

// Command blinkbench times the benchmark workloads in testdata/bin natively,
// under blink and under qemu-x86_64, and prints a table of median wall time
// and peak resident memory per runner, with each runner's slowdown relative
// to native execution.
//
// Usage, from the repository root:
//
//	go run ./cmd/blinkbench [flags]
//
// Flags:
//
//	-n N          runs per workload and runner; the median is reported (default 5)
//	-quick        scale every workload down about 50x, for a fast smoke run
//	-blink PATH   blink binary to measure (default: build ./cmd/blink into a temp dir)
//	-blinkflags F extra blink flags, space-separated, e.g. "-m" or "-j"
//	-qemu PATH    qemu-x86_64 to compare with (default: found on $PATH; "" to skip)
//	-libc NAME    which build of each workload to run: musl or glibc (default musl)
//	-bin DIR      where the workloads are (default testdata/bin)
//	-run REGEXP   only run workloads whose name matches
//	-rootfs DIR   an unpacked Alpine root for the shell_true_loop workload
//	              (default: none, and the row is skipped)
//
// The workloads (sources in testdata/src, built by testdata/build.sh) are
// bench_intloop (integer dispatch), bench_matmul (SSE2 floating point),
// bench_memcpy_strlen (libc string routines), bench_syscalls (200k tiny
// system calls), bench_start (start-up and exit of a static hello) and
// bench_forkexec (fork + execve + exit + wait4 of a tiny static program,
// 1000 times).
//
// shell_true_loop runs busybox sh from the -rootfs directory, looping over
// /bin/true 300 times: blink runs it with -C DIR, the native runner with
// chroot(8), which needs root (without it the native column and the
// ratios are left out for that row), and qemu not at all (qemu-user does
// not follow the shell's execve).
//
// Native runs need an x86-64 Linux host; elsewhere that column is left out
// and no ratios are shown. Every runner's output is compared with the first
// runner's, so a workload that computes a different answer under emulation is
// flagged instead of silently timed. Peak memory comes from the child's
// rusage, so it is shown only on hosts that report it.
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"text/tabwriter"
	"time"
)

var workloads = []string{
	"bench_intloop", "bench_matmul", "bench_memcpy_strlen", "bench_syscalls", "bench_start",
	"bench_forkexec",
}

// shellLoop is the shell_true_loop workload's script.
const shellLoop = `i=0; while [ $i -lt 300 ]; do /bin/true; i=$((i+1)); done; echo $i`

// quickDivisor is what -quick passes as argv[1]; each workload divides its
// amount of work by it.
const quickDivisor = "50"

// A runner turns a program and its arguments into a command line.
type runner struct {
	name   string
	prefix []string // command and flags placed before the program
}

type measurement struct {
	wall   time.Duration // median
	rss    int64         // peak over all runs, in bytes; 0 if unknown
	output []byte
	err    error
}

func main() {
	n := flag.Int("n", 5, "runs per workload and runner")
	quick := flag.Bool("quick", false, "scale workloads down for a fast run")
	blinkPath := flag.String("blink", "", "blink binary (default: build ./cmd/blink)")
	blinkFlags := flag.String("blinkflags", "", "extra blink flags, space-separated")
	qemuDefault, _ := exec.LookPath("qemu-x86_64")
	qemuPath := flag.String("qemu", qemuDefault, `qemu-x86_64 binary ("" to skip)`)
	libc := flag.String("libc", "musl", "workload build to run: musl or glibc")
	binDir := flag.String("bin", filepath.Join("testdata", "bin"), "directory of workload binaries")
	filter := flag.String("run", "", "only run workloads matching this regexp")
	rootfs := flag.String("rootfs", "", "unpacked Alpine root for shell_true_loop")
	flag.Parse()
	if err := run(*n, *quick, *blinkPath, *blinkFlags, *qemuPath, *libc, *binDir, *filter, *rootfs); err != nil {
		fmt.Fprintln(os.Stderr, "blinkbench:", err)
		os.Exit(1)
	}
}

func run(n int, quick bool, blinkPath, blinkFlags, qemuPath, libc, binDir, filter, rootfs string) error {
	if n < 1 {
		return errors.New("-n must be at least 1")
	}
	re, err := regexp.Compile(filter)
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "blinkbench")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	if blinkPath == "" {
		blinkPath = filepath.Join(tmp, "blink")
		if runtime.GOOS == "windows" {
			blinkPath += ".exe"
		}
		fmt.Fprintln(os.Stderr, "building blink...")
		out, err := exec.Command("go", "build", "-o", blinkPath, "github.com/blink-go/blink/cmd/blink").CombinedOutput()
		if err != nil {
			return fmt.Errorf("building blink: %v\n%s", err, out)
		}
	}

	var runners []runner
	native := runtime.GOOS == "linux" && runtime.GOARCH == "amd64"
	if native {
		runners = append(runners, runner{name: "native"})
	}
	// The log goes to a scratch file so that blink never writes into the
	// workload directory.
	blinkCmd := append([]string{blinkPath, "-L", filepath.Join(tmp, "blink.log")}, strings.Fields(blinkFlags)...)
	runners = append(runners, runner{name: "blink", prefix: blinkCmd})
	if qemuPath != "" {
		runners = append(runners, runner{name: "qemu", prefix: []string{qemuPath}})
	}

	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	header := "workload\t"
	for _, r := range runners {
		header += r.name + " time\t" + r.name + " rss\t"
		if native && r.name != "native" {
			header += r.name + "/native\t"
		}
	}
	fmt.Fprintln(tw, header)
	failed := false
	for _, w := range workloads {
		if !re.MatchString(w) {
			continue
		}
		prog, err := filepath.Abs(filepath.Join(binDir, w+"-"+libc))
		if err != nil {
			return err
		}
		if _, err := os.Stat(prog); err != nil {
			return fmt.Errorf("%v (run testdata/build.sh, or pass -bin)", err)
		}
		var args []string
		if quick && w != "bench_start" {
			args = []string{quickDivisor}
		}
		argv := func(r runner) []string {
			return append(append(append([]string{}, r.prefix...), prog), args...)
		}
		if !measureRow(tw, w, runners, native, n, argv) {
			failed = true
		}
	}
	if rootfs != "" && re.MatchString("shell_true_loop") {
		// The same script in the same root: chroot natively (root only),
		// -C under blink; qemu-user would run only the shell.
		canChroot := native && os.Geteuid() == 0
		argv := func(r runner) []string {
			switch r.name {
			case "native":
				if !canChroot {
					return nil
				}
				return []string{"chroot", rootfs, "/bin/sh", "-c", shellLoop}
			case "blink":
				return append(append([]string{}, r.prefix...), "-C", rootfs, "/bin/sh", "-c", shellLoop)
			}
			return nil
		}
		if !measureRow(tw, "shell_true_loop", runners, native, n, argv) {
			failed = true
		}
	}
	tw.Flush()
	if failed {
		return errors.New("some runs failed or disagreed (see above)")
	}
	return nil
}

// measureRow measures one workload under every runner (argv gives each
// runner's command line, nil to leave that runner out) and prints its row;
// the first runner measured is the reference for outputs and ratios. It
// reports whether every run succeeded and agreed.
func measureRow(tw *tabwriter.Writer, name string, runners []runner, native bool, n int,
	argv func(runner) []string) bool {
	ok := true
	row := name + "\t"
	var base *measurement
	var baseName string
	for _, r := range runners {
		var m measurement
		cmd := argv(r)
		if cmd != nil {
			m = measure(cmd, n)
			if base == nil {
				base, baseName = &m, r.name
			}
		}
		switch {
		case cmd == nil:
		case m.err != nil:
			fmt.Fprintf(os.Stderr, "%s under %s: %v\n", name, r.name, m.err)
			ok = false
		case !bytes.Equal(m.output, base.output):
			fmt.Fprintf(os.Stderr, "%s under %s: output differs from %s:\n%s\nvs\n%s\n",
				name, r.name, baseName, m.output, base.output)
			ok = false
		}
		row += formatDuration(m.wall) + "\t" + formatBytes(m.rss) + "\t"
		if native && r.name != "native" {
			if cmd != nil && m.err == nil && baseName == "native" && base.err == nil && base.wall > 0 {
				row += fmt.Sprintf("%.1fx\t", float64(m.wall)/float64(base.wall))
			} else {
				row += "-\t"
			}
		}
	}
	fmt.Fprintln(tw, row)
	return ok
}

// measure runs argv n times and keeps the median wall time, which shrugs
// off a run disturbed by other load on the machine, and the largest peak
// RSS seen.
func measure(argv []string, n int) measurement {
	var m measurement
	var walls []time.Duration
	for i := 0; i < n; i++ {
		cmd := exec.Command(argv[0], argv[1:]...)
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		start := time.Now()
		err := cmd.Run()
		walls = append(walls, time.Since(start))
		if err != nil {
			m.err = fmt.Errorf("%v; stderr: %s", err, bytes.TrimSpace(stderr.Bytes()))
			return m
		}
		m.rss = max(m.rss, peakRSS(cmd.ProcessState))
		m.output = stdout.Bytes()
	}
	slices.Sort(walls)
	m.wall = walls[len(walls)/2]
	return m
}

func formatDuration(d time.Duration) string {
	switch {
	case d == 0:
		return "-"
	case d < time.Second:
		return fmt.Sprintf("%.1fms", float64(d)/float64(time.Millisecond))
	default:
		return fmt.Sprintf("%.2fs", d.Seconds())
	}
}

func formatBytes(b int64) string {
	if b <= 0 {
		return "-"
	}
	return fmt.Sprintf("%.1fMiB", float64(b)/(1<<20))
}

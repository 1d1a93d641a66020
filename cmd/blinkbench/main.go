// Command blinkbench times the benchmark workloads in testdata/bin natively,
// under blink and under qemu-x86_64, and prints a table of median wall time
// and peak resident memory per runner, with each runner's slowdown relative
// to native execution, then a table of the throughputs and thread scaling
// derived from those medians.
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
//	-rootfs PATH  the Alpine root for the alpine_* workloads: a directory, used
//	              in place, or a .tar.gz, unpacked into a scratch directory
//	              (default: $BLINK_TEST_ROOTFS, else the last by name of
//	              ../shared/rootfs/alpine-minirootfs-*-x86_64.tar.gz, else the
//	              rows are skipped; "none" skips them)
//
// The program workloads (sources in testdata/src, built by testdata/build.sh)
// each take a divisor of their amount of work as argv[1]:
//
//	bench_intloop        integer dispatch
//	bench_matmul         double matrix multiply, loops left to the compiler
//	bench_memcpy_strlen  libc string routines
//	bench_syscalls       200k tiny system calls
//	bench_start          start-up and exit of a static hello (no divisor)
//	bench_forkexec       fork + execve + exit + wait4, 1000 times
//	bench_futex          100k FUTEX_WAIT/FUTEX_WAKE round trips between two threads
//	bench_pipe           256 MiB through a pipe between two processes
//	bench_tcp            256 MiB over a 127.0.0.1 TCP connection between two threads
//	bench_threads_1t/2t  the same CPU-bound hashing on one thread, then split over two
//	bench_sse_matmul     double matrix multiply in explicit packed SSE2
//	bench_sse_checksum   Adler-32 (SSSE3) and CRC32C (SSE4.2) over 1 MiB; x86-64-v2
//
// The second table gives bench_futex in round trips per second, bench_pipe
// and bench_tcp in MiB per second (the amount of work read from the
// program's output, over the median wall time, so process start-up and the
// programs' own setup count against them), and bench_threads' scaling: the
// one-thread median over the two-thread median, 2.0x being perfect on two
// free cores. Two-thread scaling needs two cores that nothing else is using;
// on a busy machine it is the noisiest number here.
//
// The alpine_* workloads run busybox from the Alpine root:
//
//	alpine_sh_loop  sh -c: run /bin/true 300 times in a while loop (fork + exec)
//	alpine_tar_czf  tar czf /tmp/x.tgz /usr, then decompress it to count its bytes
//	alpine_find     find / -xdev | wc -l
//
// The native runner runs them under chroot(8) (as root) or unshare -r
// chroot (elsewhere, if user namespaces allow it; otherwise the native
// column is left out for these rows), blink with --no-systemroot -C ROOT
// (without /SystemRoot, find would count one more directory than a real
// chroot has), and qemu not at all: qemu-user hands a guest's execve to the
// host kernel, which on an x86-64 host runs the child natively, outside
// both qemu and the root, and its -L prefix does not follow busybox's
// absolute symlinks. The tar row checks the archive's uncompressed size
// rather than its bytes, because the order in which tar meets directory
// entries is the host file system's under chroot and blink's own under
// blink. The rows write and remove /tmp/x.tgz inside the root.
//
// Native runs need an x86-64 Linux host; elsewhere that column is left out
// and no ratios are shown. Every runner's output is compared with the first
// runner's, so a workload that computes a different answer under emulation is
// flagged instead of silently timed. Peak memory comes from the child's
// rusage, so it is shown only on hosts that report it.
package main

import (
	"bytes"
	"cmp"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
)

// A workload is one row of the table: a program from -bin, or a shell
// script run inside the Alpine root.
type workload struct {
	name string
	// prog is the program in -bin without its -LIBC suffix (default name).
	prog string
	// fixed programs take no divisor; the others get one even when it is
	// 1, so that extra arguments land in argv[2] onwards.
	fixed bool
	extra []string
	// script, if set, makes this a rootfs workload: /bin/sh -c script(quick).
	script func(quick bool) string
	// rateKey names the output field "KEY=N" giving the amount of work, and
	// rateUnit its unit per second, for the throughput table.
	rateKey, rateUnit string
	// scalingOf names the one-thread row this row is the parallel version
	// of; the throughput table shows that row's time over this one's.
	scalingOf string
}

var workloads = []workload{
	{name: "bench_intloop"},
	{name: "bench_matmul"},
	{name: "bench_memcpy_strlen"},
	{name: "bench_syscalls"},
	{name: "bench_start", fixed: true},
	{name: "bench_forkexec"},
	{name: "bench_futex", rateKey: "roundtrips", rateUnit: "round trips/s"},
	{name: "bench_pipe", rateKey: "mib", rateUnit: "MiB/s"},
	{name: "bench_tcp", rateKey: "mib", rateUnit: "MiB/s"},
	{name: "bench_threads_1t", prog: "bench_threads", extra: []string{"1"}},
	{name: "bench_threads_2t", prog: "bench_threads", extra: []string{"2"}, scalingOf: "bench_threads_1t"},
	{name: "bench_sse_matmul"},
	{name: "bench_sse_checksum"},
	{name: "alpine_sh_loop", script: func(quick bool) string {
		n := 300
		if quick {
			n /= 50
		}
		return fmt.Sprintf(`i=0; while [ $i -lt %d ]; do /bin/true; i=$((i+1)); done; echo $i`, n)
	}},
	{name: "alpine_tar_czf", script: func(quick bool) string {
		dir := "usr"
		if quick {
			dir = "etc"
		}
		// -C / with a relative member spares tar's "removing leading /"
		// warning; the archive is the same as for /usr.
		return "tar -C / -czf /tmp/x.tgz " + dir + " && gzip -dc /tmp/x.tgz | wc -c; rm -f /tmp/x.tgz"
	}},
	{name: "alpine_find", script: func(bool) string { return "find / -xdev | wc -l" }},
}

// rootfsEnv is the whole environment of the alpine_* rows, the same for
// every runner, so that nothing from the host (a PATH naming host-only
// directories, a locale) changes what busybox does.
var rootfsEnv = []string{"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "HOME=/root", "LC_ALL=C"}

// quickDivisor is what -quick passes as argv[1]; each workload divides its
// amount of work by it.
const quickDivisor = "50"

// A runner turns a program and its arguments into a command line.
type runner struct {
	name   string
	prefix []string // command and flags placed before the program
}

type measurement struct {
	ran    bool          // false: this runner was left out of the row
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
	rootfs := flag.String("rootfs", "", `Alpine root for the alpine_* rows: directory or .tar.gz ("none" to skip)`)
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
	var selected []workload
	wantRootfs := false
	for _, w := range workloads {
		if re.MatchString(w.name) {
			selected = append(selected, w)
			wantRootfs = wantRootfs || w.script != nil
		}
	}
	tmp, err := os.MkdirTemp("", "blinkbench")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)

	// Check the programs before spending time on a build or an unpack.
	progs := map[string]string{}
	for _, w := range selected {
		if w.script != nil {
			continue
		}
		prog, err := filepath.Abs(filepath.Join(binDir, cmp.Or(w.prog, w.name)+"-"+libc))
		if err != nil {
			return err
		}
		if _, err := os.Stat(prog); err != nil {
			return fmt.Errorf("%v (run testdata/build.sh, or pass -bin)", err)
		}
		progs[w.name] = prog
	}
	root := ""
	if wantRootfs {
		if root, err = findRootfs(rootfs, tmp); err != nil {
			return err
		}
		if root == "" && rootfs != "none" {
			fmt.Fprintln(os.Stderr, "note: alpine_* rows skipped: no -rootfs, $BLINK_TEST_ROOTFS or ../shared/rootfs tarball")
		}
	}

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

	// chroot is the native runner's way into the root; nil leaves the
	// native column out of the alpine_* rows.
	var chroot []string
	if root != "" && native {
		chroot = chrootCommand(root)
		if qemuPath != "" {
			fmt.Fprintln(os.Stderr, "note: alpine_* rows not run under qemu: qemu-user runs a guest's execve'd"+
				" programs as host processes, outside the root")
		}
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
	results := map[string][]measurement{}
	for _, w := range selected {
		var argv func(runner) []string
		var env []string
		if w.script != nil {
			if root == "" {
				continue
			}
			script := w.script(quick)
			env = rootfsEnv
			argv = func(r runner) []string {
				switch r.name {
				case "native":
					if chroot == nil {
						return nil
					}
					return append(append([]string{}, chroot...), "/bin/sh", "-c", script)
				case "blink":
					return append(append([]string{}, r.prefix...), "--no-systemroot", "-C", root, "/bin/sh", "-c", script)
				}
				return nil
			}
		} else {
			var args []string
			if !w.fixed {
				div := "1"
				if quick {
					div = quickDivisor
				}
				args = append([]string{div}, w.extra...)
			}
			prog := progs[w.name]
			argv = func(r runner) []string {
				return append(append(append([]string{}, r.prefix...), prog), args...)
			}
		}
		ms, ok := measureRow(tw, w.name, runners, native, n, env, argv)
		results[w.name] = ms
		failed = failed || !ok
	}
	tw.Flush()
	if !printDerived(runners, results) {
		failed = true
	}
	if failed {
		return errors.New("some runs failed or disagreed (see above)")
	}
	return nil
}

// findRootfs resolves -rootfs to a directory, unpacking a tarball into tmp;
// "" means there is no root to use.
func findRootfs(flagValue, tmp string) (string, error) {
	path := flagValue
	switch path {
	case "none":
		return "", nil
	case "":
		path = os.Getenv("BLINK_TEST_ROOTFS")
	}
	if path == "" {
		// The development machines keep Alpine's minirootfs beside the
		// repository (see ../shared/rootfs/README.md).
		matches, _ := filepath.Glob(filepath.Join("..", "shared", "rootfs", "alpine-minirootfs-*-x86_64.tar.gz"))
		if len(matches) == 0 {
			return "", nil
		}
		path = matches[len(matches)-1]
	}
	path, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	st, err := os.Stat(path)
	if err != nil {
		return "", err
	}
	if st.IsDir() {
		return path, nil
	}
	// The native runner needs a real directory tree to chroot into, so
	// the tarball is unpacked by the host's tar rather than left to blink.
	dir := filepath.Join(tmp, "rootfs")
	if err := os.Mkdir(dir, 0o755); err != nil {
		return "", err
	}
	fmt.Fprintln(os.Stderr, "unpacking", path, "...")
	if out, err := exec.Command("tar", "-xzf", path, "-C", dir).CombinedOutput(); err != nil {
		return "", fmt.Errorf("unpacking %s: %v\n%s", path, err, out)
	}
	return dir, nil
}

// chrootCommand is the command prefix that runs a program natively inside
// root: chroot(8) for root, else chroot inside a user namespace where we
// are root, if the kernel allows that; nil if neither works.
func chrootCommand(root string) []string {
	if os.Geteuid() == 0 {
		return []string{"chroot", root}
	}
	probe := []string{"unshare", "-r", "chroot", root}
	if err := exec.Command(probe[0], append(probe[1:], "/bin/true")...).Run(); err != nil {
		fmt.Fprintf(os.Stderr, "note: alpine_* rows not run natively: not root, and %s failed: %v\n",
			strings.Join(probe, " "), err)
		return nil
	}
	return probe
}

// measureRow measures one workload under every runner (argv gives each
// runner's command line, nil to leave that runner out; env, if not nil, is
// the whole environment) and prints its row; the first runner measured is
// the reference for outputs and ratios. It returns the measurements in
// runner order and whether every run succeeded and agreed.
func measureRow(tw *tabwriter.Writer, name string, runners []runner, native bool, n int, env []string,
	argv func(runner) []string) ([]measurement, bool) {
	ok := true
	row := name + "\t"
	ms := make([]measurement, len(runners))
	var base *measurement
	var baseName string
	for i, r := range runners {
		m := &ms[i]
		cmd := argv(r)
		if cmd != nil {
			*m = measure(cmd, env, n)
			if base == nil {
				base, baseName = m, r.name
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
	return ms, ok
}

// measure runs argv n times and keeps the median wall time, which shrugs
// off a run disturbed by other load on the machine, and the largest peak
// RSS seen.
func measure(argv, env []string, n int) measurement {
	m := measurement{ran: true}
	var walls []time.Duration
	for i := 0; i < n; i++ {
		cmd := exec.Command(argv[0], argv[1:]...)
		cmd.Env = env
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

// printDerived prints the throughput and scaling table for the rows that
// have one, and reports whether the rows it pairs up agreed.
func printDerived(runners []runner, results map[string][]measurement) bool {
	ok := true
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	header := "throughput\t"
	for _, r := range runners {
		header += r.name + "\t"
	}
	printed := false
	for _, w := range workloads {
		ms := results[w.name]
		if ms == nil || (w.rateKey == "" && w.scalingOf == "") {
			continue
		}
		var row string
		switch {
		case w.rateKey != "":
			row = w.name + "\t"
			for _, m := range ms {
				row += formatRate(m, w.rateKey, w.rateUnit) + "\t"
			}
		case w.scalingOf != "":
			one := results[w.scalingOf]
			if one == nil {
				continue
			}
			row = strings.TrimSuffix(w.name, "_2t") + " 1t/2t\t"
			for i, m := range ms {
				switch {
				case !m.ran || m.err != nil || !one[i].ran || one[i].err != nil || m.wall == 0:
					row += "-\t"
				case !bytes.Equal(m.output, one[i].output):
					fmt.Fprintf(os.Stderr, "%s and %s under %s: outputs differ:\n%s\nvs\n%s\n",
						w.scalingOf, w.name, runners[i].name, one[i].output, m.output)
					ok = false
					row += "-\t"
				default:
					row += fmt.Sprintf("%.2fx\t", float64(one[i].wall)/float64(m.wall))
				}
			}
		}
		if !printed {
			fmt.Println()
			fmt.Fprintln(tw, header)
			printed = true
		}
		fmt.Fprintln(tw, row)
	}
	tw.Flush()
	return ok
}

// formatRate is the amount of work the program reports as KEY=N in its
// output, per second of median wall time.
func formatRate(m measurement, key, unit string) string {
	if !m.ran || m.err != nil || m.wall == 0 {
		return "-"
	}
	sub := regexp.MustCompile(`\b` + regexp.QuoteMeta(key) + `=([0-9.]+)`).FindSubmatch(m.output)
	if sub == nil {
		return "-"
	}
	amount, err := strconv.ParseFloat(string(sub[1]), 64)
	if err != nil {
		return "-"
	}
	v := amount / m.wall.Seconds()
	switch {
	case v >= 1e6:
		return fmt.Sprintf("%.2fM %s", v/1e6, unit)
	case v >= 1e4:
		return fmt.Sprintf("%.1fk %s", v/1e3, unit)
	default:
		return fmt.Sprintf("%.0f %s", v, unit)
	}
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

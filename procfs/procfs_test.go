package procfs

import (
	"bufio"
	"bytes"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/blink-go/blink/core/abi"
	"github.com/blink-go/blink/core/interp"
	"github.com/blink-go/blink/core/mem"
	"github.com/blink-go/blink/fs/vfs"
)

// The samples in testdata/linux were recorded from a real Linux 6.18
// kernel (pid_* from a copy of sleep named "x) y (z"). Each test renders
// our file and reads both with the parser a tool uses.

type fakeSource struct {
	procs map[int]Proc
	maps  []mem.Mapping
	v     *vfs.VFS
}

func (s *fakeSource) Caller(c any) (int, int) {
	if pid, ok := c.(int); ok {
		return pid, pid
	}
	return 0, 0
}
func (s *fakeSource) PIDs() []int { return []int{1, 42} }
func (s *fakeSource) Proc(pid int) (Proc, bool) {
	p, ok := s.procs[pid]
	return p, ok
}
func (s *fakeSource) Cmdline(int) ([]byte, bool)     { return []byte("sleep\x005\x00"), true }
func (s *fakeSource) Environ(int) ([]byte, bool)     { return []byte("A=1\x00"), true }
func (s *fakeSource) Maps(int) ([]mem.Mapping, bool) { return s.maps, true }
func (s *fakeSource) FDs(int) ([]FD, bool)           { return []FD{{Num: 0, Target: "pipe:[7]"}}, true }
func (s *fakeSource) Cwd(int) (vfs.Location, bool)   { return s.v.RootLocation(), true }
func (s *fakeSource) Root(int) (vfs.Location, bool)  { return s.v.RootLocation(), true }
func (s *fakeSource) SetComm(pid int, c string) abi.Errno {
	p := s.procs[pid]
	p.Comm = c
	s.procs[pid] = p
	return 0
}
func (s *fakeSource) SetOOMScoreAdj(int, int) abi.Errno { return 0 }
func (s *fakeSource) VFS() *vfs.VFS                     { return s.v }
func (s *fakeSource) System() System {
	return System{Boot: time.Unix(1700000000, 0), Uptime: 3723 * time.Second, Forks: 2, Running: 1,
		Hostname: "box", Domainname: "(none)", Release: "4.5.0-blink-go", Version: "blink-go go1.26", LastPID: 42}
}

func newTestFS(t *testing.T) (*FS, *fakeSource) {
	t.Helper()
	src := &fakeSource{procs: map[int]Proc{
		1: {PID: 1, Comm: "init", State: 'S', TIDs: []int{1}},
		42: {PID: 42, PPID: 1, PGID: 42, SID: 42, TPGID: -1, Comm: "x) y (z", State: 'S', TIDs: []int{42},
			UID: [4]uint32{1000, 1000, 1000, 1000}, GID: [4]uint32{100, 100, 100, 100}, Groups: []uint32{100, 10},
			Umask: 0o22, SigBlk: 1 << 16, Exe: "/tmp/x) y (z", FDSize: 64, ExitSignal: 17},
	}, maps: []mem.Mapping{
		{Start: 0x400000, End: 0x402000, Prot: abi.PROT_READ | abi.PROT_EXEC, Flags: abi.MAP_PRIVATE, Name: "/tmp/x) y (z"},
		{Start: 0x7f0000000000, End: 0x7f0000021000, Prot: abi.PROT_READ | abi.PROT_WRITE, Flags: abi.MAP_PRIVATE | abi.MAP_ANONYMOUS},
		{Start: 0x7ffffffde000, End: 0x7ffffffff000, Prot: abi.PROT_READ | abi.PROT_WRITE, Flags: abi.MAP_PRIVATE, Name: "[stack]"},
	}}
	root := &Dir{Attr: Attr{Ino: 1, Mode: abi.S_IFDIR | 0o755}, List: func() []Entry { return nil }}
	v, e := vfs.New(&vfs.Superblock{Type: "hostfs", Source: "/r oot", Root: root}, 0)
	if e != 0 {
		t.Fatal(e)
	}
	src.v = v
	lim := [abi.RLIM_NLIMITS][2]uint64{}
	for i := range lim {
		lim[i] = [2]uint64{abi.RLIM_INFINITY, abi.RLIM_INFINITY}
	}
	lim[abi.RLIMIT_NOFILE] = [2]uint64{1024, 4096}
	p := src.procs[42]
	p.Rlimits = lim
	src.procs[42] = p
	f := New(Config{Src: src, CPUID: func(l, s uint32) (a, b, c, d uint32) { return interp.CPUID(nil, l, s) },
		Host: func() Host {
			return Host{MemTotal: 8 << 30, MemFree: 2 << 30, MemAvailable: 5 << 30, Cached: 3 << 30, NCPU: 2,
				Load: [3]float64{0.5, 0.25, 0.125}}
		}})
	return f, src
}

// read opens path under the proc root (no mounts: walked by hand).
func read(t *testing.T, f *FS, path string) string {
	t.Helper()
	var n vfs.Node = f.Root()
	for _, c := range strings.Split(strings.Trim(path, "/"), "/") {
		var e abi.Errno
		if n, _, e = n.Lookup(c); e != 0 {
			t.Fatalf("%s: lookup %s: %v", path, c, e)
		}
	}
	h, e := n.Open(abi.O_RDONLY)
	if e != 0 {
		t.Fatalf("%s: open: %v", path, e)
	}
	var b bytes.Buffer
	buf := make([]byte, 7) // small reads: the snapshot must read back whole
	for {
		k, e := h.Read(buf)
		if e != 0 {
			t.Fatal(e)
		}
		if k == 0 {
			break
		}
		b.Write(buf[:k])
	}
	return b.String()
}

func sample(t *testing.T, name string) string {
	b, err := os.ReadFile("testdata/linux/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// parseStat splits /proc/[pid]/stat as procps's stat2proc does: comm is
// between the first '(' and the last ')'.
func parseStat(s string) (pid int, comm string, rest []string) {
	open := strings.IndexByte(s, '(')
	end := strings.LastIndexByte(s, ')')
	pid, _ = strconv.Atoi(strings.TrimSpace(s[:open]))
	return pid, s[open+1 : end], strings.Fields(s[end+1:])
}

func TestPidStat(t *testing.T) {
	f, _ := newTestFS(t)
	got := read(t, f, "/42/stat")
	lpid, lcomm, lrest := parseStat(sample(t, "pid_stat"))
	pid, comm, rest := parseStat(got)
	if lcomm != "x) y (z" || lpid == 0 {
		t.Fatalf("sample parse: %d %q", lpid, lcomm)
	}
	if pid != 42 || comm != "x) y (z" {
		t.Errorf("pid %d comm %q", pid, comm)
	}
	if len(rest) != len(lrest) {
		t.Errorf("%d fields after comm, Linux has %d:\n%s", len(rest), len(lrest), got)
	}
	if rest[0] != "S" || rest[1] != "1" || rest[17] != "1" /* num_threads */ {
		t.Errorf("state/ppid/threads: %v", rest[:18])
	}
	if !strings.HasSuffix(got, "\n") || strings.Count(got, "\n") != 1 {
		t.Errorf("not one line: %q", got)
	}
	if pid, _, rest := parseStat(read(t, f, "/42/task/42/stat")); pid != 42 || len(rest) != len(lrest) {
		t.Errorf("task stat: %d %d", pid, len(rest))
	}
}

// statusKeys returns the keys of a "Key:\tvalue" file in order.
func statusKeys(s string) []string {
	var keys []string
	for _, l := range strings.Split(strings.TrimSuffix(s, "\n"), "\n") {
		k, _, ok := strings.Cut(l, ":\t")
		if !ok {
			k, _, _ = strings.Cut(l, ":")
		}
		keys = append(keys, k)
	}
	return keys
}

func TestPidStatus(t *testing.T) {
	f, _ := newTestFS(t)
	got := read(t, f, "/42/status")
	linux := statusKeys(sample(t, "pid_status"))
	pos := map[string]int{}
	for i, k := range linux {
		pos[k] = i
	}
	last := -1
	for _, k := range statusKeys(got) {
		i, ok := pos[k]
		if !ok {
			t.Errorf("key %q not in Linux's status", k)
			continue
		}
		if i < last {
			t.Errorf("key %q out of Linux's order", k)
		}
		last = i
	}
	for _, want := range []string{"Name:\tx) y (z\n", "Umask:\t0022\n", "State:\tS (sleeping)\n", "Tgid:\t42\n",
		"PPid:\t1\n", "Uid:\t1000\t1000\t1000\t1000\n", "Gid:\t100\t100\t100\t100\n", "Groups:\t100 10 \n",
		"VmRSS:\t", "Threads:\t1\n", "SigBlk:\t0000000000010000\n", "Cpus_allowed:\t3\n", "Cpus_allowed_list:\t0-1\n",
		"SigQ:\t0/18446744073709551615\n"} {
		if !strings.Contains(got, want) {
			t.Errorf("status lacks %q:\n%s", want, got)
		}
	}
	// The Vm lines' numbers are right-aligned in 8 columns, as Linux's.
	vm := regexp.MustCompile(`(?m)^VmSize:\t( *\d+) kB$`)
	if m, l := vm.FindStringSubmatch(got), vm.FindStringSubmatch(sample(t, "pid_status")); m == nil || len(m[1]) != len(l[1]) {
		t.Errorf("VmSize format: %q vs %q", m, l)
	}
}

func TestStatmMapsLimits(t *testing.T) {
	f, _ := newTestFS(t)
	if got := read(t, f, "/42/statm"); !regexp.MustCompile(`^\d+ \d+ \d+ \d+ 0 \d+ 0\n$`).MatchString(got) {
		t.Errorf("statm %q", got)
	}
	if !regexp.MustCompile(`^\d+ \d+ \d+ \d+ \d+ \d+ \d+\n$`).MatchString(sample(t, "pid_statm")) {
		t.Error("sample statm")
	}
	// maps: the name starts at column 73 in both.
	col := func(s, name string) int {
		for _, l := range strings.Split(s, "\n") {
			if strings.HasSuffix(l, name) {
				return strings.Index(l, name)
			}
		}
		return -1
	}
	got := read(t, f, "/42/maps")
	if c, l := col(got, "/tmp/x) y (z"), col(sample(t, "pid_maps"), "/tmp/x) y (z"); c != l || c != 73 {
		t.Errorf("maps name column %d, Linux %d:\n%s", c, l, got)
	}
	if !strings.Contains(got, "7f0000000000-7f0000021000 rw-p 00000000 00:00 0 \n") {
		t.Errorf("anonymous line:\n%s", got)
	}
	if !strings.HasPrefix(got, "00400000-00402000 r-xp ") {
		t.Errorf("short addresses pad to 8 digits:\n%s", got)
	}
	lim := read(t, f, "/42/limits")
	llim := sample(t, "pid_limits")
	if a, b := strings.SplitN(lim, "\n", 2)[0], strings.SplitN(llim, "\n", 2)[0]; a != b {
		t.Errorf("limits header %q, Linux %q", a, b)
	}
	want := "Max open files            1024                 4096                 files     \n"
	if !strings.Contains(lim, want) || !strings.Contains(llim, "Max nice priority         0                    0                    \n") {
		t.Errorf("limits:\n%s", lim)
	}
	if len(strings.Split(lim, "\n")) != len(strings.Split(llim, "\n")) {
		t.Error("limits line count")
	}
	roll := read(t, f, "/42/smaps_rollup")
	if col(roll, "[rollup]") != 73 || !strings.Contains(roll, "\nRss:     ") {
		t.Errorf("smaps_rollup:\n%s", roll)
	}
}

func TestMeminfo(t *testing.T) {
	f, _ := newTestFS(t)
	got := read(t, f, "/meminfo")
	re := regexp.MustCompile(`^([A-Za-z0-9_()]+):( +)(\d+)( kB)?$`)
	width := func(s string) map[string]int {
		m := map[string]int{}
		for _, l := range strings.Split(strings.TrimSuffix(s, "\n"), "\n") {
			x := re.FindStringSubmatch(l)
			if x == nil {
				t.Errorf("meminfo line %q", l)
				continue
			}
			m[x[1]] = len(x[1]) + 1 + len(x[2]) + len(x[3])
		}
		return m
	}
	ours, linux := width(got), width(sample(t, "meminfo"))
	for _, k := range []string{"MemTotal", "MemFree", "MemAvailable", "Buffers", "Cached", "SwapTotal", "SwapFree",
		"Shmem", "SReclaimable"} {
		if ours[k] == 0 || ours[k] != linux[k] {
			t.Errorf("%s: width %d, Linux %d", k, ours[k], linux[k])
		}
	}
	if !strings.HasPrefix(got, "MemTotal:        8388608 kB\nMemFree:         2097152 kB\n") {
		t.Errorf("meminfo:\n%s", got)
	}
	f.cfg.MemLimit = 1 << 30
	if got := read(t, f, "/meminfo"); !strings.HasPrefix(got, "MemTotal:        1048576 kB\n") {
		t.Errorf("limited meminfo:\n%s", got)
	}
}

func TestGlobalFormats(t *testing.T) {
	f, _ := newTestFS(t)
	for _, c := range []struct{ file, re string }{
		{"uptime", `^\d+\.\d\d \d+\.\d\d\n$`},
		{"loadavg", `^\d+\.\d\d \d+\.\d\d \d+\.\d\d \d+/\d+ \d+\n$`},
		{"version", `^Linux version \S+ \(\S+\) \(.*\) .*\n$`},
		{"stat", `^cpu  (\d+ ){9}\d+\ncpu0 (\d+ ){9}\d+\n(.|\n)*btime \d+\nprocesses \d+\nprocs_running \d+\nprocs_blocked \d+\n`},
	} {
		re := regexp.MustCompile(c.re)
		if got := read(t, f, "/"+c.file); !re.MatchString(got) {
			t.Errorf("%s: %q", c.file, got)
		}
		if !re.MatchString(sample(t, c.file)) {
			t.Errorf("%s: the pattern does not match Linux's sample", c.file)
		}
	}
	if got := read(t, f, "/uptime"); !strings.HasPrefix(got, "3723.00 ") {
		t.Errorf("uptime %q", got)
	}
	if got := read(t, f, "/version"); !strings.HasPrefix(got, "Linux version 4.5.0-blink-go ") {
		t.Errorf("version %q", got)
	}
	if got := read(t, f, "/sys/kernel/osrelease"); got != "4.5.0-blink-go\n" {
		t.Errorf("osrelease %q", got)
	}
	if a, b := read(t, f, "/sys/kernel/random/boot_id"), read(t, f, "/sys/kernel/random/boot_id"); a != b || len(a) != 37 {
		t.Errorf("boot_id %q %q", a, b)
	}
	if a, b := read(t, f, "/sys/kernel/random/uuid"), read(t, f, "/sys/kernel/random/uuid"); a == b {
		t.Error("uuid repeats")
	}
	// Headers a parser keys on, byte for byte.
	for _, c := range []struct{ ours, linux string }{
		{"/net/tcp", "net_tcp"}, {"/net/tcp6", "net_tcp6"}, {"/net/unix", "net_unix"}, {"/net/route", "net_route"},
		{"/swaps", "swaps"}, {"/partitions", "partitions"},
	} {
		first := func(s string) string { return strings.SplitN(s, "\n", 2)[0] }
		if a, b := first(read(t, f, c.ours)), first(sample(t, c.linux)); a != b {
			t.Errorf("%s header:\n%q\nLinux:\n%q", c.ours, a, b)
		}
	}
	dev, ldev := strings.Split(read(t, f, "/net/dev"), "\n"), strings.Split(sample(t, "net_dev"), "\n")
	if dev[0] != ldev[0] || dev[1] != ldev[1] || !strings.HasPrefix(dev[2], "    lo:") || len(strings.Fields(dev[2])) != 17 {
		t.Errorf("net/dev:\n%s", strings.Join(dev, "\n"))
	}
}

func TestCPUInfo(t *testing.T) {
	f, _ := newTestFS(t)
	got := read(t, f, "/cpuinfo")
	if strings.Count(got, "processor\t: ") != 2 {
		t.Errorf("two CPUs expected:\n%s", got)
	}
	// Same keys, same order, same separators as Linux's.
	keys := func(s string) []string {
		var k []string
		for _, l := range strings.Split(strings.SplitN(s, "\n\n", 2)[0], "\n") {
			name, _, _ := strings.Cut(l, ":")
			k = append(k, name)
		}
		return k
	}
	ours := strings.Join(keys(got), "|")
	linux := strings.Join(keys(sample(t, "cpuinfo")), "|")
	linux = strings.Replace(linux, "microcode\t|", "", 1)
	linux = strings.Replace(linux, "cache size\t|", "", 1)
	if ours != linux {
		t.Errorf("cpuinfo keys:\n%s\nLinux:\n%s", ours, linux)
	}
	var flags []string
	for _, l := range strings.Split(got, "\n") {
		if v, ok := strings.CutPrefix(l, "flags\t\t: "); ok {
			flags = strings.Fields(v)
			break
		}
	}
	// Leaf 1 EDX is AT_HWCAP: its flags must be exactly HWCap's bits.
	var names = cpuFlags[0].bits
	have := map[string]bool{}
	for _, fl := range flags {
		have[fl] = true
	}
	for i, n := range names {
		if n != "" && have[n] != (interp.HWCap()&(1<<i) != 0) {
			t.Errorf("flag %s disagrees with CPUID", n)
		}
	}
	for _, must := range []string{"fpu", "sse2", "lm", "syscall", "cx8", "cmov"} {
		if !have[must] {
			t.Errorf("flags lack %s: %v", must, flags)
		}
	}
	if have["avx"] || have["xsave"] {
		t.Error("avx/xsave are not implemented and must not be claimed")
	}
}

func TestMountsAndSelf(t *testing.T) {
	f, _ := newTestFS(t)
	got := read(t, f, "/42/mounts")
	if got != "/r\\040oot / hostfs rw,relatime 0 0\n" {
		t.Errorf("mounts %q", got)
	}
	mi := read(t, f, "/42/mountinfo")
	// libmount: fields up to " - ", then fstype, source, options.
	pre, post, ok := strings.Cut(strings.TrimSuffix(mi, "\n"), " - ")
	if !ok || len(strings.Fields(pre)) != 6 || len(strings.Fields(post)) != 3 {
		t.Errorf("mountinfo %q", mi)
	}
	if l := sample(t, "pid_mountinfo"); !regexp.MustCompile(`^\d+ \d+ \d+:\d+ / /\S* \S+ .*- \S+ \S+ \S+\n`).MatchString(mi) ||
		!regexp.MustCompile(`^\d+ \d+ \d+:\d+ / /\S* \S+ .*- \S+ \S+ \S+\n`).MatchString(l) {
		t.Errorf("mountinfo pattern: %q", mi)
	}
	self := f.Root()
	n, _, e := self.Lookup("self")
	if e != 0 {
		t.Fatal(e)
	}
	if s, e := n.(vfs.CallerReadlinker).ReadlinkAs(42); e != 0 || s != "42" {
		t.Errorf("self -> %q %v", s, e)
	}
	if _, e := n.(vfs.CallerReadlinker).ReadlinkAs(nil); e != abi.ENOENT {
		t.Errorf("self without a caller: %v", e)
	}
	if got := read(t, f, "/42/cmdline"); got != "sleep\x005\x00" {
		t.Errorf("cmdline %q", got)
	}
	// comm is writable and truncated to 15 bytes.
	c, _, _ := mustLookup(t, f, "/42/comm")
	h, _ := c.Open(abi.O_WRONLY)
	if _, e := h.Write([]byte("a-very-long-name-indeed\n")); e != 0 {
		t.Fatal(e)
	}
	if got := read(t, f, "/42/comm"); got != "a-very-long-nam\n" {
		t.Errorf("comm %q", got)
	}
	fd := read(t, f, "/42/fdinfo/0")
	if !regexp.MustCompile(`^pos:\t\d+\nflags:\t0\d*\nmnt_id:\t\d+\nino:\t\d+\n$`).MatchString(fd) {
		t.Errorf("fdinfo %q", fd)
	}
	l, st, _ := mustLookup(t, f, "/42/fd/0")
	if st.Mode&abi.S_IFMT != abi.S_IFLNK {
		t.Error("fd/0 is not a link")
	}
	if s, _ := l.Readlink(); s != "pipe:[7]" {
		t.Errorf("fd/0 -> %q", s)
	}
	if _, st, _ := mustLookup(t, f, "/42/status"); st.Size != 0 || st.UID != 1000 || st.Mode != abi.S_IFREG|0o444 {
		t.Errorf("status stat %+v", st)
	}
	if _, st, _ := mustLookup(t, f, "/42/environ"); st.Mode != abi.S_IFREG|0o400 {
		t.Errorf("environ mode %o", st.Mode)
	}
	if _, _, e := f.Root().Lookup("43"); e != abi.ENOENT {
		t.Errorf("missing pid: %v", e)
	}
}

func mustLookup(t *testing.T, f *FS, path string) (vfs.Node, vfs.Stat, abi.Errno) {
	t.Helper()
	var n vfs.Node = f.Root()
	var st vfs.Stat
	for _, c := range strings.Split(strings.Trim(path, "/"), "/") {
		var e abi.Errno
		if n, st, e = n.Lookup(c); e != 0 {
			t.Fatalf("%s: %v", path, e)
		}
	}
	return n, st, 0
}

func TestSysCPU(t *testing.T) {
	_, src := newTestFS(t)
	s := NewSys(Config{Src: src, Host: func() Host { return Host{NCPU: 4} }})
	n := vfs.Node(s)
	for _, c := range []string{"devices", "system", "cpu", "online"} {
		var e abi.Errno
		if n, _, e = n.Lookup(c); e != 0 {
			t.Fatal(c, e)
		}
	}
	h, _ := n.Open(abi.O_RDONLY)
	sc := bufio.NewScanner(readerOf{h})
	sc.Scan()
	if sc.Text() != "0-3" {
		t.Errorf("online %q", sc.Text())
	}
}

type readerOf struct{ f vfs.FileImpl }

func (r readerOf) Read(p []byte) (int, error) {
	n, e := r.f.Read(p)
	if e != 0 {
		return n, e
	}
	if n == 0 {
		return 0, os.ErrClosed
	}
	return n, nil
}

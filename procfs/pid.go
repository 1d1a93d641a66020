package procfs

import (
	"bytes"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/blink-go/blink/core/abi"
	"github.com/blink-go/blink/fs/vfs"
)

// pidDir is /proc/[pid] (tid 0) or /proc/[pid]/task/[tid]. The node
// carries the owner and start time of the snapshot p; every file
// renders afresh from the Source when opened.
func (f *FS) pidDir(p Proc, tid int) *Dir {
	pid := p.PID
	base := "/" + strconv.Itoa(pid)
	if tid != 0 {
		base += "/task/" + strconv.Itoa(tid)
	}
	when := ts(f.src.System().Boot.Add(p.Start))
	attr := func(name string, mode uint32) Attr {
		return Attr{Ino: InoOf("/proc" + base + name), Mode: mode, UID: p.UID[1], GID: p.GID[1], Time: when}
	}
	file := func(name string, mode uint32, gen genFunc) Entry {
		return Entry{name, &File{Attr: attr("/"+name, abi.S_IFREG|mode), Gen: gen}}
	}
	proc := func(gen func(b *bytes.Buffer, p *Proc) abi.Errno) genFunc {
		return func(b *bytes.Buffer) abi.Errno {
			p, ok := f.src.Proc(pid)
			if !ok {
				return abi.ESRCH
			}
			if tid != 0 {
				p.ForThread(tid)
			}
			return gen(b, &p)
		}
	}
	// procAs is proc for stat and status: a process reading its own
	// is running, whatever the snapshot says.
	procAs := func(name string, gen func(b *bytes.Buffer, p *Proc) abi.Errno) Entry {
		return Entry{name, &File{Attr: attr("/"+name, abi.S_IFREG|0o444), GenAs: func(b *bytes.Buffer, c any) abi.Errno {
			p, ok := f.src.Proc(pid)
			if !ok {
				return abi.ESRCH
			}
			if me, _ := f.src.Caller(c); me == pid && p.State == 'S' {
				p.State = 'R'
			}
			if tid != 0 {
				p.ForThread(tid)
			}
			return gen(b, &p)
		}}}
	}
	bytesOf := func(get func(int) ([]byte, bool)) genFunc {
		return func(b *bytes.Buffer) abi.Errno {
			v, ok := get(pid)
			if !ok {
				return abi.ESRCH
			}
			b.Write(v)
			return 0
		}
	}
	dirLink := func(name string, get func(int) (vfs.Location, bool)) Entry {
		l := &MagicLink{LinkNode: LinkNode{Attr: attr("/"+name, abi.S_IFLNK|0o777)}}
		l.TargetAs = func(any) (string, abi.Errno) {
			loc, ok := get(pid)
			if !ok {
				return "", abi.ENOENT
			}
			return f.src.VFS().Path(&vfs.Context{Root: f.src.VFS().RootLocation()}, loc), 0
		}
		l.JumpTo = func(any) (vfs.Location, vfs.Node, abi.Errno) {
			loc, ok := get(pid)
			if !ok {
				return vfs.Location{}, nil, abi.ENOENT
			}
			return loc, nil, 0
		}
		return Entry{name, l}
	}
	comm := file("comm", 0o644, proc(func(b *bytes.Buffer, p *Proc) abi.Errno {
		b.WriteString(p.Comm + "\n")
		return 0
	}))
	comm.Node.(*File).Write = func(b []byte) (int, abi.Errno) {
		s := strings.TrimSuffix(string(b[:min(len(b), 15)]), "\n")
		return len(b), f.src.SetComm(pid, s)
	}
	oom := file("oom_score_adj", 0o644, proc(func(b *bytes.Buffer, p *Proc) abi.Errno {
		fmt.Fprintf(b, "%d\n", p.OOMScoreAdj)
		return 0
	}))
	oom.Node.(*File).Write = func(b []byte) (int, abi.Errno) {
		v, err := strconv.Atoi(strings.TrimSpace(string(b)))
		if err != nil || v < -1000 || v > 1000 {
			return 0, abi.EINVAL
		}
		return len(b), f.src.SetOOMScoreAdj(pid, v)
	}
	ents := []Entry{
		file("cmdline", 0o444, bytesOf(f.src.Cmdline)),
		comm,
		file("environ", 0o400, bytesOf(f.src.Environ)),
		{"exe", &LinkNode{Attr: attr("/exe", abi.S_IFLNK|0o777), TargetAs: func(any) (string, abi.Errno) {
			p, ok := f.src.Proc(pid)
			if !ok || p.Exe == "" {
				return "", abi.ENOENT
			}
			return p.Exe, 0
		}}},
		dirLink("cwd", f.src.Cwd),
		dirLink("root", f.src.Root),
		{"fd", f.fdDir(pid, base, attr, false)},
		{"fdinfo", f.fdDir(pid, base, attr, true)},
		file("maps", 0o444, func(b *bytes.Buffer) abi.Errno { return f.genMaps(b, pid) }),
		file("smaps_rollup", 0o444, func(b *bytes.Buffer) abi.Errno { return f.genSmapsRollup(b, pid) }),
		procAs("stat", func(b *bytes.Buffer, p *Proc) abi.Errno { return f.genPidStat(b, p, tid) }),
		file("statm", 0o444, proc(f.genStatm)),
		procAs("status", func(b *bytes.Buffer, p *Proc) abi.Errno { return f.genStatus(b, p, tid) }),
		file("mounts", 0o444, f.genMounts),
		file("mountinfo", 0o444, f.genMountinfo),
		file("limits", 0o444, proc(genLimits)),
		oom,
		file("oom_score", 0o444, proc(func(b *bytes.Buffer, p *Proc) abi.Errno {
			fmt.Fprintf(b, "%d\n", max(0, 666+p.OOMScoreAdj*2/3)) // any plausible badness
			return 0
		})),
		file("io", 0o400, func(b *bytes.Buffer) abi.Errno {
			b.WriteString("rchar: 0\nwchar: 0\nsyscr: 0\nsyscw: 0\nread_bytes: 0\nwrite_bytes: 0\ncancelled_write_bytes: 0\n")
			return 0
		}),
		file("cgroup", 0o444, func(b *bytes.Buffer) abi.Errno { b.WriteString("0::/\n"); return 0 }),
		file("wchan", 0o444, func(b *bytes.Buffer) abi.Errno { b.WriteString("0"); return 0 }),
		file("loginuid", 0o644, func(b *bytes.Buffer) abi.Errno { b.WriteString("4294967295"); return 0 }),
	}
	if tid == 0 {
		task := &Dir{Attr: attr("/task", abi.S_IFDIR|0o555)}
		task.List = func() []Entry {
			p, ok := f.src.Proc(pid)
			if !ok {
				return nil
			}
			var out []Entry
			for _, t := range p.TIDs {
				out = append(out, Entry{strconv.Itoa(t), f.pidDir(p, t)})
			}
			return out
		}
		ents = append(ents, Entry{"task", task})
	}
	return &Dir{Attr: attr("", abi.S_IFDIR|0o555), List: func() []Entry { return ents }}
}

// fdDir is /proc/[pid]/fd (magic links, dr-x------) or fdinfo.
func (f *FS) fdDir(pid int, base string, attr func(string, uint32) Attr, info bool) *Dir {
	name, mode := "/fd", uint32(0o500)
	if info {
		name, mode = "/fdinfo", 0o555
	}
	d := &Dir{Attr: attr(name, abi.S_IFDIR|mode)}
	d.List = func() []Entry {
		fds, _ := f.src.FDs(pid)
		out := make([]Entry, 0, len(fds))
		for _, fd := range fds {
			fd := fd
			a := attr(name+"/"+strconv.Itoa(fd.Num), 0)
			if info {
				a.Mode = abi.S_IFREG | 0o444
				out = append(out, Entry{strconv.Itoa(fd.Num), &File{Attr: a, Gen: func(b *bytes.Buffer) abi.Errno {
					fmt.Fprintf(b, "pos:\t%d\nflags:\t0%o\nmnt_id:\t%d\nino:\t%d\n", fd.Pos, fd.Flags, fd.MntID, fd.Ino)
					return 0
				}}})
				continue
			}
			// proc_fd_link's mode: r-x for readers, -wx for writers.
			a.Mode = abi.S_IFLNK
			if acc := fd.Flags & abi.O_ACCMODE; acc != abi.O_WRONLY {
				a.Mode |= 0o500
			}
			if acc := fd.Flags & abi.O_ACCMODE; acc != abi.O_RDONLY {
				a.Mode |= 0o300
			}
			l := &MagicLink{LinkNode: LinkNode{Attr: a, Target: fd.Target}}
			l.JumpTo = func(any) (vfs.Location, vfs.Node, abi.Errno) { return fd.Loc, fd.Node, 0 }
			out = append(out, Entry{strconv.Itoa(fd.Num), l})
		}
		return out
	}
	return d
}

// stateName is the State: line's text for a task state letter.
func stateName(s byte) string {
	switch s {
	case 'R':
		return "R (running)"
	case 'D':
		return "D (disk sleep)"
	case 'T':
		return "T (stopped)"
	case 't':
		return "t (tracing stop)"
	case 'Z':
		return "Z (zombie)"
	case 'X':
		return "X (dead)"
	case 'I':
		return "I (idle)"
	}
	return "S (sleeping)"
}

// vm is a process's memory use in bytes, from its mappings.
type vm struct {
	size, rss, file, data, stk, exe, lib uint64
	startCode, endCode                   uint64
}

func (f *FS) vmOf(pid int, exe string) vm {
	var v vm
	maps, _ := f.src.Maps(pid)
	for _, m := range maps {
		n := m.End - m.Start
		v.size += n
		if m.Prot == 0 {
			continue
		}
		v.rss += n
		named := m.Name != "" && m.Name[0] != '['
		switch {
		case m.Name == "[stack]":
			v.stk += n
		case m.Prot&abi.PROT_EXEC != 0 && named && m.Name == exe:
			v.exe += n
			if v.startCode == 0 {
				v.startCode, v.endCode = m.Start, m.End
			}
		case m.Prot&abi.PROT_EXEC != 0 && named:
			v.lib += n
		case m.Prot&abi.PROT_WRITE != 0 && m.Flags&abi.MAP_SHARED == 0:
			v.data += n
		}
		if named {
			v.file += n
		}
	}
	return v
}

// genPidStat is fs/proc/array.c's do_task_stat: 52 fields, comm in
// parentheses unescaped (readers split at the last ')').
func (f *FS) genPidStat(b *bytes.Buffer, p *Proc, tid int) abi.Errno {
	v := f.vmOf(p.PID, p.Exe)
	id := p.PID
	if tid != 0 {
		id = tid
	}
	rsslim := p.Rlimits[abi.RLIMIT_RSS][0]
	fmt.Fprintf(b, "%d (%s) %c %d %d %d %d %d %d %d 0 0 0 %d %d %d %d %d %d %d 0 %d %d %d %d ",
		id, p.Comm, p.State, p.PPID, p.PGID, p.SID, p.TTY, p.TPGID, 0x400000, p.MinFlt,
		ticks(p.UTime), ticks(p.STime), ticks(p.CUTime), ticks(p.CSTime), 20+p.Nice, p.Nice, max(len(p.TIDs), 1), ticks(p.Start), v.size, v.rss/4096, rsslim)
	fmt.Fprintf(b, "%d %d %d 0 0 %d %d %d %d 0 0 0 %d 0 0 0 0 0 0 %d %d %d %d %d %d %d 0\n",
		v.startCode, v.endCode, p.StartStack, p.SigPnd, p.SigBlk, p.SigIgn, p.SigCgt, p.ExitSignal,
		0, 0, p.StartBrk, p.ArgStart, p.ArgEnd, p.EnvStart, p.EnvEnd)
	return 0
}

// genStatm is proc_pid_statm: size resident shared text lib data dt, in
// pages.
func (f *FS) genStatm(b *bytes.Buffer, p *Proc) abi.Errno {
	v := f.vmOf(p.PID, p.Exe)
	fmt.Fprintf(b, "%d %d %d %d 0 %d 0\n", v.size/4096, v.rss/4096, v.file/4096, v.exe/4096, (v.data+v.stk)/4096)
	return 0
}

// cpuMask is Cpus_allowed and Cpus_allowed_list for an affinity mask on
// n CPUs: 32-bit hex words from the highest, the first as wide as its
// CPUs need (as Linux's %*pb), and ranges of CPUs.
func cpuMask(bits []uint64, n int) (mask, list string) {
	set := func(i int) bool { return i/64 < len(bits) && bits[i/64]&(1<<(i%64)) != 0 }
	n = max(n, 1)
	var parts []string
	for w := (n+31)/32 - 1; w >= 0; w-- {
		var v uint32
		for b := 0; b < 32; b++ {
			if set(32*w + b) {
				v |= 1 << b
			}
		}
		width := 8
		if w == (n+31)/32-1 {
			width = ((n-1)%32 + 4) / 4
		}
		parts = append(parts, fmt.Sprintf("%0*x", width, v))
	}
	var ranges []string
	for i := 0; i < n; i++ {
		if !set(i) {
			continue
		}
		j := i
		for j+1 < n && set(j+1) {
			j++
		}
		if j > i {
			ranges = append(ranges, strconv.Itoa(i)+"-"+strconv.Itoa(j))
		} else {
			ranges = append(ranges, strconv.Itoa(i))
		}
		i = j
	}
	return strings.Join(parts, ","), strings.Join(ranges, ",")
}

func hexMask(n int) (mask, list string) {
	words := make([]uint32, (n+31)/32)
	for i := range n {
		words[i/32] |= 1 << (i % 32)
	}
	var parts []string
	for i := len(words) - 1; i >= 0; i-- {
		if i == len(words)-1 {
			parts = append(parts, strconv.FormatUint(uint64(words[i]), 16))
		} else {
			parts = append(parts, fmt.Sprintf("%08x", words[i]))
		}
	}
	list = "0"
	if n > 1 {
		list = "0-" + strconv.Itoa(n-1)
	}
	return strings.Join(parts, ","), list
}

// genStatus is proc_pid_status.
func (f *FS) genStatus(b *bytes.Buffer, p *Proc, tid int) abi.Errno {
	v := f.vmOf(p.PID, p.Exe)
	id := p.PID
	if tid != 0 {
		id = tid
	}
	name := strings.NewReplacer("\n", "\\n", "\\", "\\\\").Replace(p.Comm)
	fmt.Fprintf(b, "Name:\t%s\nUmask:\t%04o\nState:\t%s\nTgid:\t%d\nNgid:\t0\nPid:\t%d\nPPid:\t%d\nTracerPid:\t0\n",
		name, p.Umask, stateName(p.State), p.PID, id, p.PPID)
	fmt.Fprintf(b, "Uid:\t%d\t%d\t%d\t%d\nGid:\t%d\t%d\t%d\t%d\nFDSize:\t%d\nGroups:\t",
		p.UID[0], p.UID[1], p.UID[2], p.UID[3], p.GID[0], p.GID[1], p.GID[2], p.GID[3], p.FDSize)
	for _, g := range p.Groups {
		fmt.Fprintf(b, "%d ", g)
	}
	fmt.Fprintf(b, "\nNStgid:\t%d\nNSpid:\t%d\nNSpgid:\t%d\nNSsid:\t%d\n", p.PID, id, p.PGID, p.SID)
	if p.State != 'Z' {
		kb := func(name string, n uint64) { fmt.Fprintf(b, "%s:\t%8d kB\n", name, n>>10) }
		kb("VmPeak", v.size)
		kb("VmSize", v.size)
		kb("VmLck", 0)
		kb("VmPin", 0)
		kb("VmHWM", v.rss)
		kb("VmRSS", v.rss)
		kb("RssAnon", v.rss-v.file)
		kb("RssFile", v.file)
		kb("RssShmem", 0)
		kb("VmData", v.data)
		kb("VmStk", v.stk)
		kb("VmExe", v.exe)
		kb("VmLib", v.lib)
		kb("VmPTE", (v.size>>21+1)*4096)
		kb("VmSwap", 0)
		kb("HugetlbPages", 0)
	}
	b.WriteString("CoreDumping:\t0\nTHP_enabled:\t1\n")
	fmt.Fprintf(b, "Threads:\t%d\nSigQ:\t%d/%d\n", max(len(p.TIDs), 1), p.SigQ, p.Rlimits[abi.RLIMIT_SIGPENDING][0])
	fmt.Fprintf(b, "SigPnd:\t%016x\nShdPnd:\t%016x\nSigBlk:\t%016x\nSigIgn:\t%016x\nSigCgt:\t%016x\n",
		p.SigPnd, p.ShdPnd, p.SigBlk, p.SigIgn, p.SigCgt)
	fmt.Fprintf(b, "CapInh:\t%016x\nCapPrm:\t%016x\nCapEff:\t%016x\nCapBnd:\t%016x\nCapAmb:\t%016x\n",
		p.CapInh, p.CapPrm, p.CapEff, p.CapBnd, 0)
	nnp := 0
	if p.NoNewPrivs {
		nnp = 1
	}
	fmt.Fprintf(b, "NoNewPrivs:\t%d\nSeccomp:\t0\nSeccomp_filters:\t0\n", nnp)
	b.WriteString("Speculation_Store_Bypass:\tnot vulnerable\nSpeculationIndirectBranch:\tunsupported\n")
	mask, list := hexMask(f.cfg.Host().NCPU)
	if p.CPUs != nil {
		mask, list = cpuMask(p.CPUs, f.cfg.Host().NCPU)
	}
	fmt.Fprintf(b, "Cpus_allowed:\t%s\nCpus_allowed_list:\t%s\nMems_allowed:\t1\nMems_allowed_list:\t0\n", mask, list)
	b.WriteString("voluntary_ctxt_switches:\t0\nnonvoluntary_ctxt_switches:\t0\n")
	return 0
}

var limitNames = [abi.RLIM_NLIMITS][2]string{
	{"Max cpu time", "seconds"}, {"Max file size", "bytes"}, {"Max data size", "bytes"},
	{"Max stack size", "bytes"}, {"Max core file size", "bytes"}, {"Max resident set", "bytes"},
	{"Max processes", "processes"}, {"Max open files", "files"}, {"Max locked memory", "bytes"},
	{"Max address space", "bytes"}, {"Max file locks", "locks"}, {"Max pending signals", "signals"},
	{"Max msgqueue size", "bytes"}, {"Max nice priority", ""}, {"Max realtime priority", ""},
	{"Max realtime timeout", "us"},
}

// genLimits is proc_pid_limits.
func genLimits(b *bytes.Buffer, p *Proc) abi.Errno {
	fmt.Fprintf(b, "%-25s %-20s %-20s %-10s\n", "Limit", "Soft Limit", "Hard Limit", "Units")
	for i, l := range limitNames {
		fmt.Fprintf(b, "%-25s ", l[0])
		for _, v := range p.Rlimits[i] {
			if v == abi.RLIM_INFINITY {
				fmt.Fprintf(b, "%-20s ", "unlimited")
			} else {
				fmt.Fprintf(b, "%-20d ", v)
			}
		}
		if l[1] != "" {
			fmt.Fprintf(b, "%-10s", l[1])
		}
		b.WriteByte('\n')
	}
	return 0
}

// mapsLine writes show_map_vma's prefix and, padded to column 73, the
// name.
func mapsLine(b *bytes.Buffer, start, end uint64, perms string, off uint64, name string) {
	n := b.Len()
	fmt.Fprintf(b, "%08x-%08x %s %08x 00:00 0 ", start, end, perms, off)
	if name != "" {
		if pad := 72 - (b.Len() - n); pad > 0 {
			b.WriteString(strings.Repeat(" ", pad))
		}
		b.WriteString(" " + name)
	}
	b.WriteByte('\n')
}

func perms(prot, flags int) string {
	p := []byte("---p")
	if prot&abi.PROT_READ != 0 {
		p[0] = 'r'
	}
	if prot&abi.PROT_WRITE != 0 {
		p[1] = 'w'
	}
	if prot&abi.PROT_EXEC != 0 {
		p[2] = 'x'
	}
	if flags&abi.MAP_SHARED != 0 {
		p[3] = 's'
	}
	return string(p)
}

func (f *FS) genMaps(b *bytes.Buffer, pid int) abi.Errno {
	maps, ok := f.src.Maps(pid)
	if !ok {
		return abi.ESRCH
	}
	for _, m := range maps {
		off := uint64(0)
		if m.Name != "" && m.Name[0] != '[' {
			off = uint64(m.Offset)
		}
		mapsLine(b, m.Start, m.End, perms(m.Prot, m.Flags), off, m.Name)
	}
	return 0
}

func (f *FS) genSmapsRollup(b *bytes.Buffer, pid int) abi.Errno {
	maps, ok := f.src.Maps(pid)
	if !ok {
		return abi.ESRCH
	}
	p, _ := f.src.Proc(pid)
	v := f.vmOf(pid, p.Exe)
	var lo, hi uint64
	if len(maps) > 0 {
		lo, hi = maps[0].Start, maps[len(maps)-1].End
	}
	mapsLine(b, lo, hi, "---p", 0, "[rollup]")
	kb := func(name string, n uint64) { fmt.Fprintf(b, "%-16s%8d kB\n", name+":", n>>10) }
	anon := v.rss - v.file
	for _, r := range []struct {
		n string
		v uint64
	}{{"Rss", v.rss}, {"Pss", v.rss}, {"Pss_Dirty", anon}, {"Pss_Anon", anon}, {"Pss_File", v.file},
		{"Pss_Shmem", 0}, {"Shared_Clean", 0}, {"Shared_Dirty", 0}, {"Private_Clean", v.file},
		{"Private_Dirty", anon}, {"Referenced", v.rss}, {"Anonymous", anon}, {"KSM", 0}, {"LazyFree", 0},
		{"AnonHugePages", 0}, {"ShmemPmdMapped", 0}, {"FilePmdMapped", 0}, {"Shared_Hugetlb", 0},
		{"Private_Hugetlb", 0}, {"Swap", 0}, {"SwapPss", 0}, {"Locked", 0}} {
		kb(r.n, r.v)
	}
	return 0
}

// escapeMount is mangle(): space, tab, newline and backslash in octal.
func escapeMount(s string) string {
	return strings.NewReplacer(" ", `\040`, "\t", `\011`, "\n", `\012`, `\`, `\134`).Replace(s)
}

func mountOpts(flags uint64) string {
	s := "rw"
	if flags&abi.MS_RDONLY != 0 {
		s = "ro"
	}
	for _, o := range []struct {
		bit  uint64
		name string
	}{{abi.MS_NOSUID, "nosuid"}, {abi.MS_NODEV, "nodev"}, {abi.MS_NOEXEC, "noexec"},
		{abi.MS_NOATIME, "noatime"}, {abi.MS_NODIRATIME, "nodiratime"}} {
		if flags&o.bit != 0 {
			s += "," + o.name
		}
	}
	if flags&(abi.MS_NOATIME|abi.MS_STRICTATIME) == 0 {
		s += ",relatime"
	}
	if flags&abi.MS_NOSYMFOLLOW != 0 {
		s += ",nosymfollow"
	}
	return s
}

func (f *FS) mounts() []*vfs.Mount {
	ms := f.src.VFS().Mounts()
	sort.Slice(ms, func(i, j int) bool { return ms[i].ID() < ms[j].ID() })
	return ms
}

// genMounts is /proc/[pid]/mounts (show_vfsmnt).
func (f *FS) genMounts(b *bytes.Buffer) abi.Errno {
	for _, m := range f.mounts() {
		sb := m.Superblock()
		fmt.Fprintf(b, "%s %s %s %s 0 0\n", escapeMount(source(sb)), escapeMount(m.Target()), sb.Type, mountOpts(m.Flags()))
	}
	return 0
}

func source(sb *vfs.Superblock) string {
	if sb.Source == "" {
		return "none"
	}
	return sb.Source
}

// genMountinfo is /proc/[pid]/mountinfo (show_mountinfo).
func (f *FS) genMountinfo(b *bytes.Buffer) abi.Errno {
	for _, m := range f.mounts() {
		sb := m.Superblock()
		dev := sb.Dev()
		major, minor := dev>>8&0xfff, dev&0xff|dev>>12&0xfff00
		super := "rw"
		if m.ReadOnly() {
			super = "ro"
		}
		fmt.Fprintf(b, "%d %d %d:%d / %s %s - %s %s %s\n", m.ID(), m.ParentID(), major, minor,
			escapeMount(m.Target()), mountOpts(m.Flags()), sb.Type, escapeMount(source(sb)), super)
	}
	return 0
}

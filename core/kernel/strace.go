package kernel

import (
	"strconv"
	"strings"

	"github.com/blink-go/blink/core/abi"
)

// argKind tells the tracer how to print one syscall argument. Formatting
// happens after the call, so output buffers are shown filled.
type argKind uint8

const (
	argNone      argKind = iota
	argInt               // signed decimal (32-bit int)
	argLong              // signed decimal (64-bit)
	argUint              // unsigned decimal
	argHex               // hexadecimal
	argPtr               // pointer: NULL or hex
	argFD                // file descriptor (AT_FDCWD by name)
	argPath              // NUL-terminated string
	argBufIn             // buffer whose length is the next argument
	argBufOut            // buffer filled by the call, length = result
	argOpenFlags         // O_* flags
	argMode              // octal permission bits
	argWhence            // SEEK_*
	argSignal            // signal number
	argClock             // clock id
	argProt              // PROT_* bits
	argMapFlags          // MAP_* bits
	argSigHow            // SIG_BLOCK...
	argFcntl             // F_* command
	argAtFlags           // AT_* flags

	retFirst argKind = 64 + iota
	retInt           // decimal result
	retHex           // address result (mmap, brk)
)

// trace logs one syscall strace-style: "pid tid name(args) -> result".
func (t *Task) trace(nr uint64, ent *Syscall, a *Args, rv uint64, e abi.Errno) {
	var b strings.Builder
	b.WriteString(strconv.Itoa(t.proc.pid))
	b.WriteByte(' ')
	b.WriteString(strconv.Itoa(t.tid))
	b.WriteByte(' ')
	if ent != nil && ent.Name != "" {
		b.WriteString(ent.Name)
	} else {
		b.WriteString("syscall_")
		b.WriteString(strconv.FormatUint(nr, 10))
	}
	b.WriteByte('(')
	if ent != nil {
		for i, k := range ent.Args {
			if k == argNone {
				break
			}
			if i > 0 {
				b.WriteString(", ")
			}
			t.traceArg(&b, k, a, i, rv, e)
		}
	}
	b.WriteString(") -> ")
	switch {
	case e != 0:
		b.WriteString("-1 ")
		b.WriteString(e.Error())
	case ent != nil && ent.Ret == retHex:
		b.WriteString("0x")
		b.WriteString(strconv.FormatUint(rv, 16))
	default:
		b.WriteString(strconv.FormatInt(int64(rv), 10))
	}
	t.k.log.Printf("%s", b.String())
}

func (t *Task) traceArg(b *strings.Builder, k argKind, a *Args, i int, rv uint64, e abi.Errno) {
	v := a[i]
	switch k {
	case argInt:
		b.WriteString(strconv.Itoa(int(int32(v))))
	case argLong:
		b.WriteString(strconv.FormatInt(int64(v), 10))
	case argUint:
		b.WriteString(strconv.FormatUint(v, 10))
	case argHex:
		b.WriteString("0x")
		b.WriteString(strconv.FormatUint(v, 16))
	case argPtr:
		if v == 0 {
			b.WriteString("NULL")
		} else {
			b.WriteString("0x")
			b.WriteString(strconv.FormatUint(v, 16))
		}
	case argFD:
		if int32(v) == abi.AT_FDCWD {
			b.WriteString("AT_FDCWD")
		} else {
			b.WriteString(strconv.Itoa(int(int32(v))))
		}
	case argPath:
		s, err := t.readPath(v)
		if err != 0 {
			writePtrErr(b, v)
		} else {
			b.WriteString(strconv.Quote(s))
		}
	case argBufIn:
		n := uint64(0)
		if i+1 < len(a) {
			n = a[i+1]
		}
		t.traceBuf(b, v, n)
	case argBufOut:
		if e != 0 {
			writePtrErr(b, v)
		} else {
			t.traceBuf(b, v, rv)
		}
	case argOpenFlags:
		writeFlags(b, v, openFlagNames[:], "O_RDONLY")
	case argAtFlags:
		writeFlags(b, v, atFlagNames[:], "0")
	case argMode:
		b.WriteString("0")
		b.WriteString(strconv.FormatUint(v&0o7777, 8))
	case argWhence:
		writeEnum(b, v, whenceNames[:])
	case argSignal:
		writeEnum(b, v, signalNames[:])
	case argClock:
		writeEnum(b, v, clockNames[:])
	case argProt:
		writeFlags(b, v, protNames[:], "PROT_NONE")
	case argMapFlags:
		writeFlags(b, v, mapFlagNames[:], "0")
	case argSigHow:
		writeEnum(b, v, sigHowNames[:])
	case argFcntl:
		writeEnum(b, v, fcntlNames[:])
	default:
		b.WriteString(strconv.FormatInt(int64(v), 10))
	}
}

func writePtrErr(b *strings.Builder, v uint64) {
	b.WriteString("0x")
	b.WriteString(strconv.FormatUint(v, 16))
}

// traceBuf prints a guest buffer quoted: 32 bytes at -s, 4096 at -s -s.
func (t *Task) traceBuf(b *strings.Builder, addr, n uint64) {
	limit := uint64(32)
	if t.k.strace > 1 {
		limit = 4096
	}
	show := min(n, limit)
	buf := make([]byte, show)
	if t.m.Mem.CopyIn(addr, buf) != 0 {
		writePtrErr(b, addr)
		return
	}
	b.WriteString(strconv.Quote(string(buf)))
	if show < n {
		b.WriteString("...")
	}
}

type flagName struct {
	bit  uint64
	name string
}

func writeEnum(b *strings.Builder, v uint64, names []string) {
	if v < uint64(len(names)) && names[v] != "" {
		b.WriteString(names[v])
		return
	}
	b.WriteString(strconv.FormatInt(int64(v), 10))
}

func writeFlags(b *strings.Builder, v uint64, names []flagName, zero string) {
	if v == 0 {
		b.WriteString(zero)
		return
	}
	first := true
	for _, f := range names {
		if f.bit != 0 && v&f.bit == f.bit {
			if !first {
				b.WriteByte('|')
			}
			b.WriteString(f.name)
			first = false
			v &^= f.bit
		}
	}
	if v != 0 {
		if !first {
			b.WriteByte('|')
		}
		b.WriteString("0x")
		b.WriteString(strconv.FormatUint(v, 16))
	}
}

var openFlagNames = [...]flagName{
	{abi.O_WRONLY, "O_WRONLY"}, {abi.O_RDWR, "O_RDWR"}, {abi.O_CREAT, "O_CREAT"},
	{abi.O_EXCL, "O_EXCL"}, {abi.O_NOCTTY, "O_NOCTTY"}, {abi.O_TRUNC, "O_TRUNC"},
	{abi.O_APPEND, "O_APPEND"}, {abi.O_NONBLOCK, "O_NONBLOCK"}, {abi.O_SYNC, "O_SYNC"},
	{abi.O_DSYNC, "O_DSYNC"}, {abi.O_ASYNC, "O_ASYNC"}, {abi.O_DIRECT, "O_DIRECT"},
	{abi.O_LARGEFILE, "O_LARGEFILE"}, {abi.O_TMPFILE, "O_TMPFILE"},
	{abi.O_DIRECTORY, "O_DIRECTORY"}, {abi.O_NOFOLLOW, "O_NOFOLLOW"},
	{abi.O_NOATIME, "O_NOATIME"}, {abi.O_CLOEXEC, "O_CLOEXEC"}, {abi.O_PATH, "O_PATH"},
}

var atFlagNames = [...]flagName{
	{abi.AT_SYMLINK_NOFOLLOW, "AT_SYMLINK_NOFOLLOW"}, {abi.AT_REMOVEDIR, "AT_REMOVEDIR"},
	{abi.AT_SYMLINK_FOLLOW, "AT_SYMLINK_FOLLOW"}, {abi.AT_NO_AUTOMOUNT, "AT_NO_AUTOMOUNT"},
	{abi.AT_EMPTY_PATH, "AT_EMPTY_PATH"},
}

var protNames = [...]flagName{
	{abi.PROT_READ, "PROT_READ"}, {abi.PROT_WRITE, "PROT_WRITE"}, {abi.PROT_EXEC, "PROT_EXEC"},
	{abi.PROT_GROWSDOWN, "PROT_GROWSDOWN"}, {abi.PROT_GROWSUP, "PROT_GROWSUP"},
}

var mapFlagNames = [...]flagName{
	{abi.MAP_SHARED_VALIDATE, "MAP_SHARED_VALIDATE"}, {abi.MAP_SHARED, "MAP_SHARED"},
	{abi.MAP_PRIVATE, "MAP_PRIVATE"}, {abi.MAP_FIXED, "MAP_FIXED"},
	{abi.MAP_ANONYMOUS, "MAP_ANONYMOUS"}, {abi.MAP_32BIT, "MAP_32BIT"},
	{abi.MAP_GROWSDOWN, "MAP_GROWSDOWN"}, {abi.MAP_DENYWRITE, "MAP_DENYWRITE"},
	{abi.MAP_NORESERVE, "MAP_NORESERVE"}, {abi.MAP_POPULATE, "MAP_POPULATE"},
	{abi.MAP_STACK, "MAP_STACK"}, {abi.MAP_FIXED_NOREPLACE, "MAP_FIXED_NOREPLACE"},
}

var whenceNames = [...]string{"SEEK_SET", "SEEK_CUR", "SEEK_END", "SEEK_DATA", "SEEK_HOLE"}

var sigHowNames = [...]string{"SIG_BLOCK", "SIG_UNBLOCK", "SIG_SETMASK"}

var clockNames = [...]string{
	"CLOCK_REALTIME", "CLOCK_MONOTONIC", "CLOCK_PROCESS_CPUTIME_ID", "CLOCK_THREAD_CPUTIME_ID",
	"CLOCK_MONOTONIC_RAW", "CLOCK_REALTIME_COARSE", "CLOCK_MONOTONIC_COARSE", "CLOCK_BOOTTIME",
	"CLOCK_REALTIME_ALARM", "CLOCK_BOOTTIME_ALARM", "", "CLOCK_TAI",
}

var fcntlNames = [...]string{
	abi.F_DUPFD: "F_DUPFD", abi.F_GETFD: "F_GETFD", abi.F_SETFD: "F_SETFD", abi.F_GETFL: "F_GETFL",
	abi.F_SETFL: "F_SETFL", abi.F_GETLK: "F_GETLK", abi.F_SETLK: "F_SETLK", abi.F_SETLKW: "F_SETLKW",
	abi.F_SETOWN: "F_SETOWN", abi.F_GETOWN: "F_GETOWN", abi.F_DUPFD_CLOEXEC: "F_DUPFD_CLOEXEC",
}

var signalNames = [...]string{
	"0", "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS", "SIGFPE",
	"SIGKILL", "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM", "SIGSTKFLT",
	"SIGCHLD", "SIGCONT", "SIGSTOP", "SIGTSTP", "SIGTTIN", "SIGTTOU", "SIGURG", "SIGXCPU",
	"SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO", "SIGPWR", "SIGSYS",
}

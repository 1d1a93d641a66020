package kernel

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/blink-go/blink/core/abi"
)

const fdCWD = uint64(0xffffffffffffff9c)

// open opens a guest path, with the string at scratch.
func (e *env) open(path string, flags int) uint64 {
	e.t.Helper()
	return uint64(e.ok(abi.SYS_OPENAT, fdCWD, e.str(scratch, path), uint64(flags), 0o644))
}

func (e *env) size(fd uint64) int64 {
	e.t.Helper()
	e.ok(abi.SYS_FSTAT, fd, scratch+0x1000)
	return int64(rd64(e.mem(scratch+0x1000+abi.StatSizeOff, 8)))
}

func (e *env) pos(fd uint64) int64 {
	e.t.Helper()
	return e.ok(abi.SYS_LSEEK, fd, 0, abi.SEEK_CUR)
}

func (e *env) want(what string, got, want abi.Errno) {
	e.t.Helper()
	if got != want {
		e.t.Errorf("%s: %v, want %v", what, got, want)
	}
}

func TestSendfile(t *testing.T) {
	e := newEnv(t, Config{})
	dir := t.TempDir()
	src := filepath.Join(dir, "src")
	os.WriteFile(src, []byte("hello, world\n"), 0o644)
	in := e.open(src, abi.O_RDONLY)
	out := e.open(filepath.Join(dir, "dst"), abi.O_RDWR|abi.O_CREAT)
	off := uint64(scratch + 0x2000)

	// Without an offset the input's position is used and advanced.
	e.ok(abi.SYS_LSEEK, in, 7, abi.SEEK_SET)
	if n := e.ok(abi.SYS_SENDFILE, out, in, 0, 100); n != 6 || e.pos(in) != 13 || e.pos(out) != 6 {
		t.Fatalf("sendfile = %d, positions %d %d", n, e.pos(in), e.pos(out))
	}
	// With one, *offset moves and the position stays.
	e.m.Mem.CopyOut(off, []byte{2, 0, 0, 0, 0, 0, 0, 0})
	if n := e.ok(abi.SYS_SENDFILE, out, in, off, 3); n != 3 || rd64(e.mem(off, 8)) != 5 || e.pos(in) != 13 {
		t.Fatalf("sendfile with offset = %d, offset %d, position %d", n, rd64(e.mem(off, 8)), e.pos(in))
	}
	b, _ := os.ReadFile(filepath.Join(dir, "dst"))
	if string(b) != "world\nllo" {
		t.Fatalf("copied %q", b)
	}
	if n := e.ok(abi.SYS_SENDFILE, out, in, 0, 100); n != 0 {
		t.Fatalf("at end of file = %d", n)
	}

	r, w := e.pipe()
	app := e.open(filepath.Join(dir, "dst"), abi.O_WRONLY|abi.O_APPEND)
	wo := e.open(src, abi.O_WRONLY)
	e.want("bad out", e.errno(abi.SYS_SENDFILE, 99, in, 0, 5), abi.EBADF)
	e.want("bad in", e.errno(abi.SYS_SENDFILE, out, 99, 0, 5), abi.EBADF)
	e.want("bad offset before bad fd", e.errno(abi.SYS_SENDFILE, out, 99, badAddr, 5), abi.EFAULT)
	e.want("in write-only", e.errno(abi.SYS_SENDFILE, out, wo, 0, 5), abi.EBADF)
	e.want("out read-only", e.errno(abi.SYS_SENDFILE, in, in, 0, 5), abi.EBADF)
	e.want("out O_APPEND", e.errno(abi.SYS_SENDFILE, app, in, 0, 5), abi.EINVAL)
	e.want("in pipe", e.errno(abi.SYS_SENDFILE, out, r, 0, 5), abi.EINVAL)
	e.want("in pipe, count 0", e.errno(abi.SYS_SENDFILE, out, r, 0, 0), abi.EINVAL)
	e.want("in pipe, offset", e.errno(abi.SYS_SENDFILE, out, r, off, 5), abi.ESPIPE)
	e.want("pipe to pipe", e.errno(abi.SYS_SENDFILE, w, r, 0, 5), abi.EINVAL)
	e.want("pipe to pipe, count 0", e.errno(abi.SYS_SENDFILE, w, r, 0, 0), 0)
	e.want("count > SSIZE_MAX", e.errno(abi.SYS_SENDFILE, out, in, 0, 1<<63), abi.EINVAL)
	e.m.Mem.CopyOut(off, []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff})
	e.want("offset -1", e.errno(abi.SYS_SENDFILE, out, in, off, 5), abi.EINVAL)
	dirfd := e.open(dir, abi.O_RDONLY|abi.O_DIRECTORY)
	e.want("in directory", e.errno(abi.SYS_SENDFILE, out, dirfd, 0, 5), abi.EINVAL)
	e.want("in directory, count 0", e.errno(abi.SYS_SENDFILE, out, dirfd, 0, 0), 0)

	// A read-only offset is read, the data sent, and then EFAULT.
	e.ok(abi.SYS_LSEEK, out, 0, abi.SEEK_END)
	before := e.size(out)
	e.want("read-only offset", e.errno(abi.SYS_SENDFILE, out, in, roPage, 4), abi.EFAULT)
	if e.size(out) != before+4 {
		t.Errorf("read-only offset: %d bytes sent, want 4", e.size(out)-before)
	}

	// To a pipe: what the pipe holds, then the rest from the input.
	e.ok(abi.SYS_LSEEK, in, 0, abi.SEEK_SET)
	if n := e.ok(abi.SYS_SENDFILE, w, in, 0, 100); n != 13 {
		t.Fatalf("to a pipe = %d", n)
	}
	if n := e.ok(abi.SYS_READ, r, scratch+0x3000, 100); n != 13 || string(e.mem(scratch+0x3000, 13)) != "hello, world\n" {
		t.Fatalf("pipe holds %q", e.mem(scratch+0x3000, int(n)))
	}
}

func TestSendfilePipeRoom(t *testing.T) {
	e := newEnv(t, Config{})
	dir := t.TempDir()
	big := bytes.Repeat([]byte("0123456789abcdef"), 70000/16)
	os.WriteFile(filepath.Join(dir, "big"), big, 0o644)
	in := e.open(filepath.Join(dir, "big"), abi.O_RDONLY)
	r, w := e.pipe()

	// One byte in the pipe takes a page of its room, as Linux's buffer
	// slots do; the call fills the rest and returns.
	e.ok(abi.SYS_WRITE, w, e.str(scratch, "x"), 1)
	if n := e.ok(abi.SYS_SENDFILE, w, in, 0, uint64(len(big))); n != pipeCapacity-pageSize {
		t.Fatalf("sendfile into a pipe holding 1 byte = %d", n)
	}
	e.ok(abi.SYS_FCNTL, w, abi.F_SETFL, abi.O_NONBLOCK)
	e.want("full, O_NONBLOCK", e.errno(abi.SYS_SENDFILE, w, in, 0, 100), abi.EAGAIN)
	e.ok(abi.SYS_FCNTL, w, abi.F_SETFL, 0)

	// Full and blocking: it waits for the reader, as write(2) would.
	rd, _ := e.p.fds.get(int32(r))
	done := make(chan struct{})
	go func() {
		defer close(done)
		time.Sleep(50 * time.Millisecond)
		buf := make([]byte, pageSize)
		rd.File.(*pipeEnd).ReadTask(nil, buf, true)
	}()
	if n := e.ok(abi.SYS_SENDFILE, w, in, 0, 100); n != 100 {
		t.Fatalf("sendfile after the reader made room = %d", n)
	}
	<-done
	rd.decRef()
	if got := e.pos(in); got != pipeCapacity-pageSize+100 {
		t.Fatalf("input position %d", got)
	}

	// Without readers: EPIPE, and SIGPIPE (ignored here).
	e.ok(abi.SYS_CLOSE, r)
	e.ignore(abi.SIGPIPE)
	e.want("no reader", e.errno(abi.SYS_SENDFILE, w, in, 0, 100), abi.EPIPE)
	e.want("no reader, count 0", e.errno(abi.SYS_SENDFILE, w, in, 0, 0), abi.EPIPE)
}

// ignore sets sig's disposition to SIG_IGN.
func (e *env) ignore(sig int) {
	e.t.Helper()
	act := uint64(scratch + 0x4000)
	e.m.Mem.CopyOut(act, make([]byte, 32))
	e.m.Mem.CopyOut(act, []byte{1}) // SIG_IGN
	e.ok(abi.SYS_RT_SIGACTION, uint64(sig), act, 0, 8)
}

func TestSendfileToSocket(t *testing.T) {
	e := newEnv(t, Config{})
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "f"), []byte("over the socket"), 0o644)
	in := e.open(filepath.Join(dir, "f"), abi.O_RDONLY)
	e.ok(abi.SYS_SOCKETPAIR, abi.AF_UNIX, abi.SOCK_STREAM, 0, scratch+0x2000)
	sv := e.mem(scratch+0x2000, 8)
	a, b := uint64(rd32(sv)), uint64(rd32(sv[4:]))
	if n := e.ok(abi.SYS_SENDFILE, a, in, 0, 100); n != 15 {
		t.Fatalf("sendfile to a socket = %d", n)
	}
	if n := e.ok(abi.SYS_READ, b, scratch+0x3000, 100); string(e.mem(scratch+0x3000, int(n))) != "over the socket" {
		t.Fatalf("socket holds %q", e.mem(scratch+0x3000, int(n)))
	}
	e.want("in socket", e.errno(abi.SYS_SENDFILE, b, a, 0, 5), abi.EINVAL)
	e.want("in socket, offset", e.errno(abi.SYS_SENDFILE, b, a, scratch+0x2000, 5), abi.ESPIPE)
}

func TestCopyFileRange(t *testing.T) {
	e := newEnv(t, Config{})
	dir := t.TempDir()
	src := filepath.Join(dir, "src")
	os.WriteFile(src, []byte("0123456789"), 0o644)
	in := e.open(src, abi.O_RDWR)
	out := e.open(filepath.Join(dir, "dst"), abi.O_RDWR|abi.O_CREAT)
	offIn, offOut := uint64(scratch+0x2000), uint64(scratch+0x2008)
	setOff := func(a, b int64) {
		var buf [16]byte
		le64(buf[:], uint64(a))
		le64(buf[8:], uint64(b))
		e.m.Mem.CopyOut(offIn, buf[:])
	}

	if n := e.ok(abi.SYS_COPY_FILE_RANGE, in, 0, out, 0, 100, 0); n != 10 || e.pos(in) != 10 || e.pos(out) != 10 {
		t.Fatalf("copy = %d, positions %d %d", n, e.pos(in), e.pos(out))
	}
	if n := e.ok(abi.SYS_COPY_FILE_RANGE, in, 0, out, 0, 100, 0); n != 0 {
		t.Fatalf("copy at end of file = %d", n)
	}
	setOff(2, 20)
	if n := e.ok(abi.SYS_COPY_FILE_RANGE, in, offIn, out, offOut, 3, 0); n != 3 ||
		rd64(e.mem(offIn, 8)) != 5 || rd64(e.mem(offOut, 8)) != 23 || e.pos(in) != 10 || e.pos(out) != 10 {
		t.Fatalf("copy with offsets = %d, offsets %d %d", n, rd64(e.mem(offIn, 8)), rd64(e.mem(offOut, 8)))
	}
	b, _ := os.ReadFile(filepath.Join(dir, "dst"))
	if string(b) != "0123456789\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00234" {
		t.Fatalf("destination %q", b)
	}
	// Within one file: adjacent ranges copy, overlapping ones do not.
	setOff(0, 5)
	if n := e.ok(abi.SYS_COPY_FILE_RANGE, in, offIn, in, offOut, 5, 0); n != 5 {
		t.Fatalf("adjacent copy = %d", n)
	}
	setOff(0, 2)
	e.want("overlap", e.errno(abi.SYS_COPY_FILE_RANGE, in, offIn, in, offOut, 5, 0), abi.EINVAL)

	r, _ := e.pipe()
	dirfd := e.open(dir, abi.O_RDONLY|abi.O_DIRECTORY)
	ro := e.open(src, abi.O_RDONLY)
	app := e.open(filepath.Join(dir, "dst"), abi.O_WRONLY|abi.O_APPEND)
	shm := e.open("/dev/shm/copy_file_range", abi.O_RDWR|abi.O_CREAT)
	e.want("bad in", e.errno(abi.SYS_COPY_FILE_RANGE, 99, 0, out, 0, 5, 0), abi.EBADF)
	e.want("bad out", e.errno(abi.SYS_COPY_FILE_RANGE, in, 0, 99, 0, 5, 0), abi.EBADF)
	e.want("bad offset before flags", e.errno(abi.SYS_COPY_FILE_RANGE, in, badAddr, out, 0, 5, 1), abi.EFAULT)
	e.want("flags before types", e.errno(abi.SYS_COPY_FILE_RANGE, dirfd, 0, out, 0, 5, 1), abi.EINVAL)
	e.want("in directory", e.errno(abi.SYS_COPY_FILE_RANGE, dirfd, 0, out, 0, 5, 0), abi.EISDIR)
	e.want("pipe to directory", e.errno(abi.SYS_COPY_FILE_RANGE, r, 0, dirfd, 0, 5, 0), abi.EISDIR)
	e.want("in pipe", e.errno(abi.SYS_COPY_FILE_RANGE, r, 0, out, 0, 5, 0), abi.EINVAL)
	e.want("out read-only", e.errno(abi.SYS_COPY_FILE_RANGE, in, 0, ro, 0, 5, 0), abi.EBADF)
	e.want("out O_APPEND", e.errno(abi.SYS_COPY_FILE_RANGE, in, 0, app, 0, 5, 0), abi.EBADF)
	e.want("across file systems", e.errno(abi.SYS_COPY_FILE_RANGE, in, 0, shm, 0, 5, 0), abi.EXDEV)
	setOff(-1, 0)
	e.want("off_in -1", e.errno(abi.SYS_COPY_FILE_RANGE, in, offIn, out, offOut, 5, 0), abi.EOVERFLOW)
	setOff(0, -100)
	e.want("off_out -100", e.errno(abi.SYS_COPY_FILE_RANGE, in, offIn, out, offOut, 5, 0), abi.EINVAL)
	setOff(1<<63-1, 0)
	e.want("off_in at the limit", e.errno(abi.SYS_COPY_FILE_RANGE, in, offIn, out, offOut, 5, 0), 0)
	setOff(0, 1<<63-1)
	e.want("off_out at the limit", e.errno(abi.SYS_COPY_FILE_RANGE, in, offIn, out, offOut, 5, 0), abi.EFBIG)
	e.ok(abi.SYS_LSEEK, in, 0, abi.SEEK_SET)
	e.want("len wraps off_out", e.errno(abi.SYS_COPY_FILE_RANGE, in, 0, out, 0, ^uint64(0), 0), abi.EOVERFLOW)
	e.want("read-only off_in", e.errno(abi.SYS_COPY_FILE_RANGE, in, roPage, out, 0, 5, 0), abi.EFAULT)
}

func TestFallocate(t *testing.T) {
	e := newEnv(t, Config{})
	dir := t.TempDir()
	f := e.open(filepath.Join(dir, "f"), abi.O_RDWR|abi.O_CREAT)
	shm := e.open("/dev/shm/fallocate", abi.O_RDWR|abi.O_CREAT)
	for _, fd := range []uint64{f, shm} {
		e.ok(abi.SYS_FALLOCATE, fd, 0, 100, 50)
		if got := e.size(fd); got != 150 {
			t.Errorf("fd %d: size after fallocate %d, want 150", fd, got)
		}
		e.ok(abi.SYS_FALLOCATE, fd, 0, 0, 10)
		e.ok(abi.SYS_FALLOCATE, fd, abi.FALLOC_FL_KEEP_SIZE, 1000, 10)
		if got := e.size(fd); got != 150 {
			t.Errorf("fd %d: size after smaller fallocates %d, want 150", fd, got)
		}
	}
	e.want("tmpfs punch hole", e.errno(abi.SYS_FALLOCATE, shm, abi.FALLOC_FL_PUNCH_HOLE|abi.FALLOC_FL_KEEP_SIZE, 0, 10), abi.EOPNOTSUPP)

	r, w := e.pipe()
	ro := e.open(filepath.Join(dir, "f"), abi.O_RDONLY)
	null := e.open("/dev/null", abi.O_WRONLY)
	e.want("bad fd", e.errno(abi.SYS_FALLOCATE, 99, 0, 1<<63, 0), abi.EBADF)
	e.want("negative offset", e.errno(abi.SYS_FALLOCATE, ro, 0, 1<<63, 10), abi.EINVAL)
	e.want("length 0", e.errno(abi.SYS_FALLOCATE, f, 0, 0, 0), abi.EINVAL)
	e.want("unknown mode", e.errno(abi.SYS_FALLOCATE, ro, 0x100, 0, 10), abi.EOPNOTSUPP)
	e.want("punch hole without KEEP_SIZE", e.errno(abi.SYS_FALLOCATE, f, abi.FALLOC_FL_PUNCH_HOLE, 0, 10), abi.EOPNOTSUPP)
	e.want("collapse with KEEP_SIZE", e.errno(abi.SYS_FALLOCATE, f, abi.FALLOC_FL_COLLAPSE_RANGE|abi.FALLOC_FL_KEEP_SIZE, 0, 10), abi.EOPNOTSUPP)
	e.want("read-only", e.errno(abi.SYS_FALLOCATE, ro, 0, 0, 10), abi.EBADF)
	e.want("pipe read end", e.errno(abi.SYS_FALLOCATE, r, 0, 0, 10), abi.EBADF)
	e.want("pipe write end", e.errno(abi.SYS_FALLOCATE, w, 0, 0, 10), abi.ESPIPE)
	e.want("device", e.errno(abi.SYS_FALLOCATE, null, 0, 0, 10), abi.ENODEV)
	e.want("end overflows", e.errno(abi.SYS_FALLOCATE, f, 0, 1<<63-1, 10), abi.EFBIG)
}

func TestFadviseReadahead(t *testing.T) {
	e := newEnv(t, Config{})
	dir := t.TempDir()
	f := e.open(filepath.Join(dir, "f"), abi.O_RDWR|abi.O_CREAT)
	wo := e.open(filepath.Join(dir, "f"), abi.O_WRONLY)
	dirfd := e.open(dir, abi.O_RDONLY|abi.O_DIRECTORY)
	r, _ := e.pipe()
	for adv := uint64(0); adv <= abi.POSIX_FADV_NOREUSE; adv++ {
		e.ok(abi.SYS_FADVISE64, f, 0, 0, adv)
	}
	e.want("advice 6", e.errno(abi.SYS_FADVISE64, f, 0, 0, 6), abi.EINVAL)
	e.want("negative length", e.errno(abi.SYS_FADVISE64, f, 0, ^uint64(0), 0), abi.EINVAL)
	e.want("bad fd", e.errno(abi.SYS_FADVISE64, 99, 0, 0, 0), abi.EBADF)
	e.want("pipe before advice", e.errno(abi.SYS_FADVISE64, r, 0, 0, 9), abi.ESPIPE)
	e.want("directory", e.errno(abi.SYS_FADVISE64, dirfd, 0, 0, 0), 0)
	e.want("write-only", e.errno(abi.SYS_FADVISE64, wo, 0, 0, 0), 0)

	e.ok(abi.SYS_READAHEAD, f, 0, 4096)
	e.want("readahead bad fd", e.errno(abi.SYS_READAHEAD, 99, 0, 10), abi.EBADF)
	e.want("readahead write-only", e.errno(abi.SYS_READAHEAD, wo, 0, 10), abi.EBADF)
	e.want("readahead pipe", e.errno(abi.SYS_READAHEAD, r, 0, 10), abi.EINVAL)
	e.want("readahead directory", e.errno(abi.SYS_READAHEAD, dirfd, 0, 10), abi.EINVAL)
	e.want("readahead huge", e.errno(abi.SYS_READAHEAD, f, 0, ^uint64(0)), abi.EINVAL)
}

func TestSync(t *testing.T) {
	e := newEnv(t, Config{})
	dir := t.TempDir()
	f := e.open(filepath.Join(dir, "f"), abi.O_RDWR|abi.O_CREAT)
	opath := e.open(filepath.Join(dir, "f"), abi.O_PATH)
	r, _ := e.pipe()
	e.ok(abi.SYS_SYNC)
	e.ok(abi.SYS_SYNCFS, f)
	e.ok(abi.SYS_SYNCFS, r)
	e.want("syncfs bad fd", e.errno(abi.SYS_SYNCFS, 99), abi.EBADF)
	e.want("syncfs O_PATH", e.errno(abi.SYS_SYNCFS, opath), abi.EBADF)
}

func TestUtimes(t *testing.T) {
	e := newEnv(t, Config{})
	dir := t.TempDir()
	path := filepath.Join(dir, "f")
	os.WriteFile(path, nil, 0o644)
	times := func() (int64, int64, int64, int64) {
		e.ok(abi.SYS_STAT, e.str(scratch, path), scratch+0x1000)
		st := e.mem(scratch+0x1000, abi.StatCtimeOff)
		return int64(rd64(st[abi.StatAtimeOff:])), int64(rd64(st[abi.StatAtimeOff+8:])),
			int64(rd64(st[abi.StatMtimeOff:])), int64(rd64(st[abi.StatMtimeOff+8:]))
	}
	tv := uint64(scratch + 0x2000)
	put := func(v ...int64) {
		for i, x := range v {
			var b [8]byte
			le64(b[:], uint64(x))
			e.m.Mem.CopyOut(tv+uint64(8*i), b[:])
		}
	}
	name := uint64(scratch + 0x800)
	e.str(name, path)

	put(1, 5, 2, 7)
	e.ok(abi.SYS_UTIMES, name, tv)
	if as, an, ms, mn := times(); as != 1 || an != 5000 || ms != 2 || mn != 7000 {
		t.Errorf("utimes: %d.%d %d.%d", as, an, ms, mn)
	}
	put(10, 20)
	e.ok(abi.SYS_UTIME, name, tv)
	if as, an, ms, mn := times(); as != 10 || an != 0 || ms != 20 || mn != 0 {
		t.Errorf("utime: %d.%d %d.%d", as, an, ms, mn)
	}
	fd := e.open(path, abi.O_RDONLY)
	put(3, 4, 5, 6)
	e.ok(abi.SYS_FUTIMESAT, fd, 0, tv)
	if as, an, ms, mn := times(); as != 3 || an != 4000 || ms != 5 || mn != 6000 {
		t.Errorf("futimesat(fd, NULL): %d.%d %d.%d", as, an, ms, mn)
	}
	dirfd := e.open(dir, abi.O_RDONLY|abi.O_DIRECTORY)
	e.ok(abi.SYS_FUTIMESAT, dirfd, e.str(name, "f"), 0)
	if as, _, ms, _ := times(); as < 1e9 || ms < 1e9 {
		t.Errorf("futimesat(dir, f, NULL) did not set the time to now: %d %d", as, ms)
	}
	e.str(name, path)
	e.want("utime NULL path", e.errno(abi.SYS_UTIME, 0, 0), abi.EFAULT)
	e.want("futimesat AT_FDCWD NULL path", e.errno(abi.SYS_FUTIMESAT, fdCWD, 0, 0), abi.EFAULT)
	e.want("futimesat bad fd NULL path", e.errno(abi.SYS_FUTIMESAT, 99, 0, 0), abi.EBADF)
	e.want("utime bad buffer", e.errno(abi.SYS_UTIME, name, badAddr), abi.EFAULT)
	e.want("utimes bad buffer, missing file", e.errno(abi.SYS_UTIMES, e.str(name, dir+"/nope"), badAddr), abi.EFAULT)
	put(1, 1e6, 2, 0)
	e.want("usec 1e6 before the path", e.errno(abi.SYS_UTIMES, name, tv), abi.EINVAL)
	put(1, 0, 2, -1)
	e.want("usec -1", e.errno(abi.SYS_UTIMES, e.str(name, path), tv), abi.EINVAL)
	put(1, abi.UTIME_NOW, 2, 0)
	e.want("UTIME_NOW", e.errno(abi.SYS_UTIMES, name, tv), abi.EINVAL)
	e.want("utime missing file", e.errno(abi.SYS_UTIME, e.str(name, dir+"/nope"), 0), abi.ENOENT)
	e.want("futimesat file as dirfd", e.errno(abi.SYS_FUTIMESAT, fd, e.str(name, "f"), 0), abi.ENOTDIR)
}

package fs

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/blink-go/blink/core/abi"
	"github.com/blink-go/blink/hostfs"
)

func hostIno(fi os.FileInfo) uint64 {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return 0
	}
	return hostfs.Ino(st.Dev, st.Ino)
}

// liveOracle runs the cases in a child process chroot'ed into a fresh
// tree, or returns nil where that is impossible (not root, no chroot).
func liveOracle(t *testing.T, cases []opCase) *record {
	if os.Geteuid() != 0 {
		return nil
	}
	root := filepath.Join(t.TempDir(), "root")
	buildTree(t, root)
	in, _ := json.Marshal(cases)
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "BLINK_FS_ORACLE="+root)
	cmd.Stdin = bytes.NewReader(in)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Logf("no live oracle: %v: %s", err, errb.String())
		return nil
	}
	var rec record
	if err := json.Unmarshal(out.Bytes(), &rec); err != nil {
		t.Fatalf("oracle output: %v: %s", err, out.String())
	}
	return &rec
}

// setfs switches this thread's fsuid and fsgid (and drops supplementary
// groups): the file system permission checks then are those of uid,
// and root's capabilities come back when it switches back to 0.
func setfs(uid uint32) {
	unix.RawSyscall(unix.SYS_SETFSUID, 0, 0, 0)
	unix.RawSyscall(unix.SYS_SETGROUPS, 0, 0, 0)
	unix.RawSyscall(unix.SYS_SETFSGID, uintptr(uid), 0, 0)
	unix.RawSyscall(unix.SYS_SETFSUID, uintptr(uid), 0, 0)
}

// oracleChild is the re-executed test binary: it chroots into root and
// performs the cases with raw system calls on one locked thread.
func oracleChild(root string) {
	runtime.LockOSThread()
	var cases []opCase
	if err := json.NewDecoder(os.Stdin).Decode(&cases); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	unix.Umask(0) // modes as given, like the VFS
	if err := unix.Chroot(root); err != nil {
		fmt.Fprintln(os.Stderr, "chroot:", err)
		os.Exit(3)
	}
	var ids map[uint64]string
	ident := func(st *unix.Stat_t) string {
		for pass := 0; pass < 2; pass++ {
			if ids == nil || pass == 1 {
				setfs(0)
				ids = identities("/", hostIno)
			}
			if p, ok := ids[hostfs.Ino(st.Dev, st.Ino)]; ok {
				return typeLetter(st.Mode) + " " + p
			}
		}
		return typeLetter(st.Mode) + " ?"
	}
	var uts unix.Utsname
	unix.Uname(&uts)
	rec := record{Kernel: "Linux " + unix.ByteSliceToString(uts.Release[:])}
	for _, c := range cases {
		setfs(0)
		cwd := c.Cwd
		if cwd == "" {
			cwd = "/"
		}
		if err := unix.Chdir(cwd); err != nil {
			fmt.Fprintln(os.Stderr, "chdir:", err)
			os.Exit(4)
		}
		if c.mutates() {
			ids = nil
		}
		setfs(c.UID)
		r := nativeOp(c)
		if r == "" { // an fd or stat to identify
			r = "?"
		}
		if len(r) > 3 && r[:3] == "st:" {
			var st unix.Stat_t
			json.Unmarshal([]byte(r[3:]), &st)
			r = "ok " + ident(&st)
		}
		rec.Results = append(rec.Results, [2]string{c.key(), r})
	}
	json.NewEncoder(os.Stdout).Encode(rec)
	os.Exit(0)
}

func nativeOp(c opCase) string {
	res := func(err error) string {
		if err == nil {
			return "ok"
		}
		return abi.Errno(err.(unix.Errno)).Error()
	}
	stres := func(st *unix.Stat_t) string {
		b, _ := json.Marshal(st)
		return "st:" + string(b)
	}
	switch c.Op {
	case "stat", "lstat":
		flags := 0
		if c.Op == "lstat" {
			flags = unix.AT_SYMLINK_NOFOLLOW
		}
		var st unix.Stat_t
		if err := unix.Fstatat(unix.AT_FDCWD, c.Path, &st, flags); err != nil {
			return res(err)
		}
		return stres(&st)
	case "open":
		fd, err := unix.Openat(unix.AT_FDCWD, c.Path, c.Flags|unix.O_CLOEXEC, c.Mode)
		if err != nil {
			return res(err)
		}
		defer unix.Close(fd)
		var st unix.Stat_t
		if err := unix.Fstat(fd, &st); err != nil {
			return "fstat " + res(err)
		}
		return stres(&st)
	case "readlink":
		buf := make([]byte, 4096)
		n, err := unix.Readlinkat(unix.AT_FDCWD, c.Path, buf)
		if err != nil {
			return res(err)
		}
		return "ok " + string(buf[:n])
	case "access":
		return res(unix.Faccessat2(unix.AT_FDCWD, c.Path, c.Mode, unix.AT_EACCESS))
	case "chdir":
		return res(unix.Chdir(c.Path))
	case "mkdir":
		return res(unix.Mkdirat(unix.AT_FDCWD, c.Path, c.Mode))
	case "unlink":
		return res(unix.Unlinkat(unix.AT_FDCWD, c.Path, 0))
	case "rmdir":
		return res(unix.Unlinkat(unix.AT_FDCWD, c.Path, unix.AT_REMOVEDIR))
	case "rename":
		return res(unix.Renameat2(unix.AT_FDCWD, c.Path, unix.AT_FDCWD, c.Path2, uint(c.Flags)))
	case "symlink":
		return res(unix.Symlinkat(c.Path2, unix.AT_FDCWD, c.Path))
	case "link":
		return res(unix.Linkat(unix.AT_FDCWD, c.Path, unix.AT_FDCWD, c.Path2, 0))
	}
	return "bad op " + c.Op
}

var _ = testing.Verbose

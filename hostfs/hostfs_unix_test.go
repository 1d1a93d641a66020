//go:build linux || darwin || freebsd

package hostfs

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/blink-go/blink/core/abi"
	"github.com/blink-go/blink/fs/vfs"
)

// time0 is a timestamp no test run produces by itself.
var time0 = time.Unix(1_000_000_000, 0)

// The guest's numbers are x86-64 Linux's whatever the host numbers its
// errnos (macOS's ENOTEMPTY is 66, its EAGAIN 35, MIPS Linux's ELOOP 90).
func TestErrnoTranslation(t *testing.T) {
	for _, c := range []struct {
		host  unix.Errno
		guest abi.Errno
	}{
		{unix.EPERM, 1}, {unix.ENOENT, 2}, {unix.EINTR, 4}, {unix.EIO, 5}, {unix.EBADF, 9},
		{unix.EAGAIN, 11}, {unix.EACCES, 13}, {unix.EBUSY, 16}, {unix.EEXIST, 17}, {unix.EXDEV, 18},
		{unix.ENOTDIR, 20}, {unix.EISDIR, 21}, {unix.EINVAL, 22}, {unix.EMFILE, 24}, {unix.ENOSPC, 28},
		{unix.EROFS, 30}, {unix.EMLINK, 31}, {unix.EPIPE, 32}, {unix.ENAMETOOLONG, 36}, {unix.ENOSYS, 38},
		{unix.ENOTEMPTY, 39}, {unix.ELOOP, 40}, {unix.EOVERFLOW, 75}, {unix.ENOTSOCK, 88},
		{unix.EOPNOTSUPP, 95}, {unix.ETIMEDOUT, 110}, {unix.ESTALE, 116}, {unix.EDQUOT, 122},
	} {
		if got := Errno(c.host); got != c.guest {
			t.Errorf("Errno(%v) = %d, want %d", c.host, got, c.guest)
		}
		if got := HostErrno(c.host); got != c.guest {
			t.Errorf("HostErrno(%v) = %d, want %d", c.host, got, c.guest)
		}
	}
}

// The flags every unix host has are translated to the host's values,
// which differ from x86-64 Linux's on the BSDs and on arm64 Linux.
func TestOpenFlagsCommon(t *testing.T) {
	pairs := [][2]int{
		{abi.O_RDONLY, unix.O_RDONLY}, {abi.O_WRONLY, unix.O_WRONLY}, {abi.O_RDWR, unix.O_RDWR},
		{abi.O_TRUNC, unix.O_TRUNC}, {abi.O_APPEND, unix.O_APPEND}, {abi.O_NONBLOCK, unix.O_NONBLOCK},
		{abi.O_DIRECTORY, unix.O_DIRECTORY}, {abi.O_NOFOLLOW, unix.O_NOFOLLOW}, {abi.O_NOCTTY, unix.O_NOCTTY},
		{abi.O_SYNC, unix.O_SYNC},
	}
	all, want := 0, 0
	for _, p := range pairs {
		got, e := OpenFlags(p[0])
		if e != 0 || got != p[1] {
			t.Errorf("OpenFlags(%#o) = %#o %v, want %#o", p[0], got, e, p[1])
		}
		all, want = all|p[0], want|p[1]
	}
	all &^= abi.O_WRONLY // O_WRONLY|O_RDWR is not an access mode
	want &^= unix.O_WRONLY
	if got, _ := OpenFlags(all); got != want {
		t.Errorf("OpenFlags(%#o) = %#o, want %#o", all, got, want)
	}
}

// Node attributes are the host's, but for st_ino, a hash of the host's
// (st_dev, st_ino) pair (st_dev is replaced by the VFS's per mount).
func TestStatIsTheHosts(t *testing.T) {
	fs, dir := newFS(t)
	os.WriteFile(filepath.Join(dir, "f"), []byte("12345"), 0o640)
	os.Chtimes(filepath.Join(dir, "f"), time0, time0)
	_, st := lookup(t, fs.Root(), "f")
	var hst unix.Stat_t
	if err := unix.Lstat(filepath.Join(dir, "f"), &hst); err != nil {
		t.Fatal(err)
	}
	if st.Dev != uint64(hst.Dev) || st.Ino != Ino(uint64(hst.Dev), uint64(hst.Ino)) {
		t.Errorf("dev %#x ino %#x, want %#x and Ino(dev, %d)", st.Dev, st.Ino, hst.Dev, hst.Ino)
	}
	if st.Mode != abi.S_IFREG|0o640&^hostUmask() || st.Size != 5 || st.Nlink != 1 ||
		st.UID != hst.Uid || st.GID != hst.Gid || st.Mtime != (vfs.Timespec{Sec: time0.Unix()}) {
		t.Errorf("stat %+v, host %+v", st, hst)
	}
}

func hostUmask() uint32 {
	um := unix.Umask(0)
	unix.Umask(um)
	return uint32(um)
}

func TestHardLinksShareIno(t *testing.T) {
	fs, _ := newFS(t)
	root := fs.Root()
	f, n, st, e := root.Create("a", abi.O_WRONLY, 0o644)
	if e != 0 {
		t.Fatal(e)
	}
	f.Close()
	if e := root.Link("b", n); e != 0 {
		t.Fatal(e)
	}
	_, b := lookup(t, root, "b")
	if b.Ino != st.Ino || b.Nlink != 2 {
		t.Errorf("hard link: ino %d nlink %d, want ino %d nlink 2", b.Ino, b.Nlink, st.Ino)
	}
	if e := root.Link("b", n); e != abi.EEXIST {
		t.Errorf("link onto an existing name: %v, want EEXIST", e)
	}
	g, _, gst, _ := root.Create("c", abi.O_WRONLY, 0o644)
	g.Close()
	if gst.Ino == st.Ino {
		t.Error("two files share an inode number")
	}
}

// d_ino is st_ino, d_type the file's type, and "." and ".." are left to
// the VFS.
func TestReadDir(t *testing.T) {
	fs, dir := newFS(t)
	os.WriteFile(filepath.Join(dir, "file"), nil, 0o644)
	os.Mkdir(filepath.Join(dir, "dir"), 0o755)
	os.Symlink("file", filepath.Join(dir, "link"))
	if err := unix.Mkfifo(filepath.Join(dir, "fifo"), 0o644); err != nil {
		t.Fatal(err)
	}
	ents, e := fs.Root().ReadDir()
	if e != 0 {
		t.Fatal(e)
	}
	want := map[string]uint8{"file": abi.DT_REG, "dir": abi.DT_DIR, "link": abi.DT_LNK, "fifo": abi.DT_FIFO}
	if len(ents) != len(want) {
		t.Errorf("listing %+v", ents)
	}
	for _, ent := range ents {
		if ent.Type != want[ent.Name] {
			t.Errorf("%s: d_type %d, want %d", ent.Name, ent.Type, want[ent.Name])
		}
		_, st, e := fs.Root().Lookup(ent.Name)
		if e != 0 || st.Ino != ent.Ino {
			t.Errorf("%s: d_ino %#x, st_ino %#x (%v)", ent.Name, ent.Ino, st.Ino, e)
		}
	}
	d, _ := lookup(t, fs.Root(), "dir")
	if ents, e := d.ReadDir(); e != 0 || len(ents) != 0 {
		t.Errorf("empty directory: %+v %v", ents, e)
	}
	f, _ := lookup(t, fs.Root(), "file")
	if _, e := f.ReadDir(); e != abi.ENOTDIR {
		t.Errorf("listing a file: %v, want ENOTDIR", e)
	}
}

func TestNamespaceErrnos(t *testing.T) {
	fs, dir := newFS(t)
	os.MkdirAll(filepath.Join(dir, "full"), 0o755)
	os.WriteFile(filepath.Join(dir, "full", "x"), nil, 0o644)
	os.Mkdir(filepath.Join(dir, "empty"), 0o755)
	os.WriteFile(filepath.Join(dir, "f"), nil, 0o644)
	root := fs.Root()
	f, _ := lookup(t, root, "f")
	if _, _, e := f.Lookup("x"); e != abi.ENOTDIR {
		t.Errorf("lookup in a file: %v, want ENOTDIR", e)
	}
	if _, _, _, e := f.Create("x", abi.O_WRONLY, 0o644); e != abi.ENOTDIR {
		t.Errorf("create in a file: %v, want ENOTDIR", e)
	}
	if e := root.Unlink("full", true); e != abi.ENOTEMPTY {
		t.Errorf("rmdir of a non-empty directory: %v, want ENOTEMPTY", e)
	}
	if e := root.Rename("empty", root, "full", 0); e != abi.ENOTEMPTY && e != abi.EEXIST {
		t.Errorf("rename onto a non-empty directory: %v, want ENOTEMPTY", e)
	}
	if e := root.Rename("f", root, "empty", 0); e != abi.EISDIR {
		t.Errorf("rename a file onto a directory: %v, want EISDIR", e)
	}
	if e := root.Rename("empty", root, "f", 0); e != abi.ENOTDIR {
		t.Errorf("rename a directory onto a file: %v, want ENOTDIR", e)
	}
	if e := root.Rename("f", root, "full", abi.RENAME_NOREPLACE); e != abi.EEXIST {
		t.Errorf("RENAME_NOREPLACE onto an existing name: %v, want EEXIST", e)
	}
	if _, _, e := root.Lookup(strings.Repeat("n", 300)); e != abi.ENAMETOOLONG {
		t.Errorf("lookup of a 300-byte name: %v, want ENAMETOOLONG", e)
	}
}

// The guest's umask is applied by its kernel before the mode gets here;
// the host process's must not apply a second time.
func TestModesIgnoreHostUmask(t *testing.T) {
	old := unix.Umask(0o077)
	defer unix.Umask(old)
	fs, _ := newFS(t)
	root := fs.Root()
	f, _, st, e := root.Create("f", abi.O_WRONLY, 0o666)
	if e != 0 {
		t.Fatal(e)
	}
	f.Close()
	if st.Mode&0o7777 != 0o666 {
		t.Errorf("create 0666: mode %o", st.Mode&0o7777)
	}
	if e := root.Mkdir("d", 0o777); e != 0 {
		t.Fatal(e)
	}
	if _, st := lookup(t, root, "d"); st.Mode&0o7777 != 0o777 {
		t.Errorf("mkdir 0777: mode %o", st.Mode&0o7777)
	}
	if runtime.GOOS == "linux" { // the BSDs' mknod makes no regular files
		if e := root.Mknod("r", abi.S_IFREG|0o646, 0); e != 0 {
			t.Fatal(e)
		}
		if _, st := lookup(t, root, "r"); st.Mode != abi.S_IFREG|0o646 {
			t.Errorf("mknod 0646: mode %o", st.Mode)
		}
	}
	tf, e := root.TmpFile(abi.O_RDWR, 0o664)
	if e != 0 {
		t.Fatal(e)
	}
	defer tf.Close()
	if st, _ := tf.Stat(); st.Mode&0o7777 != 0o664 {
		t.Errorf("tmpfile 0664: mode %o", st.Mode&0o7777)
	}
}

// Each system call changes one kind of attribute (chmod, chown,
// utimensat, truncate), so each is applied alone, as the kernel does.
func TestSetAttr(t *testing.T) {
	fs, dir := newFS(t)
	os.WriteFile(filepath.Join(dir, "f"), []byte("0123456789"), 0o644)
	n, _ := lookup(t, fs.Root(), "f")
	set := func(a *vfs.Attr) vfs.Stat {
		t.Helper()
		if e := n.SetAttr(a); e != 0 {
			t.Fatalf("setattr %+v: %v", a, e)
		}
		st, _ := n.Stat()
		return st
	}
	if st := set(&vfs.Attr{Valid: vfs.AttrMode, Mode: 0o2751}); st.Mode != abi.S_IFREG|0o2751 {
		t.Errorf("chmod 02751: mode %o", st.Mode)
	}
	if st := set(&vfs.Attr{Valid: vfs.AttrSize, Size: 3}); st.Size != 3 {
		t.Errorf("truncate to 3: size %d", st.Size)
	}
	uid, gid := uint32(os.Getuid()), uint32(os.Getgid())
	if st := set(&vfs.Attr{Valid: vfs.AttrOwner, UID: uid, GID: ^uint32(0)}); st.UID != uid || st.GID != gid {
		t.Errorf("chown to oneself: %d:%d", st.UID, st.GID)
	}
	at, mt := vfs.Timespec{Sec: 1000, Nsec: 5000}, vfs.Timespec{Sec: 2000, Nsec: 7000}
	// File systems may round timestamps; microseconds survive everywhere.
	st := set(&vfs.Attr{Valid: vfs.AttrTimes, Atime: at, Mtime: mt})
	if st.Atime.Sec != at.Sec || st.Mtime.Sec != mt.Sec || st.Mtime.Nsec/1000 != mt.Nsec/1000 {
		t.Errorf("utimensat: atime %+v mtime %+v", st.Atime, st.Mtime)
	}
	// UTIME_OMIT keeps a time; UTIME_NOW sets it to now.
	st2 := set(&vfs.Attr{Valid: vfs.AttrTimes, Atime: vfs.Timespec{Nsec: abi.UTIME_OMIT}, Mtime: vfs.Timespec{Nsec: abi.UTIME_NOW}})
	if st2.Atime != st.Atime || st2.Mtime.Sec < time0.Unix() {
		t.Errorf("OMIT/NOW by path: atime %+v (was %+v) mtime %+v", st2.Atime, st.Atime, st2.Mtime)
	}
	if e := n.SetAttr(&vfs.Attr{Valid: vfs.AttrSize, Size: -1}); e != abi.EINVAL {
		t.Errorf("truncate to -1: %v, want EINVAL", e)
	}
	d, _ := lookup(t, fs.Root(), "")
	if e := d.SetAttr(&vfs.Attr{Valid: vfs.AttrSize}); e != abi.EISDIR {
		t.Errorf("truncate of a directory: %v, want EISDIR", e)
	}
}

func TestSetAttrThroughFile(t *testing.T) {
	fs, dir := newFS(t)
	os.WriteFile(filepath.Join(dir, "f"), []byte("0123456789"), 0o644)
	os.Chtimes(filepath.Join(dir, "f"), time0, time0)
	n, _ := lookup(t, fs.Root(), "f")
	fi, e := n.Open(abi.O_RDWR)
	if e != 0 {
		t.Fatal(e)
	}
	defer fi.Close()
	f := fi.(vfs.SetAttrImpl)
	if e := f.SetAttr(&vfs.Attr{Valid: vfs.AttrMode | vfs.AttrSize, Mode: 0o600, Size: 4}); e != 0 {
		t.Fatal(e)
	}
	mt := vfs.Timespec{Sec: 3000, Nsec: 0}
	if e := f.SetAttr(&vfs.Attr{Valid: vfs.AttrTimes, Atime: vfs.Timespec{Nsec: abi.UTIME_OMIT}, Mtime: mt}); e != 0 {
		t.Fatal(e)
	}
	st, _ := fi.Stat()
	if st.Mode != abi.S_IFREG|0o600 || st.Size != 4 || st.Mtime != mt || st.Atime.Sec != time0.Unix() {
		t.Errorf("fchmod/ftruncate/futimens: mode %o size %d atime %+v mtime %+v", st.Mode, st.Size, st.Atime, st.Mtime)
	}
	if e := f.SetAttr(&vfs.Attr{Valid: vfs.AttrTimes, Atime: vfs.Timespec{Nsec: abi.UTIME_NOW}, Mtime: vfs.Timespec{Nsec: abi.UTIME_OMIT}}); e != 0 {
		t.Fatal(e)
	}
	if st, _ := fi.Stat(); st.Atime.Sec <= time0.Unix() || st.Mtime != mt {
		t.Errorf("futimens NOW/OMIT: atime %+v mtime %+v", st.Atime, st.Mtime)
	}
	if e := fi.(vfs.FlagsImpl).SetFlags(abi.O_APPEND); e != 0 {
		t.Fatal(e)
	}
	fi.Write([]byte("Z"))
	if st, _ := fi.Stat(); st.Size != 5 {
		t.Errorf("write after F_SETFL O_APPEND: size %d, want 5", st.Size)
	}
	if e := fi.(vfs.SyncImpl).Sync(true); e != 0 {
		t.Errorf("fdatasync: %v", e)
	}
}

// outside makes a directory beside the FS's root holding "secret", the
// file no operation through the FS may reach.
func outside(t *testing.T) (dir string, secret func() string) {
	t.Helper()
	dir = t.TempDir()
	p := filepath.Join(dir, "secret")
	if err := os.WriteFile(p, []byte("secret"), 0o600); err != nil {
		t.Fatal(err)
	}
	os.Chtimes(p, time0, time0)
	return dir, func() string {
		var st unix.Stat_t
		unix.Lstat(p, &st)
		ents, _ := os.ReadDir(dir)
		return fmt.Sprintf("%d entries, secret size %d mode %o mtime %d", len(ents), st.Size, st.Mode, st.Mtim.Sec)
	}
}

// tryEverything runs every Node operation on n, expecting none to succeed
// in a way that touches what lies behind it.
func tryEverything(n vfs.Node) {
	n.Lookup("secret")
	n.ReadDir()
	if f, _, _, e := n.Create("planted", abi.O_WRONLY, 0o644); e == 0 {
		f.Close()
	}
	if f, e := n.TmpFile(abi.O_RDWR, 0o600); e == 0 {
		f.Close()
	}
	n.Mkdir("planted-dir", 0o755)
	n.Mknod("planted-node", abi.S_IFREG|0o644, 0)
	n.Symlink("planted-link", "x")
	n.Unlink("secret", false)
	n.Rename("secret", n, "moved", 0)
	if f, e := n.Open(abi.O_WRONLY | abi.O_TRUNC); e == 0 {
		f.Write([]byte("x"))
		f.Close()
	}
	n.SetAttr(&vfs.Attr{Valid: vfs.AttrSize, Size: 0})
	n.SetAttr(&vfs.Attr{Valid: vfs.AttrMode, Mode: 0o777})
	n.SetAttr(&vfs.Attr{Valid: vfs.AttrTimes, Atime: vfs.Timespec{Nsec: abi.UTIME_NOW}, Mtime: vfs.Timespec{Nsec: abi.UTIME_NOW}})
}

// Symlinks are reported, never followed by the host: their targets are
// text for the VFS to walk in the guest's root.
func TestSymlinksNeverFollowed(t *testing.T) {
	out, state := outside(t)
	before := state()
	fs, dir := newFS(t)
	rel, _ := filepath.Rel(dir, out)
	links := map[string]string{"abs-dir": out, "rel-dir": rel, "abs-file": filepath.Join(out, "secret"),
		"rel-file": filepath.Join(rel, "secret"), "dangling": filepath.Join(out, "new")}
	for name, target := range links {
		if err := os.Symlink(target, filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	root := fs.Root()
	for name, target := range links {
		n, st := lookup(t, root, name)
		if !st.IsLink() {
			t.Errorf("%s: mode %o, want a symlink", name, st.Mode)
		}
		if got, e := n.Readlink(); e != 0 || got != target {
			t.Errorf("readlink %s: %q %v, want %q", name, got, e, target)
		}
		if _, _, e := n.Lookup("secret"); e == 0 {
			t.Errorf("lookup through %s succeeded", name)
		}
		if _, e := n.ReadDir(); e == 0 {
			t.Errorf("listing through %s succeeded", name)
		}
		if f, e := n.Open(abi.O_RDONLY); e != abi.ELOOP {
			t.Errorf("open of %s: %v, want ELOOP", name, e)
			if f != nil {
				f.Close()
			}
		}
		tryEverything(n)
		// Create over an existing link is EEXIST, never the link's target.
		if _, _, _, e := root.Create(name, abi.O_WRONLY, 0o644); e != abi.EEXIST {
			t.Errorf("create over %s: %v, want EEXIST", name, e)
		}
	}
	if after := state(); after != before {
		t.Errorf("the directory outside changed: %q -> %q", before, after)
	}
	// A hard link to a symlink links the symlink.
	n, _ := lookup(t, root, "abs-file")
	if e := root.Link("hard", n); e != 0 {
		t.Fatal(e)
	}
	if _, st := lookup(t, root, "hard"); !st.IsLink() {
		t.Errorf("hard link to a symlink: mode %o", st.Mode)
	}
}

// A directory swapped for a symlink after the VFS looked it up: every
// later call through the old node fails on the host rather than follow
// the link out of the root.
func TestSwappedDirectory(t *testing.T) {
	for _, perComponent := range []bool{false, true} {
		out, state := outside(t)
		before := state()
		fs, dir := newFS(t)
		fs.noOpen2.Store(perComponent)
		os.MkdirAll(filepath.Join(dir, "a", "d"), 0o755)
		os.WriteFile(filepath.Join(dir, "a", "d", "secret"), nil, 0o644)
		a, _ := lookup(t, fs.Root(), "a")
		d, _ := lookup(t, a, "d")
		child, _ := lookup(t, d, "secret")
		for _, p := range []string{"a/d", "a"} {
			if err := os.RemoveAll(filepath.Join(dir, p)); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink(out, filepath.Join(dir, p)); err != nil {
				t.Fatal(err)
			}
			for _, n := range []vfs.Node{d, child} {
				if _, _, e := n.Lookup("secret"); e == 0 {
					t.Errorf("per-component %v, %s swapped: lookup reached outside", perComponent, p)
				}
				if _, e := n.Stat(); e == 0 && n == child {
					t.Errorf("per-component %v, %s swapped: stat of a/d/secret reached outside", perComponent, p)
				}
				tryEverything(n)
			}
			if after := state(); after != before {
				t.Errorf("per-component %v, %s swapped: the directory outside changed: %q -> %q", perComponent, p, before, after)
			}
			os.Remove(filepath.Join(dir, p))
			os.MkdirAll(filepath.Join(dir, "a", "d"), 0o755)
		}
	}
}

// The root is the directory New opened, even after the host renames it
// and puts something else at its old path.
func TestRootAnchored(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "root")
	os.Mkdir(dir, 0o755)
	os.WriteFile(filepath.Join(dir, "mine"), nil, 0o644)
	fs, e := New(dir)
	if e != 0 {
		t.Fatal(e)
	}
	defer fs.Close()
	if err := os.Rename(dir, filepath.Join(parent, "moved")); err != nil {
		t.Fatal(err)
	}
	os.Mkdir(dir, 0o755)
	os.WriteFile(filepath.Join(dir, "impostor"), nil, 0o644)
	if _, _, e := fs.Root().Lookup("mine"); e != 0 {
		t.Errorf("after the host renamed the root: %v", e)
	}
	if _, _, e := fs.Root().Lookup("impostor"); e != abi.ENOENT {
		t.Errorf("a file at the root's old path is visible: %v", e)
	}
	os.Mkdir(filepath.Join(parent, "moved", "sub"), 0o755)
	sub, _ := lookup(t, fs.Root(), "sub")
	if f, _, _, e := sub.Create("new", abi.O_WRONLY, 0o644); e != 0 {
		t.Fatal(e)
	} else {
		f.Close()
	}
	if _, err := os.Stat(filepath.Join(parent, "moved", "sub", "new")); err != nil {
		t.Errorf("created below the moved root: %v", err)
	}
}

func TestTmpFile(t *testing.T) {
	fs, _ := newFS(t)
	f, e := fs.Root().TmpFile(abi.O_RDWR, 0o600)
	if e != 0 {
		t.Fatal(e)
	}
	defer f.Close()
	if k, e := f.Write([]byte("unnamed")); k != 7 || e != 0 {
		t.Fatalf("write: %d %v", k, e)
	}
	buf := make([]byte, 7)
	if k, _ := f.Pread(buf, 0); string(buf[:k]) != "unnamed" {
		t.Errorf("pread %q", buf[:k])
	}
	if st, _ := f.Stat(); st.Nlink != 0 || !st.IsReg() {
		t.Errorf("tmpfile: nlink %d mode %o", st.Nlink, st.Mode)
	}
	if ents, _ := fs.Root().ReadDir(); len(ents) != 0 {
		t.Errorf("tmpfile listed: %+v", ents)
	}
	if hf, ok := f.(vfs.HostFDImpl); !ok || hf.HostFD() < 0 {
		t.Error("a host file does not expose its descriptor")
	}
}

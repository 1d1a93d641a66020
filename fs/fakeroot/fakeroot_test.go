//go:build linux || darwin || freebsd

package fakeroot_test

import (
	"github.com/blink-go/blink/rootfs/meta"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/blink-go/blink/core/abi"
	"github.com/blink-go/blink/fs/fakeroot"
	"github.com/blink-go/blink/fs/vfs"
	"github.com/blink-go/blink/hostfs"
	"github.com/blink-go/blink/rootfs"
)

// alpineTarball is the real image from ../shared/rootfs; tests needing it
// skip without it unless CI=true.
func alpineTarball(t *testing.T) string {
	t.Helper()
	p, _ := filepath.Abs("../../../shared/rootfs/alpine-minirootfs-3.20.3-x86_64.tar.gz")
	if _, err := os.Stat(p); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	return p
}

// machine is a VFS whose root is a fake root over dir, as blink -C builds
// it, with the host's /dev as the guest's devices.
type machine struct {
	t   *testing.T
	fr  *fakeroot.FS
	v   *vfs.VFS
	ctx *vfs.Context
}

func boot(t *testing.T, dir string, hostUID, hostGID uint32) *machine {
	t.Helper()
	h, e := hostfs.New(dir)
	if e != 0 {
		t.Fatalf("hostfs.New: %v", e)
	}
	t.Cleanup(h.Close)
	dev, e := hostfs.New("/dev")
	if e != 0 {
		t.Fatalf("hostfs.New(/dev): %v", e)
	}
	t.Cleanup(dev.Close)
	fr := fakeroot.New(h.Root(), fakeroot.Options{
		MetaPath: meta.Path(dir), HostUID: hostUID, HostGID: hostGID, Dev: dev.Root(),
	})
	t.Cleanup(func() { fr.Close() })
	v, e := vfs.New(&vfs.Superblock{Type: "hostfs", Source: dir, Root: fr.Root()}, 0)
	if e != 0 {
		t.Fatalf("vfs.New: %v", e)
	}
	return &machine{t: t, fr: fr, v: v, ctx: &vfs.Context{Root: v.RootLocation(), Cwd: v.RootLocation(), Cred: vfs.Root}}
}

// restart is a second blink run on the same root.
func (m *machine) restart(dir string, hostUID, hostGID uint32) *machine {
	m.fr.Close()
	return boot(m.t, dir, hostUID, hostGID)
}

func (m *machine) stat(p string) vfs.Stat {
	m.t.Helper()
	st, e := m.v.Stat(m.ctx, nil, p, abi.AT_SYMLINK_NOFOLLOW)
	if e != 0 {
		m.t.Fatalf("stat %s: %v", p, e)
	}
	return st
}

func (m *machine) must(what string, e abi.Errno) {
	m.t.Helper()
	if e != 0 {
		m.t.Fatalf("%s: %v", what, e)
	}
}

func (m *machine) chown(p string, uid, gid uint32) {
	m.t.Helper()
	m.must("chown "+p, m.v.SetAttr(m.ctx, nil, p, &vfs.Attr{Valid: vfs.AttrOwner, UID: uid, GID: gid}, 0))
}

func (m *machine) chmod(p string, mode uint32) {
	m.t.Helper()
	m.must("chmod "+p, m.v.SetAttr(m.ctx, nil, p, &vfs.Attr{Valid: vfs.AttrMode, Mode: mode}, 0))
}

func (m *machine) create(p string, mode uint32) {
	m.t.Helper()
	f, e := m.v.Open(m.ctx, nil, p, abi.O_CREAT|abi.O_WRONLY|abi.O_EXCL, mode)
	m.must("create "+p, e)
	f.Write([]byte("data\n"))
	f.Close()
}

func hostOwner(t *testing.T, p string) (uid, gid, mode uint32) {
	t.Helper()
	var st syscall.Stat_t
	if err := syscall.Lstat(p, &st); err != nil {
		t.Fatal(err)
	}
	return st.Uid, st.Gid, uint32(st.Mode)
}

// self is who the test runs as: the host user whose files appear as
// root's. As root (CI), pretend to be uid 1234 by giving the tree to it.
func self(t *testing.T, dir string) (uint32, uint32) {
	uid, gid := uint32(os.Geteuid()), uint32(os.Getegid())
	if uid != 0 {
		return uid, gid
	}
	uid, gid = 1234, 1234
	filepath.Walk(dir, func(p string, _ os.FileInfo, _ error) error {
		return os.Lchown(p, int(uid), int(gid))
	})
	return uid, gid
}

func TestAlpineOwnershipFromTarball(t *testing.T) {
	tarball := alpineTarball(t)
	dir := filepath.Join(t.TempDir(), "rootfs")
	os.Mkdir(dir, 0o755)
	f, err := os.Open(tarball)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := rootfs.Unpack(f, dir, rootfs.Limits{}); err != nil {
		t.Fatal(err)
	}
	uid, gid := self(t, dir)
	m := boot(t, dir, uid, gid)
	st := m.stat("/etc/shadow")
	if st.UID != 0 || st.GID != 42 || st.Mode != abi.S_IFREG|0o640 {
		t.Errorf("/etc/shadow: uid %d gid %d mode %o, want 0 42 100640", st.UID, st.GID, st.Mode)
	}
	if hu, _, _ := hostOwner(t, filepath.Join(dir, "etc/shadow")); hu != uid {
		t.Errorf("host owner of /etc/shadow %d, want %d", hu, uid)
	}
	if st := m.stat("/bin/busybox"); st.UID != 0 || st.Mode != abi.S_IFREG|0o755 {
		t.Errorf("/bin/busybox: uid %d mode %o", st.UID, st.Mode)
	}
	if st := m.stat("/tmp"); st.Mode != abi.S_IFDIR|0o1777 {
		t.Errorf("/tmp mode %o, want 41777", st.Mode)
	}
	// A non-root guest is refused by the faked mode even though the host
	// user owns the file.
	nobody := &vfs.Context{Root: m.ctx.Root, Cwd: m.ctx.Cwd, Cred: &vfs.Cred{UID: 65534, GID: 65534}}
	if _, e := m.v.Open(nobody, nil, "/etc/shadow", abi.O_RDONLY, 0); e != abi.EACCES {
		t.Errorf("nobody opening /etc/shadow: %v, want EACCES", e)
	}
	if _, e := m.v.Open(nobody, nil, "/etc/passwd", abi.O_RDONLY, 0); e != 0 {
		t.Errorf("nobody opening /etc/passwd: %v", e)
	}
	if e := m.v.Mkdir(nobody, nil, "/etc/x", 0o755); e != abi.EACCES {
		t.Errorf("nobody mkdir in /etc: %v, want EACCES", e)
	}
}

func TestPlainDirectoryLooksRootOwned(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "f"), []byte("x"), 0o644)
	os.Mkdir(filepath.Join(dir, "d"), 0o755)
	uid, gid := self(t, dir)
	m := boot(t, dir, uid, gid)
	for _, p := range []string{"/", "/f", "/d"} {
		if st := m.stat(p); st.UID != 0 || st.GID != 0 {
			t.Errorf("%s: owner %d:%d, want 0:0", p, st.UID, st.GID)
		}
	}
	if _, err := os.Stat(meta.Path(dir)); err == nil {
		t.Errorf("looking created %s", meta.Path(dir))
	}
}

func TestChownChmodMknodSurviveRestart(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "root")
	os.MkdirAll(filepath.Join(dir, "tmp"), 0o755)
	uid, gid := self(t, dir)
	m := boot(t, dir, uid, gid)
	m.create("/tmp/x", 0o644)
	m.chown("/tmp/x", 65534, 65534)
	m.create("/tmp/s", 0o755)
	m.chmod("/tmp/s", 0o4755)
	m.must("mknod", m.v.Mknod(m.ctx, nil, "/tmp/null", abi.S_IFCHR|0o666, fakeroot.Makedev(1, 3)))
	m.must("mknod fifo", m.v.Mknod(m.ctx, nil, "/tmp/fifo", abi.S_IFIFO|0o600, 0))
	m.must("mkdir", m.v.Mkdir(m.ctx, nil, "/tmp/locked", 0o000))
	m.create("/tmp/ro", 0o400)

	check := func(m *machine) {
		t.Helper()
		if st := m.stat("/tmp/x"); st.UID != 65534 || st.GID != 65534 || st.Mode != abi.S_IFREG|0o644 {
			t.Errorf("/tmp/x: %d:%d %o", st.UID, st.GID, st.Mode)
		}
		if st := m.stat("/tmp/s"); st.Mode != abi.S_IFREG|0o4755 || st.UID != 0 {
			t.Errorf("/tmp/s: mode %o uid %d", st.Mode, st.UID)
		}
		if st := m.stat("/tmp/null"); st.Mode != abi.S_IFCHR|0o666 || fakeroot.Major(st.Rdev) != 1 || fakeroot.Minor(st.Rdev) != 3 {
			t.Errorf("/tmp/null: mode %o rdev %d,%d", st.Mode, fakeroot.Major(st.Rdev), fakeroot.Minor(st.Rdev))
		}
		if st := m.stat("/tmp/fifo"); st.Mode != abi.S_IFIFO|0o600 {
			t.Errorf("/tmp/fifo: mode %o", st.Mode)
		}
		if st := m.stat("/tmp/locked"); st.Mode != abi.S_IFDIR|0o000 {
			t.Errorf("/tmp/locked: mode %o", st.Mode)
		}
		if st := m.stat("/tmp/ro"); st.Mode != abi.S_IFREG|0o400 {
			t.Errorf("/tmp/ro: mode %o", st.Mode)
		}
		// The device works: it is the guest's /dev/null.
		f, e := m.v.Open(m.ctx, nil, "/tmp/null", abi.O_RDWR, 0)
		m.must("open /tmp/null", e)
		if n, e := f.Write([]byte("gone")); n != 4 || e != 0 {
			t.Errorf("write /tmp/null: %d %v", n, e)
		}
		if n, _ := f.Read(make([]byte, 8)); n != 0 {
			t.Errorf("read /tmp/null: %d bytes", n)
		}
		f.Close()
		// getdents shows the faked type.
		tmp, _, e := m.fr.Root().Lookup("tmp")
		m.must("lookup tmp", e)
		ents, e := tmp.ReadDir()
		m.must("readdir", e)
		for _, de := range ents {
			if de.Name == "null" && de.Type != abi.DT_CHR {
				t.Errorf("d_type of null %d, want DT_CHR", de.Type)
			}
		}
	}
	check(m)
	// The host keeps the host user's owner and the modes it needs.
	if hu, hg, hm := hostOwner(t, filepath.Join(dir, "tmp/x")); hu != uint32(os.Geteuid()) || hg != uint32(os.Getegid()) {
		t.Errorf("host /tmp/x owner %d:%d, want blink's", hu, hg)
	} else if hm&0o7000 != 0 {
		t.Errorf("host /tmp/x mode %o", hm)
	}
	if _, _, hm := hostOwner(t, filepath.Join(dir, "tmp/s")); hm&0o7777 != 0o755 {
		t.Errorf("host /tmp/s mode %o, want 755 (no setuid)", hm&0o7777)
	}
	if _, _, hm := hostOwner(t, filepath.Join(dir, "tmp/locked")); hm&0o700 != 0o700 {
		t.Errorf("host /tmp/locked mode %o, want u+rwx kept", hm&0o7777)
	}
	if _, _, hm := hostOwner(t, filepath.Join(dir, "tmp/ro")); hm&0o600 != 0o600 {
		t.Errorf("host /tmp/ro mode %o, want u+rw kept", hm&0o7777)
	}
	m = m.restart(dir, uid, gid)
	check(m)
	// rootfs still reads the store.
	recs, err := meta.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if e := recs["/tmp/x"]; e.Uid != 65534 || e.Type != meta.TypeReg {
		t.Errorf("rootfs sees /tmp/x as %+v", e)
	}
}

func TestRenameLinkUnlinkFollowTheFile(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "root")
	os.MkdirAll(filepath.Join(dir, "a/b"), 0o755)
	uid, gid := self(t, dir)
	m := boot(t, dir, uid, gid)
	m.create("/a/b/f", 0o644)
	m.chown("/a/b/f", 7, 8)
	m.must("rename", m.v.Rename(m.ctx, nil, "/a/b/f", nil, "/a/g", 0))
	if st := m.stat("/a/g"); st.UID != 7 || st.GID != 8 {
		t.Errorf("renamed file: %d:%d", st.UID, st.GID)
	}
	// A directory rename carries what is below it.
	m.create("/a/b/h", 0o600)
	m.chown("/a/b/h", 9, 9)
	m.must("rename dir", m.v.Rename(m.ctx, nil, "/a", nil, "/z", 0))
	// A hard link shares the entry; either name changes it.
	m.must("link", m.v.Link(m.ctx, nil, "/z/g", nil, "/z/link", 0))
	m.chown("/z/link", 11, 12)
	m = m.restart(dir, uid, gid)
	if st := m.stat("/z/b/h"); st.UID != 9 {
		t.Errorf("/z/b/h after restart: uid %d", st.UID)
	}
	if st := m.stat("/z/g"); st.UID != 11 || st.GID != 12 {
		t.Errorf("/z/g after restart: %d:%d, want 11:12", st.UID, st.GID)
	}
	// Removing one link keeps the other's; removing the last drops it.
	m.must("unlink", m.v.Unlink(m.ctx, nil, "/z/g", 0))
	m = m.restart(dir, uid, gid)
	if st := m.stat("/z/link"); st.UID != 11 {
		t.Errorf("/z/link after unlinking /z/g: uid %d", st.UID)
	}
	n := m.fr.Store().Len()
	m.must("unlink", m.v.Unlink(m.ctx, nil, "/z/link", 0))
	if got := m.fr.Store().Len(); got != n-1 {
		t.Errorf("store has %d entries after deleting a file, want %d", got, n-1)
	}
	// A new file on a reused inode starts clean.
	m.create("/z/new", 0o644)
	if st := m.stat("/z/new"); st.UID != 0 || st.GID != 0 {
		t.Errorf("new file: %d:%d", st.UID, st.GID)
	}
	// Replacing a file by rename drops the replaced one's entry.
	m.create("/z/victim", 0o644)
	m.chown("/z/victim", 5, 5)
	m.create("/z/winner", 0o644)
	m.must("rename over", m.v.Rename(m.ctx, nil, "/z/winner", nil, "/z/victim", 0))
	if st := m.stat("/z/victim"); st.UID != 0 {
		t.Errorf("file renamed over a chowned one: uid %d", st.UID)
	}
	m = m.restart(dir, uid, gid)
	if st := m.stat("/z/victim"); st.UID != 0 {
		t.Errorf("after restart, file renamed over a chowned one: uid %d", st.UID)
	}
}

func TestSetuidClearedByChown(t *testing.T) {
	dir := t.TempDir()
	uid, gid := self(t, dir)
	m := boot(t, dir, uid, gid)
	m.create("/f", 0o755)
	m.chmod("/f", 0o6755)
	m.chown("/f", 1, 1)
	if st := m.stat("/f"); st.Mode&0o7777 != 0o755 {
		t.Errorf("mode after chown %o, want 755 (chown clears set-id bits)", st.Mode&0o7777)
	}
}

func TestJournalIsCompacted(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "root")
	os.Mkdir(dir, 0o755)
	uid, gid := self(t, dir)
	m := boot(t, dir, uid, gid)
	m.create("/f", 0o644)
	for i := 0; i < 400; i++ {
		m.chown("/f", uint32(i), 0)
	}
	m = m.restart(dir, uid, gid)
	data, err := os.ReadFile(meta.Path(dir))
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(data), "\n"); n > 10 {
		t.Errorf("journal has %d lines after restart, want it compacted", n)
	}
	if st := m.stat("/f"); st.UID != 399 {
		t.Errorf("uid %d after compaction, want 399", st.UID)
	}
}

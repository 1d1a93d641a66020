package fakeroot

import (
	"bytes"
	"errors"
	"github.com/blink-go/blink/rootfs/meta"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/blink-go/blink/core/abi"
	"github.com/blink-go/blink/core/klog"
	"github.com/blink-go/blink/fs/vfs"
)

// Entry is what the store knows about one file: the attributes the guest
// sees in place of the host's.
type Entry struct {
	Mode     uint32 // S_IFMT type plus the 07777 bits
	UID, GID uint32
	Rdev     uint64 // Linux encoding (makedev), for devices
	Link     string // a symlink's target as the tarball had it (informational)
}

// Makedev is Linux's makedev(3) encoding of a device number.
func Makedev(major, minor uint32) uint64 {
	ma, mi := uint64(major), uint64(minor)
	return mi&0xff | (ma&0xfff)<<8 | (mi&^0xff)<<12 | (ma&^0xfff)<<32
}

// Major and Minor split a Linux device number.
func Major(dev uint64) uint32 { return uint32(dev>>8&0xfff | dev>>32&^0xfff) }
func Minor(dev uint64) uint32 { return uint32(dev&0xff | dev>>12&^0xff) }

// Store is the metadata of one root, in memory and in its journal file.
//
// Invariant: byName[n] == ino exactly when n is in ents[ino].names; every
// name is an absolute in-root path ("/", "/etc/shadow").
type Store struct {
	mu     sync.Mutex
	ents   map[uint64]*entry
	byName map[string]uint64
	path   string   // the journal; "" keeps the store in memory only
	j      *os.File // open for appending, once something was written
	log    *klog.Logger
}

type entry struct {
	Entry
	names []string
}

// newStore returns an empty store journaling to path ("" for none).
func newStore(path string, log *klog.Logger) *Store {
	return &Store{ents: map[uint64]*entry{}, byName: map[string]uint64{}, path: path, log: log}
}

// Get returns the entry of the file with guest inode number ino.
func (s *Store) Get(ino uint64) (Entry, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e, ok := s.ents[ino]; ok {
		return e.Entry, true
	}
	return Entry{}, false
}

// Len is the number of files with an entry.
func (s *Store) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.ents)
}

// Names lists the known names of ino (tests and debugging).
func (s *Store) Names(ino uint64) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e, ok := s.ents[ino]; ok {
		return append([]string(nil), e.names...)
	}
	return nil
}

// Set records e for ino, known by name (may be "" for an unnamed file).
func (s *Store) Set(ino uint64, name string, e Entry) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ent := s.ents[ino]
	if ent == nil {
		ent = &entry{}
		s.ents[ino] = ent
	}
	ent.Entry = e
	if name != "" {
		s.addName(ino, ent, name)
	}
	var b strings.Builder
	for _, n := range ent.names {
		b.WriteString(meta.FormatLine(n, toMeta(e)))
	}
	s.appendJournal(b.String())
}

// Forget drops whatever is recorded for ino: a file was just created
// there, so an entry is a leftover of a deleted file whose inode number
// the host reused.
func (s *Store) Forget(ino uint64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ent, ok := s.ents[ino]
	if !ok {
		return
	}
	var b strings.Builder
	for _, n := range ent.names {
		delete(s.byName, n)
		b.WriteString(removed(n))
	}
	delete(s.ents, ino)
	s.appendJournal(b.String())
}

// Linked adds name to ino's names (a new hard link).
func (s *Store) Linked(ino uint64, name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ent, ok := s.ents[ino]
	if !ok {
		s.dropName(name)
		return
	}
	s.addName(ino, ent, name)
	s.appendJournal(meta.FormatLine(name, toMeta(ent.Entry)))
}

// Unlinked removes name, which named ino; last says it was the file's
// only link, so its entry goes too. A file with links the store never
// saw keeps its entry in memory (it cannot be persisted without a name).
func (s *Store) Unlinked(ino uint64, name string, last bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.dropName(name) {
		s.appendJournal(removed(name))
	}
	if last {
		if ent, ok := s.ents[ino]; ok {
			var b strings.Builder
			for _, n := range ent.names {
				delete(s.byName, n)
				b.WriteString(removed(n))
			}
			delete(s.ents, ino)
			s.appendJournal(b.String())
		}
	}
}

// Rekey moves the entry of inode number from to number to.
func (s *Store) Rekey(from, to uint64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ent, ok := s.ents[from]
	if !ok {
		return
	}
	if stale, ok := s.ents[to]; ok {
		for _, n := range stale.names {
			delete(s.byName, n)
		}
	}
	delete(s.ents, from)
	s.ents[to] = ent
	for _, n := range ent.names {
		s.byName[n] = to
	}
}

// Renamed moves every name at or under from to the same place under to.
func (s *Store) Renamed(from, to string) {
	s.move(func(n string) (string, bool) {
		if rest, ok := under(n, from); ok {
			return to + rest, true
		}
		return "", false
	})
}

// Exchanged swaps the names at or under a and b (RENAME_EXCHANGE).
func (s *Store) Exchanged(a, b string) {
	s.move(func(n string) (string, bool) {
		if rest, ok := under(n, a); ok {
			return b + rest, true
		}
		if rest, ok := under(n, b); ok {
			return a + rest, true
		}
		return "", false
	})
}

// under reports whether n is dir or below it, and the rest of n.
func under(n, dir string) (string, bool) {
	if n == dir {
		return "", true
	}
	if dir == "/" {
		return n, false // the root is never renamed
	}
	if strings.HasPrefix(n, dir) && n[len(dir)] == '/' {
		return n[len(dir):], true
	}
	return "", false
}

func (s *Store) move(f func(string) (string, bool)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	moved := map[string]string{} // old name -> new name
	inos := map[uint64]bool{}
	for n, ino := range s.byName {
		if nn, ok := f(n); ok {
			moved[n] = nn
			inos[ino] = true
		}
	}
	if len(moved) == 0 {
		return
	}
	olds := make([]string, 0, len(moved))
	for n := range moved {
		olds = append(olds, n)
		delete(s.byName, n)
	}
	sort.Strings(olds)
	var b strings.Builder
	for _, n := range olds {
		b.WriteString(removed(n)) // the new lines below win where reused
	}
	for ino := range inos {
		ent := s.ents[ino]
		for i, n := range ent.names {
			if nn, ok := moved[n]; ok {
				if other, ok := s.byName[nn]; ok && other != ino {
					s.removeName(other, nn)
				}
				ent.names[i] = nn
				s.byName[nn] = ino
				b.WriteString(meta.FormatLine(nn, toMeta(ent.Entry)))
			}
		}
	}
	s.appendJournal(b.String())
}

// addName gives ent (of ino) name, taking it from any other entry.
func (s *Store) addName(ino uint64, ent *entry, name string) {
	if other, ok := s.byName[name]; ok {
		if other == ino {
			return
		}
		s.removeName(other, name)
	}
	s.byName[name] = ino
	ent.names = append(ent.names, name)
}

// dropName forgets name wherever it is; it reports whether it was known.
func (s *Store) dropName(name string) bool {
	ino, ok := s.byName[name]
	if ok {
		s.removeName(ino, name)
		delete(s.byName, name)
	}
	return ok
}

func (s *Store) removeName(ino uint64, name string) {
	ent := s.ents[ino]
	if ent == nil {
		return
	}
	for i, n := range ent.names {
		if n == name {
			ent.names = append(ent.names[:i], ent.names[i+1:]...)
			break
		}
	}
}

func removed(name string) string {
	return meta.FormatLine(name, meta.File{Type: meta.TypeRemoved})
}

// appendJournal writes lines in one write(2), starting the file with its
// header if it is new. Failures are logged once and leave the store
// working in memory.
func (s *Store) appendJournal(lines string) {
	if s.path == "" || lines == "" {
		return
	}
	if s.j == nil {
		f, err := os.OpenFile(s.path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
		if err != nil {
			s.failed(err)
			return
		}
		if fi, err := f.Stat(); err == nil && fi.Size() == 0 {
			lines = meta.Header + lines
		}
		s.j = f
	}
	if _, err := s.j.WriteString(lines); err != nil {
		s.failed(err)
	}
}

func (s *Store) failed(err error) {
	s.log.Printf("fakeroot: cannot record ownership in %s (changes last until exit): %v", s.path, err)
	if s.j != nil {
		s.j.Close()
		s.j = nil
	}
	s.path = ""
}

// Close closes the journal.
func (s *Store) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.j == nil {
		return nil
	}
	err := s.j.Close()
	s.j = nil
	return err
}

// toMeta and fromMeta convert to and from rootfs's record.
func toMeta(e Entry) meta.File {
	m := meta.File{Mode: e.Mode & 0o7777, Uid: int(e.UID), Gid: int(e.GID), Link: e.Link}
	switch e.Mode & abi.S_IFMT {
	case abi.S_IFDIR:
		m.Type = meta.TypeDir
	case abi.S_IFLNK:
		m.Type = meta.TypeSymlink
	case abi.S_IFCHR:
		m.Type = meta.TypeChar
	case abi.S_IFBLK:
		m.Type = meta.TypeBlock
	case abi.S_IFIFO:
		m.Type = meta.TypeFifo
	case abi.S_IFSOCK:
		m.Type = 's'
	default:
		m.Type = meta.TypeReg
	}
	if m.Type == meta.TypeChar || m.Type == meta.TypeBlock {
		m.Major, m.Minor = Major(e.Rdev), Minor(e.Rdev)
	}
	return m
}

func fromMeta(m meta.File) (Entry, bool) {
	var t uint32
	switch m.Type {
	case meta.TypeDir:
		t = abi.S_IFDIR
	case meta.TypeSymlink:
		t = abi.S_IFLNK
	case meta.TypeChar:
		t = abi.S_IFCHR
	case meta.TypeBlock:
		t = abi.S_IFBLK
	case meta.TypeFifo:
		t = abi.S_IFIFO
	case 's':
		t = abi.S_IFSOCK
	case meta.TypeReg:
		t = abi.S_IFREG
	default:
		return Entry{}, false
	}
	e := Entry{Mode: t | m.Mode&0o7777, UID: uint32(m.Uid), GID: uint32(m.Gid), Link: m.Link}
	if t == abi.S_IFCHR || t == abi.S_IFBLK {
		e.Rdev = Makedev(m.Major, m.Minor)
	}
	return e, true
}

// fits reports whether an entry of type want describes a host file of
// type have: the same type, or a special file the host keeps as an empty
// regular placeholder.
func fits(want, have uint32) bool {
	if want == have {
		return true
	}
	switch want {
	case abi.S_IFCHR, abi.S_IFBLK, abi.S_IFIFO, abi.S_IFSOCK:
		return have == abi.S_IFREG
	}
	return false
}

// load reads the journal and attaches each path's entry to the file the
// path names now (stat gives its attributes; paths that no longer exist
// or hold another type of file are dropped). A journal much longer than
// its live entries is compacted.
func (s *Store) load(stat func(name string) (vfs.Stat, bool)) error {
	data, err := os.ReadFile(s.path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	m, err := meta.Read(bytes.NewReader(data))
	if err != nil {
		return err
	}
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	sort.Strings(names)
	// Hard links last: they join the entry of their target's inode.
	for pass := 0; pass < 2; pass++ {
		for _, n := range names {
			rec := m[n]
			if rec.Type == meta.TypeRemoved || (rec.Type == meta.TypeHardlink) != (pass == 1) {
				continue
			}
			st, ok := stat(n)
			if !ok {
				continue
			}
			if ent, ok := s.ents[st.Ino]; ok {
				if pass == 1 || fits(ent.Mode&abi.S_IFMT, st.Mode&abi.S_IFMT) {
					s.addName(st.Ino, ent, n)
				}
				continue
			}
			if rec.Type == meta.TypeHardlink {
				if t, ok := m[rec.Link]; ok && t.Type != meta.TypeHardlink {
					rec = t
				} else {
					rec.Type = meta.TypeReg
				}
			}
			e, ok := fromMeta(rec)
			if !ok || !fits(e.Mode&abi.S_IFMT, st.Mode&abi.S_IFMT) {
				continue
			}
			ent := &entry{Entry: e}
			s.ents[st.Ino] = ent
			s.addName(st.Ino, ent, n)
		}
	}
	if lines := bytes.Count(data, []byte{'\n'}); lines > 2*len(s.byName)+256 {
		return s.compact()
	}
	return nil
}

// compact replaces the journal with a snapshot of the live entries,
// atomically (a temporary file renamed over it).
func (s *Store) compact() error {
	m := make(map[string]meta.File, len(s.byName))
	for n, ino := range s.byName {
		m[n] = toMeta(s.ents[ino].Entry)
	}
	f, err := os.CreateTemp(filepath.Dir(s.path), filepath.Base(s.path)+".tmp-*")
	if err != nil {
		return err
	}
	err = meta.Write(f, m)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), s.path)
	}
	if err != nil {
		os.Remove(f.Name())
	}
	return err
}

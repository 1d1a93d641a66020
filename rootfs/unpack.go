package rootfs

import (
	"archive/tar"
	"bufio"
	"bytes"
	"compress/bzip2"
	"errors"
	"fmt"
	"github.com/blink-go/blink/rootfs/meta"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"time"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
	"github.com/ulikunitz/xz"
)

// ErrUnsafeArchive marks an archive entry that would be created outside the
// target directory (tar slip) or through a symlink the archive planted.
var ErrUnsafeArchive = errors.New("unsafe archive")

// ErrLimit marks an archive that exceeds one of the Limits.
var ErrLimit = errors.New("archive exceeds limit")

// Limits bound the resources one archive may consume. A zero field takes
// the value from DefaultLimits.
type Limits struct {
	MaxEntrySize int64 // bytes in one file
	MaxTotalSize int64 // bytes of the decompressed tar stream
	MaxEntries   int   // tar headers
	MaxPathLen   int   // bytes in an entry name (each component is at most 255)
	// MaxRatio bounds decompressed/compressed bytes once more than
	// ratioGrace bytes came out, to stop decompression bombs early rather
	// than after MaxTotalSize bytes of zeros were written to disk.
	MaxRatio int64
}

// ratioGrace lets small, highly compressible archives (a tarball of empty
// files compresses >1000:1) through the ratio check.
const ratioGrace = 64 << 20

// DefaultLimits are generous for distribution images (Alpine is 8 MiB
// unpacked, a Debian base 120 MiB) and stop hostile ones before they fill
// a disk.
func DefaultLimits() Limits {
	return Limits{
		MaxEntrySize: 4 << 30,
		MaxTotalSize: 16 << 30,
		MaxEntries:   1 << 20,
		MaxPathLen:   4095,
		MaxRatio:     200,
	}
}

func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	if l.MaxEntrySize <= 0 {
		l.MaxEntrySize = d.MaxEntrySize
	}
	if l.MaxTotalSize <= 0 {
		l.MaxTotalSize = d.MaxTotalSize
	}
	if l.MaxEntries <= 0 {
		l.MaxEntries = d.MaxEntries
	}
	if l.MaxPathLen <= 0 {
		l.MaxPathLen = d.MaxPathLen
	}
	if l.MaxRatio <= 0 {
		l.MaxRatio = d.MaxRatio
	}
	return l
}

// UnpackResult describes what Unpack created.
type UnpackResult struct {
	Entries int                  // tar headers processed
	Bytes   int64                // bytes of regular file contents written
	Meta    map[string]meta.File // ownership, modes and device numbers by "/path"
}

// Unpack extracts a tarball (plain, gzip, zstd, xz or bzip2, detected by
// magic number) from r into dst, an existing directory that should be empty
// and private to the caller.
//
// Safety: every entry name is cleaned and rejected if absolute or containing
// "..". Parent directories are checked with Lstat one component at a time
// and must be real directories (never symlinks), and final names are created
// with O_EXCL, so neither a planted symlink nor a hard link can redirect a
// write outside dst. Lstat checks (rather than openat per component) are
// enough because dst is a fresh temporary directory under the cache lock:
// only this unpacker changes it.
//
// Host files get their archive mode plus owner read/write (and search on
// directories), since blink stands in for the guest's root, which may do all
// of that anyway; true modes, owners and device numbers are in meta.File.
// Device nodes become empty regular files, and FIFOs too where the host
// cannot make them. The metadata is also written to meta.Path(dst).
func Unpack(r io.Reader, dst string, lim Limits) (*UnpackResult, error) {
	u := newUnpacker(dst, lim)
	if err := u.run(r); err != nil {
		return nil, err
	}
	if err := meta.WriteFile(dst, u.res.Meta); err != nil {
		return nil, fmt.Errorf("writing metadata: %w", err)
	}
	return u.res, nil
}

func newUnpacker(dst string, lim Limits) *unpacker {
	return &unpacker{
		root:  dst,
		lim:   lim.withDefaults(),
		dirs:  map[string]bool{"": true},
		files: map[string]byte{},
		fixes: map[string]dirFix{},
		res:   &UnpackResult{Meta: map[string]meta.File{}},
	}
}

type dirFix struct {
	mode  os.FileMode
	mtime time.Time
}

type unpacker struct {
	root  string
	lim   Limits
	dirs  map[string]bool // relative paths known to be real directories
	files map[string]byte // relative paths of non-directories we made, by meta.File type
	fixes map[string]dirFix
	res   *UnpackResult
	buf   []byte

	// writeFault, when set (tests), is consulted before each write so a
	// full disk can be simulated.
	writeFault func(path string) error
}

func (u *unpacker) run(r io.Reader) error {
	in := &countReader{r: r}
	dec, closeDec, err := decompress(in)
	if err != nil {
		return err
	}
	defer closeDec()
	out := &boundReader{r: dec, in: in, lim: u.lim}
	tr := tar.NewReader(out)
	u.buf = make([]byte, 256<<10)
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			if errors.Is(err, ErrLimit) {
				return err
			}
			return fmt.Errorf("reading archive: %w", cleanTarErr(err))
		}
		u.res.Entries++
		if u.res.Entries > u.lim.MaxEntries {
			return fmt.Errorf("%w: more than %d entries", ErrLimit, u.lim.MaxEntries)
		}
		if err := u.entry(tr, hdr); err != nil {
			return err
		}
	}
	if u.res.Entries == 0 {
		return errors.New("reading archive: no entries (not a tarball?)")
	}
	return u.finish()
}

// cleanTarErr turns archive/tar's terse errors into something a user can act
// on.
func cleanTarErr(err error) error {
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return errors.New("archive is truncated")
	}
	if errors.Is(err, tar.ErrHeader) {
		return errors.New("not a tar archive or corrupt header")
	}
	return err
}

func (u *unpacker) entry(tr *tar.Reader, hdr *tar.Header) error {
	rel, err := u.cleanName(hdr.Name)
	if err != nil {
		return err
	}
	if hdr.Size < 0 || hdr.Size > u.lim.MaxEntrySize {
		return fmt.Errorf("%w: entry %q is %d bytes (limit %d)", ErrLimit, hdr.Name, hdr.Size, u.lim.MaxEntrySize)
	}
	m := meta.File{
		Mode: uint32(hdr.Mode) & 0o7777,
		Uid:  hdr.Uid,
		Gid:  hdr.Gid,
	}
	if rel == "" && hdr.Typeflag != tar.TypeDir {
		return fmt.Errorf("%w: entry %q is not a directory but names the root", ErrUnsafeArchive, hdr.Name)
	}
	if err := u.mkParents(rel, hdr.Name); err != nil {
		return err
	}
	p := u.host(rel)
	switch hdr.Typeflag {
	case tar.TypeDir:
		m.Type = meta.TypeDir
		if err := u.makeDir(rel, p); err != nil {
			return err
		}
		u.fixes[rel] = dirFix{mode: hostMode(hdr, true), mtime: hdr.ModTime}
	case tar.TypeReg, tar.TypeGNUSparse:
		m.Type = meta.TypeReg
		if err := u.clear(rel, p, hdr.Name); err != nil {
			return err
		}
		if err := u.writeFile(tr, p, hdr); err != nil {
			return err
		}
		u.res.Bytes += hdr.Size
		u.files[rel] = meta.TypeReg
	case tar.TypeSymlink:
		m.Type = meta.TypeSymlink
		m.Link = hdr.Linkname
		if hdr.Linkname == "" || len(hdr.Linkname) > u.lim.MaxPathLen || strings.IndexByte(hdr.Linkname, 0) >= 0 {
			return fmt.Errorf("%w: symlink %q has a bad target", ErrUnsafeArchive, hdr.Name)
		}
		if err := u.clear(rel, p, hdr.Name); err != nil {
			return err
		}
		// The target is kept verbatim, absolute or not: the VFS resolves it
		// inside the guest root. It is never followed here.
		if err := os.Symlink(hdr.Linkname, p); err != nil {
			if runtime.GOOS != "windows" {
				return fmt.Errorf("creating symlink %q: %w", hdr.Name, err)
			}
			// Windows without Developer Mode cannot make symlinks; the
			// target is in meta.File for the VFS to serve.
			break
		}
		setTimes(p, hdr.ModTime, true)
		u.files[rel] = meta.TypeSymlink
	case tar.TypeLink:
		target, err := u.cleanName(hdr.Linkname)
		if err != nil {
			return fmt.Errorf("%w: hard link %q -> %q: target is outside the archive", ErrUnsafeArchive, hdr.Name, hdr.Linkname)
		}
		m.Type = meta.TypeHardlink
		m.Link = "/" + target
		if err := u.clear(rel, p, hdr.Name); err != nil {
			return err
		}
		if err := u.hardLink(target, rel, hdr); err != nil {
			return err
		}
	case tar.TypeFifo, tar.TypeChar, tar.TypeBlock:
		m.Type = map[byte]byte{tar.TypeFifo: meta.TypeFifo, tar.TypeChar: meta.TypeChar, tar.TypeBlock: meta.TypeBlock}[hdr.Typeflag]
		m.Major, m.Minor = uint32(hdr.Devmajor), uint32(hdr.Devminor)
		if err := u.clear(rel, p, hdr.Name); err != nil {
			return err
		}
		if hdr.Typeflag != tar.TypeFifo || mkfifo(p, uint32(hostMode(hdr, false).Perm())) != nil {
			// An unprivileged host cannot make device nodes: an empty
			// placeholder keeps the name visible, meta.File has the truth.
			f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
			if err != nil {
				return fmt.Errorf("creating %q: %w", hdr.Name, err)
			}
			f.Close()
		}
		setTimes(p, hdr.ModTime, false)
		u.files[rel] = m.Type
	default:
		// Volume labels, multi-volume continuations and the like carry
		// nothing a root file system needs.
		return nil
	}
	u.res.Meta["/"+rel] = m
	return nil
}

// cleanName validates an archive member name and returns it relative to the
// root, without "./" prefixes and trailing slashes ("" is the root itself).
func (u *unpacker) cleanName(name string) (string, error) {
	if name == "" {
		return "", fmt.Errorf("%w: empty entry name", ErrUnsafeArchive)
	}
	if len(name) > u.lim.MaxPathLen {
		return "", fmt.Errorf("%w: entry name of %d bytes (limit %d)", ErrLimit, len(name), u.lim.MaxPathLen)
	}
	if name[0] == '/' || (runtime.GOOS == "windows" && (name[0] == '\\' || filepath.VolumeName(name) != "")) {
		return "", fmt.Errorf("%w: entry %q has an absolute name", ErrUnsafeArchive, name)
	}
	if strings.IndexByte(name, 0) >= 0 {
		return "", fmt.Errorf("%w: entry %q contains a NUL byte", ErrUnsafeArchive, name)
	}
	parts := strings.Split(name, "/")
	out := parts[:0]
	for _, part := range parts {
		switch part {
		case "", ".":
			continue
		case "..":
			return "", fmt.Errorf("%w: entry %q contains \"..\"", ErrUnsafeArchive, name)
		}
		if len(part) > 255 {
			return "", fmt.Errorf("%w: entry %q has a name component over 255 bytes", ErrLimit, truncate(name, 80))
		}
		if runtime.GOOS == "windows" && strings.ContainsAny(part, `\:`) {
			return "", fmt.Errorf("%w: entry %q cannot be represented on Windows", ErrUnsafeArchive, name)
		}
		out = append(out, part)
	}
	return strings.Join(out, "/"), nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}

func (u *unpacker) host(rel string) string {
	if rel == "" {
		return u.root
	}
	return filepath.Join(u.root, filepath.FromSlash(rel))
}

// mkParents makes sure every ancestor of rel is a real directory inside the
// root, creating missing ones; a symlink or file in the way is an error.
func (u *unpacker) mkParents(rel, name string) error {
	for i := 0; i < len(rel); i++ {
		if rel[i] != '/' {
			continue
		}
		dir := rel[:i]
		if u.dirs[dir] {
			continue
		}
		p := u.host(dir)
		fi, err := os.Lstat(p)
		switch {
		case err == nil && fi.Mode()&fs.ModeSymlink != 0:
			return fmt.Errorf("%w: entry %q would be written through symlink %q", ErrUnsafeArchive, name, dir)
		case err == nil && !fi.IsDir():
			return fmt.Errorf("%w: entry %q: parent %q is not a directory", ErrUnsafeArchive, name, dir)
		case err == nil:
		case errors.Is(err, fs.ErrNotExist):
			if err := os.Mkdir(p, 0o755); err != nil {
				return fmt.Errorf("creating directory %q: %w", dir, err)
			}
			// Implicit directories get what tar would give them.
			if _, ok := u.res.Meta["/"+dir]; !ok {
				u.res.Meta["/"+dir] = meta.File{Type: meta.TypeDir, Mode: 0o755}
			}
		default:
			return err
		}
		u.dirs[dir] = true
	}
	return nil
}

// makeDir creates a directory entry or keeps an existing directory; any other
// file in the way is replaced, as tar does.
func (u *unpacker) makeDir(rel, p string) error {
	if u.dirs[rel] {
		return nil
	}
	fi, err := os.Lstat(p)
	if err == nil && fi.IsDir() {
		u.dirs[rel] = true
		return nil
	}
	if err == nil {
		if err := os.Remove(p); err != nil {
			return fmt.Errorf("replacing %q: %w", rel, err)
		}
		u.forget(rel)
	}
	if err := os.Mkdir(p, 0o700); err != nil {
		return fmt.Errorf("creating directory %q: %w", rel, err)
	}
	u.dirs[rel] = true
	return nil
}

// clear removes whatever an earlier entry left at rel so that the new entry
// can be created with O_EXCL (which also refuses to follow a symlink there).
func (u *unpacker) clear(rel, p, name string) error {
	fi, err := os.Lstat(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if fi.IsDir() {
		if err := os.Remove(p); err != nil {
			return fmt.Errorf("entry %q replaces a directory that is not empty", name)
		}
		delete(u.fixes, rel)
	}
	u.forget(rel)
	if fi.IsDir() {
		return nil
	}
	return os.Remove(p)
}

// forget drops what the caches know after something is removed. Not just
// rel: on a case-insensitive or normalizing host (macOS, Windows) "A" may
// have removed the directory cached as "a", and a later "a/x" must see the
// symlink that replaces it.
func (u *unpacker) forget(rel string) {
	clear(u.dirs)
	u.dirs[""] = true
	delete(u.files, rel)
}

func (u *unpacker) writeFile(tr io.Reader, p string, hdr *tar.Header) error {
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("creating %q: %w", hdr.Name, err)
	}
	var w io.Writer = f
	if u.writeFault != nil {
		w = &faultWriter{w: f, fault: func() error { return u.writeFault(p) }}
	}
	n, err := io.CopyBuffer(w, io.LimitReader(tr, hdr.Size), u.buf)
	if err == nil && n != hdr.Size {
		err = io.ErrUnexpectedEOF
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		if errors.Is(err, ErrLimit) {
			return err
		}
		return fmt.Errorf("writing %q: %w", hdr.Name, cleanTarErr(err))
	}
	chmod(p, hostMode(hdr, false))
	setTimes(p, hdr.ModTime, false)
	return nil
}

// hardLink links rel to target, which must be a non-directory an earlier
// entry created: that rules out links to host files outside the root and,
// because an earlier entry's parents are real directories that cannot be
// replaced while non-empty, links through symlinks.
func (u *unpacker) hardLink(target, rel string, hdr *tar.Header) error {
	kind, ok := u.files[target]
	if !ok {
		return fmt.Errorf("%w: hard link %q -> %q: target is not an earlier file of the archive", ErrUnsafeArchive, hdr.Name, hdr.Linkname)
	}
	// Trust the file system over the bookkeeping (case-insensitive hosts
	// can alias names): the target's parents must be real directories and
	// the target itself is inspected without following it.
	if err := u.mkParents(target, hdr.Linkname); err != nil {
		return err
	}
	tp, p := u.host(target), u.host(rel)
	fi, err := os.Lstat(tp)
	switch {
	case err != nil:
		return fmt.Errorf("creating hard link %q: %w", hdr.Name, err)
	case fi.Mode()&fs.ModeSymlink != 0:
		kind = meta.TypeSymlink
	case fi.IsDir():
		return fmt.Errorf("%w: hard link %q -> %q: target is a directory", ErrUnsafeArchive, hdr.Name, hdr.Linkname)
	case kind == meta.TypeSymlink:
		kind = meta.TypeReg
	}
	if kind == meta.TypeSymlink {
		// link(2) follows symlinks on some hosts (darwin): copy the link
		// instead of risking a link to whatever it points at.
		dest, err := os.Readlink(tp)
		if err == nil {
			err = os.Symlink(dest, p)
		}
		if err != nil {
			return fmt.Errorf("creating hard link %q: %w", hdr.Name, err)
		}
		u.files[rel] = meta.TypeSymlink
		return nil
	}
	if err := os.Link(tp, p); err != nil {
		// File systems without hard links get a copy (of regular files
		// only: opening a FIFO to copy it would block).
		if !fi.Mode().IsRegular() {
			return fmt.Errorf("creating hard link %q: %w", hdr.Name, err)
		}
		if err := copyFile(tp, p); err != nil {
			return fmt.Errorf("creating hard link %q: %w", hdr.Name, err)
		}
	}
	u.files[rel] = kind
	return nil
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	fi, err := in.Stat()
	if err != nil {
		return err
	}
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, fi.Mode().Perm()|0o600)
	if err != nil {
		return err
	}
	_, err = io.Copy(out, in)
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	return err
}

// finish applies directory modes and times deepest first, after all their
// contents exist: a read-only directory must not stop later entries, and
// creating a child would bump the parent's mtime.
func (u *unpacker) finish() error {
	rels := make([]string, 0, len(u.fixes))
	for rel := range u.fixes {
		rels = append(rels, rel)
	}
	sort.Sort(sort.Reverse(sort.StringSlice(rels)))
	for _, rel := range rels {
		fix := u.fixes[rel]
		p := u.host(rel)
		chmod(p, fix.mode)
		setTimes(p, fix.mtime, false)
	}
	return nil
}

// hostMode is the mode a host file gets: the archive's, with the owner able
// to read and write (and search directories) so blink, standing in for the
// guest's root, can use and later delete the tree.
func hostMode(hdr *tar.Header, dir bool) os.FileMode {
	m := os.FileMode(hdr.Mode).Perm()
	if hdr.Mode&0o4000 != 0 {
		m |= os.ModeSetuid
	}
	if hdr.Mode&0o2000 != 0 {
		m |= os.ModeSetgid
	}
	if hdr.Mode&0o1000 != 0 {
		m |= os.ModeSticky
	}
	if dir {
		return m | 0o700
	}
	return m | 0o600
}

// chmod applies a mode, dropping the special bits when the host refuses
// them (some file systems and unprivileged users cannot set setgid).
func chmod(p string, m os.FileMode) {
	if os.Chmod(p, m) != nil {
		os.Chmod(p, m.Perm())
	}
}

func setTimes(p string, t time.Time, symlink bool) {
	if t.IsZero() {
		return
	}
	if symlink {
		lchtimes(p, t)
		return
	}
	os.Chtimes(p, t, t)
}

type faultWriter struct {
	w     io.Writer
	fault func() error
}

func (f *faultWriter) Write(p []byte) (int, error) {
	if err := f.fault(); err != nil {
		return 0, err
	}
	return f.w.Write(p)
}

// countReader counts the compressed bytes consumed.
type countReader struct {
	r io.Reader
	n int64
}

func (c *countReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// boundReader enforces MaxTotalSize and MaxRatio on the decompressed stream,
// so a bomb is stopped while it inflates, whatever the tar headers claim.
type boundReader struct {
	r   io.Reader
	in  *countReader
	n   int64
	lim Limits
}

func (b *boundReader) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	b.n += int64(n)
	if b.n > b.lim.MaxTotalSize {
		return n, fmt.Errorf("%w: more than %d bytes unpacked", ErrLimit, b.lim.MaxTotalSize)
	}
	if b.n > ratioGrace && b.n/b.lim.MaxRatio > b.in.n {
		return n, fmt.Errorf("%w: decompression ratio above %d:1 (a decompression bomb?)", ErrLimit, b.lim.MaxRatio)
	}
	return n, err
}

// decompress sniffs the magic number rather than trusting a file extension,
// so a mislabelled or extension-less download still works.
func decompress(r io.Reader) (io.Reader, func(), error) {
	br := bufio.NewReaderSize(r, 64<<10)
	magic, _ := br.Peek(6)
	nop := func() {}
	switch {
	case bytes.HasPrefix(magic, []byte{0x1f, 0x8b}):
		z, err := gzip.NewReader(br)
		if err != nil {
			return nil, nop, fmt.Errorf("reading gzip: %w", err)
		}
		return z, func() { z.Close() }, nil
	case bytes.HasPrefix(magic, []byte{0x28, 0xb5, 0x2f, 0xfd}):
		z, err := zstd.NewReader(br, zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxWindow(128<<20))
		if err != nil {
			return nil, nop, fmt.Errorf("reading zstd: %w", err)
		}
		return z, z.Close, nil
	case bytes.HasPrefix(magic, []byte{0xfd, '7', 'z', 'X', 'Z', 0}):
		z, err := xz.NewReader(br)
		if err != nil {
			return nil, nop, fmt.Errorf("reading xz: %w", err)
		}
		return z, nop, nil
	case bytes.HasPrefix(magic, []byte("BZh")):
		return bzip2.NewReader(br), nop, nil
	}
	return br, nop, nil
}

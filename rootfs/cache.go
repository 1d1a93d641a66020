package rootfs

import (
	"context"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/blink-go/blink/rootfs/meta"
	"hash"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Cache is a directory of unpacked images:
//
//	DIR/lock                           held while the cache changes
//	DIR/images/NAME/VERSION/rootfs/    the unpacked root (Entry.Path)
//	DIR/images/NAME/VERSION/rootfs.meta    ownership and modes (see meta.Write)
//	DIR/images/NAME/VERSION/info.json  source, checksum, tags, size, date
//	DIR/images/NAME/.tmp-*             an unpack in progress
//	DIR/tmp/*.part                     a download in progress
//
// An entry appears by renaming a finished .tmp- directory, so readers
// (Ensure's fast path, List) never see half an image and need no lock.
// Writers (Pull, Remove) take the lock, and remove .tmp- and .part
// leftovers of blinks that died, since nobody else can be writing them.
type Cache struct {
	Dir string

	// writeFault, when set (tests), is called before each write of a
	// download or an unpacked file; an error simulates a full disk.
	writeFault func(path string) error
}

// Options tune Pull and Ensure; the zero value (or nil) works.
type Options struct {
	// Mirror is the Alpine mirror (default $BLINK_ALPINE_MIRROR, else
	// DefaultAlpineMirror).
	Mirror string
	// AlpineBranch pins plain `alpine` to a branch such as "3.20"
	// (default $BLINK_ALPINE_BRANCH, else the mirror's latest-stable).
	AlpineBranch string
	// Progress receives the download bar and waiting notices. Nil means
	// stderr when it is a terminal, else silence; io.Discard silences.
	Progress io.Writer
	// Client replaces the HTTP client (default: connect, TLS and header
	// timeouts, no body timeout).
	Client *http.Client
	// StallTimeout abandons (then resumes) a download that receives
	// nothing for this long (default DefaultStallTimeout).
	StallTimeout time.Duration
	Limits       Limits
	// Force downloads and unpacks again even when the version is cached.
	Force bool
	// AllowUnverified accepts a URL image that has neither a #sha256=
	// fragment nor a checksum file beside it.
	AllowUnverified bool
}

// Entry is one cached image.
type Entry struct {
	Name    string    `json:"name"`
	Version string    `json:"version"`
	Branch  string    `json:"branch,omitempty"`
	Tags    []string  `json:"tags,omitempty"` // moving names that point here: latest, 3.20, edge
	Source  string    `json:"source"`         // URL or file it came from
	Sum     string    `json:"sum,omitempty"`  // "sha512:HEX" verified before unpacking
	Size    int64     `json:"size"`           // bytes of file contents unpacked
	Files   int       `json:"files"`          // archive entries
	Date    time.Time `json:"date"`           // when it was pulled
	Path    string    `json:"-"`              // the unpacked root
}

// Ref returns the name:version that selects exactly this entry.
func (e Entry) Ref() string { return e.Name + ":" + e.Version }

// DefaultCache is $BLINK_CACHE_DIR, else blink/ in the user's cache
// directory (~/.cache/blink, ~/Library/Caches/blink, %LocalAppData%\blink).
func DefaultCache() (*Cache, error) {
	if d := os.Getenv("BLINK_CACHE_DIR"); d != "" {
		return &Cache{Dir: d}, nil
	}
	d, err := os.UserCacheDir()
	if err != nil {
		return nil, fmt.Errorf("no cache directory (set BLINK_CACHE_DIR): %w", err)
	}
	return &Cache{Dir: filepath.Join(d, "blink")}, nil
}

// Path returns the cache directory.
func (c *Cache) Path() string { return c.Dir }

func (c *Cache) imagesDir() string { return filepath.Join(c.Dir, "images") }

func (c *Cache) entryDir(name, version string) string {
	return filepath.Join(c.imagesDir(), name, version)
}

// Ensure returns the root directory of ref, pulling it first if no cached
// entry matches. A cached match is used without touching the network, so
// `alpine:3.20` keeps meaning the 3.20.x pulled last until the next Pull.
func (c *Cache) Ensure(ctx context.Context, ref Ref, opts *Options) (string, error) {
	if e, ok, err := c.Lookup(ref); err != nil {
		return "", err
	} else if ok {
		return e.Path, nil
	}
	e, err := c.Pull(ctx, ref, opts)
	if err != nil {
		return "", err
	}
	return e.Path, nil
}

// Lookup finds the cached entry ref selects, if any.
func (c *Cache) Lookup(ref Ref) (Entry, bool, error) {
	entries, err := c.List()
	if err != nil {
		return Entry{}, false, err
	}
	for _, e := range entries {
		if ref.matches(e) {
			return e, true, nil
		}
	}
	return Entry{}, false, nil
}

func (r Ref) matches(e Entry) bool {
	switch r.Kind {
	case KindURL:
		return e.Name == "url" && e.Version == shortHash(r.URL)
	case KindFile:
		return e.Name == "file" && e.Version == fileVersion(r.Path)
	}
	if e.Name != r.Name {
		return false
	}
	tag := r.Tag
	if tag == "" {
		tag = "latest"
	}
	return e.Version == r.Tag || slices.Contains(e.Tags, tag)
}

// fileVersion names a local tarball's entry by path, size and mtime, so an
// edited file is unpacked again without hashing it on every run.
func fileVersion(path string) string {
	fi, err := os.Stat(path)
	if err != nil {
		return shortHash(path)
	}
	return shortHash(path + "\x00" + strconv.FormatInt(fi.Size(), 10) + "\x00" + fi.ModTime().UTC().Format(time.RFC3339Nano))
}

// Pull resolves ref, downloads and verifies the tarball, and unpacks it into
// the cache, unless that exact version is cached already (then only its tags
// move) or opts.Force is set. On any failure the cache is left as it was.
func (c *Cache) Pull(ctx context.Context, ref Ref, opts *Options) (Entry, error) {
	e, err := c.pull(ctx, ref, opts)
	if err != nil {
		return Entry{}, fmt.Errorf("pull %s: %w", ref, err)
	}
	return e, nil
}

func (c *Cache) pull(ctx context.Context, ref Ref, opts *Options) (Entry, error) {
	if opts == nil {
		opts = &Options{}
	}
	o := *opts
	if o.Progress == nil {
		o.Progress = terminalStderr()
	} else if o.Progress == io.Discard {
		o.Progress = nil
	}
	o.Limits = o.Limits.withDefaults()
	f := &fetcher{client: o.Client, stall: o.StallTimeout, progress: o.Progress, maxSize: o.Limits.MaxTotalSize, fault: c.writeFault}
	if f.client == nil {
		f.client = newClient()
	}

	unlock, err := c.lock(ctx, o.Progress)
	if err != nil {
		return Entry{}, err
	}
	defer unlock()

	src, err := c.resolve(ctx, f, ref, &o)
	if err != nil {
		return Entry{}, err
	}
	final := c.entryDir(src.Name, src.Version)
	if !o.Force {
		if e, err := readEntry(final); err == nil {
			return e, c.moveTags(e, src.Tags)
		}
	}
	if err := os.MkdirAll(filepath.Dir(final), 0o755); err != nil {
		return Entry{}, err
	}
	tmp, err := os.MkdirTemp(filepath.Dir(final), ".tmp-"+src.Version+"-")
	if err != nil {
		return Entry{}, err
	}
	installed := false
	defer func() {
		if !installed {
			removeTree(tmp)
		}
	}()

	e := Entry{Name: src.Name, Version: src.Version, Branch: src.Branch, Tags: src.Tags, Date: time.Now().UTC()}
	var tarball *os.File
	if src.File != "" {
		e.Source = src.File
		tarball, err = os.Open(src.File)
		if err != nil {
			return Entry{}, err
		}
	} else {
		e.Source = src.URL
		tarball, e.Sum, err = c.fetchVerified(ctx, f, src, &o)
		if err != nil {
			return Entry{}, err
		}
		defer os.Remove(tarball.Name())
	}
	defer tarball.Close()

	root := filepath.Join(tmp, "rootfs")
	if err := os.Mkdir(root, 0o755); err != nil {
		return Entry{}, err
	}
	u := newUnpacker(root, o.Limits)
	u.writeFault = c.writeFault
	if err := u.run(tarball); err != nil {
		return Entry{}, fmt.Errorf("unpacking %s: %w", filepath.Base(e.Source), err)
	}
	e.Size, e.Files = u.res.Bytes, u.res.Entries
	if err := meta.WriteFile(root, u.res.Meta); err != nil {
		return Entry{}, err
	}
	if err := writeInfo(tmp, e); err != nil {
		return Entry{}, err
	}

	// Swap into place. With Force the old version is first renamed aside:
	// a rename cannot replace a non-empty directory.
	if _, err := os.Lstat(final); err == nil {
		old := filepath.Join(filepath.Dir(final), ".tmp-old-"+filepath.Base(tmp))
		if err := os.Rename(final, old); err != nil {
			return Entry{}, err
		}
		defer removeTree(old)
	}
	if err := os.Rename(tmp, final); err != nil {
		return Entry{}, err
	}
	installed = true
	e.Path = filepath.Join(final, "rootfs")
	return e, c.moveTags(e, src.Tags)
}

func (c *Cache) resolve(ctx context.Context, f *fetcher, ref Ref, o *Options) (source, error) {
	switch ref.Kind {
	case KindURL:
		base := ref.URL
		if i := strings.IndexAny(base, "?"); i >= 0 {
			base = base[:i]
		}
		s := source{Name: "url", Version: shortHash(ref.URL), URL: ref.URL, Sum: ref.Sum}
		if ref.Sum.isZero() {
			s.SumURLs = []string{ref.URL + ".sha512", ref.URL + ".sha256"}
			if base != ref.URL {
				s.SumURLs = []string{base + ".sha512", base + ".sha256"}
			}
		}
		return s, nil
	case KindFile:
		fi, err := os.Stat(ref.Path)
		if err != nil {
			return source{}, err
		}
		if !fi.Mode().IsRegular() {
			return source{}, fmt.Errorf("%s is not a regular file", ref.Path)
		}
		return source{Name: "file", Version: fileVersion(ref.Path), File: ref.Path}, nil
	}
	resolve, ok := catalog[ref.Name]
	if !ok {
		return source{}, fmt.Errorf("unknown image %q", ref.Name)
	}
	return resolve(ctx, f, ref, o)
}

// fetchVerified downloads src into DIR/tmp and checks its checksum before
// anyone reads it. The checksum is fetched first, so a mirror without one
// costs no download.
func (c *Cache) fetchVerified(ctx context.Context, f *fetcher, src source, o *Options) (*os.File, string, error) {
	sum := src.Sum
	var sumErr error
	for _, u := range src.SumURLs {
		algo := strings.TrimPrefix(u[strings.LastIndexByte(u, '.'):], ".")
		b, err := f.getSmall(ctx, u, 64<<10)
		if err == nil {
			sum, err = parseSumFile(b, algo)
			if err != nil {
				return nil, "", fmt.Errorf("%s: %w", u, err)
			}
			break
		}
		if !errors.Is(err, errNotFound) {
			return nil, "", err
		}
		sumErr = err
	}
	if sum.isZero() && !o.AllowUnverified {
		return nil, "", fmt.Errorf("no checksum for %s (%v); append #sha256=HEX to the URL", src.URL, sumErr)
	}
	tmpDir := filepath.Join(c.Dir, "tmp")
	if err := os.MkdirAll(tmpDir, 0o755); err != nil {
		return nil, "", err
	}
	file, err := os.CreateTemp(tmpDir, src.Name+"-"+src.Version+"-*.part")
	if err != nil {
		return nil, "", err
	}
	fail := func(err error) (*os.File, string, error) {
		file.Close()
		os.Remove(file.Name())
		return nil, "", err
	}
	var h hash.Hash = sha512.New()
	if sum.Algo == "sha256" {
		h = sha256.New()
	}
	label := src.Name + ":" + src.Version
	if _, err := f.download(ctx, src.URL, file, h, label); err != nil {
		return fail(fmt.Errorf("downloading %s: %w", src.URL, err))
	}
	if err := file.Sync(); err != nil {
		return fail(err)
	}
	got := hex.EncodeToString(h.Sum(nil))
	if !sum.isZero() && got != sum.Hex {
		return fail(fmt.Errorf("checksum mismatch for %s: %s is %s, want %s", src.URL, sum.Algo, got, sum.Hex))
	}
	if _, err := file.Seek(0, io.SeekStart); err != nil {
		return fail(err)
	}
	if sum.isZero() {
		return file, "", nil
	}
	return file, sum.String(), nil
}

// moveTags gives e the tags and takes them from every other version of the
// same image, so a tag names one entry.
func (c *Cache) moveTags(e Entry, tags []string) error {
	if len(tags) == 0 {
		return nil
	}
	entries, err := c.List()
	if err != nil {
		return err
	}
	for _, o := range entries {
		if o.Name != e.Name {
			continue
		}
		before := len(o.Tags)
		if o.Version == e.Version {
			for _, t := range tags {
				if !slices.Contains(o.Tags, t) {
					o.Tags = append(o.Tags, t)
				}
			}
			sort.Strings(o.Tags)
		} else {
			o.Tags = slices.DeleteFunc(o.Tags, func(t string) bool { return slices.Contains(tags, t) })
		}
		if len(o.Tags) != before {
			if err := writeInfo(filepath.Dir(o.Path), o); err != nil {
				return err
			}
		}
	}
	return nil
}

func writeInfo(dir string, e Entry) error {
	b, err := json.MarshalIndent(e, "", "  ")
	if err != nil {
		return err
	}
	tmp := filepath.Join(dir, ".info.json.tmp")
	if err := os.WriteFile(tmp, append(b, '\n'), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, filepath.Join(dir, "info.json"))
}

func readEntry(dir string) (Entry, error) {
	var e Entry
	b, err := os.ReadFile(filepath.Join(dir, "info.json"))
	if err != nil {
		return e, err
	}
	if err := json.Unmarshal(b, &e); err != nil {
		return e, fmt.Errorf("%s: %w", filepath.Join(dir, "info.json"), err)
	}
	// The directory is the truth: a hand-edited info.json must not point
	// List or Remove elsewhere.
	e.Name, e.Version = filepath.Base(filepath.Dir(dir)), filepath.Base(dir)
	e.Path = filepath.Join(dir, "rootfs")
	return e, nil
}

// List returns the cached images sorted by name, then version.
func (c *Cache) List() ([]Entry, error) {
	names, err := os.ReadDir(c.imagesDir())
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []Entry
	for _, n := range names {
		if !n.IsDir() || strings.HasPrefix(n.Name(), ".") {
			continue
		}
		vers, err := os.ReadDir(filepath.Join(c.imagesDir(), n.Name()))
		if err != nil {
			return nil, err
		}
		for _, v := range vers {
			if !v.IsDir() || strings.HasPrefix(v.Name(), ".") {
				continue
			}
			dir := filepath.Join(c.imagesDir(), n.Name(), v.Name())
			e, err := readEntry(dir)
			if err != nil {
				// Keep it visible (and removable) even if its info is gone.
				e = Entry{Name: n.Name(), Version: v.Name(), Path: filepath.Join(dir, "rootfs")}
			}
			out = append(out, e)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Name != out[j].Name {
			return out[i].Name < out[j].Name
		}
		return versionLess(out[i].Version, out[j].Version)
	})
	return out, nil
}

// versionLess orders 3.9.1 before 3.20.0 by comparing digit runs as numbers.
func versionLess(a, b string) bool {
	for a != "" && b != "" {
		da, db := leadingDigits(a), leadingDigits(b)
		switch {
		case da > 0 && db > 0:
			na, _ := strconv.ParseUint(a[:da], 10, 64)
			nb, _ := strconv.ParseUint(b[:db], 10, 64)
			if na != nb {
				return na < nb
			}
			a, b = a[da:], b[db:]
		case a[0] != b[0]:
			return a[0] < b[0]
		default:
			a, b = a[1:], b[1:]
		}
	}
	return len(a) < len(b)
}

func leadingDigits(s string) int {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return i
}

// Remove deletes the entries that ref selects and returns them: NAME:VERSION
// or NAME:TAG as List shows them, a bare NAME (every version), or a URL or
// tarball path that was pulled.
func (c *Cache) Remove(ctx context.Context, ref string) ([]Entry, error) {
	unlock, err := c.lock(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer unlock()
	entries, err := c.List()
	if err != nil {
		return nil, err
	}
	var match func(Entry) bool
	name, tag, hasTag := strings.Cut(ref, ":")
	switch {
	case strings.HasPrefix(ref, "http://") || strings.HasPrefix(ref, "https://") || hasTarballExt(ref):
		r, err := Parse(ref)
		if err != nil {
			return nil, err
		}
		match = r.matches
	case !hasTag:
		match = func(e Entry) bool { return e.Name == name }
	default:
		match = func(e Entry) bool {
			return e.Name == name && (e.Version == tag || slices.Contains(e.Tags, tag))
		}
	}
	var removed []Entry
	for _, e := range entries {
		if !match(e) {
			continue
		}
		dir := filepath.Dir(e.Path)
		// Rename first so the entry vanishes at once even if deleting a
		// large tree is interrupted; the leftover is swept on next use.
		gone := filepath.Join(filepath.Dir(dir), ".tmp-rm-"+e.Version+"-"+strconv.FormatInt(time.Now().UnixNano(), 36))
		if err := os.Rename(dir, gone); err != nil {
			return removed, fmt.Errorf("remove %s: %w", e.Ref(), err)
		}
		if err := removeTree(gone); err != nil {
			return removed, fmt.Errorf("remove %s: %w", e.Ref(), err)
		}
		removed = append(removed, e)
	}
	if len(removed) == 0 {
		return nil, fmt.Errorf("no cached image matches %q", ref)
	}
	return removed, nil
}

// removeTree is os.RemoveAll that first makes directories writable, since
// unpacked roots hold read-only ones an unprivileged user cannot empty.
func removeTree(dir string) error {
	if err := os.RemoveAll(dir); err == nil {
		return nil
	}
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.IsDir() {
			os.Chmod(p, 0o700)
		}
		return nil
	})
	return os.RemoveAll(dir)
}

// lock takes the cache lock, waiting (and saying so once) while another
// blink holds it, and sweeps what dead writers left behind.
func (c *Cache) lock(ctx context.Context, notice io.Writer) (func(), error) {
	if err := os.MkdirAll(c.Dir, 0o755); err != nil {
		return nil, fmt.Errorf("cache directory: %w", err)
	}
	f, err := os.OpenFile(filepath.Join(c.Dir, "lock"), os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("cache lock: %w", err)
	}
	told := false
	for {
		busy, err := lockFile(f)
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("cache lock %s: %w", f.Name(), err)
		}
		if !busy {
			break
		}
		if !told && notice != nil {
			fmt.Fprintf(notice, "blink: waiting for another blink using the image cache %s\n", c.Dir)
			told = true
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, fmt.Errorf("waiting for the cache lock: %w", ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
	c.sweep()
	return func() {
		unlockFile(f)
		f.Close()
	}, nil
}

// sweep removes temporaries of interrupted pulls; the caller holds the lock.
func (c *Cache) sweep() {
	if parts, err := os.ReadDir(filepath.Join(c.Dir, "tmp")); err == nil {
		for _, p := range parts {
			os.Remove(filepath.Join(c.Dir, "tmp", p.Name()))
		}
	}
	names, _ := os.ReadDir(c.imagesDir())
	for _, n := range names {
		vers, _ := os.ReadDir(filepath.Join(c.imagesDir(), n.Name()))
		for _, v := range vers {
			if strings.HasPrefix(v.Name(), ".tmp-") {
				removeTree(filepath.Join(c.imagesDir(), n.Name(), v.Name()))
			}
		}
	}
}

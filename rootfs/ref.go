package rootfs

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// Kind says where an image comes from.
type Kind int

const (
	KindCatalog Kind = iota // a name the built-in catalog knows: alpine:3.20
	KindURL                 // an http(s) URL of a tarball
	KindFile                // a local tarball
)

// Ref is a parsed image reference.
type Ref struct {
	Kind Kind
	Name string // catalog name ("alpine"); "url" or "file" for the others
	// Tag is what was asked for: "" (the newest stable), a branch
	// ("3.20"), an exact version ("3.20.3") or "edge". Empty for URLs and
	// files.
	Tag  string
	URL  string // KindURL: without the #fragment
	Path string // KindFile: absolute
	// Sum is a checksum given with a URL as #sha256=HEX or #sha512=HEX.
	Sum checksum
	raw string
}

// String returns the reference as the user would write it.
func (r Ref) String() string {
	switch r.Kind {
	case KindURL:
		return r.URL
	case KindFile:
		return r.Path
	}
	if r.Tag == "" {
		return r.Name
	}
	return r.Name + ":" + r.Tag
}

type checksum struct {
	Algo string // "sha256" or "sha512"
	Hex  string // lower case
}

func (c checksum) String() string { return c.Algo + ":" + c.Hex }

// ErrNotImage is returned by Parse for something that is not an image
// reference, such as a plain directory (which the CLI uses as a root as is).
var ErrNotImage = errors.New("not an image reference")

var (
	nameRE    = regexp.MustCompile(`^[a-z][a-z0-9-]*$`)
	versionRE = regexp.MustCompile(`^[0-9]+\.[0-9]+(\.[0-9]+)?([_.-][0-9A-Za-z.]+)?$`)
	hexRE     = regexp.MustCompile(`^[0-9a-fA-F]+$`)
)

// tarballExts are the local file names Parse accepts as images.
var tarballExts = []string{".tar", ".tar.gz", ".tgz", ".tar.zst", ".tzst", ".tar.xz", ".txz", ".tar.bz2"}

// Parse reads an image reference:
//
//	alpine, alpine:latest      the newest stable Alpine
//	alpine:3.20                the newest 3.20.x
//	alpine:3.20.3              exactly that release
//	alpine:edge                the current edge snapshot
//	https://host/x.tar.gz[#sha256=HEX]   a tarball by URL
//	./x.tar.gz, /abs/x.tar.xz  a local tarball (.tar, .tar.gz, .tgz, .tar.zst, .tar.xz, .tar.bz2)
//
// A directory is not an image: Parse returns ErrNotImage, and so it does for
// a name that is neither in the catalog nor a tarball path. Callers that
// accept both a root directory and an image should test for a directory
// first.
func Parse(ref string) (Ref, error) {
	if ref == "" {
		return Ref{}, fmt.Errorf("%w: empty", ErrNotImage)
	}
	if strings.HasPrefix(ref, "https://") || strings.HasPrefix(ref, "http://") {
		return parseURL(ref)
	}
	if fi, err := os.Stat(ref); err == nil && fi.IsDir() {
		return Ref{}, fmt.Errorf("%w: %s is a directory", ErrNotImage, ref)
	}
	if hasTarballExt(ref) || strings.ContainsAny(ref, `/\`) {
		if !hasTarballExt(ref) {
			return Ref{}, fmt.Errorf("%w: %s is not a tarball (want %s)", ErrNotImage, ref, strings.Join(tarballExts, ", "))
		}
		abs, err := filepath.Abs(ref)
		if err != nil {
			return Ref{}, err
		}
		return Ref{Kind: KindFile, Name: "file", Path: abs, raw: ref}, nil
	}
	name, tag, _ := strings.Cut(ref, ":")
	if !nameRE.MatchString(name) {
		return Ref{}, fmt.Errorf("%w: %q", ErrNotImage, ref)
	}
	if _, ok := catalog[name]; !ok {
		return Ref{}, fmt.Errorf("%w: unknown image %q (known: %s)", ErrNotImage, name, strings.Join(catalogNames(), ", "))
	}
	if tag == "latest" {
		tag = ""
	}
	if tag != "" && tag != "edge" && !versionRE.MatchString(tag) {
		return Ref{}, fmt.Errorf("bad tag %q in %q: want a version such as 3.20 or 3.20.3, edge or latest", tag, ref)
	}
	return Ref{Kind: KindCatalog, Name: name, Tag: tag, raw: ref}, nil
}

func hasTarballExt(s string) bool {
	s = strings.ToLower(s)
	for _, e := range tarballExts {
		if strings.HasSuffix(s, e) {
			return true
		}
	}
	return false
}

func parseURL(ref string) (Ref, error) {
	u, err := url.Parse(ref)
	if err != nil || u.Host == "" {
		return Ref{}, fmt.Errorf("bad image URL %q", ref)
	}
	r := Ref{Kind: KindURL, Name: "url", raw: ref}
	if u.Fragment != "" {
		algo, hx, ok := strings.Cut(u.Fragment, "=")
		want := map[string]int{"sha256": 64, "sha512": 128}[algo]
		if !ok || want == 0 || len(hx) != want || !hexRE.MatchString(hx) {
			return Ref{}, fmt.Errorf("bad checksum %q in image URL: want #sha256=<64 hex digits> or #sha512=<128 hex digits>", u.Fragment)
		}
		r.Sum = checksum{algo, strings.ToLower(hx)}
	}
	u.Fragment, u.RawFragment = "", ""
	r.URL = u.String()
	return r, nil
}

// shortHash names URL and file images in the cache.
func shortHash(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:6])
}

package rootfs

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strings"
)

// source is a resolved image: what to download and how to check it.
type source struct {
	Name, Version string
	Branch        string   // catalog branch ("v3.20", "edge"), informational
	Tags          []string // tags this pull moves onto the entry
	URL           string   // tarball to download ("" for KindFile)
	File          string   // KindFile: the local tarball
	SumURLs       []string // checksum files to try in order, then
	Sum           checksum // the checksum known without them
}

// catalog maps image names to resolvers. It is tiny on purpose: an image
// needs a stable download layout and published checksums to be listed.
var catalog = map[string]func(ctx context.Context, f *fetcher, ref Ref, o *Options) (source, error){
	"alpine": resolveAlpine,
}

func catalogNames() []string {
	var names []string
	for n := range catalog {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// DefaultAlpineMirror serves Alpine releases; BLINK_ALPINE_MIRROR or
// Options.Mirror replace it (the URL of the directory holding v3.20/,
// edge/, latest-stable/).
const DefaultAlpineMirror = "https://dl-cdn.alpinelinux.org/alpine"

// AlpineBranches are the stable branches known when this blink was
// released, newest first. Plain `alpine` follows the mirror's latest-stable
// directory; this list is the fallback for mirrors without one. Update it
// with each Alpine release; BLINK_ALPINE_BRANCH or Options.AlpineBranch
// pins `alpine` to a branch instead.
var AlpineBranches = []string{"3.22", "3.21", "3.20"}

// guestArch is the only architecture blink runs.
const guestArch = "x86_64"

var (
	alpineFileRE    = regexp.MustCompile(`^alpine-minirootfs-[0-9A-Za-z._-]+\.tar\.gz$`)
	alpineVersionRE = regexp.MustCompile(`^([0-9]+\.[0-9]+(\.[0-9]+)?([_.-][0-9A-Za-z.]+)?|[0-9]{8})$`)
	branchRE        = regexp.MustCompile(`^v?([0-9]+\.[0-9]+)$`)
)

func resolveAlpine(ctx context.Context, f *fetcher, ref Ref, o *Options) (source, error) {
	mirror := o.mirror()
	tag := ref.Tag
	switch {
	case tag == "edge":
		return alpineFromYAML(ctx, f, mirror, "edge", "edge")
	case tag == "":
		if b := o.alpineBranch(); b != "" {
			m := branchRE.FindStringSubmatch(b)
			if m == nil {
				return source{}, fmt.Errorf("bad Alpine branch %q: want a version such as 3.20", b)
			}
			return alpineFromYAML(ctx, f, mirror, "v"+m[1], "latest")
		}
		s, err := alpineFromYAML(ctx, f, mirror, "latest-stable", "latest")
		if !errors.Is(err, errNotFound) {
			return s, err
		}
		for _, b := range AlpineBranches {
			s, err = alpineFromYAML(ctx, f, mirror, "v"+b, "latest")
			if !errors.Is(err, errNotFound) {
				return s, err
			}
		}
		return source{}, fmt.Errorf("no stable Alpine branch found on %s: %w", mirror, err)
	case strings.Count(tag, ".") == 1 && branchRE.MatchString(tag):
		return alpineFromYAML(ctx, f, mirror, "v"+tag, tag)
	}
	// An exact release needs no index: its path is known.
	parts := strings.SplitN(tag, ".", 3)
	branch := "v" + parts[0] + "." + parts[1]
	file := "alpine-minirootfs-" + tag + "-" + guestArch + ".tar.gz"
	return alpineSource(mirror, branch, tag, file, []string{tag}), nil
}

func alpineSource(mirror, branch, version, file string, tags []string) source {
	dir := mirror + "/" + branch + "/releases/" + guestArch + "/"
	return source{
		Name: "alpine", Version: version, Branch: branch, Tags: tags,
		URL:     dir + file,
		SumURLs: []string{dir + file + ".sha512", dir + file + ".sha256"},
	}
}

// alpineFromYAML reads latest-releases.yaml of one branch directory and
// picks the minirootfs. For latest-stable the branch the index names is
// used, so the entry records v3.20 and the download URL is the canonical one.
func alpineFromYAML(ctx context.Context, f *fetcher, mirror, dir, tag string) (source, error) {
	u := mirror + "/" + dir + "/releases/" + guestArch + "/latest-releases.yaml"
	body, err := f.getSmall(ctx, u, 1<<20)
	if err != nil {
		return source{}, err
	}
	for _, rel := range parseReleasesYAML(body) {
		if rel["flavor"] != "alpine-minirootfs" {
			continue
		}
		ver, file, branch := rel["version"], rel["file"], rel["branch"]
		// The index comes from the network: nothing in it may steer a
		// path or URL beyond the release directory.
		if !alpineVersionRE.MatchString(ver) || !alpineFileRE.MatchString(file) {
			return source{}, fmt.Errorf("%s: bad minirootfs entry (version %q, file %q)", u, ver, file)
		}
		if m := branchRE.FindStringSubmatch(branch); dir == "latest-stable" && m != nil {
			dir = "v" + m[1]
		}
		s := alpineSource(mirror, dir, ver, file, []string{tag})
		if sum := rel["sha512"]; len(sum) == 128 && hexRE.MatchString(sum) {
			s.Sum = checksum{"sha512", strings.ToLower(sum)}
		} else if sum := rel["sha256"]; len(sum) == 64 && hexRE.MatchString(sum) {
			s.Sum = checksum{"sha256", strings.ToLower(sum)}
		}
		// The checksum files beside the tarball are tried first; the
		// index's copy is used only when the mirror lacks them.
		return s, nil
	}
	return source{}, fmt.Errorf("%s lists no alpine-minirootfs for %s", u, guestArch)
}

func (c checksum) isZero() bool { return c.Algo == "" }

// parseReleasesYAML reads the flat list of maps in latest-releases.yaml
// ("-" starts an item, "  key: value" fills it). Continuation lines of
// multi-line strings are skipped; no value blink uses spans lines. A YAML
// library would be heavier than the file is.
func parseReleasesYAML(b []byte) []map[string]string {
	var out []map[string]string
	var cur map[string]string
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), "\r")
		t := strings.TrimSpace(line)
		if t == "---" || t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		if strings.HasPrefix(t, "-") {
			cur = map[string]string{}
			out = append(out, cur)
			t = strings.TrimSpace(t[1:])
			if t == "" {
				continue
			}
		}
		if cur == nil {
			continue
		}
		k, v, ok := strings.Cut(t, ":")
		if !ok || strings.ContainsAny(k, " \t\"") {
			continue
		}
		v = strings.TrimSpace(v)
		if len(v) >= 2 && (v[0] == '"' || v[0] == '\'') && v[len(v)-1] == v[0] {
			v = v[1 : len(v)-1]
		}
		cur[k] = v
	}
	return out
}

func (o *Options) mirror() string {
	m := o.Mirror
	if m == "" {
		m = os.Getenv("BLINK_ALPINE_MIRROR")
	}
	if m == "" {
		m = DefaultAlpineMirror
	}
	return strings.TrimRight(m, "/")
}

func (o *Options) alpineBranch() string {
	if o.AlpineBranch != "" {
		return o.AlpineBranch
	}
	return os.Getenv("BLINK_ALPINE_BRANCH")
}

// Package meta is the format of the file beside an unpacked root that
// records what the host could not store (owners, modes, device numbers):
// rootfs writes it when unpacking and fs/fakeroot reads and appends to it.
package meta

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// File is what the tarball says about one file and the host may be unable
// to store: owner, full mode, file type and device numbers. The fake-root
// layer serves these to the guest.
type File struct {
	Type         byte   // TypeReg, TypeDir, ...
	Mode         uint32 // permission bits plus setuid, setgid and sticky (07777)
	Uid, Gid     int
	Major, Minor uint32 // device numbers of TypeChar and TypeBlock
	// Link is a symlink's target, verbatim, or for TypeHardlink the
	// absolute in-root path of the file it links to (same host inode).
	Link string
}

// File types, as `ls -l` prints them.
const (
	TypeReg      byte = '-'
	TypeDir      byte = 'd'
	TypeSymlink  byte = 'l'
	TypeHardlink byte = 'h'
	TypeChar     byte = 'c'
	TypeBlock    byte = 'b'
	TypeFifo     byte = 'p'
	// TypeRemoved is never written by Unpack: the fake-root store
	// (fs/fakeroot) appends it when a file with metadata is deleted, so
	// that a later line for a path overrides an earlier one and a reader
	// keeping the last line per path sees the current state.
	TypeRemoved byte = 'x'
)

// types are the valid TYPE characters.
var types = string([]byte{TypeReg, TypeDir, TypeSymlink, TypeHardlink, TypeChar, TypeBlock, TypeFifo, TypeRemoved})

// header opens every metadata file; the number is the format version.
const header = "blink-rootfs-meta 1"

// Path is where the metadata of an unpacked root lives: beside it, so
// the guest can neither see nor change it.
func Path(root string) string { return filepath.Clean(root) + ".meta" }

// Write stores m in the format Load reads: a header line,
// then one line per path, sorted:
//
//	TYPE MODE UID GID MAJOR MINOR PATH [LINK]
//
// TYPE is one character (- d l h c b p), MODE is octal, PATH is absolute
// inside the root. PATH and LINK are written bare when they consist of
// printable ASCII without spaces, quotes or backslashes, else as Go quoted
// strings. Example: `- 0640 0 42 0 0 /etc/shadow`.
func Write(w io.Writer, m map[string]File) error {
	paths := make([]string, 0, len(m))
	for p := range m {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	bw := bufio.NewWriter(w)
	fmt.Fprintln(bw, header)
	for _, p := range paths {
		bw.WriteString(FormatLine(p, m[p]))
	}
	return bw.Flush()
}

// Header is the first line of every metadata file, newline included.
const Header = header + "\n"

// FormatLine is one line of the format, newline included: appending
// lines to a metadata file is how the fake-root store records changes
// (Read keeps the last line of each path).
func FormatLine(p string, e File) string {
	s := fmt.Sprintf("%c %04o %d %d %d %d %s", e.Type, e.Mode, e.Uid, e.Gid, e.Major, e.Minor, quote(p))
	if e.Link != "" {
		s += " " + quote(e.Link)
	}
	return s + "\n"
}

func quote(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c >= 0x7f || c == '"' || c == '\\' {
			return strconv.Quote(s)
		}
	}
	if s == "" {
		return `""`
	}
	return s
}

// field splits off one bare or quoted field.
func field(s string) (field, rest string, err error) {
	if strings.HasPrefix(s, `"`) {
		q, err := strconv.QuotedPrefix(s)
		if err != nil {
			return "", "", err
		}
		field, err = strconv.Unquote(q)
		return field, strings.TrimPrefix(s[len(q):], " "), err
	}
	field, rest, _ = strings.Cut(s, " ")
	return field, rest, nil
}

// Read parses the format Write writes; when a path has
// several lines, the last one counts.
func Read(r io.Reader) (map[string]File, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	if !sc.Scan() || sc.Text() != header {
		return nil, errors.New("not a blink rootfs metadata file (bad header)")
	}
	m := map[string]File{}
	for line := 2; sc.Scan(); line++ {
		var e File
		var typ string
		text := sc.Text()
		f := strings.SplitN(text, " ", 7)
		if len(f) != 7 || len(f[0]) != 1 || !strings.Contains(types, f[0]) {
			return nil, fmt.Errorf("metadata line %d: malformed", line)
		}
		typ = f[0]
		mode, err1 := strconv.ParseUint(f[1], 8, 32)
		uid, err2 := strconv.Atoi(f[2])
		gid, err3 := strconv.Atoi(f[3])
		maj, err4 := strconv.ParseUint(f[4], 10, 32)
		min, err5 := strconv.ParseUint(f[5], 10, 32)
		if err := errors.Join(err1, err2, err3, err4, err5); err != nil {
			return nil, fmt.Errorf("metadata line %d: malformed number", line)
		}
		e.Type, e.Mode, e.Uid, e.Gid, e.Major, e.Minor = typ[0], uint32(mode), uid, gid, uint32(maj), uint32(min)
		p, rest, err := field(f[6])
		if err == nil && rest != "" {
			e.Link, rest, err = field(rest)
		}
		if err != nil || rest != "" || !strings.HasPrefix(p, "/") {
			return nil, fmt.Errorf("metadata line %d: malformed path", line)
		}
		m[p] = e
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading metadata: %w", err)
	}
	return m, nil
}

// Load reads the metadata recorded when root was unpacked, keyed by
// absolute in-root path ("/", "/etc/shadow").
func Load(root string) (map[string]File, error) {
	f, err := os.Open(Path(root))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	m, err := Read(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", Path(root), err)
	}
	return m, nil
}

func WriteFile(root string, m map[string]File) error {
	f, err := os.OpenFile(Path(root), os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	err = Write(f, m)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

package loader

import (
	"bytes"

	"github.com/blink-go/blink/core/abi"
)

// Actually Portable Executables begin with a shell script that is also a
// DOS header ("MZqFpD='") or, for shell-only builds, "jartsr='". When a
// Unix shell runs one, the script rewrites the file's first 64 bytes with
// a real ELF header it carries inline as a printf statement of octal
// escapes ("printf '\177ELF\2\1\1\011..." >&7), then re-executes it.
// Blink (and this loader) skip the rewrite: decode that header from the
// first apeScan bytes and load the ELF it describes from the same file;
// its program headers and segments refer to offsets in this file.

const apeScan = 4096

func isAPE(buf []byte) bool {
	return len(buf) >= 8 && (string(buf[:8]) == "MZqFpD='" || string(buf[:8]) == "jartsr='")
}

// apeHeader finds the printf statement carrying the ELF header and
// decodes it. Every printf in the scanned area is tried, so other printf
// statements earlier in the script do not hide the header.
func apeHeader(f File, path string) ([]byte, *Error) {
	buf := make([]byte, min(apeScan, f.Size()))
	if n, _ := f.ReadAt(buf, 0); n < len(buf) {
		return nil, errorf(abi.EIO, path, "short read of APE header")
	}
	const stmt = "printf '"
	why := "no printf statement with an ELF header in the first 4096 bytes"
	for rest := buf; ; {
		i := bytes.Index(rest, []byte(stmt))
		if i < 0 {
			break
		}
		rest = rest[i+len(stmt):]
		hdr, ok := decodePrintf(rest)
		switch {
		case !ok:
			why = "unterminated or oversized printf ELF header"
		case len(hdr) != abi.SizeofElf64Ehdr:
			why = "printf ELF header is not 64 bytes"
		case string(hdr[:4]) != abi.ELFMAG:
			why = "printf ELF header has no ELF magic"
		default:
			return hdr, nil
		}
	}
	return nil, errorf(abi.ENOEXEC, path, "bad APE: ", why)
}

// decodePrintf decodes a single-quoted printf format up to the closing
// quote: \NNN octal escapes (one to three digits) and \\ become bytes,
// everything else is literal. It stops after 64 output bytes plus one, as
// only an exact 64-byte header is useful.
func decodePrintf(s []byte) ([]byte, bool) {
	out := make([]byte, 0, abi.SizeofElf64Ehdr+1)
	for i := 0; i < len(s); {
		c := s[i]
		i++
		switch {
		case c == '\'':
			return out, true
		case c == '\\' && i < len(s) && s[i] == '\\':
			i++
		case c == '\\' && i < len(s) && '0' <= s[i] && s[i] <= '7':
			v := 0
			for n := 0; n < 3 && i < len(s) && '0' <= s[i] && s[i] <= '7'; n++ {
				v = v*8 + int(s[i]-'0')
				i++
			}
			c = byte(v)
		}
		if len(out) > abi.SizeofElf64Ehdr {
			return nil, false
		}
		out = append(out, c)
	}
	return nil, false
}

package loader

import "bytes"

// parseShebang parses a "#!" line the way Linux's binfmt_script does
// (fs/binfmt_script.c, 5.0 and later). buf is the kernel's bprm->buf: the
// first 256 bytes of the file, zero-padded. The line ends at the first
// newline; without one in the buffer the interpreter name must still be
// followed by a space, tab or NUL, so a truncated path is never run, while a
// truncated argument is accepted. Everything after the interpreter name is
// one argument, with surrounding spaces and tabs trimmed; a NUL ends a
// field early, as it does in C.
func parseShebang(b []byte) (interp, arg, why string) {
	last := len(b) - 1 // buf_end
	end := bytes.IndexByte(b, '\n')
	if end < 0 {
		first := nextNonSpaceTab(b, 2, last)
		if first < 0 {
			return "", "", "#! line has no interpreter"
		}
		if nextTerminator(b, first, last) < 0 {
			return "", "", "#! interpreter path is longer than the 256-byte line limit"
		}
		end = last
	}
	for end > 2 && spaceTab(b[end-1]) {
		end--
	}
	name := nextNonSpaceTab(b, 2, end)
	if name < 0 || name == end {
		return "", "", "#! line has no interpreter"
	}
	argAt := -1
	sep := nextTerminator(b, name, end)
	if sep >= 0 && b[sep] != 0 {
		argAt = nextNonSpaceTab(b, sep, end)
	}
	// The kernel writes NULs at end (and at sep when there is an
	// argument), then treats both fields as C strings.
	if argAt >= 0 {
		interp = cstring(b[name:sep])
		arg = cstring(b[argAt:end])
	} else {
		interp = cstring(b[name:end])
	}
	return interp, arg, ""
}

func spaceTab(c byte) bool { return c == ' ' || c == '\t' }

// nextNonSpaceTab and nextTerminator scan b[first..last], inclusive like
// the kernel's helpers, and return -1 when nothing matches.
func nextNonSpaceTab(b []byte, first, last int) int {
	for ; first <= last && first < len(b); first++ {
		if !spaceTab(b[first]) {
			return first
		}
	}
	return -1
}

func nextTerminator(b []byte, first, last int) int {
	for ; first <= last && first < len(b); first++ {
		if spaceTab(b[first]) || b[first] == 0 {
			return first
		}
	}
	return -1
}

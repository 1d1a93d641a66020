package mem

import "github.com/blink-go/blink/core/abi"

// Kernel-facing copies. They validate the whole range against the mapping
// list first and copy nothing on failure (EFAULT), rather than Linux's
// copy-up-to-the-fault: syscalls then fail cleanly with no partial side
// effects. A host fault racing with another thread's munmap is recovered
// and also reported as EFAULT; they never panic.

// accessible reports whether every byte of [a, a+n) is mapped with the
// needed access. Callers hold s.mu.
func (s *Space) accessible(a, n uint64, write bool) bool {
	if n == 0 {
		return true
	}
	end := a + n
	if end < a {
		return false
	}
	pos := a
	for i := s.index(a); i < len(s.vmas) && pos < end; i++ {
		v := &s.vmas[i]
		if v.Start > pos || v.Prot == 0 || (write && v.Prot&ProtWrite == 0) {
			return false
		}
		pos = v.End
	}
	return pos >= end
}

// CopyIn copies guest memory at a into dst for the kernel.
func (s *Space) CopyIn(a uint64, dst []byte) (err abi.Errno) {
	s.mu.Lock()
	ok := s.accessible(a, uint64(len(dst)), false)
	s.mu.Unlock()
	if !ok {
		return abi.EFAULT
	}
	defer func() {
		if recover() != nil {
			err = abi.EFAULT
		}
	}()
	s.Load(a, dst)
	return 0
}

// CopyOut copies src to guest memory at a for the kernel, first calling
// OnCodeWrite for every code page it will overwrite.
func (s *Space) CopyOut(a uint64, src []byte) (err abi.Errno) {
	n := uint64(len(src))
	s.mu.Lock()
	if !s.accessible(a, n, true) {
		s.mu.Unlock()
		return abi.EFAULT
	}
	var code []uint64
	if n > 0 && len(s.code) > 0 {
		for p := a &^ pageMask; p < a+n; p += pageSize {
			if s.unprotectCode(p) {
				code = append(code, p)
			}
		}
	}
	s.mu.Unlock()
	s.invalidate(code)
	defer func() {
		if recover() != nil {
			err = abi.EFAULT
		}
	}()
	s.Store(a, src)
	return 0
}

// ReadCString reads a NUL-terminated string of at most max bytes (NUL
// excluded) at a. Without a NUL in the first max bytes it returns the
// max bytes read and ENAMETOOLONG; an unreadable byte before the NUL
// gives EFAULT.
func (s *Space) ReadCString(a uint64, max int) (str string, err abi.Errno) {
	defer func() {
		if recover() != nil {
			str, err = "", abi.EFAULT
		}
	}()
	var buf []byte
	for len(buf) < max {
		s.mu.Lock()
		ok := s.accessible(a, 1, false)
		s.mu.Unlock()
		if !ok {
			return "", abi.EFAULT
		}
		chunk := s.span(a, false)
		if rest := max - len(buf); len(chunk) > rest {
			chunk = chunk[:rest]
		}
		for i, c := range chunk {
			if c == 0 {
				return string(append(buf, chunk[:i]...)), 0
			}
		}
		buf = append(buf, chunk...)
		a += uint64(len(chunk))
	}
	return string(buf), abi.ENAMETOOLONG
}

// Fetch copies up to len(dst) executable bytes at a into dst for the
// decoder. It stops at the first page that is unmapped or not PROT_EXEC
// and returns the count; it never panics.
func (s *Space) Fetch(a uint64, dst []byte) (n int) {
	defer func() {
		recover() // a racing munmap: n bytes were fetched
	}()
	for n < len(dst) {
		p := a + uint64(n)
		s.mu.Lock()
		v := s.find(p)
		exec := v != nil && v.Prot&ProtExec != 0
		s.mu.Unlock()
		if !exec {
			return n
		}
		n += copy(dst[n:], s.span(p, false))
	}
	return n
}

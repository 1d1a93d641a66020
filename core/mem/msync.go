package mem

// Support for msync(2) and mlock(2): which parts of a range are mapped,
// and the contents of MAP_SHARED file mappings. Those mappings are backed
// by memory of blink's own (host shared memory filled from the file, or
// Virtual pages), not by the file's page cache, so the kernel writes
// their contents back to the file itself.

// FileSpan is part of a MAP_SHARED file mapping.
type FileSpan struct {
	Start, End uint64
	File       File
	Offset     int64 // file offset of Start
	// Direct spans are the host file itself, mapped MAP_SHARED from the
	// host (Linear mode): already coherent, nothing to write back.
	Direct bool
}

// SharedFileSpans returns the MAP_SHARED file mappings that meet
// [lo, hi), clipped to it, in address order, and whether some of the
// range is not mapped at all.
func (s *Space) SharedFileSpans(lo, hi uint64) (spans []FileSpan, hole bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	pos := lo
	for i := s.index(lo); i < len(s.vmas) && s.vmas[i].Start < hi; i++ {
		v := &s.vmas[i]
		if v.Start > pos {
			hole = true
		}
		a, b := max(v.Start, lo), min(v.End, hi)
		if v.shared() && v.file != nil {
			direct := v.obj != nil && !v.obj.owned && b <= s.reserve
			spans = append(spans, FileSpan{Start: a, End: b, File: v.file, Offset: v.Offset + int64(a-v.Start), Direct: direct})
		}
		pos = v.End
	}
	return spans, hole || pos < hi
}

// Covers reports whether every page of [lo, hi) is mapped.
func (s *Space) Covers(lo, hi uint64) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	pos := lo
	for i := s.index(lo); i < len(s.vmas) && s.vmas[i].Start < hi && pos < hi; i++ {
		if s.vmas[i].Start > pos {
			return false
		}
		pos = s.vmas[i].End
	}
	return pos >= hi
}

// ReadShared copies the current contents of [a, a+len(dst)), a part of
// span, whatever the pages' protection. It returns false when that memory
// is no longer the same file at the same offset (unmapped or replaced
// since SharedFileSpans).
func (s *Space) ReadShared(span FileSpan, a uint64, dst []byte) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	end := a + uint64(len(dst))
	for pos := a; pos < end; {
		v := s.find(pos)
		if v == nil || !v.shared() || v.file == nil || !sameFile(v.file, span.File) ||
			v.Offset+int64(pos-v.Start) != span.Offset+int64(pos-span.Start) {
			return false
		}
		n := min(v.End, end) - pos
		s.readRaw(v, pos, dst[pos-a:pos-a+n])
		pos += n
	}
	return true
}

package mem

// SharedKey names the memory behind guest address a independently of the
// address space, for futexes shared between processes (Linux's
// get_futex_key for a MAP_SHARED mapping: the backing object and the
// offset in it). ok is false for private memory, whose futexes the caller
// keys by Space and address instead.
//
// The key is the host shared-memory object and offset in Linear mode, and
// the resident page itself in Virtual mode (Clone shares the page between
// the spaces that map it, see cloneInto).
func (s *Space) SharedKey(a uint64) (obj any, off uint64, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v := s.find(a)
	if v == nil || !v.shared() {
		return nil, 0, false
	}
	if v.obj != nil {
		return v.obj, v.objOff + (a - v.Start), true
	}
	if a >= s.reserve {
		p := s.resident(v, a&^pageMask)
		return p.data, a & pageMask, true
	}
	return nil, 0, false
}

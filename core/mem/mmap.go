package mem

import "github.com/blink-go/blink/core/abi"

// stackGuardGap is Linux's default stack_guard_gap (256 pages): placements
// keep this much room below a MAP_GROWSDOWN mapping.
const stackGuardGap = 256 << pageShift

const legacyMapMask = abi.MAP_SHARED | abi.MAP_PRIVATE | abi.MAP_FIXED | abi.MAP_ANONYMOUS |
	abi.MAP_DENYWRITE | abi.MAP_EXECUTABLE | abi.MAP_UNINITIALIZED | abi.MAP_GROWSDOWN |
	abi.MAP_LOCKED | abi.MAP_NORESERVE | abi.MAP_POPULATE | abi.MAP_NONBLOCK | abi.MAP_STACK |
	abi.MAP_HUGETLB | abi.MAP_32BIT | abi.MAP_FIXED_NOREPLACE | hugeMask

// hugeMask covers the MAP_HUGE_* page-size bits (26 and up); written so it
// fits a 32-bit int.
const hugeMask = -(1 << 26)

func pageAlign(n uint64) uint64 { return (n + pageMask) &^ pageMask }

// startGap is where placements must stop below v (vm_start_gap).
func (v *vma) startGap() uint64 {
	if v.Flags&abi.MAP_GROWSDOWN != 0 && v.Start > stackGuardGap {
		return v.Start - stackGuardGap
	}
	if v.Flags&abi.MAP_GROWSDOWN != 0 {
		return 0
	}
	return v.Start
}

// hintFree reports whether [a, a+n) is free including guard gaps.
func (s *Space) hintFree(a, n uint64) bool {
	i := s.index(a)
	if i < len(s.vmas) && a+n > s.vmas[i].startGap() {
		return false
	}
	return true
}

// place finds room for n bytes: the hint if free, else the highest gap
// below mmapBase (Linux's top-down allocator), else bottom-up above it.
func (s *Space) place(hint, n uint64) (uint64, abi.Errno) {
	if hint != 0 && hint+n <= taskSize && hint+n > hint && s.hintFree(hint, n) {
		return hint, 0
	}
	lowest := uint64(mmapMinAddr)
	top := s.mmapBase
	// Walk gaps from the top down.
	for i := len(s.vmas); i >= 0; i-- {
		hi := top
		if i < len(s.vmas) {
			hi = min(hi, s.vmas[i].startGap())
		}
		lo := lowest
		if i > 0 {
			lo = max(lo, s.vmas[i-1].End)
		}
		if hi > lo && hi-lo >= n {
			return (hi - n) &^ pageMask, 0
		}
		if i > 0 && s.vmas[i-1].End <= lowest {
			break
		}
	}
	// Bottom-up fallback above mmapBase, as Linux does when the top-down
	// search fails.
	lo := s.mmapBase
	for i := s.index(lo); ; i++ {
		hi := s.limit
		if i < len(s.vmas) {
			hi = s.vmas[i].startGap()
		}
		if hi > lo && hi-lo >= n {
			return lo, 0
		}
		if i >= len(s.vmas) {
			return 0, abi.ENOMEM
		}
		lo = max(lo, s.vmas[i].End)
	}
}

// Map implements mmap(2). off is a byte offset. f is ignored for
// MAP_ANONYMOUS; a file mapping with f == nil is EBADF.
func (s *Space) Map(addr, length uint64, prot, flags int, f File, off int64) (uint64, abi.Errno) {
	if off&pageMask != 0 {
		return 0, abi.EINVAL
	}
	anon := flags&abi.MAP_ANONYMOUS != 0
	if !anon && f == nil {
		return 0, abi.EBADF
	}
	if anon {
		f = nil
	}
	if length == 0 {
		return 0, abi.EINVAL
	}
	if flags&abi.MAP_FIXED == 0 {
		addr &^= pageMask
		if addr != 0 && addr < mmapMinAddr {
			addr = mmapMinAddr
		}
	}
	n := pageAlign(length)
	if n == 0 {
		return 0, abi.ENOMEM
	}
	if !anon && (uint64(off)>>pageShift)+(n>>pageShift) < uint64(off)>>pageShift {
		return 0, abi.EOVERFLOW
	}
	if flags&abi.MAP_FIXED_NOREPLACE != 0 {
		flags |= abi.MAP_FIXED
	}
	if n > taskSize {
		return 0, abi.ENOMEM
	}
	s.mu.Lock()
	var err abi.Errno
	if flags&abi.MAP_FIXED != 0 {
		switch {
		case addr > taskSize-n:
			err = abi.ENOMEM
		case addr&pageMask != 0:
			err = abi.EINVAL
		case flags&abi.MAP_FIXED_NOREPLACE != 0 && !s.free(addr, addr+n):
			err = abi.EEXIST
		}
	} else {
		addr, err = s.place(addr, n)
	}
	if err == 0 {
		err = checkType(flags, anon)
	}
	if err != 0 {
		s.mu.Unlock()
		return 0, err
	}
	stored := flags &^ (abi.MAP_FIXED | abi.MAP_FIXED_NOREPLACE | abi.MAP_POPULATE | abi.MAP_NONBLOCK |
		abi.MAP_DENYWRITE | abi.MAP_EXECUTABLE | abi.MAP_LOCKED | abi.MAP_HUGETLB | abi.MAP_32BIT |
		abi.MAP_STACK | abi.MAP_UNINITIALIZED | abi.MAP_SYNC | hugeMask)
	if stored&abi.MAP_TYPE == abi.MAP_SHARED_VALIDATE {
		stored = stored&^abi.MAP_TYPE | abi.MAP_SHARED
	}
	v := vma{Mapping: Mapping{Start: addr, End: addr + n, Prot: prot & (ProtRead | ProtWrite | ProtExec), Flags: stored}, file: f}
	if !anon {
		v.Offset = off
	}
	code := s.unmapLocked(addr, addr+n)
	if e := s.establish(&v); e != 0 {
		s.mu.Unlock()
		s.invalidate(code)
		return 0, e
	}
	s.insert(v)
	s.mu.Unlock()
	s.invalidate(code)
	return addr, 0
}

// checkType validates the MAP_TYPE bits the way do_mmap does: anonymous
// memory takes only MAP_SHARED or MAP_PRIVATE, files also take
// MAP_SHARED_VALIDATE, which rejects unknown flags.
func checkType(flags int, anon bool) abi.Errno {
	switch t := flags & abi.MAP_TYPE; {
	case t == abi.MAP_PRIVATE:
		return 0
	case t == abi.MAP_SHARED && anon:
		if flags&abi.MAP_GROWSDOWN != 0 {
			return abi.EINVAL
		}
		return 0
	case t == abi.MAP_SHARED:
		return 0
	case t == abi.MAP_SHARED_VALIDATE && !anon:
		if flags&^legacyMapMask != 0 {
			return abi.EOPNOTSUPP
		}
		return 0
	}
	return abi.EINVAL
}

// unmapLocked removes [lo, hi) and returns the code pages that lost their
// backing (the caller reports them after unlocking).
func (s *Space) unmapLocked(lo, hi uint64) []uint64 {
	gone := s.carve(lo, hi)
	if len(gone) == 0 {
		return nil
	}
	for i := range gone {
		s.teardown(gone[i].Start, gone[i].End)
		gone[i].release()
	}
	s.flushTLB()
	return s.takeCode(lo, hi)
}

// takeCode unmarks and returns the code pages in [lo, hi).
func (s *Space) takeCode(lo, hi uint64) []uint64 {
	var out []uint64
	for p := range s.code {
		if p >= lo && p < hi {
			out = append(out, p)
			delete(s.code, p)
		}
	}
	return out
}

func (s *Space) invalidate(pages []uint64) {
	if s.OnCodeWrite == nil {
		return
	}
	for _, p := range pages {
		s.OnCodeWrite(p)
	}
}

// Unmap implements munmap(2).
func (s *Space) Unmap(addr, length uint64) abi.Errno {
	if addr&pageMask != 0 || addr > taskSize || length > taskSize-addr {
		return abi.EINVAL
	}
	n := pageAlign(length)
	if n == 0 {
		return abi.EINVAL
	}
	s.mu.Lock()
	code := s.unmapLocked(addr, addr+n)
	s.mu.Unlock()
	s.invalidate(code)
	return 0
}

// Protect implements mprotect(2), including its partial application: VMAs
// before the first hole are changed and ENOMEM is still returned.
func (s *Space) Protect(addr, length uint64, prot int) abi.Errno {
	grows := prot & (abi.PROT_GROWSDOWN | abi.PROT_GROWSUP)
	prot &^= grows
	if grows == abi.PROT_GROWSDOWN|abi.PROT_GROWSUP {
		return abi.EINVAL
	}
	if addr&pageMask != 0 {
		return abi.EINVAL
	}
	if length == 0 {
		return 0
	}
	n := pageAlign(length)
	end := addr + n
	if end <= addr {
		return abi.ENOMEM
	}
	if prot&^(ProtRead|ProtWrite|ProtExec|abi.PROT_SEM) != 0 {
		return abi.EINVAL
	}
	prot &= ProtRead | ProtWrite | ProtExec
	s.mu.Lock()
	i := s.index(addr)
	if i == len(s.vmas) || s.vmas[i].Start >= end {
		s.mu.Unlock()
		return abi.ENOMEM
	}
	start := addr
	var err abi.Errno
	switch {
	case grows&abi.PROT_GROWSDOWN != 0:
		if s.vmas[i].Flags&abi.MAP_GROWSDOWN == 0 {
			s.mu.Unlock()
			return abi.EINVAL
		}
		start = s.vmas[i].Start
	case s.vmas[i].Start > addr:
		s.mu.Unlock()
		return abi.ENOMEM
	}
	s.splitAt(start)
	s.splitAt(end)
	pos := start
	for i = s.index(start); i < len(s.vmas) && s.vmas[i].Start < end; i++ {
		v := &s.vmas[i]
		if v.Start > pos {
			err = abi.ENOMEM
			break
		}
		if v.Prot != prot {
			v.Prot = prot
			s.reprotect(v)
		}
		pos = v.End
	}
	if err == 0 && pos < end {
		err = abi.ENOMEM
	}
	s.remerge(start, end)
	s.flushTLB()
	code := s.takeCode(start, pos)
	s.mu.Unlock()
	s.invalidate(code)
	return err
}

// remerge merges the entries touching [lo, hi) after an in-place change.
func (s *Space) remerge(lo, hi uint64) {
	i := max(s.index(lo)-1, 0)
	for i < len(s.vmas) && i >= 0 && s.vmas[i].Start <= hi {
		if i+1 < len(s.vmas) && mergeable(&s.vmas[i], &s.vmas[i+1]) {
			s.vmas[i].End = s.vmas[i+1].End
			s.vmas[i+1].release()
			s.vmas = append(s.vmas[:i+1], s.vmas[i+2:]...)
			continue
		}
		i++
	}
}

// Advise implements madvise(2). MADV_DONTNEED discards private pages, so
// anonymous ones read back as zeros and file ones as the file's contents;
// shared pages keep their data as in the page cache. Other advice is
// accepted and ignored; MADV_DONTFORK and MADV_WIPEONFORK are not honoured
// by Clone yet.
func (s *Space) Advise(addr, length uint64, advice int) abi.Errno {
	switch {
	case advice >= abi.MADV_NORMAL && advice <= abi.MADV_DONTNEED,
		advice >= abi.MADV_FREE && advice <= abi.MADV_POPULATE_WRITE,
		advice == 25, // MADV_COLLAPSE
		advice == abi.MADV_HWPOISON, advice == 101:
	default:
		return abi.EINVAL
	}
	if addr&pageMask != 0 {
		return abi.EINVAL
	}
	n := pageAlign(length)
	if length != 0 && n == 0 {
		return abi.EINVAL
	}
	end := addr + n
	if end < addr {
		return abi.EINVAL
	}
	if end == addr {
		return 0
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var err abi.Errno
	pos := addr
	for i := s.index(addr); i < len(s.vmas) && s.vmas[i].Start < end; i++ {
		v := &s.vmas[i]
		if v.Start > pos {
			err = abi.ENOMEM
		}
		lo, hi := max(v.Start, addr), min(v.End, end)
		switch advice {
		case abi.MADV_DONTNEED:
			if !v.shared() {
				s.discard(v, lo, hi)
			}
		case abi.MADV_FREE:
			if v.shared() || !v.anon() {
				err = abi.EINVAL
			}
		case abi.MADV_REMOVE:
			if !v.shared() {
				err = abi.EINVAL
			}
		case abi.MADV_WIPEONFORK, abi.MADV_KEEPONFORK:
			if v.shared() || !v.anon() {
				err = abi.EINVAL
			}
		}
		pos = v.End
	}
	if pos < end && err == 0 {
		err = abi.ENOMEM
	}
	s.flushTLB()
	return err
}

// SetBrk sets the program break's start (end of the loaded image).
func (s *Space) SetBrk(start uint64) {
	s.mu.Lock()
	s.brkStart, s.brk = start, start
	s.mu.Unlock()
}

// Brk implements brk(2): it returns the new break, or the current one when
// the request is refused (below the start, or colliding with a mapping).
func (s *Space) Brk(newEnd uint64) uint64 {
	s.mu.Lock()
	if newEnd < s.brkStart || newEnd > taskSize {
		b := s.brk
		s.mu.Unlock()
		return b
	}
	newPage, oldPage := pageAlign(newEnd), pageAlign(s.brk)
	var code []uint64
	switch {
	case newPage == oldPage:
	case newEnd < s.brk:
		code = s.unmapLocked(newPage, oldPage)
	default:
		i := s.index(oldPage)
		if i < len(s.vmas) && newPage+pageSize > s.vmas[i].startGap() {
			b := s.brk
			s.mu.Unlock()
			return b
		}
		v := vma{Mapping: Mapping{Start: oldPage, End: newPage, Prot: ProtRead | ProtWrite,
			Flags: abi.MAP_PRIVATE | abi.MAP_ANONYMOUS, Name: "[heap]"}}
		if s.establish(&v) != 0 {
			b := s.brk
			s.mu.Unlock()
			return b
		}
		s.insert(v)
	}
	s.brk = newEnd
	s.mu.Unlock()
	s.invalidate(code)
	return newEnd
}

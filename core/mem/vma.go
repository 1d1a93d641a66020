package mem

import (
	"io"
	"sort"
	"sync/atomic"

	"github.com/blink-go/blink/core/abi"
)

// vma is one entry of the mapping list. The list is kept sorted, non
// overlapping, and merged like Linux's (adjacent entries that could have
// come from one mmap call are joined), so Mappings() reads like
// /proc/self/maps.
type vma struct {
	Mapping
	file File    // contents source of a file mapping
	obj  *shmObj // Linear: host shared-memory object behind MAP_SHARED
	// objOff is the offset of Start inside obj.
	objOff uint64
}

// shmObj is a host memory object (a memfd, or a File's host descriptor)
// shared by every VMA piece, in every forked Space, that maps it. It is
// closed when the last reference goes away.
type shmObj struct {
	fd    int
	owned bool // we created fd and must close it
	refs  atomic.Int32
}

func (o *shmObj) ref() *shmObj {
	if o != nil {
		o.refs.Add(1)
	}
	return o
}

func (v *vma) release() {
	if o := v.obj; o != nil {
		v.obj = nil
		if o.refs.Add(-1) == 0 && o.owned {
			hostCloseFD(o.fd)
		}
	}
}

func (v *vma) anon() bool { return v.Flags&abi.MAP_ANONYMOUS != 0 }

func (v *vma) shared() bool { return v.Flags&abi.MAP_TYPE != abi.MAP_PRIVATE }

// readFile fills dst (one page at guest address page) from the mapped
// file, zero-filling past end of file as Linux does for the tail of the
// last page. Whole pages past EOF would SIGBUS on Linux; here they read
// as zeros.
func (v *vma) readFile(dst []byte, page uint64) {
	off := v.Offset + int64(page-v.Start)
	n, err := v.file.ReadAt(dst, off)
	if err != nil && err != io.EOF {
		n = max(n, 0)
	}
	clear(dst[n:])
}

// at returns the piece of v that starts at a (a inside v), with offsets
// adjusted.
func (v vma) at(a uint64) vma {
	d := a - v.Start
	v.Start = a
	if v.file != nil {
		v.Offset += int64(d)
	}
	v.objOff += d
	return v
}

func sameFile(a, b File) (same bool) {
	defer func() {
		if recover() != nil { // uncomparable dynamic type
			same = false
		}
	}()
	return a == b
}

// mergeable reports whether b can extend a (a.End == b.Start).
func mergeable(a, b *vma) bool {
	if a.End != b.Start || a.Prot != b.Prot || a.Flags != b.Flags || a.Name != b.Name || a.obj != b.obj {
		return false
	}
	if a.obj != nil && a.objOff+(a.End-a.Start) != b.objOff {
		return false
	}
	if a.file != nil || b.file != nil {
		return sameFile(a.file, b.file) && a.Offset+int64(a.End-a.Start) == b.Offset
	}
	return true
}

// index returns the first VMA whose End is above a.
func (s *Space) index(a uint64) int {
	return sort.Search(len(s.vmas), func(i int) bool { return s.vmas[i].End > a })
}

// find returns the VMA containing a, or nil. Callers hold s.mu.
func (s *Space) find(a uint64) *vma {
	i := s.index(a)
	if i < len(s.vmas) && s.vmas[i].Start <= a {
		return &s.vmas[i]
	}
	return nil
}

// free reports whether [lo, hi) has no mapping.
func (s *Space) free(lo, hi uint64) bool {
	i := s.index(lo)
	return i == len(s.vmas) || s.vmas[i].Start >= hi
}

// splitAt makes a a VMA boundary if it falls inside one.
func (s *Space) splitAt(a uint64) {
	i := s.index(a)
	if i == len(s.vmas) || s.vmas[i].Start >= a {
		return
	}
	right := s.vmas[i].at(a)
	right.obj.ref()
	s.vmas[i].End = a
	s.vmas = append(s.vmas, vma{})
	copy(s.vmas[i+2:], s.vmas[i+1:])
	s.vmas[i+1] = right
}

// carve removes [lo, hi) from the list and returns the removed pieces,
// whose host resources the caller releases after tearing down memory.
func (s *Space) carve(lo, hi uint64) []vma {
	s.splitAt(lo)
	s.splitAt(hi)
	i := s.index(lo)
	j := i
	for j < len(s.vmas) && s.vmas[j].Start < hi {
		j++
	}
	gone := append([]vma(nil), s.vmas[i:j]...)
	s.vmas = append(s.vmas[:i], s.vmas[j:]...)
	return gone
}

// insert adds v into a hole of the list and merges it with neighbours.
func (s *Space) insert(v vma) {
	i := s.index(v.Start)
	s.vmas = append(s.vmas, vma{})
	copy(s.vmas[i+1:], s.vmas[i:])
	s.vmas[i] = v
	s.mergeAround(i)
}

// mergeAround merges entry i with its neighbours where possible.
func (s *Space) mergeAround(i int) {
	if i+1 < len(s.vmas) && mergeable(&s.vmas[i], &s.vmas[i+1]) {
		s.vmas[i].End = s.vmas[i+1].End
		s.vmas[i+1].release()
		s.vmas = append(s.vmas[:i+1], s.vmas[i+2:]...)
	}
	if i > 0 && mergeable(&s.vmas[i-1], &s.vmas[i]) {
		s.vmas[i-1].End = s.vmas[i].End
		s.vmas[i].release()
		s.vmas = append(s.vmas[:i], s.vmas[i+1:]...)
	}
}

// Mappings returns a copy of the mapping list, sorted by address.
func (s *Space) Mappings() []Mapping {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Mapping, len(s.vmas))
	for i := range s.vmas {
		out[i] = s.vmas[i].Mapping
	}
	return out
}

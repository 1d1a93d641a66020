package mem

import (
	"errors"

	"github.com/blink-go/blink/core/abi"
)

// Clone implements the memory side of fork: private mappings are copied
// eagerly and MAP_SHARED ones are shared with the child.
//
// Design note for copy-on-write later: Virtual mode can share pte data
// read-only between parent and child (a per-page refcount, and the write
// TLB refusing shared pages, so the first write copies); Linear mode on
// Linux can back private memory with memfds and remap them MAP_PRIVATE in
// both spaces, letting the host kernel do the copy-on-write.
//
// Code marks are not inherited: the child starts with no decoded code.
func (s *Space) Clone() (*Space, error) {
	c, _ := New(Options{Mode: s.mode, Reserve: s.reserve})
	if c.mode != s.mode {
		c.Close()
		return nil, errors.New("mem: clone: " + c.fallback)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c.mmapBase, c.brkStart, c.brk = s.mmapBase, s.brkStart, s.brk
	c.vmas = make([]vma, 0, len(s.vmas))
	for i := range s.vmas {
		v := &s.vmas[i]
		nv := *v
		nv.obj = nil
		if err := s.cloneInto(c, v, &nv); err != 0 {
			c.vmas = append(c.vmas, nv)
			s.mu.Unlock()
			c.Close()
			s.mu.Lock()
			return nil, err
		}
		c.vmas = append(c.vmas, nv)
	}
	return c, nil
}

// cloneInto builds the child's copy nv of parent mapping v.
func (s *Space) cloneInto(c *Space, v, nv *vma) abi.Errno {
	if v.obj != nil {
		nv.obj = v.obj.ref()
		if lo, hi, ok := c.linearPart(v.Start, v.End); ok {
			if hostMapFD(c.host(lo), hi-lo, hostProt(v.Prot), v.obj.fd, int64(v.objOff+(lo-v.Start))) != nil {
				return abi.ENOMEM
			}
		}
	} else if lo, hi, ok := c.linearPart(v.Start, v.End); ok {
		if hostMapAnon(c.host(lo), hi-lo, ProtRead|ProtWrite) != nil {
			return abi.ENOMEM
		}
		s.withHostReadable(lo, hi-lo, func(src []byte) { copy(c.hostSlice(lo, hi), src) })
		if hostProtect(c.host(lo), hi-lo, hostProt(v.Prot)) != nil {
			return abi.ENOMEM
		}
	}
	// The page-table part: shared pages are fully populated first so that
	// parent and child can never fault in separate copies of one page.
	lo := max(v.Start, s.reserve)
	if lo >= v.End {
		return 0
	}
	if v.shared() {
		for a := lo; a < v.End; a += pageSize {
			p := s.resident(v, a)
			c.pt.set(p.vpn, p)
		}
		return 0
	}
	s.pt.walk(lo>>pageShift, v.End>>pageShift, func(vpn uint64, p *pte) {
		data := newPageData()
		*data = *p.data
		c.pt.set(vpn, &pte{vpn: vpn, data: data})
	})
	return 0
}

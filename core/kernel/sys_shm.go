package kernel

import (
	"fmt"
	"sync"
	"time"

	"github.com/blink-go/blink/core/abi"
)

// System V shared memory: shmget, shmat, shmdt and shmctl, which
// PostgreSQL and X11's MIT-SHM need. A segment is an unnamed file on the
// memfd tmpfs (sys_memfd.go), so attaching it is a MAP_SHARED mapping
// that every process sees the same pages through (fs/tmpfs/shared.go);
// /proc/PID/maps names it /SYSVKEY (deleted), as Linux does. The segments
// belong to the Kernel (one IPC namespace per blink invocation).
//
// shm_nattch counts shmat, fork of an attached process, shmdt, exit,
// execve, and munmap or a fixed mapping over a whole attachment, as
// Linux counts the mappings' opens and closes.

type shmSeg struct {
	id, key              int32
	size                 uint64
	d                    *Description
	uid, gid, cuid, cgid uint32
	mode                 uint32 // permission bits, SHM_DEST, SHM_LOCKED
	seq                  uint16
	atime, dtime, ctime  int64
	cpid, lpid           int32
	nattch               uint64
}

// shmAttach is one shmat mapping of a process.
type shmAttach struct {
	addr, size uint64
	seg        *shmSeg
}

// shmTable is the kernel's segments, guarded by its mutex.
type shmTable struct {
	mu   sync.Mutex
	segs map[int32]*shmSeg // by id
	seq  uint16
}

func (s *shmTable) byKey(key int32) *shmSeg {
	for _, g := range s.segs {
		if g.key == key && key != abi.IPC_PRIVATE && g.mode&abi.SHM_DEST == 0 {
			return g
		}
	}
	return nil
}

// ipcPerms is ipcperms: flag's rwx bits (for owner, group and other)
// against the segment's, for the caller's place in it; root passes.
func (g *shmSeg) ipcPerms(c *Credentials, flag uint32) bool {
	if c.EUID == 0 {
		return true
	}
	req := (flag>>6 | flag>>3 | flag) & 7
	granted := g.mode
	switch {
	case c.EUID == g.uid || c.EUID == g.cuid:
		granted >>= 6
	case c.inGroup(g.gid) || c.inGroup(g.cgid):
		granted >>= 3
	}
	return req&^granted&7 == 0
}

func (c *Credentials) inGroup(gid uint32) bool {
	if c.EGID == gid {
		return true
	}
	for _, g := range c.Groups {
		if g == gid {
			return true
		}
	}
	return false
}

func (t *Task) creds() Credentials {
	p := t.proc
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.creds
}

func sysShmget(t *Task, a *Args) (uint64, abi.Errno) {
	key, size, flg := int32(a[0]), a[1], uint32(a[2])
	k := t.k
	c := t.creds()
	s := &k.shm
	s.mu.Lock()
	defer s.mu.Unlock()
	if key != abi.IPC_PRIVATE {
		if g := s.byKey(key); g != nil {
			switch {
			case flg&(abi.IPC_CREAT|abi.IPC_EXCL) == abi.IPC_CREAT|abi.IPC_EXCL:
				return 0, abi.EEXIST
			case !g.ipcPerms(&c, flg&0o777):
				return 0, abi.EACCES
			case size > g.size:
				return 0, abi.EINVAL
			}
			return uint64(g.id), 0
		}
		if flg&abi.IPC_CREAT == 0 {
			return 0, abi.ENOENT
		}
	}
	if size < 1 || size > 1<<63 {
		return 0, abi.EINVAL
	}
	if flg&abi.SHM_HUGETLB != 0 {
		return 0, abi.EINVAL // no hugetlbfs
	}
	if len(s.segs) >= abi.SHMMNI {
		return 0, abi.ENOSPC
	}
	fs, e := memfdVFS()
	if e != 0 {
		return 0, e
	}
	f, e := fs.V.OpenUnnamed(fs.ctx(nil, cred(nil)), fmt.Sprintf("SYSV%08x", uint32(key)), abi.O_RDWR, 0o600)
	if e != 0 {
		return 0, e
	}
	// Sized through the file system itself: the segment's permissions
	// are the IPC ones, not the file's.
	if sa, ok := f.Impl().(interface{ SetAttr(*Attr) abi.Errno }); !ok {
		f.Close()
		return 0, abi.ENOMEM
	} else if e := sa.SetAttr(&Attr{Valid: AttrSize, Size: int64(size)}); e != 0 {
		f.Close()
		return 0, e
	}
	d := newDescription(fs.wrap(f), abi.O_RDWR)
	if s.segs == nil {
		s.segs = map[int32]*shmSeg{}
	}
	idx := int32(0)
	for s.idUsed(idx) {
		idx++
	}
	s.seq++
	g := &shmSeg{id: idx + int32(s.seq)<<15, key: key, size: size, d: d, uid: c.EUID, gid: c.EGID,
		cuid: c.EUID, cgid: c.EGID, mode: flg & 0o777, seq: s.seq, ctime: time.Now().Unix(), cpid: int32(t.proc.pid)}
	s.segs[g.id] = g
	return uint64(g.id), 0
}

// idUsed reports whether a segment has index idx (ids carry a sequence
// number above the index, as Linux's).
func (s *shmTable) idUsed(idx int32) bool {
	for id := range s.segs {
		if id&0x7fff == idx {
			return true
		}
	}
	return false
}

func sysShmat(t *Task, a *Args) (uint64, abi.Errno) {
	id, addr, flg := int32(a[0]), a[1], uint32(a[2])
	if id < 0 {
		return 0, abi.EINVAL
	}
	if addr != 0 {
		if addr&(abi.SHMLBA-1) != 0 {
			if flg&abi.SHM_RND == 0 {
				return 0, abi.EINVAL
			}
			addr &^= abi.SHMLBA - 1
			if addr == 0 {
				return 0, abi.EINVAL // rounded down to page 0
			}
		}
	}
	prot, acc := abi.PROT_READ|abi.PROT_WRITE, uint32(0o666)
	if flg&abi.SHM_RDONLY != 0 {
		prot, acc = abi.PROT_READ, 0o444
	}
	if flg&abi.SHM_EXEC != 0 {
		prot |= abi.PROT_EXEC
		acc |= 0o111
	}
	c := t.creds()
	k, p := t.k, t.proc
	s := &k.shm
	s.mu.Lock()
	g := s.segs[id]
	switch {
	case g == nil:
		s.mu.Unlock()
		return 0, abi.EINVAL
	case !g.ipcPerms(&c, acc):
		s.mu.Unlock()
		return 0, abi.EACCES
	}
	g.nattch++ // held while mapping, as Linux does around do_mmap
	s.mu.Unlock()
	flags := abi.MAP_SHARED
	if addr != 0 {
		flags |= abi.MAP_FIXED
		if flg&abi.SHM_REMAP == 0 {
			flags |= abi.MAP_FIXED_NOREPLACE
		}
	}
	g.d.incRef()
	res, e := p.Space.Map(addr, g.size, prot, flags, memFile{g.d}.source(abi.MAP_SHARED), 0)
	if e == abi.EEXIST {
		e = abi.EINVAL // an occupied address without SHM_REMAP
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if e != 0 {
		g.d.decRef()
		s.detachLocked(g)
		return 0, e
	}
	s.mu.Unlock()
	k.shmUnmapped(p, res, res+pageAlign(g.size)) // SHM_REMAP replaced an attachment
	s.mu.Lock()
	p.mu.Lock()
	p.mapped = append(p.mapped, g.d)
	p.shm = append(p.shm, shmAttach{res, pageAlign(g.size), g})
	p.mu.Unlock()
	g.atime, g.lpid = time.Now().Unix(), int32(p.pid)
	if addr != 0 {
		p.Engine.Invalidate(res, res+pageAlign(g.size))
	}
	return res, 0
}

// detachLocked drops one attachment of g, freeing a removed segment with
// its last. Called with s.mu held.
func (s *shmTable) detachLocked(g *shmSeg) {
	g.nattch--
	if g.nattch == 0 && g.mode&abi.SHM_DEST != 0 {
		delete(s.segs, g.id)
		g.d.decRef()
	}
}

func sysShmdt(t *Task, a *Args) (uint64, abi.Errno) {
	addr := a[0]
	if addr&(pageSize-1) != 0 {
		return 0, abi.EINVAL
	}
	k, p := t.k, t.proc
	p.mu.Lock()
	var att shmAttach
	found := false
	for i, x := range p.shm {
		if x.addr == addr {
			att, found = x, true
			p.shm = append(p.shm[:i], p.shm[i+1:]...)
			break
		}
	}
	p.mu.Unlock()
	if !found {
		return 0, abi.EINVAL
	}
	flushShared(p.Space, att.addr, att.addr+att.size)
	p.Space.Unmap(att.addr, att.size)
	p.Engine.Invalidate(att.addr, att.addr+att.size)
	s := &k.shm
	s.mu.Lock()
	att.seg.dtime, att.seg.lpid = time.Now().Unix(), int32(p.pid)
	s.detachLocked(att.seg)
	s.mu.Unlock()
	return 0, 0
}

// shmUnmapped detaches the attachments of p that [lo, hi) covered as it
// was unmapped or mapped over: their mappings are gone, as Linux's close
// of a shm VMA detaches it.
func (k *Kernel) shmUnmapped(p *Process, lo, hi uint64) {
	p.mu.Lock()
	var gone []*shmSeg
	kept := p.shm[:0]
	for _, x := range p.shm {
		if x.addr >= lo && x.addr+x.size <= hi {
			gone = append(gone, x.seg)
		} else {
			kept = append(kept, x)
		}
	}
	p.shm = kept
	p.mu.Unlock()
	if len(gone) == 0 {
		return
	}
	s := &k.shm
	s.mu.Lock()
	now := time.Now().Unix()
	for _, g := range gone {
		g.dtime, g.lpid = now, int32(p.pid)
		s.detachLocked(g)
	}
	s.mu.Unlock()
}

// shmForked gives a forked child its parent's attachments (the mappings
// were copied with the address space). Called before the child runs.
func (k *Kernel) shmForked(parent, child *Process) {
	parent.mu.Lock()
	atts := append([]shmAttach(nil), parent.shm...)
	parent.mu.Unlock()
	if len(atts) == 0 {
		return
	}
	s := &k.shm
	s.mu.Lock()
	for _, x := range atts {
		x.seg.nattch++
	}
	s.mu.Unlock()
	child.mu.Lock()
	child.shm = atts
	child.mu.Unlock()
}

// shmDetachAll drops every attachment of p, whose address space is going
// (exit, execve).
func (k *Kernel) shmDetachAll(p *Process) {
	p.mu.Lock()
	atts := p.shm
	p.shm = nil
	p.mu.Unlock()
	if len(atts) == 0 {
		return
	}
	s := &k.shm
	s.mu.Lock()
	now := time.Now().Unix()
	for _, x := range atts {
		x.seg.dtime, x.seg.lpid = now, int32(p.pid)
		s.detachLocked(x.seg)
	}
	s.mu.Unlock()
}

func sysShmctl(t *Task, a *Args) (uint64, abi.Errno) {
	id, cmd, buf := int32(a[0]), int32(a[1])&^abi.IPC_64, a[2]
	k := t.k
	c := t.creds()
	s := &k.shm
	switch cmd {
	case abi.IPC_INFO:
		var b [abi.ShminfoSize]byte
		le64(b[0:], 1<<64-1-1<<24) // SHMMAX
		le64(b[8:], 1)             // SHMMIN
		le64(b[16:], abi.SHMMNI)
		le64(b[24:], abi.SHMMNI) // SHMSEG
		le64(b[32:], 1<<64-1-1<<24)
		if e := t.copyOut(buf, b[:]); e != 0 {
			return 0, e
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		return uint64(s.maxIdx()), 0
	case abi.SHM_INFO:
		s.mu.Lock()
		var b [abi.ShmInfoSize]byte
		var pages uint64
		for _, g := range s.segs {
			pages += pageAlign(g.size) / pageSize
		}
		le32(b[0:], uint32(len(s.segs)))
		le64(b[8:], pages)  // shm_tot
		le64(b[16:], pages) // shm_rss
		top := s.maxIdx()
		s.mu.Unlock()
		if e := t.copyOut(buf, b[:]); e != 0 {
			return 0, e
		}
		return uint64(top), 0
	}
	if id < 0 {
		return 0, abi.EINVAL
	}
	s.mu.Lock()
	var g *shmSeg
	if cmd == abi.SHM_STAT || cmd == abi.SHM_STAT_ANY {
		for _, x := range s.segs {
			if x.id&0x7fff == id {
				g = x
			}
		}
	} else {
		g = s.segs[id]
	}
	if g == nil {
		s.mu.Unlock()
		return 0, abi.EINVAL
	}
	owner := c.EUID == 0 || c.EUID == g.uid || c.EUID == g.cuid
	switch cmd {
	case abi.IPC_STAT, abi.SHM_STAT, abi.SHM_STAT_ANY:
		if cmd != abi.SHM_STAT_ANY && !g.ipcPerms(&c, 0o444) {
			s.mu.Unlock()
			return 0, abi.EACCES
		}
		var b [abi.ShmidDsSize]byte
		le32(b[0:], uint32(g.key))
		le32(b[4:], g.uid)
		le32(b[8:], g.gid)
		le32(b[12:], g.cuid)
		le32(b[16:], g.cgid)
		le32(b[20:], g.mode)
		le16(b[24:], g.seq)
		le64(b[48:], g.size)
		le64(b[56:], uint64(g.atime))
		le64(b[64:], uint64(g.dtime))
		le64(b[72:], uint64(g.ctime))
		le32(b[80:], uint32(g.cpid))
		le32(b[84:], uint32(g.lpid))
		le64(b[88:], g.nattch)
		rv := uint64(0)
		if cmd != abi.IPC_STAT {
			rv = uint64(g.id) // SHM_STAT answers the id of the index
		}
		s.mu.Unlock()
		return rv, t.copyOut(buf, b[:])
	case abi.IPC_SET:
		s.mu.Unlock()
		var b [abi.ShmidDsSize]byte
		if e := t.copyIn(buf, b[:]); e != 0 {
			return 0, e
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		if !owner {
			return 0, abi.EPERM
		}
		g.uid, g.gid = rd32(b[4:]), rd32(b[8:])
		g.mode = g.mode&^0o777 | rd32(b[20:])&0o777
		g.ctime = time.Now().Unix()
		return 0, 0
	case abi.IPC_RMID:
		defer s.mu.Unlock()
		if !owner {
			return 0, abi.EPERM
		}
		g.mode |= abi.SHM_DEST
		g.key = abi.IPC_PRIVATE // the key is free for a new segment
		g.ctime = time.Now().Unix()
		if g.nattch == 0 {
			delete(s.segs, g.id)
			g.d.decRef()
		}
		return 0, 0
	case abi.SHM_LOCK, abi.SHM_UNLOCK:
		defer s.mu.Unlock()
		if c.EUID != 0 && !owner {
			return 0, abi.EPERM
		}
		if cmd == abi.SHM_LOCK {
			g.mode |= abi.SHM_LOCKED
		} else {
			g.mode &^= abi.SHM_LOCKED
		}
		return 0, 0
	}
	s.mu.Unlock()
	return 0, abi.EINVAL
}

// maxIdx is the highest index in use (IPC_INFO and SHM_INFO's answer), 0
// with none. Called with s.mu held.
func (s *shmTable) maxIdx() int32 {
	top := int32(0)
	for id := range s.segs {
		top = max(top, id&0x7fff)
	}
	return top
}

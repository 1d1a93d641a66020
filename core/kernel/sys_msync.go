package kernel

import (
	"github.com/blink-go/blink/core/abi"
	"github.com/blink-go/blink/core/mem"
)

// msync(2) and the memory-locking calls (mlock, mlock2, munlock,
// mlockall, munlockall).
//
// A MAP_SHARED file mapping lives in memory of blink's own (see
// core/mem/msync.go), so msync is where its changes reach the file: every
// msync, whatever its flags, writes back the bytes that differ from the
// file (MS_ASYNC included, since nothing else would ever write them), and
// MS_SYNC then flushes the file. Bytes past the end of the file are never
// written, as Linux never extends a file through a mapping. Two limits
// remain: a program that never calls msync leaves the file unchanged, and
// a write(2) to the file after mmap is not seen by the mapping, so msync
// of a range the program also changed puts the mapping's bytes back.
// MS_INVALIDATE does nothing more.
//
// Memory is never paged out by blink, so locking only validates: Linux's
// argument, permission and limit checks, ENOMEM for unmapped ranges. The
// locked amount is not kept per mapping, so the RLIMIT_MEMLOCK check of an
// unprivileged caller counts the request alone, and MS_INVALIDATE never
// finds a locked range (EBUSY).

// writeBackChunk is how much of a mapping is compared with its file at a
// time.
const writeBackChunk = 64 << 10

func sysMsync(t *Task, a *Args) (uint64, abi.Errno) {
	start, length, flags := a[0], a[1], int32(a[2])
	if flags&^(abi.MS_ASYNC|abi.MS_INVALIDATE|abi.MS_SYNC) != 0 || start&(pageSize-1) != 0 ||
		flags&abi.MS_ASYNC != 0 && flags&abi.MS_SYNC != 0 {
		return 0, abi.EINVAL
	}
	length = (length + pageSize - 1) &^ (pageSize - 1) // wraps as Linux's does
	end := start + length
	if end < start {
		return 0, abi.ENOMEM
	}
	if end == start {
		return 0, 0
	}
	spans, hole := t.proc.Space.SharedFileSpans(start, end)
	for _, sp := range spans {
		if e := writeBack(t.proc.Space, sp, flags&abi.MS_SYNC != 0); e != 0 {
			return 0, e
		}
	}
	if hole {
		return 0, abi.ENOMEM
	}
	return 0, 0
}

// writeBack writes the bytes of span that differ from its file, then
// with sync flushes the file (vfs_fsync_range's datasync). A mapping of a
// descriptor not open for writing can never have been written through,
// so it is left alone.
func writeBack(space *mem.Space, sp mem.FileSpan, sync bool) abi.Errno {
	mf, ok := memFileOf(sp.File)
	if !ok || mf.d.flags&abi.O_ACCMODE != abi.O_RDWR {
		return 0
	}
	if sp.Direct {
		if sf, ok := mf.d.File.(SyncFile); ok && sync {
			return sf.Sync(true)
		}
		return 0
	}
	f := mf.d.File
	n := min(sp.End-sp.Start, writeBackChunk)
	have, disk := make([]byte, n), make([]byte, n)
	for a := sp.Start; a < sp.End; a += n {
		n = min(sp.End-a, writeBackChunk)
		if !space.ReadShared(sp, a, have[:n]) {
			break // unmapped meanwhile by another thread
		}
		off := sp.Offset + int64(a-sp.Start)
		m, e := f.Pread(disk[:n], off)
		if e != 0 {
			return e
		}
		for i := 0; i < m; {
			if have[i] == disk[i] {
				i++
				continue
			}
			j := i + 1
			for j < m && have[j] != disk[j] {
				j++
			}
			if _, e := f.Pwrite(have[i:j], off+int64(i)); e != 0 {
				return e
			}
			i = j
		}
		if m < int(n) {
			break // end of file
		}
	}
	if sf, ok := f.(SyncFile); ok && sync {
		return sf.Sync(true)
	}
	return 0
}

// flushShared writes back the MAP_SHARED file mappings in [lo, hi) of
// space before they go away (munmap, exit, execve), as Linux's page cache
// eventually would: without it, stores through a mapping that is not the
// host file itself (Virtual mode) would be lost unless the guest called
// msync. Errors have nowhere to go, as on Linux.
func flushShared(space *mem.Space, lo, hi uint64) {
	if space == nil {
		return
	}
	spans, _ := space.SharedFileSpans(lo, hi)
	for _, sp := range spans {
		writeBack(space, sp, false)
	}
}

// mayWriteShared is mprotect's check for PROT_WRITE on shared file
// mappings: the file must be open for writing (and not append-only).
func mayWriteShared(space *mem.Space, lo, hi uint64) abi.Errno {
	spans, _ := space.SharedFileSpans(lo, hi)
	for _, sp := range spans {
		mf, ok := memFileOf(sp.File)
		if ok && (mf.d.flags&abi.O_ACCMODE != abi.O_RDWR || mf.d.flags&abi.O_APPEND != 0) {
			return abi.EACCES
		}
	}
	return 0
}

// mayLock is can_do_mlock: a nonzero RLIMIT_MEMLOCK, or CAP_IPC_LOCK
// (effective uid 0). It returns the limit in bytes and the privilege.
func (t *Task) mayLock() (limit uint64, priv bool, e abi.Errno) {
	p := t.proc
	p.mu.Lock()
	limit, priv = p.rlimits[abi.RLIMIT_MEMLOCK][0], p.creds.EUID == 0
	p.mu.Unlock()
	if limit == 0 && !priv {
		return 0, false, abi.EPERM
	}
	return limit, priv, 0
}

// lockRange is apply_vma_lock_flags's validation of [start, start+len),
// both already page-aligned by the caller.
func (t *Task) lockRange(start, length uint64) abi.Errno {
	end := start + length
	switch {
	case end < start:
		return abi.EINVAL
	case end == start:
		return 0
	case !t.proc.Space.Covers(start, end):
		return abi.ENOMEM
	}
	return 0
}

// doMlock is do_mlock: the range grows to whole pages (the length may
// wrap to 0, which locks nothing), then the limit and the range are
// checked.
func (t *Task) doMlock(start, length uint64) abi.Errno {
	limit, priv, e := t.mayLock()
	if e != 0 {
		return e
	}
	length = (length + start&(pageSize-1) + pageSize - 1) &^ (pageSize - 1)
	start &^= pageSize - 1
	if length/pageSize > limit/pageSize && !priv {
		return abi.ENOMEM
	}
	return t.lockRange(start, length)
}

func sysMlock(t *Task, a *Args) (uint64, abi.Errno) {
	return 0, t.doMlock(a[0], a[1])
}

func sysMlock2(t *Task, a *Args) (uint64, abi.Errno) {
	if a[2]&^abi.MLOCK_ONFAULT != 0 {
		return 0, abi.EINVAL
	}
	return 0, t.doMlock(a[0], a[1])
}

func sysMunlock(t *Task, a *Args) (uint64, abi.Errno) {
	start, length := a[0], a[1]
	length = (length + start&(pageSize-1) + pageSize - 1) &^ (pageSize - 1)
	return 0, t.lockRange(start&^(pageSize-1), length)
}

// sysMlockall checks the flags, then, for MCL_CURRENT, that an
// unprivileged caller's whole address space fits RLIMIT_MEMLOCK.
func sysMlockall(t *Task, a *Args) (uint64, abi.Errno) {
	flags := int32(a[0])
	if flags == 0 || flags&^(abi.MCL_CURRENT|abi.MCL_FUTURE|abi.MCL_ONFAULT) != 0 || flags == abi.MCL_ONFAULT {
		return 0, abi.EINVAL
	}
	limit, priv, e := t.mayLock()
	if e != 0 {
		return 0, e
	}
	if flags&abi.MCL_CURRENT != 0 && !priv {
		total := uint64(0)
		for _, m := range t.proc.Space.Mappings() {
			total += m.End - m.Start
		}
		if total/pageSize > limit/pageSize {
			return 0, abi.ENOMEM
		}
	}
	return 0, 0
}

func sysMunlockall(t *Task, a *Args) (uint64, abi.Errno) { return 0, 0 }

// memFileOf finds the description behind a mapping's file, whether core/mem
// copied it (memFile) or mapped the host file itself (hostMemFile).
func memFileOf(f mem.File) (memFile, bool) {
	switch f := f.(type) {
	case memFile:
		return f, true
	case hostMemFile:
		return f.memFile, true
	}
	return memFile{}, false
}

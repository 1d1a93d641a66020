package tmpfs

import (
	"github.com/blink-go/blink/core/abi"
)

// Shared mappings. A MAP_SHARED mapping of a tmpfs file must be the file:
// another process's mapping, read(2) and write(2) all see one set of
// pages, as Linux's page cache gives (POSIX shared memory and memfds are
// tmpfs files). Go memory cannot be mapped into a guest twice, so the
// first shared mapping moves the file's contents to host memory that can
// (a memfd on Linux, an unlinked temporary file elsewhere: hostBacking)
// and from then on reads, writes and truncation go there too. Files that
// are never mapped shared keep their sparse Go pages.
//
// The moved file is charged against the size limit by its size in whole
// pages, holes included, since the host file's sparseness is not visible.

// SharedFD returns a host descriptor holding the file's contents for a
// MAP_SHARED mapping, moving them there first; ENODEV where the host
// offers no such memory.
func (f *file) SharedFD() (int, abi.Errno) {
	n := f.n
	fs := n.fs
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if n.mode&abi.S_IFMT != abi.S_IFREG {
		return -1, abi.ENODEV
	}
	if n.host != nil {
		return int(n.host.Fd()), 0
	}
	h, err := hostBacking()
	if err != nil {
		return -1, abi.ENODEV
	}
	for pg, page := range n.pages {
		if _, err := h.WriteAt(page[:], pg*pageSize); err != nil {
			h.Close()
			return -1, abi.ENOMEM
		}
	}
	if err := h.Truncate(n.size); err != nil {
		h.Close()
		return -1, abi.ENOMEM
	}
	fs.charge(pagesOf(n.size)*pageSize - int64(len(n.pages))*pageSize) // may pass the limit once: the data is already there
	n.pages = nil
	n.host = h
	return int(h.Fd()), 0
}

func pagesOf(size int64) int64 { return (size + pageSize - 1) / pageSize }

// hostReadAt and the functions below are readAt, writeAt and truncate for
// a file whose contents moved to the host (fs.mu held).
func (n *inode) hostReadAt(p []byte, off int64) int {
	if off >= n.size {
		return 0
	}
	p = p[:min(int64(len(p)), n.size-off)]
	k, _ := n.host.ReadAt(p, off)
	clear(p[k:]) // cannot fall short of size; zeros if it ever did
	return len(p)
}

func (n *inode) hostWriteAt(p []byte, off int64) (int, abi.Errno) {
	if end := off + int64(len(p)); end > n.size {
		if e := n.fs.charge((pagesOf(end) - pagesOf(n.size)) * pageSize); e != 0 {
			return 0, e
		}
	}
	k, err := n.host.WriteAt(p, off)
	if end := off + int64(k); end > n.size {
		n.size = end
	}
	if k > 0 {
		n.mtime = now()
		n.ctime = n.mtime
	}
	if err != nil && k == 0 {
		return 0, abi.ENOSPC
	}
	return k, 0
}

func (n *inode) hostTruncate(size int64) abi.Errno {
	if e := n.fs.charge((pagesOf(size) - pagesOf(n.size)) * pageSize); e != 0 {
		return e
	}
	if err := n.host.Truncate(size); err != nil {
		n.fs.charge((pagesOf(n.size) - pagesOf(size)) * pageSize)
		return abi.ENOSPC
	}
	n.size = size
	return 0
}

// releaseHost frees a moved file's host memory (fs.mu held); mappings
// keep their own reference to it.
func (n *inode) releaseHost() {
	n.fs.charge(-pagesOf(n.size) * pageSize)
	n.host.Close()
	n.host = nil
	n.pages = map[int64]*[pageSize]byte{}
	n.size = 0
}

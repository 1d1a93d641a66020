package kernel

import (
	"time"

	"github.com/blink-go/blink/core/abi"
)

// In-kernel copies and file hints: sendfile, copy_file_range, fallocate,
// fadvise64, readahead, sync, syncfs, and the old utime, utimes and
// futimesat.
//
// The copies move data through the kernel's file layer (Pread, and
// fileWrite for the destination, so a pipe or socket blocks and signals
// interrupt exactly as for write(2)). Linux splices page references
// instead; what the guest sees is the same apart from the cases noted.

// filePos is a description's f_pos. Files that cannot seek (pipes,
// sockets, terminals) report false: Linux reads their f_pos as 0 and
// refuses them where it needs FMODE_LSEEK or FMODE_PREAD.
func filePos(d *Description, typ uint32) (int64, bool) {
	if typ == abi.S_IFDIR {
		// Directories seek on Linux, but asking ours would restart a
		// listing at 0; no caller reads a directory's position.
		return 0, true
	}
	pos, e := d.File.Lseek(0, abi.SEEK_CUR)
	if e != 0 {
		return 0, false
	}
	return pos, true
}

// verifyArea is rw_verify_area's range check for a transfer of count
// bytes at pos.
func verifyArea(pos int64, count uint64) abi.Errno {
	if int64(count) < 0 || pos < 0 || pos+int64(count) < 0 {
		return abi.EINVAL
	}
	return 0
}

func fileType(d *Description) (uint32, abi.Errno) {
	st, e := d.File.Stat()
	return st.Mode & abi.S_IFMT, e
}

// sysSendfile reads the offset before looking at either descriptor and
// writes it back whatever happened, as Linux does: a read-only offset
// fails only after the transfer.
func sysSendfile(t *Task, a *Args) (uint64, abi.Errno) {
	if a[2] == 0 {
		return t.sendfile(a[0], a[1], nil, a[3])
	}
	var b [8]byte
	if e := t.copyIn(a[2], b[:]); e != 0 {
		return 0, e
	}
	pos := int64(rd64(b[:]))
	n, e := t.sendfile(a[0], a[1], &pos, a[3])
	le64(b[:], uint64(pos))
	if t.copyOut(a[2], b[:]) != 0 {
		return 0, abi.EFAULT
	}
	return n, e
}

// sendfile follows do_sendfile's checks in order. Linux needs in_fd to
// support splice_read: regular files and devices do, directories and
// pipes do not, and unless the output is a pipe in_fd must also seek,
// which rules out sockets.
func (t *Task) sendfile(outFD, inFD uint64, ppos *int64, count uint64) (uint64, abi.Errno) {
	in, e := t.getFD(inFD)
	if e != 0 {
		return 0, e
	}
	defer in.decRef()
	if !readable(in) {
		return 0, abi.EBADF
	}
	typ, e := fileType(in)
	if e != 0 {
		return 0, e
	}
	pos, seekable := filePos(in, typ)
	if ppos != nil {
		if !seekable {
			return 0, abi.ESPIPE
		}
		pos = *ppos
	}
	if e := verifyArea(pos, count); e != 0 {
		return 0, e
	}
	count = min(count, maxRW)
	out, e := t.getFD(outFD)
	if e != 0 {
		return 0, e
	}
	defer out.decRef()
	if !writable(out) {
		return 0, abi.EBADF
	}
	var n uint64
	if pe, ok := out.File.(*pipeEnd); ok {
		n, e = t.sendToPipe(out, pe, in, typ, seekable, &pos, count)
	} else {
		switch {
		case out.flags&abi.O_APPEND != 0, !seekable:
			return 0, abi.EINVAL
		case count == 0:
			return 0, 0
		case typ != abi.S_IFREG && typ != abi.S_IFCHR && typ != abi.S_IFBLK:
			return 0, abi.EINVAL
		}
		n, e = t.sendLoop(out, in, &pos, count)
	}
	if n > 0 {
		if ppos != nil {
			*ppos = pos
		} else if seekable {
			in.File.Lseek(pos, abi.SEEK_SET)
		}
	}
	return n, e
}

// sendLoop is splice_direct_to_actor: read a piece at pos, write it all
// to out as write(2) would, and stop at end of file or a short write.
func (t *Task) sendLoop(out, in *Description, pos *int64, count uint64) (uint64, abi.Errno) {
	total := uint64(0)
	for total < count {
		buf := t.scratchBuf(int(min(count-total, ioChunk)))
		got, e := in.File.Pread(buf, *pos)
		if e != 0 {
			if total > 0 {
				break
			}
			return 0, e
		}
		if got == 0 {
			break
		}
		w, e := t.fileWrite(out, buf[:got], -1)
		if e != 0 {
			if total > 0 {
				break
			}
			return 0, t.writeErr(e)
		}
		total += uint64(w)
		*pos += int64(w)
		if w < got {
			break
		}
	}
	return total, 0
}

// sendToPipe is splice_file_to_pipe: wait until the pipe has a free slot
// (EPIPE and SIGPIPE without readers, EAGAIN if the pipe's O_NONBLOCK),
// then move at most what the free slots hold, without waiting again. A
// program that sends more than a pipe holds and reads the pipe itself
// afterwards must get a short count rather than block.
func (t *Task) sendToPipe(out *Description, pe *pipeEnd, in *Description, typ uint32, seekable bool, pos *int64, count uint64) (uint64, abi.Errno) {
	room, e := t.waitPipeSlot(pe, out.flags&abi.O_NONBLOCK != 0)
	if e != 0 {
		if e == abi.EPIPE {
			t.sendSignal(abi.SIGPIPE)
		}
		return 0, e
	}
	if count == 0 {
		return 0, 0
	}
	buf := t.scratchBuf(int(min(count, uint64(room))))
	var got int
	switch {
	case seekable && (typ == abi.S_IFREG || typ == abi.S_IFCHR || typ == abi.S_IFBLK):
		got, e = in.File.Pread(buf, *pos)
	case typ == abi.S_IFSOCK || typ == abi.S_IFCHR:
		got, e = t.fileRead(in, buf, -1) // sock_splice_read: a stream, no position
	default:
		return 0, abi.EINVAL
	}
	if e != 0 || got == 0 {
		return 0, e
	}
	w, e := t.fileWrite(out, buf[:got], -1)
	if e != 0 {
		if e == abi.EPIPE {
			t.sendSignal(abi.SIGPIPE)
		}
		return 0, e
	}
	if seekable {
		*pos += int64(w)
	}
	return uint64(w), 0
}

// waitPipeSlot is splice's wait_for_space. Linux counts a pipe's room in
// page-sized buffers, each spliced page taking one; this pipe keeps bytes,
// so the pages its bytes would fill stand for the buffers in use.
func (t *Task) waitPipeSlot(pe *pipeEnd, nonblock bool) (int, abi.Errno) {
	p := pe.p
	room := 0
	var err abi.Errno
	ready := func() bool {
		p.mu.Lock()
		defer p.mu.Unlock()
		if p.readers == 0 {
			err = abi.EPIPE
			return true
		}
		room = (pipeCapacity/pageSize - (p.n+pageSize-1)/pageSize) * pageSize
		if room > 0 {
			return true
		}
		if nonblock {
			err = abi.EAGAIN
			return true
		}
		return false
	}
	if t.waitFor(&p.writeq, time.Time{}, ready) == waitInterrupted {
		return 0, errRestartSys
	}
	return room, err
}

// sysCopyFileRange follows the syscall and generic_copy_file_checks in
// order. Copies between file systems are EXDEV, as Linux answers for
// every file system without a copy_file_range of its own (callers such
// as cp fall back to read and write); within one, as the guest sees them
// (a hostfs mount is one, whatever lies under it on the host), the copy
// is a loop of positional reads and writes.
func sysCopyFileRange(t *Task, a *Args) (uint64, abi.Errno) {
	in, e := t.getFD(a[0])
	if e != 0 {
		return 0, e
	}
	defer in.decRef()
	out, e := t.getFD(a[2])
	if e != 0 {
		return 0, e
	}
	defer out.decRef()
	if in.flags&abi.O_PATH != 0 || out.flags&abi.O_PATH != 0 {
		return 0, abi.EBADF // fdget does not see O_PATH descriptors
	}
	var offIn, offOut [8]byte
	if a[1] != 0 {
		if e := t.copyIn(a[1], offIn[:]); e != 0 {
			return 0, e
		}
	}
	if a[3] != 0 {
		if e := t.copyIn(a[3], offOut[:]); e != 0 {
			return 0, e
		}
	}
	if uint32(a[5]) != 0 {
		return 0, abi.EINVAL
	}
	stIn, e := in.File.Stat()
	if e != 0 {
		return 0, e
	}
	stOut, e := out.File.Stat()
	if e != 0 {
		return 0, e
	}
	typIn, typOut := stIn.Mode&abi.S_IFMT, stOut.Mode&abi.S_IFMT
	switch {
	case typIn == abi.S_IFDIR || typOut == abi.S_IFDIR:
		return 0, abi.EISDIR
	case typIn != abi.S_IFREG || typOut != abi.S_IFREG:
		return 0, abi.EINVAL
	case !readable(in) || !writable(out) || out.flags&abi.O_APPEND != 0:
		return 0, abi.EBADF
	case stIn.Dev != stOut.Dev:
		return 0, abi.EXDEV
	}
	posIn, posOut := int64(rd64(offIn[:])), int64(rd64(offOut[:]))
	if a[1] == 0 {
		posIn, _ = filePos(in, typIn)
	}
	if a[3] == 0 {
		posOut, _ = filePos(out, typOut)
	}
	count := a[4]
	if uint64(posIn)+count < uint64(posIn) || uint64(posOut)+count < uint64(posOut) {
		return 0, abi.EOVERFLOW
	}
	if posIn >= stIn.Size {
		count = 0
	} else {
		count = min(count, uint64(stIn.Size)-uint64(posIn))
	}
	// generic_write_check_limits with tmpfs's s_maxbytes; a host file
	// system's lower limit shows as the host's EFBIG when writing.
	if posOut >= abi.MAX_LFS_FILESIZE {
		return 0, abi.EFBIG
	}
	if posOut >= 0 {
		count = min(count, uint64(abi.MAX_LFS_FILESIZE-posOut))
	}
	if stIn.Dev == stOut.Dev && stIn.Ino == stOut.Ino &&
		uint64(posOut)+count > uint64(posIn) && uint64(posOut) < uint64(posIn)+count {
		return 0, abi.EINVAL // overlapping ranges of one file
	}
	if e := verifyArea(posIn, count); e != 0 {
		return 0, e
	}
	if e := verifyArea(posOut, count); e != 0 {
		return 0, e
	}
	if count == 0 {
		return 0, 0
	}
	n, e := t.copyRange(in, posIn, out, posOut, min(count, maxRW))
	if n == 0 {
		return 0, e
	}
	if a[1] != 0 {
		le64(offIn[:], uint64(posIn+int64(n)))
		if t.copyOut(a[1], offIn[:]) != 0 {
			e = abi.EFAULT
		}
	} else {
		in.File.Lseek(posIn+int64(n), abi.SEEK_SET)
	}
	if a[3] != 0 {
		le64(offOut[:], uint64(posOut+int64(n)))
		if t.copyOut(a[3], offOut[:]) != 0 {
			e = abi.EFAULT
		}
	} else {
		out.File.Lseek(posOut+int64(n), abi.SEEK_SET)
	}
	if e != 0 {
		return 0, e
	}
	return n, 0
}

// copyRange copies count bytes between two regular files, stopping early
// at end of input or a short write.
func (t *Task) copyRange(in *Description, posIn int64, out *Description, posOut int64, count uint64) (uint64, abi.Errno) {
	total := uint64(0)
	for total < count {
		buf := t.scratchBuf(int(min(count-total, ioChunk)))
		got, e := in.File.Pread(buf, posIn+int64(total))
		if e == 0 && got > 0 {
			var w int
			w, e = out.File.Pwrite(buf[:got], posOut+int64(total))
			total += uint64(w)
			if e == 0 && w == got {
				continue
			}
		}
		if total > 0 {
			break
		}
		return 0, e
	}
	return total, 0
}

// sysFallocate follows vfs_fallocate's checks in order.
func sysFallocate(t *Task, a *Args) (uint64, abi.Errno) {
	mode, off, n := uint32(a[1]), int64(a[2]), int64(a[3])
	d, e := t.getFD(a[0])
	if e != 0 {
		return 0, e
	}
	defer d.decRef()
	if d.flags&abi.O_PATH != 0 {
		return 0, abi.EBADF
	}
	if off < 0 || n <= 0 {
		return 0, abi.EINVAL
	}
	if !fallocModeValid(mode) {
		return 0, abi.EOPNOTSUPP
	}
	if !writable(d) {
		return 0, abi.EBADF
	}
	st, e := d.File.Stat()
	if e != 0 {
		return 0, e
	}
	switch st.Mode & abi.S_IFMT {
	case abi.S_IFREG, abi.S_IFBLK:
	case abi.S_IFIFO:
		return 0, abi.ESPIPE
	case abi.S_IFDIR:
		return 0, abi.EISDIR
	default:
		return 0, abi.ENODEV
	}
	if off+n < 0 {
		return 0, abi.EFBIG
	}
	return 0, t.allocate(d, mode, off, n, st.Size)
}

// fallocModeValid tells whether Linux accepts mode at all: one exclusive
// mode, with FALLOC_FL_KEEP_SIZE where that mode allows it.
func fallocModeValid(mode uint32) bool {
	if mode&^(abi.FALLOC_FL_MODE_MASK|abi.FALLOC_FL_KEEP_SIZE) != 0 {
		return false
	}
	keep := mode&abi.FALLOC_FL_KEEP_SIZE != 0
	switch mode & abi.FALLOC_FL_MODE_MASK {
	case abi.FALLOC_FL_ALLOCATE_RANGE, abi.FALLOC_FL_UNSHARE_RANGE, abi.FALLOC_FL_ZERO_RANGE:
		return true
	case abi.FALLOC_FL_PUNCH_HOLE:
		return keep
	case abi.FALLOC_FL_COLLAPSE_RANGE, abi.FALLOC_FL_INSERT_RANGE, abi.FALLOC_FL_WRITE_ZEROES:
		return !keep
	}
	return false
}

// allocate hands a host file to the host's fallocate, which knows its
// file system's modes and limits. Files without one (tmpfs, or a host
// that has no fallocate) get the two modes whose effect can be seen
// without block accounting: reserving space changes nothing visible, and
// allocating past the end extends the file.
func (t *Task) allocate(d *Description, mode uint32, off, n, size int64) abi.Errno {
	if fd := hostFDOf(d.File); fd >= 0 {
		e := hostFallocate(fd, mode, off, n)
		if e != abi.EOPNOTSUPP || mode&^abi.FALLOC_FL_KEEP_SIZE != 0 {
			return e
		}
	}
	switch mode {
	case abi.FALLOC_FL_KEEP_SIZE:
		return 0
	case abi.FALLOC_FL_ALLOCATE_RANGE:
		if off+n <= size {
			return 0
		}
		sf, ok := d.File.(SetAttrFile)
		if !ok {
			return abi.EOPNOTSUPP
		}
		return sf.SetAttr(t.proc.fsCtx(), &Attr{Valid: AttrSize, Size: off + n})
	}
	return abi.EOPNOTSUPP
}

// sysFadvise64 checks its arguments as generic_fadvise does and ignores
// the advice: the host's page cache holds blink's file data.
func sysFadvise64(t *Task, a *Args) (uint64, abi.Errno) {
	d, e := t.getFD(a[0])
	if e != 0 {
		return 0, e
	}
	defer d.decRef()
	if d.flags&abi.O_PATH != 0 {
		return 0, abi.EBADF
	}
	typ, e := fileType(d)
	if e != 0 {
		return 0, e
	}
	if typ == abi.S_IFIFO {
		return 0, abi.ESPIPE
	}
	if int64(a[2]) < 0 {
		return 0, abi.EINVAL
	}
	if advice := int32(a[3]); advice < abi.POSIX_FADV_NORMAL || advice > abi.POSIX_FADV_NOREUSE {
		return 0, abi.EINVAL
	}
	return 0, 0
}

// sysReadahead is fadvise's WILLNEED for readable regular files, and as
// much a no-op.
func sysReadahead(t *Task, a *Args) (uint64, abi.Errno) {
	d, e := t.getFD(a[0])
	if e != 0 {
		return 0, e
	}
	defer d.decRef()
	if !readable(d) {
		return 0, abi.EBADF
	}
	typ, e := fileType(d)
	if e != 0 {
		return 0, e
	}
	if typ != abi.S_IFREG && typ != abi.S_IFBLK || int64(a[2]) < 0 {
		return 0, abi.EINVAL
	}
	return 0, 0
}

// sysSync cannot fail on Linux; the host does the writing back.
func sysSync(t *Task, a *Args) (uint64, abi.Errno) {
	hostSync()
	return 0, 0
}

// sysSyncfs flushes the host file system under a host file; other files
// (pipes, tmpfs, proc) have nothing to write back.
func sysSyncfs(t *Task, a *Args) (uint64, abi.Errno) {
	d, e := t.getFD(a[0])
	if e != 0 {
		return 0, e
	}
	defer d.decRef()
	if d.flags&abi.O_PATH != 0 {
		return 0, abi.EBADF
	}
	if fd := hostFDOf(d.File); fd >= 0 {
		return 0, hostSyncfs(fd)
	}
	return 0, 0
}

// The old time-setting calls are utimensat with coarser times and no
// flags; NULL times means now, as there.

func nowTimes() Attr {
	return Attr{Valid: AttrTimes, Atime: Timespec{Nsec: abi.UTIME_NOW}, Mtime: Timespec{Nsec: abi.UTIME_NOW}}
}

func sysUtime(t *Task, a *Args) (uint64, abi.Errno) {
	attr := nowTimes()
	if a[1] != 0 {
		var b [abi.UtimbufSize]byte
		if e := t.copyIn(a[1], b[:]); e != 0 {
			return 0, e
		}
		attr.Atime = Timespec{Sec: int64(rd64(b[0:]))}
		attr.Mtime = Timespec{Sec: int64(rd64(b[8:]))}
	}
	return t.utimes(abi.AT_FDCWD, a[0], &attr)
}

func sysUtimes(t *Task, a *Args) (uint64, abi.Errno) {
	return t.futimesat(abi.AT_FDCWD, a[0], a[1])
}

func sysFutimesat(t *Task, a *Args) (uint64, abi.Errno) {
	return t.futimesat(int32(a[0]), a[1], a[2])
}

// futimesat checks the microseconds before the path, as do_futimesat
// must: after scaling to nanoseconds a bad value could pass, and
// UTIME_NOW and UTIME_OMIT mean nothing here.
func (t *Task) futimesat(dirfd int32, path, times uint64) (uint64, abi.Errno) {
	attr := nowTimes()
	if times != 0 {
		var b [2 * abi.TimevalSize]byte
		if e := t.copyIn(times, b[:]); e != 0 {
			return 0, e
		}
		var ts [2]Timespec
		for i := range ts {
			sec, usec := int64(rd64(b[i*16:])), int64(rd64(b[i*16+8:]))
			if usec < 0 || usec >= 1e6 {
				return 0, abi.EINVAL
			}
			ts[i] = Timespec{Sec: sec, Nsec: usec * 1000}
		}
		attr.Atime, attr.Mtime = ts[0], ts[1]
	}
	return t.utimes(dirfd, path, &attr)
}

// utimes is do_utimes: a NULL path means dirfd itself, except for
// AT_FDCWD, which makes it a bad path.
func (t *Task) utimes(dirfd int32, path uint64, attr *Attr) (uint64, abi.Errno) {
	if path == 0 {
		if dirfd == abi.AT_FDCWD {
			return 0, abi.EFAULT
		}
		return t.setAttrFD(uint64(dirfd), attr)
	}
	return t.setAttrAt(dirfd, path, attr, 0)
}

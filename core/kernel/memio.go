package kernel

import (
	"encoding/binary"

	"github.com/blink-go/blink/core/abi"
)

const pageSize = 4096

// maxRW is MAX_RW_COUNT: Linux clamps every read/write to INT_MAX rounded
// down to a page.
const maxRW = 0x7ffff000

// ioChunk bounds the scratch buffer a single read/write uses; bigger
// regular-file transfers loop.
const ioChunk = 1 << 20

func (t *Task) copyIn(addr uint64, dst []byte) abi.Errno { return t.m.Mem.CopyIn(addr, dst) }

func (t *Task) copyOut(addr uint64, src []byte) abi.Errno { return t.m.Mem.CopyOut(addr, src) }

// scratchBuf returns the task's reusable I/O buffer, at least n bytes (n is
// at most ioChunk). The contents are garbage.
func (t *Task) scratchBuf(n int) []byte {
	if cap(t.scratch) < n {
		c := max(n, 4096)
		t.scratch = make([]byte, c)
	}
	return t.scratch[:n]
}

// copyInPrefix copies as much of [addr, addr+len(dst)) as is readable and
// returns the count, as Linux's copy_from_user does for write(2): a fault
// in the middle yields a short transfer, one at the start EFAULT.
func (t *Task) copyInPrefix(addr uint64, dst []byte) int {
	if t.copyIn(addr, dst) == 0 {
		return len(dst)
	}
	done := 0
	for done < len(dst) {
		n := min(len(dst)-done, pageSize-int((addr+uint64(done))%pageSize))
		if t.copyIn(addr+uint64(done), dst[done:done+n]) != 0 {
			break
		}
		done += n
	}
	return done
}

// writablePrefix returns how many bytes from addr (up to n) the guest may
// write, checked before a read consumes input: Linux verifies the buffer
// (access_ok, then the copy) so a bad buffer costs no data. Each page is
// probed by reading a byte and writing it back.
func (t *Task) writablePrefix(addr, n uint64) uint64 {
	if n == 0 {
		return 0
	}
	if addr+n < addr || addr+n > abi.TaskSizeMax+pageSize {
		// access_ok fails for the whole range before anything is read.
		return 0
	}
	var b [1]byte
	done := uint64(0)
	for done < n {
		a := addr + done
		if t.copyIn(a, b[:]) != 0 || t.copyOut(a, b[:]) != 0 {
			break
		}
		done += pageSize - a%pageSize
	}
	return min(done, n)
}

// readPath reads a NUL-terminated path of at most PATH_MAX bytes (the NUL
// included), page by page so a string ending just before an unmapped page
// is still read.
func (t *Task) readPath(addr uint64) (string, abi.Errno) {
	buf := t.pathBuf[:]
	done := 0
	for done < len(buf) {
		a := addr + uint64(done)
		n := min(len(buf)-done, pageSize-int(a%pageSize))
		if e := t.copyIn(a, buf[done:done+n]); e != 0 {
			return "", abi.EFAULT
		}
		for i := done; i < done+n; i++ {
			if buf[i] == 0 {
				return string(buf[:i]), 0
			}
		}
		done += n
	}
	return "", abi.ENAMETOOLONG
}

func (t *Task) readU64(addr uint64) (uint64, abi.Errno) {
	var b [8]byte
	if e := t.copyIn(addr, b[:]); e != 0 {
		return 0, e
	}
	return binary.LittleEndian.Uint64(b[:]), 0
}

func (t *Task) writeU64(addr, v uint64) abi.Errno {
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], v)
	return t.copyOut(addr, b[:])
}

func (t *Task) writeU32(addr uint64, v uint32) abi.Errno {
	var b [4]byte
	binary.LittleEndian.PutUint32(b[:], v)
	return t.copyOut(addr, b[:])
}

func le16(b []byte, v uint16) { binary.LittleEndian.PutUint16(b, v) }
func le32(b []byte, v uint32) { binary.LittleEndian.PutUint32(b, v) }
func le64(b []byte, v uint64) { binary.LittleEndian.PutUint64(b, v) }
func rd32(b []byte) uint32    { return binary.LittleEndian.Uint32(b) }
func rd64(b []byte) uint64    { return binary.LittleEndian.Uint64(b) }

func itoa(v int64) string {
	var b [20]byte
	i := len(b)
	neg := v < 0
	u := uint64(v)
	if neg {
		u = -u
	}
	for {
		i--
		b[i] = byte('0' + u%10)
		u /= 10
		if u == 0 {
			break
		}
	}
	if neg {
		i--
		b[i] = '-'
	}
	return string(b[i:])
}

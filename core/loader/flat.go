package loader

import (
	"github.com/blink-go/blink/core/abi"
	"github.com/blink-go/blink/core/mem"
)

// Flat binaries (blink's .bin/.img/.raw convention): the whole file is
// code loaded at flatBase, followed by flatBSS of zeroed memory, all
// read-write-execute, entered at its first byte.
const (
	flatBase = 0x400000
	flatBSS  = 16 << 20
)

func (l *loader) loadFlat(f File, path string) *Error {
	size := uint64(f.Size())
	if size == 0 {
		return errorf(abi.ENOEXEC, path, "not an executable: empty flat binary")
	}
	end := pageAlign(flatBase + size + flatBSS)
	if size > l.limit || end > l.limit-stackSize {
		return errorf(abi.ENOMEM, path, "flat binary of ", hex(size), " bytes does not fit below the stack")
	}
	sp := l.p.Space
	fileEnd := pageAlign(flatBase + size)
	if _, errno := sp.Map(flatBase, fileEnd-flatBase, protRWX, mapPrivate|mapFixed, f, 0); errno != 0 {
		return errorf(errno, path, "mapping flat binary: ", errno.Error())
	}
	if n := fileEnd - (flatBase + size); n > 0 {
		if errno := sp.CopyOut(flatBase+size, zeroPage[:n]); errno != 0 {
			return errorf(errno, path, "clearing flat binary tail: ", errno.Error())
		}
	}
	if _, errno := sp.Map(fileEnd, end-fileEnd, protRWX, mapPrivate|mapAnonymous|mapFixed, nil, 0); errno != 0 {
		return errorf(errno, path, "mapping flat binary bss: ", errno.Error())
	}
	im := &l.img
	im.Kind = KindFlat
	im.Entry = flatBase
	im.ExecStack = true
	im.Brk = end
	sp.SetBrk(end)
	l.progEntry = flatBase
	return nil
}

var _ mem.File = bytesFile(nil)

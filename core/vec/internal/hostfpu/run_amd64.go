//go:build linux

package hostfpu

import (
	"sync"
	"syscall"
	"unsafe"
)

//go:noescape
func run(code, img, save, gpr uintptr)

// State is the machine state an instruction sees: the FXSAVE64 image plus
// RAX, RCX, RFLAGS and RDX.
type State struct {
	Img                  [512]byte
	RAX, RCX, Flags, RDX uint64
}

var (
	mu   sync.Mutex
	page []byte
	buf  []byte // 16-byte aligned scratch: image and caller save area
)

// Run executes code (without a trailing RET) on the host with state st.
func Run(code []byte, st *State) {
	mu.Lock()
	defer mu.Unlock()
	if page == nil {
		p, err := syscall.Mmap(-1, 0, 4096, syscall.PROT_READ|syscall.PROT_WRITE|syscall.PROT_EXEC,
			syscall.MAP_PRIVATE|syscall.MAP_ANON)
		if err != nil {
			panic(err)
		}
		page = p
		buf = make([]byte, 1024+64)
	}
	n := copy(page, code)
	page[n] = 0xc3
	off := (16 - uintptr(unsafe.Pointer(&buf[0]))&15) & 15
	img, save := buf[off:off+512], buf[off+512:off+1024]
	copy(img, st.Img[:])
	gpr := [4]uint64{st.RAX, st.RCX, st.Flags, st.RDX}
	run(uintptr(unsafe.Pointer(&page[0])), uintptr(unsafe.Pointer(&img[0])),
		uintptr(unsafe.Pointer(&save[0])), uintptr(unsafe.Pointer(&gpr[0])))
	copy(st.Img[:], img)
	st.RAX, st.RCX, st.Flags, st.RDX = gpr[0], gpr[1], gpr[2], gpr[3]
}

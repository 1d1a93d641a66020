//go:build amd64 && linux

package difftest

import (
	"encoding/binary"
	"fmt"
	"runtime"
	"sync"
	"unsafe"

	"golang.org/x/sys/unix"
)

// ctl is the control block the trampoline reads and writes. It lives in its
// own mmapped page (never in Go memory: the trampoline writes it without
// write barriers, and the page's top is the trampoline's private stack).
// The offsets are hard-coded in native_amd64.s; init checks them.
type ctl struct {
	R       [16]uint64    // 0
	Flags   uint64        // 128
	XMM     [16][2]uint64 // 136
	MXCSR   uint32        // 392
	goMXCSR uint32        // 396
	goSP    uint64        // 400
	goBP    uint64        // 408
	goR14   uint64        // 416
	code    uint64        // 424: entry stub address
	exit    uint64        // 432: nativeExit, read by the exit stub
}

func init() {
	var c ctl
	if unsafe.Offsetof(c.Flags) != 128 || unsafe.Offsetof(c.XMM) != 136 || unsafe.Offsetof(c.MXCSR) != 392 ||
		unsafe.Offsetof(c.goSP) != 400 || unsafe.Offsetof(c.code) != 424 || unsafe.Offsetof(c.exit) != 432 {
		panic("difftest: ctl layout does not match native_amd64.s")
	}
}

func runNative(ctl uintptr)
func nativeExit()
func exitPC() uintptr
func cpuid(leaf, sub uint32) (eax, ebx, ecx, edx uint32)

const pageSize = 4096

// Native runs snippets on the host CPU. Layout of its one mapping:
// page 0 code (entry stub, snippet, exit stub), page 1 control block,
// page 2 the data page.
type Native struct {
	mu     sync.Mutex
	region []byte
	base   uintptr
}

// entryLen is the size of the entry stub, so the snippet starts at base+entryLen.
const entryLen = 7

// NewNative maps the pages. It fails where the host forbids RWX mappings.
func NewNative() (*Native, error) {
	r, err := unix.Mmap(-1, 0, 3*pageSize, unix.PROT_READ|unix.PROT_WRITE|unix.PROT_EXEC, unix.MAP_PRIVATE|unix.MAP_ANON)
	if err != nil {
		return nil, fmt.Errorf("difftest: mmap rwx: %w", err)
	}
	return &Native{region: r, base: uintptr(unsafe.Pointer(&r[0]))}, nil
}

// Close unmaps the pages.
func (n *Native) Close() { unix.Munmap(n.region) }

// CodeAddr is where snippets run; DataAddr is the data page.
func (n *Native) CodeAddr() uint64 { return uint64(n.base) + entryLen }
func (n *Native) DataAddr() uint64 { return uint64(n.base) + 2*pageSize }

func (n *Native) ctl() *ctl { return (*ctl)(unsafe.Pointer(&n.region[pageSize])) }

// Run executes code natively from in and mem (DataSize bytes, copied to the
// data page) and returns the resulting state and data page. The caller must
// guarantee that code cannot fault, trap or jump elsewhere.
func (n *Native) Run(code []byte, in *State, mem []byte) (State, []byte) {
	n.mu.Lock()
	defer n.mu.Unlock()
	cp := n.region[:pageSize]
	c := n.ctl()
	ctlAddr := uint64(n.base) + pageSize
	// Entry stub: mov rax, [rip+disp] loads the guest RAX from c.R[0].
	clear(cp)
	copy(cp, []byte{0x48, 0x8b, 0x05})
	binary.LittleEndian.PutUint32(cp[3:], uint32(ctlAddr-(uint64(n.base)+entryLen)))
	copy(cp[entryLen:], code)
	// Exit stub: mov [rip+d], rax; lea rax, [rip+d]; jmp [rip+d] (to c.exit).
	// None of them touches the flags or the stack.
	e := n.CodeAddr() + uint64(len(code))
	stub := cp[entryLen+len(code):]
	copy(stub, []byte{0x48, 0x89, 0x05, 0, 0, 0, 0, 0x48, 0x8d, 0x05, 0, 0, 0, 0, 0xff, 0x25, 0, 0, 0, 0})
	binary.LittleEndian.PutUint32(stub[3:], uint32(ctlAddr-(e+7)))
	binary.LittleEndian.PutUint32(stub[10:], uint32(ctlAddr-(e+14)))
	binary.LittleEndian.PutUint32(stub[16:], uint32(ctlAddr+432-(e+20)))

	c.R = in.R
	c.Flags = in.Flags&flagsUser | 2
	c.XMM = in.XMM
	c.MXCSR = in.MXCSR
	c.code = uint64(n.base)
	c.exit = uint64(exitPC())
	data := n.region[2*pageSize:]
	copy(data, mem)

	runtime.LockOSThread()
	runNative(uintptr(unsafe.Pointer(c)))
	runtime.UnlockOSThread()

	out := State{R: c.R, Flags: c.Flags, XMM: c.XMM, MXCSR: c.MXCSR}
	return out, append([]byte(nil), data[:DataSize]...)
}

// hostFeatures reports the CPUID features of this CPU.
func hostFeatures() features { return featuresFrom(cpuid) }

const haveNative = true

// Package mem implements guest address spaces.
//
// A Space is one x86-64 Linux address space. It has two backings behind one
// concrete type, so the per-instruction accessors never make an interface
// call:
//
//   - Linear: one big PROT_NONE host reservation; guest address g lives at
//     host address base+g and guest mmap/mprotect become host calls inside
//     the reservation. An access is one bounds compare plus one host load;
//     protection is enforced by the host MMU, so a bad access surfaces as a
//     Go runtime panic (debug.SetPanicOnFault) that the engine maps back with
//     HostFault/FaultFor/HandleCodeWrite.
//   - Virtual: a 4-level radix page table of 4 KiB Go arrays plus a small
//     direct-mapped TLB; memory safe and portable. Addresses at or above the
//     linear reservation use this path in Linear mode too.
//
// Invariants:
//   - The VMA list (s.vmas) is the single source of truth for protections in
//     both modes; host protections and TLB entries are caches of it.
//   - s.mu guards the VMA list, the page table shape, the code-page set, TLB
//     fills and host mmap/mprotect. The hot path takes no lock: TLB entries
//     are atomic pointers to immutable pte values, filled and flushed under
//     s.mu, so a racing reader sees either a valid old entry or a miss.
//   - A write TLB entry is only ever filled for a page that is writable and
//     not marked as code, so the first write to code takes the slow path,
//     which calls OnCodeWrite before the store lands.
//   - OnCodeWrite is always called without s.mu held.
//   - A page-table page that fork shares copy-on-write (pte.cow) is never
//     in a write TLB: Clone empties the parent's first and fill unshares
//     it on the first write. The one race left is a guest store that
//     loaded its write entry before a fork and lands only after the
//     parent has already unshared that page again: it is lost to the
//     parent and seen by the child, like a store racing munmap is lost.
package mem

import (
	"encoding/binary"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/blink-go/blink/core/abi"
)

// Mode selects how guest memory is backed.
type Mode int

const (
	// Linear maps guest address g at host address base+g inside one large
	// PROT_NONE reservation; guest mmap/mprotect become host calls.
	Linear Mode = iota
	// Virtual keeps a 4-level page table of 4 KiB host pages with a TLB;
	// fully memory safe, works on every host.
	Virtual
)

func (m Mode) String() string {
	if m == Linear {
		return "linear"
	}
	return "virtual"
}

// Protection bits (same values as Linux PROT_*).
const (
	ProtRead  = 1
	ProtWrite = 2
	ProtExec  = 4
)

const (
	pageShift = 12
	pageSize  = 1 << pageShift
	pageMask  = pageSize - 1

	// taskSize is Linux x86-64's TASK_SIZE with 4-level paging: the first
	// address user space can never map.
	taskSize = 0x7ffffffff000
	// mmapMinAddr is the default vm.mmap_min_addr: hints below it are
	// raised to it and searches stay above it. MAP_FIXED below it is
	// allowed, as for a guest with CAP_SYS_RAWIO (the emulator has no
	// credentials of its own to check).
	mmapMinAddr = 0x10000

	defaultReserve = 1 << 40
)

// Host address-space budget. Every Linear Space holds one PROT_NONE host
// reservation, and all of them share the host process's address space
// (128 TiB on a 47-bit x86-64 host): at 1 TiB each, about 127 processes
// would exhaust it, long before the kernel's limit of 512 processes. So
// reservations get the size asked for (1 TiB by default, room for a Go
// guest's heap at 0xc000000000) while the total stays within bigBudget,
// and smallReserve beyond it, which keeps 512 processes within a quarter
// of the host's space and leaves the rest to the Go runtime. A host that
// refuses a reservation gets asked for a quarter of it, down to
// minReserve, and then the Space falls back to Virtual. A Space whose
// reservation is smaller than its layout needs (a forked child of a
// 1 TiB parent, whose stack sits at 1 TiB) keeps the addresses above it
// in the page table, as Linear mode always does for high addresses.
const (
	bigBudget    = 32 << 40
	smallReserve = 64 << 30
	minReserve   = 1 << 30
)

// reservedTotal is the host address space held by all live Linear
// Spaces of this process: a host-wide resource, like the address space
// itself, so it is the one piece of package state.
var reservedTotal atomic.Uint64

// firstSize is the reservation to ask for first for a Space that wants
// want bytes and whose mappings need the first need bytes to be linear.
func firstSize(want, need uint64) uint64 {
	if want <= smallReserve || reservedTotal.Load()+want <= bigBudget {
		return want
	}
	return max(smallReserve, need)
}

// Fault is raised (by panic) when a guest access hits unmapped memory or
// violates protection.
type Fault struct {
	Addr  uint64
	Write bool
	Exec  bool
	// Code is SEGV_MAPERR (nothing mapped) or SEGV_ACCERR (protection).
	Code int32
}

func (f *Fault) Error() string {
	what := "read"
	if f.Write {
		what = "write"
	} else if f.Exec {
		what = "exec"
	}
	kind := "unmapped"
	if f.Code == abi.SEGV_ACCERR {
		kind = "protected"
	}
	return "guest memory fault: " + what + " of " + kind + " address 0x" + hex(f.Addr)
}

func hex(v uint64) string {
	const digits = "0123456789abcdef"
	var b [16]byte
	i := len(b)
	for {
		i--
		b[i] = digits[v&15]
		v >>= 4
		if v == 0 {
			return string(b[i:])
		}
	}
}

// Options configures a new Space.
type Options struct {
	Mode Mode
	// Reserve is the size of the linear reservation (default 1 TiB).
	Reserve uint64

	// reserve replaces hostReserve in tests, to force the fallback.
	reserve reserveFunc
}

type reserveFunc func(size uint64) (unsafe.Pointer, error)

// File is what a file mapping reads its contents from. A File that also
// implements HostFD() int can be mapped MAP_SHARED directly from the host
// in Linear mode, which keeps it coherent with the file itself.
type File interface {
	ReadAt(p []byte, off int64) (int, error)
}

// Mapping describes one guest mapping, for /proc/pid/maps and fork.
type Mapping struct {
	Start, End uint64
	Prot       int
	Flags      int // MAP_SHARED, MAP_PRIVATE, MAP_ANONYMOUS, MAP_GROWSDOWN...
	Offset     int64
	Name       string // file path, "[heap]", "[stack]", "" for anonymous
}

// Space is one guest address space.
type Space struct {
	// OnCodeWrite is called with the page address when guest code marked
	// with MarkCode is about to be overwritten (SMC invalidation).
	OnCodeWrite func(page uint64)

	// Linear fast-path bounds: an access of n bytes at a is direct iff
	// a < endN. All zero in Virtual mode, so the compare always fails.
	end1, end2, end4, end8, end16 uint64
	base                          unsafe.Pointer // host address of guest 0 (Linear)

	rtlb, wtlb [tlbSize]tlbEntry

	mu       sync.Mutex
	amu      sync.Mutex // serialises the locked (non-native) atomics
	mode     Mode
	reserve  uint64 // Linear reservation size; 0 in Virtual mode
	hostRes  reserveFunc
	limit    uint64
	mmapBase uint64
	fallback string
	vmas     []vma
	pt       ptRoot
	code     map[uint64]struct{}
	brkStart uint64
	brk      uint64
	closed   bool
}

// New creates an empty address space. Linear mode silently falls back to
// Virtual when the host cannot provide it; see FallbackReason. The
// reservation may be smaller than Options.Reserve when the host's address
// space runs short (see bigBudget).
func New(opt Options) (*Space, error) {
	s := newEmpty(opt.reserve)
	if opt.Mode == Linear {
		size := opt.Reserve
		if size == 0 {
			size = defaultReserve
		}
		size = (size + pageMask) &^ pageMask
		if size > taskSize {
			size = taskSize
		}
		if s.reserveLinear(size, 0); s.mode == Linear {
			s.limit = s.reserve
		}
	}
	s.mmapBase = s.limit
	return s, nil
}

func newEmpty(res reserveFunc) *Space {
	if res == nil {
		res = hostReserve
	}
	s := &Space{code: make(map[uint64]struct{}), hostRes: res, mode: Virtual, limit: taskSize}
	s.flushTLB()
	return s
}

// reserveLinear gives s a Linear reservation of up to want bytes, and of
// at least need bytes, or leaves it in Virtual mode saying why.
func (s *Space) reserveLinear(want, need uint64) {
	if why := linearUnsupported(); why != "" {
		s.fallback = why
		return
	}
	floor := max(need, min(want, minReserve))
	for size := firstSize(want, need); ; size = max(size/4&^pageMask, floor) {
		base, err := s.hostRes(size)
		if err == nil {
			reservedTotal.Add(size)
			s.mode = Linear
			s.base = base
			s.reserve = size
			s.end1, s.end2, s.end4, s.end8, s.end16 = size, size-1, size-3, size-7, size-15
			return
		}
		if size <= floor {
			s.fallback = "host reservation failed: " + err.Error()
			return
		}
	}
}

// Mode reports the backing actually in use.
func (s *Space) Mode() Mode { return s.mode }

// FallbackReason says why a Linear request got Virtual mode ("" if it did not).
func (s *Space) FallbackReason() string { return s.fallback }

// Limit is the top of the area for non-fixed placements: the reservation
// size in Linear mode, TASK_SIZE in Virtual mode.
func (s *Space) Limit() uint64 { return s.limit }

// SetMmapBase sets where top-down searches for free space start (Linux's
// mm->mmap_base, below the stack). It defaults to Limit().
func (s *Space) SetMmapBase(a uint64) {
	s.mu.Lock()
	s.mmapBase = min(a&^pageMask, s.limit)
	s.mu.Unlock()
}

// Close releases every host resource. The Space must not be used after.
func (s *Space) Close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return
	}
	s.closed = true
	for i := range s.vmas {
		s.vmas[i].release()
	}
	s.vmas = nil
	s.pt = ptRoot{}
	s.flushTLB()
	if s.base != nil {
		hostRelease(s.base, s.reserve)
		reservedTotal.Add(-s.reserve)
		s.base = nil
		s.end1, s.end2, s.end4, s.end8, s.end16 = 0, 0, 0, 0, 0
	}
}

// host returns the host address of linear guest address a.
func (s *Space) host(a uint64) unsafe.Pointer { return unsafe.Add(s.base, a) }

// The hot-path accessors below are little-endian on every host and panic
// with *Fault on failure. binary.LittleEndian on a fixed-size array compiles
// to a single load/store on little-endian hosts and stays correct on
// big-endian or strict-alignment ones.

func (s *Space) Read8(a uint64) uint8 {
	if a < s.end1 {
		return *(*uint8)(s.host(a))
	}
	return s.read8Slow(a)
}

func (s *Space) Read16(a uint64) uint16 {
	if a < s.end2 {
		return binary.LittleEndian.Uint16((*[2]byte)(s.host(a))[:])
	}
	return s.read16Slow(a)
}

func (s *Space) Read32(a uint64) uint32 {
	if a < s.end4 {
		return binary.LittleEndian.Uint32((*[4]byte)(s.host(a))[:])
	}
	return s.read32Slow(a)
}

func (s *Space) Read64(a uint64) uint64 {
	if a < s.end8 {
		return binary.LittleEndian.Uint64((*[8]byte)(s.host(a))[:])
	}
	return s.read64Slow(a)
}

func (s *Space) Read128(a uint64) (lo, hi uint64) {
	if a < s.end16 {
		p := (*[16]byte)(s.host(a))
		return binary.LittleEndian.Uint64(p[:8]), binary.LittleEndian.Uint64(p[8:])
	}
	return s.read128Slow(a)
}

func (s *Space) Write8(a uint64, v uint8) {
	if a < s.end1 {
		*(*uint8)(s.host(a)) = v
		return
	}
	s.write8Slow(a, v)
}

func (s *Space) Write16(a uint64, v uint16) {
	if a < s.end2 {
		binary.LittleEndian.PutUint16((*[2]byte)(s.host(a))[:], v)
		return
	}
	s.write16Slow(a, v)
}

func (s *Space) Write32(a uint64, v uint32) {
	if a < s.end4 {
		binary.LittleEndian.PutUint32((*[4]byte)(s.host(a))[:], v)
		return
	}
	s.write32Slow(a, v)
}

func (s *Space) Write64(a uint64, v uint64) {
	if a < s.end8 {
		binary.LittleEndian.PutUint64((*[8]byte)(s.host(a))[:], v)
		return
	}
	s.write64Slow(a, v)
}

func (s *Space) Write128(a uint64, lo, hi uint64) {
	if a < s.end16 {
		p := (*[16]byte)(s.host(a))
		binary.LittleEndian.PutUint64(p[:8], lo)
		binary.LittleEndian.PutUint64(p[8:], hi)
		return
	}
	s.write128Slow(a, lo, hi)
}

// The slow halves below are kept out of line so that the linear-mode
// checks above fit the compiler's inlining budget: a guest load or store
// in Linear mode is then one compare and one host access inside the
// handler. They serve Virtual mode (TLB, then page-table walk), addresses
// above the reservation, and accesses that cross the reservation's end.

//go:noinline
func (s *Space) read8Slow(a uint64) uint8 {
	if e := s.rtlb[(a>>pageShift)&tlbMask].Load(); e.vpn == a>>pageShift {
		return e.data[a&pageMask]
	}
	return s.span(a, false)[0]
}

//go:noinline
func (s *Space) read16Slow(a uint64) uint16 {
	if e := s.rtlb[(a>>pageShift)&tlbMask].Load(); e.vpn == a>>pageShift && a&pageMask <= pageSize-2 {
		return binary.LittleEndian.Uint16(e.data[a&pageMask:])
	}
	var b [2]byte
	s.loadSlow(a, b[:])
	return binary.LittleEndian.Uint16(b[:])
}

//go:noinline
func (s *Space) read32Slow(a uint64) uint32 {
	if e := s.rtlb[(a>>pageShift)&tlbMask].Load(); e.vpn == a>>pageShift && a&pageMask <= pageSize-4 {
		return binary.LittleEndian.Uint32(e.data[a&pageMask:])
	}
	var b [4]byte
	s.loadSlow(a, b[:])
	return binary.LittleEndian.Uint32(b[:])
}

//go:noinline
func (s *Space) read64Slow(a uint64) uint64 {
	if e := s.rtlb[(a>>pageShift)&tlbMask].Load(); e.vpn == a>>pageShift && a&pageMask <= pageSize-8 {
		return binary.LittleEndian.Uint64(e.data[a&pageMask:])
	}
	var b [8]byte
	s.loadSlow(a, b[:])
	return binary.LittleEndian.Uint64(b[:])
}

//go:noinline
func (s *Space) read128Slow(a uint64) (lo, hi uint64) {
	if e := s.rtlb[(a>>pageShift)&tlbMask].Load(); e.vpn == a>>pageShift && a&pageMask <= pageSize-16 {
		p := e.data[a&pageMask:]
		return binary.LittleEndian.Uint64(p), binary.LittleEndian.Uint64(p[8:])
	}
	var b [16]byte
	s.loadSlow(a, b[:])
	return binary.LittleEndian.Uint64(b[:8]), binary.LittleEndian.Uint64(b[8:])
}

//go:noinline
func (s *Space) write8Slow(a uint64, v uint8) {
	if e := s.wtlb[(a>>pageShift)&tlbMask].Load(); e.vpn == a>>pageShift {
		e.data[a&pageMask] = v
		return
	}
	s.span(a, true)[0] = v
}

//go:noinline
func (s *Space) write16Slow(a uint64, v uint16) {
	if e := s.wtlb[(a>>pageShift)&tlbMask].Load(); e.vpn == a>>pageShift && a&pageMask <= pageSize-2 {
		binary.LittleEndian.PutUint16(e.data[a&pageMask:], v)
		return
	}
	var b [2]byte
	binary.LittleEndian.PutUint16(b[:], v)
	s.storeSlow(a, b[:])
}

//go:noinline
func (s *Space) write32Slow(a uint64, v uint32) {
	if e := s.wtlb[(a>>pageShift)&tlbMask].Load(); e.vpn == a>>pageShift && a&pageMask <= pageSize-4 {
		binary.LittleEndian.PutUint32(e.data[a&pageMask:], v)
		return
	}
	var b [4]byte
	binary.LittleEndian.PutUint32(b[:], v)
	s.storeSlow(a, b[:])
}

//go:noinline
func (s *Space) write64Slow(a uint64, v uint64) {
	if e := s.wtlb[(a>>pageShift)&tlbMask].Load(); e.vpn == a>>pageShift && a&pageMask <= pageSize-8 {
		binary.LittleEndian.PutUint64(e.data[a&pageMask:], v)
		return
	}
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], v)
	s.storeSlow(a, b[:])
}

//go:noinline
func (s *Space) write128Slow(a uint64, lo, hi uint64) {
	var b [16]byte
	binary.LittleEndian.PutUint64(b[:8], lo)
	binary.LittleEndian.PutUint64(b[8:], hi)
	if e := s.wtlb[(a>>pageShift)&tlbMask].Load(); e.vpn == a>>pageShift && a&pageMask <= pageSize-16 {
		copy(e.data[a&pageMask:], b[:])
		return
	}
	s.storeSlow(a, b[:])
}

// Load copies len(dst) guest bytes at a into dst (e.g. FXRSTOR), or panics
// with *Fault before copying anything it cannot read.
func (s *Space) Load(a uint64, dst []byte) {
	n := uint64(len(dst))
	if n <= s.end1 && a < s.end1-n+1 {
		copy(dst, unsafe.Slice((*byte)(s.host(a)), n))
		return
	}
	s.loadSlow(a, dst)
}

// Store copies src to guest memory at a (e.g. FXSAVE). Every page is
// checked before any byte lands, as on x86, where a faulting store
// commits nothing.
func (s *Space) Store(a uint64, src []byte) {
	n := uint64(len(src))
	if n <= s.end1 && a < s.end1-n+1 {
		copy(unsafe.Slice((*byte)(s.host(a)), n), src)
		return
	}
	s.storeSlow(a, src)
}

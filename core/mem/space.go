// Package mem implements guest address spaces.
//
// CONTRACT STUB: the signatures below are the API the rest of the emulator
// is written against; the implementation replaces the bodies.
package mem

import "github.com/blink-go/blink/core/abi"

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

// Protection bits (same values as Linux PROT_*).
const (
	ProtRead  = 1
	ProtWrite = 2
	ProtExec  = 4
)

// Fault is raised (by panic) when a guest access hits unmapped memory or
// violates protection.
type Fault struct {
	Addr  uint64
	Write bool
	Exec  bool
	// Code is SEGV_MAPERR (nothing mapped) or SEGV_ACCERR (protection).
	Code int32
}

func (f *Fault) Error() string { return "guest memory fault" }

// Options configures a new Space.
type Options struct {
	Mode Mode
	// Reserve is the size of the linear reservation (default 1 TiB).
	Reserve uint64
}

// File is what a file mapping reads its contents from.
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
}

func New(opt Options) (*Space, error) { panic("unimplemented") }
func (s *Space) Mode() Mode           { panic("unimplemented") }
func (s *Space) Close()               { panic("unimplemented") }

// Hot-path accessors: little-endian on every host; panic(*Fault) on failure.
func (s *Space) Read8(a uint64) uint8                  { panic("unimplemented") }
func (s *Space) Read16(a uint64) uint16                { panic("unimplemented") }
func (s *Space) Read32(a uint64) uint32                { panic("unimplemented") }
func (s *Space) Read64(a uint64) uint64                { panic("unimplemented") }
func (s *Space) Read128(a uint64) (lo, hi uint64)      { panic("unimplemented") }
func (s *Space) Write8(a uint64, v uint8)              { panic("unimplemented") }
func (s *Space) Write16(a uint64, v uint16)            { panic("unimplemented") }
func (s *Space) Write32(a uint64, v uint32)            { panic("unimplemented") }
func (s *Space) Write64(a uint64, v uint64)            { panic("unimplemented") }
func (s *Space) Write128(a uint64, lo, hi uint64)      { panic("unimplemented") }
func (s *Space) Load(a uint64, dst []byte)             { panic("unimplemented") }
func (s *Space) Store(a uint64, src []byte)            { panic("unimplemented") }
func (s *Space) Fetch(a uint64, dst []byte) int        { panic("unimplemented") }
func (s *Space) MarkCode(a uint64)                     { panic("unimplemented") }
func (s *Space) CopyIn(a uint64, dst []byte) abi.Errno { panic("unimplemented") }
func (s *Space) CopyOut(a uint64, src []byte) abi.Errno {
	panic("unimplemented")
}

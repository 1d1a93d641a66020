package difftest

import (
	"encoding/binary"
	"math"
)

// rng is splitmix64: tiny, and its sequence never changes with the Go
// version, so a seed reproduces a case anywhere.
type rng struct{ s uint64 }

func (r *rng) u64() uint64 {
	r.s += 0x9e3779b97f4a7c15
	z := r.s
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}

func (r *rng) n(k int) int { return int(r.u64() % uint64(k)) }

// val returns a 64-bit value biased towards the boundaries where
// arithmetic goes wrong: 0, 1, -1, the signed and unsigned extremes of each
// width, lone sign bits, and small numbers, each with either sign/zero
// extension or random upper bits (which the narrow forms must ignore).
func (r *rng) val() uint64 {
	switch r.n(4) {
	case 0:
		return r.u64()
	case 1:
		return uint64(int64(r.n(20) - 3))
	}
	bits := []uint{8, 16, 32, 64}[r.n(4)]
	mask := uint64(math.MaxUint64) >> (64 - bits)
	sign := uint64(1) << (bits - 1)
	var v uint64
	switch r.n(9) {
	case 0:
		v = 0
	case 1:
		v = 1
	case 2:
		v = mask // -1
	case 3:
		v = sign // MIN
	case 4:
		v = sign - 1 // MAX
	case 5:
		v = sign + 1
	case 6:
		v = mask - 1
	case 7:
		v = 1 << uint(r.n(int(bits)))
	default:
		v = r.u64() & mask >> uint(r.n(int(bits)))
	}
	switch r.n(3) {
	case 0: // sign-extend
		if v&sign != 0 {
			v |= ^mask
		}
	case 1: // garbage above the width
		v |= r.u64() &^ mask
	}
	return v
}

// count returns a shift or rotate count, mostly near the interesting
// edges (0, 1, the operand width and the 5/6-bit masks), as a byte.
func (r *rng) count(size int) uint64 {
	if r.n(3) == 0 {
		return uint64(r.n(256))
	}
	bits := 8 * size
	c := []int{0, 1, 2, bits - 1, bits, bits + 1, 7, 8, 9, 16, 17, 31, 32, 33, 63, 64, 65, 255}
	return uint64(c[r.n(len(c))]) & 0xff
}

// Special floating-point encodings: zeros, ones, infinities, quiet and
// signalling NaNs, denormals, the largest and smallest normals, and values
// at the edge of integer conversion.
var (
	f64Specials = []uint64{0, 1 << 63, 0x3ff0000000000000, 0xbff0000000000000, 0x7ff0000000000000,
		0xfff0000000000000, 0x7ff8000000000000, 0xfff8000000000000, 0x7ff4000000000000, 1, 0x000fffffffffffff,
		0x8000000000000001, 0x0010000000000000, 0x7fefffffffffffff, 0x43e0000000000000, 0xc3e0000000000000,
		0x41e0000000000000, 0xc1e0000000200000, 0x3fe0000000000000, 0x3ff8000000000000, 0x4004000000000000,
		0xc00c000000000000, 0x3cb0000000000000}
	f32Specials = []uint32{0, 1 << 31, 0x3f800000, 0xbf800000, 0x7f800000, 0xff800000, 0x7fc00000, 0xffc00000,
		0x7fa00000, 1, 0x007fffff, 0x80000001, 0x00800000, 0x7f7fffff, 0x5f000000, 0xdf000000, 0x4f000000,
		0xcf000000, 0x3f000000, 0x3fc00000, 0x40200000, 0xc0600000}
)

// f64 returns a double: special, small integral, or random.
func (r *rng) f64() uint64 {
	switch r.n(4) {
	case 0, 1:
		return f64Specials[r.n(len(f64Specials))]
	case 2:
		return math.Float64bits(float64(int(r.n(2001)-1000)) / float64(1+r.n(8)))
	}
	return r.u64()
}

func (r *rng) f32() uint32 {
	switch r.n(4) {
	case 0, 1:
		return f32Specials[r.n(len(f32Specials))]
	case 2:
		return math.Float32bits(float32(r.n(2001)-1000) / float32(1+r.n(8)))
	}
	return uint32(r.u64())
}

// xmm returns a 128-bit value: integer boundaries, doubles, floats or noise.
func (r *rng) xmm() [2]uint64 {
	var x [2]uint64
	switch r.n(4) {
	case 0:
		x[0], x[1] = r.u64(), r.u64()
	case 1:
		x[0], x[1] = r.f64(), r.f64()
	case 2:
		x[0] = uint64(r.f32()) | uint64(r.f32())<<32
		x[1] = uint64(r.f32()) | uint64(r.f32())<<32
	default:
		// Bytes from a small alphabet, so PCMPEQ*, PMIN/PMAX and the
		// saturating adds see equal lanes and extremes.
		var b [16]byte
		alpha := []byte{0, 1, 0x7f, 0x80, 0xff, 0xfe, 0x81, byte(r.u64())}
		for i := range b {
			b[i] = alpha[r.n(len(alpha))]
		}
		x[0], x[1] = binary.LittleEndian.Uint64(b[:]), binary.LittleEndian.Uint64(b[8:])
	}
	return x
}

// memPattern is the background of the data page: fixed, so that recorded
// vectors compress to the random windows written over it.
var memPattern = func() []byte {
	p := make([]byte, DataSize)
	r := rng{s: 0xb1d}
	for i := 0; i < DataSize; i += 8 {
		binary.LittleEndian.PutUint64(p[i:], r.u64())
	}
	return p
}()

// fillWindow puts boundary-biased values into mem[off:off+n] (clipped).
func (r *rng) fillWindow(mem []byte, off, n int) {
	for i := max(off, 0) &^ 7; i < off+n && i+8 <= len(mem); i += 8 {
		binary.LittleEndian.PutUint64(mem[i:], r.val())
	}
}

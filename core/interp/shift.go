package interp

import "github.com/blink-go/blink/core/x86"

// Shifts and rotates (group 2: C0/C1/D0-D3) and SHLD/SHRD. The count is
// masked to 5 bits (6 for 64-bit operands); a masked count of 0 changes
// nothing, not even the flags. Where Intel documents OF as defined only for
// a count of 1 (or AF/OF as undefined), we reproduce what Intel hardware
// actually computes, as checked against the host CPU in shift_amd64_test.go.

func countMask[T word]() uint8 {
	if size[T]() == 8 {
		return 63
	}
	return 31
}

// shiftFlags records SF/ZF/PF from r plus cf and of for a shift result.
func shiftFlags[T word](f *x86.Flags, r T, cf, of bool) {
	var v uint64
	if cf {
		v |= x86.FlagCF
	}
	if of {
		v |= x86.FlagOF
	}
	f.SetResult(size[T](), uint64(r), v)
}

// rotFlags updates only CF and OF: rotates leave SF, ZF, AF and PF alone.
func rotFlags(f *x86.Flags, cf, of bool) {
	f.Flush()
	f.Bits &^= x86.FlagCF | x86.FlagOF
	if cf {
		f.Bits |= x86.FlagCF
	}
	if of {
		f.Bits |= x86.FlagOF
	}
}

// ofOf returns OF after a shift or rotate by the masked count n != 0.
// of1 is the SDM's count-1 formula evaluated on the source operand. For
// other counts the SDM leaves OF undefined; Intel cores (measured on the
// host by native_amd64_test.go) produce of1 for every count, except that
// ROL and ROR by an immediate other than 1 leave OF unchanged. Only the
// rotates call ofOf; the other shifts use of1 directly.
func ofOf(f *x86.Flags, n uint8, imm bool, of1 bool) bool {
	if n == 1 || !imm {
		return of1
	}
	return f.OF()
}

func shl[T word](f *x86.Flags, a T, n uint8, _ bool) T {
	n &= countMask[T]()
	if n == 0 {
		return a
	}
	r := a << n
	cf := uint64(a)<<n>>bitsOf[T]()&1 != 0 // n <= 31 for narrow T
	if size[T]() == 8 {
		cf = uint64(a)>>(64-uint(n))&1 != 0
	}
	shiftFlags(f, r, cf, msb(a^a<<1))
	return r
}

func shr[T word](f *x86.Flags, a T, n uint8, _ bool) T {
	n &= countMask[T]()
	if n == 0 {
		return a
	}
	r := a >> n
	cf := uint64(a)>>(n-1)&1 != 0
	shiftFlags(f, r, cf, msb(a))
	return r
}

func sar[T word](f *x86.Flags, a T, n uint8, _ bool) T {
	n &= countMask[T]()
	if n == 0 {
		return a
	}
	s := int64(sext(a))
	r := T(s >> n)
	cf := s>>(n-1)&1 != 0
	shiftFlags(f, r, cf, false)
	return r
}

func rol[T word](f *x86.Flags, a T, n uint8, imm bool) T {
	n &= countMask[T]()
	if n == 0 {
		return a
	}
	k := uint(n) % bitsOf[T]()
	r := a<<k | a>>(bitsOf[T]()-k)
	rotFlags(f, r&1 != 0, ofOf(f, n, imm, msb(a^a<<1)))
	return r
}

func ror[T word](f *x86.Flags, a T, n uint8, imm bool) T {
	n &= countMask[T]()
	if n == 0 {
		return a
	}
	k := uint(n) % bitsOf[T]()
	r := a>>k | a<<(bitsOf[T]()-k)
	rotFlags(f, msb(r), ofOf(f, n, imm, msb(a) != (a&1 != 0)))
	return r
}

// RCL/RCR rotate through CF: a (bits+1)-bit rotation, so the 8- and
// 16-bit forms take the count modulo 9 and 17.
func rcl[T word](f *x86.Flags, a T, n uint8, _ bool) T {
	n &= countMask[T]()
	if n == 0 {
		return a
	}
	k := uint(n) % (bitsOf[T]() + 1)
	if k == 0 {
		return a // a full turn: Intel cores leave every flag alone too
	}
	c := b2u[T](f.CF())
	r := a<<k | c<<(k-1) | a>>(bitsOf[T]()+1-k)
	cf := a>>(bitsOf[T]()-k)&1 != 0
	rotFlags(f, cf, msb(a^a<<1))
	return r
}

func rcr[T word](f *x86.Flags, a T, n uint8, _ bool) T {
	n &= countMask[T]()
	if n == 0 {
		return a
	}
	k := uint(n) % (bitsOf[T]() + 1)
	if k == 0 {
		return a
	}
	c := b2u[T](f.CF())
	r := a>>k | c<<(bitsOf[T]()-k) | a<<(bitsOf[T]()+1-k)
	cf := a>>(k-1)&1 != 0
	rotFlags(f, cf, msb(a) != (c != 0))
	return r
}

// shld shifts a left, filling from b. For 16-bit operands with a count
// above 16 (undefined in the SDM) P6-and-later cores shift the 48-bit
// value a:b:a, which the general formula below reproduces.
func shld[T word](f *x86.Flags, a, b T, n uint8, _ bool) T {
	n &= countMask[T]()
	if n == 0 {
		return a
	}
	var r T
	var cf bool
	if size[T]() == 2 {
		v := uint64(a)<<32 | uint64(b)<<16 | uint64(a)
		r = T(v >> (32 - uint(n)))
		cf = v>>(48-uint(n))&1 != 0
	} else {
		w := bitsOf[T]()
		r = a<<n | b>>(w-uint(n))
		cf = a>>(w-uint(n))&1 != 0
	}
	shiftFlags(f, r, cf, msb(a^a<<1))
	return r
}

// shrd shifts a right, filling from b (16-bit counts above 16: b:a:b... as
// for shld, the 48-bit value a:b:a on P6+).
func shrd[T word](f *x86.Flags, a, b T, n uint8, _ bool) T {
	n &= countMask[T]()
	if n == 0 {
		return a
	}
	var r T
	var cf bool
	if size[T]() == 2 {
		v := uint64(a) | uint64(b)<<16 | uint64(a)<<32
		r = T(v >> n)
		cf = v>>(n-1)&1 != 0
	} else {
		w := bitsOf[T]()
		r = a>>n | b<<(w-uint(n))
		cf = a>>(n-1)&1 != 0
	}
	shiftFlags(f, r, cf, msb(a) != (b&1 != 0))
	return r
}

package vec

import "math/rand"

// Operand generators biased toward the cases that break soft-floats.

func rnd64(r *rand.Rand) uint64 {
	sign := uint64(r.Intn(2)) << 63
	frac := r.Uint64() & (1<<52 - 1)
	switch r.Intn(16) {
	case 0:
		return sign // ±0
	case 1:
		return sign | 0x7ff<<52 // ±inf
	case 2:
		return sign | 0x7ff8<<48 | frac>>4 // QNaN
	case 3:
		return sign | 0x7ff<<52 | frac>>1 | 1 // SNaN
	case 4:
		return sign | frac>>uint(r.Intn(52)) // denormal
	case 5:
		return sign | 0x7fe<<52 | frac // huge
	case 6:
		return sign | 1<<52 | frac>>uint(r.Intn(52)) // tiny normal
	case 7:
		return sign | uint64(1023+r.Intn(4)-2)<<52 | (1<<52-1)&^(1<<uint(r.Intn(52))-1) // runs of ones
	case 8, 9:
		return sign | uint64(1023+r.Intn(40)-20)<<52 | frac
	}
	return r.Uint64()
}

func rnd32(r *rand.Rand) uint32 {
	sign := uint32(r.Intn(2)) << 31
	frac := r.Uint32() & (1<<23 - 1)
	switch r.Intn(16) {
	case 0:
		return sign
	case 1:
		return sign | 0xff<<23
	case 2:
		return sign | 0xffc<<20 | frac>>4
	case 3:
		return sign | 0xff<<23 | frac>>1 | 1
	case 4:
		return sign | frac>>uint(r.Intn(23))
	case 5:
		return sign | 0xfe<<23 | frac
	case 6:
		return sign | 1<<23 | frac>>uint(r.Intn(23))
	case 7:
		return sign | uint32(127+r.Intn(4)-2)<<23 | (1<<23-1)&^(1<<uint(r.Intn(23))-1)
	case 8, 9:
		return sign | uint32(127+r.Intn(20)-10)<<23 | frac
	}
	return r.Uint32()
}

// near64 returns a value whose exponent is close to a's, so sums and
// differences round in interesting ways.
func near64(r *rand.Rand, a uint64) uint64 {
	if r.Intn(3) == 0 {
		return rnd64(r)
	}
	e := int(a>>52&0x7ff) + r.Intn(120) - 60
	if e < 0 || e > 0x7fe {
		return rnd64(r)
	}
	return uint64(r.Intn(2))<<63 | uint64(e)<<52 | r.Uint64()>>12
}

func near32(r *rand.Rand, a uint32) uint32 {
	if r.Intn(3) == 0 {
		return rnd32(r)
	}
	e := int(a>>23&0xff) + r.Intn(60) - 30
	if e < 0 || e > 0xfe {
		return rnd32(r)
	}
	return uint32(r.Intn(2))<<31 | uint32(e)<<23 | r.Uint32()>>9
}

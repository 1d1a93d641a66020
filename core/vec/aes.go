package vec

import "github.com/blink-go/blink/core/x86"

// AES-NI: one AES round per instruction (FIPS-197 terms). The state is
// the 16 bytes of the register, column-major: byte 4c+r is row r of
// column c. Tables are derived at init from the field arithmetic rather
// than written out.

var sbox, invSbox [256]uint8

// gmul multiplies in GF(2^8) modulo x^8+x^4+x^3+x+1.
func gmul(a, b uint8) uint8 {
	var p uint8
	for ; b != 0; b >>= 1 {
		if b&1 != 0 {
			p ^= a
		}
		a = a<<1 ^ 0x1b&-(a>>7)
	}
	return p
}

func init() {
	for i := 0; i < 256; i++ {
		inv := uint8(0)
		for j := 1; j < 256 && i != 0; j++ {
			if gmul(uint8(i), uint8(j)) == 1 {
				inv = uint8(j)
				break
			}
		}
		rotl := func(x uint8, n uint) uint8 { return x<<n | x>>(8-n) }
		s := inv ^ rotl(inv, 1) ^ rotl(inv, 2) ^ rotl(inv, 3) ^ rotl(inv, 4) ^ 0x63
		sbox[i] = s
		invSbox[s] = uint8(i)
	}
}

type aesState [16]uint8

func toState(x x86.XMM) (s aesState) {
	for i := range s {
		s[i] = uint8(x[i>>3] >> (8 * uint(i&7)))
	}
	return
}

func (s *aesState) xmm() (x x86.XMM) {
	for i, b := range s {
		x[i>>3] |= uint64(b) << (8 * uint(i&7))
	}
	return
}

// shiftSub is ShiftRows then SubBytes, or their inverses.
func (s *aesState) shiftSub(inv bool) {
	var t aesState
	for c := 0; c < 4; c++ {
		for r := 0; r < 4; r++ {
			if inv {
				t[4*c+r] = invSbox[s[4*((c-r+4)&3)+r]]
			} else {
				t[4*c+r] = sbox[s[4*((c+r)&3)+r]]
			}
		}
	}
	*s = t
}

// mix is MixColumns (coefficients 2 3 1 1) or InvMixColumns (14 11 13 9).
func (s *aesState) mix(inv bool) {
	k := [4]uint8{2, 3, 1, 1}
	if inv {
		k = [4]uint8{14, 11, 13, 9}
	}
	for c := 0; c < 4; c++ {
		a := [4]uint8{s[4*c], s[4*c+1], s[4*c+2], s[4*c+3]}
		for r := 0; r < 4; r++ {
			s[4*c+r] = gmul(k[0], a[r]) ^ gmul(k[1], a[(r+1)&3]) ^ gmul(k[2], a[(r+2)&3]) ^ gmul(k[3], a[(r+3)&3])
		}
	}
}

// AESENC/AESENCLAST/AESDEC/AESDECLAST xmm1, xmm2/m128 (in.Aux: bit 0
// decrypts, bit 1 is the last round, which skips the column mix), and
// AESIMC (in.Aux 4).
func aesRound(m *x86.Machine, in *x86.Inst) {
	k := srcA(m, in)
	if in.Aux == 4 {
		s := toState(k)
		s.mix(true)
		m.XMM[in.Reg] = s.xmm()
		return
	}
	inv := in.Aux&1 != 0
	s := toState(m.XMM[in.Reg])
	s.shiftSub(inv)
	if in.Aux&2 == 0 {
		s.mix(inv)
	}
	r := s.xmm()
	m.XMM[in.Reg] = x86.XMM{r[0] ^ k[0], r[1] ^ k[1]}
}

// AESKEYGENASSIST xmm1, xmm2/m128, imm8.
func aeskeygen(m *x86.Machine, in *x86.Inst) {
	x := srcA(m, in)
	sub := func(w uint32) uint32 {
		return uint32(sbox[w&0xff]) | uint32(sbox[w>>8&0xff])<<8 | uint32(sbox[w>>16&0xff])<<16 | uint32(sbox[w>>24])<<24
	}
	rcon := uint32(uint8(in.Imm))
	x1, x3 := sub(uint32(x[0]>>32)), sub(uint32(x[1]>>32))
	rot := func(w uint32) uint32 { return w>>8 | w<<24 }
	m.XMM[in.Reg] = x86.XMM{uint64(x1) | uint64(rot(x1)^rcon)<<32, uint64(x3) | uint64(rot(x3)^rcon)<<32}
}

func initAES() {
	tab38[0xdb][p66] = entry{aesRound, aesRound, 4}
	for i := uint8(0); i < 4; i++ {
		tab38[0xdc+i][p66] = entry{aesRound, aesRound, i>>1 | i&1<<1}
	}
	tab3A[0xdf][p66] = entry{aeskeygen, aeskeygen, 0}
}

package vec

import (
	"encoding/binary"

	"github.com/blink-go/blink/core/x86"
)

// FXSAVE/FXRSTOR (0F AE /0, /1) and LDMXCSR/STMXCSR (0F AE /2, /3).

// mxcsrMask is what FXSAVE reports in MXCSR_MASK: every defined bit,
// DAZ included, is writable.
const mxcsrMask = 0xffff

// fxImage fills the 512-byte FXSAVE image. With rexw (FXSAVE64) the FPU
// instruction and data pointers are 64-bit; otherwise they are 32-bit
// offsets followed by the (zero) selectors. Bytes 416..511 are left as they
// were, as hardware leaves them (the host test checks it).
func fxImage(m *x86.Machine, b []byte, rexw bool) {
	f := &m.FPU
	le := binary.LittleEndian
	le.PutUint16(b[0:], f.CW)
	le.PutUint16(b[2:], fsw(m))
	var tw uint8
	for i := 0; i < 8; i++ {
		if f.Tag>>(2*i)&3 != 3 {
			tw |= 1 << i
		}
	}
	b[4], b[5] = tw, 0
	le.PutUint16(b[6:], f.FOP)
	if rexw {
		le.PutUint64(b[8:], f.IP)
		le.PutUint64(b[16:], f.DP)
	} else {
		le.PutUint32(b[8:], uint32(f.IP))
		le.PutUint32(b[12:], 0)
		le.PutUint32(b[16:], uint32(f.DP))
		le.PutUint32(b[20:], 0)
	}
	le.PutUint32(b[24:], m.MXCSR)
	le.PutUint32(b[28:], mxcsrMask)
	for i := 0; i < 8; i++ {
		r := &f.St[(int(f.Top)+i)&7]
		o := 32 + 16*i
		le.PutUint64(b[o:], r.Mant)
		le.PutUint16(b[o+8:], r.SE)
		clear(b[o+10 : o+16])
	}
	for i := 0; i < 16; i++ {
		le.PutUint64(b[160+16*i:], m.XMM[i][0])
		le.PutUint64(b[168+16*i:], m.XMM[i][1])
	}
}

// fxLoad restores state from an FXSAVE image. It reports false, changing
// nothing, when MXCSR has reserved bits set (the caller raises #GP).
func fxLoad(m *x86.Machine, b []byte, rexw bool) bool {
	le := binary.LittleEndian
	mx := le.Uint32(b[24:])
	if mx&^mxcsrMask != 0 {
		return false
	}
	f := &m.FPU
	f.CW = le.Uint16(b[0:])
	sw := le.Uint16(b[2:])
	f.Top = uint8(sw >> 11 & 7)
	f.SW = sw &^ (7 << 11)
	tw := b[4]
	f.FOP = le.Uint16(b[6:]) & 0x7ff
	if rexw {
		f.IP, f.DP = le.Uint64(b[8:]), le.Uint64(b[16:])
	} else {
		f.IP, f.DP = uint64(le.Uint32(b[8:])), uint64(le.Uint32(b[16:]))
	}
	m.MXCSR = mx
	for i := 0; i < 8; i++ {
		o := 32 + 16*i
		f.St[(int(f.Top)+i)&7] = x86.F80{Mant: le.Uint64(b[o:]), SE: le.Uint16(b[o+8:])}
	}
	// The abridged tag only says empty or not; the full tag is derived
	// from the register contents.
	var tag uint16
	for p := 0; p < 8; p++ {
		t := uint16(3)
		if tw>>p&1 != 0 {
			t = tagFor(&f.St[p])
		}
		tag |= t << (2 * p)
	}
	f.Tag = tag
	for i := 0; i < 16; i++ {
		m.XMM[i] = x86.XMM{le.Uint64(b[160+16*i:]), le.Uint64(b[168+16*i:])}
	}
	return true
}

func fxsave(m *x86.Machine, in *x86.Inst) {
	a := alignedEA(m, in)
	var b [512]byte
	// Read first so the untouched tail keeps its bytes and a fault leaves
	// memory unchanged.
	m.Mem.Load(a, b[:])
	fxImage(m, b[:], in.Rex&8 != 0)
	m.Mem.Store(a, b[:])
}

func fxrstor(m *x86.Machine, in *x86.Inst) {
	a := alignedEA(m, in)
	var b [512]byte
	m.Mem.Load(a, b[:])
	if !fxLoad(m, b[:], in.Rex&8 != 0) {
		x86.Raise(x86.ExGP)
	}
}

func ldmxcsr(m *x86.Machine, in *x86.Inst) {
	v := m.Mem.Read32(m.EA(in))
	if v&^mxcsrMask != 0 {
		x86.Raise(x86.ExGP)
	}
	m.MXCSR = v
}

func stmxcsr(m *x86.Machine, in *x86.Inst) { m.Mem.Write32(m.EA(in), m.MXCSR) }

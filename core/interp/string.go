package interp

import (
	"encoding/binary"

	"github.com/blink-go/blink/core/x86"
)

// String instructions. RSI/RDI/RCX are used at the address size (ESI/EDI/
// ECX with a 67 prefix); the source may take an FS/GS override, the
// destination (ES) never does. Repeated forms update RCX/RSI/RDI after each
// element or chunk, so a fault leaves a state the restarted instruction
// continues from, as on hardware.

func strReg(m *x86.Machine, in *x86.Inst, r uint8) uint64 {
	if in.AddrSize == 4 {
		return uint64(uint32(m.R[r]))
	}
	return m.R[r]
}

func strSrc(m *x86.Machine, in *x86.Inst) uint64 {
	a := strReg(m, in, x86.RSI)
	switch in.Seg {
	case x86.SegFS:
		a += m.FSBase
	case x86.SegGS:
		a += m.GSBase
	}
	return a
}

func strAdd(m *x86.Machine, in *x86.Inst, r uint8, d uint64) {
	if in.AddrSize == 4 {
		m.R[r] = uint64(uint32(m.R[r] + d))
	} else {
		m.R[r] += d
	}
}

func strStep[T word](m *x86.Machine) uint64 {
	if m.Fl.Bits&x86.FlagDF != 0 {
		return -uint64(size[T]())
	}
	return uint64(size[T]())
}

func movs[T word](m *x86.Machine, in *x86.Inst) {
	store(m, strReg(m, in, x86.RDI), load[T](m, strSrc(m, in)))
	d := strStep[T](m)
	strAdd(m, in, x86.RSI, d)
	strAdd(m, in, x86.RDI, d)
}

func stos[T word](m *x86.Machine, in *x86.Inst) {
	store(m, strReg(m, in, x86.RDI), getReg[T](m, x86.RAX, 0))
	strAdd(m, in, x86.RDI, strStep[T](m))
}

func lods[T word](m *x86.Machine, in *x86.Inst) {
	setReg(m, x86.RAX, 0, load[T](m, strSrc(m, in)))
	strAdd(m, in, x86.RSI, strStep[T](m))
}

func scas[T word](m *x86.Machine, in *x86.Inst) {
	a, b := getReg[T](m, x86.RAX, 0), load[T](m, strReg(m, in, x86.RDI))
	strAdd(m, in, x86.RDI, strStep[T](m))
	m.Fl.Set(x86.LazySub, size[T](), uint64(a), uint64(b), uint64(a-b), 0)
}

func cmps[T word](m *x86.Machine, in *x86.Inst) {
	a, b := load[T](m, strSrc(m, in)), load[T](m, strReg(m, in, x86.RDI))
	d := strStep[T](m)
	strAdd(m, in, x86.RSI, d)
	strAdd(m, in, x86.RDI, d)
	m.Fl.Set(x86.LazySub, size[T](), uint64(a), uint64(b), uint64(a-b), 0)
}

// repChunk is how many bytes the bulk paths move per Load/Store pair.
const repChunk = 4096

// repMovs: with DF = 0 it copies in chunks no longer than the distance
// between destination and source, which gives exactly the byte-by-byte
// result even for overlapping (pattern-replicating) copies.
func repMovs[T word](m *x86.Machine, in *x86.Inst) {
	sz := uint64(size[T]())
	if m.Fl.Bits&x86.FlagDF == 0 && in.AddrSize == 8 {
		var buf [repChunk]byte
		for n := count(m, in); n > 0; n = count(m, in) {
			src, dst := strSrc(m, in), m.R[x86.RDI]
			chunk := uint64(repChunk)
			if n < repChunk/sz {
				chunk = n * sz
			}
			if dst > src && dst-src < chunk {
				chunk = (dst - src) / sz * sz
				if chunk == 0 {
					break // overlap within one element: the element loop below
				}
			}
			m.Mem.Load(src, buf[:chunk])
			m.Mem.Store(dst, buf[:chunk])
			m.R[x86.RSI] += chunk
			m.R[x86.RDI] += chunk
			m.R[x86.RCX] = n - chunk/sz
		}
	}
	for count(m, in) != 0 {
		movs[T](m, in)
		setCount(m, in, count(m, in)-1)
	}
}

func repStos[T word](m *x86.Machine, in *x86.Inst) {
	sz := uint64(size[T]())
	if m.Fl.Bits&x86.FlagDF == 0 && in.AddrSize == 8 && count(m, in) > 1 {
		var buf [repChunk]byte
		// The pattern is the low sz bytes of RAX repeated; only as much
		// of buf as the first chunk needs is filled (most memsets are
		// short).
		v := m.R[x86.RAX]
		switch sz {
		case 1:
			v = v & 0xff * 0x0101010101010101
		case 2:
			v = v & 0xffff * 0x0001000100010001
		case 4:
			v = v & 0xffffffff * 0x0000000100000001
		}
		fill := uint64(repChunk)
		if n := count(m, in); n < repChunk/sz {
			fill = n * sz
		}
		for i := uint64(0); i < fill; i += 8 {
			binary.LittleEndian.PutUint64(buf[i:], v)
		}
		for n := count(m, in); n > 0; n = count(m, in) {
			chunk := uint64(repChunk)
			if n < repChunk/sz {
				chunk = n * sz
			}
			m.Mem.Store(m.R[x86.RDI], buf[:chunk])
			m.R[x86.RDI] += chunk
			m.R[x86.RCX] = n - chunk/sz
		}
		return
	}
	for count(m, in) != 0 {
		stos[T](m, in)
		setCount(m, in, count(m, in)-1)
	}
}

func repLods[T word](m *x86.Machine, in *x86.Inst) {
	for count(m, in) != 0 {
		lods[T](m, in)
		setCount(m, in, count(m, in)-1)
	}
}

// REPE (F3) stops when ZF = 0, REPNE (F2) when ZF = 1; Aux holds which.
func repScas[T word](m *x86.Machine, in *x86.Inst) {
	for count(m, in) != 0 {
		scas[T](m, in)
		setCount(m, in, count(m, in)-1)
		if m.Fl.ZF() != (in.Aux == 0) {
			return
		}
	}
}

func repCmps[T word](m *x86.Machine, in *x86.Inst) {
	for count(m, in) != 0 {
		cmps[T](m, in)
		setCount(m, in, count(m, in)-1)
		if m.Fl.ZF() != (in.Aux == 0) {
			return
		}
	}
}

// strTab[op][rep][size]: op = movs, cmps, stos, lods, scas (A4, A6, AA,
// AC, AE pairs).
var strTab = [5][2][4]x86.Handler{
	{{movs[uint8], movs[uint16], movs[uint32], movs[uint64]}, {repMovs[uint8], repMovs[uint16], repMovs[uint32], repMovs[uint64]}},
	{{cmps[uint8], cmps[uint16], cmps[uint32], cmps[uint64]}, {repCmps[uint8], repCmps[uint16], repCmps[uint32], repCmps[uint64]}},
	{{stos[uint8], stos[uint16], stos[uint32], stos[uint64]}, {repStos[uint8], repStos[uint16], repStos[uint32], repStos[uint64]}},
	{{lods[uint8], lods[uint16], lods[uint32], lods[uint64]}, {repLods[uint8], repLods[uint16], repLods[uint32], repLods[uint64]}},
	{{scas[uint8], scas[uint16], scas[uint32], scas[uint64]}, {repScas[uint8], repScas[uint16], repScas[uint32], repScas[uint64]}},
}

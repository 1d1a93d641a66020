package x86

// Get8 reads the byte register r. Without a REX prefix, numbers 4..7
// name AH, CH, DH and BH; with one, SPL, BPL, SIL and DIL.
func (m *Machine) Get8(r uint8, rex uint8) uint8 {
	if rex == 0 && r-4 < 4 {
		return uint8(m.R[r-4] >> 8)
	}
	return uint8(m.R[r])
}

// Set8 writes the byte register r, leaving the other bits alone.
func (m *Machine) Set8(r uint8, rex uint8, v uint8) {
	if rex == 0 && r-4 < 4 {
		m.R[r-4] = m.R[r-4]&^0xff00 | uint64(v)<<8
		return
	}
	m.R[r] = m.R[r]&^0xff | uint64(v)
}

// Set16 writes the low 16 bits of r, leaving the other bits alone.
func (m *Machine) Set16(r uint8, v uint16) { m.R[r] = m.R[r]&^0xffff | uint64(v) }

// Set32 writes r zero-extended, as every 32-bit register write does in long mode.
func (m *Machine) Set32(r uint8, v uint32) { m.R[r] = uint64(v) }

// SetSized writes v to r with the semantics of an operand of size bytes
// (2: merge, 4: zero-extend, 8: whole register).
func (m *Machine) SetSized(r uint8, size uint8, v uint64) {
	switch size {
	case 8:
		m.R[r] = v
	case 4:
		m.R[r] = uint64(uint32(v))
	case 2:
		m.R[r] = m.R[r]&^0xffff | v&0xffff
	default:
		m.R[r] = m.R[r]&^0xff | v&0xff
	}
}

// EA computes the effective address of in's memory operand, including
// the FS/GS base when the instruction carries such an override.
func (m *Machine) EA(in *Inst) uint64 {
	a := uint64(in.Disp)
	switch in.Base {
	case RegNone:
	case RegRIP:
		a += m.RIP
	default:
		a += m.R[in.Base]
	}
	if in.Index != RegNone {
		a += m.R[in.Index] << in.Scale
	}
	if in.AddrSize == 4 {
		a = uint64(uint32(a))
	}
	switch in.Seg {
	case SegFS:
		a += m.FSBase
	case SegGS:
		a += m.GSBase
	}
	return a
}

package difftest

import (
	"fmt"
	"runtime/debug"

	"github.com/blink-go/blink/core/abi"
	"github.com/blink-go/blink/core/decode"
	"github.com/blink-go/blink/core/interp"
	"github.com/blink-go/blink/core/mem"
	"github.com/blink-go/blink/core/x86"
)

// Emulator runs vectors in the interpreter. One Space serves every case:
// the data pages are mapped once per distinct address and refilled per case.
type Emulator struct {
	space  *mem.Space
	mapped map[uint64]bool
	m      *x86.Machine
}

// NewEmulator returns an emulator with a Virtual-mode space (the mode that
// works on every host; Linear is exercised by the memory package's tests).
func NewEmulator() (*Emulator, error) {
	s, err := mem.New(mem.Options{Mode: mem.Virtual})
	if err != nil {
		return nil, err
	}
	return &Emulator{space: s, mapped: map[uint64]bool{}}, nil
}

// Close releases the space.
func (e *Emulator) Close() { e.space.Close() }

// maxSteps bounds the instructions one snippet may execute (a REP string
// instruction whose handler steps one iteration at a time counts once per
// iteration); a runaway loop in the interpreter becomes a failure.
const maxSteps = 1000

// Run executes v.Code from v.In and v.InMem and returns the final state and
// data page. A panic, a fault or an exception is returned as an error.
func (e *Emulator) Run(v *Vector) (out State, outMem []byte, err error) {
	if !e.mapped[v.DataAddr] {
		if _, errno := e.space.Map(v.DataAddr, DataSize, mem.ProtRead|mem.ProtWrite,
			abi.MAP_PRIVATE|abi.MAP_ANONYMOUS|abi.MAP_FIXED, nil, 0); errno != 0 {
			return out, nil, fmt.Errorf("mapping the data page at %#x: errno %d", v.DataAddr, errno)
		}
		e.mapped[v.DataAddr] = true
	}
	m := x86.NewMachine(e.space, nil, &x86.Config{})
	m.R = v.In.R
	m.SetFlags(v.In.Flags&flagsUser | 2 | x86.FlagIF)
	m.XMM = xmmIn(v.In.XMM)
	m.MXCSR = v.In.MXCSR
	pc := uint64(0)
	var in x86.Inst
	defer func() {
		if r := recover(); r != nil {
			where := fmt.Sprintf("at +%d (%s)", pc, Disasm(v.Code[pc:], v.CodeAddr+pc))
			switch r := r.(type) {
			case *x86.Exception:
				err = fmt.Errorf("%s: raised %v", where, r)
			case *mem.Fault:
				err = fmt.Errorf("%s: memory fault at %#x (write %v)", where, r.Addr, r.Write)
			default:
				err = fmt.Errorf("%s: panic: %v\n%s", where, r, shortStack())
			}
		}
	}()
	if err := callMem(func() { e.space.Store(v.DataAddr, v.InMem) }); err != nil {
		return out, nil, err
	}
	end := v.CodeAddr + uint64(len(v.Code))
	m.RIP = v.CodeAddr
	for steps := 0; m.RIP != end; steps++ {
		if m.RIP < v.CodeAddr || m.RIP > end || steps == maxSteps {
			return out, nil, fmt.Errorf("RIP %#x left the snippet [%#x, %#x) after %d steps", m.RIP, v.CodeAddr, end, steps)
		}
		pc = m.RIP - v.CodeAddr
		in = x86.Inst{}
		if derr := decode.Decode(&in, v.Code[pc:]); derr != nil {
			return out, nil, fmt.Errorf("decode at +%d: %v", pc, derr)
		}
		interp.Bind(&in)
		if in.Exec == nil {
			return out, nil, fmt.Errorf("no handler for %s", Disasm(v.Code[pc:pc+uint64(in.Len)], m.RIP))
		}
		m.Cur = &in
		m.RIP += uint64(in.Len)
		in.Exec(m, &in)
	}
	out.R = m.R
	out.Flags = m.GetFlags()
	out.XMM = xmmOut(m.XMM)
	out.MXCSR = m.MXCSR
	outMem = make([]byte, DataSize)
	e.space.Load(v.DataAddr, outMem)
	return out, outMem, nil
}

func xmmIn(x [16][2]uint64) (r [16]x86.XMM) {
	for i := range x {
		r[i] = x86.XMM(x[i])
	}
	return r
}

func xmmOut(x [16]x86.XMM) (r [16][2]uint64) {
	for i := range x {
		r[i] = [2]uint64(x[i])
	}
	return r
}

func callMem(fn func()) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("harness memory access: %v", r)
		}
	}()
	fn()
	return nil
}

// shortStack keeps the frames that locate a handler panic.
func shortStack() string {
	s := string(debug.Stack())
	if len(s) > 1500 {
		s = s[:1500] + "..."
	}
	return s
}

// Features runs CPUID in the interpreter and reports what it advertises:
// forms it does not claim to support are not held against it.
func (e *Emulator) Features() (features, error) {
	var err error
	f := featuresFrom(func(leaf, sub uint32) (a, b, c, d uint32) {
		v := &Vector{Code: []byte{0x0f, 0xa2}, CodeAddr: 0x400000, DataAddr: 0x500000,
			InMem: make([]byte, DataSize)}
		v.In.R[0], v.In.R[1] = uint64(leaf), uint64(sub)
		out, _, rerr := e.Run(v)
		if rerr != nil {
			err = rerr
		}
		return uint32(out.R[0]), uint32(out.R[3]), uint32(out.R[1]), uint32(out.R[2])
	})
	return f, err
}

package vm

import (
	"encoding/binary"
	"testing"
	"time"

	"github.com/blink-go/blink/core/abi"
	"github.com/blink-go/blink/core/mem"
	"github.com/blink-go/blink/core/x86"
)

// FuzzExecute runs arbitrary bytes as guest code in both memory modes. The
// guest may fault, loop or trash its registers; what it may not do is make
// a handler fail inside blink (a Trap marked Internal, or a panic that
// escapes Run), since "nothing the guest does may crash blink".
func FuzzExecute(f *testing.F) {
	f.Add([]byte{0x48, 0x01, 0xC8, 0x0F, 0x05}, uint64(1))                   // ADD; SYSCALL
	f.Add([]byte{0xF3, 0x48, 0xA5, 0xEB, 0xFB}, uint64(2))                   // REP MOVSQ; JMP back
	f.Add([]byte{0xD9, 0xE8, 0xD9, 0xFE, 0xDF, 0x30, 0x0F, 0x0B}, uint64(3)) // FLD1 FSIN FBSTP UD2
	f.Add([]byte{0x66, 0x0F, 0x3A, 0x61, 0x06, 0x0C, 0xF0, 0x0F, 0xC7, 0x0E}, uint64(4))
	f.Add([]byte{0xC4, 0xE2, 0x78, 0xF7, 0xC1, 0x0F, 0xA2, 0xCD, 0x80}, uint64(5))
	f.Fuzz(func(t *testing.T, code []byte, seed uint64) {
		if len(code) > 0x1000 {
			code = code[:0x1000]
		}
		for _, mode := range []mem.Mode{mem.Virtual, mem.Linear} {
			runArbitrary(t, mode, code, seed)
		}
	})
}

func runArbitrary(t *testing.T, mode mem.Mode, code []byte, seed uint64) {
	s, err := mem.New(mem.Options{Mode: mode, Reserve: 1 << 32})
	if err != nil {
		t.Skip(err)
	}
	defer s.Close()
	fl := abi.MAP_PRIVATE | abi.MAP_ANONYMOUS | abi.MAP_FIXED
	if _, e := s.Map(benchText, 0x2000, mem.ProtRead|mem.ProtWrite|mem.ProtExec, fl, nil, 0); e != 0 {
		t.Fatal(e)
	}
	if _, e := s.Map(benchData, 0x4000, mem.ProtRead|mem.ProtWrite, fl, nil, 0); e != 0 {
		t.Fatal(e)
	}
	s.Store(benchText, code)
	m := x86.NewMachine(s, stopEnv{}, &x86.Config{DecodeCache: seed&1 == 0})
	// Half the registers point into the data mapping, so that memory
	// operands often hit mapped memory; the rest are arbitrary.
	var b [8]byte
	for i := range m.R {
		binary.LittleEndian.PutUint64(b[:], seed*0x9E3779B97F4A7C15+uint64(i)*0xBF58476D1CE4E5B9)
		v := binary.LittleEndian.Uint64(b[:])
		if i%2 == 0 {
			v = benchData + 0x1000 + v%0x2000
		}
		m.R[i] = v
	}
	m.R[x86.RSP] = benchData + 0x3800
	m.RIP = benchText
	e := New(s, Options{DecodeCache: seed&1 == 0})
	stop := time.AfterFunc(20*time.Millisecond, m.RequestStop)
	defer stop.Stop()
	for range 64 {
		trap := e.Run(m)
		if trap == nil {
			return // SYSCALL or the watchdog
		}
		if trap.Internal {
			t.Fatalf("mode %v: %s", mode, trap.Msg)
		}
		// Skip the faulting byte and go on, as a handler that
		// longjmps past it would.
		m.RIP = trap.RIP + 1
		if m.Stopping() {
			return
		}
	}
}

package vm

import (
	"testing"

	"github.com/blink-go/blink/core/abi"
	"github.com/blink-go/blink/core/mem"
	"github.com/blink-go/blink/core/x86"
)

// benchCode holds three guest loops, each ending in SYSCALL (which stops
// the machine), assembled from:
//
//	intloop (0x00): bench_intloop's inner loop (imul, add, shr, xor, rol,
//	         lea, sub, test, cmovne, add, cmp, jb), 1024 iterations.
//	strlen  (0x5b): musl's word-at-a-time strlen loop over [r12] (7
//	         instructions per 8 bytes), repeated rbx times.
//	memcpy  (0x90): rep movsq r14 words from [r12] to [r13], then rep stosq
//	         over [r13], repeated rbx times.
var benchCode = []byte{
	0xbe, 0x00, 0x04, 0x00, 0x00, 0x31, 0xd2, 0xb9, 0x01, 0x00, 0x00, 0x00,
	0x45, 0x31, 0xc0, 0x48, 0xbf, 0x15, 0x7c, 0x4a, 0x7f, 0xb9, 0x79, 0x37,
	0x9e, 0x49, 0xba, 0x2d, 0x7f, 0x95, 0x4c, 0x2d, 0xf4, 0x51, 0x58, 0x48,
	0xb8, 0x4f, 0x81, 0x67, 0xf7, 0x7e, 0x7b, 0x05, 0x14, 0x49, 0x0f, 0xaf,
	0xca, 0x48, 0x01, 0xc1, 0x49, 0x89, 0xc9, 0x49, 0xc1, 0xe9, 0x11, 0x4c,
	0x31, 0xcf, 0x48, 0xc1, 0xc7, 0x03, 0x4c, 0x8d, 0x0c, 0x3a, 0x48, 0x29,
	0xca, 0xf6, 0xc5, 0x01, 0x49, 0x0f, 0x45, 0xd1, 0x49, 0x83, 0xc0, 0x01,
	0x49, 0x39, 0xf0, 0x72, 0xd4, 0x0f, 0x05, 0x4c, 0x89, 0xe0, 0x49, 0xb8,
	0xff, 0xfe, 0xfe, 0xfe, 0xfe, 0xfe, 0xfe, 0xfe, 0x48, 0xbe, 0x80, 0x80,
	0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x48, 0x8b, 0x10, 0x48, 0x83, 0xc0,
	0x08, 0x4a, 0x8d, 0x0c, 0x02, 0x48, 0xf7, 0xd2, 0x48, 0x21, 0xca, 0x48,
	0x85, 0xf2, 0x74, 0xea, 0x48, 0x83, 0xeb, 0x01, 0x75, 0xcd, 0x0f, 0x05,
	0x4c, 0x89, 0xe6, 0x4c, 0x89, 0xef, 0x4c, 0x89, 0xf1, 0xf3, 0x48, 0xa5,
	0x4c, 0x89, 0xef, 0x4c, 0x89, 0xf1, 0x31, 0xc0, 0xf3, 0x48, 0xab, 0x48,
	0x83, 0xeb, 0x01, 0x75, 0xe3, 0x0f, 0x05,
}

const (
	benchText = 0x400000
	benchData = 0x600000
	benchBuf  = 64 << 10
)

type stopEnv struct{}

func (stopEnv) Syscall(m *x86.Machine) { m.RequestStop() }

func benchMachine(b *testing.B, mode mem.Mode) (*Engine, *x86.Machine) {
	s, err := mem.New(mem.Options{Mode: mode, Reserve: 1 << 32})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(s.Close)
	fl := abi.MAP_PRIVATE | abi.MAP_ANONYMOUS | abi.MAP_FIXED
	if _, e := s.Map(benchText, 0x1000, mem.ProtRead|mem.ProtWrite, fl, nil, 0); e != 0 {
		b.Fatal(e)
	}
	s.Store(benchText, benchCode)
	if e := s.Protect(benchText, 0x1000, mem.ProtRead|mem.ProtExec); e != 0 {
		b.Fatal(e)
	}
	if _, e := s.Map(benchData, 3*benchBuf, mem.ProtRead|mem.ProtWrite, fl, nil, 0); e != 0 {
		b.Fatal(e)
	}
	m := x86.NewMachine(s, stopEnv{}, &x86.Config{DecodeCache: true})
	return New(s, Options{DecodeCache: true}), m
}

// runBench runs the loop at off once per b.N and reports the time per
// guest instruction.
func runBench(b *testing.B, mode mem.Mode, off uint64, setup func(m *x86.Machine)) {
	e, m := benchMachine(b, mode)
	if setup != nil {
		setup(m)
	}
	run := func() {
		if setup != nil {
			setup(m)
		}
		m.RIP = benchText + off
		m.ClearStop()
		if t := e.Run(m); t != nil {
			b.Fatalf("trap: %s", t.Msg)
		}
	}
	run() // warm the decode cache
	icount := m.Icount
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		run()
	}
	b.StopTimer()
	if n := m.Icount - icount; n > 0 {
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(n), "ns/inst")
	}
}

func BenchmarkDispatchIntLoop(b *testing.B) {
	for _, mode := range []mem.Mode{mem.Linear, mem.Virtual} {
		b.Run(mode.String(), func(b *testing.B) { runBench(b, mode, 0, nil) })
	}
}

func BenchmarkMemStrlen(b *testing.B) {
	for _, mode := range []mem.Mode{mem.Linear, mem.Virtual} {
		b.Run(mode.String(), func(b *testing.B) {
			e, m := benchMachine(b, mode)
			_ = e
			buf := make([]byte, 4096)
			for i := range buf {
				buf[i] = 'x'
			}
			buf[len(buf)-1] = 0
			m.Mem.Store(benchData, buf)
			runBench(b, mode, 0x5b, func(m *x86.Machine) {
				if m.Mem.Read8(benchData) == 0 {
					m.Mem.Store(benchData, buf)
				}
				m.R[x86.R12] = benchData
				m.R[x86.RBX] = 16
			})
		})
	}
}

func BenchmarkMemRepMovsStos(b *testing.B) {
	for _, mode := range []mem.Mode{mem.Linear, mem.Virtual} {
		b.Run(mode.String(), func(b *testing.B) {
			runBench(b, mode, 0x90, func(m *x86.Machine) {
				m.R[x86.R12] = benchData
				m.R[x86.R13] = benchData + benchBuf + 8
				m.R[x86.R14] = benchBuf / 8
				m.R[x86.RBX] = 4
			})
		})
	}
}

// BenchmarkDispatchParallel runs the integer loop on one machine per
// goroutine, all sharing one engine and its decoded blocks, as the threads
// of a guest process do: ns/op should fall with -cpu 2 on an idle
// machine. It once rose, when every block transition wrote to the shared
// block's successor hint.
func BenchmarkDispatchParallel(b *testing.B) {
	e, m0 := benchMachine(b, mem.Linear)
	m0.RIP = benchText
	if t := e.Run(m0); t != nil { // warm the decode cache
		b.Fatalf("trap: %s", t.Msg)
	}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		m := x86.NewMachine(m0.Mem, stopEnv{}, &x86.Config{DecodeCache: true})
		for pb.Next() {
			m.RIP = benchText
			m.ClearStop()
			if t := e.Run(m); t != nil {
				b.Errorf("trap: %s", t.Msg)
				return
			}
		}
	})
}

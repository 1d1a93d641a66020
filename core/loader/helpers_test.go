package loader

import (
	"bytes"
	"encoding/binary"
	"errors"
	"os"
	"testing"

	"github.com/blink-go/blink/core/abi"
	"github.com/blink-go/blink/core/mem"
)

// memFile is an in-memory executable.
type memFile struct{ *bytes.Reader }

func (f memFile) Size() int64 { return f.Reader.Size() }

// memFS serves files from a map; a missing name is ENOENT.
type memFS map[string][]byte

func (m memFS) open(path string) (File, error) {
	b, ok := m[path]
	if !ok {
		return nil, abi.ENOENT
	}
	return memFile{bytes.NewReader(b)}, nil
}

// hostFile opens a real host file.
type hostFile struct {
	*os.File
	size int64
}

func (f hostFile) Size() int64 { return f.size }

func hostOpen(t testing.TB) func(string) (File, error) {
	return func(path string) (File, error) {
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		st, err := f.Stat()
		if err != nil {
			f.Close()
			return nil, err
		}
		if t != nil {
			t.Cleanup(func() { f.Close() })
		}
		return hostFile{f, st.Size()}, nil
	}
}

func newSpace(t testing.TB) *mem.Space {
	s, err := mem.New(mem.Options{Mode: mem.Virtual})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

// fixedRandom is the AT_RANDOM source of every test.
type fixedRandom [16]byte

func (r *fixedRandom) Read(p []byte) (int, error) { return copy(p, r[:]), nil }

func params(s *mem.Space, open func(string) (File, error), path string, argv, envp []string) Params {
	return Params{
		Space: s, Open: open, Path: path, Argv: argv, Envp: envp,
		Random: &fixedRandom{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16},
	}
}

func mustLoad(t *testing.T, p Params) *Image {
	t.Helper()
	img, err := Load(p)
	if err != nil {
		t.Fatalf("Load(%s): %v", p.Path, err)
	}
	return img
}

func errnoOf(t *testing.T, err error) abi.Errno {
	t.Helper()
	if err == nil {
		return 0
	}
	var le *Error
	if !errors.As(err, &le) {
		t.Fatalf("error %v (%T) is not *Error", err, err)
	}
	return le.Errno
}

// guestStack is the parsed initial stack.
type guestStack struct {
	argv, envp []string
	auxv       [][2]uint64
}

func readStack(t *testing.T, s *mem.Space, sp uint64) guestStack {
	t.Helper()
	rd := func(a uint64) uint64 {
		var b [8]byte
		if e := s.CopyIn(a, b[:]); e != 0 {
			t.Fatalf("reading stack at %#x: %v", a, e)
		}
		return binary.LittleEndian.Uint64(b[:])
	}
	str := func(a uint64) string {
		v, e := s.ReadCString(a, 1<<20)
		if e != 0 {
			t.Fatalf("reading string at %#x: %v", a, e)
		}
		return v
	}
	var g guestStack
	argc := rd(sp)
	a := sp + 8
	for i := uint64(0); i < argc; i++ {
		g.argv = append(g.argv, str(rd(a)))
		a += 8
	}
	if rd(a) != 0 {
		t.Fatalf("argv not NULL-terminated")
	}
	a += 8
	for ; rd(a) != 0; a += 8 {
		g.envp = append(g.envp, str(rd(a)))
	}
	a += 8
	for {
		k, v := rd(a), rd(a+8)
		g.auxv = append(g.auxv, [2]uint64{k, v})
		a += 16
		if k == abi.AT_NULL {
			break
		}
	}
	return g
}

func (g guestStack) aux(key uint64) (uint64, bool) {
	for _, kv := range g.auxv {
		if kv[0] == key {
			return kv[1], true
		}
	}
	return 0, false
}

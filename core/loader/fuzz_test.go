package loader

import (
	"bytes"
	"errors"
	"testing"

	"github.com/blink-go/blink/core/mem"
)

// anyFS serves the same bytes for every path, so PT_INTERP and #! lines
// found by the fuzzer resolve to the input itself.
type anyFS []byte

func (b anyFS) open(string) (File, error) { return memFile{bytes.NewReader(b)}, nil }

func FuzzLoad(f *testing.F) {
	f.Add(okELF().bytes(), false)
	f.Add(dynInterp(), false)
	f.Add(withInterp("interp", nil, nil)("/d")["prog"], false)
	f.Add([]byte("#!/bin/sh -e\n"), false)
	f.Add([]byte("MZqFpD='\nprintf '\\177ELF\\2\\1\\1' >&7\n"), false)
	f.Add(exitCode, true)
	f.Fuzz(func(t *testing.T, data []byte, flat bool) {
		s, err := mem.New(mem.Options{Mode: mem.Virtual})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		path := "/prog"
		if flat {
			path = "/prog.bin"
		}
		img, err := Load(params(s, anyFS(data).open, path, []string{"p"}, []string{"E=1"}))
		if err != nil {
			var le *Error
			if !errors.As(err, &le) || le.Errno == 0 || le.Msg == "" {
				t.Fatalf("bad error %#v", err)
			}
			return
		}
		if img.SP%16 != 0 || img.SP >= img.StackTop {
			t.Fatalf("bad sp %#x", img.SP)
		}
	})
}

package main

import (
	"os"
	"sync"

	"golang.org/x/term"
)

// saveTerminal records the mode of the host terminal (the first of
// descriptors 0, 1, 2 that is one) and returns the function that puts it
// back. Guests change the mode freely (a shell's line editor, vi); blink
// restores it however it ends: a normal exit, a guest killed by a signal
// (before blink kills itself the same way), a fatal host signal that the
// guest died of, or a Go panic unwinding through run. Calling restore
// more than once is harmless.
func saveTerminal() (restore func()) {
	for _, f := range []*os.File{os.Stdin, os.Stdout, os.Stderr} {
		fd := int(f.Fd())
		if !term.IsTerminal(fd) {
			continue
		}
		st, err := term.GetState(fd)
		if err != nil {
			continue
		}
		var once sync.Once
		return func() { once.Do(func() { term.Restore(fd, st) }) }
	}
	return func() {}
}

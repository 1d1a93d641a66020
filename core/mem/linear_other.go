//go:build !(linux || darwin || freebsd || netbsd || openbsd)

package mem

import (
	"errors"
	"runtime"
	"unsafe"
)

var errNoLinear = errors.New("linear memory unsupported on " + runtime.GOOS)

func linearUnsupported() string { return "linear memory unsupported on " + runtime.GOOS }

func hostReserve(uint64) (unsafe.Pointer, error)              { return nil, errNoLinear }
func hostRelease(unsafe.Pointer, uint64)                      {}
func hostMapAnon(unsafe.Pointer, uint64, int) error           { return errNoLinear }
func hostMapFD(unsafe.Pointer, uint64, int, int, int64) error { return errNoLinear }
func hostDecommit(unsafe.Pointer, uint64)                     {}
func hostProtect(unsafe.Pointer, uint64, int) error           { return errNoLinear }
func hostCloseFD(int)                                         {}
func hostShm(uint64) (int, error)                             { return -1, errNoLinear }
func hostTruncate(int, int64) error                           { return errNoLinear }

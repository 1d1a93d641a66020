//go:build unix

package main_test

import (
	"fmt"
	"os"
	"syscall"
)

// statusString describes how a process ended in the notation of the golden
// .status files: "N" for exit status N, "signal N" for death by signal N.
func statusString(ps *os.ProcessState) string {
	if ws, ok := ps.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return fmt.Sprintf("signal %d", int(ws.Signal()))
	}
	return fmt.Sprint(ps.ExitCode())
}

//go:build !unix

package main_test

import (
	"fmt"
	"os"
)

// statusString describes how a process ended in the notation of the golden
// .status files. Hosts without POSIX signals cannot die from one, so blink
// exits with 128+N there instead, as a POSIX shell would report it.
func statusString(ps *os.ProcessState) string {
	if c := ps.ExitCode(); c > 128 && c < 128+65 {
		return fmt.Sprintf("signal %d", c-128)
	}
	return fmt.Sprint(ps.ExitCode())
}

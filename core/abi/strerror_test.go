package abi

import (
	"runtime"
	"strings"
	"syscall"
	"testing"
)

// The texts must be the host's (Go lowercases the first letter) on Linux,
// where the numbers agree.
func TestStrerrorMatchesHost(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("errno numbers differ on this host")
	}
	for e := Errno(1); int(e) < len(errnoText); e++ {
		if errnoText[e] == "" {
			continue
		}
		if got, want := e.Strerror(), syscall.Errno(e).Error(); !strings.EqualFold(got, want) {
			t.Errorf("Strerror(%d) = %q, host says %q", e, got, want)
		}
	}
}

//go:build darwin || freebsd

package fs

import (
	"os"
	"syscall"
	"testing"

	"github.com/blink-go/blink/hostfs"
)

func hostIno(fi os.FileInfo) uint64 {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return 0
	}
	return hostfs.Ino(uint64(st.Dev), uint64(st.Ino))
}

// liveOracle: no Linux kernel here; the recorded answers are the oracle.
func liveOracle(*testing.T, []opCase) *record { return nil }

func oracleChild(string) { os.Exit(2) }

//go:build !linux && !darwin && !freebsd

package fs

import (
	"os"
	"testing"
)

// Hosts without inode numbers cannot name files by them; the oracle test
// skips itself there (see liveOracle).
func hostIno(os.FileInfo) uint64 { return 0 }

func liveOracle(t *testing.T, _ []opCase) *record {
	t.Skip("this host's hostfs approximates permissions and inodes; the Linux oracle does not apply")
	return nil
}

func oracleChild(string) { os.Exit(2) }

package kernel

import (
	"os"
	"testing"
)

func TestFirstCredentials(t *testing.T) {
	k := &Kernel{cfg: Config{Root: t.TempDir()}}
	if c := k.firstCredentials(); c.RUID != 0 || c.EUID != 0 || c.SUID != 0 || c.RGID != 0 || c.EGID != 0 {
		t.Errorf("under -C: %+v, want root", c)
	}
	k.cfg.KeepHostIDs = true
	if c := k.firstCredentials(); c.EUID != uint32(os.Geteuid()) || c.EGID != uint32(os.Getegid()) {
		t.Errorf("KeepHostIDs: %+v, want the host's", c)
	}
	k.cfg = Config{}
	if c := k.firstCredentials(); c.EUID != uint32(os.Geteuid()) {
		t.Errorf("without -C: %+v, want the host's", c)
	}
}

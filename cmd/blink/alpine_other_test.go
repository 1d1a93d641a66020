//go:build !unix

package main_test

import (
	"os"
	"os/exec"
)

func setProcessGroup(cmd *exec.Cmd) {}

func killProcessGroup(cmd *exec.Cmd) {
	if cmd.Process != nil {
		cmd.Process.Kill()
	}
}

func exitSignal(ee *exec.ExitError) int { return 0 }

func copyOwner(src, dst string, fi os.FileInfo) {}

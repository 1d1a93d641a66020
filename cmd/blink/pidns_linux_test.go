package main_test

import (
	"os/exec"
	"testing"
)

// CI runners and containers start blink inside a PID namespace, below a
// `timeout` that leads its own process group while the session's leader is
// outside: the host then reports the group but hides the session (getsid
// gives 0). Job control must still be what it is natively: the proc case
// (setsid refused to a group leader, SIGTSTP stopping a child) hung there
// once because blink made the guest a session leader outside its group.
// --kill-child: when the test gives up on unshare, the namespace goes too.
func TestGuestsInPIDNamespace(t *testing.T) {
	needBlink(t)
	if err := exec.Command("unshare", "-pf", "--kill-child", "true").Run(); err != nil {
		t.Skipf("cannot make a PID namespace here: %v", err)
	}
	for _, name := range []string{"proc-musl", "pty-musl", "proc-glibc"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			runCaseExe(t, []string{"unshare", "-pf", "--kill-child", "timeout", "100", blinkPath}, name)
		})
	}
}

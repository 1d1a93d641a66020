package kernel

import (
	"testing"

	"github.com/blink-go/blink/core/abi"
)

// The first process's group and session come from the host, which hides
// the ids of leaders outside its PID namespace (reads them as 0). Every
// combination must give a pair Linux could have, or job control breaks:
// a session leader that is not its group's leader could setsid, and the
// group of its children would then count as orphaned.
func TestGuestGroupIDs(t *testing.T) {
	const pid = 500
	for _, c := range []struct {
		hostPgid, hostSid int
		pgid, sid         int
	}{
		{40, 30, 40, 30},   // a shell's job: both known
		{pid, 30, pid, 30}, // blink leads its group (job control on)
		{0, 0, pid, pid},   // both leaders outside the namespace
		{2, 0, 2, 2},       // `timeout` in the namespace leads the group
		{pid, 0, pid, pid}, // blink leads its group; session outside
		{0, 30, pid, 30},   // only the session is known
	} {
		pgid, sid := guestGroupIDs(pid, c.hostPgid, c.hostSid)
		if pgid != c.pgid || sid != c.sid {
			t.Errorf("guestGroupIDs(%d, %d, %d) = %d, %d; want %d, %d", pid, c.hostPgid, c.hostSid, pgid, sid, c.pgid, c.sid)
		}
		if sid == pid && pgid != pid {
			t.Errorf("host %d/%d: session leader %d is not its group's leader (pgid %d)", c.hostPgid, c.hostSid, pid, pgid)
		}
	}
}

// A PID is not handed out while a group or session is named after it,
// even one led by a host process the kernel does not model.
func TestAllocPIDSkipsGroupIDs(t *testing.T) {
	e := newEnv(t, Config{})
	k := e.k
	k.mu.Lock()
	next := k.nextPID
	e.p.pgid, e.p.sid = next, next+1
	k.mu.Unlock()
	if got := k.allocPID(); got != next+2 {
		t.Fatalf("allocPID = %d with group %d and session %d in use, want %d", got, next, next+1, next+2)
	}
}

// A first process that starts a session of its own (daemons do) still has
// blink's caller as its parent: the host's SIGTERM must reach it, or
// `timeout` and Ctrl-C in the host shell cannot end blink.
func TestHostSignalAfterSetsid(t *testing.T) {
	e := newEnv(t, Config{})
	if sid := e.ok(abi.SYS_SETSID); int(sid) != e.p.pid {
		t.Fatalf("setsid = %d, want %d", sid, e.p.pid)
	}
	e.k.HostSignal(abi.SIGTERM)
	e.k.mu.Lock()
	pending := e.p.shared.mask&sigBit(abi.SIGTERM) != 0
	e.k.mu.Unlock()
	if !pending {
		t.Fatal("host SIGTERM not queued for the first process after setsid")
	}
}

//go:build linux || darwin || freebsd

package main_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"
	"golang.org/x/term"

	"github.com/blink-go/blink/rootfs"
)

// TestInteractiveShell drives busybox ash on a pseudo-terminal the way a
// person would: Ctrl-C ends the foreground job and not the shell, Ctrl-Z
// stops it (blink itself goes on running, since the shell prints its
// prompt), jobs lists it, fg resumes it, background jobs stop on reading
// the terminal (and on writing it under TOSTOP), Ctrl-D ends the shell
// with status 0, and the terminal's mode afterwards is the one it had
// before. Every
// wait is bounded, so a regression fails the test instead of hanging it.
func TestInteractiveShell(t *testing.T) {
	needBlink(t)
	dir := sharedRootfs(t)
	root := t.TempDir()
	f, err := os.Open(filepath.Join(dir, "alpine-minirootfs-3.20.3-x86_64.tar.gz"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = rootfs.Unpack(f, root, rootfs.DefaultLimits())
	f.Close()
	if err != nil {
		t.Fatal(err)
	}

	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Skipf("no pseudo-terminals: %v", err)
	}
	defer ptmx.Close()
	defer tty.Close()
	if err := pty.Setsize(ptmx, &pty.Winsize{Rows: 24, Cols: 80}); err != nil {
		t.Fatal(err)
	}
	before, err := term.GetState(int(tty.Fd()))
	if err != nil {
		t.Fatal(err)
	}

	const prompt = "blink-test$ "
	cmd := exec.Command(blinkPath, "-L", filepath.Join(t.TempDir(), "blink.log"), "-C", root, "/bin/sh", "-i")
	cmd.Env = []string{"PS1=" + prompt, "HOME=/root", "PATH=/usr/sbin:/usr/bin:/sbin:/bin", "TERM=dumb"}
	cmd.Stdin, cmd.Stdout, cmd.Stderr = tty, tty, tty
	// blink leads a new session whose controlling terminal is the pty,
	// as a login shell's terminal session would be.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	finished := false
	defer func() {
		if !finished {
			cmd.Process.Kill()
			<-exited
		}
	}()

	s := &ptySession{t: t, ptmx: ptmx}
	go s.pump()

	s.expect(prompt, 60*time.Second)

	// Ctrl-C kills the foreground job; the shell survives.
	s.send("sleep 100\r")
	s.expect("sleep 100", 10*time.Second)
	time.Sleep(time.Second) // let the job take the terminal
	s.send("\x03")
	s.expect(prompt, 20*time.Second)

	// Ctrl-Z stops it; the shell sees WIFSTOPPED and lists the job.
	s.send("sleep 100\r")
	s.expect("sleep 100", 10*time.Second)
	time.Sleep(time.Second)
	s.send("\x1a")
	s.expectRE(regexp.MustCompile(`Stopped[^\n]*sleep 100`), 20*time.Second)
	s.expect(prompt, 10*time.Second)
	s.send("jobs\r")
	s.expectRE(regexp.MustCompile(`\[1\]\+ +Stopped +sleep 100`), 20*time.Second)
	s.expect(prompt, 10*time.Second)

	// fg continues it in the foreground, where Ctrl-C reaches it again.
	s.send("fg\r")
	s.expect("sleep 100", 10*time.Second)
	time.Sleep(time.Second)
	s.send("\x03")
	s.expect(prompt, 20*time.Second)
	// A background job that reads the terminal gets SIGTTIN; one that
	// writes to it with TOSTOP set gets SIGTTOU, and writes once in front.
	s.send("cat &\r")
	s.expectRE(regexp.MustCompile(`Stopped \(tty input\)[^\n]*cat`), 20*time.Second)
	s.expect(prompt, 10*time.Second)
	s.send("kill -9 %1\r")
	s.expect(prompt, 10*time.Second)
	s.send("stty tostop; echo bg-out &\r")
	s.expectRE(regexp.MustCompile(`Stopped \(tty output\)[^\n]*echo bg-out`), 20*time.Second)
	s.expect(prompt, 10*time.Second)
	s.send("stty -tostop; fg\r")
	s.expect("bg-out", 20*time.Second)
	s.expect(prompt, 10*time.Second)
	s.send("jobs; echo jobs-$?\r")
	s.expect("jobs-0", 20*time.Second)
	s.expect(prompt, 10*time.Second)

	// Ctrl-D on an empty line ends the shell with the last status.
	s.send("\x04")
	select {
	case err := <-exited:
		finished = true
		if err != nil {
			t.Fatalf("blink ended with %v; output:\n%s", err, s.output())
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("the shell did not exit on Ctrl-D; output:\n%s", s.output())
	}

	after, err := term.GetState(int(tty.Fd()))
	if err != nil {
		t.Fatal(err)
	}
	if *after != *before {
		t.Errorf("terminal mode not restored:\nbefore %+v\nafter  %+v", *before, *after)
	}
}

// ptySession collects what the terminal shows and waits for text in it.
type ptySession struct {
	t    *testing.T
	ptmx *os.File
	mu   sync.Mutex
	buf  bytes.Buffer
	mark int // output before mark has been matched already
}

func (s *ptySession) pump() {
	b := make([]byte, 4096)
	for {
		n, err := s.ptmx.Read(b)
		s.mu.Lock()
		s.buf.Write(b[:n])
		s.mu.Unlock()
		if err != nil {
			return
		}
	}
}

func (s *ptySession) output() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.String()
}

func (s *ptySession) send(text string) {
	s.t.Helper()
	if _, err := s.ptmx.Write([]byte(text)); err != nil {
		s.t.Fatalf("writing %q: %v", text, err)
	}
}

func (s *ptySession) expect(text string, timeout time.Duration) {
	s.t.Helper()
	s.expectRE(regexp.MustCompile(regexp.QuoteMeta(text)), timeout)
}

// expectRE waits for re in the output after the previous match.
func (s *ptySession) expectRE(re *regexp.Regexp, timeout time.Duration) {
	s.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		s.mu.Lock()
		out := s.buf.Bytes()[s.mark:]
		if loc := re.FindIndex(out); loc != nil {
			s.mark += loc[1]
			s.mu.Unlock()
			return
		}
		s.mu.Unlock()
		if time.Now().After(deadline) {
			s.t.Fatalf("no %q within %v; output:\n%s", re, timeout, s.output())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

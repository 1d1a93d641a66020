//go:build linux || darwin || freebsd

package main_test

import (
	"bytes"
	"fmt"
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
// before. Every wait is bounded, so a regression fails the test instead
// of hanging it, and none is a fixed delay: the job announces that it runs
// in the foreground before a key is sent to it, so a loaded machine only
// makes the test slower.
func TestInteractiveShell(t *testing.T) {
	sh := startInteractive(t, "dumb")
	s := sh.s
	const prompt = interactivePrompt

	// Ctrl-C kills the foreground job; the shell survives.
	sh.foregroundSleep(1)
	s.send("\x03")
	s.expect(prompt, 20*time.Second)
	sh.sync()

	// Ctrl-Z stops it; the shell sees WIFSTOPPED and lists the job.
	sh.foregroundSleep(2)
	s.send("\x1a")
	s.expectRE(regexp.MustCompile(`Stopped[^\n]*sleep 100`), 20*time.Second)
	s.expect(prompt, 10*time.Second)
	s.send("jobs\r")
	s.expectRE(regexp.MustCompile(`\[1\]\+ +Stopped +sh -c [^\n]*sleep 100`), 20*time.Second)
	s.expect(prompt, 10*time.Second)

	// fg continues it in the foreground, where Ctrl-C reaches it again.
	s.send("fg\r")
	s.expect("sleep 100", 10*time.Second)
	sh.interrupt()
	// A background job that reads the terminal gets SIGTTIN; one that
	// writes to it with TOSTOP set gets SIGTTOU, and writes once in front.
	s.send("cat &\r")
	s.expect(prompt, 10*time.Second)
	sh.waitJob(regexp.MustCompile(`Stopped \(tty input\)[^\n]*cat`))
	s.send("kill -9 %1\r")
	s.expect(prompt, 10*time.Second)
	sh.sync()
	s.send("stty tostop; echo bg-out &\r")
	s.expect(prompt, 10*time.Second)
	sh.waitJob(regexp.MustCompile(`Stopped \(tty output\)[^\n]*echo bg-out`))
	s.send("stty -tostop; fg\r")
	s.expect("bg-out", 20*time.Second)
	s.expect(prompt, 10*time.Second)
	s.send("jobs; echo jobs-$?\r")
	s.expect("jobs-0", 20*time.Second)
	s.expect(prompt, 10*time.Second)

	// Ctrl-D on an empty line ends the shell with the last status, and
	// the terminal is as it was.
	sh.exit()
}

// TestInteractiveLineEditing types at busybox ash's line editor: a
// command and its output, history (the up arrow recalls earlier lines,
// newest first), cursor movement within the line, and tab completion of
// a command name and of a file name. What a check waits for is text only
// the command's output can contain (an arithmetic result, a line that
// starts with it), never the echo of what was typed.
func TestInteractiveLineEditing(t *testing.T) {
	sh := startInteractive(t, "xterm")
	s := sh.s
	const prompt = interactivePrompt
	const up, left = "\x1b[A", "\x1b[D"

	s.send("echo typed-$((6*7))\r")
	s.expectRE(regexp.MustCompile(`(?m)^typed-42\r?$`), 20*time.Second)
	s.expect(prompt, 10*time.Second)
	s.send("echo second-$((1+1))\r")
	s.expectRE(regexp.MustCompile(`(?m)^second-2\r?$`), 20*time.Second)
	s.expect(prompt, 10*time.Second)

	// Up once recalls the last line, twice the one before.
	s.send(up)
	s.expect("echo second-$((1+1))", 10*time.Second)
	s.send(up)
	s.expect("echo typed-$((6*7))", 10*time.Second)
	s.send("\r")
	s.expectRE(regexp.MustCompile(`(?m)^typed-42\r?$`), 20*time.Second)
	s.expect(prompt, 10*time.Second)

	// Editing in the middle of the line: the cursor goes back two
	// characters and "a" goes in before them.
	s.send("echo edit-bc" + left + left + "a\r")
	s.expectRE(regexp.MustCompile(`(?m)^edit-abc\r?$`), 20*time.Second)
	s.expect(prompt, 10*time.Second)

	// Tab completes a command name ("ech" has one completion, echo)...
	s.send("ech\t")
	s.expect("echo ", 10*time.Second)
	s.send("tab-$((2*5))\r")
	s.expectRE(regexp.MustCompile(`(?m)^tab-10\r?$`), 20*time.Second)
	s.expect(prompt, 10*time.Second)
	// ... and a file name.
	s.send("echo file-$((3*3)) > /tmp/completion-target\r")
	s.expect(prompt, 10*time.Second)
	sh.sync()
	s.send("cat /tmp/completion-t\t")
	s.expect("/tmp/completion-target", 10*time.Second)
	s.send("\r")
	s.expectRE(regexp.MustCompile(`(?m)^file-9\r?$`), 20*time.Second)
	s.expect(prompt, 10*time.Second)
	sh.exit()
}

// TestInteractiveFullScreen runs the full-screen programs of Alpine's
// busybox on the terminal: vi (a file is opened, text inserted, :wq
// writes it), top (started, then quit with q), less and more (a long file
// paged, then quit). Each must give the terminal back to the shell.
func TestInteractiveFullScreen(t *testing.T) {
	sh := startInteractive(t, "xterm")
	s := sh.s
	const prompt = interactivePrompt

	// vi: the screen is drawn (empty lines show as "~", then the status
	// line) before keys are sent, so none is read in the shell's cooked
	// mode.
	s.send("vi /tmp/vi.txt\r")
	s.expectRE(regexp.MustCompile(`~[^\n]*- /tmp/vi\.txt \d+/\d+`), 30*time.Second)
	s.send("ihello from vi\x1b")
	s.expect("hello from vi", 10*time.Second)
	s.send(":wq\r")
	s.expect(prompt, 20*time.Second)
	sh.sync()
	s.send("cat /tmp/vi.txt; echo vi-$((40+2))\r")
	s.expectRE(regexp.MustCompile(`(?m)^hello from vi\r?\n`), 20*time.Second)
	s.expect("vi-42", 10*time.Second)
	s.expect(prompt, 10*time.Second)

	// top: its process list header, then q.
	s.send("top\r")
	s.expectRE(regexp.MustCompile(`PID +PPID +USER +STAT`), 30*time.Second)
	s.send("q")
	s.expect(prompt, 20*time.Second)
	sh.sync()

	s.send("seq 1 500 > /tmp/long; echo made-$((250*2))\r")
	s.expect("made-500", 20*time.Second)
	s.expect(prompt, 10*time.Second)
	// less: the first screenful; G jumps to the end.
	if sh.has("less") {
		s.send("less /tmp/long\r")
		// Each line is drawn after an erase-to-end-of-line.
		s.expectRE(regexp.MustCompile(`(?m)(^|\x1b\[K)20\r?$`), 30*time.Second)
		s.send("G")
		s.expectRE(regexp.MustCompile(`(?m)(^|\x1b\[K)500\r?$`), 20*time.Second)
		s.send("q")
		s.expect(prompt, 20*time.Second)
		sh.sync()
	}
	// more: a screenful and its --More-- prompt.
	if sh.has("more") {
		s.send("more /tmp/long\r")
		s.expect("--More--", 30*time.Second)
		s.send("q")
		s.expect(prompt, 20*time.Second)
		sh.sync()
	}
	sh.exit()
}

const interactivePrompt = "blink-test$ "

// interactiveShell is `blink -C <Alpine rootfs> /bin/sh -i` on a
// pseudo-terminal that is its controlling terminal.
type interactiveShell struct {
	t      *testing.T
	s      *ptySession
	tty    *os.File
	before *term.State
	exited chan error
	done   bool
	syncs  int
}

// startInteractive unpacks a fresh Alpine 3.20 rootfs and starts its
// shell on a 24x80 terminal with TERM=termName, waiting for the first
// prompt. The shell is killed at the end of the test if it still runs.
func startInteractive(t *testing.T, termName string) *interactiveShell {
	t.Helper()
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
	t.Cleanup(func() { ptmx.Close(); tty.Close() })
	if err := pty.Setsize(ptmx, &pty.Winsize{Rows: 24, Cols: 80}); err != nil {
		t.Fatal(err)
	}
	before, err := term.GetState(int(tty.Fd()))
	if err != nil {
		t.Fatal(err)
	}

	cmd := exec.Command(blinkPath, "-L", filepath.Join(t.TempDir(), "blink.log"), "-C", root, "/bin/sh", "-i")
	cmd.Env = []string{"PS1=" + interactivePrompt, "HOME=/root", "PATH=/usr/sbin:/usr/bin:/sbin:/bin", "TERM=" + termName}
	cmd.Stdin, cmd.Stdout, cmd.Stderr = tty, tty, tty
	// blink leads a new session whose controlling terminal is the pty,
	// as a login shell's terminal session would be.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sh := &interactiveShell{t: t, tty: tty, before: before, exited: make(chan error, 1),
		s: &ptySession{t: t, ptmx: ptmx}}
	go func() { sh.exited <- cmd.Wait() }()
	t.Cleanup(func() {
		if !sh.done {
			cmd.Process.Kill()
			<-sh.exited
		}
	})
	go sh.s.pump()
	sh.s.expect(interactivePrompt, 60*time.Second)
	return sh
}

// foregroundSleep starts `sleep 100` as a foreground job and returns once
// it runs in front: the job's shell prints a marker (computed, so the
// echo of the typed line cannot match) after ash has given it the
// terminal, then becomes sleep.
func (sh *interactiveShell) foregroundSleep(n int) {
	sh.t.Helper()
	sh.s.send(fmt.Sprintf("sh -c 'echo in-front-$((%d*1000)); exec sleep 100'\r", n))
	sh.s.expect(fmt.Sprintf("in-front-%d000", n), 30*time.Second)
}

// waitJob waits until the shell's job list shows re. ash reports a
// background job's change of state when it next prints a prompt, which a
// job that stops while the shell already waits at its prompt does not
// get (real Linux and busybox behave so too): jobs asks, again until the
// change has happened.
func (sh *interactiveShell) waitJob(re *regexp.Regexp) {
	sh.t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		sh.s.send("jobs\r")
		if sh.s.waitFor(re, 2*time.Second) {
			break
		}
		if time.Now().After(deadline) {
			sh.t.Fatalf("no job %q; output:\n%s", re, sh.s.output())
		}
	}
	sh.sync()
}

// interrupt sends Ctrl-C until the prompt is back. The job may not have
// the terminal yet when the first one is sent (fg gives it the terminal
// after printing its name); a Ctrl-C the shell itself gets is harmless.
func (sh *interactiveShell) interrupt() {
	sh.t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		sh.s.send("\x03")
		if sh.s.waitFor(regexp.MustCompile(regexp.QuoteMeta(interactivePrompt)), 2*time.Second) {
			break
		}
		if time.Now().After(deadline) {
			sh.t.Fatalf("Ctrl-C did not bring the prompt back; output:\n%s", sh.s.output())
		}
	}
	sh.sync()
}

// sync runs a command with a unique, computed output and waits for it and
// the prompt after it, so that later waits only see later output.
func (sh *interactiveShell) sync() {
	sh.t.Helper()
	sh.syncs++
	sh.s.send(fmt.Sprintf("echo sync-$((%d+1000))\r", sh.syncs))
	sh.s.expect(fmt.Sprintf("sync-%d", sh.syncs+1000), 30*time.Second)
	sh.s.expect(interactivePrompt, 10*time.Second)
}

// has reports whether the rootfs has the command.
func (sh *interactiveShell) has(name string) bool {
	sh.t.Helper()
	sh.syncs++
	n := sh.syncs + 1000
	sh.s.send(fmt.Sprintf("command -v %s >/dev/null && echo has-$((%d)) || echo lacks-$((%d))\r", name, n, n))
	re := regexp.MustCompile(fmt.Sprintf(`(has|lacks)-%d`, n))
	sh.s.expectRE(re, 30*time.Second)
	sh.s.mu.Lock()
	all := re.FindAllSubmatch(sh.s.buf.Bytes()[:sh.s.mark], -1)
	sh.s.mu.Unlock()
	sh.s.expect(interactivePrompt, 10*time.Second)
	return string(all[len(all)-1][1]) == "has"
}

// exit ends the shell with Ctrl-D on an empty line and checks that it
// exited with status 0 and left the terminal's mode as it found it.
func (sh *interactiveShell) exit() {
	t := sh.t
	t.Helper()
	sh.s.send("\x04")
	select {
	case err := <-sh.exited:
		sh.done = true
		if err != nil {
			t.Fatalf("blink ended with %v; output:\n%s", err, sh.s.output())
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("the shell did not exit on Ctrl-D; output:\n%s", sh.s.output())
	}
	after, err := term.GetState(int(sh.tty.Fd()))
	if err != nil {
		t.Fatal(err)
	}
	if *after != *sh.before {
		t.Errorf("terminal mode not restored:\nbefore %+v\nafter  %+v", *sh.before, *after)
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
	if !s.waitFor(re, timeout) {
		s.t.Fatalf("no %q within %v; output:\n%s", re, timeout, s.output())
	}
}

// waitFor waits for re in the output after the previous match and moves
// past it; false if it does not come within timeout.
func (s *ptySession) waitFor(re *regexp.Regexp, timeout time.Duration) bool {
	deadline := time.Now().Add(timeout)
	for {
		s.mu.Lock()
		out := s.buf.Bytes()[s.mark:]
		if loc := re.FindIndex(out); loc != nil {
			s.mark += loc[1]
			s.mu.Unlock()
			return true
		}
		s.mu.Unlock()
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(20 * time.Millisecond)
	}
}

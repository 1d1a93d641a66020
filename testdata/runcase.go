//go:build ignore

// Runcase runs guest test cases natively and records what they did; it is
// the oracle half of cmd/blink/guest_test.go. build.sh runs it as
//
//	go run runcase.go golden/*.cmd
//
// which writes CASE.out and CASE.status next to each CASE.cmd (the format is
// described in build.sh). With -check it compares instead of writing, which
// shows whether a case is deterministic enough to be golden.
package main

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
)

type testCase struct {
	bin   string
	argv0 string
	args  []string
	env   []string
}

func parse(path, tmpdir string) (*testCase, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	c := &testCase{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		key, val, _ := strings.Cut(sc.Text(), " ")
		val = strings.ReplaceAll(val, "@TMPDIR@", tmpdir)
		switch key {
		case "bin":
			c.bin = val
		case "argv0":
			c.argv0 = val
		case "arg":
			c.args = append(c.args, val)
		case "env":
			c.env = append(c.env, val)
		default:
			return nil, fmt.Errorf("%s: unknown key %q", path, key)
		}
	}
	if c.bin == "" {
		return nil, fmt.Errorf("%s: no bin line", path)
	}
	if c.argv0 == "" {
		c.argv0 = "./" + c.bin
	}
	return c, nil
}

func run(cmdPath, binDir string) (stdout []byte, status string, err error) {
	tmp, err := os.MkdirTemp("", "runcase")
	if err != nil {
		return nil, "", err
	}
	defer os.RemoveAll(tmp)
	c, err := parse(cmdPath, tmp)
	if err != nil {
		return nil, "", err
	}
	cmd := exec.Command("./"+c.bin, c.args...)
	cmd.Args[0] = c.argv0
	cmd.Dir = binDir
	cmd.Env = c.env
	if cmd.Env == nil {
		cmd.Env = []string{}
	}
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = os.Stderr
	err = cmd.Run()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		return nil, "", err
	}
	ws := cmd.ProcessState.Sys().(syscall.WaitStatus)
	if ws.Signaled() {
		status = fmt.Sprintf("signal %d", int(ws.Signal()))
	} else {
		status = fmt.Sprint(ws.ExitStatus())
	}
	return out.Bytes(), status, nil
}

func main() {
	check := flag.Bool("check", false, "compare with the recorded results instead of writing them")
	binDir := flag.String("bin", "bin", "directory holding the binaries")
	flag.Parse()
	failed := false
	for _, path := range flag.Args() {
		base := strings.TrimSuffix(path, ".cmd")
		out, status, err := run(path, *binDir)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		if *check {
			wantOut, _ := os.ReadFile(base + ".out")
			wantStatus, _ := os.ReadFile(base + ".status")
			if !bytes.Equal(out, wantOut) || strings.TrimSpace(string(wantStatus)) != status {
				fmt.Printf("%s: differs from golden\n", filepath.Base(base))
				failed = true
			}
			continue
		}
		if err := os.WriteFile(base+".out", out, 0o644); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		if err := os.WriteFile(base+".status", []byte(status+"\n"), 0o644); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		fmt.Printf("%-28s %s\n", filepath.Base(base), status)
	}
	if failed {
		os.Exit(1)
	}
}

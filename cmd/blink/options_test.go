package main

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

func TestParseArgs(t *testing.T) {
	t.Setenv("BLINK_LOG_FILENAME", "")
	cases := []struct {
		args    []string
		want    options
		wantErr bool
	}{
		{args: []string{"prog", "-x", "y"}, want: options{program: "prog", programArgs: []string{"prog", "-x", "y"}, logPath: "blink.log"}},
		{args: []string{"-eL/dev/null", "-ss", "prog"}, want: options{logStderr: true, strace: 2, logPath: "/dev/null", logPathSet: true, program: "prog", programArgs: []string{"prog"}}},
		{args: []string{"-jmZ", "-C", "/r", "prog"}, want: options{noCache: true, virtualMem: true, stats: true, root: "/r", program: "prog", programArgs: []string{"prog"}, logPath: "blink.log"}},
		{args: []string{"-0", "prog", "name", "a"}, want: options{argv0: true, program: "prog", programArgs: []string{"name", "a"}, logPath: "blink.log"}},
		{args: []string{"--", "-prog"}, want: options{program: "-prog", programArgs: []string{"-prog"}, logPath: "blink.log"}},
		{args: []string{"-h"}, want: options{help: true}},
		{args: []string{"--host-ids", "-C", "/r", "sh"}, want: options{keepHostIDs: true, root: "/r", program: "sh", programArgs: []string{"sh"}, logPath: "blink.log"}},
		{args: []string{}, wantErr: true},
		{args: []string{"-q", "prog"}, wantErr: true},
		{args: []string{"-L"}, wantErr: true},
		{args: []string{"-0", "prog"}, wantErr: true},
	}
	for _, c := range cases {
		got, err := parseArgs(c.args)
		if c.wantErr {
			if err == nil {
				t.Errorf("parseArgs(%q) succeeded, want error", c.args)
			}
			continue
		}
		if err != nil {
			t.Errorf("parseArgs(%q): %v", c.args, err)
			continue
		}
		if !reflect.DeepEqual(*got, c.want) {
			t.Errorf("parseArgs(%q) = %+v, want %+v", c.args, *got, c.want)
		}
	}
}

func TestLogFilenameFromEnvironment(t *testing.T) {
	t.Setenv("BLINK_LOG_FILENAME", "/tmp/x.log")
	o, err := parseArgs([]string{"prog"})
	if err != nil || o.logPath != "/tmp/x.log" {
		t.Fatalf("got %+v, %v", o, err)
	}
}

func TestFindProgram(t *testing.T) {
	dir := t.TempDir()
	exe := filepath.Join(dir, "tool")
	if err := os.WriteFile(exe, []byte("x"), 0o755); err != nil {
		t.Fatal(err)
	}
	if got, err := findProgram("tool", "/nonexistent:"+dir); err != nil || got != exe {
		t.Fatalf("findProgram = %q, %v", got, err)
	}
	if _, err := findProgram("tool", "/nonexistent"); err == nil {
		t.Fatal("expected not found")
	}
	if got, _ := findProgram("./rel/x", ""); got != "./rel/x" {
		t.Fatalf("slash names are used as given, got %q", got)
	}
}

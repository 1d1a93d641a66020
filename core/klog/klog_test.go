package klog

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestFileCreatedOnlyWhenSomethingIsLogged(t *testing.T) {
	path := filepath.Join(t.TempDir(), "blink.log")
	l := New(path, false)
	if !l.Enabled() {
		t.Fatal("logger with a path should be enabled")
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatalf("log file exists before anything was logged: %v", err)
	}
	l.Printf("hello %d", 42)
	l.Once("k", "first")
	l.Once("k", "second")
	l.Close()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(b), "hello 42\nfirst\n"; got != want {
		t.Fatalf("log = %q, want %q", got, want)
	}
}

func TestDisabled(t *testing.T) {
	var nilLogger *Logger
	if nilLogger.Enabled() || New("", false).Enabled() {
		t.Fatal("logger without destination must be disabled")
	}
	nilLogger.Printf("nothing")
}

func TestUnwritablePathFailsOnce(t *testing.T) {
	l := New(filepath.Join(t.TempDir(), "missing", "dir", "x.log"), false)
	l.Printf("a")
	if l.Enabled() {
		t.Fatal("logger should disable itself after failing to create its file")
	}
	if !strings.Contains(l.path, "missing") {
		t.Fatal("path lost")
	}
}

// Package klog is blink's log: the destination chosen by -e, -L or
// BLINK_LOG_FILENAME. The log file is created on the first message only, so
// a run that logs nothing leaves nothing behind.
package klog

import (
	"fmt"
	"io"
	"os"
	"sync"
)

// Logger writes one line per message. The zero value discards everything.
type Logger struct {
	mu     sync.Mutex
	path   string // file to create on first use ("" for none)
	stderr bool   // also write to standard error (-e)
	f      *os.File
	failed bool // the file could not be created; do not retry per message
	once   map[string]struct{}
}

// New returns a logger writing to the file at path (created on first use;
// "" for no file) and, when toStderr is set, to standard error as well.
func New(path string, toStderr bool) *Logger {
	return &Logger{path: path, stderr: toStderr}
}

// Enabled reports whether messages go anywhere, so callers can skip
// formatting work (strace-style tracing) when they do not.
func (l *Logger) Enabled() bool {
	return l != nil && (l.stderr || (l.path != "" && !l.failed))
}

// Printf logs one line.
func (l *Logger) Printf(format string, args ...any) {
	if !l.Enabled() {
		return
	}
	msg := fmt.Sprintf(format, args...)
	if len(msg) == 0 || msg[len(msg)-1] != '\n' {
		msg += "\n"
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.stderr {
		io.WriteString(os.Stderr, msg)
	}
	if l.path == "" || l.failed {
		return
	}
	if l.f == nil {
		f, err := os.OpenFile(l.path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
		if err != nil {
			l.failed = true
			fmt.Fprintf(os.Stderr, "blink: cannot open log %s: %v\n", l.path, err)
			return
		}
		l.f = f
	}
	io.WriteString(l.f, msg)
}

// Once logs a message the first time key is seen (unsupported syscalls,
// ioctls and instructions are reported once, not per call).
func (l *Logger) Once(key string, format string, args ...any) {
	if !l.Enabled() {
		return
	}
	l.mu.Lock()
	if l.once == nil {
		l.once = make(map[string]struct{})
	}
	_, seen := l.once[key]
	l.once[key] = struct{}{}
	l.mu.Unlock()
	if !seen {
		l.Printf(format, args...)
	}
}

// Close flushes and closes the log file, if one was created.
func (l *Logger) Close() error {
	if l == nil {
		return nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f != nil {
		return l.f.Close()
	}
	return nil
}

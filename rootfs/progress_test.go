package rootfs

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

func TestFormatSize(t *testing.T) {
	for n, want := range map[int64]string{0: "0B", 1023: "1023B", 1024: "1.0K", 3490290: "3.3M", 7 << 30: "7.0G", 300 << 40: "300T"} {
		if got := FormatSize(n); got != want {
			t.Errorf("FormatSize(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestProgress(t *testing.T) {
	var b bytes.Buffer
	p := newProgress(&b, "alpine:3.20.3")
	p.start = time.Now().Add(-2 * time.Second)
	p.setTotal(4 << 20)
	p.add(1 << 20)
	line := b.String()
	for _, want := range []string{"\r\x1b[K", "alpine:3.20.3", "[======", " 25% 1.0M/4.0M", "/s", "ETA "} {
		if !strings.Contains(line, want) {
			t.Errorf("bar %q lacks %q", line, want)
		}
	}
	p.add(3 << 20) // within redrawEvery: no redraw
	if b.String() != line {
		t.Errorf("redrew too soon: %q", b.String())
	}
	p.finish()
	if !strings.HasSuffix(b.String(), "100% 4.0M/4.0M 2.0M/s\n") {
		t.Errorf("final bar %q", b.String())
	}
	// No writer: nothing at all, not even a panic.
	q := newProgress(nil, "x")
	q.add(10)
	q.finish()
}

package rootfs

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"golang.org/x/term"
)

// progress draws a one-line download bar: bytes, rate and ETA. With a nil
// writer it does nothing, which is how non-terminals stay silent.
type progress struct {
	w            io.Writer
	label        string
	total, done  int64
	start, drawn time.Time
	dirty        bool
}

// redrawEvery keeps the bar from costing more than the download.
const redrawEvery = 100 * time.Millisecond

func newProgress(w io.Writer, label string) *progress {
	return &progress{w: w, label: label, total: -1, start: time.Now()}
}

// terminalStderr is the default progress writer: stderr when it is a
// terminal, else nothing.
func terminalStderr() io.Writer {
	if term.IsTerminal(int(os.Stderr.Fd())) {
		return os.Stderr
	}
	return nil
}

func (p *progress) setTotal(n int64) { p.total = n }

func (p *progress) reset() { p.done, p.start = 0, time.Now() }

func (p *progress) add(n int64) {
	p.done += n
	if p.w == nil {
		return
	}
	p.dirty = true
	if now := time.Now(); now.Sub(p.drawn) >= redrawEvery {
		p.drawn = now
		p.draw(now)
	}
}

func (p *progress) finish() {
	if p.w == nil || p.drawn.IsZero() && !p.dirty {
		return
	}
	p.draw(time.Now())
	fmt.Fprintln(p.w)
}

func (p *progress) draw(now time.Time) {
	p.dirty = false
	el := now.Sub(p.start).Seconds()
	rate := 0.0
	if el > 0 {
		rate = float64(p.done) / el
	}
	var b strings.Builder
	b.WriteString("\r\x1b[K")
	b.WriteString(p.label)
	if p.total > 0 {
		frac := float64(p.done) / float64(p.total)
		frac = min(max(frac, 0), 1)
		const width = 24
		fill := int(frac * width)
		fmt.Fprintf(&b, " [%s%s] %3.0f%% %s/%s", strings.Repeat("=", fill), strings.Repeat(" ", width-fill), frac*100,
			FormatSize(p.done), FormatSize(p.total))
	} else {
		fmt.Fprintf(&b, " %s", FormatSize(p.done))
	}
	fmt.Fprintf(&b, " %s/s", FormatSize(int64(rate)))
	if p.total > 0 && rate > 0 && p.done < p.total {
		eta := time.Duration(float64(p.total-p.done) / rate * float64(time.Second))
		fmt.Fprintf(&b, " ETA %s", eta.Round(time.Second))
	}
	io.WriteString(p.w, b.String())
}

// FormatSize prints a byte count the way ls -h does: 3.3M, 812K, 17B.
func FormatSize(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%dB", n)
	}
	f := float64(n)
	for _, s := range []string{"K", "M", "G", "T"} {
		f /= unit
		if f < unit || s == "T" {
			if f < 10 {
				return fmt.Sprintf("%.1f%s", f, s)
			}
			return fmt.Sprintf("%.0f%s", f, s)
		}
	}
	return ""
}

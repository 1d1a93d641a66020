package kernel

import (
	"strings"
	"testing"

	"github.com/blink-go/blink/core/abi"
)

// The line discipline on its own: what the master would read back (echo)
// and what the slave reads, for input typed on the master. Expected bytes
// are what Linux's n_tty produces for the same input and flags.

// ldPair returns a new pseudo-terminal's slave and master disciplines.
func ldPair() (s, m *ldisc) {
	s, m = new(ldisc), new(ldisc)
	m.init(masterTermios(), s)
	s.init(slaveTermios(), m)
	return s, m
}

// typeIn runs input through the slave's discipline and returns the echo.
func typeIn(s *ldisc, in string) string {
	s.in = append(s.in, in...)
	s.receive()
	echo := string(s.peer.in)
	s.peer.in = s.peer.in[:0]
	return echo
}

func readOnce(l *ldisc) string {
	buf := make([]byte, 8192)
	return string(buf[:l.read(buf)])
}

func TestLdiscCanonicalEditing(t *testing.T) {
	for _, c := range []struct {
		name       string
		lset, lclr uint32
		in         string
		echo, read string
	}{
		{name: "erase", in: "abc\x7fd\n", echo: "abc\b \bd\r\n", read: "abd\n"},
		{name: "kill ECHOKE", in: "xyz\x15ok\n", echo: "xyz\b \b\b \b\b \bok\r\n", read: "ok\n"},
		{name: "kill ECHOK", lclr: abi.ECHOKE, in: "xy\x15ok\n", echo: "xy^U\r\nok\r\n", read: "ok\n"},
		{name: "kill no ECHOK", lclr: abi.ECHOKE | abi.ECHOK, in: "xy\x15ok\n", echo: "xy^Uok\r\n", read: "ok\n"},
		{name: "word erase", in: "foo bar\x17baz\n", echo: "foo bar\b \b\b \b\b \bbaz\r\n", read: "foo baz\n"},
		{name: "word erase spaces", in: "foo  \x17x\n", echo: "foo  \b \b\b \b\b \b\b \b\b \bx\r\n", read: "x\n"},
		{name: "erase without ECHOE", lclr: abi.ECHOE, in: "ab\x7f\n", echo: "ab^?\r\n", read: "a\n"},
		{name: "erase control ECHOCTL", in: "\x01\x7f\n", echo: "^A\b \b\b \b\r\n", read: "\n"},
		{name: "erase on empty line", in: "\x7f\x15\x17a\n", echo: "a\r\n", read: "a\n"},
		{name: "ECHOPRT", lset: abi.ECHOPRT, in: "abc\x7f\x7fd\n", echo: "abc\\cb/d\r\n", read: "ad\n"},
		{name: "tab erase", in: "ab\t\x7fc\n", echo: "ab\t\b\b\b\b\b\bc\r\n", read: "abc\n"},
		{name: "tab after tab", in: "\tx\t\x7f\n", echo: "\tx\t\b\b\b\b\b\b\b\r\n", read: "\tx\n"},
		{name: "literal next", in: "\x16\x03\x16\x7f\n", echo: "^\b^C^\b^?\r\n", read: "\x03\x7f\n"},
		{name: "reprint", in: "ab\x12c\n", echo: "ab^R\r\nabc\r\n", read: "abc\n"},
		{name: "control echo", in: "\x1b[A\n", echo: "^[[A\r\n", read: "\x1b[A\n"},
		{name: "no ECHOCTL", lclr: abi.ECHOCTL, in: "\x01\n", echo: "\x01\r\n", read: "\x01\n"},
		{name: "ECHONL", lclr: abi.ECHO, lset: abi.ECHONL, in: "secret\n", echo: "\r\n", read: "secret\n"},
		{name: "no echo", lclr: abi.ECHO, in: "secret\n", echo: "", read: "secret\n"},
		{name: "EOF mid-line", in: "ab\x04", echo: "ab", read: "ab"},
		{name: "unfinished line", in: "ab", echo: "ab", read: ""},
	} {
		s, _ := ldPair()
		tio := s.tio
		tio.lflag = tio.lflag&^c.lclr | c.lset
		s.setTermios(tio)
		if echo := typeIn(s, c.in); echo != c.echo {
			t.Errorf("%s: echo %q, want %q", c.name, echo, c.echo)
		}
		if got := readOnce(s); got != c.read {
			t.Errorf("%s: read %q, want %q", c.name, got, c.read)
		}
	}
}

func TestLdiscCanonicalReads(t *testing.T) {
	s, _ := ldPair()
	typeIn(s, "one\ntwo\n\x04three")
	if n := s.inq(); n != 8 {
		t.Errorf("FIONREAD = %d, want the complete lines' 8", n)
	}
	for _, want := range []string{"one\n", "two\n", "", ""} {
		if got := readOnce(s); got != want {
			t.Errorf("read %q, want %q", got, want)
		}
	}
	if s.readable(false) {
		t.Error("an unfinished line is readable")
	}
	// A short buffer takes part of a line; the rest follows.
	typeIn(s, "\n")
	buf := make([]byte, 3)
	if n := s.read(buf); string(buf[:n]) != "thr" {
		t.Errorf("short read %q", buf[:n])
	}
	if got := readOnce(s); got != "ee\n" {
		t.Errorf("rest of the line %q", got)
	}
	// EOF right after a line that filled the buffer reads as 0 next.
	typeIn(s, "abc\x04")
	buf = make([]byte, 3)
	if n := s.read(buf); string(buf[:n]) != "abc" {
		t.Errorf("read %q", buf[:n])
	}
	if n := s.read(buf); n != 0 || s.readable(false) {
		t.Errorf("the EOF left alone reads %d, readable %v", n, s.readable(false))
	}
}

func TestLdiscInputMapping(t *testing.T) {
	for _, c := range []struct {
		name       string
		iset, iclr uint32
		in, read   string
	}{
		{name: "ICRNL", in: "a\r", read: "a\n"},
		{name: "no ICRNL", iclr: abi.ICRNL, in: "a\r\n", read: "a\r\n"},
		{name: "IGNCR", iset: abi.IGNCR, in: "a\r\n", read: "a\n"},
		{name: "INLCR", iset: abi.INLCR, iclr: abi.ICRNL, in: "a\n\x04", read: "a\r"},
		{name: "ISTRIP", iset: abi.ISTRIP, in: "\xe1\n", read: "a\n"},
		{name: "IUCLC", iset: abi.IUCLC, in: "AbC\xc9\n", read: "abc\xe9\n"},
	} {
		s, _ := ldPair()
		tio := s.tio
		tio.iflag = tio.iflag&^c.iclr | c.iset
		tio.lflag &^= abi.ECHO
		s.setTermios(tio)
		typeIn(s, c.in)
		if got := readOnce(s); got != c.read {
			t.Errorf("%s: read %q, want %q", c.name, got, c.read)
		}
	}
}

func TestLdiscOutput(t *testing.T) {
	for _, c := range []struct {
		name       string
		oset, oclr uint32
		out, want  string
	}{
		{name: "ONLCR", out: "a\nb\n", want: "a\r\nb\r\n"},
		{name: "raw", oclr: abi.OPOST, out: "a\nb\t", want: "a\nb\t"},
		{name: "OCRNL", oset: abi.OCRNL, out: "a\rb", want: "a\nb"},
		{name: "ONOCR", oset: abi.ONOCR, out: "\rab\r", want: "ab\r"},
		{name: "XTABS", oset: abi.XTABS, out: "ab\tc\t", want: "ab      c       "},
		{name: "OLCUC", oset: abi.OLCUC, out: "ab1\xe9\xdf\xff", want: "AB1\xc9\xbf\xdf"},
	} {
		s, m := ldPair()
		tio := s.tio
		tio.oflag = tio.oflag&^c.oclr | c.oset
		s.setTermios(tio)
		if n := s.write([]byte(c.out)); n != len(c.out) {
			t.Errorf("%s: wrote %d of %d", c.name, n, len(c.out))
		}
		m.receive()
		if got := readOnce(m); got != c.want {
			t.Errorf("%s: master reads %q, want %q", c.name, got, c.want)
		}
	}
	// Output waits for room: the master's queue is bounded.
	s, m := ldPair()
	big := []byte(strings.Repeat("x", 2*ttyFlipLimit))
	n := s.write(big)
	if n != ttyFlipLimit {
		t.Errorf("wrote %d into a full queue, want %d", n, ttyFlipLimit)
	}
	m.receive()
	if n := s.write(big); n != ttyBufSize-1 {
		t.Errorf("after the master's discipline took %d, wrote %d more", ttyBufSize-1, n)
	}
}

func TestLdiscSignals(t *testing.T) {
	s, _ := ldPair()
	typeIn(s, "abc")
	if echo := typeIn(s, "\x03"); echo != "^C" {
		t.Errorf("^C echo %q", echo)
	}
	if len(s.sigs) != 1 || s.sigs[0] != abi.SIGINT || len(s.rbuf) != 0 {
		t.Errorf("^C: signals %v, %d bytes left", s.sigs, len(s.rbuf))
	}
	s.sigs = nil
	// Input after the signal in the same chunk stays; echo before it goes.
	if echo := typeIn(s, "xy\x1cz\n"); echo != "^\\z\r\n" {
		t.Errorf("^\\ echo %q", echo)
	}
	if got := readOnce(s); got != "z\n" || len(s.sigs) != 1 || s.sigs[0] != abi.SIGQUIT {
		t.Errorf("after ^\\: read %q, signals %v", got, s.sigs)
	}
	s.sigs = nil
	tio := s.tio
	tio.lflag |= abi.NOFLSH
	s.setTermios(tio)
	typeIn(s, "keep\x1a\n")
	if got := readOnce(s); got != "keep\n" || len(s.sigs) != 1 || s.sigs[0] != abi.SIGTSTP {
		t.Errorf("NOFLSH ^Z: read %q, signals %v", got, s.sigs)
	}
	s.sigs = nil
	tio.lflag &^= abi.ISIG
	s.setTermios(tio)
	typeIn(s, "\x03\n")
	if got := readOnce(s); got != "\x03\n" || len(s.sigs) != 0 {
		t.Errorf("without ISIG: read %q, signals %v", got, s.sigs)
	}
}

func TestLdiscFlowControl(t *testing.T) {
	s, m := ldPair()
	typeIn(s, "\x13")
	if !s.stopped || s.write([]byte("out")) != 0 {
		t.Fatal("^S does not stop output")
	}
	if echo := typeIn(s, "ab"); echo != "" {
		t.Errorf("echo while stopped: %q", echo)
	}
	if echo := typeIn(s, "\x11"); echo != "ab" || s.stopped {
		t.Errorf("^Q: echo %q, stopped %v", echo, s.stopped)
	}
	m.in = m.in[:0]
	tio := s.tio
	tio.iflag |= abi.IXANY
	s.setTermios(tio)
	typeIn(s, "\x13")
	if echo := typeIn(s, "z"); echo != "z" || s.stopped {
		t.Errorf("IXANY: echo %q, stopped %v", echo, s.stopped)
	}
	// Switching IXON off restarts output.
	typeIn(s, "\x13")
	tio.iflag &^= abi.IXON
	s.setTermios(tio)
	if s.stopped {
		t.Error("clearing IXON left output stopped")
	}
}

func TestLdiscNonCanonical(t *testing.T) {
	s, _ := ldPair()
	typeIn(s, "ab")
	tio := s.tio
	tio.lflag &^= abi.ICANON | abi.ECHO
	tio.cc[abi.TermiosVMIN] = 3
	s.setTermios(tio)
	if !s.readable(false) || s.readable(true) {
		t.Errorf("VMIN 3 with 2 bytes: readable %v, for poll %v", s.readable(false), s.readable(true))
	}
	if echo := typeIn(s, "\rc"); echo != "" {
		t.Errorf("echo off: %q", echo)
	}
	if got := readOnce(s); got != "ab\nc" {
		t.Errorf("non-canonical read %q (typed before the switch, then CR mapped)", got)
	}
	// Back to canonical: pending bytes become a line.
	typeIn(s, "xy")
	tio.lflag |= abi.ICANON
	s.setTermios(tio)
	if got := readOnce(s); got != "xy" {
		t.Errorf("after switching to canonical, read %q", got)
	}
	// The read buffer holds 4095 bytes; the rest waits in the queue.
	tio.lflag &^= abi.ICANON
	s.setTermios(tio)
	typeIn(s, strings.Repeat("z", 5000))
	if len(s.rbuf) != ttyBufSize-1 || len(s.in) != 5000-(ttyBufSize-1) {
		t.Errorf("buffer %d, queued %d", len(s.rbuf), len(s.in))
	}
	readOnce(s)
	s.receive()
	if len(s.rbuf) != 5000-(ttyBufSize-1) || len(s.in) != 0 {
		t.Errorf("after a read: buffer %d, queued %d", len(s.rbuf), len(s.in))
	}
}

func TestLdiscLongLine(t *testing.T) {
	// A canonical line longer than the buffer keeps its first
	// characters, each further one replacing the last; erase and newline
	// still work.
	s, _ := ldPair()
	typeIn(s, strings.Repeat("a", 5000)+"\x7f\n")
	got := readOnce(s)
	if len(got) != ttyBufSize-1 || got[len(got)-1] != '\n' || strings.Count(got, "a") != ttyBufSize-2 {
		t.Errorf("long line read as %d bytes ending %q", len(got), got[max(0, len(got)-3):])
	}
}

func TestLdiscParmrk(t *testing.T) {
	s, _ := ldPair()
	tio := s.tio
	tio.iflag |= abi.PARMRK
	tio.lflag &^= abi.ECHO
	s.setTermios(tio)
	typeIn(s, "\xff\n")
	if got := readOnce(s); got != "\xff\xff\n" {
		t.Errorf("PARMRK read %q", got)
	}
}

package meta

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
)

// FuzzRead checks that whatever Read accepts survives Write and Read again
// unchanged, and that nothing makes it panic: the file beside a root is
// writable by the host user and may be damaged.
func FuzzRead(f *testing.F) {
	f.Add(Header + "- 0644 0 0 0 0 /etc/passwd\n")
	f.Add(Header + "l 0777 0 0 0 0 /bin/sh /bin/busybox\n")
	f.Add(Header + "c 0666 0 0 1 3 \"/dev/null x\"\n")
	f.Add(Header + "h 0644 1 2 0 0 /a /b\nx 0000 0 0 0 0 /a\n")
	f.Fuzz(func(t *testing.T, s string) {
		m, err := Read(strings.NewReader(s))
		if err != nil {
			return
		}
		var b bytes.Buffer
		if err := Write(&b, m); err != nil {
			t.Fatal(err)
		}
		m2, err := Read(&b)
		if err != nil {
			t.Fatalf("rereading %q: %v", b.String(), err)
		}
		if !reflect.DeepEqual(m, m2) {
			t.Fatalf("round trip changed %v into %v", m, m2)
		}
	})
}

package kernel

import (
	"bytes"
	"encoding/binary"
	"testing"

	"github.com/blink-go/blink/core/abi"
)

// `ip rule` and `ip neigh` dump these: the rules a Linux starts with come
// back for AF_INET (three) and AF_INET6 (two), each naming its table.
func TestNetlinkRuleAndNeighDumps(t *testing.T) {
	e := newEnv(t, Config{})
	fd, port := nlSocket(e)
	want := map[int][][2]uint32{ // family -> (priority, table) of the default rules
		abi.AF_INET:  {{0, abi.RT_TABLE_LOCAL}, {32766, abi.RT_TABLE_MAIN}, {32767, abi.RT_TABLE_DEFAULT}},
		abi.AF_INET6: {{0, abi.RT_TABLE_LOCAL}, {32766, abi.RT_TABLE_MAIN}},
	}
	for fam, rules := range want {
		hdr := make([]byte, abi.FibRuleHdrSize)
		hdr[0] = byte(fam)
		nlRequest(e, fd, abi.RTM_GETRULE, abi.NLM_F_REQUEST|abi.NLM_F_DUMP, 7, hdr)
		msgs := nlDumpAll(e, fd, 7, port, abi.RTM_NEWRULE)
		// A host with rules of its own shows them too; the defaults
		// stay, in order.
		var got [][2]uint32
		for _, m := range msgs {
			if int(m.body[0]) != fam {
				t.Fatalf("family %d rule in a dump for %d", m.body[0], fam)
			}
			at := nlAttrs(m.body[abi.FibRuleHdrSize:])
			var prio uint32
			if p := at[abi.FRA_PRIORITY]; p != nil {
				prio = rd32(p)
			}
			if prio == 0 || prio == 32766 || prio == 32767 {
				got = append(got, [2]uint32{prio, rd32(at[abi.FRA_TABLE])})
			}
		}
		if len(got) != len(rules) {
			t.Fatalf("family %d: default rules %v, want %v", fam, got, rules)
		}
		for i := range rules {
			if got[i] != rules[i] {
				t.Errorf("family %d rule %d: %v, want %v", fam, i, got[i], rules[i])
			}
		}
	}
	// Neighbours: a well-formed dump (its content is the host's).
	nlRequest(e, fd, abi.RTM_GETNEIGH, abi.NLM_F_REQUEST|abi.NLM_F_DUMP, 8, make([]byte, abi.NdmsgSize))
	for _, m := range nlDumpAll(e, fd, 8, port, abi.RTM_NEWNEIGH) {
		if len(m.body) < abi.NdmsgSize || (m.body[0] != abi.AF_INET && m.body[0] != abi.AF_INET6) {
			t.Errorf("neighbour message %x", m.body)
		}
	}
	// One rule or neighbour rather than a dump: EOPNOTSUPP, acknowledged.
	nlRequest(e, fd, abi.RTM_GETRULE, abi.NLM_F_REQUEST, 9, make([]byte, abi.FibRuleHdrSize))
	if m := nlRecv(e, fd); len(m) != 1 || m[0].typ != abi.NLMSG_ERROR || int32(rd32(m[0].body)) != -int32(abi.EOPNOTSUPP) {
		t.Errorf("RTM_GETRULE without a dump: %+v", m)
	}
}

// The synthesized rules are what Linux itself sends: compared with this
// host's dump when it has only the default rules.
func TestDefaultRulesMatchHost(t *testing.T) {
	all, ok := hostRtnlObjects(abi.RTM_GETRULE)
	if !ok {
		t.Skip("no host rtnetlink")
	}
	var host [][]byte // IP rules only: multicast routing has its own
	for _, r := range all {
		if r[0] == abi.AF_INET || r[0] == abi.AF_INET6 {
			host = append(host, r)
		}
	}
	def := defaultRules()
	if len(host) != len(def) {
		t.Skipf("the host has %d rules, not the %d defaults", len(host), len(def))
	}
	for i := range def {
		if !sameAttrs(host[i], def[i]) {
			t.Errorf("rule %d: host %x, synthesized %x", i, host[i], def[i])
		}
	}
}

// sameAttrs compares two rules' headers and attribute sets, in any order.
func sameAttrs(a, b []byte) bool {
	if !bytes.Equal(a[:abi.FibRuleHdrSize], b[:abi.FibRuleHdrSize]) {
		return false
	}
	am, bm := nlAttrs(a[abi.FibRuleHdrSize:]), nlAttrs(b[abi.FibRuleHdrSize:])
	if len(am) != len(bm) {
		return false
	}
	for k, v := range am {
		if !bytes.Equal(v, bm[k]) {
			return false
		}
	}
	return true
}

// A big-endian host's objects come out little-endian: integers in the
// header and in integer attributes, not addresses or big-endian ones.
func TestNlLayoutToGuest(t *testing.T) {
	be := binary.BigEndian
	m := make([]byte, abi.NdmsgSize)
	m[0] = abi.AF_INET
	be.PutUint32(m[4:], 3)      // ifindex
	be.PutUint16(m[8:], 0x0004) // NUD_STALE
	attr := func(typ uint16, v []byte) {
		var h [4]byte
		be.PutUint16(h[:], uint16(4+len(v)))
		be.PutUint16(h[2:], typ)
		m = append(m, h[:]...)
		m = append(m, v...)
		for len(m)%4 != 0 {
			m = append(m, 0)
		}
	}
	attr(abi.NDA_DST, []byte{192, 0, 2, 1})
	probes := make([]byte, 4)
	be.PutUint32(probes, 6)
	attr(abi.NDA_PROBES, probes)
	attr(abi.NDA_PORT, []byte{0x12, 0xb5}) // 4789, network order stays
	g, ok := neighLayout.toGuest(m, be)
	if !ok {
		t.Fatal("rejected")
	}
	if rd32(g[4:]) != 3 || binary.LittleEndian.Uint16(g[8:]) != 4 {
		t.Errorf("header %x", g[:abi.NdmsgSize])
	}
	at := nlAttrs(g[abi.NdmsgSize:])
	if !bytes.Equal(at[abi.NDA_DST], []byte{192, 0, 2, 1}) || rd32(at[abi.NDA_PROBES]) != 6 ||
		!bytes.Equal(at[abi.NDA_PORT], []byte{0x12, 0xb5}) {
		t.Errorf("attributes %x", g[abi.NdmsgSize:])
	}
	if _, ok := neighLayout.toGuest(append(m[:abi.NdmsgSize:abi.NdmsgSize], 0, 9, 0, 1), be); ok {
		t.Error("an attribute longer than the message was accepted")
	}
}

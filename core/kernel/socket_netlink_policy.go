package kernel

import (
	"encoding/binary"

	"github.com/blink-go/blink/core/abi"
)

// Rules and neighbours: rtnetlink's RTM_GETRULE and RTM_GETNEIGH dumps,
// for `ip rule` and `ip neigh`. On a Linux host they are the host's own
// (hostRtnlObjects), re-encoded in the guest's byte order, so the guest
// sees what a process in a chroot would; elsewhere the rules are the ones
// Linux starts with (local, main and default for IPv4; local and main
// for IPv6) and the neighbour table is empty. A request for one object
// rather than a dump is EOPNOTSUPP.

// nlLayout says which parts of an rtnetlink object (a fixed header, then
// attributes) are integers in the sender's byte order.
type nlLayout struct {
	hdrSize   int
	hdrWords  []nlWord
	attrWords map[uint16]int // attribute type -> width of each integer in it
}

type nlWord struct{ off, size int }

var ruleLayout = nlLayout{hdrSize: abi.FibRuleHdrSize, hdrWords: []nlWord{{8, 4}}, attrWords: map[uint16]int{
	abi.FRA_GOTO: 4, abi.FRA_PRIORITY: 4, abi.FRA_FWMARK: 4, abi.FRA_FLOW: 4, abi.FRA_SUPPRESS_IFGROUP: 4,
	abi.FRA_SUPPRESS_PREFIXLEN: 4, abi.FRA_TABLE: 4, abi.FRA_FWMASK: 4, abi.FRA_UID_RANGE: 4,
	abi.FRA_SPORT_RANGE: 2, abi.FRA_DPORT_RANGE: 2}} // FRA_TUN_ID is big-endian already

var neighLayout = nlLayout{hdrSize: abi.NdmsgSize, hdrWords: []nlWord{{2, 2}, {4, 4}, {8, 2}}, attrWords: map[uint16]int{
	abi.NDA_CACHEINFO: 4, abi.NDA_PROBES: 4, abi.NDA_VLAN: 2, abi.NDA_VNI: 4, abi.NDA_IFINDEX: 4,
	abi.NDA_MASTER: 4, abi.NDA_LINK_NETNSID: 4, abi.NDA_SRC_VNI: 4, abi.NDA_NH_ID: 4, abi.NDA_FLAGS_EXT: 4}} // NDA_PORT is big-endian

// toGuest re-encodes an object sent in order as little-endian; ok is
// false for a malformed one.
func (l *nlLayout) toGuest(m []byte, order binary.ByteOrder) (out []byte, ok bool) {
	if len(m) < l.hdrSize {
		return nil, false
	}
	out = append([]byte(nil), m...)
	swap := func(b []byte, size int) {
		for i := 0; i+size <= len(b); i += size {
			switch size {
			case 2:
				binary.LittleEndian.PutUint16(b[i:], order.Uint16(b[i:]))
			case 4:
				binary.LittleEndian.PutUint32(b[i:], order.Uint32(b[i:]))
			}
		}
	}
	for _, w := range l.hdrWords {
		swap(out[w.off:w.off+w.size], w.size)
	}
	for b := out[l.hdrSize:]; len(b) >= abi.RtattrSize; {
		n, typ := int(order.Uint16(b)), order.Uint16(b[2:])
		if n < abi.RtattrSize || n > len(b) {
			return nil, false
		}
		binary.LittleEndian.PutUint16(b, uint16(n))
		binary.LittleEndian.PutUint16(b[2:], typ)
		if w := l.attrWords[typ&abi.NLA_TYPE_MASK]; w != 0 && typ&abi.NLA_F_NESTED == 0 {
			swap(b[abi.RtattrSize:n], w)
		}
		b = b[min(nlAlign(n), len(b)):]
	}
	return out, true
}

// defaultRules are the rules a Linux boots with, as fib_nl_fill_rule
// encodes them.
func defaultRules() [][]byte {
	rules := []struct {
		family      int
		pref, table uint32
	}{
		{abi.AF_INET, 0, abi.RT_TABLE_LOCAL}, {abi.AF_INET, 32766, abi.RT_TABLE_MAIN},
		{abi.AF_INET, 32767, abi.RT_TABLE_DEFAULT},
		{abi.AF_INET6, 0, abi.RT_TABLE_LOCAL}, {abi.AF_INET6, 32766, abi.RT_TABLE_MAIN},
	}
	var out [][]byte
	for _, r := range rules {
		var w nlWriter
		hdr := [abi.FibRuleHdrSize]byte{byte(r.family), 0, 0, 0, byte(r.table), 0, 0, abi.FR_ACT_TO_TBL}
		w.b = append(w.b, hdr[:]...)
		w.u32(abi.FRA_TABLE, r.table)
		w.u32(abi.FRA_SUPPRESS_PREFIXLEN, 0xffffffff) // -1: no suppression
		w.u8(abi.FRA_PROTOCOL, abi.RTPROT_KERNEL)
		if r.pref != 0 {
			w.u32(abi.FRA_PRIORITY, r.pref)
		}
		out = append(out, w.b)
	}
	return out
}

// policyDump answers a dump of rules or neighbours for family (AF_UNSPEC:
// every family, in number order, as rtnetlink walks them).
func policyDump(typ uint16, family int, seq, portid uint32) [][]byte {
	objs, ok := hostRtnlObjects(typ) // socket_ifreq_*.go
	layout := &ruleLayout
	if typ == abi.RTM_GETNEIGH {
		layout = &neighLayout
	}
	if !ok {
		objs = nil
		if typ == abi.RTM_GETRULE {
			objs = defaultRules()
		}
	}
	var msgs [][]byte
	for _, fam := range dumpFamilies(family) {
		for _, o := range objs {
			if len(o) < layout.hdrSize || int(o[0]) != fam {
				continue
			}
			var w nlWriter
			w.begin(typ-2, abi.NLM_F_MULTI, seq, portid)
			w.put(o)
			msgs = append(msgs, w.end())
		}
	}
	return nlDump(msgs, seq, portid)
}

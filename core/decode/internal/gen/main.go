// Command gen turns core/decode/opcodes.txt into the decoder's flat lookup
// tables (tables_gen.go). Run it through `go generate ./core/decode`.
package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"go/format"
	"log"
	"os"
	"strconv"
	"strings"
)

type entry struct {
	set   bool
	flags []string
	imm   string
	pfx   uint8
	vpfx  uint8
	nov   uint8
	dmem  uint8
	dreg  uint8
	lock  uint8
	exact uint8
	xid   string
	eidx  int
	line  int
}

var maps = map[string]int{"1": 0, "0f": 1, "0f38": 2, "0f3a": 3}

var imms = map[string]string{
	"-": "immNone", "ib": "immB", "iw": "immW", "iz": "immZ", "iv": "immV",
	"rel8": "immRel8", "rel32": "immRel32", "moffs": "immMoffs", "enter": "immEnter",
	"f6": "immF6", "f7": "immF7",
}

var flagNames = map[string]string{
	"inv": "fInv", "pfx": "fPfx", "d64": "fD64", "f64": "fF64", "end": "fEnd",
	"r": "fPlusR", "modreg": "fModReg", "vl0": "fVL0", "vw": "fVW",
	"l1": "fVL1", "w0": "fVW0", "w1": "fVW1", "nvm": "fNoVvvvMem", "vsib": "fVSIB",
}

var xids = map[string]string{
	"ff": "xFF", "ae": "xAE", "c7": "xC7", "c6": "xC6", "c7x": "xC7X", "movbe": "xMovbe",
	"0f73": "x0F73", "0fd6": "x0FD6", "movlp": "xMovlp",
}

func digits(s string, line int) uint8 {
	var m uint8
	for _, c := range s {
		if c < '0' || c > '7' {
			log.Fatalf("line %d: bad digit list %q", line, s)
		}
		m |= 1 << (c - '0')
	}
	return m
}

func keys(s string, line int) uint8 {
	var m uint8
	if s == "-" {
		return 0
	}
	for _, c := range s {
		switch c {
		case 'n':
			m |= 1 << 0
		case '6':
			m |= 1 << 1
		case '3':
			m |= 1 << 2
		case '2':
			m |= 1 << 3
		default:
			log.Fatalf("line %d: bad prefix list %q", line, s)
		}
	}
	return m
}

func hexRange(s string, line int) (lo, hi int) {
	a, b, ok := strings.Cut(s, "-")
	if !ok {
		b = a
	}
	x, err1 := strconv.ParseUint(a, 16, 8)
	y, err2 := strconv.ParseUint(b, 16, 8)
	if err1 != nil || err2 != nil || y < x {
		log.Fatalf("line %d: bad byte range %q", line, s)
	}
	return int(x), int(y)
}

func main() {
	in := flag.String("in", "opcodes.txt", "opcode table")
	out := flag.String("out", "tables_gen.go", "generated Go file")
	flag.Parse()
	f, err := os.Open(*in)
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()

	var tab [1024]entry
	type exactRow struct{ valid, end uint64 }
	var rows []exactRow
	type modrmLine struct {
		op, lo, hi int
		end        bool
		line       int
	}
	var mlines []modrmLine

	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		text, _, _ := strings.Cut(sc.Text(), ";")
		if i := strings.IndexByte(text, '#'); i >= 0 {
			text = text[:i]
		}
		fs := strings.Fields(text)
		if len(fs) == 0 {
			continue
		}
		if fs[0] == "modrm" {
			if len(fs) < 4 {
				log.Fatalf("line %d: short modrm line", n)
			}
			m, ok := maps[fs[1]]
			if !ok {
				log.Fatalf("line %d: bad map %q", n, fs[1])
			}
			op, _ := hexRange(fs[2], n)
			lo, hi := hexRange(fs[3], n)
			if lo < 0xc0 {
				log.Fatalf("line %d: modrm lines list register forms only", n)
			}
			ml := modrmLine{op: m<<8 | op, lo: lo, hi: hi, line: n}
			for _, x := range fs[4:] {
				if x != "end" {
					log.Fatalf("line %d: unknown modrm flag %q", n, x)
				}
				ml.end = true
			}
			mlines = append(mlines, ml)
			continue
		}
		if len(fs) < 4 {
			log.Fatalf("line %d: need MAP OP MODRM IMM", n)
		}
		m, ok := maps[fs[0]]
		if !ok {
			log.Fatalf("line %d: bad map %q", n, fs[0])
		}
		lo, hi := hexRange(fs[1], n)
		e := entry{set: true, pfx: 0xf, dmem: 0xff, dreg: 0xff, line: n}
		switch fs[2] {
		case "m":
			e.flags = append(e.flags, "fModRM")
		case "-":
		default:
			log.Fatalf("line %d: modrm column must be m or -", n)
		}
		if e.imm, ok = imms[fs[3]]; !ok {
			log.Fatalf("line %d: bad immediate %q", n, fs[3])
		}
		memOnly, regOnly := false, false
		for _, fl := range fs[4:] {
			k, v, hasv := strings.Cut(fl, "=")
			switch {
			case flagNames[k] != "" && !hasv:
				e.flags = append(e.flags, flagNames[k])
			case k == "lock" && !hasv:
				e.lock = 0xff
			case k == "lock":
				e.lock = digits(v, n)
			case k == "mem" && !hasv:
				memOnly = true
			case k == "reg" && !hasv:
				regOnly = true
			case k == "nv":
				e.nov = keys(v, n)
			case k == "d":
				e.dmem, e.dreg = digits(v, n), digits(v, n)
			case k == "dm":
				e.dmem = digits(v, n)
			case k == "dr":
				e.dreg = digits(v, n)
			case k == "exact":
				e.exact = digits(v, n)
			case k == "p":
				e.pfx = keys(v, n)
			case k == "v":
				e.vpfx = keys(v, n)
			case k == "x":
				if e.xid = xids[v]; e.xid == "" {
					log.Fatalf("line %d: unknown special %q", n, v)
				}
			default:
				log.Fatalf("line %d: unknown flag %q", n, fl)
			}
		}
		if memOnly {
			e.dreg = 0
		}
		if regOnly {
			e.dmem = 0
		}
		if e.nov&^e.vpfx != 0 {
			log.Fatalf("line %d: nv= lists a VEX.pp without a VEX form", n)
		}
		if e.exact != 0 {
			e.eidx = len(rows)
			rows = append(rows, exactRow{})
		}
		for op := lo; op <= hi; op++ {
			i := m<<8 | op
			if tab[i].set {
				log.Fatalf("line %d: opcode %03x already defined on line %d", n, i, tab[i].line)
			}
			tab[i] = e
		}
	}
	if err := sc.Err(); err != nil {
		log.Fatal(err)
	}
	for _, ml := range mlines {
		e := &tab[ml.op]
		if !e.set || e.exact == 0 {
			log.Fatalf("line %d: modrm line for opcode %03x without exact=", ml.line, ml.op)
		}
		for b := ml.lo; b <= ml.hi; b++ {
			if e.exact&(1<<(b>>3&7)) == 0 {
				log.Fatalf("line %d: modrm %02x is not in an exact digit", ml.line, b)
			}
			rows[e.eidx].valid |= 1 << (b & 0x3f)
			if ml.end {
				rows[e.eidx].end |= 1 << (b & 0x3f)
			}
		}
	}
	for i := 0; i < 512; i++ {
		if !tab[i].set {
			log.Fatalf("opcode %03x missing: the one-byte and 0F maps must be complete", i)
		}
	}

	var buf bytes.Buffer
	fmt.Fprintf(&buf, "// Code generated by internal/gen from opcodes.txt. DO NOT EDIT.\n\npackage decode\n\n")
	fmt.Fprintf(&buf, "// opTable is indexed by map<<8 | opcode byte.\nvar opTable = [4 * 256]opInfo{\n")
	for i, e := range tab {
		if !e.set {
			// Unlisted three-byte opcodes are undefined.
			e = entry{flags: []string{"fModRM", "fInv"}, imm: "immNone"}
		}
		fl := "0"
		if len(e.flags) > 0 {
			fl = strings.Join(e.flags, " | ")
		}
		fmt.Fprintf(&buf, "\t0x%03x: {flags: %s, imm: %s", i, fl, e.imm)
		if e.pfx != 0 {
			fmt.Fprintf(&buf, ", pfx: 0x%x", e.pfx)
		}
		if e.vpfx != 0 {
			fmt.Fprintf(&buf, ", vpfx: 0x%x", e.vpfx)
		}
		if e.nov != 0 {
			fmt.Fprintf(&buf, ", nov: 0x%x", e.nov)
		}
		fmt.Fprintf(&buf, ", dmem: 0x%02x, dreg: 0x%02x", e.dmem, e.dreg)
		if e.lock != 0 {
			fmt.Fprintf(&buf, ", lock: 0x%02x", e.lock)
		}
		if e.exact != 0 {
			fmt.Fprintf(&buf, ", exact: 0x%02x, eidx: %d", e.exact, e.eidx)
		}
		if e.xid != "" {
			fmt.Fprintf(&buf, ", xid: %s", e.xid)
		}
		fmt.Fprintf(&buf, "},\n")
	}
	fmt.Fprintf(&buf, "}\n\n")
	fmt.Fprintf(&buf, "// exactValid and exactEnd have one bit per register-form ModRM byte\n// (bit modrm&63) for the opcodes with exact= digits.\n")
	fmt.Fprintf(&buf, "var exactValid = [%d]uint64{", len(rows))
	for _, r := range rows {
		fmt.Fprintf(&buf, "0x%016x, ", r.valid)
	}
	fmt.Fprintf(&buf, "}\n\nvar exactEnd = [%d]uint64{", len(rows))
	for _, r := range rows {
		fmt.Fprintf(&buf, "0x%016x, ", r.end)
	}
	fmt.Fprintf(&buf, "}\n")
	src, err := format.Source(buf.Bytes())
	if err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(*out, src, 0o644); err != nil {
		log.Fatal(err)
	}
}

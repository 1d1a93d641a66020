package difftest

// sseForms are the SSE/SSE2 instructions compilers emit most, followed by
// SSE3 and later (sse4.go). Legacy-encoded 128-bit memory operands must be
// 16-byte aligned (except the explicitly unaligned moves), scalar ones need
// not be.
func sseForms() []*form {
	m64 := func(fm *form) { fm.msize, fm.align = 8, 0 }
	m32 := func(fm *form) { fm.msize, fm.align = 4, 0 }
	unal := align(0)
	var t []*form
	add := func(fs ...*form) { t = append(t, fs...) }

	add(f("MOVDQA x, x/m128", "66 0F 6F /r", sse),
		f("MOVDQA x/m128, x", "66 0F 7F /r", sse),
		f("MOVDQU x, x/m128", "F3 0F 6F /r", sse, unal),
		f("MOVDQU x/m128, x", "F3 0F 7F /r", sse, unal),
		f("MOVAPS x, x/m128", "0F 28 /r", sse),
		f("MOVAPS x/m128, x", "0F 29 /r", sse),
		f("MOVUPS x, x/m128", "0F 10 /r", sse, unal),
		f("MOVUPS x/m128, x", "0F 11 /r", sse, unal),
		f("MOVAPD x, x/m128", "66 0F 28 /r", sse),
		f("MOVSD x, x/m64", "F2 0F 10 /r", sse, m64),
		f("MOVSD x/m64, x", "F2 0F 11 /r", sse, m64),
		f("MOVSS x, x/m32", "F3 0F 10 /r", sse, m32),
		f("MOVSS x/m32, x", "F3 0F 11 /r", sse, m32),
		f("MOVQ x, x/m64", "F3 0F 7E /r", sse, m64),
		f("MOVQ x/m64, x", "66 0F D6 /r", sse, m64),
		f("MOVD x, r/m32", "66 0F 6E /r", sse, gprRM, m32),
		f("MOVQ x, r/m64", "66 W 0F 6E /r", sse, gprRM, m64),
		f("MOVD r/m32, x", "66 0F 7E /r", sse, gprRM, m32),
		f("MOVQ r/m64, x", "66 W 0F 7E /r", sse, gprRM, m64),
		f("MOVHPD x, m64", "66 0F 16 /r", sse, m64, memOnly),
		f("MOVLPD x, m64", "66 0F 12 /r", sse, m64, memOnly),
		f("MOVHLPS x, x", "0F 12 /r", sse, regOnly),
		f("MOVLHPS x, x", "0F 16 /r", sse, regOnly),
		f("PMOVMSKB r32, x", "66 0F D7 /r", sse, gprReg, regOnly),
		f("MOVMSKPD r32, x", "66 0F 50 /r", sse, gprReg, regOnly),
		f("MOVMSKPS r32, x", "0F 50 /r", sse, gprReg, regOnly),
		f("PEXTRW r32, x, imm8", "66 0F C5 /r ib", sse, gprReg, regOnly),
		f("PINSRW x, r32/m16, imm8", "66 0F C4 /r ib", sse, gprRM, msize(2), unal),
		f("PSHUFD x, x/m128, imm8", "66 0F 70 /r ib", sse),
		f("PSHUFLW x, x/m128, imm8", "F2 0F 70 /r ib", sse),
		f("PSHUFHW x, x/m128, imm8", "F3 0F 70 /r ib", sse),
		f("SHUFPS x, x/m128, imm8", "0F C6 /r ib", sse),
		f("SHUFPD x, x/m128, imm8", "66 0F C6 /r ib", sse))

	// Packed integer, 66 0F xx /r.
	for _, p := range []struct {
		name string
		op   string
	}{{"PXOR", "EF"}, {"POR", "EB"}, {"PAND", "DB"}, {"PANDN", "DF"},
		{"PCMPEQB", "74"}, {"PCMPEQW", "75"}, {"PCMPEQD", "76"}, {"PCMPGTB", "64"}, {"PCMPGTW", "65"}, {"PCMPGTD", "66"},
		{"PADDB", "FC"}, {"PADDW", "FD"}, {"PADDD", "FE"}, {"PADDQ", "D4"},
		{"PSUBB", "F8"}, {"PSUBW", "F9"}, {"PSUBD", "FA"}, {"PSUBQ", "FB"},
		{"PADDUSB", "DC"}, {"PADDUSW", "DD"}, {"PADDSB", "EC"}, {"PADDSW", "ED"},
		{"PSUBUSB", "D8"}, {"PSUBUSW", "D9"}, {"PSUBSB", "E8"}, {"PSUBSW", "E9"},
		{"PMULLW", "D5"}, {"PMULHW", "E5"}, {"PMULHUW", "E4"}, {"PMULUDQ", "F4"}, {"PMADDWD", "F5"},
		{"PMAXUB", "DE"}, {"PMINUB", "DA"}, {"PMAXSW", "EE"}, {"PMINSW", "EA"}, {"PAVGB", "E0"}, {"PAVGW", "E3"},
		{"PSADBW", "F6"},
		{"PUNPCKLBW", "60"}, {"PUNPCKLWD", "61"}, {"PUNPCKLDQ", "62"}, {"PUNPCKLQDQ", "6C"},
		{"PUNPCKHBW", "68"}, {"PUNPCKHWD", "69"}, {"PUNPCKHDQ", "6A"}, {"PUNPCKHQDQ", "6D"},
		{"PACKSSWB", "63"}, {"PACKUSWB", "67"}, {"PACKSSDW", "6B"},
		{"PSRLW x, x/m128", "D1"}, {"PSRLD x, x/m128", "D2"}, {"PSRLQ x, x/m128", "D3"},
		{"PSRAW x, x/m128", "E1"}, {"PSRAD x, x/m128", "E2"},
		{"PSLLW x, x/m128", "F1"}, {"PSLLD x, x/m128", "F2"}, {"PSLLQ x, x/m128", "F3"}} {
		fm := f(p.name, "66 0F "+p.op+" /r", sse)
		if p.op[0] == 'D' && p.op[1] <= '3' || p.op == "E1" || p.op == "E2" || p.op >= "F1" && p.op <= "F3" {
			// Shift by a count register: make the count small half the time.
			fm.fix = func(c *tcase) {
				if c.r.n(2) == 0 {
					v := uint64(c.r.count(8))
					if c.isMem {
						c.writeMem(c.memOff, 8, v)
						c.writeMem(c.memOff+8, 8, c.r.val())
					} else {
						c.in.XMM[c.rmReg][0] = v
					}
				}
			}
		}
		add(fm)
	}
	// Shifts by immediate: 66 0F 71/72/73 /digit ib.
	for _, s := range []struct {
		name string
		spec string
	}{{"PSRLW", "71 /2"}, {"PSRAW", "71 /4"}, {"PSLLW", "71 /6"}, {"PSRLD", "72 /2"}, {"PSRAD", "72 /4"},
		{"PSLLD", "72 /6"}, {"PSRLQ", "73 /2"}, {"PSRLDQ", "73 /3"}, {"PSLLQ", "73 /6"}, {"PSLLDQ", "73 /7"}} {
		add(f(s.name+" x, imm8", "66 0F "+s.spec+" ib", sse, regOnly,
			immGen(func(c *tcase) int64 { return int64(c.r.count(8)) })))
	}

	// Floating point: packed single (NP), packed double (66), scalar double
	// (F2), scalar single (F3).
	for _, p := range []struct {
		name string
		op   string
	}{{"ADD", "58"}, {"MUL", "59"}, {"SUB", "5C"}, {"DIV", "5E"}, {"MIN", "5D"}, {"MAX", "5F"}, {"SQRT", "51"}} {
		add(f(p.name+"PS", "0F "+p.op+" /r", sse),
			f(p.name+"PD", "66 0F "+p.op+" /r", sse),
			f(p.name+"SD", "F2 0F "+p.op+" /r", sse, m64),
			f(p.name+"SS", "F3 0F "+p.op+" /r", sse, m32))
	}
	for _, p := range []struct {
		name string
		op   string
	}{{"AND", "54"}, {"ANDN", "55"}, {"OR", "56"}, {"XOR", "57"}, {"UNPCKL", "14"}, {"UNPCKH", "15"}} {
		add(f(p.name+"PS", "0F "+p.op+" /r", sse), f(p.name+"PD", "66 0F "+p.op+" /r", sse))
	}
	imm3 := immGen(func(c *tcase) int64 { return int64(c.r.n(8)) })
	add(f("CMPPS x, x/m128, imm8", "0F C2 /r ib", sse, imm3),
		f("CMPPD x, x/m128, imm8", "66 0F C2 /r ib", sse, imm3),
		f("CMPSD x, x/m64, imm8", "F2 0F C2 /r ib", sse, m64, imm3),
		f("CMPSS x, x/m32, imm8", "F3 0F C2 /r ib", sse, m32, imm3),
		f("COMISD", "66 0F 2F /r", sse, m64),
		f("UCOMISD", "66 0F 2E /r", sse, m64),
		f("COMISS", "0F 2F /r", sse, m32),
		f("UCOMISS", "0F 2E /r", sse, m32))

	// Conversions.
	add(f("CVTSI2SD x, r/m32", "F2 0F 2A /r", sse, gprRM, m32),
		f("CVTSI2SD x, r/m64", "F2 W 0F 2A /r", sse, gprRM, m64),
		f("CVTSI2SS x, r/m32", "F3 0F 2A /r", sse, gprRM, m32),
		f("CVTSI2SS x, r/m64", "F3 W 0F 2A /r", sse, gprRM, m64),
		f("CVTTSD2SI r32, x/m64", "F2 0F 2C /r", sse, gprReg, m64),
		f("CVTTSD2SI r64, x/m64", "F2 W 0F 2C /r", sse, gprReg, m64),
		f("CVTSD2SI r32, x/m64", "F2 0F 2D /r", sse, gprReg, m64),
		f("CVTSD2SI r64, x/m64", "F2 W 0F 2D /r", sse, gprReg, m64),
		f("CVTTSS2SI r32, x/m32", "F3 0F 2C /r", sse, gprReg, m32),
		f("CVTTSS2SI r64, x/m32", "F3 W 0F 2C /r", sse, gprReg, m32),
		f("CVTSD2SS", "F2 0F 5A /r", sse, m64),
		f("CVTSS2SD", "F3 0F 5A /r", sse, m32),
		f("CVTPS2PD", "0F 5A /r", sse, m64),
		f("CVTPD2PS", "66 0F 5A /r", sse),
		f("CVTDQ2PD", "F3 0F E6 /r", sse, m64),
		f("CVTTPD2DQ", "66 0F E6 /r", sse),
		f("CVTDQ2PS", "0F 5B /r", sse),
		f("CVTPS2DQ", "66 0F 5B /r", sse),
		f("CVTTPS2DQ", "F3 0F 5B /r", sse))
	return append(t, sse4Forms()...)
}

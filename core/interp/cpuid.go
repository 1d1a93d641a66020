package interp

import "github.com/blink-go/blink/core/x86"

// CPUID reports exactly what blink-go implements. The feature bits are
// data: one row per bit, with whether it is on and why (see features).

type cpuReg uint8

const (
	regEAX cpuReg = iota
	regEBX
	regECX
	regEDX
)

type feature struct {
	name string
	leaf uint32 // subleaf is always 0
	reg  cpuReg
	bit  uint8
	on   bool
	note string
}

var features = []feature{
	{"FPU", 1, regEDX, 0, true, "x87 (core/vec)"},
	{"TSC", 1, regEDX, 4, true, "RDTSC: host monotonic clock at a nominal 3 GHz"},
	{"CX8", 1, regEDX, 8, true, "CMPXCHG8B"},
	{"CMOV", 1, regEDX, 15, true, ""},
	{"MMX", 1, regEDX, 23, true, "core/vec; part of the x86-64 baseline glibc checks for"},
	{"FXSR", 1, regEDX, 24, true, "FXSAVE/FXRSTOR (core/vec)"},
	{"SSE", 1, regEDX, 25, true, "core/vec"},
	{"SSE2", 1, regEDX, 26, true, "core/vec"},
	{"SSE3", 1, regECX, 0, true, "core/vec (ADDSUB, HADD/HSUB, MOVxDUP, LDDQU, FISTTP; MONITOR is its own bit)"},
	{"PCLMULQDQ", 1, regECX, 1, true, "core/vec"},
	{"SSSE3", 1, regECX, 9, true, "core/vec (XMM and MMX forms)"},
	{"CX16", 1, regECX, 13, true, "CMPXCHG16B"},
	{"SSE4.1", 1, regECX, 19, true, "core/vec"},
	{"SSE4.2", 1, regECX, 20, true, "core/vec (PCMPxSTRx, PCMPGTQ, CRC32)"},
	{"MOVBE", 1, regECX, 22, true, ""},
	{"POPCNT", 1, regECX, 23, true, ""},
	{"AES", 1, regECX, 25, true, "AES-NI (core/vec)"},
	// XSAVE/OSXSAVE stay off: with them set, programs (glibc's lazy binding
	// trampoline among them) use XSAVE/XRSTOR and check XCR0 for AVX state,
	// neither of which exists here. XGETBV still answers consistently
	// (XCR0 = x87|SSE) for code that calls it without checking.
	{"XSAVE", 1, regECX, 26, false, "not implemented"},
	{"OSXSAVE", 1, regECX, 27, false, "no XSAVE, so the OS must not claim to enable it"},
	{"AVX", 1, regECX, 28, false, "not implemented"},
	{"RDRAND", 1, regECX, 30, true, "crypto/rand"},
	{"HYPERVISOR", 1, regECX, 31, true, "blink is a hypervisor (blink README)"},
	{"BMI1", 7, regEBX, 3, true, ""},
	{"BMI2", 7, regEBX, 8, true, ""},
	{"ERMS", 7, regEBX, 9, true, "REP MOVSB/STOSB take the bulk path, so libc should prefer them"},
	{"RDSEED", 7, regEBX, 18, true, "crypto/rand"},
	{"ADX", 7, regEBX, 19, true, ""},
	{"FSGSBASE", 7, regEBX, 0, false, "RDFSBASE & co. raise #UD; use arch_prctl"},
	{"LAHF_LM", 0x80000001, regECX, 0, true, "LAHF/SAHF in long mode"},
	{"ABM", 0x80000001, regECX, 5, true, "LZCNT"},
	{"SYSCALL", 0x80000001, regEDX, 11, true, ""},
	{"NX", 0x80000001, regEDX, 20, true, "PROT_EXEC is enforced"},
	{"RDTSCP", 0x80000001, regEDX, 27, true, "TSC_AUX (ECX) = 0"},
	{"LM", 0x80000001, regEDX, 29, true, ""},
}

// leafBits[leaf-index][reg] holds the OR of the enabled features.
var leafBits = func() (t [3][4]uint32) {
	for _, f := range features {
		if !f.on {
			continue
		}
		i := 0
		switch f.leaf {
		case 7:
			i = 1
		case 0x80000001:
			i = 2
		}
		t[i][f.reg] |= 1 << f.bit
	}
	return
}()

// HWCap is what the loader puts in AT_HWCAP: CPUID leaf 1 EDX, as Linux
// does on x86.
func HWCap() uint32 { return leafBits[0][regEDX] }

const (
	maxBasic = 7
	maxExt   = 0x80000004
	// signature is family 6, model 0x55 (a Skylake-SP class Xeon), stepping 4:
	// a model with none of the erratum workarounds libcs key off.
	signature = 0x00050654
)

func str4(s string, i int) uint32 {
	var v uint32
	for k := 3; k >= 0; k-- {
		v <<= 8
		if i+k < len(s) {
			v |= uint32(s[i+k])
		}
	}
	return v
}

const brand = "blink-go virtual x86-64 CPU @ 3.00GHz"

// cpuid returns EAX, EBX, ECX, EDX for leaf and subleaf.
func cpuid(cfg *x86.Config, leaf, sub uint32) (a, b, c, d uint32) {
	switch {
	case leaf > maxBasic && leaf < 0x40000000, leaf > maxExt && leaf != 0x40031337:
		// Intel returns the highest basic leaf for out-of-range inputs.
		leaf, sub = maxBasic, 0
	case leaf > 0x40000000 && leaf < 0x80000000 && leaf != 0x40031337:
		leaf, sub = maxBasic, 0
	}
	switch leaf {
	case 0:
		return maxBasic, str4("GenuineIntel", 0), str4("GenuineIntel", 8), str4("GenuineIntel", 4)
	case 1:
		// EBX: CLFLUSH line size 8 qwords, one logical processor.
		return signature, 8<<8 | 1<<16, leafBits[0][regECX], leafBits[0][regEDX]
	case 7:
		if sub != 0 {
			return 0, 0, 0, 0
		}
		return 0, leafBits[1][regEBX], leafBits[1][regECX], leafBits[1][regEDX]
	case 0x40000000:
		return 0x40000000, str4("GenuineBlink", 0), str4("GenuineBlink", 4), str4("GenuineBlink", 8)
	case 0x40031337:
		os := ""
		if cfg != nil {
			os = cfg.HostOS
		}
		return 0, str4(os, 0), str4(os, 4), str4(os, 8)
	case 0x80000000:
		return maxExt, str4("GenuineIntel", 0), str4("GenuineIntel", 8), str4("GenuineIntel", 4)
	case 0x80000001:
		c = leafBits[2][regECX]
		if cfg != nil && cfg.DecodeCache {
			c |= 1 << 31
		}
		return 0, 0, c, leafBits[2][regEDX]
	case 0x80000002, 0x80000003, 0x80000004:
		i := int(leaf-0x80000002) * 16
		return str4(brand, i), str4(brand, i+4), str4(brand, i+8), str4(brand, i+12)
	}
	return 0, 0, 0, 0 // leaves 2..6: no cache/topology description
}

func cpuidInsn(m *x86.Machine, in *x86.Inst) {
	a, b, c, d := cpuid(m.Cfg, uint32(m.R[x86.RAX]), uint32(m.R[x86.RCX]))
	m.R[x86.RAX], m.R[x86.RBX], m.R[x86.RCX], m.R[x86.RDX] = uint64(a), uint64(b), uint64(c), uint64(d)
}

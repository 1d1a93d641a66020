package procfs

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/blink-go/blink/core/abi"
)

// cpuFlags names CPUID feature bits as Linux's cpufeatures.h does, in the
// order /proc/cpuinfo prints them (capability word order: 1.EDX,
// 8000_0001.EDX, 1.ECX, 8000_0001.ECX, 7.EBX, 7.ECX, 7.EDX). Bits Linux
// hides (OSXSAVE, FDP_EXCPTN_ONLY, ZERO_FCS_FDS...) and reserved bits have
// no name. Synthetic Linux flags (constant_tsc, rep_good...) are not
// CPUID bits and are left out, so the list is exactly what CPUID says.
var cpuFlags = []struct {
	leaf uint32
	reg  int // 0 EAX .. 3 EDX
	bits [32]string
}{
	{1, 3, [32]string{"fpu", "vme", "de", "pse", "tsc", "msr", "pae", "mce", "cx8", "apic", "", "sep",
		"mtrr", "pge", "mca", "cmov", "pat", "pse36", "pn", "clflush", "", "dts", "acpi", "mmx",
		"fxsr", "sse", "sse2", "ss", "ht", "tm", "ia64", "pbe"}},
	{0x80000001, 3, [32]string{11: "syscall", 19: "mp", 20: "nx", 22: "mmxext", 25: "fxsr_opt",
		26: "pdpe1gb", 27: "rdtscp", 29: "lm", 30: "3dnowext", 31: "3dnow"}},
	{1, 2, [32]string{"pni", "pclmulqdq", "dtes64", "monitor", "ds_cpl", "vmx", "smx", "est", "tm2",
		"ssse3", "cid", "sdbg", "fma", "cx16", "xtpr", "pdcm", "", "pcid", "dca", "sse4_1", "sse4_2",
		"x2apic", "movbe", "popcnt", "tsc_deadline_timer", "aes", "xsave", "", "avx", "f16c",
		"rdrand", "hypervisor"}},
	{0x80000001, 2, [32]string{"lahf_lm", "cmp_legacy", "svm", "extapic", "cr8_legacy", "abm",
		"sse4a", "misalignsse", "3dnowprefetch", "osvw", "ibs", "xop", "skinit", "wdt", "", "lwp",
		"fma4", "tce", "", "nodeid_msr", "", "tbm", "topoext", "perfctr_core", "perfctr_nb", "",
		"bpext", "ptsc", "perfctr_llc", "mwaitx"}},
	{7, 1, [32]string{"fsgsbase", "tsc_adjust", "sgx", "bmi1", "hle", "avx2", "", "smep", "bmi2",
		"erms", "invpcid", "rtm", "cqm", "", "mpx", "rdt_a", "avx512f", "avx512dq", "rdseed", "adx",
		"smap", "avx512ifma", "", "clflushopt", "clwb", "intel_pt", "avx512pf", "avx512er",
		"avx512cd", "sha_ni", "avx512bw", "avx512vl"}},
	{7, 2, [32]string{1: "avx512vbmi", 2: "umip", 3: "pku", 4: "ospke", 5: "waitpkg",
		6: "avx512_vbmi2", 8: "gfni", 9: "vaes", 10: "vpclmulqdq", 11: "avx512_vnni",
		12: "avx512_bitalg", 13: "tme", 14: "avx512_vpopcntdq", 16: "la57", 22: "rdpid",
		25: "cldemote", 27: "movdiri", 28: "movdir64b", 29: "enqcmd"}},
	{7, 3, [32]string{2: "avx512_4vnniw", 3: "avx512_4fmaps", 4: "fsrm", 8: "avx512_vp2intersect",
		10: "md_clear", 14: "serialize", 16: "tsxldtrk", 18: "pconfig", 19: "arch_lbr",
		22: "amx_bf16", 23: "avx512_fp16", 24: "amx_tile", 25: "amx_int8", 28: "flush_l1d",
		29: "arch_capabilities"}},
}

// CPUFlags lists the cpuinfo flags a CPUID function reports.
func CPUFlags(cpuid func(leaf, sub uint32) (a, b, c, d uint32)) []string {
	var out []string
	for _, w := range cpuFlags {
		// An out-of-range leaf answers with the highest basic leaf.
		if max, _, _, _ := cpuid(w.leaf&0x80000000, 0); w.leaf > max {
			continue
		}
		a, b, c, d := cpuid(w.leaf, 0)
		r := [4]uint32{a, b, c, d}[w.reg]
		for i, name := range w.bits {
			if name != "" && r&(1<<i) != 0 {
				out = append(out, name)
			}
		}
	}
	return out
}

func cpuString(cpuid func(leaf, sub uint32) (a, b, c, d uint32), leaves ...uint32) string {
	var b []byte
	for _, l := range leaves {
		r := [4]uint32{}
		r[0], r[1], r[2], r[3] = cpuid(l, 0)
		for _, v := range r {
			b = append(b, byte(v), byte(v>>8), byte(v>>16), byte(v>>24))
		}
	}
	return strings.TrimSpace(strings.TrimRight(string(b), "\x00"))
}

// genCPUInfo is arch/x86/kernel/cpu/proc.c's show_cpuinfo, once per CPU.
func (f *FS) genCPUInfo(b *bytes.Buffer) abi.Errno {
	cpuid := f.cfg.CPUID
	max, vb, vc, vd := cpuid(0, 0)
	vendor := cpuString(func(uint32, uint32) (uint32, uint32, uint32, uint32) { return vb, vd, vc, 0 }, 0) // EBX EDX ECX
	sig, ebx, _, _ := cpuid(1, 0)
	family := sig >> 8 & 0xf
	model := sig >> 4 & 0xf
	if family == 6 || family == 15 {
		model |= sig >> 16 & 0xf << 4
	}
	if family == 15 {
		family += sig >> 20 & 0xff
	}
	name := cpuString(cpuid, 0x80000002, 0x80000003, 0x80000004)
	flags := strings.Join(CPUFlags(cpuid), " ")
	n := f.cfg.Host().NCPU
	clflush := ebx >> 8 & 0xff * 8
	for i := range n {
		fmt.Fprintf(b, "processor\t: %d\n", i)
		fmt.Fprintf(b, "vendor_id\t: %s\n", vendor)
		fmt.Fprintf(b, "cpu family\t: %d\n", family)
		fmt.Fprintf(b, "model\t\t: %d\n", model)
		fmt.Fprintf(b, "model name\t: %s\n", name)
		fmt.Fprintf(b, "stepping\t: %d\n", sig&0xf)
		fmt.Fprintf(b, "cpu MHz\t\t: %.3f\n", 3000.0)
		fmt.Fprintf(b, "physical id\t: 0\nsiblings\t: %d\ncore id\t\t: %d\ncpu cores\t: %d\n", n, i, n)
		fmt.Fprintf(b, "apicid\t\t: %d\ninitial apicid\t: %d\n", i, i)
		fmt.Fprintf(b, "fpu\t\t: yes\nfpu_exception\t: yes\ncpuid level\t: %d\nwp\t\t: yes\n", max)
		fmt.Fprintf(b, "flags\t\t: %s\n", flags)
		b.WriteString("bugs\t\t:\n")
		fmt.Fprintf(b, "bogomips\t: %.2f\n", 6000.0)
		fmt.Fprintf(b, "clflush size\t: %d\ncache_alignment\t: %d\n", clflush, clflush)
		b.WriteString("address sizes\t: 48 bits physical, 48 bits virtual\npower management:\n\n")
	}
	return 0
}

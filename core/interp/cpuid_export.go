package interp

import "github.com/blink-go/blink/core/x86"

// CPUID answers leaf and subleaf exactly as the guest's CPUID instruction
// does under cfg, for /proc/cpuinfo (procfs derives its flags from it).
func CPUID(cfg *x86.Config, leaf, sub uint32) (a, b, c, d uint32) { return cpuid(cfg, leaf, sub) }

package procfs

import "testing"

// Cpus_allowed as Linux prints it: 32-bit words, the first only as wide
// as the CPUs it holds; Cpus_allowed_list as ranges.
func TestCPUMask(t *testing.T) {
	for _, c := range []struct {
		bits       []uint64
		n          int
		mask, list string
	}{
		{[]uint64{1}, 2, "1", "0"},
		{[]uint64{2}, 2, "2", "1"},
		{[]uint64{0xd}, 8, "0d", "0,2-3"},
		{[]uint64{1}, 40, "00,00000001", "0"},
		{[]uint64{1<<40 - 1}, 40, "ff,ffffffff", "0-39"},
		{[]uint64{1 << 63, 1}, 65, "1,80000000,00000000", "63-64"},
	} {
		mask, list := cpuMask(c.bits, c.n)
		if mask != c.mask || list != c.list {
			t.Errorf("cpuMask(%x, %d) = %q %q, want %q %q", c.bits, c.n, mask, list, c.mask, c.list)
		}
	}
}

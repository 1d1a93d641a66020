package kernel

import "fmt"

// StatsLines returns the -Z report: one "name = value" line per counter,
// summed over every process this kernel ran.
func (k *Kernel) StatsLines() []string {
	k.mu.Lock()
	defer k.mu.Unlock()
	var insts, blocks, inval, smc uint64
	for _, p := range k.procs {
		if p.Engine == nil {
			continue // the virtual init runs no code
		}
		s := p.Engine.Stats()
		insts += s.Instructions
		blocks += s.Blocks
		inval += s.Invalidations
		smc += s.SMCFaults
	}
	return []string{
		fmt.Sprintf("instructions = %d", insts),
		fmt.Sprintf("blocks_decoded = %d", blocks),
		fmt.Sprintf("cache_invalidations = %d", inval),
		fmt.Sprintf("smc_faults = %d", smc),
	}
}

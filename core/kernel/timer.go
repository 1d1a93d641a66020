package kernel

// stopProcessTimers cancels p's POSIX timers when it exits.
func (k *Kernel) stopProcessTimers(p *Process) {}

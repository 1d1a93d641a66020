//go:build linux && !(mips || mipsle || mips64 || mips64le)

package hostfs

// linuxErrnos: this host's errno numbers are x86-64 Linux's.
const linuxErrnos = true

//go:build linux && (mips || mipsle || mips64 || mips64le)

package hostfs

// linuxErrnos: MIPS Linux numbers many errnos differently.
const linuxErrnos = false

//go:build darwin || freebsd || netbsd || openbsd

package mem

// mapNoReserve is 0 where MAP_NORESERVE is missing or ignored; these hosts
// overcommit PROT_NONE reservations anyway.
const mapNoReserve = 0

// memfd is unavailable: MAP_SHARED mappings in Linear mode become private
// to each Space after Clone on these hosts (Virtual mode shares them).
func memfd() (int, error) { return -1, errNoShm }

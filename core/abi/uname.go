package abi

// struct new_utsname: six fields of __NEW_UTS_LEN+1 = 65 bytes each.
const (
	UTSLen      = 65
	UtsnameSize = 6 * UTSLen
)

// struct sysinfo for x86-64 (include/uapi/linux/sysinfo.h), 112 bytes.
const (
	SysinfoSize = 112
)

// NewUTSLen is __NEW_UTS_LEN: the longest host or domain name
// sethostname(2)/setdomainname(2) take.
const NewUTSLen = 64

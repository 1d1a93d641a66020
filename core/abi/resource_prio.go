package abi

// getpriority/setpriority targets, from include/uapi/linux/resource.h.
const (
	PRIO_PROCESS = 0
	PRIO_PGRP    = 1
	PRIO_USER    = 2
)

//go:build unix && !darwin && !ios

package main

// maxrssUnit converts ru_maxrss to bytes: Linux and the BSDs report KiB.
const maxrssUnit = 1024

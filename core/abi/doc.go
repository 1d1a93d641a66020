// Package abi holds the Linux x86-64 ABI constants the emulator implements,
// split by kernel header (errno.go, signal.go, mman.go, fcntl.go, ...).
// Values are written as the kernel writes them; this package has no logic
// beyond naming them.
package abi

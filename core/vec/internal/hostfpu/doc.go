// Package hostfpu runs single x86 instructions on an amd64 host CPU so
// tests can compare core/vec with hardware. It is empty on other hosts.
package hostfpu

//go:build !linux

package kernel

import "github.com/blink-go/blink/procfs"

// readHostNetwork: only Linux hosts have rtnetlink to ask; elsewhere Go's
// net package describes the interfaces (portableNetwork).
func readHostNetwork(bool) (procfs.Network, bool) { return procfs.Network{}, false }

func hostRtnlObjects(uint16) ([][]byte, bool) { return nil, false }

// readHostProcNet: there are no host /proc/net files to show; procfs
// generates them.
func readHostProcNet(*procfs.Network) {}

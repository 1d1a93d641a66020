//go:build !linux && !windows

package tmpfs

import "os"

// hostBacking is an unlinked temporary file: the nearest the BSDs and
// macOS have to a memfd that can be mapped shared.
func hostBacking() (*os.File, error) {
	f, err := os.CreateTemp("", "blink-tmpfs-*")
	if err != nil {
		return nil, err
	}
	os.Remove(f.Name())
	return f, nil
}

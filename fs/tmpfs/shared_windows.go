package tmpfs

import (
	"errors"
	"os"
)

// hostBacking: blink maps no host files into the guest on Windows, so a
// shared mapping of a tmpfs file stays a copy there.
func hostBacking() (*os.File, error) { return nil, errors.ErrUnsupported }

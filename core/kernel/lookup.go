package kernel

import "strings"

// DefaultPath is the search path a shell uses when the environment has none.
const DefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

// FindProgram resolves a command name the way execvp does, but inside the
// guest's file system, so that under -C the guest's PATH and its absolute
// symlinks (Alpine's /bin/sh -> /bin/busybox) are what count. A name with a
// slash is returned as is.
func (k *Kernel) FindProgram(name, path string) (string, bool) {
	if strings.Contains(name, "/") {
		return name, true
	}
	if name == "" {
		return "", false
	}
	if path == "" {
		path = DefaultPath
	}
	for _, dir := range strings.Split(path, ":") {
		if dir == "" {
			dir = "."
		}
		p := dir + "/" + name
		st, e := k.fs.Stat(nil, nil, p, 0)
		if e == 0 && st.Mode&0o170000 == 0o100000 && st.Mode&0o111 != 0 {
			return p, true
		}
	}
	return "", false
}

package kernel

import (
	"os"
	"strings"
	"sync"

	"github.com/blink-go/blink/core/abi"
)

// sethostname(2) and setdomainname(2). The names belong to the whole
// guest system (one UTS namespace): uname(2) and /proc/sys/kernel reports
// them. Until a guest sets it the host name is the host's, read afresh
// each time; the domain name starts as Linux's "(none)". Setting either
// needs CAP_SYS_ADMIN, which the guest has exactly when its effective uid
// is 0; the host's own names are never touched.

// utsName holds the names once a guest has set them.
type utsName struct {
	mu                 sync.Mutex
	host, domain       string // as set: up to NewUTSLen raw bytes
	hostSet, domainSet bool
}

// nodename is uname's nodename field (raw bytes, possibly with a NUL).
func (k *Kernel) nodename() string {
	k.uts.mu.Lock()
	h, set := k.uts.host, k.uts.hostSet
	k.uts.mu.Unlock()
	if set {
		return h
	}
	h, err := os.Hostname()
	if err != nil {
		h = "localhost"
	}
	return h
}

// domainname is uname's domainname field.
func (k *Kernel) domainname() string {
	k.uts.mu.Lock()
	defer k.uts.mu.Unlock()
	if k.uts.domainSet {
		return k.uts.domain
	}
	return "(none)"
}

// cString is s up to its first NUL, as /proc/sys/kernel prints a name.
func cString(s string) string {
	if i := strings.IndexByte(s, 0); i >= 0 {
		return s[:i]
	}
	return s
}

func sysSethostname(t *Task, a *Args) (uint64, abi.Errno) {
	return 0, t.setUTS(a, func(u *utsName, name string) { u.host, u.hostSet = name, true })
}

func sysSetdomainname(t *Task, a *Args) (uint64, abi.Errno) {
	return 0, t.setUTS(a, func(u *utsName, name string) { u.domain, u.domainSet = name, true })
}

// setUTS stores the checked name argument with set, under the lock.
func (t *Task) setUTS(a *Args, set func(u *utsName, name string)) abi.Errno {
	name, e := t.utsArg(a)
	if e != 0 {
		return e
	}
	u := &t.k.uts
	u.mu.Lock()
	set(u, name)
	u.mu.Unlock()
	return 0
}

// utsArg checks and reads (name, len) in Linux's order: privilege, then
// the length (an int: negative or over __NEW_UTS_LEN is EINVAL), then the
// bytes. The name is exactly len bytes, as Linux copies it.
func (t *Task) utsArg(a *Args) (string, abi.Errno) {
	p := t.proc
	p.mu.Lock()
	priv := p.creds.EUID == 0
	p.mu.Unlock()
	if !priv {
		return "", abi.EPERM
	}
	n := int32(a[1])
	if n < 0 || n > abi.NewUTSLen {
		return "", abi.EINVAL
	}
	b := make([]byte, n)
	if e := t.copyIn(a[0], b); e != 0 {
		return "", e
	}
	return string(b), 0
}

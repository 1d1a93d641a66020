//go:build !(amd64 && linux)

package difftest

import "errors"

// Native is unavailable on this host: the tests replay recorded vectors.
type Native struct{}

// NewNative always fails off linux/amd64.
func NewNative() (*Native, error) {
	return nil, errors.New("difftest: native execution needs linux/amd64")
}

// Close does nothing.
func (n *Native) Close() {}

// CodeAddr is never called on this host.
func (n *Native) CodeAddr() uint64 { return 0 }

// DataAddr is never called on this host.
func (n *Native) DataAddr() uint64 { return 0 }

// Run is never called on this host.
func (n *Native) Run(code []byte, in *State, mem []byte) (State, []byte) {
	panic("difftest: no native execution on this host")
}

func hostFeatures() features { return 0 }

const haveNative = false

package vec

import "github.com/blink-go/blink/core/x86"

// FXSaveImage fills b (512 bytes) with m's x87/SSE state in the FXSAVE64
// layout, as the kernel writes it into a signal frame. Bytes 416..463 are
// zeroed and 464..511 left untouched.
func FXSaveImage(m *x86.Machine, b []byte) {
	fxImage(m, b[:512], true)
	clear(b[416:464])
}

// FXRestoreImage loads m's x87/SSE state from a 512-byte FXSAVE64 image,
// as rt_sigreturn does. It reports false, changing nothing, when MXCSR has
// reserved bits set (FXRSTOR would raise #GP).
func FXRestoreImage(m *x86.Machine, b []byte) bool { return fxLoad(m, b[:512], true) }

package mem

import (
	"errors"
	"strings"
	"testing"
	"unsafe"
)

// TestReservationFallback forces the Linear reservation to fail, as it does
// under some qemu-user setups and address-space limits: New must still
// succeed, in Virtual mode, saying why, and the Space must work.
func TestReservationFallback(t *testing.T) {
	failed := errors.New("cannot allocate memory")
	var asked []uint64
	s, err := New(Options{Mode: Linear, reserve: func(size uint64) (unsafe.Pointer, error) {
		asked = append(asked, size)
		return nil, failed
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if why := linearUnsupported(); why != "" {
		// The host itself rules Linear out; the hook is never reached.
		if s.Mode() != Virtual || s.FallbackReason() != why {
			t.Fatalf("mode %v reason %q, want virtual %q", s.Mode(), s.FallbackReason(), why)
		}
		return
	}
	// The default first, then ever smaller reservations down to minReserve.
	if len(asked) < 2 || asked[0] != defaultReserve || asked[len(asked)-1] != minReserve {
		t.Errorf("reservations tried %#x, want %#x down to %#x", asked, uint64(defaultReserve), uint64(minReserve))
	}
	for i := 1; i < len(asked); i++ {
		if asked[i] >= asked[i-1] {
			t.Errorf("reservations tried %#x do not shrink", asked)
		}
	}
	if s.Mode() != Virtual || s.Limit() != taskSize || s.base != nil || s.end8 != 0 {
		t.Fatalf("mode %v limit %#x base %p end8 %#x after a failed reservation", s.Mode(), s.Limit(), s.base, s.end8)
	}
	if r := s.FallbackReason(); !strings.Contains(r, "host reservation failed") || !strings.Contains(r, failed.Error()) {
		t.Errorf("FallbackReason %q", r)
	}
	a := mustMap(t, s, 0x400000, 2*pageSize, RW, FX)
	s.Write64(a+pageSize-4, 0x1122334455667788)
	if v := s.Read64(a + pageSize - 4); v != 0x1122334455667788 {
		t.Errorf("read back %#x", v)
	}
	if _, ok := s.HostFault(uintptr(unsafe.Pointer(&asked[0]))); ok {
		t.Error("HostFault claimed an address without a reservation")
	}

	// A Virtual request never reserves.
	v, _ := New(Options{Mode: Virtual, reserve: func(uint64) (unsafe.Pointer, error) {
		t.Error("Virtual mode reserved host memory")
		return nil, failed
	}})
	defer v.Close()
	if v.Mode() != Virtual || v.FallbackReason() != "" {
		t.Errorf("Virtual: mode %v reason %q", v.Mode(), v.FallbackReason())
	}
}

func TestLinearUnsupportedOn(t *testing.T) {
	for _, c := range []struct {
		ptr  uintptr
		page int
		want string
	}{
		{8, 4096, ""},
		{4, 4096, "32-bit host"},
		{4, 65536, "32-bit host"},
		{8, 16384, "host page size 16384 is not 4096"},
		{8, 65536, "host page size 65536 is not 4096"},
	} {
		if got := linearUnsupportedOn(c.ptr, c.page); got != c.want {
			t.Errorf("linearUnsupportedOn(%d, %d) = %q, want %q", c.ptr, c.page, got, c.want)
		}
	}
}

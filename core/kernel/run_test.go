package kernel

import (
	"os"
	"strings"
	"testing"

	"github.com/blink-go/blink/core/abi"
	"github.com/blink-go/blink/core/klog"
)

// runCode maps code at 0x400000 and runs it to the end of the process.
func runCode(t *testing.T, cfg Config, code []byte) (status, sig int) {
	t.Helper()
	e := newEnv(t, cfg)
	if _, err := e.p.Space.Map(0x400000, 4096, abi.PROT_READ|abi.PROT_WRITE|abi.PROT_EXEC,
		abi.MAP_PRIVATE|abi.MAP_ANONYMOUS|abi.MAP_FIXED, nil, 0); err != 0 {
		t.Fatal(err)
	}
	e.m.Mem.CopyOut(0x400000, code)
	e.m.RIP = 0x400000
	e.m.R[4] = scratch + scratchSize
	return e.tk.Run()
}

func TestRunExitGroup(t *testing.T) {
	// mov eax, 231; mov edi, 42; syscall
	status, sig := runCode(t, Config{}, []byte{0xb8, 0xe7, 0, 0, 0, 0xbf, 42, 0, 0, 0, 0x0f, 0x05})
	if status != 42 || sig != 0 {
		t.Fatalf("status %d sig %d", status, sig)
	}
}

func TestRunCrashReport(t *testing.T) {
	dir := t.TempDir()
	log := klog.New(dir+"/log", false)
	// ud2
	status, sig := runCode(t, Config{Log: log}, []byte{0x0f, 0x0b})
	if sig != abi.SIGILL || status != 0 {
		t.Fatalf("status %d sig %d, want SIGILL", status, sig)
	}
	log.Close()
	b, _ := os.ReadFile(dir + "/log")
	for _, want := range []string{"terminated by SIGILL", "rip 0x400000", "code 0f0b", "rax "} {
		if !strings.Contains(string(b), want) {
			t.Errorf("crash report lacks %q:\n%s", want, b)
		}
	}
}

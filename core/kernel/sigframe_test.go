package kernel

import (
	"testing"

	"github.com/blink-go/blink/core/abi"
	"github.com/blink-go/blink/core/x86"
)

// Offsets from Linux's headers (asm/sigframe.h, asm-generic/ucontext.h,
// asm/sigcontext.h, and glibc's sys/ucontext.h gregs indices REG_R8=0 ...
// REG_CR2=22), written out independently of sigframe.go's constants.
var ucontextOffsets = map[string]int{
	"uc_flags": 0, "uc_link": 8, "uc_stack.ss_sp": 16, "uc_stack.ss_flags": 24,
	"uc_stack.ss_size": 32, "uc_mcontext": 40, "fpregs": 40 + 23*8, "uc_sigmask": 296,
}

var gregNames = []string{"r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15", "rdi", "rsi",
	"rbp", "rbx", "rdx", "rax", "rcx", "rsp", "rip", "eflags", "csgsfs", "err", "trapno", "oldmask", "cr2"}

func TestSigframeLayout(t *testing.T) {
	e := newEnv(t, Config{})
	const handler, restorer = 0x400100, 0x400200
	act := make([]byte, 32)
	le64(act[0:], handler)
	le64(act[8:], abi.SA_SIGINFO|abi.SA_RESTORER)
	le64(act[16:], restorer)
	le64(act[24:], sigBit(abi.SIGUSR2))
	e.m.Mem.CopyOut(scratch, act)
	e.ok(abi.SYS_RT_SIGACTION, abi.SIGUSR1, scratch, 0, 8)
	// Block SIGHUP so the saved mask is recognisable.
	e.m.Mem.CopyOut(scratch, []byte{1, 0, 0, 0, 0, 0, 0, 0})
	e.ok(abi.SYS_RT_SIGPROCMASK, abi.SIG_SETMASK, scratch, 0, 8)

	m := e.m
	for i := range m.R {
		m.R[i] = 0x1111_0000 + uint64(i)
	}
	sp := uint64(scratch + scratchSize - 0x1003) // deliberately misaligned
	m.R[x86.RSP] = sp
	m.RIP = 0x401234
	m.SetFlags(x86.FlagCF | x86.FlagDF | x86.FlagIF)
	m.MXCSR = 0x1f80 | 0x8000
	m.XMM[0] = x86.XMM{0x0123456789abcdef, 0xfedcba9876543210}
	saved := *m

	e.tk.sendSignal(abi.SIGUSR1)
	e.tk.deliverPending()

	frame := m.R[x86.RSP]
	if (frame+8)%16 != 0 {
		t.Errorf("RSP+8 = %#x is not 16-byte aligned", frame+8)
	}
	if frame+frameSize+fxsaveSize > sp-redZone {
		t.Errorf("frame %#x overlaps the red zone below %#x", frame, sp)
	}
	if m.RIP != handler || m.R[x86.RDI] != abi.SIGUSR1 || m.R[x86.RAX] != 0 {
		t.Errorf("entry rip %#x rdi %d rax %d", m.RIP, m.R[x86.RDI], m.R[x86.RAX])
	}
	if m.R[x86.RSI] != frame+312 || m.R[x86.RDX] != frame+8 {
		t.Errorf("rsi %#x rdx %#x, frame %#x", m.R[x86.RSI], m.R[x86.RDX], frame)
	}
	if m.GetFlags()&x86.FlagDF != 0 {
		t.Error("DF not cleared for the handler")
	}
	if m.MXCSR != 0x1f80 || m.XMM[0] != (x86.XMM{}) {
		t.Error("handler does not start with a fresh FPU")
	}
	if want := uint64(1) | sigBit(abi.SIGUSR1) | sigBit(abi.SIGUSR2); e.tk.sigmask != want {
		t.Errorf("handler mask %#x, want %#x", e.tk.sigmask, want)
	}

	b := e.mem(frame, frameSize)
	if rd64(b[0:]) != restorer {
		t.Errorf("pretcode %#x", rd64(b[0:]))
	}
	uc := b[8:]
	if got := rd64(uc[ucontextOffsets["uc_flags"]:]); got != 6 {
		t.Errorf("uc_flags %#x, want UC_SIGCONTEXT_SS|UC_STRICT_RESTORE_SS", got)
	}
	// Linux stores sigaltstack's flags as given; never set is 0.
	if got := rd32(uc[ucontextOffsets["uc_stack.ss_flags"]:]); got != 0 {
		t.Errorf("uc_stack.ss_flags %d", got)
	}
	gregs := uc[ucontextOffsets["uc_mcontext"]:]
	want := map[string]uint64{
		"r8": saved.R[x86.R8], "r9": saved.R[x86.R9], "r10": saved.R[x86.R10], "r11": saved.R[x86.R11],
		"r12": saved.R[x86.R12], "r13": saved.R[x86.R13], "r14": saved.R[x86.R14], "r15": saved.R[x86.R15],
		"rdi": saved.R[x86.RDI], "rsi": saved.R[x86.RSI], "rbp": saved.R[x86.RBP], "rbx": saved.R[x86.RBX],
		"rdx": saved.R[x86.RDX], "rax": saved.R[x86.RAX], "rcx": saved.R[x86.RCX], "rsp": sp,
		"rip": 0x401234, "eflags": saved.GetFlags(), "csgsfs": 0x002b_0000_0000_0033,
		"oldmask": 1,
	}
	for i, name := range gregNames {
		w, ok := want[name]
		if !ok {
			continue
		}
		if got := rd64(gregs[8*i:]); got != w {
			t.Errorf("gregs[%d] (%s) = %#x, want %#x", i, name, got, w)
		}
	}
	fp := rd64(uc[ucontextOffsets["fpregs"]:])
	if fp%64 != 0 || fp < frame+frameSize || fp+fxsaveSize > sp-redZone {
		t.Errorf("fpstate %#x misplaced (frame %#x, sp %#x)", fp, frame, sp)
	}
	fx := e.mem(fp, fxsaveSize)
	if rd32(fx[24:]) != saved.MXCSR || rd64(fx[160:]) != saved.XMM[0][0] || rd64(fx[168:]) != saved.XMM[0][1] {
		t.Errorf("fpstate image: mxcsr %#x xmm0 %x", rd32(fx[24:]), fx[160:176])
	}
	if got := rd64(uc[ucontextOffsets["uc_sigmask"]:]); got != 1 {
		t.Errorf("uc_sigmask %#x", got)
	}
	info := b[312:]
	if rd32(info[0:]) != abi.SIGUSR1 || int32(rd32(info[8:])) != abi.SI_KERNEL {
		t.Errorf("siginfo signo %d code %d", rd32(info[0:]), int32(rd32(info[8:])))
	}

	// The handler changes RBX and EFLAGS (IF must not be settable), then
	// returns through the restorer: RSP is just past pretcode.
	le64(gregs[8*11:], 0xbbbb)
	le64(gregs[8*17:], x86.FlagZF|x86.FlagOF)
	e.m.Mem.CopyOut(frame, b)
	m.R[x86.RSP] = frame + 8
	m.MXCSR = 0x1f80
	m.R[x86.RAX] = abi.SYS_RT_SIGRETURN
	m.R[x86.RCX], m.R[x86.R11] = 0, 0
	e.tk.Syscall(m)
	for i, r := range m.R {
		w := saved.R[i]
		switch i {
		case x86.RBX:
			w = 0xbbbb
		case x86.RSP:
			w = sp
		}
		if r != w {
			t.Errorf("after sigreturn R[%d] = %#x, want %#x", i, r, w)
		}
	}
	if m.RIP != 0x401234 {
		t.Errorf("after sigreturn rip %#x", m.RIP)
	}
	if got := m.GetFlags(); got != x86.FlagZF|x86.FlagOF|x86.FlagIF|2 {
		t.Errorf("after sigreturn flags %#x", got)
	}
	if m.MXCSR != saved.MXCSR || m.XMM[0] != saved.XMM[0] {
		t.Error("fpstate not restored")
	}
	if e.tk.sigmask != 1 {
		t.Errorf("mask after sigreturn %#x", e.tk.sigmask)
	}
}

func TestSigframeAltstackAndFailure(t *testing.T) {
	e := newEnv(t, Config{})
	alt := uint64(scratch + 0x8000)
	ss := make([]byte, 24)
	le64(ss, alt)
	le64(ss[16:], 0x4000)
	e.m.Mem.CopyOut(scratch, ss)
	e.m.R[x86.RSP] = scratch + 0x1000
	e.ok(abi.SYS_SIGALTSTACK, scratch, 0)
	act := make([]byte, 32)
	le64(act[0:], 0x400100)
	le64(act[8:], abi.SA_ONSTACK|abi.SA_RESTORER)
	le64(act[16:], 0x400200)
	e.m.Mem.CopyOut(scratch, act)
	e.ok(abi.SYS_RT_SIGACTION, abi.SIGUSR1, scratch, 0, 8)
	e.tk.sendSignal(abi.SIGUSR1)
	e.tk.deliverPending()
	if sp := e.m.R[x86.RSP]; sp <= alt || sp >= alt+0x4000 {
		t.Fatalf("handler stack %#x not on the alternate stack", sp)
	}
	uc := e.mem(e.m.R[x86.RSP]+8, 40)
	if rd64(uc[16:]) != alt || rd64(uc[32:]) != 0x4000 {
		t.Errorf("uc_stack %x", uc[16:40])
	}
	// Without SA_RESTORER the frame cannot be built: SIGSEGV kills.
	le64(act[8:], 0)
	e.m.Mem.CopyOut(scratch, act)
	e.ok(abi.SYS_RT_SIGACTION, abi.SIGUSR2, scratch, 0, 8)
	e.tk.sendSignal(abi.SIGUSR2)
	e.tk.deliverPending()
	if !e.p.exited || e.p.killedBy != abi.SIGSEGV {
		t.Errorf("no restorer: exited=%v killedBy=%d", e.p.exited, e.p.killedBy)
	}
}

package kernel

import (
	"github.com/blink-go/blink/core/abi"
	"github.com/blink-go/blink/core/vec"
	"github.com/blink-go/blink/core/x86"
)

// The x86-64 signal frame, byte for byte as Linux builds it
// (arch/x86/kernel/signal_64.c, struct rt_sigframe in asm/sigframe.h):
//
//	frame+0    pretcode            sa_restorer; the handler's return address
//	frame+8    struct ucontext     uc_flags, uc_link, uc_stack, uc_mcontext
//	                               (struct sigcontext), uc_sigmask
//	frame+312  siginfo_t           128 bytes
//	...        padding
//	fpstate    512-byte FXSAVE64 image, 64-byte aligned, above the frame
//
// Placement (get_sigframe): skip the 128-byte red zone below RSP, switch
// to the alternate stack for SA_ONSTACK handlers when not already on it,
// put the FXSAVE image at the next 64-byte boundary down, then the frame so
// that RSP+8 is 16-byte aligned at handler entry, as after a CALL.
//
// blink reports no XSAVE in CPUID, so the image is plain FXSAVE: uc_flags
// has no UC_FP_XSTATE and the software-reserved bytes carry no
// FP_XSTATE_MAGIC1, which tells every reader there is no extended state.
const (
	redZone = 128

	frameSize     = 440 // sizeof(struct rt_sigframe)
	frameUC       = 8   // offsetof(rt_sigframe, uc)
	frameInfo     = 312 // offsetof(rt_sigframe, info)
	ucFlags       = 0   // offsets within struct ucontext
	ucLink        = 8
	ucStack       = 16
	ucMcontext    = 40
	ucSigmask     = 296
	ucontextSize  = 304
	sigcontextLen = 256

	// struct sigcontext (asm/sigcontext.h), offsets within uc_mcontext.
	scR8      = 0
	scRDI     = 64
	scRSI     = 72
	scRBP     = 80
	scRBX     = 88
	scRDX     = 96
	scRAX     = 104
	scRCX     = 112
	scRSP     = 120
	scRIP     = 128
	scEflags  = 136
	scCS      = 144
	scGS      = 146
	scFS      = 148
	scSS      = 150
	scErr     = 152
	scTrapno  = 160
	scOldmask = 168
	scCR2     = 176
	scFpstate = 184

	fxsaveSize  = 512
	fxsaveAlign = 64

	ucSigcontextSS      = 0x2 // UC_SIGCONTEXT_SS
	ucStrictRestoreSS   = 0x4 // UC_STRICT_RESTORE_SS
	userCS              = 0x33
	userDS              = 0x2b
	fixEflags           = x86.FlagAC | x86.FlagOF | x86.FlagDF | x86.FlagTF | x86.FlagSF | x86.FlagZF | x86.FlagAF | x86.FlagPF | x86.FlagCF
	flagRF              = 1 << 16
	syscallInstLen      = 2 // SYSCALL is 0F 05; restarts back up over it
	ssFlagBits          = abi.SS_AUTODISARM
	sigcontextRegsCount = 16
)

// scRegs lists the machine registers in sigcontext order (r8..r15, rdi,
// rsi, rbp, rbx, rdx, rax, rcx, rsp).
var scRegs = [sigcontextRegsCount]int{
	x86.R8, x86.R9, x86.R10, x86.R11, x86.R12, x86.R13, x86.R14, x86.R15,
	x86.RDI, x86.RSI, x86.RBP, x86.RBX, x86.RDX, x86.RAX, x86.RCX, x86.RSP,
}

// onSigStack is Linux's on_sig_stack: sp lies within the alternate stack
// (an SS_AUTODISARM stack never counts, since it is disarmed while used).
func (t *Task) onSigStack(sp uint64) bool {
	if uint32(t.altstack[1])&abi.SS_AUTODISARM != 0 {
		return false
	}
	return t.altstack[2] != 0 && sp > t.altstack[0] && sp-t.altstack[0] <= t.altstack[2]
}

// sasFlags is Linux's sas_ss_flags.
func (t *Task) sasFlags(sp uint64) uint32 {
	if t.altstack[2] == 0 {
		return abi.SS_DISABLE
	}
	if t.onSigStack(sp) {
		return abi.SS_ONSTACK
	}
	return 0
}

// setupFrame builds the rt_sigframe for sig and points the machine at the
// handler. It reports false when the frame cannot be written.
func (t *Task) setupFrame(sig int, si *Siginfo, act *SigAction) bool {
	// x86-64 always uses SA_RESTORER; without it there is no return
	// address, and Linux fails the delivery.
	if act.Flags&abi.SA_RESTORER == 0 {
		return false
	}
	m := t.m
	origSP := m.R[x86.RSP]
	sp := origSP - redZone
	entering := false
	nested := t.onSigStack(origSP)
	if act.Flags&abi.SA_ONSTACK != 0 && t.sasFlags(sp) == 0 {
		sp = t.altstack[0] + t.altstack[2]
		entering = true
	}
	fp := (sp - fxsaveSize) &^ (fxsaveAlign - 1)
	frame := (fp-frameSize)&^15 - 8
	// An overflowing alternate stack is not silently left for whatever
	// lies below it.
	if (nested || entering) && !(frame > t.altstack[0] && frame-t.altstack[0] <= t.altstack[2]) {
		return false
	}
	oldmask := t.sigmask
	if t.haveSaved {
		oldmask = t.savedMask
	}

	var fx [fxsaveSize]byte
	vec.FXSaveImage(m, fx[:])
	if e := t.copyOut(fp, fx[:]); e != 0 {
		return false
	}
	var b [frameSize]byte
	le64(b[0:], act.Restorer)
	uc := b[frameUC : frameUC+ucontextSize]
	le64(uc[ucFlags:], ucSigcontextSS|ucStrictRestoreSS)
	le64(uc[ucLink:], 0)
	le64(uc[ucStack:], t.altstack[0])
	le32(uc[ucStack+8:], uint32(t.altstack[1]))
	le64(uc[ucStack+16:], t.altstack[2])
	sc := uc[ucMcontext : ucMcontext+sigcontextLen]
	for i, r := range scRegs {
		le64(sc[scR8+8*i:], m.R[r])
	}
	le64(sc[scRIP:], m.RIP)
	le64(sc[scEflags:], m.GetFlags())
	le16(sc[scCS:], userCS)
	le16(sc[scSS:], userDS)
	le64(sc[scErr:], si.Err)
	le64(sc[scTrapno:], si.Trapno)
	le64(sc[scOldmask:], oldmask)
	le64(sc[scCR2:], si.Cr2)
	le64(sc[scFpstate:], fp)
	le64(uc[ucSigmask:], oldmask)
	si.marshal(b[frameInfo:])
	if e := t.copyOut(frame, b[:]); e != 0 {
		return false
	}

	// Handler entry: arguments (sig, &info, &uc), RAX 0 for handlers
	// declared without prototypes, direction and trap flags clear, and a
	// fresh FPU as Linux's fpu__clear_user_states leaves it.
	m.R[x86.RDI] = uint64(sig)
	m.R[x86.RSI] = frame + frameInfo
	m.R[x86.RDX] = frame + frameUC
	m.R[x86.RAX] = 0
	m.R[x86.RSP] = frame
	m.RIP = act.Handler
	m.SetFlags(m.GetFlags() &^ (x86.FlagDF | x86.FlagTF | flagRF))
	resetFPU(m)

	t.haveSaved = false
	if uint32(t.altstack[1])&abi.SS_AUTODISARM != 0 {
		t.altstack = [3]uint64{0, abi.SS_DISABLE, 0}
	}
	mask := oldmask | act.Mask
	if act.Flags&abi.SA_NODEFER == 0 {
		mask |= sigBit(sig)
	}
	t.setMask(mask)
	return true
}

// resetFPU puts the x87 and SSE state in its initial (FNINIT, default
// MXCSR, zeroed registers) form.
func resetFPU(m *x86.Machine) {
	m.FPU = x86.FPU{CW: 0x037F, Tag: 0xFFFF}
	m.MXCSR = 0x1F80
	m.XMM = [16]x86.XMM{}
}

// sysRtSigreturn undoes setupFrame from the frame the handler returned
// over (RSP points just past pretcode). A frame that cannot be read or
// holds an invalid FPU image is a SIGSEGV, as in Linux's badframe path.
func sysRtSigreturn(t *Task, a *Args) (uint64, abi.Errno) {
	m := t.m
	frame := m.R[x86.RSP] - 8
	var b [frameSize]byte
	if e := t.copyIn(frame, b[:frameInfo]); e != 0 {
		return t.badFrame()
	}
	uc := b[frameUC : frameUC+ucontextSize]
	sc := uc[ucMcontext : ucMcontext+sigcontextLen]
	fp := rd64(sc[scFpstate:])
	var fx [fxsaveSize]byte
	if fp != 0 {
		if fp&15 != 0 {
			return t.badFrame()
		}
		if e := t.copyIn(fp, fx[:]); e != 0 {
			return t.badFrame()
		}
	}
	// Nothing can fail from here on: commit.
	saved := *m
	if fp != 0 {
		if !vec.FXRestoreImage(m, fx[:]) {
			*m = saved
			return t.badFrame()
		}
	} else {
		resetFPU(m)
	}
	t.setMask(rd64(uc[ucSigmask:]))
	for i, r := range scRegs {
		m.R[r] = rd64(sc[scR8+8*i:])
	}
	m.RIP = rd64(sc[scRIP:])
	fl := rd64(sc[scEflags:])
	m.SetFlags(m.GetFlags()&^fixEflags | fl&fixEflags)
	// Errors other than EFAULT from restoring the alternate stack are
	// ignored, as Linux's restore_altstack squashes them.
	ss := [3]uint64{rd64(uc[ucStack:]), uint64(rd32(uc[ucStack+8:])), rd64(uc[ucStack+16:])}
	t.setAltstack(ss[0], uint32(ss[1]), ss[2])
	// The syscall's return value is the restored RAX.
	return m.R[x86.RAX], 0
}

// badFrame kills the task with SIGSEGV, as signal_fault does.
func (t *Task) badFrame() (uint64, abi.Errno) {
	t.force(&Siginfo{Signo: abi.SIGSEGV, Code: abi.SI_KERNEL})
	return t.m.R[x86.RAX], 0
}

// setAltstack is do_sigaltstack's update half.
func (t *Task) setAltstack(sp uint64, flags uint32, size uint64) abi.Errno {
	mode := flags &^ ssFlagBits
	if mode != abi.SS_DISABLE && mode != abi.SS_ONSTACK && mode != 0 {
		return abi.EINVAL
	}
	if t.onSigStack(t.m.R[x86.RSP]) {
		return abi.EPERM
	}
	if mode == abi.SS_DISABLE {
		sp, size = 0, 0
	} else if size < abi.MINSIGSTKSZ {
		return abi.ENOMEM
	}
	t.altstack = [3]uint64{sp, uint64(flags), size}
	return 0
}

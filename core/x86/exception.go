package x86

// Exception vectors a user-mode program can cause.
const (
	ExDE = 0  // divide error -> SIGFPE
	ExDB = 1  // debug (single step) -> SIGTRAP
	ExBP = 3  // INT3 -> SIGTRAP
	ExOF = 4  // INTO
	ExUD = 6  // invalid opcode -> SIGILL
	ExNM = 7  // device not available
	ExGP = 13 // general protection (HLT, privileged ops, INT n) -> SIGSEGV
	ExPF = 14 // page fault (reported through *mem.Fault instead)
	ExMF = 16 // x87 floating-point error -> SIGFPE
	ExAC = 17 // alignment check -> SIGBUS
	ExXM = 19 // SIMD floating-point -> SIGFPE
)

// Exception is raised (by panic) when an instruction cannot complete.
type Exception struct {
	Vector uint8
	// Code is an si_code hint (for example FPE_FLTDIV for #XM); 0 for the default.
	Code int32
	// Addr is the fault address where one applies (SIGBUS alignment, MOVDQA).
	Addr uint64
}

func (e *Exception) Error() string { return "x86 exception " + vectorNames[e.Vector&31] }

var vectorNames = [32]string{
	ExDE: "#DE", ExDB: "#DB", 2: "NMI", ExBP: "#BP", ExOF: "#OF", 5: "#BR", ExUD: "#UD", ExNM: "#NM",
	8: "#DF", 9: "CSO", 10: "#TS", 11: "#NP", 12: "#SS", ExGP: "#GP", ExPF: "#PF", 15: "#15",
	ExMF: "#MF", ExAC: "#AC", 18: "#MC", ExXM: "#XM",
}

// Raise aborts the current instruction with exception vector v.
func Raise(v uint8) { panic(&Exception{Vector: v}) }

// RaiseCode aborts the current instruction with an si_code hint.
func RaiseCode(v uint8, code int32) { panic(&Exception{Vector: v, Code: code}) }

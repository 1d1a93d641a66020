package loader

import (
	"crypto/rand"
	"errors"
	"io"
	"io/fs"
	"strings"

	"github.com/blink-go/blink/core/abi"
	"github.com/blink-go/blink/core/mem"
)

// File is an executable as the loader reads it. It is also handed to
// Space.Map for file-backed segments, so it must stay readable for as long
// as the mappings live.
type File interface {
	io.ReaderAt
	Size() int64
}

// Space is the part of *mem.Space the loader uses. It is an interface only
// so the loader can be tested against a reference model as well as the real
// engine; exec runs once per process, never per instruction.
type Space interface {
	Map(addr, length uint64, prot, flags int, f mem.File, off int64) (uint64, abi.Errno)
	Unmap(addr, length uint64) abi.Errno
	CopyOut(addr uint64, src []byte) abi.Errno
	SetBrk(start uint64)
	SetMmapBase(a uint64)
	Limit() uint64
}

var (
	_ Space    = (*mem.Space)(nil)
	_ mem.File = File(nil)
)

// Params describes one execve.
type Params struct {
	Space Space
	// Open opens an executable, script interpreter or ELF interpreter by
	// the path the guest wrote. It performs the kernel's permission checks
	// (regular file, execute bit) and reports failures as an abi.Errno
	// (fs.ErrNotExist and fs.ErrPermission are also understood).
	Open func(path string) (File, error)
	// Path is the file as given to execve: it becomes AT_EXECFN and the
	// script argument of #! interpreters.
	Path       string
	Argv, Envp []string

	HWCap, HWCap2 uint64
	// Platform is the AT_PLATFORM string; "" means "x86_64".
	Platform             string
	UID, EUID, GID, EGID uint32
	Secure               bool
	// Random supplies the 16 AT_RANDOM bytes; nil means crypto/rand.
	Random io.Reader
	// MaxArgBytes bounds the argument and environment strings plus their
	// pointers, as Linux derives it from RLIMIT_STACK (a quarter of it,
	// at least 128 KiB, at most 6 MiB); 0 means the 8 MiB default's 2 MiB.
	MaxArgBytes uint64
	// MinSigStkSz is AT_MINSIGSTKSZ; 0 means 2048.
	MinSigStkSz uint64
	// SysinfoEhdr is AT_SYSINFO_EHDR (the vDSO); 0 omits the entry.
	SysinfoEhdr uint64
	// RSeqFeatureSize and RSeqAlign are AT_RSEQ_FEATURE_SIZE and
	// AT_RSEQ_ALIGN; both 0 omits them (glibc then assumes the original
	// 32-byte struct rseq).
	RSeqFeatureSize, RSeqAlign uint64
}

// Kind is the format of the image that was finally mapped.
type Kind uint8

const (
	KindELF       Kind = iota // ET_EXEC without PT_INTERP
	KindStaticPIE             // ET_DYN without PT_INTERP
	KindDynamic               // ELF with PT_INTERP
	KindFlat                  // raw code at 0x400000
	KindAPE                   // Actually Portable Executable
)

var kindNames = [...]string{"ELF", "static-PIE", "dynamic", "flat", "APE"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "unknown"
}

// Image is the result of a successful Load: the initial register state
// plus what the kernel keeps in mm_struct.
type Image struct {
	Entry uint64 // initial RIP: the interpreter's entry if there is one
	SP    uint64 // initial RSP, pointing at argc, 16-byte aligned
	Base  uint64 // AT_BASE: interpreter load address, 0 if none
	Phdr  uint64 // AT_PHDR
	Brk   uint64 // start of the heap (already passed to Space.SetBrk)

	Kind      Kind
	Scripts   int    // number of #! rewrites before the binary
	Interp    string // PT_INTERP, "" if none
	ExecPath  string // the file finally mapped (/proc/self/exe)
	ExecStack bool   // PT_GNU_STACK asked for an executable stack

	// StackTop is the end of the [stack] mapping.
	StackTop uint64
	// Argument and environment string areas (mm->arg_start...), for
	// /proc/pid/cmdline and /proc/pid/environ.
	ArgStart, ArgEnd, EnvStart, EnvEnd uint64
	// Auxv holds the key/value pairs written to the stack, AT_NULL
	// included (mm->saved_auxv, /proc/pid/auxv).
	Auxv []uint64
	// Argv is the final argument vector (after #! rewriting).
	Argv []string
}

// Error is the only error type Load returns.
type Error struct {
	Errno abi.Errno
	Msg   string // one line, starting with the file it is about
}

func (e *Error) Error() string { return e.Msg }

// Unwrap lets errors.Is(err, abi.ENOEXEC) work.
func (e *Error) Unwrap() error { return e.Errno }

func errorf(errno abi.Errno, path string, msg ...string) *Error {
	return &Error{Errno: errno, Msg: path + ": " + strings.Join(msg, "")}
}

// eLIBBAD is ELIBBAD, what Linux returns for an unusable ELF interpreter.
// core/abi does not define it yet.
const eLIBBAD abi.Errno = 80

// Linux limits.
const (
	pageSize = 4096

	// binprmBufSize is BINPRM_BUF_SIZE: how much of a file the kernel
	// reads before choosing a format, and so the longest #! line.
	binprmBufSize = 256
	// maxRewrites: exec_binprm allows this many #! (binfmt) rewrites;
	// one more is ELOOP.
	maxRewrites = 5
	// maxArgStrlen is MAX_ARG_STRLEN (32 pages): the longest single
	// argument or environment string, NUL included.
	maxArgStrlen = 32 * pageSize
	// defaultArgMax is what bprm_stack_limits allows with the default
	// 8 MiB RLIMIT_STACK: a quarter of it.
	defaultArgMax = 8 << 20 / 4

	// stackSize is the default RLIMIT_STACK; the loader reserves all of it.
	stackSize = 8 << 20
	// mmapGap is the minimum hole Linux leaves between the stack top and
	// mmap_base (mmap_base()'s gap_min), which covers an 8 MiB stack plus
	// the guard gap.
	mmapGap = 128 << 20
)

const (
	mapPrivate   = abi.MAP_PRIVATE
	mapFixed     = abi.MAP_FIXED
	mapAnonymous = abi.MAP_ANONYMOUS
	mapGrowsdown = abi.MAP_GROWSDOWN
	protRW       = mem.ProtRead | mem.ProtWrite
	protRWX      = protRW | mem.ProtExec
)

// Load fills a fresh Space with the program p.Path, its interpreter and
// the initial stack, as Linux's execve does once the new mm exists.
func Load(p Params) (*Image, error) {
	if p.Space == nil || p.Open == nil {
		return nil, &Error{Errno: abi.EINVAL, Msg: "loader: Params.Space and Params.Open are required"}
	}
	l := loader{p: p}
	img, err := l.load()
	if err != nil {
		return nil, err
	}
	return img, nil
}

type loader struct {
	p         Params
	args      argList
	img       Image
	limit     uint64 // Space.Limit(): TASK_SIZE for the guest
	phnum     int    // AT_PHNUM
	progEntry uint64 // AT_ENTRY: the program's entry, not the interpreter's
}

var randReader io.Reader = rand.Reader

func (l *loader) load() (*Image, *Error) {
	p := &l.p
	path := p.Path
	f, err := l.open(path)
	if err != nil {
		return nil, err
	}
	// Linux copies the strings before it looks at the file's format, so
	// E2BIG wins over ENOEXEC.
	if err := l.args.init(p); err != nil {
		return nil, err
	}
	l.limit = p.Space.Limit() &^ (pageSize - 1)
	if l.limit < 2*stackSize {
		return nil, errorf(abi.ENOMEM, path, "address space too small")
	}
	// Non-fixed placements (the interpreter, copied program headers)
	// search down from mmap_base, a fixed gap under the stack top
	// (mmap_base() with randomization off).
	mmapBase := l.limit - stackSize
	if l.limit > 2*mmapGap {
		mmapBase = l.limit - mmapGap
	}
	p.Space.SetMmapBase(mmapBase)
	for depth := 0; ; depth++ {
		var hdr [binprmBufSize]byte
		n, rerr := f.ReadAt(hdr[:], 0)
		if n < len(hdr) && rerr != nil && rerr != io.EOF {
			return nil, errorf(abi.EIO, path, "reading header: ", rerr.Error())
		}
		buf := hdr[:n]
		if isFlatName(path) {
			l.img.ExecPath = path
			if err := l.loadFlat(f, path); err != nil {
				return nil, err
			}
			break
		}
		if len(buf) >= 2 && buf[0] == '#' && buf[1] == '!' {
			if depth >= maxRewrites {
				return nil, errorf(abi.ELOOP, p.Path, "too many levels of #! interpreters")
			}
			interp, arg, serr := parseShebang(hdr[:])
			if serr != "" {
				return nil, errorf(abi.ENOEXEC, path, serr)
			}
			if err := l.args.script(interp, arg, path); err != nil {
				return nil, err
			}
			l.img.Scripts++
			path = interp
			if f, err = l.open(path); err != nil {
				return nil, err
			}
			continue
		}
		l.img.ExecPath = path
		if len(buf) >= 4 && string(buf[:4]) == abi.ELFMAG {
			if err := l.loadMain(f, path, nil); err != nil {
				return nil, err
			}
			break
		}
		if isAPE(buf) {
			ehdr, aerr := apeHeader(f, path)
			if aerr != nil {
				return nil, aerr
			}
			if err := l.loadMain(f, path, ehdr); err != nil {
				return nil, err
			}
			l.img.Kind = KindAPE
			break
		}
		return nil, errorf(abi.ENOEXEC, path, "not an executable: ", describe(buf, f.Size()))
	}
	if err := l.buildStack(); err != nil {
		return nil, err
	}
	img := l.img
	img.Argv = l.args.argv
	return &img, nil
}

// open resolves a path through Params.Open, turning its error into an
// errno the guest can see.
func (l *loader) open(path string) (File, *Error) {
	f, err := l.p.Open(path)
	if err == nil {
		if f == nil {
			return nil, errorf(abi.ENOENT, path, "open returned no file")
		}
		return f, nil
	}
	var le *Error
	if errors.As(err, &le) {
		return nil, le
	}
	var errno abi.Errno
	switch {
	case errors.As(err, &errno):
		if err == error(errno) {
			return nil, errorf(errno, path, errno.Strerror())
		}
	case errors.Is(err, fs.ErrNotExist):
		errno = abi.ENOENT
	case errors.Is(err, fs.ErrPermission):
		errno = abi.EACCES
	default:
		errno = abi.EIO
	}
	return nil, errorf(errno, path, err.Error())
}

func isFlatName(path string) bool {
	return strings.HasSuffix(path, ".bin") || strings.HasSuffix(path, ".img") ||
		strings.HasSuffix(path, ".raw")
}

// describe names what a rejected file looks like, for the ENOEXEC message.
func describe(buf []byte, size int64) string {
	switch {
	case size == 0:
		return "empty file"
	case len(buf) >= 2 && buf[0] == 'M' && buf[1] == 'Z':
		return "DOS/Windows MZ executable"
	case len(buf) >= 4 && (string(buf[:4]) == "\xcf\xfa\xed\xfe" || string(buf[:4]) == "\xca\xfe\xba\xbe"):
		return "Mach-O executable"
	case len(buf) >= 4 && string(buf[:4]) == "\x00asm":
		return "WebAssembly module"
	}
	return "unknown format"
}

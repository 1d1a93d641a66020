package kernel

import (
	"errors"
	"fmt"
	"os"
	"path"

	"github.com/blink-go/blink/core/abi"
	"github.com/blink-go/blink/core/mem"
	"github.com/blink-go/blink/core/vm"
	"github.com/blink-go/blink/core/x86"
)

// Image is where a loaded program starts.
type Image struct {
	Entry uint64 // initial RIP
	SP    uint64 // initial RSP (argc, argv, envp, auxv already written)
	Brk   uint64 // program break start
	// Exec is the file finally mapped (a script's interpreter, not the
	// script), as the loader opened it; /proc/PID/exe names it.
	Exec string
}

// LoadParams is what a LoadFunc gets to map a program.
type LoadParams struct {
	Space *mem.Space
	// Open opens a file (the program or its interpreter) through the
	// kernel's FS, relative to the process's cwd.
	Open func(path string) (mem.File, error)
	Path string
	Argv []string
	Envp []string
	UID  uint32
	// MaxArgBytes bounds argv+envp as Linux derives it from RLIMIT_STACK;
	// 0 means the default.
	MaxArgBytes uint64
}

// LoadFunc maps a program into a fresh address space (package loader's
// Load, adapted by the caller; the kernel does not import the loader so
// that the loader may use kernel types later without a cycle).
// A failure should carry an abi.Errno (errors.As) for the exit message.
type LoadFunc func(p LoadParams) (Image, error)

// ExecError is returned by Exec when the program could not be started.
type ExecError struct {
	Errno abi.Errno
	Msg   string
}

func (e *ExecError) Error() string { return e.Msg }

// NewProcess creates a process with an empty address space and one task
// whose machine has not started yet. Exec uses it; tests use it directly.
func (k *Kernel) NewProcess(exe string) (*Process, *Task, error) {
	space, err := mem.New(mem.Options{Mode: k.cfg.MemMode})
	if err != nil {
		return nil, nil, err
	}
	p := &Process{
		k:       k,
		pid:     k.allocPID(),
		Space:   space,
		Engine:  vm.New(space, vm.Options{DecodeCache: k.cfg.DecodeCache}),
		umask:   initialUmask(),
		rlimits: defaultRlimits(),
		exe:     exe,
	}
	p.ppid, p.pgid, p.sid = hostProcessIDs(p.pid)
	p.born(nil)
	p.creds = k.firstCredentials()
	p.fds.limit = p.nofile
	for fd, f := range k.cfg.Stdio {
		if f == nil {
			f = k.hostStdio(p, fd) // tty_*.go: a terminal becomes the ctty
		}
		flags := abi.O_RDWR
		if fd == 0 {
			flags = abi.O_RDONLY
		} else if fd <= 2 {
			flags = abi.O_WRONLY
		}
		flags |= hostStatusFlags(f)
		p.fds.install(fd, newDescription(f, flags), false)
	}
	wd, err := os.Getwd()
	if err != nil || k.cfg.Root != "" {
		wd = "/" // in a -C root the host's directory means nothing
	}
	cwd, e := k.fs.Open(p.fsCtx(), nil, wd, abi.O_RDONLY|abi.O_DIRECTORY|openPathFlag, 0)
	if e != 0 {
		return nil, nil, fmt.Errorf("cannot open working directory %s: %v", wd, e)
	}
	p.cwd = cwd
	t := newTask(k, p, p.pid)
	t.m = x86.NewMachine(space, t, &k.xcfg)
	p.tasks = []*Task{t}
	p.live = 1
	p.exitSignal = abi.SIGCHLD
	p.hostParented, p.hostSession = true, true
	k.mu.Lock()
	k.procs[p.pid] = p
	p.running = true
	k.mu.Unlock()
	return p, t, nil
}

func stdioName(fd int) string {
	return [...]string{"/dev/stdin", "/dev/stdout", "/dev/stderr"}[fd]
}

// Exec starts the program at progPath as a new process and runs it to the
// end. It returns the exit status or the killing signal, or an error when
// the program could not be loaded.
func (k *Kernel) Exec(load LoadFunc, progPath string, argv, envp []string) (exitStatus, killedBy int, err error) {
	abs := progPath
	if !path.IsAbs(abs) {
		if wd, err := os.Getwd(); err == nil {
			abs = path.Join(wd, abs)
		}
	}
	if k.load == nil {
		k.load = load
	}
	p, t, err := k.NewProcess(abs)
	if err != nil {
		return 0, 0, err
	}
	img, err := load(LoadParams{
		Space: p.Space,
		Open:  func(name string) (mem.File, error) { return t.openForLoad(name) },
		Path:  progPath,
		Argv:  argv,
		Envp:  envp,
		UID:   p.creds.EUID,
	})
	if err != nil {
		p.exitGroup(127, 0)
		t.exit()
		var en abi.Errno
		if !errors.As(err, &en) {
			en = abi.ENOEXEC
		}
		return 0, 0, &ExecError{Errno: en, Msg: err.Error()}
	}
	if img.Brk != 0 {
		p.Space.SetBrk(img.Brk)
	}
	p.noteExec(p.Space, progPath, img.SP)
	exe := t.resolvedPath(img.Exec, abs)
	p.mu.Lock()
	p.exe = exe
	p.mu.Unlock()
	t.m.RIP = img.Entry
	t.m.R[x86.RSP] = img.SP
	status, sig := t.Run()
	return status, sig, nil
}

// loadFile adapts a File to what the loader reads: mem.File plus Size
// (loader.File) and Close.
type loadFile struct{ f File }

func (l loadFile) Close() error {
	if e := l.f.Close(); e != 0 {
		return e
	}
	return nil
}

func (l loadFile) ReadAt(p []byte, off int64) (int, error) {
	n, e := l.f.Pread(p, off)
	if e != 0 {
		return n, e
	}
	return n, nil
}

// Size reports the file's length, which the loader needs to validate
// program headers against.
func (l loadFile) Size() int64 {
	st, e := l.f.Stat()
	if e != 0 {
		return 0
	}
	return st.Size
}

// openForLoad opens a program or interpreter with execve's checks: a
// directory or other non-regular file is EACCES, as is a missing execute
// permission.
func (t *Task) openForLoad(name string) (mem.File, error) {
	if name == "" {
		return nil, abi.ENOENT
	}
	at := t.proc.cwd
	if name[0] == '/' {
		at = nil
	}
	f, e := t.k.fs.Open(t.proc.fsCtx(), at, name, abi.O_RDONLY, 0)
	if e != 0 {
		return nil, e
	}
	st, e := f.Stat()
	if e == 0 && st.Mode&abi.S_IFMT != abi.S_IFREG {
		e = abi.EACCES
	}
	if e == 0 {
		e = t.k.fs.Access(t.proc.fsCtx(), at, name, abi.X_OK, 0)
	}
	if e != 0 {
		f.Close()
		return nil, e
	}
	return loadFile{f}, nil
}

// resolvedPath names the file at name (relative to the cwd) the way
// /proc/PID/exe does: with every symlink resolved, from the process root
// (/bin/sh that links to /bin/busybox is /bin/busybox). fallback is used
// when the file cannot be reopened.
func (t *Task) resolvedPath(name, fallback string) string {
	if name == "" {
		return fallback
	}
	at := t.proc.cwd
	if name[0] == '/' {
		at = nil
	}
	f, e := t.k.fs.Open(t.proc.fsCtx(), at, name, abi.O_PATH, 0)
	if e != 0 {
		return fallback
	}
	defer f.Close()
	if pf, ok := f.(PathFromFile); ok {
		t.proc.mu.Lock()
		root := t.proc.root
		t.proc.mu.Unlock()
		return pf.PathFrom(root)
	}
	return fallback
}

package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	blinkfs "github.com/blink-go/blink/fs"
)

// options are blink's command-line settings, parsed getopt-style so that
// combined flags (-eL/dev/null, -ss, -jm) work as in the man page.
type options struct {
	help        bool
	version     bool
	noCache     bool // -j: decode cache (the JIT's stand-in) off
	logStderr   bool // -e
	virtualMem  bool // -m
	stats       bool // -Z
	strace      int  // -s, repeatable
	argv0       bool // -0: the word after the program is argv[0]
	logPath     string
	logPathSet  bool
	root        string   // -C
	keepHostIDs bool     // --host-ids: no fake root under -C
	binds       []string // --bind HOST:GUEST[:ro], repeatable
	noSysRoot   bool     // --no-systemroot
	program     string
	programArgs []string // argv as the guest will see it
}

const usage = `usage: blink [-hvjemZs] [-L logfile] [-C root] program [argv1...]
       blink [-hvjemZs] [-L logfile] [-C root] -0 program [argv0...]
  -h          show this help
  -v          show version and build configuration
  -j          disable the decode cache (much slower; for debugging)
  -e          also log to standard error
  -m          full memory virtualization (slower, works everywhere)
  -Z          print statistics on exit
  -s          log system calls (repeatable for more detail)
  -0          the word after program becomes argv[0]
  -L path     log file (default blink.log, created only when used)
  -C path     run program inside this root directory (or image, see below)
  --host-ids  under -C, keep the host user's identity and file owners
              (default: a fake root, where the guest is uid 0)
  --bind HOST:GUEST[:ro]  show a host directory at a guest path (repeatable)
  --no-systemroot         do not mount the host's / at /SystemRoot
environment: BLINK_LOG_FILENAME (log path when -L is absent)
`

var errUsage = errors.New("usage")

// parseArgs parses args (without the command name). Options end at the
// first word that is not one, so the guest's own flags pass through.
func parseArgs(args []string) (*options, error) {
	o := &options{}
	i := 0
	for ; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			i++
			break
		}
		switch a {
		case "--host-ids":
			o.keepHostIDs = true
			continue
		case "--no-systemroot":
			o.noSysRoot = true
			continue
		case "--bind":
			if i+1 >= len(args) {
				return nil, errors.New("--bind requires HOST:GUEST")
			}
			i++
			o.binds = append(o.binds, args[i])
			continue
		}
		if len(a) < 2 || a[0] != '-' {
			break
		}
		for j := 1; j < len(a); j++ {
			c := a[j]
			switch c {
			case 'h':
				o.help = true
			case 'v':
				o.version = true
			case 'j':
				o.noCache = true
			case 'e':
				o.logStderr = true
			case 'm':
				o.virtualMem = true
			case 'Z':
				o.stats = true
			case 's':
				o.strace++
			case '0':
				o.argv0 = true
			case 'L', 'C':
				var val string
				if j+1 < len(a) {
					val = a[j+1:]
				} else if i+1 < len(args) {
					i++
					val = args[i]
				} else {
					return nil, fmt.Errorf("option -%c requires an argument", c)
				}
				if c == 'L' {
					o.logPath, o.logPathSet = val, true
				} else {
					o.root = val
				}
				j = len(a)
			default:
				return nil, fmt.Errorf("unknown option -%c", c)
			}
		}
	}
	if o.help || o.version {
		return o, nil
	}
	rest := args[i:]
	if len(rest) == 0 {
		return nil, errUsage
	}
	o.program = rest[0]
	if o.argv0 {
		if len(rest) < 2 {
			return nil, errors.New("-0 needs program and argv[0]")
		}
		o.programArgs = rest[1:]
	} else {
		o.programArgs = rest
	}
	if !o.logPathSet {
		o.logPath = os.Getenv("BLINK_LOG_FILENAME")
		if o.logPath == "" {
			o.logPath = "blink.log"
		}
	}
	return o, nil
}

// findProgram resolves a program name the way execvp does: a name with a
// slash is used as is, anything else is searched for in $PATH.
func findProgram(name string, path string) (string, error) {
	if name == "" {
		return "", errors.New("empty program name")
	}
	if strings.Contains(name, "/") {
		return name, nil
	}
	for _, dir := range filepath.SplitList(path) {
		if dir == "" {
			dir = "."
		}
		p := filepath.Join(dir, name)
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() {
			return p, nil
		}
	}
	return "", fmt.Errorf("%s: command not found", name)
}

// parseBind reads --bind's HOST:GUEST[:ro].
func parseBind(spec string) (blinkfs.Bind, error) {
	ro := false
	if rest, ok := strings.CutSuffix(spec, ":ro"); ok {
		spec, ro = rest, true
	}
	host, guest, ok := strings.Cut(spec, ":")
	if !ok || host == "" || guest == "" || guest[0] != '/' {
		return blinkfs.Bind{}, fmt.Errorf("--bind %s: want HOST:GUEST[:ro] with an absolute GUEST", spec)
	}
	abs, err := filepath.Abs(host)
	if err != nil {
		return blinkfs.Bind{}, err
	}
	if fi, err := os.Stat(abs); err != nil || !fi.IsDir() {
		return blinkfs.Bind{}, fmt.Errorf("--bind %s: %s is not a directory", spec, host)
	}
	return blinkfs.Bind{Host: abs, Guest: guest, ReadOnly: ro}, nil
}

#!/bin/bash
# build.sh rebuilds the guest programs in src/ into bin/ and records their
# native behaviour in golden/. Run it on an x86-64 Linux host with gcc,
# musl-gcc and go installed:
#
#	testdata/build.sh
#
# Every program is built twice, statically, against musl (bin/NAME-musl) and
# glibc (bin/NAME-glibc); hello and auxv are also built as static PIEs
# (NAME-pie-LIBC), which exercises self-relocation. Binaries are stripped and
# carry no build ID or source paths, so rebuilding with the same compilers
# gives the same bytes.
#
# Each test case is golden/CASE-LIBC.cmd: one "key value" per line, with key
# bin (file in bin/), argv0 (default "./" + bin), arg (repeatable, in order)
# and env (repeatable, in order; the environment is exactly these). "@TMPDIR@"
# in a value stands for a fresh scratch directory. Cases run with bin/ as the
# working directory. runcase.go runs each natively and writes CASE-LIBC.out
# (stdout, byte for byte) and CASE-LIBC.status ("N" for exit status N, or
# "signal N"); cmd/blink/guest_test.go runs the same .cmd files under blink.
set -euo pipefail
cd "$(dirname "$0")"
export LC_ALL=C SOURCE_DATE_EPOCH=0

PROGS="hello exitcode args auxv intmath malloc setjmp fileio clock smc fp
string crash bench_intloop bench_matmul bench_memcpy_strlen bench_syscalls
bench_start bench_forkexec proc signals flock threads robust futexstress
events sockets futexpi mmapfile pty bench_futex bench_pipe bench_tcp bench_threads bench_sse_matmul
timers libm fpe cputime termios2 caps schedattr shm memfd sysvshm filecopy xattr"
PIE_PROGS="hello auxv"

CFLAGS=(-O2 -s -Wall -Wextra -Wno-unused-parameter -ffile-prefix-map="$PWD"=.
	-fno-asynchronous-unwind-tables -Wl,--build-id=none)
MUSL=/usr/lib/x86_64-linux-musl

rm -rf bin golden
mkdir -p bin golden

for p in $PROGS; do
	musl-gcc -static "${CFLAGS[@]}" -o "bin/$p-musl" "src/$p.c" -lm
	gcc -static "${CFLAGS[@]}" -o "bin/$p-glibc" "src/$p.c" -lm
done

# simd targets x86-64-v2 (SSSE3, SSE4.1, SSE4.2, POPCNT) plus PCLMULQDQ and AES:
# intrinsics, -O3 auto-vectorised loops, and libc string functions whose
# ifunc resolvers pick the SSE4.2/SSSE3 variants.
V2_PROGS="simd bench_sse_checksum"
for p in $V2_PROGS; do
	musl-gcc -static "${CFLAGS[@]}" -O3 -march=x86-64-v2 -mpclmul -maes -o "bin/$p-musl" "src/$p.c" -lm
	gcc -static "${CFLAGS[@]}" -O3 -march=x86-64-v2 -mpclmul -maes -o "bin/$p-glibc" "src/$p.c" -lm
done

# Go guest programs (CGO_ENABLED=0, static), built with the Go toolchain
# that runs the tests: the runtime's threads, futexes, epoll, eventfd,
# signals (preemption, nil-pointer panics) and sockets.
GO_PROGS="gothreads gohttp"
for p in $GO_PROGS; do
	CGO_ENABLED=0 GOOS=linux GOARCH=amd64 go build -trimpath -ldflags="-s -w -buildid=" \
		-o "bin/$p-go" "src/$p.go"
done

# musl-gcc's specs file always links Scrt1.o with a dynamic linker, so a musl
# static PIE is linked by hand with musl's self-relocating rcrt1.o.
for p in $PIE_PROGS; do
	gcc -static-pie -fPIE "${CFLAGS[@]}" -o "bin/$p-pie-glibc" "src/$p.c"
	gcc -fPIE -nostdinc -isystem /usr/include/x86_64-linux-musl \
		-isystem "$(gcc -print-file-name=include)" \
		"${CFLAGS[@]}" -c -o "bin/$p-pie.o" "src/$p.c"
	gcc -static-pie -nostdlib "${CFLAGS[@]}" -o "bin/$p-pie-musl" \
		"$MUSL/rcrt1.o" "$MUSL/crti.o" "$(gcc -print-file-name=crtbeginS.o)" \
		"bin/$p-pie.o" "$MUSL/libc.a" "$(gcc -print-libgcc-file-name)" \
		"$(gcc -print-file-name=crtendS.o)" "$MUSL/crtn.o"
	rm "bin/$p-pie.o"
done

BASE_ENV=("LC_ALL=C" "HOME=/nonexistent" "PATH=/usr/bin:/bin")

# gen CASE [env VAR=VAL]... [argv0 NAME] BIN [ARG...] writes CASE-LIBC.cmd
# for each libc that has the binary.
gen() {
	local name=$1 libc
	shift
	for libc in musl glibc; do
		local -a lines=() env=("${BASE_ENV[@]}")
		local argv0="" rest=("$@")
		while [[ ${rest[0]} == env || ${rest[0]} == argv0 ]]; do
			if [[ ${rest[0]} == env ]]; then
				env+=("${rest[1]}")
			else
				argv0=${rest[1]}
			fi
			rest=("${rest[@]:2}")
		done
		[[ -x bin/${rest[0]}-$libc ]] || continue
		for e in "${env[@]}"; do lines+=("env $e"); done
		lines+=("bin ${rest[0]}-$libc")
		[[ -n $argv0 ]] && lines+=("argv0 $argv0")
		for a in "${rest[@]:1}"; do lines+=("arg $a"); done
		printf '%s\n' "${lines[@]}" >"golden/$name-$libc.cmd"
	done
}

# genlibc CASE BIN [ARG...] writes CASE.cmd for one binary (Go programs).
genlibc() {
	local name=$1 bin=$2
	shift 2
	{
		for e in "${BASE_ENV[@]}"; do echo "env $e"; done
		echo "bin $bin"
		for a in "$@"; do echo "arg $a"; done
	} >"golden/$name.cmd"
}

gen hello hello
gen hello-pie hello-pie
gen exitcode-0 exitcode 0
gen exitcode-1 exitcode 1
gen exitcode-42 exitcode 42
gen exitcode-255 exitcode 255
gen exitcode-256 exitcode 256
gen exitcode-return exitcode 7 return
gen exitcode-_exit exitcode 3 _exit
gen args args one "two words" "" "-flag" "tab	inside" "ünïcødé"
gen args-env env "EMPTY=" env "SPACES=a b  c" env "EQUALS=x=y=z" args
gen args-argv0 argv0 "custom-argv0" args first
gen auxv auxv
gen auxv-pie auxv-pie
gen intmath intmath
gen malloc malloc
gen setjmp setjmp
gen fileio env "TMPDIR=@TMPDIR@" fileio
gen clock clock
gen smc smc
gen smc-sameblock smc sameblock
gen fp fp
gen string string
gen crash-segv crash segv
gen crash-ud2 crash ud2
gen crash-int3 crash int3
gen crash-div0 crash div0
gen crash-abort crash abort
gen proc proc
gen signals signals
gen flock env "TMPDIR=@TMPDIR@" flock
gen simd simd
gen threads threads
gen robust robust
gen futexpi futexpi
gen mmapfile env "TMPDIR=@TMPDIR@" mmapfile
gen futexstress futexstress
gen events events
gen sockets sockets
gen pty pty
gen timers timers
gen libm libm
gen fpe fpe
gen cputime cputime
gen termios2 termios2
gen caps caps
gen schedattr schedattr
gen shm shm
gen memfd memfd
gen sysvshm sysvshm
gen filecopy env "TMPDIR=@TMPDIR@" filecopy
gen xattr xattr
genlibc gothreads-go gothreads-go ./hello-musl
genlibc gohttp-go gohttp-go
# Benchmarks, scaled down to a moment's work, double as tests.
gen bench_intloop bench_intloop 1000
gen bench_matmul bench_matmul 200
gen bench_memcpy_strlen bench_memcpy_strlen 400
gen bench_syscalls bench_syscalls 100
gen bench_start bench_start
gen bench_forkexec bench_forkexec 100
gen bench_futex bench_futex 100
gen bench_pipe bench_pipe 256
gen bench_tcp bench_tcp 256
gen bench_threads bench_threads 1000 2
gen bench_sse_matmul bench_sse_matmul 50
gen bench_sse_checksum bench_sse_checksum 150

ulimit -c 0 # crash cases must not leave core files behind
go run runcase.go golden/*.cmd
ls -l bin | awk 'NR > 1 { s += $5 } END { printf "bin/: %d files, %d bytes\n", NR - 1, s }'

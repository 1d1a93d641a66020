# Shell features (busybox ash as /bin/sh).

### pipes_basic
echo 'c b a' | tr ' ' '\n' | sort | head -2

### pipes_long_chain
seq 1 1000 | grep 7 | sed 's/7/seven/' | awk '{print length}' | sort -n | uniq -c | tail -1

### pipeline_exit_codes
false | true; echo "a $?"
true | false; echo "b $?"
! true; echo "c $?"
! false; echo "d $?"

### pipefail
set -o pipefail
false | true; echo "pf $?"
(exit 3) | true; echo "pf3 $?"

### redirect_out_append
echo one > f; echo two >> f; cat f
echo three > f; cat f

### redirect_stderr
ls /nosuch 2> err; echo "exit $?"; cat err
{ echo out; echo err >&2; } > both 2>&1; sort both
{ echo out; echo err >&2; } 2>/dev/null

### redirect_order
{ echo e >&2; } 2>&1 >/dev/null | sed 's/^/piped:/'

### redirect_input_fd
printf 'l1\nl2\n' > f
while read -r line; do echo "got $line"; done < f
exec 3< f; read -r a <&3; read -r b <&3; exec 3<&-; echo "$a $b"
exec 4> out; echo via4 >&4; exec 4>&-; cat out

### redirect_noclobber
echo a > f; set -C
echo b > f 2>/dev/null || echo refused
echo c >| f; cat f

### heredoc
x=world
cat <<EOT
hello $x
sum $((1+2))
EOT
cat <<'EOT'
literal $x $(date)
EOT

### heredoc_tabs_and_loop
	cat <<-EOT
	indented
		more
	EOT
for i in 1 2; do cat <<EOT
iter $i
EOT
done

### heredoc_to_file_and_cmd
cat > script.sh <<'EOF2'
#!/bin/sh
echo "args: $# $*"
EOF2
chmod +x script.sh; ./script.sh a b c
sh script.sh x

### subshell_isolation
x=outer; cd /tmp
(x=inner; cd /; echo "in: $x $PWD")
echo "out: $x $PWD"
(exit 7); echo "sub $?"

### command_substitution
a=$(echo hello); b=`echo world`
echo "$a $b"
echo "nested: $(echo $(echo deep))"
n=$(printf 'x\ny\n\n\n'); echo "[$n]"
echo "lines: $(wc -l < /etc/passwd | tr -d ' ')" | sed 's/[0-9][0-9]*/N/'

### arithmetic
echo $((3 + 4 * 2)) $((17 / 5)) $((17 % 5)) $((2 ** 10)) $((-7 / 2))
echo $((1 << 4)) $((0xff & 0x0f)) $((5 | 2)) $((5 ^ 1)) $((!0)) $((~0))
i=5; i=$((i + 1)); : $((i += 10)); echo $i
echo $((3 > 2 && 1 < 0)) $((7 > 3 ? 100 : 200))
echo $(( 9223372036854775807 + 1 ))

### variables_expansion
v=/usr/local/lib/file.tar.gz
echo ${#v} ${v##*/} ${v#*/} ${v%.*} ${v%%.*}
unset u; echo "${u:-default} ${u-dash} [${u:+alt}]"
echo "${u:=assigned} $u"
w=hello; echo ${w:1:3} ${w/l/L} ${w//l/L}

### positional_params
set -- a 'b c' d
echo $#; for x in "$@"; do echo "[$x]"; done
for x in $*; do echo "<$x>"; done
shift; echo "$1"; shift 2; echo "$# left"

### ifs_splitting
line='a:b::c'
IFS=: read -r f1 f2 f3 f4 <<EOT
$line
EOT
echo "$f1|$f2|$f3|$f4"
old=$IFS; IFS=,; set -- x,y,z; IFS=$old; echo $# $2

### functions
greet() { echo "hi $1"; return 3; }
greet bob; echo "ret $?"
fact() { if [ $1 -le 1 ]; then echo 1; else echo $(( $1 * $(fact $(( $1 - 1 ))) )); fi; }
fact 10
f() { local v=local; echo $v; }; v=global; f; echo $v

### function_recursion_fib
fib() { if [ $1 -lt 2 ]; then echo $1; return; fi; a=$(fib $(($1-1))); b=$(fib $(($1-2))); echo $((a+b)); }
fib 12

### traps_exit
trap 'echo cleanup' EXIT
echo working
exit 4

### traps_signal_self
trap 'echo got USR1' USR1
kill -USR1 $$
trap 'echo got TERM; exit 9' TERM
kill -TERM $$
echo not-reached

### trap_int_subshell
sh -c 'trap "echo int; exit 2" INT; kill -INT $$; sleep 1'; echo "exit $?"

### trap_reset_list
trap 'echo x' HUP; trap -p 2>/dev/null || trap
trap - HUP; trap | wc -l

### set_e
set -e
echo before
false
echo not-reached

### set_e_exceptions
set -e
false || echo handled
if false; then :; else echo in-else; fi
! true
echo "still here"
(false); echo "not printed"

### set_u
set -u
echo "${unset_var:-ok}"
echo $unset_var 2>&1
echo not-reached

### set_x
set -x
a=1; echo $a
set +x
echo done

### background_wait
(sleep 1; echo bg1) &
p1=$!
(exit 5) &
p2=$!
wait $p1; echo "w1 $?"
wait $p2; echo "w2 $?"

### background_many_wait
for i in 1 2 3 4 5; do (sleep 0.$i; echo done$i > f$i) & done
wait
cat f1 f2 f3 f4 f5

### kill_job_percent
sleep 10 &
kill %1
wait
echo "wait $?"
jobs

### kill_pid_status
sleep 10 & p=$!
kill $p; wait $p; echo "term $?"
sleep 10 & p=$!
kill -9 $p; wait $p; echo "kill $?"
# Background jobs of a non-interactive shell ignore SIGINT (POSIX), once the
# child has set that up: give it a second first.
sleep 2 & p=$!
sleep 1; kill -INT $p; wait $p; echo "int $?"

### jobs_list
sleep 5 &
jobs | sed 's/[0-9][0-9]*$//'
kill %1; wait 2>/dev/null; echo end

### exit_codes
sh -c 'exit 42'; echo $?
sh -c 'kill -9 $$'; echo $?
/nonexistent 2>/dev/null; echo $?
touch noexec; ./noexec 2>/dev/null; echo $?
sh -c 'exit 256'; echo $?

### case_loops
for f in a.c b.h c.txt; do
  case $f in *.c) echo "C $f";; *.h) echo "H $f";; *) echo "other $f";; esac
done
i=0; while [ $i -lt 3 ]; do i=$((i+1)); [ $i -eq 2 ] && continue; echo w$i; done
until [ $i -eq 0 ]; do i=$((i-1)); done; echo u$i
for i in 1 2 3 4; do [ $i = 3 ] && break; echo b$i; done

### test_brackets
[ 3 -gt 2 ] && echo gt; [ abc = abc ] && echo eq; [ -z "" ] && echo empty; [ -n x ] && echo nonempty
[[ abc == a* ]] && echo glob
[ 1 -eq 2 ] || echo ne; test ! -e /nosuch && echo nofile
[ "a" \< "b" ] && echo lt

### getopts_parse
parse() { OPTIND=1; while getopts "ab:c" o; do case $o in a) echo A;; b) echo "B=$OPTARG";; c) echo C;; *) echo bad;; esac; done; shift $((OPTIND-1)); echo "rest: $*"; }
parse -a -b val -c file1 file2
parse -x 2>&1

### read_builtin
printf 'a b c\n' | { read x y; echo "$x|$y"; }
echo "  spaced  " | { IFS= read -r l; echo "[$l]"; }
printf 'no newline' | { read -r l; echo "rc=$? [$l]"; }

### eval_exec_source
cmd='echo evaluated $((2*21))'; eval "$cmd"
echo 'sourced_var=42' > vars; . ./vars; echo $sourced_var
sh -c 'exec echo replaced; echo never'

### command_type
command -v ls; command -v cd; type echo | head -1
which sh busybox
command -v nosuchcmd; echo "exit $?"
nosuchcmd 2>&1; echo "exit $?"

### globbing
mkdir g; cd g; touch a1 a2 b1 .h
echo a*; echo ?1; echo [ab]2; echo *; echo .*
echo nomatch*

### quoting
echo 'single $HOME' "double $HOME" \$escaped
echo "tab:	end"
a='x  y'; echo $a; echo "$a"
printf '%s\n' "quote\"inside" 'it'"'"'s'

### umask_cmd
umask; umask 077; touch f; mkdir d; stat -c '%a %n' f d
umask -S

### alias_noninteractive
alias ll='ls -l'; alias ll
unalias ll; alias ll 2>&1; echo "exit $?"

### script_with_shebang_args
cat > s <<'EOT'
#!/bin/sh -e
echo "0=$0 1=$1"
false
echo never
EOT
chmod 755 s; ./s arg; echo "exit $?"

### sh_syntax_error
sh -c 'if then fi' 2>&1; echo "exit $?"
sh -n -c 'echo ok' && echo syntax-ok

### loop_fork_heavy
i=0; while [ $i -lt 100 ]; do /bin/true; i=$((i+1)); done; echo $i
for i in $(seq 1 50); do echo $i; done | wc -l

### env_builtin_export
export FOO=bar; sh -c 'echo child sees $FOO'
BAR=once sh -c 'echo $BAR'; echo "after [$BAR]"
env -i X=1 /usr/bin/env
env | sort
# HTTPPORT is the port of the test's HTTP server, a new one each run.
#@ norm HTTPPORT=\d+ => HTTPPORT=PORT

### printf_builtin_vs_applet
printf '%b\n' 'a\tb'; /usr/bin/printf '%s-%s\n' 1 2
echo -n no-newline; echo; echo -e 'e\x41'

### let_and_local_arith
let x=5*3 2>/dev/null && echo $x
f() { local i=0 s=0; while [ $i -le 10 ]; do s=$((s+i)); i=$((i+1)); done; echo $s; }; f

### stdin_from_devnull
cat < /dev/null | wc -c
read x < /dev/null; echo "read $?"

# Process tools. PIDs differ between runs, so scenarios print facts about
# them rather than the numbers.

### ps_header_self
ps | head -1
ps -o pid,comm | awk -v me=$$ '$1 == me {print "self:", $2}'

### ps_sees_background
sleep 5 & p=$!
sleep 1  # let the child exec sleep before looking at it
ps -o pid,comm | awk -v p=$p '$1 == p {print "found", $2}'
kill $p

### ps_o_fields
ps -o pid,ppid,user,comm | head -1
ps -o user,comm | grep -w ps

### ps_args
sleep 7 &
sleep 1  # let the child exec sleep before looking at it
ps -o args | grep '^sleep'
kill %1

### top_batch
top -bn1 > out; echo "exit $?"
grep -c '^Mem:' out; grep -c '^CPU:' out; grep -c '^Load average:' out
grep -E '^ *PID' out | tr -s ' '

### pidof_pgrep
sleep 6 & p=$!
sleep 1  # let the child exec sleep before looking at it
pidof sleep | tr ' ' '\n' | grep -qx $p && echo pidof-ok
pgrep -x sleep | grep -qx $p && echo pgrep-ok
pkill -x sleep; wait $p; echo "pkill $?"
pidof nosuchproc; echo "none $?"

### killall_cmd
sleep 8 & sleep 8 &
sleep 1  # let the child exec sleep before looking at it
killall sleep; wait; echo done
killall nosuchproc 2>&1; echo "exit $?"

### kill_signals
kill -l | head -3
kill -l 15; kill -l TERM 2>/dev/null
kill -0 $$ && echo alive
kill -0 999999 2>&1; echo "exit $?"

### sleep_cmd
sleep 0.3; echo slept; sleep 1; echo again
sleep bogus 2>&1; echo "exit $?"

### timeout_cmd
#@ timeout 25
timeout 1 sleep 5; echo "killed $?"
timeout 5 true; echo "ok $?"
timeout 5 sh -c 'exit 3'; echo "inner $?"
timeout -s KILL 1 sleep 5; echo "kill $?"

### nice_renice
nice
nice -n 5 nice
nice -n 7 sh -c 'nice'
sleep 3 & sleep 1; renice -n 4 -p $! >/dev/null; ps -o nice,comm | grep sleep | tr -s ' '
kill %1

### nohup_cmd
nohup echo hi-from-nohup 2>&1
nohup sh -c 'echo x' > out 2>/dev/null; cat out

### proc_self
readlink /proc/self/exe
cat /proc/self/comm
cat /proc/self/cmdline | tr '\0' ' '; echo
grep -E '^(Name|State|Uid)' /proc/self/status | tr -s '\t ' ' '

### proc_self_fd
exec 5</etc/passwd
ls -l /proc/$$/fd/5 | sed 's/.*-> //'
ls /proc/self/fd | sort -n | head -3

### proc_pid_dirs
sleep 4 & p=$!
sleep 1  # let the child exec sleep before looking at it
test -d /proc/$p && echo proc-dir
cat /proc/$p/comm
awk '{print $2, $3}' /proc/$p/stat
kill $p

### xargs_parallel_procs
seq 1 6 | xargs -P 3 -n 1 sh -c 'echo $0' | sort -n

### setsid_flock
setsid sh -c 'echo in-setsid'
flock lockfile -c 'echo locked'
flock -n lockfile true && echo free

### pstree_pwdx
sleep 4 & p=$!
sleep 1  # let the child exec sleep before looking at it
pwdx $p | sed 's/^[0-9]*:/PID:/'
kill $p

### wait_many_children
for i in $(seq 1 20); do sh -c "exit $i" & done
wait; echo all-done

# System information.

### uname_a
uname -a
# The kernel release and version belong to the host kernel (or to blink), and
# the node name to the host: keep only the shape.
#@ norm ^Linux \S+ \S+ .* x86_64 Linux$ => Linux HOST RELEASE VERSION x86_64 Linux

### uname_fields
uname -s; uname -m; uname -o; arch
uname -r | grep -Eq '^[0-9]+\.[0-9]+' && echo release-looks-ok

### id_whoami
# The supplementary groups of root are those of whoever started the test (none
# when the recorder ran; groups=0(root) in many containers): not compared.
#@ norm ^(uid=0\(root\) gid=0\(root\))( groups=.*)?$ => $1
id; id -u; id -g; id -un; id -G; whoami
groups

### hostname_cmd
hostname > h; echo "exit $?"; test -s h && echo nonempty
cat /etc/hostname

### date_cmd
date > d; echo "exit $?"
date +%Y | grep -Eq '^20[0-9][0-9]$' && echo year-ok
date -u -d @0 '+%Y-%m-%d %H:%M:%S %Z'
date -u -d '2020-02-29 12:34:56' +%s
date -d @1700000000 -u +'%a %b %e %j %u'
date -u -D %s -d 86400 2>&1

### date_tz
TZ=UTC date -d @0 +%H; TZ=EST5 date -d @0 +%H

### env_printenv
printenv HOME PATH TERM
env | sort
# HTTPPORT is the port of the test's HTTP server, a new one each run.
#@ norm HTTPPORT=\d+ => HTTPPORT=PORT

### free_cmd
free | head -1 | tr -s ' '
free | awk 'NR==2 {print $1, ($2 > 0)}'
free -m > /dev/null; echo "exit $?"

### uptime_cmd
uptime > u; echo "exit $?"
grep -c 'load average' u
cut -d' ' -f1 /proc/uptime | grep -Eq '^[0-9]+\.[0-9]+$' && echo proc-uptime-ok

### df_cmd
# Only what does not depend on the recording chroot's mount table (it has
# no entry for / there, so `df /` itself would fail natively).
df > d; echo "exit $?"
head -1 d | tr -s ' '
df -h /proc | tail -1 | awk '{print $NF}'

### mount_cmd
mount > m; echo "exit $?"
grep -c ' on /proc type proc' m
grep -c ' /proc proc ' /proc/mounts

### os_release
cat /etc/os-release
cat /etc/alpine-release

### etc_issue_motd
cat /etc/issue
head -3 /etc/motd

### proc_cpuinfo
grep -c '^processor' /proc/cpuinfo | grep -Eq '^[1-9]' && echo has-processors
grep -q '^flags' /proc/cpuinfo && echo has-flags
grep -m1 '^flags' /proc/cpuinfo | grep -qw sse2 && echo sse2
grep -m1 -o '^model name' /proc/cpuinfo

### nproc_getconf
nproc | grep -Eq '^[1-9][0-9]*$' && echo nproc-ok
getconf PAGESIZE; getconf _NPROCESSORS_ONLN | grep -Eq '^[1-9]' && echo getconf-ok
getconf ARG_MAX; getconf PATH_MAX /

### proc_meminfo_version
grep -o '^MemTotal:' /proc/meminfo
grep -Eo '^Linux version [0-9]+\.[0-9]+' /proc/version | sed 's/[0-9.]*$//'
awk '{print NF}' /proc/loadavg
cat /proc/sys/kernel/ostype

### dev_nodes
ls -l /dev/null /dev/zero | cut -c1
head -c 16 /dev/zero | od -An -tx1
head -c 32 /dev/urandom | wc -c
echo x > /dev/full 2>&1 | sed 's/.*: //'; echo x > /dev/null && echo devnull-ok
test -c /dev/null && echo char-dev

### tty_stty
tty; echo "exit $?"
stty -a 2>&1 >/dev/null | head -1; echo "stty done"

### dmesg_sysctl
sysctl -n kernel.ostype
cat /proc/sys/kernel/pid_max | grep -Eq '^[0-9]+$' && echo pid_max-ok

### cal_cmd
cal 2 2024

### which_busybox_applets
busybox | head -1 | cut -d' ' -f1,2
busybox --list | wc -l
busybox echo via-busybox

### hostid_logname
hostid | grep -Eq '^[0-9a-f]{8}$' && echo hostid-ok
logname 2>&1; echo "exit $?"

# Terminals. The minirootfs has no program that unlocks a pseudo-terminal
# (no script(1), no expect), so these stay with what the shell can do.

### devpts_ptmx
# A devpts mounted as a container would; opening its ptmx makes pair 0,
# whose slave is listed at once but stays locked (unlockpt is an ioctl).
mount -t devpts -o gid=5,mode=620 devpts /dev/pts || echo "mount failed"
exec 3<>/dev/pts/ptmx
ls /dev/pts
stat -c '%n %F %t:%T %a %U:%G' /dev/pts/0
cat /dev/pts/0 2>&1; echo "locked: $?"
exec 3>&-
ls /dev/pts

# Users and groups.

### adduser_D
adduser -D alice
grep '^alice:' /etc/passwd
grep '^alice:' /etc/group
grep '^alice:' /etc/shadow | cut -d: -f1,2
stat -c '%U:%G %a' /home/alice

### adduser_su_c
adduser -D bob
su bob -c 'id; whoami; echo $HOME; pwd'
su -s /bin/sh bob -c 'touch /tmp/bobfile'; stat -c %U /tmp/bobfile

### su_permission_denied
adduser -D carol
su carol -c 'echo x > /etc/forbidden' 2>&1; echo "exit $?"
su carol -c 'cat /etc/shadow' 2>&1; echo "exit $?"
su carol -c 'ls /root' 2>&1; echo "exit $?"

### su_unknown_user
su nosuchuser -c true 2>&1; echo "exit $?"

### su_login_env
adduser -D dave
su - dave -c 'echo $HOME $USER $LOGNAME; pwd'

### passwd_S
passwd -S root 2>&1; echo "exit $?"
adduser -D erin; passwd -S erin 2>&1
echo 'erin:secret' | chpasswd 2>&1; grep '^erin:' /etc/shadow | cut -d: -f2 | cut -c1-3

### passwd_lock
adduser -D frank
passwd -l frank 2>&1; grep '^frank:' /etc/shadow | cut -d: -f2 | cut -c1
passwd -u frank 2>&1; echo "exit $?"

### getent_db
getent passwd root
getent group root
getent passwd nosuch; echo "exit $?"
getent passwd 0
getent hosts localhost | head -1 | tr -s ' \t' ' '

### addgroup_membership
addgroup -g 2000 devs
adduser -D -u 1500 -G devs gina
adduser -D hank; adduser hank devs
id gina; id hank; groups hank
getent group devs

### deluser_delgroup
adduser -D ivan
deluser ivan; grep -c '^ivan:' /etc/passwd
addgroup tmpg; delgroup tmpg; grep -c '^tmpg:' /etc/group
test -d /home/ivan && echo home-kept

### user_owned_files
adduser -D -u 1234 jill
su jill -c 'mkdir /tmp/jd; echo hi > /tmp/jd/f; umask; id -u'
stat -c '%u %U %a' /tmp/jd /tmp/jd/f
chown -R root /tmp/jd; stat -c '%U' /tmp/jd/f

### etc_passwd_group_files
cut -d: -f1,3,4 /etc/passwd | head -5
cut -d: -f1,3 /etc/group | head -5
stat -c '%a %U:%G' /etc/passwd /etc/shadow /etc/group

### nobody_identity
su -s /bin/sh nobody -c 'id' 2>&1

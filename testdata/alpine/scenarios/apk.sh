# apk-tools. The repositories point at a closed port on 127.0.0.1, which
# stands in for "no network" deterministically in the chroot and under blink.

### apk_version
apk --version

### apk_info
apk info | sort

### apk_info_L_busybox
apk info -L busybox

### apk_info_e_v
apk info -e busybox musl; echo "exit $?"
apk info -e nosuchpkg; echo "exit $?"
apk info -v 2>/dev/null | sort | head -3

### apk_info_details
apk info -d busybox
apk info -s musl | head -2
apk info -R busybox

### apk_add_offline
#@ timeout 40
echo http://127.0.0.1:1/alpine/main > /etc/apk/repositories
md5sum /lib/apk/db/installed > /tmp/before
apk add curl 2>&1; echo "exit $?"
md5sum -c /tmp/before

### apk_update_offline
#@ timeout 40
echo http://127.0.0.1:1/alpine/main > /etc/apk/repositories
apk update 2>&1; echo "exit $?"

### apk_no_network_flag
#@ timeout 40
apk add --no-network curl 2>&1; echo "exit $?"
apk info -e curl; echo "exit $?"

### apk_del_dry_run
#@ timeout 40
apk del --simulate ssl_client 2>&1; echo "exit $?"

### apk_policy_search
#@ timeout 40
echo http://127.0.0.1:1/alpine/main > /etc/apk/repositories
apk search busybox 2>&1 | head -3; echo "exit $?"
apk info --who-owns /bin/busybox

### apk_audit_stats
#@ timeout 40
apk stats 2>&1 | grep -E '^ *(packages|installed)' | head -2
apk verify 2>&1 | tail -1; true

### apk_world_files
cat /etc/apk/world
cat /etc/apk/arch
ls /etc/apk/keys | wc -l

# Dynamic linking with musl.

### ldd_busybox
ldd /bin/busybox
# Load addresses change with every run (ASLR).
#@ norm \(0x[0-9a-f]+\) => (ADDR)

### ldd_apk
ldd /sbin/apk
#@ norm \(0x[0-9a-f]+\) => (ADDR)

### ldso_version
/lib/ld-musl-x86_64.so.1 --version 2>&1; echo "exit $?"

### ldso_run_program
/lib/ld-musl-x86_64.so.1 /bin/busybox echo via-loader
/lib/ld-musl-x86_64.so.1 --list /bin/busybox | wc -l

### ldd_static_missing
ldd /nosuch 2>&1; echo "exit $?"

### scanelf_needed
scanelf -n /bin/busybox /sbin/apk
scanelf -q -n /usr/lib/libssl.so.3 2>/dev/null || scanelf -q -n /lib/libssl.so.3

### getconf_libc
getconf GNU_LIBC_VERSION 2>&1; echo "exit $?"
getconf LONG_BIT

### iconv_cmd
printf 'caf\303\251\n' | iconv -f UTF-8 -t UTF-16LE | od -An -tx1
printf 'abc\n' | iconv -f ASCII -t UTF-8

### ssl_client_missing_args
# ssl_client writes a TLS ClientHello (random bytes) to stdout: keep only the status.
ssl_client < /dev/null > /dev/null 2>&1; echo "exit $?"

### libs_present
ls /lib/ | sort
ls -l /lib/libc.musl-x86_64.so.1 | sed 's/.*-> //'

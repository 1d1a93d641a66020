env LC_ALL=C
env HOME=/nonexistent
env PATH=/usr/bin:/bin
bin bench_tcp-glibc
arg 256

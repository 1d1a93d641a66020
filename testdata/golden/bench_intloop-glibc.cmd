env LC_ALL=C
env HOME=/nonexistent
env PATH=/usr/bin:/bin
bin bench_intloop-glibc
arg 1000

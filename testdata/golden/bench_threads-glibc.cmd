env LC_ALL=C
env HOME=/nonexistent
env PATH=/usr/bin:/bin
bin bench_threads-glibc
arg 1000
arg 2

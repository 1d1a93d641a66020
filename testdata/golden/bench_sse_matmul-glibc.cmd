env LC_ALL=C
env HOME=/nonexistent
env PATH=/usr/bin:/bin
bin bench_sse_matmul-glibc
arg 50

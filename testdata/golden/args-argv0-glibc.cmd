env LC_ALL=C
env HOME=/nonexistent
env PATH=/usr/bin:/bin
bin args-glibc
argv0 custom-argv0
arg first

env LC_ALL=C
env HOME=/nonexistent
env PATH=/usr/bin:/bin
env EMPTY=
env SPACES=a b  c
env EQUALS=x=y=z
bin args-glibc

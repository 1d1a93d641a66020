env LC_ALL=C
env HOME=/nonexistent
env PATH=/usr/bin:/bin
env TMPDIR=@TMPDIR@
bin filecopy-glibc

env LC_ALL=C
env HOME=/nonexistent
env PATH=/usr/bin:/bin
bin args-musl
argv0 custom-argv0
arg first

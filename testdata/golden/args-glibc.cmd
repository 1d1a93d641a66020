env LC_ALL=C
env HOME=/nonexistent
env PATH=/usr/bin:/bin
bin args-glibc
arg one
arg two words
arg 
arg -flag
arg tab	inside
arg ünïcødé

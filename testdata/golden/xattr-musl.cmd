env LC_ALL=C
env HOME=/nonexistent
env PATH=/usr/bin:/bin
bin xattr-musl

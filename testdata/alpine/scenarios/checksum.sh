# Checksums.

### md5sum_basic
echo hello > f; md5sum f; printf '' | md5sum

### sha1sum_basic
echo hello > f; sha1sum f; echo hello | sha1sum

### sha256sum_basic
echo hello > f; sha256sum f

### sha512sum_basic
echo hello > f; sha512sum f

### sha3sum_basic
echo hello | sha3sum

### checksum_check
echo a > a; echo b > b
sha256sum a b > SUMS
sha256sum -c SUMS
echo changed > b
sha256sum -c SUMS 2>&1; echo "exit $?"
md5sum a > M; md5sum -c M

### cksum_sum
echo hello > f; cksum f; sum f

### checksum_busybox_binary
sha256sum /bin/busybox | cut -d' ' -f1
md5sum /lib/ld-musl-x86_64.so.1 | cut -d' ' -f1

### checksum_large
head -c 3000000 /dev/zero | sha256sum
seq 1 100000 | md5sum

# Text tools.

### sed_subst
echo 'hello world world' | sed 's/world/there/'
echo 'hello world world' | sed 's/world/there/g'
echo 'a.b.c' | sed 's/\./-/2'

### sed_inplace
printf 'one\ntwo\nthree\n' > f
sed -i 's/two/TWO/' f; cat f
sed -i.bak '1d' f; cat f; cat f.bak

### sed_ranges
seq 1 10 > n
sed -n '3,5p' n
sed '2,8d' n
sed -n '/4/,/6/p' n
sed -n '$p' n

### sed_extended
echo 'john smith' | sed -E 's/(\w+) (\w+)/\2, \1/'
echo 'aaa bbb' | sed 's/\(a*\) \(b*\)/\2\1/'
printf 'x\ny\n' | sed -e 's/x/X/' -e 's/y/Y/'

### sed_script_file
printf 's/a/A/g\n/^#/d\n' > script.sed
printf '#c\nbanana\napple\n' | sed -f script.sed

### sed_append_insert
printf 'l1\nl2\n' | sed '1a\
after1'
printf 'l1\nl2\n' | sed '2i before2'
printf 'l1\nl2\n' | sed 'y/l/L/'

### awk_sum
printf '1\n2\n3\n4\n' | awk '{s+=$1} END {print s, NR, s/NR}'

### awk_fields
awk -F: '$3 == 0 {print $1, $6, $7}' /etc/passwd
echo 'a b c d' | awk '{print $NF, NF; $2="X"; print}'

### awk_printf
awk 'BEGIN { printf "%5.2f|%-6s|%03d|%x|%c\n", 3.14159, "ab", 7, 255, 65 }'

### awk_arrays
printf 'apple 3\nbanana 2\napple 5\ncherry 1\n' | awk '{t[$1]+=$2} END {for (k in t) print k, t[k]}' | sort

### awk_functions
awk 'BEGIN { s="Hello, World"; print length(s), toupper(s), substr(s, 8, 5), index(s, "World"); n=split("a:b:c", p, ":"); print n, p[3]; gsub(/l/, "L", s); print s; print int(7/2), 2^10, sqrt(16) }'

### awk_regex_match
printf 'foo=1\nbar=22\nbaz=333\n' | awk -F= '/^ba/ && length($2) > 2 {print $1}'
echo 'abc123def' | awk 'match($0, /[0-9]+/) {print RSTART, RLENGTH}'

### awk_getline_system
awk 'BEGIN { while ((getline line < "/etc/alpine-release") > 0) n++; print n; system("echo from-system"); "echo piped" | getline x; print x }'

### grep_basic
printf 'apple\nbanana\ncherry\nApple pie\n' > f
grep apple f; grep -i apple f; grep -v an f; grep -c a f; grep -n rr f

### grep_r
mkdir -p d/sub; echo needle > d/a; echo hay > d/b; echo 'more needle' > d/sub/c
grep -r needle d | sort
grep -rl needle d | sort
grep -rL needle d

### grep_E_o_w
echo 'foo123 bar45 baz' | grep -Eo '[0-9]+'
echo 'cat concat cats' | grep -ow cat
printf 'ab\nabab\n' | grep -xE '(ab)+' | wc -l

### grep_exit_codes
echo x | grep -q x; echo "match $?"
echo x | grep -q y; echo "nomatch $?"
grep x /no/such/file 2>&1; echo "missing $?"

### grep_F_e_A_B
printf '1\n2\n3\n4\n5\n' > n
grep -A1 3 n; echo --; grep -B1 3 n; echo --; grep -C1 -e 1 -e 5 n
echo 'a.b' | grep -F .

### sort_numeric
printf '10\n9\n100\n-1\n' | sort -n
printf '10\n9\n100\n-1\n' | sort
printf '10\n9\n100\n-1\n' | sort -nr

### sort_keys
printf 'b 2\na 3\nc 1\na 1\n' | sort -k2,2n
printf 'b:2\na:3\nc:1\n' | sort -t: -k2 -r
printf 'b 2\na 3\nc 1\na 1\n' | sort -k1,1 -k2,2n

### sort_unique
printf 'b\na\nb\nc\na\n' | sort -u
printf 'B\na\nb\nA\n' | sort -f
printf '1.10\n1.9\n1.2\n' | sort -V 2>&1

### uniq_forms
printf 'a\na\nb\nc\nc\nc\na\n' > f
uniq f; echo --; uniq -c f; echo --; uniq -d f; echo --; uniq -u f
sort f | uniq -c | sort -rn | head -1

### cut_forms
echo 'a:b:c:d' | cut -d: -f2
echo 'a:b:c:d' | cut -d: -f1,3-
echo 'abcdefgh' | cut -c2-4
cut -d: -f1 /etc/passwd | head -3

### tr_forms
echo 'Hello World' | tr a-z A-Z
echo 'Hello World' | tr -d lo
echo 'aaabbbccc' | tr -s ab
echo 'abc' | tr 'abc' 'xyz'
echo 'hello 123' | tr -cd '0-9\n'
printf 'a b\tc\n' | tr '[:space:]' '_'; echo

### wc_forms
printf 'one two\nthree\n' > f
wc f; wc -l f; wc -w < f; wc -c f; wc -L f

### head_tail
seq 1 20 > n
head -3 n; head -n -17 n; tail -2 n; tail -n +19 n
head -c 5 n | od -c | head -1

### tail_f_timeout
#@ timeout 25
printf 'first\nsecond\n' > log
(sleep 1; echo third >> log) &
timeout 3 tail -f log
echo "exit $?"
wait

### tail_F_follow_new
#@ timeout 25
echo a > log
(sleep 1; echo b >> log; sleep 1; echo c >> log) &
timeout 4 tail -n 1 -f log
wait

### diff_u
printf 'a\nb\nc\nd\n' > old
printf 'a\nB\nc\nd\ne\n' > new
touch -d '2020-01-01 00:00:00' old new
diff -u old new; echo "exit $?"
diff old old; echo "same $?"

### diff_r
mkdir -p x y; echo 1 > x/f; echo 2 > y/f; echo only > x/g
touch -d '2020-01-01' x/f y/f
diff -r x y; echo "exit $?"

### diff_missing
diff nosuch other 2>&1; echo "exit $?"

### patch_p1
mkdir -p a b; printf 'line1\nline2\nline3\n' > a/file; printf 'line1\nLINE2\nline3\nline4\n' > b/file
diff -u a/file b/file > fix.patch
mkdir work; cp a/file work/file
cd work && patch -p1 < ../fix.patch 2>&1; echo "exit $?"; cat file

### patch_applet
# Alpine's busybox is built without the patch applet (it is in the "patch"
# package): a user sees "not found", exit 127.
command -v patch; echo "exit $?"
patch -p1 < /dev/null 2>&1; echo "exit $?"

### comm_join_paste
printf 'a\nb\nc\n' > x; printf 'b\nc\nd\n' > y
comm x y; comm -12 x y
paste x y; paste -d, -s x

### nl_rev_tac_fold
printf 'one\ntwo\n' | nl
echo hello | rev
printf '1\n2\n3\n' | tac
echo abcdefghij | fold -w 3

### expand_unexpand
printf 'a\tb\n' | expand | od -c | head -1
printf 'a       b\n' | unexpand -a | od -c | head -1

### od_hexdump_xxd
printf 'ABC\n' > f
od -An -tx1 f; hexdump -C f; xxd f
echo 414243 | xxd -r -p; echo

### base64_roundtrip
echo 'hello base64' | base64
echo 'aGVsbG8gYmFzZTY0Cg==' | base64 -d
head -c 1000 /etc/services 2>/dev/null | base64 | base64 -d | wc -c

### uuencode_roundtrip
echo data > f
uuencode f f | uudecode -o - 2>/dev/null || uuencode f f | head -1

### seq_printf
seq 3; seq 2 2 10 | tr '\n' ' '; echo; seq -s, 5; seq -w 8 10
printf '%s=%d %05.1f %x %o %%\n' x 42 3.14159 255 8
printf '%-5s|%5s|\n' ab cd

### expr_bc_dc
expr 6 \* 7; expr length hello; expr 10 / 3; expr 5 \> 3; expr substr hello 2 3
echo '2^20; scale=3; 1/3' | bc
echo '3 4 + p' | dc

### xargs_forms
printf 'a\nb\nc\n' | xargs echo
printf 'a\nb\nc\n' | xargs -n1 echo x
printf 'f1\nf2\n' | xargs -I{} sh -c 'echo {} > {}.txt'; cat f1.txt f2.txt
printf 'a b\0c\0' | xargs -0 -n1 echo

### tee_cmp
echo hello | tee a b > c; cat a b c
echo x > p; echo y > q; cmp p q; echo "exit $?"
echo more | tee -a a >/dev/null; cat a

### strings_cmd
printf 'ab\001\002hello world\000\003xyzzy!\n' > bin
strings bin; strings -n 6 bin

### yes_head
yes | head -3; yes abc | head -2

### factor_shuf_cksum
factor 360 97
seq 1 10 | shuf | sort -n | tr '\n' ' '; echo

### dos2unix
printf 'a\r\nb\r\n' > f
dos2unix f; od -c f | head -1
unix2dos f; od -c f | head -1

### sort_large
#@ timeout 60
seq 1 20000 | sort -r | head -3
seq 1 20000 | sort -rn | sort -n | tail -1

### awk_large_pipeline
#@ timeout 60
seq 1 50000 | awk '{s+=$1} END {print s}'
seq 1 5000 | sed 's/$/ x/' | grep -c 5

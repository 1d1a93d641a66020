// string runs the libc string and memory routines over many lengths and
// alignments (the vectorised versions have separate paths for heads, tails
// and page crossings) and compares them with byte-at-a-time reference code.
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define MAXLEN 300
#define ALIGNS 16

static unsigned char src[MAXLEN + 64], dst[MAXLEN + 64], ref[MAXLEN + 64];
static uint64_t hash = 0xcbf29ce484222325ull;
static long mismatches;

static void mix(uint64_t v)
{
	hash = (hash ^ v) * 0x100000001b3ull;
}

// Reference routines use volatile accesses so the compiler cannot turn them
// back into calls to the functions under test.
static void ref_copy(volatile unsigned char *d, const volatile unsigned char *s,
		     size_t n)
{
	size_t i;
	if (d < s)
		for (i = 0; i < n; i++)
			d[i] = s[i];
	else
		for (i = n; i-- > 0;)
			d[i] = s[i];
}

static size_t ref_strlen(const volatile char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	return n;
}

static void reset(void)
{
	size_t i;
	for (i = 0; i < sizeof src; i++) {
		src[i] = (unsigned char)(i * 7 + 1) | 1; // never NUL
		dst[i] = ref[i] = (unsigned char)(i * 13);
	}
}

// compare checks the whole buffer (so stray writes outside the target are
// caught) but hashes only the window that was written.
static void compare(size_t from, size_t n)
{
	size_t i;
	if (memcmp(dst, ref, sizeof dst) != 0)
		mismatches++;
	for (i = from; i < from + n; i++)
		mix(dst[i]);
}

// nextlen steps through every short length, where the head/tail handling
// lives, then more sparsely through longer ones.
static size_t nextlen(size_t len)
{
	return len < 72 ? len + 1 : len + 13;
}

int main(void)
{
	size_t len, sa, da;
	long tests = 0;

	for (len = 0; len <= MAXLEN; len = nextlen(len))
		for (sa = 0; sa < ALIGNS; sa += 5)
			for (da = 0; da < ALIGNS; da += 7) {
				reset();
				memcpy(dst + da, src + sa, len);
				ref_copy(ref + da, src + sa, len);
				compare(da, len);

				reset();
				memset(dst + da, (int)(len + sa), len);
				{
					size_t i;
					for (i = 0; i < len; i++)
						((volatile unsigned char *)ref)[da + i] =
							(unsigned char)(len + sa);
				}
				compare(da, len);
				tests += 2;
			}

	// Overlapping moves in both directions.
	for (len = 0; len <= MAXLEN; len += 7)
		for (sa = 0; sa < 40; sa += 3) {
			reset();
			memmove(dst + sa, dst + 20, len);
			ref_copy(ref + sa, ref + 20, len);
			compare(sa, len);
			tests++;
		}

	for (len = 0; len <= MAXLEN; len = nextlen(len))
		for (sa = 0; sa < ALIGNS; sa++) {
			char *s;
			size_t want;
			reset();
			s = (char *)src + sa;
			s[len] = 0;
			want = ref_strlen(s);
			if (strlen(s) != want)
				mismatches++;
			mix(strlen(s));
			if (len > 0) {
				char c = s[len / 2];
				char *p = strchr(s, c), *q;
				// the first occurrence may be earlier: check it's the first
				for (q = s; *q != c; q++)
					;
				if (p != q)
					mismatches++;
				mix((uint64_t)(p - s));
				mix((uint64_t)(strrchr(s, c) - s));
				mix((uint64_t)((char *)memchr(s, c, len) - s));
			}
			if (strchr(s, 0) != s + len)
				mismatches++;
			if (strchr(s, 0x80 | 0x02) != NULL &&
			    *strchr(s, 0x80 | 0x02) != (char)(0x80 | 0x02))
				mismatches++;
			{
				// strcmp/memcmp against a copy that differs at the end
				static char t[MAXLEN + 64];
				int r1, r2;
				memcpy(t, s, len + 1);
				if (strcmp(s, t) != 0 || memcmp(s, t, len) != 0)
					mismatches++;
				if (len > 0) {
					t[len - 1]++;
					r1 = strcmp(s, t);
					r2 = memcmp(s, t, len);
					mix(r1 < 0 ? 1 : r1 > 0 ? 2 : 3);
					if ((r1 < 0) != (r2 < 0) || r1 == 0)
						mismatches++;
					mix((uint64_t)strncmp(s, t, len - 1));
				}
			}
			tests++;
		}

	{
		char hay[] = "the quick brown fox jumps over the lazy dog";
		printf("strstr: %d %d %d\n", (int)(strstr(hay, "fox") - hay),
		       (int)(strstr(hay, "the l") - hay), strstr(hay, "cat") == NULL);
		printf("strspn=%zu strcspn=%zu\n", strspn(hay, "the "),
		       strcspn(hay, "xyz"));
	}
	printf("string tests=%ld mismatches=%ld hash=%016llx\n", tests,
	       mismatches, (unsigned long long)hash);
	return mismatches != 0;
}

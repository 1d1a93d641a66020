// malloc stresses the allocator (brk and mmap paths, realloc moves, frees
// in random order) and qsort, driven by a fixed-seed PRNG so the checksum
// is the same on every run. Each block is filled with a pattern derived from
// its slot and checked before it is freed, which catches emulated memory
// that loses or mixes up writes.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SLOTS 2048

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t next(void)
{
	// xorshift64*: deterministic and good enough to vary sizes and slots.
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545f4914f6cdd1dull;
}

// Blocks are marked at both ends and at every 1 KiB in between rather than
// byte by byte: that still touches every page of a large block and catches
// overlapping or lost blocks, at a cost an interpreter can afford.
#define MARK(p, i, tag) ((p)[i] = (unsigned char)((tag) * 31 + (i)))
#define MARKED(p, i, tag) ((p)[i] == (unsigned char)((tag) * 31 + (i)))

static void fill(unsigned char *p, size_t n, unsigned tag)
{
	size_t i;
	for (i = 0; i < n; i += 1024)
		MARK(p, i, tag);
	for (i = n > 8 ? n - 8 : 0; i < n; i++)
		MARK(p, i, tag);
}

// check verifies the marks that fill(p, n, tag) made below limit (limit is
// less than n after realloc shrinks a block).
static int check(const unsigned char *p, size_t n, unsigned tag, size_t limit)
{
	size_t i;
	for (i = 0; i < n && i < limit; i += 1024)
		if (!MARKED(p, i, tag))
			return 0;
	for (i = n > 8 ? n - 8 : 0; i < n && i < limit; i++)
		if (!MARKED(p, i, tag))
			return 0;
	return 1;
}

static int cmpu32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return (x > y) - (x < y);
}

static int cmpstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
	static unsigned char *ptr[SLOTS];
	static size_t len[SLOTS];
	static unsigned tag[SLOTS];
	long ops = argc > 1 ? atol(argv[1]) : 200000;
	long i, bad = 0, mallocs = 0, frees = 0, reallocs = 0, big = 0;
	uint64_t sum = 0;

	for (i = 0; i < ops; i++) {
		uint64_t r = next();
		unsigned s = (unsigned)(r % SLOTS);
		size_t n;

		if (r >> 58 == 0)
			n = 65536 + (r >> 20) % 200000; // mmap-sized
		else
			n = 1 + (r >> 20) % 512;
		if (ptr[s] == NULL) {
			ptr[s] = malloc(n);
			len[s] = n;
			tag[s] = (unsigned)i;
			fill(ptr[s], n, tag[s]);
			mallocs++;
			big += n >= 65536;
		} else if ((r >> 8) & 1) {
			bad += !check(ptr[s], len[s], tag[s], len[s]);
			sum += ptr[s][len[s] - 1];
			free(ptr[s]);
			ptr[s] = NULL;
			frees++;
		} else {
			size_t keep = len[s] < n ? len[s] : n;
			unsigned char *q = realloc(ptr[s], n);
			bad += !check(q, len[s], tag[s], keep);
			ptr[s] = q;
			len[s] = n;
			fill(q, n, tag[s]);
			reallocs++;
		}
	}
	for (i = 0; i < SLOTS; i++) {
		if (ptr[i]) {
			bad += !check(ptr[i], len[i], tag[i], len[i]);
			free(ptr[i]);
		}
	}
	printf("malloc: ops=%ld mallocs=%ld frees=%ld reallocs=%ld big=%ld\n",
	       ops, mallocs, frees, reallocs, big);
	printf("malloc: corrupt=%ld sum=%llu\n", bad, (unsigned long long)sum);

	{
		size_t n = 10000, k;
		uint32_t *v = malloc(n * sizeof *v);
		uint64_t h = 0;
		int sorted = 1;
		for (k = 0; k < n; k++)
			v[k] = (uint32_t)next();
		qsort(v, n, sizeof *v, cmpu32);
		for (k = 1; k < n; k++)
			sorted &= v[k - 1] <= v[k];
		for (k = 0; k < n; k++)
			h = h * 1000003 + v[k];
		printf("qsort u32: n=%zu sorted=%d min=%u max=%u hash=%016llx\n",
		       n, sorted, v[0], v[n - 1], (unsigned long long)h);
		free(v);
	}
	{
		size_t n = 2000, k;
		char **s = malloc(n * sizeof *s);
		uint64_t h = 0;
		int sorted = 1;
		for (k = 0; k < n; k++) {
			s[k] = malloc(16);
			snprintf(s[k], 16, "k%llx", (unsigned long long)(next() % 1000000));
		}
		qsort(s, n, sizeof *s, cmpstr);
		for (k = 1; k < n; k++)
			sorted &= strcmp(s[k - 1], s[k]) <= 0;
		for (k = 0; k < n; k++) {
			const char *c;
			for (c = s[k]; *c; c++)
				h = h * 131 + (unsigned char)*c;
			free(s[k]);
		}
		printf("qsort str: n=%zu sorted=%d hash=%016llx\n", n,
		       sorted, (unsigned long long)h);
		free(s);
	}
	return bad != 0;
}

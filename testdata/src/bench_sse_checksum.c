// bench_sse_checksum runs the two checksums that dominate compression and
// storage code over a 1 MiB buffer, 150 passes divided by argv[1]: Adler-32
// vectorised the way zlib and Chromium do it with SSSE3 (PMADDUBSW,
// PMADDWD, PSADBW on 32-byte blocks) and CRC32C with the SSE4.2 CRC32
// instruction over 64-bit words. It measures SSE integer throughput; it is
// built for x86-64-v2 (see V2_PROGS in build.sh). Both vector routines are
// checked against plain byte-at-a-time versions on a prefix of the buffer,
// and one byte changes between passes so no pass repeats another's work.
#include <nmmintrin.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tmmintrin.h>

#define SIZE (1 << 20)
#define CHECKED (64 * 1024)
#define BASE 65521u
// NMAX is the most bytes whose sums fit in 32 bits before reduction mod
// BASE, as in zlib.
#define NMAX 5552

static unsigned char buf[SIZE] __attribute__((aligned(16)));

static uint32_t adler32_scalar(uint32_t adler, const unsigned char *p, size_t n)
{
	uint32_t s1 = adler & 0xffff, s2 = adler >> 16;
	for (size_t i = 0; i < n; i++) {
		s1 = (s1 + p[i]) % BASE;
		s2 = (s2 + s1) % BASE;
	}
	return s2 << 16 | s1;
}

// adler32_ssse3 handles 32-byte blocks: PSADBW adds up the bytes for s1, and
// PMADDUBSW with the descending weights 32..1 followed by PMADDWD gives each
// block's contribution to s2; v_ps accumulates s1 as it was before each
// block, which contributes 32 times to s2.
static uint32_t adler32_ssse3(uint32_t adler, const unsigned char *p, size_t n)
{
	uint32_t s1 = adler & 0xffff, s2 = adler >> 16;
	size_t blocks = n / 32;
	const __m128i tap1 = _mm_setr_epi8(32, 31, 30, 29, 28, 27, 26, 25, 24, 23, 22, 21, 20, 19,
					   18, 17);
	const __m128i tap2 = _mm_setr_epi8(16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1);
	const __m128i zero = _mm_setzero_si128(), ones = _mm_set1_epi16(1);

	while (blocks) {
		size_t k = blocks < NMAX / 32 ? blocks : NMAX / 32;
		blocks -= k;
		__m128i v_ps = _mm_set_epi32(0, 0, 0, s1 * k);
		__m128i v_s2 = _mm_set_epi32(0, 0, 0, s2);
		__m128i v_s1 = zero;
		do {
			__m128i b1 = _mm_loadu_si128((const __m128i *)p);
			__m128i b2 = _mm_loadu_si128((const __m128i *)(p + 16));
			v_ps = _mm_add_epi32(v_ps, v_s1);
			v_s1 = _mm_add_epi32(v_s1, _mm_sad_epu8(b1, zero));
			v_s2 = _mm_add_epi32(v_s2, _mm_madd_epi16(_mm_maddubs_epi16(b1, tap1), ones));
			v_s1 = _mm_add_epi32(v_s1, _mm_sad_epu8(b2, zero));
			v_s2 = _mm_add_epi32(v_s2, _mm_madd_epi16(_mm_maddubs_epi16(b2, tap2), ones));
			p += 32;
		} while (--k);
		v_s2 = _mm_add_epi32(v_s2, _mm_slli_epi32(v_ps, 5));
		v_s1 = _mm_add_epi32(v_s1, _mm_shuffle_epi32(v_s1, _MM_SHUFFLE(2, 3, 0, 1)));
		v_s1 = _mm_add_epi32(v_s1, _mm_shuffle_epi32(v_s1, _MM_SHUFFLE(1, 0, 3, 2)));
		s1 += _mm_cvtsi128_si32(v_s1);
		v_s2 = _mm_add_epi32(v_s2, _mm_shuffle_epi32(v_s2, _MM_SHUFFLE(2, 3, 0, 1)));
		v_s2 = _mm_add_epi32(v_s2, _mm_shuffle_epi32(v_s2, _MM_SHUFFLE(1, 0, 3, 2)));
		s2 = _mm_cvtsi128_si32(v_s2);
		s1 %= BASE;
		s2 %= BASE;
	}
	return adler32_scalar(s2 << 16 | s1, p, n % 32);
}

static uint32_t crc32c_scalar(uint32_t crc, const unsigned char *p, size_t n)
{
	crc = ~crc;
	for (size_t i = 0; i < n; i++) {
		crc ^= p[i];
		for (int b = 0; b < 8; b++)
			crc = crc >> 1 ^ (0x82f63b78u & -(crc & 1));
	}
	return ~crc;
}

static uint32_t crc32c_sse42(uint32_t crc, const unsigned char *p, size_t n)
{
	uint64_t c = ~crc;
	size_t i = 0;
	for (; i + 8 <= n; i += 8) {
		uint64_t w;
		memcpy(&w, p + i, 8);
		c = _mm_crc32_u64(c, w);
	}
	for (; i < n; i++)
		c = _mm_crc32_u8((uint32_t)c, p[i]);
	return ~(uint32_t)c;
}

int main(int argc, char **argv)
{
	long div = argc > 1 ? atol(argv[1]) : 1;
	long passes = 150 / (div > 0 ? div : 1);
	uint64_t x = 0x2545f4914f6cdd1dULL, h = 0;
	int bad = 0;

	if (passes < 1)
		passes = 1;
	for (size_t i = 0; i < SIZE; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		// Mostly high bytes, so the 16-bit PMADDUBSW sums come near their
		// limit and an emulator that saturates or wraps wrongly shows it.
		buf[i] = (unsigned char)(x >> 56 | 0xc0);
		if (x & 0x100)
			buf[i] = (unsigned char)(x >> 24);
	}
	// An odd length leaves tails for both routines' scalar remainders.
	if (adler32_ssse3(1, buf, CHECKED - 3) != adler32_scalar(1, buf, CHECKED - 3))
		bad |= 1;
	if (crc32c_sse42(0, buf, CHECKED - 3) != crc32c_scalar(0, buf, CHECKED - 3))
		bad |= 2;
	for (long pass = 0; pass < passes; pass++) {
		buf[(size_t)pass * 4099 % SIZE] += 1;
		uint32_t a = adler32_ssse3(1, buf, SIZE), c = crc32c_sse42(0, buf, SIZE);
		h = (h ^ a) * 0x100000001b3ULL ^ c;
	}
	printf("sse_checksum mib=1 passes=%ld adler32=%08x crc32c=%08x hash=%016llx scalar=%s\n",
	       passes, adler32_ssse3(1, buf, SIZE), crc32c_sse42(0, buf, SIZE),
	       (unsigned long long)h, bad ? "MISMATCH" : "ok");
	return bad != 0;
}

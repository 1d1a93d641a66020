// simd exercises the x86-64-v2 vector extensions through compiler
// intrinsics (SSSE3, SSE4.1, SSE4.2 string compares and CRC32, PCLMULQDQ,
// AES-NI),
// loops GCC auto-vectorises at -O3 -march=x86-64-v2, and the libc string
// functions whose ifunc resolvers pick SSSE3/SSE4.2 variants when CPUID
// reports them. Everything printed is a value or a checksum, so the output
// is the same on every x86-64-v2 CPU.
#include <nmmintrin.h>
#include <smmintrin.h>
#include <tmmintrin.h>
#include <wmmintrin.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static __m128i rnd128(void)
{
	return _mm_set_epi64x((long long)next(), (long long)next());
}

static void put(const char *name, __m128i v)
{
	uint64_t q[2];
	_mm_storeu_si128((__m128i *)q, v);
	printf("%-12s %016llx%016llx\n", name, (unsigned long long)q[1], (unsigned long long)q[0]);
}

static uint64_t fold(uint64_t h, __m128i v)
{
	uint64_t q[2];
	_mm_storeu_si128((__m128i *)q, v);
	h = (h ^ q[0]) * 0x100000001b3ull;
	return (h ^ q[1]) * 0x100000001b3ull;
}

static void ssse3(void)
{
	__m128i a = _mm_setr_epi8(1, -2, 3, -4, 5, -6, 7, -8, 9, -10, 11, -12, 13, -14, 127, -128);
	__m128i rev = _mm_setr_epi8(15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0);
	put("pshufb rev", _mm_shuffle_epi8(a, rev));
	put("pshufb zero", _mm_shuffle_epi8(a, _mm_setr_epi8(0, -1, 2, -128, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)));
	// Nibble popcount by table lookup.
	__m128i lut = _mm_setr_epi8(0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4);
	__m128i x = _mm_set1_epi8(0x5b), lo = _mm_and_si128(x, _mm_set1_epi8(15));
	__m128i hi = _mm_and_si128(_mm_srli_epi16(x, 4), _mm_set1_epi8(15));
	put("popcnt lut", _mm_add_epi8(_mm_shuffle_epi8(lut, lo), _mm_shuffle_epi8(lut, hi)));
	put("palignr 5", _mm_alignr_epi8(a, rev, 5));
	put("palignr 20", _mm_alignr_epi8(a, rev, 20));
	put("phaddw", _mm_hadd_epi16(a, rev));
	put("phaddsw", _mm_hadds_epi16(_mm_set1_epi16(30000), a));
	put("phsubd", _mm_hsub_epi32(a, rev));
	put("pmaddubsw", _mm_maddubs_epi16(_mm_set1_epi8(-1), a));
	put("pmulhrsw", _mm_mulhrs_epi16(a, _mm_set1_epi16(-32768)));
	put("psignb", _mm_sign_epi8(rev, a));
	put("pabsb", _mm_abs_epi8(a));
	put("pabsd", _mm_abs_epi32(_mm_setr_epi32(-1, 0x80000000, 5, -7)));
	uint64_t h = 0;
	for (int i = 0; i < 1000; i++) {
		__m128i p = rnd128(), q = rnd128();
		h = fold(h, _mm_shuffle_epi8(p, q));
		h = fold(h, _mm_hadd_epi32(p, q));
		h = fold(h, _mm_hsubs_epi16(p, q));
		h = fold(h, _mm_maddubs_epi16(p, q));
		h = fold(h, _mm_mulhrs_epi16(p, q));
		h = fold(h, _mm_sign_epi16(p, q));
		h = fold(h, _mm_abs_epi16(q));
		h = fold(h, _mm_alignr_epi8(p, q, 7));
	}
	printf("ssse3 hash %016llx\n", (unsigned long long)h);
	// MMX forms.
	__m64 m = _mm_shuffle_pi8(_mm_set_pi8(8, 7, 6, 5, 4, 3, 2, 1), _mm_set_pi8(0, 1, 2, 3, -1, 5, 6, 7));
	__m64 n = _mm_hadd_pi16(_mm_set_pi16(1, 2, 3, 4), _mm_set_pi16(-5, 6, 7, 8));
	__m64 o = _mm_alignr_pi8(_mm_set_pi8(8, 7, 6, 5, 4, 3, 2, 1), _mm_set_pi8(16, 15, 14, 13, 12, 11, 10, 9), 3);
	printf("mmx %016llx %016llx %016llx\n", (unsigned long long)_mm_cvtm64_si64(m),
	       (unsigned long long)_mm_cvtm64_si64(n), (unsigned long long)_mm_cvtm64_si64(o));
	_mm_empty();
}

static void sse41(void)
{
	__m128i a = _mm_setr_epi32(1, -2, 0x7fffffff, (int)0x80000000);
	__m128i b = _mm_setr_epi32(-1, 3, -5, 7);
	put("pblendw", _mm_blend_epi16(a, b, 0xa5));
	put("pblendvb", _mm_blendv_epi8(a, b, _mm_setr_epi8(-1, 0, -1, 0, 1, -128, 0, 0, -1, -1, -1, -1, 0, 0, 0, -1)));
	__m128 fa = _mm_setr_ps(1.5f, -2.5f, 3.25f, -0.0f), fb = _mm_setr_ps(10, 20, 30, 40);
	__m128d da = _mm_setr_pd(2.5, -3.5), db = _mm_setr_pd(1e300, -1e-300);
	put("blendps", _mm_castps_si128(_mm_blend_ps(fa, fb, 5)));
	put("blendvps", _mm_castps_si128(_mm_blendv_ps(fa, fb, fa)));
	put("blendvpd", _mm_castpd_si128(_mm_blendv_pd(da, db, da)));
	printf("ptest z=%d c=%d nzc=%d z0=%d\n", _mm_testz_si128(a, b), _mm_testc_si128(a, b),
	       _mm_testnzc_si128(a, b), _mm_testz_si128(a, _mm_setzero_si128()));
	put("pminsd", _mm_min_epi32(a, b));
	put("pmaxud", _mm_max_epu32(a, b));
	put("pminuw", _mm_min_epu16(a, b));
	put("pmaxsb", _mm_max_epi8(a, b));
	put("pmovsxbd", _mm_cvtepi8_epi32(b));
	put("pmovzxwq", _mm_cvtepu16_epi64(a));
	put("pmovsxdq", _mm_cvtepi32_epi64(a));
	printf("pextr %d %d %d %lld %08x\n", _mm_extract_epi8(a, 13), _mm_extract_epi16(b, 5), _mm_extract_epi32(a, 3),
	       (long long)_mm_extract_epi64(b, 1), (unsigned)_mm_extract_ps(fa, 2));
	put("pinsr", _mm_insert_epi64(_mm_insert_epi32(_mm_insert_epi8(a, 0x99, 7), 42, 2), -3, 0));
	put("insertps", _mm_castps_si128(_mm_insert_ps(fa, fb, 0x9a)));
	put("roundps", _mm_castps_si128(_mm_round_ps(fa, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC)));
	put("floorpd", _mm_castpd_si128(_mm_floor_pd(da)));
	put("ceilss", _mm_castps_si128(_mm_ceil_ss(fb, fa)));
	put("roundsd", _mm_castpd_si128(_mm_round_sd(da, db, _MM_FROUND_TO_ZERO)));
	put("dpps", _mm_castps_si128(_mm_dp_ps(fa, fb, 0xf3)));
	put("dppd", _mm_castpd_si128(_mm_dp_pd(da, _mm_setr_pd(0.1, 0.2), 0x31)));
	put("mpsadbw", _mm_mpsadbw_epu8(_mm_setr_epi8(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16), b, 5));
	put("packusdw", _mm_packus_epi32(a, b));
	put("pcmpeqq", _mm_cmpeq_epi64(a, _mm_setr_epi32(1, -2, 0, 0)));
	put("phminposuw", _mm_minpos_epu16(_mm_setr_epi16(9, 8, 7, 3, 5, 3, 100, 4)));
	put("pmulld", _mm_mullo_epi32(a, b));
	put("pmuldq", _mm_mul_epi32(a, b));
	static __m128i nt = {0x1122334455667788ll, -1};
	put("movntdqa", _mm_stream_load_si128(&nt));
	uint64_t h = 0;
	for (int i = 0; i < 1000; i++) {
		__m128i p = rnd128(), q = rnd128();
		h = fold(h, _mm_blendv_epi8(p, q, p));
		h = fold(h, _mm_max_epi32(p, q));
		h = fold(h, _mm_min_epu32(p, q));
		h = fold(h, _mm_packus_epi32(p, q));
		h = fold(h, _mm_mullo_epi32(p, q));
		h = fold(h, _mm_mpsadbw_epu8(p, q, 2));
		h = fold(h, _mm_minpos_epu16(p));
		h += _mm_testc_si128(p, q) + 2 * _mm_testz_si128(p, q);
	}
	printf("sse41 hash %016llx\n", (unsigned long long)h);
}

static void sse42(void)
{
	const char *text = "The quick brown fox jumps over the lazy dog, 0123456789!";
	__m128i t = _mm_loadu_si128((const __m128i *)text);
	__m128i vowels = _mm_setr_epi8('a', 'e', 'i', 'o', 'u', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
	__m128i range = _mm_setr_epi8('a', 'z', 'A', 'Z', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
	__m128i word = _mm_setr_epi8('b', 'r', 'o', 'w', 'n', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
	printf("pcmpistri any=%d any-last=%d ranges-neg=%d ordered=%d each=%d\n",
	       _mm_cmpistri(vowels, t, _SIDD_CMP_EQUAL_ANY),
	       _mm_cmpistri(vowels, t, _SIDD_CMP_EQUAL_ANY | _SIDD_MOST_SIGNIFICANT),
	       _mm_cmpistri(range, t, _SIDD_CMP_RANGES | _SIDD_NEGATIVE_POLARITY),
	       _mm_cmpistri(word, t, _SIDD_CMP_EQUAL_ORDERED),
	       _mm_cmpistri(t, t, _SIDD_CMP_EQUAL_EACH | _SIDD_NEGATIVE_POLARITY));
	printf("pcmpistr flags c=%d z=%d s=%d o=%d a=%d\n", _mm_cmpistrc(vowels, t, 0), _mm_cmpistrz(vowels, t, 0),
	       _mm_cmpistrs(vowels, t, 0), _mm_cmpistro(vowels, t, 0), _mm_cmpistra(vowels, t, 0));
	put("pcmpistrm", _mm_cmpistrm(vowels, t, _SIDD_CMP_EQUAL_ANY | _SIDD_UNIT_MASK));
	put("pcmpestrm w", _mm_cmpestrm(range, 4, t, 12, _SIDD_UWORD_OPS | _SIDD_CMP_RANGES));
	printf("pcmpestri %d %d\n", _mm_cmpestri(word, 3, t, 16, _SIDD_CMP_EQUAL_ORDERED),
	       _mm_cmpestri(vowels, 5, t, 9, _SIDD_SBYTE_OPS | _SIDD_CMP_EQUAL_ANY | _SIDD_MASKED_NEGATIVE_POLARITY));
	put("pcmpgtq", _mm_cmpgt_epi64(_mm_set_epi64x(-1, 5), _mm_set_epi64x(-2, 5)));
	uint32_t c = 0xffffffff;
	for (size_t i = 0; text[i]; i++)
		c = _mm_crc32_u8(c, (unsigned char)text[i]);
	uint64_t c64 = 0;
	for (int i = 0; i + 8 <= 56; i += 8) {
		uint64_t v;
		memcpy(&v, text + i, 8);
		c64 = _mm_crc32_u64(c64, v);
	}
	printf("crc32c u8=%08x u16=%08x u32=%08x u64=%08llx\n", ~c, _mm_crc32_u16(1, 0xbeef),
	       _mm_crc32_u32(0x12345678, 0xdeadbeef), (unsigned long long)c64);
	uint64_t h = 0;
	for (int i = 0; i < 2000; i++) {
		__m128i p = _mm_and_si128(rnd128(), _mm_set1_epi8(0x67)), q = _mm_and_si128(rnd128(), _mm_set1_epi8(0x67));
		int la = (int)(next() % 20) - 2, lb = (int)(next() % 20) - 2;
		h = h * 31 + _mm_cmpistri(p, q, _SIDD_CMP_EQUAL_ORDERED);
		h = h * 31 + _mm_cmpestri(p, la, q, lb, _SIDD_UWORD_OPS | _SIDD_CMP_RANGES | _SIDD_MOST_SIGNIFICANT);
		h = h * 31 + _mm_cmpestrc(p, la, q, lb, _SIDD_SWORD_OPS | _SIDD_CMP_EQUAL_EACH);
		h = fold(h, _mm_cmpistrm(p, q, _SIDD_CMP_EQUAL_ANY | _SIDD_MASKED_NEGATIVE_POLARITY));
		h = h * 31 + (uint32_t)_mm_crc32_u64(h, next());
	}
	printf("sse42 hash %016llx\n", (unsigned long long)h);
}

static void clmul(void)
{
	__m128i a = _mm_set_epi64x(0x8000000000000001ll, 0x123456789abcdef0ll);
	__m128i b = _mm_set_epi64x(-1, 0x0fedcba987654321ll);
	put("pclmul 00", _mm_clmulepi64_si128(a, b, 0x00));
	put("pclmul 01", _mm_clmulepi64_si128(a, b, 0x01));
	put("pclmul 10", _mm_clmulepi64_si128(a, b, 0x10));
	put("pclmul 11", _mm_clmulepi64_si128(a, b, 0x11));
	// GHASH-style multiply-accumulate chain.
	__m128i acc = _mm_setzero_si128();
	for (int i = 0; i < 1000; i++) {
		__m128i p = rnd128();
		acc = _mm_xor_si128(acc, _mm_clmulepi64_si128(p, acc, 0x01));
		acc = _mm_xor_si128(acc, _mm_clmulepi64_si128(p, b, 0x10));
		acc = _mm_shuffle_epi32(acc, 0x4e);
	}
	put("clmul chain", acc);
}

// AES-128 (FIPS-197 appendix C.1) with AES-NI: key expansion with
// AESKEYGENASSIST, encryption, and decryption through AESIMC keys.
static __m128i expand(__m128i k, __m128i t)
{
	t = _mm_shuffle_epi32(t, 0xff);
	k = _mm_xor_si128(k, _mm_slli_si128(k, 4));
	k = _mm_xor_si128(k, _mm_slli_si128(k, 4));
	k = _mm_xor_si128(k, _mm_slli_si128(k, 4));
	return _mm_xor_si128(k, t);
}

static void aes(void)
{
	static const uint8_t key[16] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
	static const uint8_t pt[16] = {0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
				       0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff};
	__m128i rk[11];
	rk[0] = _mm_loadu_si128((const __m128i *)key);
#define EXP(i, rcon) rk[i] = expand(rk[i - 1], _mm_aeskeygenassist_si128(rk[i - 1], rcon))
	EXP(1, 0x01); EXP(2, 0x02); EXP(3, 0x04); EXP(4, 0x08); EXP(5, 0x10);
	EXP(6, 0x20); EXP(7, 0x40); EXP(8, 0x80); EXP(9, 0x1b); EXP(10, 0x36);
	__m128i b = _mm_xor_si128(_mm_loadu_si128((const __m128i *)pt), rk[0]);
	for (int i = 1; i < 10; i++)
		b = _mm_aesenc_si128(b, rk[i]);
	b = _mm_aesenclast_si128(b, rk[10]);
	uint8_t out[16];
	_mm_storeu_si128((__m128i *)out, b);
	printf("aes128 ct ");
	for (int i = 0; i < 16; i++)
		printf("%02x", out[i]);
	b = _mm_xor_si128(b, rk[10]);
	for (int i = 9; i > 0; i--)
		b = _mm_aesdec_si128(b, _mm_aesimc_si128(rk[i]));
	b = _mm_aesdeclast_si128(b, rk[0]);
	_mm_storeu_si128((__m128i *)out, b);
	printf(" pt ");
	for (int i = 0; i < 16; i++)
		printf("%02x", out[i]);
	printf("\n");
}

// Loops GCC vectorises for SSE4.1/SSE4.2 at -O3 -march=x86-64-v2.
#define N 1024
static int32_t ia[N], ib[N], ic[N];
static int8_t sb[N];
static uint16_t uw[N];
static int64_t qa[N], qb[N];
static float fa[N];
static double da[N];

__attribute__((noinline)) static void vec_loops(void)
{
	for (int i = 0; i < N; i++)
		ic[i] = ia[i] * ib[i] + (ia[i] < ib[i] ? ia[i] : ib[i]); // pmulld, pminsd
	for (int i = 0; i < N; i++)
		ia[i] = sb[i] + uw[i];                                  // pmovsx/pmovzx
	for (int i = 0; i < N; i++)
		qa[i] = qa[i] > qb[i] ? qa[i] : qb[i];                 // pcmpgtq + blendv
	for (int i = 0; i < N; i++)
		ib[i] = ib[i] < 0 ? -ib[i] : ib[i];                    // pabsd
	for (int i = 0; i < N; i++)
		fa[i] = __builtin_floorf(fa[i] * 3.7f);                // roundps
	for (int i = 0; i < N; i++)
		da[i] = __builtin_ceil(da[i]) + __builtin_trunc(da[i] * 0.3); // roundpd
}

static void autovec(void)
{
	for (int i = 0; i < N; i++) {
		ia[i] = (int32_t)next();
		ib[i] = (int32_t)next();
		sb[i] = (int8_t)next();
		uw[i] = (uint16_t)next();
		qa[i] = (int64_t)next();
		qb[i] = (int64_t)next();
		fa[i] = (float)(int32_t)next() / 65536.0f;
		da[i] = (double)(int64_t)next() / 4294967296.0;
	}
	vec_loops();
	uint64_t h = 0;
	for (int i = 0; i < N; i++) {
		uint32_t f;
		uint64_t d;
		memcpy(&f, &fa[i], 4);
		memcpy(&d, &da[i], 8);
		h = (h ^ (uint32_t)ia[i] ^ (uint64_t)ib[i] << 32) * 0x100000001b3ull;
		h = (h ^ (uint32_t)ic[i] ^ (uint64_t)qa[i]) * 0x100000001b3ull;
		h = (h ^ f ^ d) * 0x100000001b3ull;
	}
	printf("autovec hash %016llx\n", (unsigned long long)h);
}

// String functions: glibc's ifunc resolvers choose SSE4.2 (PCMPISTRI)
// and SSSE3 variants for several of these once CPUID reports them.
static void strings(void)
{
	static char buf[4096 + 64];
	uint64_t h = 0;
	for (int round = 0; round < 200; round++) {
		size_t len = next() % 300, off = next() % 48;
		char *s = buf + off;
		for (size_t i = 0; i < len; i++)
			s[i] = "abcdefgXYZ ,.-\x80\xff"[next() % 16];
		s[len] = 0;
		char acc[5] = {0};
		for (int k = 0; k < 4; k++)
			acc[k] = "abcdefgXYZ ,.-"[next() % 14];
		char needle[4] = {s[len / 2], s[len / 2 + 1], 0, 0};
		if (len < 2)
			needle[0] = 'q';
		char *pb = strpbrk(s, acc), *ss = strstr(s, needle);
		h = h * 131 + strspn(s, acc);
		h = h * 131 + strcspn(s, acc);
		h = h * 131 + (pb ? (size_t)(pb - s) : 9999);
		h = h * 131 + (ss ? (size_t)(ss - s) : 9999);
		h = h * 131 + (uint32_t)(strcasecmp(s, s + len / 3) > 0);
		h = h * 131 + (uint32_t)(strncasecmp(s, "ABCDEFG", 4) > 0);
		h = h * 131 + (uint32_t)(strcmp(s, s + 1) > 0);
		h = h * 131 + (uint32_t)(memcmp(s, s + 2, len / 2) > 0);
		h = h * 131 + strlen(s) + strnlen(s, len / 2);
		memmove(buf + 3, buf + 17, len);
		memcpy(buf + 1000 + off, buf + off, len);
		h = h * 131 + (uint8_t)buf[1000 + off + len / 2];
		char *r = strrchr(s, 'a');
		h = h * 131 + (r ? (size_t)(r - s) : 7777);
	}
	printf("strings hash %016llx\n", (unsigned long long)h);
}

int main(void)
{
	ssse3();
	sse41();
	sse42();
	clmul();
	aes();
	autovec();
	strings();
	return 0;
}

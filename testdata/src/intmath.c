// intmath drives the integer ALU: every operation is folded into a
// per-operation checksum over all pairs of interesting inputs, so a wrong
// flag or a wrong edge case changes exactly one named output line. Inputs go
// through a volatile array so the compiler cannot fold the arithmetic away.
#include <limits.h>
#include <stdint.h>
#include <stdio.h>

static volatile uint64_t seeds[] = {
	0, 1, 2, 3, 7, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff,
	0x7fffffff, 0x80000000, 0xffffffff, 0x100000000ull,
	0x7fffffffffffffffull, 0x8000000000000000ull, 0xffffffffffffffffull,
	0xfffffffffffffffeull, 0x123456789abcdef0ull, 0xdeadbeefcafebabeull,
	0x0f0f0f0f0f0f0f0full, 0x5555555555555555ull, 12345, 1000000007,
	0xffffffff80000000ull, 0x00000000fffffffeull,
};
#define N (sizeof(seeds) / sizeof(seeds[0]))

static uint64_t h;

static void mix(uint64_t v)
{
	// FNV-1a over the 8 bytes: order-sensitive, cheap.
	int i;
	for (i = 0; i < 8; i++) {
		h ^= (v >> (8 * i)) & 0xff;
		h *= 0x100000001b3ull;
	}
}

#define BEGIN() (h = 0xcbf29ce484222325ull)
#define END(name) printf("%-10s %016llx\n", name, (unsigned long long)h)

#define PAIRS(body)                               \
	for (i = 0; i < N; i++)                   \
		for (j = 0; j < N; j++) {         \
			uint64_t a = seeds[i];    \
			uint64_t b = seeds[j];    \
			(void)a;                  \
			(void)b;                  \
			body;                     \
		}

int main(void)
{
	size_t i, j;

	BEGIN(); PAIRS(mix(a + b)) END("add64");
	BEGIN(); PAIRS(mix(a - b)) END("sub64");
	BEGIN(); PAIRS(mix(a * b)) END("mul64");
	BEGIN(); PAIRS(mix((uint32_t)a + (uint32_t)b)) END("add32");
	BEGIN(); PAIRS(mix((uint32_t)a * (uint32_t)b)) END("mul32");
	BEGIN(); PAIRS(mix((uint16_t)((uint16_t)a * (uint16_t)b))) END("mul16");
	BEGIN(); PAIRS(mix((int8_t)((int8_t)a + (int8_t)b))) END("add8");
	BEGIN(); PAIRS(mix((int64_t)a < (int64_t)b)) END("lt_s64");
	BEGIN(); PAIRS(mix(a < b)) END("lt_u64");
	BEGIN(); PAIRS(mix((int32_t)a <= (int32_t)b)) END("le_s32");
	BEGIN(); PAIRS(if (b) mix(a / b)) END("divu64");
	BEGIN(); PAIRS(if (b) mix(a % b)) END("modu64");
	BEGIN();
	PAIRS(if (b && !((int64_t)a == INT64_MIN && (int64_t)b == -1))
		      mix((int64_t)a / (int64_t)b))
	END("divs64");
	BEGIN();
	PAIRS(if (b && !((int64_t)a == INT64_MIN && (int64_t)b == -1))
		      mix((int64_t)a % (int64_t)b))
	END("mods64");
	BEGIN(); PAIRS(if ((uint32_t)b) mix((uint32_t)a / (uint32_t)b)) END("divu32");
	BEGIN();
	PAIRS(if ((int32_t)b && !((int32_t)a == INT32_MIN && (int32_t)b == -1))
		      mix((int32_t)a % (int32_t)b))
	END("mods32");
	BEGIN(); PAIRS(if ((uint16_t)b) mix((uint16_t)a / (uint16_t)b)) END("divu16");
	BEGIN(); PAIRS(if ((uint8_t)b) mix((uint8_t)a % (uint8_t)b)) END("modu8");

	BEGIN();
	PAIRS({
		unsigned __int128 p = (unsigned __int128)a * b;
		mix((uint64_t)p);
		mix((uint64_t)(p >> 64));
	})
	END("mulu128");
	BEGIN();
	PAIRS({
		__int128 p = (__int128)(int64_t)a * (int64_t)b;
		mix((uint64_t)p);
		mix((uint64_t)((unsigned __int128)p >> 64));
	})
	END("muls128");
	BEGIN();
	PAIRS({
		unsigned __int128 n = ((unsigned __int128)a << 64) | b;
		unsigned __int128 d = (unsigned __int128)b | 1;
		mix((uint64_t)(n / d));
		mix((uint64_t)((n / d) >> 64));
		mix((uint64_t)(n % d));
	})
	END("divu128");
	BEGIN();
	PAIRS({
		__int128 n = (__int128)(((unsigned __int128)a << 64) | b);
		__int128 d = (__int128)(int64_t)(b | 1);
		mix((uint64_t)(n / d));
		mix((uint64_t)(n % d));
	})
	END("divs128");

	BEGIN();
	PAIRS({
		int64_t r;
		mix(__builtin_add_overflow((int64_t)a, (int64_t)b, &r));
		mix((uint64_t)r);
		mix(__builtin_sub_overflow((int64_t)a, (int64_t)b, &r));
		mix((uint64_t)r);
		mix(__builtin_mul_overflow((int64_t)a, (int64_t)b, &r));
		mix((uint64_t)r);
	})
	END("ovf_s64");
	BEGIN();
	PAIRS({
		uint32_t r;
		int32_t s;
		mix(__builtin_add_overflow((uint32_t)a, (uint32_t)b, &r));
		mix(r);
		mix(__builtin_mul_overflow((uint32_t)a, (uint32_t)b, &r));
		mix(r);
		mix(__builtin_mul_overflow((int32_t)a, (int32_t)b, &s));
		mix((uint32_t)s);
	})
	END("ovf_32");

	// Shift counts come from the data, so the CPU's count masking matters.
	BEGIN(); PAIRS(mix(a << (b & 63))) END("shl64");
	BEGIN(); PAIRS(mix(a >> (b & 63))) END("shr64");
	BEGIN(); PAIRS(mix((uint64_t)((int64_t)a >> (b & 63)))) END("sar64");
	BEGIN(); PAIRS(mix((uint32_t)a << (b & 31))) END("shl32");
	BEGIN(); PAIRS(mix((uint32_t)((int32_t)a >> (b & 31)))) END("sar32");
	BEGIN(); PAIRS(mix((uint16_t)((uint16_t)a >> (b & 15)))) END("shr16");
	BEGIN();
	PAIRS({
		unsigned c = b & 63;
		mix((a << c) | (a >> ((64 - c) & 63)));
	})
	END("rol64");
	BEGIN();
	PAIRS({
		unsigned c = b & 31;
		uint32_t x = (uint32_t)a;
		mix((x >> c) | (x << ((32 - c) & 31)));
	})
	END("ror32");
	BEGIN();
	PAIRS({
		// Double-precision shift: what shld/shrd compute.
		unsigned c = (b & 63) | 1;
		mix((a << c) | (b >> (64 - c)));
	})
	END("shld64");

	BEGIN();
	for (i = 0; i < N; i++) {
		uint64_t a = seeds[i];
		mix((uint64_t)__builtin_popcountll(a));
		mix((uint64_t)__builtin_popcount((uint32_t)a));
		mix(a ? (uint64_t)__builtin_clzll(a) : 99);
		mix(a ? (uint64_t)__builtin_ctzll(a) : 99);
		mix((uint32_t)a ? (uint64_t)__builtin_clz((uint32_t)a) : 99);
		mix((uint32_t)a ? (uint64_t)__builtin_ctz((uint32_t)a) : 99);
		mix((uint64_t)__builtin_ffsll((long long)a));
		mix((uint64_t)__builtin_parityll(a));
		mix((uint64_t)__builtin_clrsbll((long long)a));
	}
	END("bitcount");
	BEGIN();
	for (i = 0; i < N; i++) {
		uint64_t a = seeds[i];
		mix(__builtin_bswap64(a));
		mix(__builtin_bswap32((uint32_t)a));
		mix(__builtin_bswap16((uint16_t)a));
		mix(a & (a - 1));	  // clear lowest set bit
		mix(a & -a);		  // isolate lowest set bit
		mix(a ^ (a >> 1));	  // Gray code
		mix((uint64_t)(int64_t)(int32_t)a); // sign extension
		mix((uint64_t)(int64_t)(int8_t)a);
		mix((uint64_t)(int64_t)(int16_t)a);
		mix((uint64_t)(-(int64_t)a));
		mix(~a);
		mix((int64_t)a < 0 ? -(uint64_t)a : a); // abs
	}
	END("bittricks");

	// A few plain results, so a human can read something concrete.
	printf("%lld %lld\n", (long long)((int64_t)seeds[17] / 3),
	       (long long)((int64_t)seeds[18] % 7));
	printf("%llu\n", (unsigned long long)(seeds[16] * seeds[21]));
	printf("%d %d %d\n", __builtin_popcountll(seeds[21]),
	       __builtin_clzll(seeds[13]), __builtin_ctzll(seeds[15]));
	return 0;
}

// fp exercises SSE2 scalar arithmetic and conversions, libm, and the libc
// float formatting and parsing paths; musl formats doubles with long double
// (x87) arithmetic, so printf here also exercises the x87 unit. Inputs come
// through volatiles so the compiler cannot compute results at build time.
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static volatile double vals[] = {
	0.0, -0.0, 1.0, -1.0, 0.1, 0.5, 1.5, 2.5, -2.5, 3.141592653589793,
	1e-300, 4.9406564584124654e-324, 2.2250738585072014e-308,
	1.7976931348623157e308, 123456789.125, -987654321.987654321, 1e15,
	9007199254740993.0, 4294967296.5, -2147483648.7, 9.2233720368547758e18,
	1e19, -1e19, 6.02214076e23, 0.3333333333333333,
};
#define N (sizeof(vals) / sizeof(vals[0]))

static uint64_t bits(double d)
{
	uint64_t u;
	memcpy(&u, &d, 8);
	return u;
}

int main(void)
{
	size_t i, j;
	static const char *strs[] = {
		"0", "-0", "1", "0.1", "1e23", "2.2250738585072011e-308",
		"4.9406564584124654e-324", "1.7976931348623157e308", "1e309",
		"-1e-400", "0x1.8p1", "inf", "-Infinity", "nan", "123.456e-7",
		"9007199254740993", "3.14159265358979323846264338327950288",
		"  42.5xyz", "1.00000000000000011102230246251565404236316680908203125",
	};

	for (i = 0; i < N; i++) {
		double d = vals[i];
		printf("%%f=%f %%g=%g %%e=%e %%.17g=%.17g %%a=%a\n", d, d, d, d, d);
	}
	printf("%.0f %.0f %.0f %.0f (round half even)\n", 0.5, 1.5, 2.5, -0.5);
	printf("%10.3f|%-10.2e|%+g|% g|%#g\n", vals[9], vals[9], vals[2],
	       vals[2], vals[2]);
	printf("%f %f %f %g\n", (double)INFINITY, -(double)INFINITY,
	       (double)NAN, -vals[0]);
	printf("%.40f\n", vals[4]);
	printf("%.3e %.20e\n", vals[13], vals[11]);

	for (i = 0; i < sizeof strs / sizeof strs[0]; i++) {
		char *end, again[64];
		double d = strtod(strs[i], &end);
		snprintf(again, sizeof again, "%.17g", d);
		printf("strtod(\"%s\") = %.17g bits=%016llx used=%d roundtrip=%d\n",
		       strs[i], d, (unsigned long long)bits(d),
		       (int)(end - strs[i]),
		       isnan(d) || strtod(again, NULL) == d);
	}

	// Conversions, including out-of-range ones where x86 produces the
	// "integer indefinite" value.
	for (i = 0; i < N; i++) {
		double d = vals[i];
		printf("conv %.17g: i32=%d i64=%lld f=%.9g",
		       d, (int)(float)(fabs(d) < 2e9 ? d : 0), (long long)(fabs(d) < 9e18 ? d : 0),
		       (double)(float)d);
		printf(" u64=%llu lrint=%ld\n",
		       (unsigned long long)(d >= 0 && d < 1.8e19 ? d : 0),
		       fabs(d) < 9e18 ? lrint(d) : 0L);
	}
	{
		volatile int64_t big[] = {INT64_MAX, INT64_MIN, 9007199254740993LL, -3};
		volatile uint64_t ubig[] = {UINT64_MAX, 1ULL << 63, 12345678901234567ULL};
		for (i = 0; i < 4; i++)
			printf("i64->double %.17g float %.9g\n", (double)big[i],
			       (double)(float)big[i]);
		for (i = 0; i < 3; i++)
			printf("u64->double %.17g\n", (double)ubig[i]);
	}

	{
		uint64_t h = 0;
		for (i = 0; i < N; i++)
			for (j = 0; j < N; j++) {
				double a = vals[i], b = vals[j];
				h = h * 31 + bits(a + b);
				h = h * 31 + bits(a - b);
				h = h * 31 + bits(a * b);
				if (b != 0)
					h = h * 31 + bits(a / b);
				h = h * 31 + (a < b) + 2 * (a == b);
				h = h * 31 + bits((double)((float)a * (float)b));
			}
		printf("arith hash %016llx\n", (unsigned long long)h);
	}
	for (i = 0; i < N; i++) {
		double d = fabs(vals[i]);
		printf("sqrt(%g)=%.17g floor=%g ceil=%g round=%g trunc=%g\n", d,
		       sqrt(d), floor(vals[i]), ceil(vals[i]), round(vals[i]),
		       trunc(vals[i]));
	}
	printf("sqrt(-1) is nan: %d\n", isnan(sqrt(-vals[2])));
	printf("1/0=%g -1/0=%g 0/0 nan=%d\n", vals[2] / vals[0],
	       -vals[2] / vals[0], isnan(vals[0] / vals[0]));
	printf("exp(1)=%.17g log(10)=%.17g sin(1)=%.17g pow(2,0.5)=%.17g\n",
	       exp(vals[2]), log(10 * vals[2]), sin(vals[2]), pow(2, vals[5]));
	printf("fmod(10,3)=%g atan2(1,1)*4=%.17g\n", fmod(10 * vals[2], 3),
	       atan2(vals[2], vals[2]) * 4);
	{
		volatile long double x = 1.0L;
		long double third = x / 3, r = sqrtl(x * 2);
		printf("long double: 1/3=%.21Lg sqrt2=%.21Lg big=%Lg\n", third, r,
		       x * 1e4000L);
	}
	return 0;
}

// libm checks the maths library and the floating-point environment on
// inputs that are hard to get right: large and tiny arguments, values next
// to exact cases, decimal strings that sit on rounding boundaries, every
// rounding mode and the exception flags. Results print in %a (%La) as well
// as in decimal, so a last-bit difference shows. The long double functions
// run on the x87 inside libm (F2XM1, FYL2X, FYL2XP1, FPATAN, FPREM, FSQRT,
// FSCALE); the hardware's transcendental instructions are not correctly
// rounded, so these lines check that an emulator reproduces the
// hardware's own last bits on these inputs. Inputs come through volatiles
// so the compiler cannot fold them.
#include <fenv.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N(a) (sizeof(a) / sizeof((a)[0]))

static volatile double vd;
static volatile long double vl;

static double D(double x) { vd = x; return vd; }
static long double L(long double x) { vl = x; return vl; }

static void pd(const char *name, double x, double r)
{
	printf("%s(%.17g) = %.17g %a\n", name, x, r, r);
}

static void pd2(const char *name, double x, double y, double r)
{
	printf("%s(%.17g, %.17g) = %.17g %a\n", name, x, y, r, r);
}

// A long double function of one or two arguments.
static void pl(const char *name, long double x, long double r)
{
	printf("%s(%.21Lg) = %.17g %La\n", name, x, (double)r, r);
}

static void pl2(const char *name, long double x, long double y, long double r)
{
	printf("%s(%.21Lg, %.21Lg) = %.17g %La\n", name, x, y, (double)r, r);
}

// The same with the result also in decimal to 21 digits.
static void plx(const char *name, long double x, long double y, long double r)
{
	printf("%s(%.21Lg, %.21Lg) = %.21Lg %La\n", name, x, y, r, r);
}

static void doubles(void)
{
	static const double trig[] = {
		0, -0.0, 1e-300, 0x1p-30, 0.5, 1, 1.5707963267948966,
		3.1415926535897931, 355, 1e6, 1e22, 0x1p120, 1.7976931348623157e308,
		-2.5, 6.2831853071795862, 710.5,
	};
	static const double ex[] = {
		0, -0.0, 1e-10, -1e-300, 0.5, 1, -1, 10.5, 100, 709.78, 709.79,
		-708.5, -745.1, -746, 2.5e-17,
	};
	static const double lg[] = {
		1, 0x1.0000000000001p0, 0x1.fffffffffffffp-1, 2, 10, 1e-310,
		4.9406564584124654e-324, 1.7976931348623157e308, 0.5, 7.5, 1e100,
	};
	static const double pw[][2] = {
		{2, 0.5}, {2, -1074}, {2, 1023}, {2, 1024}, {10, 308}, {10, -5},
		{-8, 1.0 / 3}, {-8, 3}, {1.0000000001, 1e10}, {0.5, 1074}, {0, -1},
		{-0.0, -3}, {1, NAN}, {NAN, 0}, {-1, INFINITY}, {0.9999999999999999, 1e17},
		{1.5, 2.5}, {3, 40.5},
	};
	static const double at[][2] = {
		{0, 1}, {-0.0, 1}, {0, -1}, {-0.0, -1}, {1, 0}, {-1, 0}, {0, 0}, {-0.0, -0.0},
		{INFINITY, INFINITY}, {-INFINITY, -INFINITY}, {1, INFINITY}, {1, -INFINITY},
		{1e-300, 1e300}, {1e300, 1e-300}, {1, 1}, {-2, -3}, {3, -4},
	};
	static const double fm[][2] = {
		{1e300, 3}, {-5.5, 2}, {5.5, -2}, {0x1p1023, 1e-300}, {1, 0.1},
		{0.1, 1e-17}, {7, INFINITY}, {INFINITY, 2}, {3, 0}, {-0.0, 1},
		{6.0221409e+23, 1.6605390666e-24},
	};
	static const double misc[] = {
		0, -0.0, 2, 1e-310, -27, 1e-300, 0.001, 1e300, 3, -8, 0x1.fffffffffffffp1023,
	};
	static const double em[] = {1e-10, -0.5, 0.5, 700, -40, 1e-300, 2.5e-17, 1};
	static const double l1[] = {-0.5, 1e-300, 1e10, -0.9999999999999999, 3e-17, 1, 0x1p-60};
	size_t i;

	for (i = 0; i < N(trig); i++) {
		double x = D(trig[i]);
		pd("sin", x, sin(x));
		pd("cos", x, cos(x));
		pd("tan", x, tan(x));
	}
	for (i = 0; i < N(ex); i++)
		pd("exp", D(ex[i]), exp(D(ex[i])));
	for (i = 0; i < N(lg); i++)
		pd("log", D(lg[i]), log(D(lg[i])));
	for (i = 0; i < N(pw); i++)
		pd2("pow", pw[i][0], pw[i][1], pow(D(pw[i][0]), D(pw[i][1])));
	for (i = 0; i < N(at); i++)
		pd2("atan2", at[i][0], at[i][1], atan2(D(at[i][0]), D(at[i][1])));
	for (i = 0; i < N(fm); i++)
		pd2("fmod", fm[i][0], fm[i][1], fmod(D(fm[i][0]), D(fm[i][1])));
	for (i = 0; i < N(misc); i++) {
		pd("sqrt", misc[i], sqrt(D(misc[i])));
		pd("cbrt", misc[i], cbrt(D(misc[i])));
	}
	for (i = 0; i < N(em); i++)
		pd("expm1", em[i], expm1(D(em[i])));
	for (i = 0; i < N(l1); i++)
		pd("log1p", l1[i], log1p(D(l1[i])));
}

static void longdoubles(void)
{
	static const long double tr[] = {0.5L, 1, 3.14159265358979323851L, 1e10L, -2.5L, 1e-20L};
	static const long double ex[] = {0, 1, -1, 0.5L, 11356.5L, -11355.5L, 1e-20L, 100};
	static const long double lg[] = {1, 2, 10, 0.5L, 1e-4000L, 1e4000L, 1.0000000000000000001L};
	static const long double pw[][2] = {{2, 0.5L}, {10, 4000}, {2, -16445}, {-8, 3}, {1.5L, 2.5L}, {0.5L, 64}};
	static const long double at[][2] = {{1, 1}, {0, -1}, {-0.0L, -1}, {1e-4000L, 1}, {1, -1e-20L}, {-3, 4}};
	static const long double fm[][2] = {
		{1e4000L, 3}, {-5.5L, 2}, {1, 0.1L}, {1e20L, 3.14159265358979323851L},
		{0x1p16383L, 0x1p-16445L}, {7, 0}, {0.1L, 1e-4900L},
	};
	static const long double sq[] = {2, 1e-4940L, 3, 1e4931L, 0.25L};
	size_t i;

	for (i = 0; i < N(tr); i++) {
		long double x = L(tr[i]);
		pl("sinl", x, sinl(x));
		pl("cosl", x, cosl(x));
	}
	for (i = 0; i < N(ex); i++)
		pl("expl", ex[i], expl(L(ex[i])));
	for (i = 0; i < N(lg); i++)
		pl("logl", lg[i], logl(L(lg[i])));
	for (i = 0; i < N(pw); i++)
		pl2("powl", pw[i][0], pw[i][1], powl(L(pw[i][0]), L(pw[i][1])));
	for (i = 0; i < N(at); i++)
		pl2("atan2l", at[i][0], at[i][1], atan2l(L(at[i][0]), L(at[i][1])));
	for (i = 0; i < N(fm); i++)
		plx("fmodl", fm[i][0], fm[i][1], fmodl(L(fm[i][0]), L(fm[i][1])));
	for (i = 0; i < N(sq); i++) {
		long double r = sqrtl(L(sq[i]));
		printf("sqrtl(%.21Lg) = %.21Lg %La\n", sq[i], r, r);
	}
	plx("1/3", 1, 3, L(1) / L(3));
	plx("mul", 1.1L, 1e4000L, L(1.1L) * L(1e4000L));
}

static void formatting(void)
{
	static const double d[] = {
		0.1, 1.0 / 3, 1e23, 5e-324, 2.2250738585072009e-308, 1.7976931348623157e308,
		123456789012345678.0, 0.5, 1e-5, 100, -0.0,
	};
	static const long double l[] = {
		0.1L, 1.0L / 3, 1e23L, 3.64519953188247460253e-4951L, 3.36210314311209350626e-4932L,
		1.18973149535723176502e+4932L, 1e-5L, 100, -0.0L, 12345678901234567890.0L,
	};
	size_t i;

	for (i = 0; i < N(d); i++) {
		double x = D(d[i]);
		printf("%%.17g=%.17g %%a=%a %%g=%g %%e=%.3e %%f=%.3f\n", x, x, x, x, x);
		float f = (float)x;
		printf("  float %%.9g=%.9g %%a=%a\n", f, f);
	}
	for (i = 0; i < N(l); i++) {
		long double x = L(l[i]);
		printf("%%La=%La %%Lg=%Lg %%.21Lg=%.21Lg %%.30Le=%.30Le\n", x, x, x, x);
	}
}

static void parsing(void)
{
	static const char *s[] = {
		"0.1", "1e23", "8.589973e9", "4.9406564584124654e-324",
		"2.4703282292062327e-324", "2.4703282292062328e-324",
		"4.9406564584124655e-324", "9.8813129168249309e-324",
		"2.2250738585072011e-308", "2.2250738585072012e-308",
		"9007199254740993", "9007199254740992.9999999999999999999999",
		"1.00000000000000011102230246251565404236316680908203125",
		"1.00000000000000011102230246251565404236316680908203124",
		"0.1000000000000000055511151231257827021181583404541015625",
		"179769313486231580793728971405301e276",
		"3.14159265358979323846264338327950288419716939937510582097494459",
		"0x1.fffffffffffff8p1023", "1e-400", "-0x1p-1075", "0x1.00000000000008p0",
	};
	static const char *ls[] = {
		"0.1", "1e4932", "1.18973149535723176502e+4932", "1.18973149535723176508e+4932",
		"3.64519953188247460253e-4951", "1.82259976594123730126e-4951",
		"3.36210314311209350626e-4932", "18446744073709551617",
		"3.14159265358979323846264338327950288419716939937510582097494459",
		"0x1.ffffffffffffffffp0", "1e-5000",
	};
	size_t i;

	for (i = 0; i < N(s); i++) {
		char *end, again[64];
		double d = strtod(s[i], &end);
		uint64_t b;
		memcpy(&b, &d, 8);
		snprintf(again, sizeof again, "%.17g", d);
		printf("strtod(\"%s\") = %.17g %a bits=%016llx used=%d roundtrip=%d\n", s[i], d, d,
		       (unsigned long long)b, (int)(end - s[i]), strtod(again, NULL) == d);
		float f = strtof(s[i], NULL);
		printf("  strtof = %.9g %a\n", f, f);
	}
	for (i = 0; i < N(ls); i++) {
		char *end, again[64];
		long double x = strtold(ls[i], &end);
		snprintf(again, sizeof again, "%.21Lg", x);
		printf("strtold(\"%s\") = %.21Lg %La used=%d roundtrip=%d\n", ls[i], x, x,
		       (int)(end - ls[i]), strtold(again, NULL) == x);
	}
}

static const struct {
	int mode;
	const char *name;
} modes[] = {
	{FE_TONEAREST, "FE_TONEAREST"},
	{FE_DOWNWARD, "FE_DOWNWARD"},
	{FE_UPWARD, "FE_UPWARD"},
	{FE_TOWARDZERO, "FE_TOWARDZERO"},
};

static void rounding(void)
{
	size_t i;

	for (i = 0; i < N(modes); i++) {
		if (fesetround(modes[i].mode) != 0) {
			printf("fesetround(%s) failed\n", modes[i].name);
			continue;
		}
		double third = D(1) / D(3), mthird = D(-1) / D(3);
		float fthird = (float)D(1) / (float)D(3);
		long double lthird = L(1) / L(3);
		printf("%s: fegetround ok=%d\n", modes[i].name, fegetround() == modes[i].mode);
		printf("  1/3 = %a %a float %a long %La\n", third, mthird, fthird, lthird);
		printf("  sqrt(2) = %a sqrtf = %a sqrtl = %La\n", sqrt(D(2)), sqrtf((float)D(2)), sqrtl(L(2)));
		printf("  nearbyint(2.5) = %g nearbyint(-2.5) = %g rint(-2.5) = %g rint(3.5) = %g rintl(-0.5) = %Lg\n",
		       nearbyint(D(2.5)), nearbyint(D(-2.5)), rint(D(-2.5)), rint(D(3.5)), rintl(L(-0.5)));
		printf("  lrint(2.5) = %ld lrint(-3.5) = %ld llrint(1e15+0.5) = %lld lrintl(-7.5) = %ld\n",
		       lrint(D(2.5)), lrint(D(-3.5)), llrint(D(1e15 + 0.5)), lrintl(L(-7.5)));
		printf("  (float)0.1 = %a 1e308*10 = %g DBL_MAX+1e292 = %a 1+2^-53 = %a\n",
		       (float)D(0.1), D(1e308) * D(10), D(DBL_MAX) + D(1e292), D(1) + D(0x1p-53));
		printf("  strtod(\"0.1\") = %a printf(%%.3f, 0.0005) = %.3f printf(%%.0f, 2.5) = %.0f\n",
		       strtod("0.1", NULL), D(0.0005), D(2.5));
	}
	fesetround(FE_TONEAREST);
}

static void flags(const char *what, int f)
{
	printf("%-22s:", what);
	if (f & FE_INVALID)
		printf(" FE_INVALID");
	if (f & FE_DIVBYZERO)
		printf(" FE_DIVBYZERO");
	if (f & FE_OVERFLOW)
		printf(" FE_OVERFLOW");
	if (f & FE_UNDERFLOW)
		printf(" FE_UNDERFLOW");
	if (f & FE_INEXACT)
		printf(" FE_INEXACT");
	if (!(f & FE_ALL_EXCEPT))
		printf(" none");
	printf("\n");
}

#define TEST(what, expr)                                 \
	do {                                             \
		feclearexcept(FE_ALL_EXCEPT);            \
		vd = (expr);                             \
		flags(what, fetestexcept(FE_ALL_EXCEPT)); \
	} while (0)

#define TESTL(what, expr)                                \
	do {                                             \
		feclearexcept(FE_ALL_EXCEPT);            \
		vl = (expr);                             \
		flags(what, fetestexcept(FE_ALL_EXCEPT)); \
	} while (0)

static void exceptions(void)
{
	TEST("1/0", D(1) / D(0));
	TEST("0/0", D(0) / D(0));
	TEST("sqrt(-1)", sqrt(D(-1)));
	TEST("DBL_MAX*2", D(DBL_MAX) * D(2));
	TEST("DBL_MIN/3", D(DBL_MIN) / D(3));
	TEST("DBL_MIN/2", D(DBL_MIN) / D(2));
	TEST("1/3", D(1) / D(3));
	TEST("1+1", D(1) + D(1));
	TEST("inf-inf", D(INFINITY) - D(INFINITY));
	TEST("(int)1e10", (double)(int)D(1e10));
	TEST("(float)1e300", (float)D(1e300));
	TEST("log(0)", log(D(0)));
	TEST("exp(1000)", exp(D(1000)));
	TEST("nan==nan", (double)(D(NAN) == D(NAN)));
	TEST("nan<1", (double)(D(NAN) < D(1)));
	TESTL("1.0L/0", L(1) / L(0));
	TESTL("0.0L/0", L(0) / L(0));
	TESTL("LDBL_MAX*2", L(LDBL_MAX) * L(2));
	TESTL("LDBL_MIN/3", L(LDBL_MIN) / L(3));
	TESTL("1.0L/3", L(1) / L(3));
	TESTL("sqrtl(-1)", sqrtl(L(-1)));
	TESTL("logl(0)", logl(L(0)));
	TESTL("fmodl(1,0)", fmodl(L(1), L(0)));
	TESTL("(long)1e30L", (long double)(long)L(1e30L));
	feclearexcept(FE_ALL_EXCEPT);
	feraiseexcept(FE_OVERFLOW | FE_INEXACT);
	flags("feraiseexcept", fetestexcept(FE_ALL_EXCEPT));
	fenv_t env;
	fegetenv(&env);
	feclearexcept(FE_ALL_EXCEPT);
	fesetenv(&env);
	flags("fesetenv restores", fetestexcept(FE_ALL_EXCEPT));
	feclearexcept(FE_ALL_EXCEPT);
}

int main(void)
{
	doubles();
	longdoubles();
	formatting();
	parsing();
	rounding();
	exceptions();
	return 0;
}

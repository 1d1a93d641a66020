// bench_sse_matmul multiplies 128x128 double matrices with an explicitly
// packed SSE2 kernel (MULPD/ADDPD on 2x4 register blocks, broadcast
// operands, aligned 16-byte loads and stores), 100 rounds divided by
// argv[1]: unlike bench_matmul, whose loops are left to the compiler, every
// inner-loop operation here is a packed double instruction, so it measures
// the emulator's SSE2 arithmetic rather than its scalar path. The first
// round is checked against a scalar multiply that adds in the same order,
// which must agree bit for bit (baseline x86-64 has no FMA to fuse with).
#include <emmintrin.h>
#include <stdio.h>
#include <stdlib.h>

#define M 128

static double a[M][M] __attribute__((aligned(16)));
static double b[M][M] __attribute__((aligned(16)));
static double c[M][M] __attribute__((aligned(16)));

// kernel computes c = (a + bias) * b two rows and four columns at a time,
// keeping the eight partial sums in four XMM registers across k.
static void kernel(double bias)
{
	for (int i = 0; i < M; i += 2)
		for (int j = 0; j < M; j += 4) {
			__m128d c00 = _mm_setzero_pd(), c01 = _mm_setzero_pd();
			__m128d c10 = _mm_setzero_pd(), c11 = _mm_setzero_pd();
			for (int k = 0; k < M; k++) {
				__m128d b0 = _mm_load_pd(&b[k][j]), b1 = _mm_load_pd(&b[k][j + 2]);
				__m128d a0 = _mm_set1_pd(a[i][k] + bias);
				__m128d a1 = _mm_set1_pd(a[i + 1][k] + bias);
				c00 = _mm_add_pd(c00, _mm_mul_pd(a0, b0));
				c01 = _mm_add_pd(c01, _mm_mul_pd(a0, b1));
				c10 = _mm_add_pd(c10, _mm_mul_pd(a1, b0));
				c11 = _mm_add_pd(c11, _mm_mul_pd(a1, b1));
			}
			_mm_store_pd(&c[i][j], c00);
			_mm_store_pd(&c[i][j + 2], c01);
			_mm_store_pd(&c[i + 1][j], c10);
			_mm_store_pd(&c[i + 1][j + 2], c11);
		}
}

int main(int argc, char **argv)
{
	long div = argc > 1 ? atol(argv[1]) : 1;
	long rounds = 100 / (div > 0 ? div : 1), r;
	int i, j, k, bad = 0;
	double sum = 0;

	if (rounds < 1)
		rounds = 1;
	for (i = 0; i < M; i++)
		for (j = 0; j < M; j++) {
			a[i][j] = (double)((i * 7 + j * 3) % 17) / 16.0 - 0.5;
			b[i][j] = (double)((i * 5 + j * 11) % 13) / 8.0 + 1.0 / (1 + i + j);
		}
	kernel(0);
	for (i = 0; i < M; i++)
		for (j = 0; j < M; j++) {
			double s = 0;
			for (k = 0; k < M; k++)
				s += a[i][k] * b[k][j];
			bad += s != c[i][j];
		}
	for (r = 0; r < rounds; r++) {
		kernel((double)r * 1e-3);
		sum += c[r % M][(r * 7) % M] + c[(r * 3) % M][r % M];
	}
	printf("sse_matmul %dx%d rounds=%ld sum=%.17g scalar=%s\n", M, M, rounds, sum,
	       bad ? "MISMATCH" : "ok");
	return bad != 0;
}

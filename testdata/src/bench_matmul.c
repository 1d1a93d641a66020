// bench_matmul multiplies double matrices with SSE2 scalar/packed
// arithmetic and a cache-friendly loop order: it measures floating point
// and memory-operand throughput. argv[1] divides the number of rounds.
#include <stdio.h>
#include <stdlib.h>

#define M 128

static double a[M][M], b[M][M], c[M][M];

int main(int argc, char **argv)
{
	long div = argc > 1 ? atol(argv[1]) : 1;
	long rounds = 400 / (div > 0 ? div : 1), r;
	int i, j, k;
	double sum = 0;

	if (rounds < 1)
		rounds = 1;
	for (i = 0; i < M; i++)
		for (j = 0; j < M; j++) {
			a[i][j] = (double)((i * 7 + j * 3) % 17) / 16.0;
			b[i][j] = (double)((i * 5 + j * 11) % 13) / 8.0;
		}
	for (r = 0; r < rounds; r++) {
		for (i = 0; i < M; i++)
			for (j = 0; j < M; j++)
				c[i][j] = 0;
		for (i = 0; i < M; i++)
			for (k = 0; k < M; k++) {
				double aik = a[i][k] + (double)r * 1e-3;
				for (j = 0; j < M; j++)
					c[i][j] += aik * b[k][j];
			}
		sum += c[r % M][(r * 7) % M];
	}
	printf("matmul %dx%d rounds=%ld sum=%.6f\n", M, M, rounds, sum);
	return 0;
}

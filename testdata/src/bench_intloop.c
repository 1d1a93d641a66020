// bench_intloop is a pure integer workload (adds, multiplies, shifts,
// xors, a data-dependent branch) with no memory traffic or system calls:
// it measures raw instruction dispatch. argv[1] divides the work.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	long div = argc > 1 ? atol(argv[1]) : 1;
	uint64_t n = 160000000ull / (div > 0 ? div : 1), i;
	uint64_t x = 1, y = 0x9e3779b97f4a7c15ull, acc = 0;

	for (i = 0; i < n; i++) {
		x = x * 6364136223846793005ull + 1442695040888963407ull;
		y ^= x >> 17;
		y = (y << 3) | (y >> 61);
		if (x & 0x100)
			acc += y;
		else
			acc -= x;
	}
	printf("intloop n=%llu acc=%016llx\n", (unsigned long long)n,
	       (unsigned long long)acc);
	return 0;
}

// bench_memcpy_strlen spends its time in libc's memcpy, memset and strlen
// on buffers of mixed sizes: it measures the string instructions and
// vector loads/stores those routines use. argv[1] divides the work.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BUF (256 * 1024)

static char src[BUF + 64], dst[BUF + 64];

int main(int argc, char **argv)
{
	long div = argc > 1 ? atol(argv[1]) : 1;
	long iters = 60000 / (div > 0 ? div : 1), i;
	uint64_t total = 0;

	memset(src, 'x', BUF);
	src[BUF] = 0;
	for (i = 0; i < iters; i++) {
		size_t n = (size_t)((i * 2654435761u) % BUF);
		size_t off = (size_t)(i & 15);
		memcpy(dst + off, src + (i & 7), n / 4);
		dst[off + n / 4] = 0;
		total += strlen(dst + off);
		memset(dst + off, (int)i, n / 16);
		total += (unsigned char)dst[off + n / 32];
	}
	printf("memcpy_strlen iters=%ld total=%llu\n", iters,
	       (unsigned long long)total);
	return 0;
}

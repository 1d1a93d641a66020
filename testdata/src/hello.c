// hello is the smallest useful guest: it proves the loader, stdio and exit
// work. A static-PIE build of the same source checks self-relocation.
#include <stdio.h>

int main(void)
{
	printf("hello, world\n");
	puts("second line via puts");
	return 0;
}

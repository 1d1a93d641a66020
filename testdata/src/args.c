// args echoes argc, argv and envp exactly, and checks the layout the
// kernel gives them: envp follows argv's NULL terminator, and the strings
// are NUL-terminated where argv says.
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv, char **envp)
{
	int i;

	printf("argc=%d\n", argc);
	for (i = 0; i < argc; i++)
		printf("argv[%d]=\"%s\" len=%zu\n", i, argv[i], strlen(argv[i]));
	printf("argv[argc]==NULL: %d\n", argv[argc] == NULL);
	printf("envp follows argv: %d\n", envp == argv + argc + 1);
	for (i = 0; envp[i]; i++)
		printf("envp[%d]=\"%s\"\n", i, envp[i]);
	printf("envc=%d\n", i);
	return 0;
}

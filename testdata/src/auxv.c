// auxv checks the process start-up state the loader builds: the auxiliary
// vector, the initial stack alignment and where auxv sits. It prints only
// booleans so the output does not depend on addresses or the host.
#include <elf.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>
#include <unistd.h>

extern const Elf64_Ehdr __ehdr_start; // provided by GNU ld: our own ELF header
extern char _start[];

static void check(const char *what, int ok)
{
	printf("%-28s %s\n", what, ok ? "true" : "false");
}

int main(int argc, char **argv, char **envp)
{
	const Elf64_Ehdr *eh = &__ehdr_start;
	const char *execfn = (const char *)getauxval(AT_EXECFN);
	const unsigned char *rnd = (const unsigned char *)getauxval(AT_RANDOM);
	char **p = envp;
	int i, nonzero = 0;

	(void)argc;
	check("AT_PAGESZ == 4096", getauxval(AT_PAGESZ) == 4096);
	check("AT_RANDOM non-null", rnd != NULL);
	if (rnd)
		for (i = 0; i < 16; i++)
			nonzero |= rnd[i];
	check("AT_RANDOM not all zero", nonzero != 0);
	check("AT_PHDR == ehdr + e_phoff",
	      getauxval(AT_PHDR) == (uintptr_t)eh + eh->e_phoff);
	check("AT_PHENT == 56", getauxval(AT_PHENT) == sizeof(Elf64_Phdr));
	check("AT_PHNUM == e_phnum", getauxval(AT_PHNUM) == eh->e_phnum);
	check("AT_ENTRY == _start", getauxval(AT_ENTRY) == (uintptr_t)_start);
	check("AT_EXECFN == argv[0]",
	      execfn != NULL && strcmp(execfn, argv[0]) == 0);
	check("AT_UID == getuid()", getauxval(AT_UID) == getuid());
	check("AT_EUID == geteuid()", getauxval(AT_EUID) == geteuid());
	check("AT_GID == getgid()", getauxval(AT_GID) == getgid());
	check("AT_EGID == getegid()", getauxval(AT_EGID) == getegid());
	check("AT_SECURE == 0", getauxval(AT_SECURE) == 0);
	check("AT_CLKTCK == 100", getauxval(AT_CLKTCK) == 100);

	// At the entry point rsp points at argc, so argv == rsp+8; the ABI
	// requires rsp to be 16-byte aligned there.
	check("entry rsp 16-byte aligned", ((uintptr_t)argv & 15) == 8);

	// The auxv pairs start right after envp's NULL terminator.
	while (*p)
		p++;
	{
		const Elf64_auxv_t *av = (const Elf64_auxv_t *)(p + 1);
		unsigned long pagesz = 0;
		int n;
		for (n = 0; av[n].a_type != AT_NULL && n < 64; n++)
			if (av[n].a_type == AT_PAGESZ)
				pagesz = av[n].a_un.a_val;
		check("auxv follows envp", pagesz == 4096);
		check("auxv has <64 entries", n < 64);
	}
	check("sysconf(_SC_PAGESIZE)", sysconf(_SC_PAGESIZE) == 4096);
	return 0;
}

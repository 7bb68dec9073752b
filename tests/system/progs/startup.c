/* what exec hands a program: argc/argv/envp, the auxiliary vector, stack alignment, TLS */
#include "t.h"
#include <sys/auxv.h>
#include <elf.h>
static __thread int tls_var = 42;
int main(int argc, char **argv, char **envp)
{
	t_init();
	say("argc %d argv0 ends with startup %d argv[argc] NULL %d\n", argc,
	    strlen(argv[0]) >= 7 && !strcmp(argv[0] + strlen(argv[0]) - 7, "startup"), argv[argc] == NULL);
	int n = 0;
	for (char **e = envp; *e; e++)
		n++;
	say("environment has PATH %d HOME %d\n", getenv("PATH") != NULL, getenv("HOME") != NULL);
	say("auxv: pagesz %lu random %d phdr %d phent %lu entry %d uid %lu euid %lu secure %lu\n",
	    getauxval(AT_PAGESZ), getauxval(AT_RANDOM) != 0, getauxval(AT_PHDR) != 0, getauxval(AT_PHENT),
	    getauxval(AT_ENTRY) != 0, getauxval(AT_UID), getauxval(AT_EUID), getauxval(AT_SECURE));
	say("hwcap nonzero %d execfn set %d\n", getauxval(AT_HWCAP) != 0, getauxval(AT_EXECFN) != 0);
	long sp;
	__asm__ volatile("mov %%rsp, %0" : "=r"(sp));
	say("stack 8-aligned in main %d, stack below 0x800000000000 %d\n", (sp & 7) == 0, (unsigned long)sp < 0x800000000000UL);
	say("tls initial %d\n", tls_var);
	char *p = malloc(100000);
	say("malloc ok %d\n", p != NULL);
	return 3;
}

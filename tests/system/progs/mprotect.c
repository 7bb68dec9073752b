/* SIGSEGV handler sees SEGV_ACCERR on protected pages and SEGV_MAPERR on holes */
#include "t.h"
#include <setjmp.h>
static sigjmp_buf jb;
static volatile void *addr;
static volatile int code;
static void onsegv(int s, siginfo_t *si, void *u)
{
	addr = si->si_addr;
	code = si->si_code;
	siglongjmp(jb, 1);
}
static void try(const char *what, volatile char *p, int write)
{
	addr = NULL;
	code = 0;
	if (sigsetjmp(jb, 1) == 0) {
		if (write)
			*p = 1;
		else
			(void)*p;
		say("%s: ok\n", what);
	} else {
		say("%s: SIGSEGV %s addr exact %d\n", what, code == SEGV_ACCERR ? "ACCERR" : code == SEGV_MAPERR ? "MAPERR" : "other", addr == p);
	}
}
int main(void)
{
	t_init();
	struct sigaction sa = { 0 };
	sa.sa_sigaction = onsegv;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGSEGV, &sa, NULL);
	char *a = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	T(mprotect(a + 4096, 4096, PROT_READ));
	try("write rw", a + 10, 1);
	try("write ro", a + 4096 + 10, 1);
	try("read ro", a + 4096 + 10, 0);
	T(mprotect(a + 4096, 4096, PROT_NONE));
	try("read none", a + 4096 + 123, 0);
	T(mprotect(a + 4096, 4096, PROT_READ | PROT_WRITE));
	try("write again", a + 4096 + 123, 1);
	munmap(a + 2 * 4096, 4096);
	try("read hole", a + 2 * 4096 + 8, 0);
	try("write null", (char *)16, 1);
	try("write kernel", (char *)0xffffffff80001000UL, 1);
	try("write text", (char *)main, 1);
	T(syscall(SYS_mprotect, a + 1, 4096, PROT_READ));	/* musl would align it */
	T(mprotect(a, 4096, 0x100));
	T(mprotect(a + 2 * 4096, 4096, PROT_READ));
	char *ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	T(mprotect(ro, 4096, PROT_READ | PROT_WRITE));
	try("write after upgrade", ro, 1);
	return 0;
}

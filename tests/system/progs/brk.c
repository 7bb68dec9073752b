/* brk growth and shrink through the raw syscall */
#include "t.h"
int main(void)
{
	t_init();
	char *b0 = (char *)syscall(SYS_brk, 0);
	say("initial brk nonzero %d\n", b0 != NULL);
	char *b1 = (char *)syscall(SYS_brk, b0 + 1000000);
	say("grew %d\n", b1 == b0 + 1000000);
	memset(b0, 0x5a, 1000000);
	say("writable %d\n", b0[999999] == 0x5a);
	char *b2 = (char *)syscall(SYS_brk, b0 + 4096);
	say("shrunk %d\n", b2 == b0 + 4096);
	char *b3 = (char *)syscall(SYS_brk, b0 + 8192 * 4);
	say("regrown %d, freed area zero again %d\n", b3 == b0 + 8192 * 4, b0[4096 * 3] == 0);
	say("kept first page %d\n", b0[100] == 0x5a);
	char *b4 = (char *)syscall(SYS_brk, (char *)1);
	say("bad brk returns current %d\n", b4 == b3);
	char *b5 = (char *)syscall(SYS_brk, (char *)0x7ffffffff000UL);
	say("huge brk refused %d\n", b5 == b3);
	return 0;
}

/* sigaltstack: handler runs on the alternate stack, also for stack overflow */
#include "t.h"
static char *alt;
static volatile int on_alt, flags;
static void h(int s)
{
	char c;
	on_alt = &c > alt && &c < alt + 65536;
	stack_t ss;
	sigaltstack(NULL, &ss);
	flags = ss.ss_flags;
	if (s == SIGSEGV)
		_exit(on_alt ? 3 : 4);
}
static int recurse(int n)
{
	volatile char buf[1024];
	buf[0] = n;
	return recurse(n + 1) + buf[0];
}
int main(void)
{
	t_init();
	alt = malloc(65536);
	stack_t ss = { .ss_sp = alt, .ss_size = 65536 }, old;
	T(sigaltstack(&ss, &old));
	say("old disabled %d\n", old.ss_flags == SS_DISABLE);
	struct sigaction sa = { 0 };
	sa.sa_handler = h;
	sa.sa_flags = SA_ONSTACK;
	sigaction(SIGUSR1, &sa, NULL);
	raise(SIGUSR1);
	say("on alt %d flags SS_ONSTACK %d\n", on_alt, flags == SS_ONSTACK);
	sa.sa_flags = 0;
	sigaction(SIGUSR1, &sa, NULL);
	raise(SIGUSR1);
	say("without SA_ONSTACK on alt %d\n", on_alt);
	stack_t small = { .ss_sp = alt, .ss_size = 100 };
	T(sigaltstack(&small, NULL));
	stack_t bad = { .ss_sp = alt, .ss_size = 65536, .ss_flags = 12345 };
	T(sigaltstack(&bad, NULL));
	pid_t p = fork();
	if (p == 0) {
		sa.sa_flags = SA_ONSTACK;
		sigaction(SIGSEGV, &sa, NULL);
		recurse(0);
		_exit(5);
	}
	t_wait("overflow handled on alt stack (exit 3)", p);
	p = fork();
	if (p == 0) {
		stack_t dis = { .ss_flags = SS_DISABLE };
		sigaltstack(&dis, NULL);
		recurse(0);
		_exit(5);
	}
	t_wait("overflow without alt stack", p);
	return 0;
}

/* signal.h - Linux's signal numbers and structures (x86-64 ABI). */
#ifndef AEGIS_SIGNAL_H
#define AEGIS_SIGNAL_H

#include <aegis/types.h>

#define SIGHUP		1
#define SIGINT		2
#define SIGQUIT		3
#define SIGILL		4
#define SIGTRAP		5
#define SIGABRT		6
#define SIGBUS		7
#define SIGFPE		8
#define SIGKILL		9
#define SIGUSR1		10
#define SIGSEGV		11
#define SIGUSR2		12
#define SIGPIPE		13
#define SIGALRM		14
#define SIGTERM		15
#define SIGSTKFLT	16
#define SIGCHLD		17
#define SIGCONT		18
#define SIGSTOP		19
#define SIGTSTP		20
#define SIGTTIN		21
#define SIGTTOU		22
#define SIGURG		23
#define SIGXCPU		24
#define SIGXFSZ		25
#define SIGVTALRM	26
#define SIGPROF		27
#define SIGWINCH	28
#define SIGIO		29
#define SIGPWR		30
#define SIGSYS		31
#define SIGRTMIN	32
#define NSIG		64

typedef uint64_t sigset_t;
#define SIGMASK(sig)	(1ull << ((sig) - 1))

#define SA_NOCLDSTOP	0x00000001
#define SA_NOCLDWAIT	0x00000002
#define SA_SIGINFO	0x00000004
#define SA_RESTORER	0x04000000
#define SA_ONSTACK	0x08000000
#define SA_RESTART	0x10000000
#define SA_NODEFER	0x40000000
#define SA_RESETHAND	0x80000000

#define SIG_DFL		0
#define SIG_IGN		1

#define SIG_BLOCK	0
#define SIG_UNBLOCK	1
#define SIG_SETMASK	2

#define SS_ONSTACK	1
#define SS_DISABLE	2

/* si_code values */
#define SI_USER		0
#define SI_KERNEL	0x80
#define SI_QUEUE	-1
#define SI_TIMER	-2
#define SI_TKILL	-6
#define SEGV_MAPERR	1
#define SEGV_ACCERR	2
#define BUS_ADRERR	2
#define ILL_ILLOPN	2
#define FPE_INTDIV	1
#define CLD_EXITED	1
#define CLD_KILLED	2
#define CLD_DUMPED	3
#define CLD_TRAPPED	4
#define CLD_STOPPED	5
#define CLD_CONTINUED	6

/* The kernel's struct sigaction as rt_sigaction passes it. */
struct k_sigaction {
	uint64_t handler;
	uint64_t flags;
	uint64_t restorer;
	sigset_t mask;
};

typedef struct {
	int si_signo;
	int si_errno;
	int si_code;
	int pad0;
	union {
		struct { int pid; uint32_t uid; } kill;
		struct { int pid; uint32_t uid; int status; int pad; int64_t utime, stime; } chld;
		struct { uint64_t addr; } fault;
		struct { int tid; int overrun; uint64_t value; } timer;
		struct { int pid; uint32_t uid; uint64_t value; } rt;
		char pad[112];
	};
} siginfo_t;

struct k_stack_t {
	uint64_t ss_sp;
	int ss_flags;
	int pad;
	uint64_t ss_size;
};

#endif

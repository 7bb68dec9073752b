/*
 * dispatch.c - from a SYSCALL to its handler and back, with the built-in tracer.
 *
 * Unknown or unimplemented numbers return -ENOSYS and are logged once each, so a
 * missing call shows up in the log without flooding it.
 */
#include <aegis/arch.h>
#include <aegis/cmdline.h>
#include <aegis/bootinfo.h>
#include <aegis/errno.h>
#include <aegis/printk.h>
#include <aegis/proc.h>
#include <aegis/syscall.h>
#include <asm/trap.h>

long sys_ni_syscall(long a0, long a1, long a2, long a3, long a4, long a5);

bool arch_can_sysret(const struct trap_frame *f);
void strace_enter(struct trap_frame *f, unsigned nr);
void strace_exit(unsigned nr, long ret);

int strace_pid;
static uint64_t enosys_logged[8];	/* one bit per number < 512 */

static void log_enosys(uint64_t nr)
{
	if (nr < 512) {
		uint64_t bit = 1ull << (nr % 64);
		if (__atomic_fetch_or(&enosys_logged[nr / 64], bit, __ATOMIC_RELAXED) & bit)
			return;
	}
	pr_warn("syscall %llu (%s) is not implemented; returning -ENOSYS (%s, pid %d)\n",
		(unsigned long long)nr,
		nr < syscall_count && syscall_table[nr].name ? syscall_table[nr].name : "unknown",
		current_proc() ? current_proc()->comm : "?",
		current_proc() ? current_proc()->pid : 0);
}

static bool tracing(void)
{
	int want = strace_pid;

	return want && (want == -1 || (current_proc() && current_proc()->pid == want));
}

int syscall_dispatch(struct trap_frame *f)
{
	struct task *t = current_task();
	uint64_t nr = f->rax;
	bool trace;
	long ret;

	arch_irq_enable();
	t->user.syscall_nr = (int)nr;
	t->user.in_syscall = true;
	trace = tracing();
	if (trace)
		strace_enter(f, nr);
	if (nr < syscall_count && syscall_table[nr].fn &&
	    syscall_table[nr].fn != sys_ni_syscall) {
		ret = syscall_table[nr].fn(f->rdi, f->rsi, f->rdx, f->r10, f->r8, f->r9);
	} else {
		log_enosys(nr);
		ret = -ENOSYS;
	}
	f->rax = ret;
	if (trace)
		strace_exit(nr, ret);
	arch_irq_disable();
	trap_return_to_user(f);		/* signals; may rewrite the frame */
	t->user.in_syscall = false;
	return arch_can_sysret(f);
}

void syscall_init(void)
{
	char v[16];

	syscall_init_cpu();
	if (cmdline_get(boot_info.cmdline, "strace", v, sizeof(v)))
		strace_pid = !v[0] || !__builtin_strcmp(v, "all") ? -1 :
			     (int)cmdline_get_long(boot_info.cmdline, "strace", 0);
}

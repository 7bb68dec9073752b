/*
 * syscall.h - the system call gateway (kernel/sys/).
 *
 * Handlers are plain functions named sys_<linux name> returning a value or -errno;
 * the generated table (tools/gen-syscalls.py) binds them by name.  A handler that
 * needs the caller's registers (fork, execve, rt_sigreturn, ...) uses
 * current_user_frame().
 */
#ifndef AEGIS_SYSCALL_H
#define AEGIS_SYSCALL_H

#include <aegis/types.h>

struct trap_frame;

typedef long (*syscall_fn)(long, long, long, long, long, long);

struct syscall_desc {
	syscall_fn fn;
	const char *name;
	const char *fmt;	/* argument formats for the tracer */
};

extern const struct syscall_desc syscall_table[];
extern const unsigned syscall_count;

#define SYSCALL_VECTOR	0x100	/* trap_frame.vector of a frame made by SYSCALL */

void syscall_init_cpu(void);		/* MSRs for SYSCALL/SYSRET */
int syscall_dispatch(struct trap_frame *f);	/* nonzero: return by SYSRET */
/* The user-mode registers of the current task (top of its kernel stack). */
struct trap_frame *current_user_frame(void);

/* Tracer: pid to trace, -1 for all, 0 for none (strace= on the command line). */
extern int strace_pid;

#endif

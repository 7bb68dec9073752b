/*
 * strace.c - the built-in system call tracer ("strace=<pid>|all" on the command
 * line, or at run time through /proc/sys/kernel/strace).  One line per call, as
 * strace prints it: name(decoded arguments) = result.  Calls that do not return
 * (execve, exit, rt_sigreturn) are printed on entry.
 */
#include <aegis/errno.h>
#include <aegis/printf.h>
#include <aegis/printk.h>
#include <aegis/proc.h>
#include <aegis/syscall.h>
#include <aegis/uaccess.h>
#include <asm/trap.h>

static size_t format_string_arg(char *buf, size_t size, uint64_t uptr)
{
	char s[48];
	long n = strncpy_from_user(s, (const char *)uptr, sizeof(s));

	if (n == -ENAMETOOLONG) {
		/* show the first part of a long string */
		if (copy_from_user(s, (const char *)uptr, sizeof(s) - 1) == 0) {
			s[sizeof(s) - 1] = '\0';
			return snprintf(buf, size, "\"%s\"...", s);
		}
	}
	if (n < 0)
		return snprintf(buf, size, "%#llx", (unsigned long long)uptr);
	return snprintf(buf, size, "\"%s\"", s);
}

static size_t format_arg(char *buf, size_t size, char kind, uint64_t v)
{
	switch (kind) {
	case 'i': return snprintf(buf, size, "%d", (int)v);
	case 'u': return snprintf(buf, size, "%llu", (unsigned long long)v);
	case 'o': return snprintf(buf, size, "%#llo", (unsigned long long)v);
	case 'f': return snprintf(buf, size, "%d", (int)v);
	case 'a': return (int)v == -100 ? snprintf(buf, size, "AT_FDCWD")
					: snprintf(buf, size, "%d", (int)v);
	case 's': return format_string_arg(buf, size, v);
	case 'p': return v ? snprintf(buf, size, "%#llx", (unsigned long long)v)
			   : snprintf(buf, size, "NULL");
	default: return snprintf(buf, size, "%#llx", (unsigned long long)v);
	}
}

static void print_call(unsigned nr, const uint64_t *args, bool has_ret, long ret)
{
	char line[400];
	size_t n = 0;
	const char *name = nr < syscall_count && syscall_table[nr].name ?
			   syscall_table[nr].name : "unknown";
	const char *fmt = nr < syscall_count && syscall_table[nr].fmt ?
			  syscall_table[nr].fmt : "";

	n += snprintf(line + n, sizeof(line) - n, "strace: [%d] %s(",
		      current_proc() ? current_proc()->pid : 0, name);
	for (int i = 0; fmt[0] && i < 6 && n < sizeof(line); i++) {
		n += format_arg(line + n, sizeof(line) - n, fmt[0], args[i]);
		fmt++;
		if (*fmt != ',')
			break;
		fmt++;
		n += snprintf(line + n, sizeof(line) - n, ", ");
	}
	if (n >= sizeof(line))
		n = sizeof(line) - 1;
	if (has_ret) {
		if (ret < 0 && ret >= -4095)
			snprintf(line + n, sizeof(line) - n, ") = -1 (errno %ld)", -ret);
		else
			snprintf(line + n, sizeof(line) - n, ") = %ld", ret);
	} else {
		snprintf(line + n, sizeof(line) - n, ") ...");
	}
	pr_info("%s\n", line);
}

void strace_enter(struct trap_frame *f, unsigned nr)
{
	uint64_t *a = current_task()->user.trace_args;

	a[0] = f->rdi, a[1] = f->rsi, a[2] = f->rdx;
	a[3] = f->r10, a[4] = f->r8, a[5] = f->r9;
	if (nr == 59 || nr == 60 || nr == 231 || nr == 15 || nr == 322)
		print_call(nr, a, false, 0);
}

void strace_exit(unsigned nr, long ret)
{
	print_call(nr, current_task()->user.trace_args, true, ret);
}

/*
 * exec_args.c - collecting execve's argument and environment strings into one
 * kernel buffer before the old address space goes away.  Limits as Linux: a
 * string of at most 32 pages, all of them at most 2 MiB (E2BIG beyond).
 */
#include <aegis/errno.h>
#include <aegis/exec.h>
#include <aegis/mm.h>
#include <aegis/string.h>
#include <aegis/uaccess.h>

#define MAX_ARG_STRLEN	(32 * 4096)
#define ARG_MAX_TOTAL	(2 * 1024 * 1024)

static int args_reserve(struct exec_args *a, size_t more)
{
	size_t want = a->used + more, size = a->size ? a->size : 4096;
	char *nb;

	if (want <= a->size)
		return 0;
	if (want > ARG_MAX_TOTAL)
		return -E2BIG;
	while (size < want)
		size *= 2;
	nb = krealloc(a->buf, size);
	if (!nb)
		return -ENOMEM;
	a->buf = nb;
	a->size = size;
	return 0;
}

int exec_args_add(struct exec_args *a, const char *s, size_t len)
{
	int err;

	if (len + 1 > MAX_ARG_STRLEN)
		return -E2BIG;
	if ((err = args_reserve(a, len + 1)))
		return err;
	memcpy(a->buf + a->used, s, len);
	a->buf[a->used + len] = '\0';
	a->used += len + 1;
	return 0;
}

/* Appends the strings of a NULL-terminated user array; returns how many, or -errno. */
static int add_user_vector(struct exec_args *a, const char __user *const __user *vec)
{
	int n = 0;

	if (!vec)
		return 0;	/* Linux accepts NULL argv/envp as empty */
	for (;; n++) {
		const char __user *p;
		long len;
		int err;

		if (copy_from_user(&p, &vec[n], sizeof(p)))
			return -EFAULT;
		if (!p)
			return n;
		len = arch_strnlen_user(p, MAX_ARG_STRLEN);
		if (len < 0 || !user_range_ok(p, len))
			return -EFAULT;
		if (len >= MAX_ARG_STRLEN)
			return -E2BIG;
		if ((err = args_reserve(a, len + 1)))
			return err;
		if (copy_from_user(a->buf + a->used, p, len + 1))
			return -EFAULT;
		a->buf[a->used + len] = '\0';
		a->used += len + 1;
	}
}

int exec_args_from_user(struct exec_args *a, const char __user *const __user *argv,
			const char __user *const __user *envp)
{
	int n = add_user_vector(a, argv);

	if (n < 0)
		return n;
	a->argc = n;
	n = add_user_vector(a, envp);
	if (n < 0)
		return n;
	a->envc = n;
	return 0;
}

int exec_args_from_kernel(struct exec_args *a, const char *const *argv,
			  const char *const *envp)
{
	int err;

	for (a->argc = 0; argv && argv[a->argc]; a->argc++)
		if ((err = exec_args_add(a, argv[a->argc], strlen(argv[a->argc]))))
			return err;
	for (a->envc = 0; envp && envp[a->envc]; a->envc++)
		if ((err = exec_args_add(a, envp[a->envc], strlen(envp[a->envc]))))
			return err;
	return 0;
}

/* The i-th string (argv first, then envp) and, through *next, where the next starts. */
const char *exec_args_at(const struct exec_args *a, size_t *pos)
{
	const char *s = a->buf + *pos;

	*pos += strlen(s) + 1;
	return s;
}

/*
 * For "#!": replaces argv[0] with the interpreter, its optional argument and the
 * script's path, keeping argv[1..] and the environment.
 */
int exec_args_prepend_interp(struct exec_args *a, const char *interp, const char *arg,
			     const char *path)
{
	struct exec_args n = { 0 };
	size_t pos = 0;
	int err;

	if (a->argc > 0)
		exec_args_at(a, &pos);	/* drop the old argv[0] */
	if ((err = exec_args_add(&n, interp, strlen(interp))))
		goto out;
	if (arg && (err = exec_args_add(&n, arg, strlen(arg))))
		goto out;
	if ((err = exec_args_add(&n, path, strlen(path))))
		goto out;
	if ((err = args_reserve(&n, a->used - pos)))
		goto out;
	memcpy(n.buf + n.used, a->buf + pos, a->used - pos);
	n.used += a->used - pos;
	n.argc = (a->argc > 0 ? a->argc - 1 : 0) + (arg ? 3 : 2);
	n.envc = a->envc;
	kfree(a->buf);
	*a = n;
	return 0;
out:
	kfree(n.buf);
	return err;
}

void exec_args_free(struct exec_args *a)
{
	kfree(a->buf);
	a->buf = NULL;
}

/* exec.h - program loading (kernel/proc/exec*.c). */
#ifndef AEGIS_EXEC_H
#define AEGIS_EXEC_H

#include <aegis/types.h>

/* argv then envp strings, each NUL-terminated, packed in one buffer. */
struct exec_args {
	char *buf;
	size_t used, size;
	int argc, envc;
};

int exec_args_from_user(struct exec_args *a, const char __user *const __user *argv,
			const char __user *const __user *envp);
int exec_args_from_kernel(struct exec_args *a, const char *const *argv,
			  const char *const *envp);
int exec_args_add(struct exec_args *a, const char *s, size_t len);
const char *exec_args_at(const struct exec_args *a, size_t *pos);
int exec_args_prepend_interp(struct exec_args *a, const char *interp, const char *arg,
			     const char *path);
void exec_args_free(struct exec_args *a);

/* Replaces the current program; on success returns 0 with the user frame set up. */
int do_execve(const char *path, struct exec_args *args);

#endif

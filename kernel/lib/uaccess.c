/* uaccess.c - the C side of user memory access (see uaccess.h). */
#include <aegis/uaccess.h>

long strncpy_from_user(char *dst, const char __user *src, size_t size)
{
	uint64_t a = (uint64_t)src;
	size_t max = size;
	long len;

	if (a >= USER_TOP)
		return -EFAULT;
	if (max > USER_TOP - a)
		max = USER_TOP - a;	/* never scan into the kernel half */
	len = arch_strnlen_user(src, max);
	if (len < 0)
		return len;
	if ((size_t)len >= size)
		return -ENAMETOOLONG;
	if ((size_t)len == max)
		return -EFAULT;		/* ran into the end of user space */
	if (arch_copy_from_user(dst, src, len + 1))
		return -EFAULT;
	dst[len] = '\0';
	return len;
}

/*
 * uaccess.h - copying to and from user space.  Every user pointer goes through
 * these: a bad pointer (kernel half, unmapped, or wrapping) gives -EFAULT, never a
 * kernel fault.  May sleep (a fault can page in).
 */
#ifndef AEGIS_UACCESS_H
#define AEGIS_UACCESS_H

#include <aegis/errno.h>
#include <aegis/layout.h>
#include <aegis/types.h>

long arch_copy_from_user(void *dst, const void __user *src, size_t n);
long arch_copy_to_user(void __user *dst, const void *src, size_t n);
long arch_strnlen_user(const char __user *s, size_t max);
long arch_probe_read(const void *addr, uint64_t *out);

static inline bool user_range_ok(const void __user *p, size_t n)
{
	uint64_t a = (uint64_t)p;

	return a + n >= a && a + n <= USER_TOP;
}

static inline long copy_from_user(void *dst, const void __user *src, size_t n)
{
	if (!user_range_ok(src, n))
		return -EFAULT;
	return arch_copy_from_user(dst, src, n);
}

static inline long copy_to_user(void __user *dst, const void *src, size_t n)
{
	if (!user_range_ok(dst, n))
		return -EFAULT;
	return arch_copy_to_user(dst, src, n);
}

/*
 * Copies a NUL-terminated string of at most size-1 characters.  Returns its length,
 * -ENAMETOOLONG if it does not fit, or -EFAULT.
 */
long strncpy_from_user(char *dst, const char __user *src, size_t size);

#define get_user(x, ptr) copy_from_user(&(x), (ptr), sizeof(*(ptr)))
#define put_user(x, ptr)						\
	({								\
		__typeof__(*(ptr)) _v = (x);				\
		copy_to_user((ptr), &_v, sizeof(_v));			\
	})

#endif

/*
 * sys_syslog.c - syslog(2)/klogctl, which busybox dmesg uses: the same log text as
 * /dev/kmsg, read through printk_read().  Reading all keeps the newest len bytes.
 */
#include <aegis/errno.h>
#include <aegis/mm.h>
#include <aegis/printk.h>
#include <aegis/time.h>
#include <aegis/proc.h>
#include <aegis/string.h>
#include <aegis/uaccess.h>

#include "internal.h"

#define SYSLOG_READ_ALL		3
#define SYSLOG_READ_CLEAR	4
#define SYSLOG_CLEAR		5
#define SYSLOG_CONSOLE_OFF	6
#define SYSLOG_CONSOLE_ON	7
#define SYSLOG_CONSOLE_LEVEL	8
#define SYSLOG_SIZE_UNREAD	9
#define SYSLOG_SIZE_BUFFER	10
#define LOG_SIZE		(128 * 1024)	/* printk.c's ring */

static uint64_t clear_seq;			/* [a] where READ_ALL starts after CLEAR */

long sys_syslog(int type, char __user *ubuf, int len)
{
	const struct cred *c = cur_cred();

	switch (type) {
	case 0:
	case 1:
		return 0;			/* open/close: no-ops */
	case SYSLOG_SIZE_BUFFER:
		return LOG_SIZE;
	case SYSLOG_CONSOLE_OFF:
	case SYSLOG_CONSOLE_ON:
	case SYSLOG_CONSOLE_LEVEL:
	case SYSLOG_CLEAR:
		if (c && c->euid)
			return -EPERM;
		if (type == SYSLOG_CONSOLE_LEVEL) {
			if (len < 1 || len > 8)
				return -EINVAL;
			printk_set_loglevel(len);
		} else if (type == SYSLOG_CLEAR) {
			uint64_t seq = 0;
			char tmp[256];
			while (printk_read(&seq, tmp, sizeof(tmp)))
				;
			__atomic_store_n(&clear_seq, seq, __ATOMIC_RELAXED);
		}
		return 0;
	case SYSLOG_SIZE_UNREAD:
	case SYSLOG_READ_ALL:
	case SYSLOG_READ_CLEAR:
		break;
	default:
		return -EINVAL;
	}
	if (type != SYSLOG_SIZE_UNREAD && (len < 0 || (len && !ubuf)))
		return -EINVAL;
	char *k = kmalloc(LOG_SIZE);
	if (!k)
		return -ENOMEM;
	uint64_t seq = __atomic_load_n(&clear_seq, __ATOMIC_RELAXED);
	size_t n = 0, got;
	while (n < LOG_SIZE && (got = printk_read(&seq, k + n, LOG_SIZE - n)))
		n += got;
	long r;
	if (type == SYSLOG_SIZE_UNREAD) {
		r = (long)n;
	} else {
		size_t want = MIN(n, (size_t)len), from = n - want;
		r = copy_to_user(ubuf, k + from, want) ? -EFAULT : (long)want;
		if (type == SYSLOG_READ_CLEAR && r >= 0)
			__atomic_store_n(&clear_seq, seq, __ATOMIC_RELAXED);
	}
	kfree(k);
	return r;
}

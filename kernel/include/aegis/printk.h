/*
 * printk.h - the kernel log.  Every message goes into a ring buffer (read by dmesg
 * and /dev/kmsg) and, if its level is at or below the console log level, to every
 * registered console.  Safe from any context, including interrupt handlers.
 */
#ifndef AEGIS_PRINTK_H
#define AEGIS_PRINTK_H

#include <aegis/types.h>

enum log_level {
	LOG_EMERG, LOG_ALERT, LOG_CRIT, LOG_ERR,
	LOG_WARNING, LOG_NOTICE, LOG_INFO, LOG_DEBUG,
};

struct console {
	const char *name;
	void (*write)(struct console *con, const char *s, size_t n);
	struct console *next;
};

void printk(int level, const char *fmt, ...) __printf(2, 3);
void vprintk(int level, const char *fmt, va_list ap);
void console_register(struct console *con);
void printk_set_loglevel(int level);
int printk_get_loglevel(void);
/* Clock used for timestamps; until set, timestamps read 0. */
void printk_set_clock(uint64_t (*now_ns)(void));
/* Copies up to size bytes of log text starting at sequence *seq; see printk.c. */
size_t printk_read(uint64_t *seq, char *buf, size_t size);
/* Writes raw text to the consoles, bypassing the log (used by panic). */
void console_write(const char *s, size_t n);

#define pr_emerg(...)	printk(LOG_EMERG, __VA_ARGS__)
#define pr_err(...)	printk(LOG_ERR, __VA_ARGS__)
#define pr_warn(...)	printk(LOG_WARNING, __VA_ARGS__)
#define pr_notice(...)	printk(LOG_NOTICE, __VA_ARGS__)
#define pr_info(...)	printk(LOG_INFO, __VA_ARGS__)
#define pr_debug(...)	printk(LOG_DEBUG, __VA_ARGS__)

#endif

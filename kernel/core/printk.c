/*
 * printk.c - formatting, the log ring buffer and console fan-out.
 *
 * Lines are formatted into a stack buffer as "[sec.usec] text", appended to a byte
 * ring (readers track a 64-bit sequence number of bytes, so an overwritten position
 * is detectable), and written to each console if the level passes the filter.
 */
#include <aegis/printk.h>
#include <aegis/printf.h>
#include <aegis/spinlock.h>
#include <aegis/string.h>

#define LOG_BUF_SIZE	(128 * 1024)

static char log_buf[LOG_BUF_SIZE];
static uint64_t log_head;		/* [log_lock] bytes ever written */
static struct spinlock log_lock = SPINLOCK_INIT("printk");
static struct console *consoles;	/* [log_lock] */
static int console_level = LOG_INFO;
static uint64_t (*clock_ns)(void);

void printk_set_clock(uint64_t (*now_ns)(void))
{
	clock_ns = now_ns;
}

void printk_set_loglevel(int level)
{
	if (level >= LOG_EMERG && level <= LOG_DEBUG)
		console_level = level;
}

int printk_get_loglevel(void)
{
	return console_level;
}

void console_register(struct console *con)
{
	unsigned long flags = spin_lock_irqsave(&log_lock);

	con->next = consoles;
	consoles = con;
	spin_unlock_irqrestore(&log_lock, flags);
}

static void consoles_write(const char *s, size_t n)
{
	for (struct console *c = consoles; c; c = c->next)
		c->write(c, s, n);
}

void console_write(const char *s, size_t n)
{
	consoles_write(s, n);
}

static void log_append(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		log_buf[(log_head + i) % LOG_BUF_SIZE] = s[i];
	log_head += n;
}

size_t printk_read(uint64_t *seq, char *buf, size_t size)
{
	unsigned long flags = spin_lock_irqsave(&log_lock);
	size_t n = 0;

	if (log_head - *seq > LOG_BUF_SIZE)
		*seq = log_head - LOG_BUF_SIZE;	/* reader fell behind: skip lost text */
	while (*seq < log_head && n < size)
		buf[n++] = log_buf[(*seq)++ % LOG_BUF_SIZE];
	spin_unlock_irqrestore(&log_lock, flags);
	return n;
}

void vprintk(int level, const char *fmt, va_list ap)
{
	char line[512];
	uint64_t ns = clock_ns ? clock_ns() : 0;
	int n = snprintf(line, sizeof(line), "[%5llu.%06llu] ",
			 (unsigned long long)(ns / 1000000000),
			 (unsigned long long)(ns / 1000 % 1000000));
	unsigned long flags;

	n += vsnprintf(line + n, sizeof(line) - n, fmt, ap);
	if (n >= (int)sizeof(line) - 1)
		n = sizeof(line) - 2;
	if (line[n - 1] != '\n')
		line[n++] = '\n';
	line[n] = '\0';

	flags = spin_lock_irqsave(&log_lock);
	log_append(line, n);
	if (level <= console_level)
		consoles_write(line, n);
	spin_unlock_irqrestore(&log_lock, flags);
}

void printk(int level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintk(level, fmt, ap);
	va_end(ap);
}

/* printf.h - formatted output into buffers (kernel/lib/vsnprintf.c). */
#ifndef AEGIS_PRINTF_H
#define AEGIS_PRINTF_H

#include <aegis/types.h>

/*
 * C99 semantics: returns the length the full output would have had; the buffer is
 * always NUL-terminated when size > 0.  Supports %d %i %u %x %X %o %c %s %p %%, flags
 * - 0 + space #, width and precision (also *), and length modifiers hh h l ll z t j.
 */
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);

#endif

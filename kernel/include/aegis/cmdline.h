/*
 * cmdline.h - the kernel command line: "key=value" and bare "flag" words separated
 * by spaces; values may be double-quoted to contain spaces.  Later words win.
 */
#ifndef AEGIS_CMDLINE_H
#define AEGIS_CMDLINE_H

#include <aegis/types.h>

#define CMDLINE_MAX	512

/* Copies the value of key into buf (empty for a bare flag). Returns false if absent. */
bool cmdline_get(const char *cmdline, const char *key, char *buf, size_t size);
bool cmdline_has(const char *cmdline, const char *key);
/* Parses a decimal or 0x-hex value of key; returns def if absent or malformed. */
long cmdline_get_long(const char *cmdline, const char *key, long def);

#endif

/*
 * Shared between the unit file parser (unit_parse.c) and the directive table
 * with its setters (unit_directives.c); not for the rest of aegis-init.
 */
#ifndef AEGIS_INIT_UNIT_PARSE_INTERNAL_H
#define AEGIS_INIT_UNIT_PARSE_INTERNAL_H

#include <stddef.h>

#include "unit.h"

/* Where the parser is: the configuration, file and line for messages. */
struct pctx {
	struct unit_conf *c;
	const char *file;
	int line;
	struct unit_diag *d;
};

enum { SEC_UNIT = 1, SEC_SERVICE = 2, SEC_INSTALL = 4 };

/* Reports a problem at p's file and line; "error" counts against the unit. */
void parse_diag(struct pctx *p, const char *sev, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Applies KEY=VALUE (key klen bytes, NUL-terminated) found in section sec. */
void unit_apply_key(struct pctx *p, int sec, char *key, size_t klen, char *val);

#endif

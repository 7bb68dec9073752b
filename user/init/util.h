/*
 * Small helpers shared by aegis-init, aegisctl and the host tests: growable
 * string vectors, checked allocation, time spans, and number parsing.
 * Everything here is pure (no global state) so the parser and the ordering
 * engine can be compiled for host unit tests unchanged.
 */
#ifndef AEGIS_INIT_UTIL_H
#define AEGIS_INIT_UTIL_H

#include <stddef.h>
#include <stdint.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define MS_INFINITY UINT64_MAX

struct strv {
	char **v;
	int n, cap;
};

struct intv {
	int *v;
	int n, cap;
};

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t sz);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

void strv_push(struct strv *sv, const char *s);
void strv_clear(struct strv *sv);
int strv_contains(const struct strv *sv, const char *s);

void intv_push(struct intv *iv, int x);
int intv_contains(const struct intv *iv, int x);
void intv_remove(struct intv *iv, int x);

char *str_trim(char *s);
int str_endswith(const char *s, const char *suffix);

int parse_bool(const char *s, int *out);
int parse_uint(const char *s, uint64_t max, uint64_t *out);
int parse_timespan_ms(const char *s, uint64_t *out);
int parse_signal(const char *s, int *out);
const char *signal_name(int sig);

uint64_t now_mono_ms(void);
uint64_t now_real_us(void);
int write_all(int fd, const void *buf, size_t n);
int mkdir_p(const char *path, int mode);

#endif

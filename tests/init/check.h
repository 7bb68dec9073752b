/* Minimal test harness for the host unit tests: one PASS/FAIL line per case. */
#ifndef AEGIS_INIT_CHECK_H
#define AEGIS_INIT_CHECK_H
#include <stdio.h>

static int check_failed, check_total_failed;
static char check_reason[256];

#define CHECK(cond)                                                                   \
	do {                                                                          \
		if (!(cond) && !check_failed) {                                       \
			check_failed = 1;                                             \
			snprintf(check_reason, sizeof(check_reason), "%s:%d: %s",     \
				 __FILE__, __LINE__, #cond);                          \
		}                                                                     \
	} while (0)

#define RUN(name, fn)                                                                 \
	do {                                                                          \
		check_failed = 0;                                                     \
		fn();                                                                 \
		if (check_failed) {                                                   \
			printf("FAIL %s %s\n", name, check_reason);                  \
			check_total_failed++;                                         \
		} else {                                                              \
			printf("PASS %s\n", name);                                   \
		}                                                                     \
		fflush(stdout);                                                       \
	} while (0)
#endif

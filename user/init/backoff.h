/*
 * Restart policy: back-off delays and start rate limits. Pure functions of
 * the unit configuration, the history, and a time `now` passed in by the
 * caller, so tests drive them with a fake clock.
 */
#ifndef AEGIS_INIT_BACKOFF_H
#define AEGIS_INIT_BACKOFF_H

#include <stdint.h>

#include "unit.h"

#define BACKOFF_MAX_BURST 64

struct backoff {
	int attempts;	       /* restarts since the unit was last healthy */
	uint64_t active_since; /* when the current run became active; 0 = not active */
	uint64_t starts[BACKOFF_MAX_BURST]; /* ring of recent start times */
	int nstarts, head;
};

/* Delay before restart number `attempt` (0-based). */
uint64_t backoff_delay(const struct unit_conf *c, int attempt);
/* Records that the unit became active at now. */
void backoff_note_active(struct backoff *b, uint64_t now);
/*
 * Records that the unit stopped running at now; a run that stayed active for
 * RestartResetSec (or longer) resets the attempt counter.
 */
void backoff_note_stopped(struct backoff *b, const struct unit_conf *c, uint64_t now);
/* Returns the delay for the next restart and counts the attempt. */
uint64_t backoff_next(struct backoff *b, const struct unit_conf *c);
/*
 * Start rate limit: returns 0 and records the start if allowed, or -1 when more
 * than StartLimitBurst starts happened within StartLimitIntervalSec.
 */
int backoff_start_allowed(struct backoff *b, const struct unit_conf *c, uint64_t now);
/* Forget the start history (manual start after a limit hit, `reset-failed`). */
void backoff_reset(struct backoff *b);

#endif

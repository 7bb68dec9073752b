/*
 * Exponential back-off in the manner of systemd's RestartSteps= and
 * RestartMaxDelaySec=: the delay grows geometrically from RestartSec to
 * RestartMaxDelaySec in RestartSteps steps and then stays there. Without
 * RestartSteps, a RestartMaxDelaySec alone doubles the delay each time.
 */
#include "backoff.h"

#include <math.h>
#include <string.h>

uint64_t backoff_delay(const struct unit_conf *c, int attempt)
{
	uint64_t base = c->restart_ms, max = c->restart_max_delay_ms;
	if (!max || max <= base || attempt <= 0)
		return base;
	if (c->restart_steps > 0) {
		int n = attempt < c->restart_steps ? attempt : c->restart_steps;
		if (base == 0)
			base = 1;
		double ratio = (double)max / (double)base;
		double d = (double)base * pow(ratio, (double)n / c->restart_steps);
		uint64_t ms = (uint64_t)(d + 0.5);
		return ms > max ? max : ms;
	}
	uint64_t d = base ? base : 1;
	for (int i = 0; i < attempt && d < max; i++)
		d *= 2;
	return d > max ? max : d;
}

void backoff_note_active(struct backoff *b, uint64_t now)
{
	b->active_since = now ? now : 1;
}

void backoff_note_stopped(struct backoff *b, const struct unit_conf *c, uint64_t now)
{
	if (b->active_since && now - b->active_since >= c->restart_reset_ms)
		b->attempts = 0;
	b->active_since = 0;
}

uint64_t backoff_next(struct backoff *b, const struct unit_conf *c)
{
	return backoff_delay(c, b->attempts++);
}

int backoff_start_allowed(struct backoff *b, const struct unit_conf *c, uint64_t now)
{
	int burst = c->start_limit_burst;
	if (burst > BACKOFF_MAX_BURST)
		burst = BACKOFF_MAX_BURST;
	if (c->start_limit_interval_ms == 0 || burst <= 0)
		return 0;
	if (b->nstarts >= burst) {
		/* The oldest of the last `burst` starts. */
		int oldest = (b->head - burst + BACKOFF_MAX_BURST) % BACKOFF_MAX_BURST;
		if (now - b->starts[oldest] < c->start_limit_interval_ms)
			return -1;
	}
	b->starts[b->head] = now;
	b->head = (b->head + 1) % BACKOFF_MAX_BURST;
	if (b->nstarts < BACKOFF_MAX_BURST)
		b->nstarts++;
	return 0;
}

void backoff_reset(struct backoff *b)
{
	memset(b, 0, sizeof(*b));
}
